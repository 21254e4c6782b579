// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmcorekit/output.h"
#include "base/compiler.h"

struct vmc_outfile {
	int fd;
	bool is_stdout;
	char *path;
	char *tmp;
};

static char *dup_str(const char *s)
{
	size_t l = strlen(s) + 1;
	char *p = vmc__malloc(l);

	if (p)
		memcpy(p, s, l);
	return p;
}

static void release(vmc_outfile *o)
{
	vmc__free(o->path);
	vmc__free(o->tmp);
	vmc__free(o);
}

VMC_EXPORT vmc_status vmc_outfile_open(vmc_outfile **out, const char *path,
				       vmc_error *e)
{
	vmc_outfile *o = vmc__calloc(1, sizeof(*o));
	size_t l;

	if (!o)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->is_stdout = true;
		*out = o;
		return VMC_OK;
	}
	l = strlen(path) + 16;
	o->path = dup_str(path);
	o->tmp = vmc__malloc(l);
	if (!o->path || !o->tmp) {
		release(o);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	/* Same directory as the target, so rename() is atomic. */
	do {
		snprintf(o->tmp, l, "%s.tmp.XXXXXX", path);
		o->fd = mkstemp(o->tmp);
	} while (o->fd < 0 && errno == EINTR);
	if (o->fd < 0) {
		int err = errno;

		release(o);
		return vmc_error_set_errno(e, VMC_ERR_IO, err,
					   "cannot create a file next to %s: %s",
					   path, strerror(err));
	}
	fchmod(o->fd, 0644);
	*out = o;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_outfile_write(vmc_outfile *o, const void *buf,
					size_t len, vmc_error *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "write to %s: %s",
						   o->is_stdout ? "standard output"
								: o->path,
						   strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return VMC_OK;
}

VMC_EXPORT const char *vmc_outfile_temp_path(const vmc_outfile *o)
{
	return o->tmp;
}

VMC_EXPORT int vmc_outfile_fd(const vmc_outfile *o)
{
	return o->fd;
}

VMC_EXPORT vmc_status vmc_outfile_commit(vmc_outfile *o, bool do_fsync,
					 vmc_error *e)
{
	int err = 0;
	const char *what = NULL;

	if (o->is_stdout) {
		release(o);
		return VMC_OK;
	}
	if (do_fsync && fsync(o->fd) < 0) {
		err = errno;
		what = "fsync";
	}
	if (close(o->fd) < 0 && !err) {
		err = errno;
		what = "close";
	}
	if (!err && rename(o->tmp, o->path) < 0) {
		err = errno;
		what = "rename";
	}
	if (err) {
		unlink(o->tmp);
		vmc_error_set_errno(e, VMC_ERR_IO, err, "%s %s: %s", what,
				    o->path, strerror(err));
		release(o);
		return VMC_ERR_IO;
	}
	release(o);
	return VMC_OK;
}

VMC_EXPORT void vmc_outfile_abort(vmc_outfile *o)
{
	if (!o)
		return;
	if (!o->is_stdout) {
		close(o->fd);
		unlink(o->tmp);
	}
	release(o);
}
