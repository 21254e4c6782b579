// SPDX-License-Identifier: MIT
/* A source over a file descriptor, read with pread (EINTR and short reads
 * are retried).  Opened by path, it names the file in its errors. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmcorekit/sys/source.h"
#include "base/compiler.h"

struct fd_source {
	vmc_source base;
	int fd;
	int own_fd;
	uint64_t size;
	char *name;		/* the path, for messages; NULL when unknown */
};

/* "PATH: " before a message when the path is known. */
static const char *name_of(const struct fd_source *f)
{
	return f->name ? f->name : "";
}

static const char *sep_of(const struct fd_source *f)
{
	return f->name ? ": " : "";
}

static vmc_status fd_read_at(vmc_source *s, uint64_t off, void *buf,
			     size_t len, vmc_error *e)
{
	struct fd_source *f = (struct fd_source *)s;
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "%s%sread at offset 0x%llx: %s",
						   name_of(f), sep_of(f),
						   (unsigned long long)off,
						   strerror(errno));
		if (n == 0)
			return vmc_error_set(e, VMC_ERR_IO,
					     "%s%sunexpected end of file at "
					     "offset 0x%llx (file shrank?)",
					     name_of(f), sep_of(f),
					     (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMC_OK;
}

static uint64_t fd_size(const vmc_source *s)
{
	return ((const struct fd_source *)s)->size;
}

static vmc_status fd_next_data(vmc_source *s, uint64_t off, uint64_t *data_off,
			       vmc_error *e)
{
	struct fd_source *f = (struct fd_source *)s;
	off_t r = lseek(f->fd, (off_t)off, SEEK_DATA);

	if (r < 0 && errno == ENXIO)
		return VMC_ERR_NOTFOUND;
	if (r < 0) {
		/* Filesystems without SEEK_DATA: everything is data. */
		*data_off = off;
		return VMC_OK;
	}
	*data_off = (uint64_t)r;
	(void)e;
	return VMC_OK;
}

static void fd_close(vmc_source *s)
{
	struct fd_source *f = (struct fd_source *)s;

	if (f->own_fd)
		close(f->fd);
	vmc__free(f->name);
	vmc__free(f);
}

static int fd_fd(const vmc_source *s)
{
	return ((const struct fd_source *)s)->fd;
}

static const struct vmc_source_ops fd_ops = {
	.version = VMC_SOURCE_OPS_VERSION,
	.kind = "fd",
	.read_at = fd_read_at,
	.size = fd_size,
	.next_data = fd_next_data,
	.close = fd_close,
	.fd = fd_fd,
};

VMC_EXPORT vmc_status vmc_source_new_fd(vmc_source **out, int fd, int own_fd,
					vmc_error *e)
{
	struct fd_source *f;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return vmc_error_set_errno(e, VMC_ERR_IO, errno, "fstat: %s",
					   strerror(errno));
	f = vmc__calloc(1, sizeof(*f));
	if (!f)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	f->base.ops = &fd_ops;
	f->fd = fd;
	f->own_fd = own_fd;
	if (S_ISREG(st.st_mode)) {
		f->size = (uint64_t)st.st_size;
	} else {
		off_t end = lseek(fd, 0, SEEK_END);

		f->size = end < 0 ? 0 : (uint64_t)end;
	}
	*out = &f->base;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_source_open_file(vmc_source **out, const char *path,
					   vmc_error *e)
{
	size_t l = strlen(path) + 1;
	vmc_source *src;
	char *name;
	int fd;
	vmc_status st;
	struct stat sb;
	int fl;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	do
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return vmc_error_set_errno(e, errno == ENOENT ? VMC_ERR_NOTFOUND
							      : VMC_ERR_IO,
					   errno, "%s: %s", path,
					   strerror(errno));
	/* Every reader here reads at random offsets (pread): a stream has
	 * none, so say so instead of failing with ESPIPE later. */
	if (fstat(fd, &sb) < 0) {
		int err = errno;

		close(fd);
		return vmc_error_set_errno(e, VMC_ERR_IO, err, "%s: %s", path,
					   strerror(err));
	}
	if (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)) {
		close(fd);
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "%s: a %s cannot be read at random offsets",
				     path, S_ISFIFO(sb.st_mode) ? "FIFO"
								: "socket");
	}
	/* Back to blocking reads (a character device such as /dev/crash). */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	name = vmc__malloc(l);
	if (!name) {
		close(fd);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	memcpy(name, path, l);
	st = vmc_source_new_fd(&src, fd, 1, e);
	if (st != VMC_OK) {
		vmc__free(name);
		close(fd);
		return PREFIXED(st, e, "%s", path);
	}
	((struct fd_source *)src)->name = name;
	*out = src;
	return VMC_OK;
}
