// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *prog = "vmcorekit";

int status_exit_code(vmc_status st)
{
	switch (st) {
	case VMC_OK:
		return EXIT_OK;
	case VMC_ERR_NOMEM:
	case VMC_ERR_IO:
	case VMC_ERR_NOTFOUND:
		return EXIT_ENV;
	default:
		return EXIT_DATA;
	}
}

int fail(const char *cmd, const vmc_error *e)
{
	fprintf(stderr, "%s %s: %s\n", prog, cmd,
		e->msg[0] ? e->msg : vmc_status_name(e->status));
	return status_exit_code(e->status);
}

void print_warnings(const char *cmd, const char *what, const vmc_warnings *w)
{
	for (size_t i = 0; i < vmc_warnings_count(w); i++)
		fprintf(stderr, "%s %s: %s%swarning: %s\n", prog, cmd,
			what ? what : "", what ? ": " : "",
			vmc_warnings_get(w, i)->msg);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", prog, cmd);
	return EXIT_USAGE;
}

vmc_status open_ro(const char *path, int *fd, vmc_error *e)
{
	do
		*fd = open(path, O_RDONLY | O_CLOEXEC);
	while (*fd < 0 && errno == EINTR);
	if (*fd < 0)
		return vmc_error_set_errno(e, errno == ENOENT ? VMC_ERR_NOTFOUND
							      : VMC_ERR_IO,
					   errno, "%s: %s", path,
					   strerror(errno));
	return VMC_OK;
}

vmc_status read_to_end(int fd, size_t max, const char *what, char **buf,
		       size_t *len, vmc_error *e)
{
	size_t cap = 0, n = 0;
	char *b = NULL;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;

			if (ncap > max)
				ncap = max;
			if (ncap <= cap) {	/* full at max: one more byte? */
				char c;

				do
					r = read(fd, &c, 1);
				while (r < 0 && errno == EINTR);
				if (r == 0)
					break;
				free(b);
				if (r < 0)
					return vmc_error_set_errno(
						e, VMC_ERR_IO, errno, "%s: %s",
						what, strerror(errno));
				return vmc_error_set(e, VMC_ERR_RANGE,
						     "%s: larger than %zu "
						     "bytes", what, max);
			}
			nb = realloc(b, ncap + 1);
			if (!nb) {
				free(b);
				return vmc_error_set(e, VMC_ERR_NOMEM,
						     "out of memory");
			}
			b = nb;
			cap = ncap;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "%s: %s", what,
						   strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!b && !(b = malloc(1)))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	b[n] = '\0';
	*buf = b;
	*len = n;
	return VMC_OK;
}

char *slurp(const char *path, size_t max, size_t *len, vmc_error *e)
{
	char *buf = NULL;
	int fd;

	if (open_ro(path, &fd, e))
		return NULL;
	if (read_to_end(fd, max, path, &buf, len, e))
		buf = NULL;
	close(fd);
	return buf;
}

vmc_status load_system_inputs(vmc_system *sys, const char *sysroot,
			      const char *iomem, vmc_error *e)
{
	vmc_status st = VMC_OK;
	size_t len;
	char *text;

	if (sysroot && access(sysroot, R_OK | X_OK) != 0)
		return vmc_error_set_errno(e, VMC_ERR_NOTFOUND, errno,
					   "sysroot %s: %s", sysroot,
					   strerror(errno));
	if (sysroot)
		st = vmc_system_read(sys, sysroot, e);
	if (!st && iomem) {
		text = slurp(iomem, 64 << 20, &len, e);
		if (!text)
			return e->status;
		st = vmc_system_set_iomem_text(sys, text, len, e);
		free(text);
		if (st)
			return vmc_error_prefix(e, "%s", iomem);
	}
	return st;
}
