// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/sysroot.h"
#include "base/compiler.h"

vmc_status vmc__sysroot_read(const char *sysroot, const char *relpath, size_t max,
			bool head_only, char **out, size_t *len, vmc_error *e)
{
	char path[4096];
	size_t cap = 4096, n = 0;
	char *buf;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", sysroot, relpath) >=
	    (int)sizeof(path))
		return vmc_error_set(e, VMC_ERR_INVALID, "path too long");
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return VMC_ERR_NOTFOUND;
		return vmc_error_set_errno(e, VMC_ERR_IO, errno, "%s: %s", path,
					   strerror(errno));
	}
	buf = vmc__malloc(cap + 1);
	if (!buf)
		goto nomem;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= max && head_only)
				break;
			if (cap >= max) {
				char probe;
				ssize_t r2;

				do
					r2 = read(fd, &probe, 1);
				while (r2 < 0 && errno == EINTR);
				if (r2 == 0)
					break;
				vmc__free(buf);
				close(fd);
				if (r2 < 0)
					return vmc_error_set_errno(e, VMC_ERR_IO,
								   errno, "%s: %s",
								   path,
								   strerror(errno));
				return vmc_error_set(e, VMC_ERR_RANGE,
						     "%s is larger than %zu bytes",
						     path, max);
			}
			cap = cap * 2 > max ? max : cap * 2;
			nb = vmc__realloc(buf, cap + 1);
			if (!nb)
				goto nomem;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			vmc__free(buf);
			close(fd);
			return vmc_error_set_errno(e, VMC_ERR_IO, err, "%s: %s",
						   path, strerror(err));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return VMC_OK;
nomem:
	vmc__free(buf);
	close(fd);
	return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
}
