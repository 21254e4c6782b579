// SPDX-License-Identifier: MIT
/*
 * Device-dump collectors of the command line: NAME=FILE (the file's bytes)
 * and NAME=exec:COMMAND (what `sh -c COMMAND` writes to its standard
 * output; its exit status is the collector's result), both bounded by
 * --device-dump-max.  Shared by assemble --device-dump and devdump add.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

int collect_parse(const char *arg, struct collect_spec *out, vmc_error *e)
{
	const char *eq = strchr(arg, '=');
	size_t nl;

	memset(out, 0, sizeof(*out));
	out->arg = arg;
	if (!eq || eq == arg || !eq[1]) {
		vmc_error_set(e, VMC_ERR_INVALID, "'%s': want NAME=FILE or "
			      "NAME=exec:COMMAND", arg);
		return -1;
	}
	nl = (size_t)(eq - arg);
	if (nl >= VMC_VMCOREDD_NAME_MAX) {
		vmc_error_set(e, VMC_ERR_INVALID, "'%.*s': a device dump name "
			      "has at most %d bytes", (int)nl, arg,
			      VMC_VMCOREDD_NAME_MAX - 1);
		return -1;
	}
	memcpy(out->name, arg, nl);
	out->name[nl] = '\0';
	if (!strncmp(eq + 1, "exec:", 5))
		out->cmd = eq + 6;
	else
		out->file = eq + 1;
	out_input(out->file);
	if (out->cmd && !*out->cmd) {
		vmc_error_set(e, VMC_ERR_INVALID, "'%s': empty command", arg);
		return -1;
	}
	return 0;
}

/*
 * A collector's bytes on their way into the dump: a regular file is read
 * where it is, when the dump is written; a pipe or a command's output is
 * spooled into an unlinked temporary file first (its all-zero chunks left
 * as holes), so neither is ever held in memory.
 */
struct gathered {
	int fd;			/* the bytes, from offset 0; -1: none */
	uint64_t len;
	vmc_status result;	/* the collector's result (exec status) */
	char why[200];
	bool direct;		/* fd is the named regular file itself */
};

#define SPOOL_CHUNK (1u << 20)

/* An unlinked file in $TMPDIR (else /tmp), for the spool. */
static vmc_status spool_open(int *fd, vmc_error *e)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	*fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (*fd >= 0)
		return VMC_OK;
	/* No O_TMPFILE on this filesystem: create, then unlink at once. */
	snprintf(path, sizeof(path), "%s/vmcorekit-dd.XXXXXX", dir);
	*fd = mkostemp(path, O_CLOEXEC);
	if (*fd < 0)
		return vmc_error_set_errno(e, VMC_ERR_IO, errno,
					   "%s: a temporary file: %s", dir,
					   strerror(errno));
	unlink(path);
	return VMC_OK;
}

static vmc_status pwrite_all(int fd, const char *p, size_t n, uint64_t off,
			     vmc_error *e)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "writing the spool: %s",
						   strerror(errno));
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return VMC_OK;
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Copy @in to its end into a spool file (at most @max bytes). */
static vmc_status spool(int in, uint64_t max, const char *what,
			struct gathered *g, vmc_error *e)
{
	char *buf = malloc(SPOOL_CHUNK);
	vmc_status st = buf ? spool_open(&g->fd, e)
			    : vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");

	while (!st) {
		ssize_t r = read(in, buf, SPOOL_CHUNK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			st = vmc_error_set_errno(e, VMC_ERR_IO, errno, "%s: %s",
						 what, strerror(errno));
		if (r <= 0)
			break;
		if ((uint64_t)r > max - g->len) {
			st = vmc_error_set(e, VMC_ERR_RANGE, "%s: larger than "
					   "%llu bytes (--device-dump-max)",
					   what, (unsigned long long)max);
			break;
		}
		/* Zeros become a hole (ftruncate below extends the file). */
		if (!all_zero(buf, (size_t)r) &&
		    pwrite_all(g->fd, buf, (size_t)r, g->len, e))
			st = VMC_ERR_IO;
		g->len += (uint64_t)r;
	}
	int r = 0;

	if (!st)
		do	/* EINTR: nothing changed, try again */
			r = ftruncate(g->fd, (off_t)g->len);
		while (r < 0 && errno == EINTR);
	if (r < 0)
		st = vmc_error_set_errno(e, VMC_ERR_IO, errno,
					 "spooling %s: %s", what,
					 strerror(errno));
	free(buf);
	return st;
}

/* sh -c CMD, its stdout spooled; the exit status becomes g->result. */
static vmc_status run_command(const char *cmd, uint64_t max,
			      struct gathered *g, vmc_error *e)
{
	int p[2], status;
	pid_t pid;
	vmc_status st;

