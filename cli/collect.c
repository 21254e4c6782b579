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

/* Bytes gathered ahead of the add (a command's output, a pipe). */
struct gathered {
	char *buf;
	size_t len;
	int fd;			/* a regular file read in the callback, or -1 */
	const char *path;
	vmc_status result;	/* the collector's result (exec status) */
	char why[200];
};

static vmc_status from_gathered(const struct vmc_devdump_desc *dd, void *buf,
				size_t len, vmc_error *e)
{
	struct gathered *g = dd->payload;
	uint8_t *p = buf;
	size_t done = 0;

	if (g->result)
		return vmc_error_set(e, g->result, "%s", g->why);
	if (g->fd < 0) {
		memcpy(buf, g->buf, len);
		return VMC_OK;
	}
	while (done < len) {
		ssize_t n = pread(g->fd, p + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "%s: %s", g->path,
						   strerror(errno));
		if (n == 0)
			return vmc_error_set(e, VMC_ERR_IO, "%s: shrank to %zu "
					     "bytes while read", g->path, done);
		done += (size_t)n;
	}
	return VMC_OK;
}

/* sh -c CMD, its stdout gathered; the exit status becomes g->result. */
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
	st = read_to_end(p[0], (size_t)max, cmd, &g->buf, &g->len, e);
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
	if (!S_ISREG(sb.st_mode)) {	/* a pipe, a device: gather it */
		st = read_to_end(fd, (size_t)max, path, &g->buf, &g->len, e);
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
	g->len = (size_t)sb.st_size;
	return VMC_OK;
}

vmc_status collect_add(vmc_dump *d, const struct collect_spec *s,
		       uint64_t max, vmc_error *e)
{
	struct vmc_devdump_desc dd = VMC_DEVDUMP_DESC_INIT;
	struct gathered g = { .fd = -1, .path = s->file };
	vmc_status st;

	if (max > VMC_DEVDUMP_SIZE_MAX)
		max = VMC_DEVDUMP_SIZE_MAX;
	st = s->cmd ? run_command(s->cmd, max, &g, e)
		    : open_file(s->file, max, &g, e);
	if (!st && g.result && g.len == 0)
		st = vmc_error_set(e, g.result, "%s", g.why);
	if (!st) {
		memcpy(dd.name, s->name, sizeof(dd.name));
		dd.size = (uint32_t)g.len;
		dd.collect = from_gathered;
		dd.payload = &g;
		st = vmc_dump_add_device_dump(d, &dd, e);
	}
	if (g.fd >= 0)
		close(g.fd);
	free(g.buf);
	if (st)
		vmc_error_prefix(e, "--device-dump %s", s->arg);
	return st;
}
