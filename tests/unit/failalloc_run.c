// SPDX-License-Identifier: MIT
/*
 * Runs every FAILALLOC_SCENARIO (failalloc_scenario.h) linked in: a clean
 * run counts the allocations, then for N = 1..count a child process fails
 * allocation N (and, in the sticky pass, every one after it).
 *
 *   test_failalloc_scenarios ROOT [SCENARIO...]
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "failalloc.h"
#include "failalloc_scenario.h"

const char *fa_root;
const char *fa_tmp;

static const struct fa_scenario *scenarios[64];
static size_t nr_scenarios;

void fa_register(const struct fa_scenario *s)
{
	if (nr_scenarios < sizeof(scenarios) / sizeof(scenarios[0]))
		scenarios[nr_scenarios++] = s;
}

struct shared {
	int done;
	vmc_status st;
	vmc_error e;
	bool fired;
	long leaked;
};

static struct shared *sh;

static void child(const struct fa_scenario *s, unsigned long n, bool sticky)
{
	long live0 = failalloc_live();
	vmc_error e;
	vmc_status st;

	vmc_error_clear(&e);
	failalloc_arm(n, sticky);
	st = s->run(&e);
	sh->fired = failalloc_fired();
	failalloc_arm(0, false);
	sh->leaked = failalloc_live() - live0;
	sh->st = st;
	sh->e = e;
	sh->done = 1;
	exit(0);	/* not _exit: LeakSanitizer runs in the child */
}

static void run_scenario(const struct fa_scenario *s)
{
	unsigned long calls, failed = 0;
	vmc_error e;
	vmc_status st;

	vmc_error_clear(&e);
	t_case("%s: clean run", s->name);
	failalloc_arm(0, false);
	st = s->run(&e);
	calls = failalloc_calls();
	CHECK_ST(st, VMC_OK, &e);
	CHECK(calls > 0, "the scenario allocates");
	if (st)
		return;
	for (int sticky = 0; sticky < 2; sticky++) {
		for (unsigned long n = 1; n <= calls; n++) {
			int ws = 0;
			pid_t pid;

			memset(sh, 0, sizeof(*sh));
			fflush(stdout);
			pid = fork();
			if (pid == 0)
				child(s, n, sticky);
			if (!CHECK(pid > 0, "fork"))
				return;
			waitpid(pid, &ws, 0);
			t_case("%s: %s allocation %lu failing", s->name,
			       sticky ? "every" : "only", n);
			if (!CHECK(sh->done, "crashed (wait status 0x%x)", ws) ||
			    !CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
				   "wait status 0x%x (LeakSanitizer?)", ws) ||
			    !CHECK(sh->fired, "allocation %lu was not reached", n) ||
			    !CHECK(sh->st == VMC_ERR_NOMEM &&
				   sh->e.status == VMC_ERR_NOMEM && sh->e.msg[0],
				   "status %s, error %s '%s'",
				   vmc_status_name(sh->st),
				   vmc_status_name(sh->e.status), sh->e.msg) ||
			    !CHECK(sh->leaked == 0, "%ld library blocks leaked",
				   sh->leaked))
				failed++;
		}
	}
	t_case("%s", "");
	printf("%s: %lu allocations, each failed alone and sticky: %lu "
	       "runs wrong\n", s->name, calls, failed);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/vmc-failalloc-XXXXXX";

	if (argc < 2) {
		printf("usage: %s ROOT [SCENARIO...]\n", argv[0]);
		return 2;
	}
	fa_root = argv[1];
	fa_tmp = mkdtemp(tmpl);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!fa_tmp || sh == MAP_FAILED) {
		printf("no scratch directory or shared page\n");
		return 2;
	}
	for (size_t i = 0; i < nr_scenarios; i++) {
		bool want = argc == 2;

		for (int a = 2; a < argc; a++)
			want |= strcmp(argv[a], scenarios[i]->name) == 0;
		if (want)
			run_scenario(scenarios[i]);
	}
	CHECK(nr_scenarios > 0, "scenarios are linked in");
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fa_tmp);
		if (system(cmd) != 0)
			printf("could not remove %s\n", fa_tmp);
	}
	return t_finish();
}