	if (pipe2(p, O_CLOEXEC) < 0)
		return vmc_error_set_errno(e, VMC_ERR_IO, errno, "pipe: %s",
					   strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return vmc_error_set_errno(e, VMC_ERR_IO, errno, "fork: %s",
					   strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	st = spool(p[0], max, cmd, g, e);
	close(p[0]);
	if (st)
		kill(pid, SIGKILL);	/* our own child, over its limit */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (st)
		return st;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return VMC_OK;
	g->result = VMC_ERR_CORRUPT;
	if (WIFEXITED(status))
		snprintf(g->why, sizeof(g->why), "collector '%s' exited with "
			 "status %d", cmd, WEXITSTATUS(status));
	else
		snprintf(g->why, sizeof(g->why), "collector '%s' was killed by "
			 "signal %d", cmd, WTERMSIG(status));
	return VMC_OK;
}

static vmc_status open_file(const char *path, uint64_t max,
			    struct gathered *g, vmc_error *e)
{
	struct stat sb;
	vmc_status st;
	int fd;

	st = open_ro(path, &fd, e);
	if (st)
		return st;
	if (fstat(fd, &sb) < 0) {
		st = vmc_error_set_errno(e, VMC_ERR_IO, errno, "%s: %s", path,
					 strerror(errno));
		close(fd);
		return st;
	}
	if (!S_ISREG(sb.st_mode)) {	/* a pipe, a device: spool it */
		st = spool(fd, max, path, g, e);
		close(fd);
		return st;
	}
	if ((uint64_t)sb.st_size > max) {
		close(fd);
		return vmc_error_set(e, VMC_ERR_RANGE, "%s: %llu bytes, over "
				     "--device-dump-max %llu", path,
				     (unsigned long long)sb.st_size,
				     (unsigned long long)max);
	}
	g->fd = fd;
	g->len = (uint64_t)sb.st_size;
	g->direct = true;
	return VMC_OK;
}

vmc_status collect_add(vmc_dump *d, const struct collect_spec *s,
		       uint64_t max, vmc_error *e)
{
	struct vmc_devdump_desc dd = VMC_DEVDUMP_DESC_INIT;
	struct gathered g = { .fd = -1 };
	vmc_status st;

	if (max > VMC_DEVDUMP_SIZE_MAX)
		max = VMC_DEVDUMP_SIZE_MAX;
	st = s->cmd ? run_command(s->cmd, max, &g, e)
		    : open_file(s->file, max, &g, e);
	if (!st && g.result)	/* a failed command: its output is not used */
		st = vmc_error_set(e, g.result, "%s", g.why);
	/* The dump takes the source (and its fd): read when written.  A
	 * named file gets a source named after it, so that a read error
	 * then names the file. */
	if (!st && g.direct) {
		close(g.fd);
		g.fd = -1;
		st = vmc_source_open_file(&dd.src, s->file, e);
	} else if (!st) {
		st = vmc_source_new_fd(&dd.src, g.fd, 1, e);
		if (!st)
			g.fd = -1;
	}
	if (!st) {
		memcpy(dd.name, s->name, sizeof(dd.name));
		dd.size = (uint32_t)g.len;
		st = vmc_dump_add_device_dump(d, &dd, e);
	}
	if (g.fd >= 0)
		close(g.fd);
	if (st)
		vmc_error_prefix(e, "--device-dump %s", s->arg);
	return st;
}
