// SPDX-License-Identifier: MIT
/*
 * Replay a fuzz target without libFuzzer: every file named on the command
 * line, or found in a directory named there, goes through the target's
 * LLVMFuzzerTestOneInput once.  `make check` runs it (gcc, and the ASan
 * build) over fuzz/seeds/NAME and fuzz/regressions/NAME, so every crash the
 * fuzzer ever found stays fixed with either compiler.
 *
 * Built with -DFUZZ_FAILALLOC and tests/unit/failalloc.c (whose strong
 * vmc__malloc & co. replace the library's weak ones), it also replays each
 * input with the Nth library allocation failing, for every N the input
 * reaches, once alone and once with every later allocation failing too.
 * Each such run is a child process; it must neither crash nor leave a
 * library block allocated.  That is how the parsers of every target --
 * including ones added later -- get allocation-failure coverage with no
 * list to edit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef FUZZ_FAILALLOC
#include "failalloc.h"
#endif

static unsigned long nr_inputs, nr_failed;

static uint8_t *load(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	uint8_t *buf = NULL;
	size_t n = 0;

	if (fd < 0 || fstat(fd, &sb) < 0)
		goto out;
	/* +1: a zero-length input still gets a valid pointer. */
	buf = malloc((size_t)sb.st_size + 1);
	while (buf && n < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)sb.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		n += (size_t)r;
	}
	*len = n;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

#ifdef FUZZ_FAILALLOC
static unsigned long nr_runs;

/* One run with allocation @nth failing (@sticky: and all after it). */
static bool run_failing(const char *path, const uint8_t *data, size_t len,
			unsigned long nth, bool sticky)
{
	int ws = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return false;
	}
	if (pid == 0) {
		long live0 = failalloc_live();

		failalloc_arm(nth, sticky);
		LLVMFuzzerTestOneInput(data, len);
		failalloc_arm(0, false);
		/* _exit: the block count is the leak check; LeakSanitizer
		 * at each child's exit would cost more than the run. */
		_exit(failalloc_live() == live0 ? 0 : 3);
	}
	nr_runs++;
	if (waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) &&
	    WEXITSTATUS(ws) == 0)
		return true;
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 3)
		printf("FAIL %s: %s allocation %lu failing: library blocks "
		       "leaked\n", path, sticky ? "every" : "only", nth);
	else
		printf("FAIL %s: %s allocation %lu failing: crashed (wait "
		       "status 0x%x)\n", path, sticky ? "every" : "only", nth,
		       ws);
	return false;
}

static bool replay_failalloc(const char *path, const uint8_t *data,
			     size_t len)
{
	unsigned long calls;
	bool ok = true;

	failalloc_arm(0, false);
	LLVMFuzzerTestOneInput(data, len);
	calls = failalloc_calls();
	for (unsigned long n = 1; n <= calls; n++)
		for (int sticky = 0; sticky < 2; sticky++)
			ok &= run_failing(path, data, len, n, sticky);
	return ok;
}
#endif

static void replay_file(const char *path)
{
	size_t len = 0;
	uint8_t *data = load(path, &len);

	if (!data) {
		printf("FAIL %s: cannot read: %s\n", path, strerror(errno));
		nr_failed++;
		return;
	}
	nr_inputs++;
	LLVMFuzzerTestOneInput(data, len);	/* a bug crashes here */
#ifdef FUZZ_FAILALLOC
	if (!replay_failalloc(path, data, len))
		nr_failed++;
#endif
	free(data);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay_path(const char *path)
{
	struct dirent **ents;
	struct stat sb;
	int n;

	if (stat(path, &sb) < 0) {
		/* A target without regressions has no directory for them. */
		if (errno != ENOENT) {
			printf("FAIL %s: %s\n", path, strerror(errno));
			nr_failed++;
		}
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		replay_file(path);
		return;
	}
	n = scandir(path, &ents, NULL, by_name);
	if (n < 0) {
		printf("FAIL %s: %s\n", path, strerror(errno));
		nr_failed++;
		return;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		/* Dot files and READMEs are not inputs. */
		if (ents[i]->d_name[0] != '.' &&
		    strncmp(ents[i]->d_name, "README", 6) != 0 &&
		    snprintf(sub, sizeof(sub), "%s/%s", path,
			     ents[i]->d_name) < (int)sizeof(sub))
			replay_path(sub);
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		replay_path(argv[i]);
#ifdef FUZZ_FAILALLOC
	printf("%lu inputs replayed with each allocation failing (%lu runs); "
	       "%lu failed\n", nr_inputs, nr_runs, nr_failed);
#else
	printf("%lu inputs replayed; %lu unreadable\n", nr_inputs, nr_failed);
#endif
	printf("%lu passed, %lu failed\n", nr_inputs - (nr_failed > nr_inputs ?
						       nr_inputs : nr_failed),
	       nr_failed);
	return nr_failed ? 1 : 0;
}
