// SPDX-License-Identifier: MIT
/*
 * The one output path of every writing command (docs/robustness.md,
 * "Output safety"): the input check, the signals, open/commit/abort over
 * vmc_outfile (src/io/outfile.c decides how a path is written), and the
 * end of standard output for the text and JSON reports.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

/* Every file a command reads, as given (outputs must be none of them). */
static const char **inputs;
static size_t nr_inputs, cap_inputs;

/* The temporary file an interrupted run removes, and its message. */
static const char *volatile temp_path;
static char stop_msg[200];
static size_t stop_len;

void out_input(const char *path)
{
	char *copy;

	if (!path || !strcmp(path, "-") || !(copy = strdup(path)))
		return;	/* the check is best effort past ENOMEM */
	if (nr_inputs == cap_inputs) {
		size_t n = cap_inputs ? cap_inputs * 2 : 16;
		const char **p = realloc(inputs, n * sizeof(*p));

		if (!p) {
			free(copy);
			return;
		}
		inputs = p;
		cap_inputs = n;
	}
	inputs[nr_inputs++] = copy;
}

/* An output that is one of the inputs (same device and inode: hard links
 * and symlinks included) would destroy it: a usage error. */
int out_check(const char *cmd, const char *path)
{
	struct stat so, si;
	int r = strcmp(path, "-") ? stat(path, &so) : fstat(STDOUT_FILENO, &so);

	if (r < 0 && errno != ENOENT && errno != ENOTDIR) {
		vmc_error e = { 0 };

		vmc_error_set_errno(&e, VMC_ERR_IO, errno, "%s: %s",
				    strcmp(path, "-") ? path : "standard output",
				    strerror(errno));
		return fail(cmd, &e);
	}
	if (r < 0 || !S_ISREG(so.st_mode))
		return EXIT_OK;	/* nothing there, or a device: no input */
	for (size_t i = 0; i < nr_inputs; i++)
		if (stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			return usage_error(cmd, "the output %s is the input %s: "
					   "write a new file",
					   strcmp(path, "-") ? path
							     : "(standard output)",
					   inputs[i]);
	return EXIT_OK;
}

static void add_signals(sigset_t *s)
{
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
}

/*
 * Remove the unfinished output, say so, then end by the signal itself, as
 * sort(1) does after its cleanup (coreutils sort.c, sighandler): the
 * status is 128+N whether the signal came before the output was opened
 * (no handler yet), while it was written, or after the commit (the
 * default action again), and a shell loop or make sees an interrupt, not
 * an I/O error.  The other two signals are blocked here (sa_mask), so
 * the cleanup runs once.
 */
static void on_signal(int sig)
{
	const char *t = temp_path;
	sigset_t s;

	if (t)
		unlink(t);
	if (write(STDERR_FILENO, stop_msg, stop_len) < 0) {
		/* nothing more to say */
	}
	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
	_exit(128 + sig);	/* not reached */
}

/* A signal ignored when we started (nohup, a script's background job)
 * stays ignored: it cannot interrupt the write, so nothing is left. */
static void set_signals(void (*h)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = h }, old;

	sigemptyset(&sa.sa_mask);
	add_signals(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

static void block_signals(int how)
{
	sigset_t s;

	sigemptyset(&s);
	add_signals(&s);
	sigprocmask(how, &s, NULL);
}

int strict_fail(const char *cmd, size_t nr, const char *path)
{
	fprintf(stderr, "%s %s: %zu warning%s and --strict", prog, cmd, nr,
		nr == 1 ? "" : "s");
	if (path)
		fprintf(stderr, ": %s not written",
			strcmp(path, "-") ? path : "standard output");
	fputc('\n', stderr);
	return EXIT_DATA;
}

int out_fail(const char *cmd, const vmc_error *e)
{
	/* A reader that went away (| head) ends us quietly, as it ends cat. */
	if (e->sys_errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		return EXIT_ENV;
	}
	return fail(cmd, e);
}

int out_open(const char *cmd, const struct dump_out *o, vmc_outfile **f)
{
	struct vmc_outfile_opts oo = VMC_OUTFILE_OPTS_INIT;
	vmc_error e = { 0 };
	int rc = out_check(cmd, o->path);

	if (rc)
		return rc;
	oo.clobber = o->clobber;
	snprintf(stop_msg, sizeof(stop_msg), "%s %s: stopped by a signal, "
		 "%s not written\n", prog, cmd,
		 strcmp(o->path, "-") ? o->path : "standard output");
	stop_len = strlen(stop_msg);
	signal(SIGPIPE, SIG_IGN);	/* EPIPE instead, see out_fail */
	block_signals(SIG_BLOCK);
	set_signals(on_signal);
	if (vmc_outfile_open_opts(f, o->path, &oo, &e)) {
		block_signals(SIG_UNBLOCK);
		return fail(cmd, &e);
	}
	temp_path = vmc_outfile_temp_path(*f);
	block_signals(SIG_UNBLOCK);
	return EXIT_OK;
}

/* After the commit (or abort) a signal does what it does by default. */
static void done(void)
{
	temp_path = NULL;
	set_signals(SIG_DFL);
	block_signals(SIG_UNBLOCK);
}

int out_commit(const char *cmd, const struct dump_out *o, vmc_outfile *f)
{
	vmc_error e = { 0 };
	vmc_status st;

	block_signals(SIG_BLOCK);
	st = vmc_outfile_commit(f, o->fsync, &e);
	done();
	return st ? out_fail(cmd, &e) : EXIT_OK;
}

void out_abort(vmc_outfile *f)
{
	block_signals(SIG_BLOCK);
	vmc_outfile_abort(f);
	done();
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int out_write_padded(const char *cmd, const struct dump_out *o,
		     const void *buf, size_t len, uint64_t pad)
{
	enum { CHUNK = 1 << 16 };
	const uint8_t *p = buf;
	vmc_outfile *f;
	vmc_error e = { 0 };
	vmc_status st = VMC_OK;
	int rc = out_open(cmd, o, &f);

	if (rc)
		return rc;
	/* Zero stretches (a hotplug segment's unused capacity) as holes. */
	for (size_t off = 0; !st && off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;

		st = all_zero(p + off, n) ? vmc_outfile_pad(f, n, &e)
					  : vmc_outfile_write(f, p + off, n, &e);
	}
	if (!st)
		st = vmc_outfile_pad(f, pad, &e);
	if (st) {
		out_abort(f);
		return out_fail(cmd, &e);
	}
	return out_commit(cmd, o, f);
}

int out_write_all(const char *cmd, const struct dump_out *o, const void *buf,
		  size_t len)
{
	return out_write_padded(cmd, o, buf, len, 0);
}

int out_finish_stdout(const char *cmd, int rc)
{
	int err = 0;

	if (fflush(stdout) == EOF || ferror(stdout))
		err = errno ? errno : EIO;
	if (fclose(stdout) == EOF && !err)
		err = errno;
	if (!err)
		return rc;
	if (err == EPIPE)
		return out_fail(cmd, &(vmc_error){ .sys_errno = EPIPE });
	fprintf(stderr, "%s %s: write to standard output: %s\n", prog, cmd,
		strerror(err));
	return rc ? rc : EXIT_ENV;
}

#define T struct dump_out
const struct opt output_opts[] = {
	OPT_INT_(T, "force", clobber, VMC_CLOBBER_FORCE,
		 "replace the output even when it is not writable"),
	OPT_INT_(T, "no-clobber", clobber, VMC_CLOBBER_NEVER,
		 "never replace an existing output (exit 3)"),
	OPT_FLAG_(T, "fsync", fsync, "fsync the output before it is committed"),
	OPT_FLAG_(T, "strict", strict,
		  "any warning is an error: exit 1, nothing written"),
	{ 0 },
};
#undef T
