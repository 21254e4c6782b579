// SPDX-License-Identifier: MIT
/*
 * Writing an assembled dump to a file descriptor, the I/O edge of
 * vmc_dump.  Everything goes through vmc_dump_map (the same path as
 * vmc_dump_read_at); per span:
 *
 *   bytes (header, notes)     write
 *   zeros, holes              regular file: skipped (a hole; ftruncate at
 *                             the end sets the size); a pipe: vmsplice of
 *                             a never-written (zero-page) mapping
 *   a plain file's window     SEEK_DATA/SEEK_HOLE on it: its holes stay
 *                             holes, its data goes by copy_file_range to
 *                             a file, by splice to a pipe (pread + write
 *                             where either is refused)
 *   another source            read in chunks; all-zero chunks skipped
 *
 * Memory stays constant: one chunk buffer.  To a pipe, splice and
 * vmsplice hand the kernel page references instead of copying every byte
 * through that buffer (the zeros are never written, so the pipe may hold
 * references to them for as long as it likes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vmcorekit/dump.h"
#include "base/compiler.h"

#define DEFAULT_CHUNK (4u << 20)
#define ZERO_LEN (1u << 20)	/* the read-only zero mapping for vmsplice */

struct writer {
	vmc_dump *d;
	int fd;
	bool regular, sparse, cfr;
	bool pipe;		/* splice/vmsplice into it (until refused) */
	const uint8_t *zeros;	/* ZERO_LEN bytes never written, or NULL */
	uint64_t base;		/* output offset of byte 0 (regular files) */
	uint64_t done, total;
	uint8_t *buf;		/* chunk bytes; also the zero page for pipes */
	size_t chunk;
	const struct vmc_dump_write_opts *o;
	const char *name;	/* the output, for messages */
	struct vmc_dump_write_stats *st;
};

static vmc_status step(struct writer *w, uint64_t n, vmc_error *e)
{
	w->done += n;
	if (w->o->cancel && *w->o->cancel)
		return vmc_error_set_errno(e, VMC_ERR_IO, EINTR, "interrupted");
	if (w->o->progress)
		w->o->progress(w->o->arg, w->done, w->total);
	return VMC_OK;
}

static vmc_status out_write(struct writer *w, uint64_t off, const void *buf,
			    size_t len, vmc_error *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = w->regular
			? pwrite(w->fd, p, len, (off_t)(w->base + off))
			: write(w->fd, p, len);

		if (n < 0 && errno == EINTR &&
		    !(w->o->cancel && *w->o->cancel))
			continue;
		if (n <= 0)
			return vmc_error_set_errno(e, VMC_ERR_IO,
						   n < 0 ? errno : EIO,
						   "write to %s at offset 0x%llx: %s",
						   w->name,
						   (unsigned long long)off,
						   strerror(n < 0 ? errno
								  : EIO));
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMC_OK;
}

/* Zeros: a hole in a regular file, written bytes in a pipe. */
static vmc_status put_zeros(struct writer *w, uint64_t off, uint64_t len,
			    vmc_error *e)
{
	if (w->regular && w->sparse) {
		w->st->sparse += len;
		return step(w, len, e);
	}
	while (len && w->pipe && w->zeros) {
		struct iovec iov = { (void *)w->zeros,
				     len < ZERO_LEN ? (size_t)len : ZERO_LEN };
		ssize_t n = vmsplice(w->fd, &iov, 1, 0);
		vmc_status st;

		if (n < 0 && errno == EINTR && !(w->o->cancel && *w->o->cancel))
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS ||
			      errno == EBADF)) {
			w->pipe = false;
			break;
		}
		if (n <= 0)
			return vmc_error_set_errno(e, VMC_ERR_IO,
						   n < 0 ? errno : EIO,
						   "write to %s at offset 0x%llx: %s",
						   w->name, (unsigned long long)off,
						   strerror(n < 0 ? errno : EIO));
		w->st->written += (uint64_t)n;
		st = step(w, (uint64_t)n, e);
		if (st)
			return st;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	memset(w->buf, 0, w->chunk);
	while (len) {
		size_t n = len < w->chunk ? (size_t)len : w->chunk;
		vmc_status st = out_write(w, off, w->buf, n, e);

		if (!st)
			st = step(w, n, e);
		if (st)
			return st;
		w->st->written += n;
		off += n;
		len -= n;
	}
	return VMC_OK;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Through the source's read_at, chunk by chunk. */
static vmc_status copy_read(struct writer *w, vmc_source *src,
			    uint64_t src_off, uint64_t off, uint64_t len,
			    vmc_error *e)
{
	while (len) {
		size_t n = len < w->chunk ? (size_t)len : w->chunk;
		vmc_status st = vmc_source_read_at(src, src_off, w->buf, n, e);

		if (st)
			return st;
		if (w->regular && w->sparse && all_zero(w->buf, n)) {
			w->st->sparse += n;
		} else {
			st = out_write(w, off, w->buf, n, e);
			if (st)
				return st;
			w->st->written += n;
		}
		st = step(w, n, e);
		if (st)
			return st;
		src_off += n;
		off += n;
		len -= n;
	}
	return VMC_OK;
}

/*
 * In-kernel copies: copy_file_range into a file, splice into a pipe.  One
 * call moves up to @want bytes from @sfd at @src_off to the output at @off;
 * refused() says which errnos mean "this path is unavailable here" (fall
 * back to copy_read for good), not an I/O error.
 */
struct kcopy {
	const char *name;
	ssize_t (*move)(struct writer *w, int sfd, uint64_t src_off,
			uint64_t off, size_t want);
	bool (*refused)(int err);
	bool *enabled;		/* w->cfr or w->pipe */
};

static ssize_t move_cfr(struct writer *w, int sfd, uint64_t src_off,
			uint64_t off, size_t want)
{
	off_t in = (off_t)src_off, o = (off_t)(w->base + off);

	return copy_file_range(sfd, &in, w->fd, &o, want, 0);
}

static bool refused_cfr(int err)
{
	return err == EXDEV || err == EINVAL || err == ENOSYS ||
	       err == EOPNOTSUPP || err == EBADF || err == ETXTBSY;
}

static ssize_t move_splice(struct writer *w, int sfd, uint64_t src_off,
			   uint64_t off, size_t want)
{
	loff_t in = (loff_t)src_off;

	return splice(sfd, &in, w->fd, NULL, want, SPLICE_F_MORE);
}

static bool refused_splice(int err)
{
	return err == EINVAL || err == ENOSYS || err == EBADF;
}

static vmc_status kcopy_range(struct writer *w, const struct kcopy *k,
			      vmc_source *src, int sfd, uint64_t src_off,
			      uint64_t off, uint64_t len, vmc_error *e)
{
	while (len && *k->enabled) {
		size_t want = len < w->chunk ? (size_t)len : w->chunk;
		ssize_t n = k->move(w, sfd, src_off, off, want);
		vmc_status st;

		if (n < 0 && errno == EINTR && !(w->o->cancel && *w->o->cancel))
			continue;
		if (n < 0 && k->refused(errno)) {
			*k->enabled = false;
			break;
		}
		if (n < 0)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "%s to %s at offset 0x%llx: "
						   "%s", k->name, w->name,
						   (unsigned long long)off,
						   strerror(errno));
		if (n == 0)
			break;	/* let read_at name the short source */
		w->st->copied += (uint64_t)n;
		st = step(w, (uint64_t)n, e);
		if (st)
			return st;
		src_off += (uint64_t)n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return copy_read(w, src, src_off, off, len, e);
}

/* A window of a plain file: keep its holes, copy its data. */
static vmc_status copy_file_span(struct writer *w, const struct vmc_mem_span *s,
				 uint64_t off, vmc_error *e)
{
	uint64_t pos = s->src_off, end = s->src_off + s->len;
	vmc_status st = VMC_OK;

	while (!st && pos < end) {
		off_t data = lseek(s->fd, (off_t)pos, SEEK_DATA), hole;

		if (data < 0)
			data = errno == ENXIO ? (off_t)end : (off_t)pos;
		if ((uint64_t)data > end)
			data = (off_t)end;
		if ((uint64_t)data > pos)
			st = put_zeros(w, off + (pos - s->src_off),
				       (uint64_t)data - pos, e);
		if (st || (uint64_t)data >= end)
			break;
		hole = lseek(s->fd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > end)
			hole = (off_t)end;
		if (w->regular && w->cfr)
			st = kcopy_range(w, &(struct kcopy){
						"copy_file_range", move_cfr,
						refused_cfr, &w->cfr },
					 s->src, s->fd, (uint64_t)data,
					 off + ((uint64_t)data - s->src_off),
					 (uint64_t)(hole - data), e);
		else if (w->pipe)
			st = kcopy_range(w, &(struct kcopy){
						"splice", move_splice,
						refused_splice, &w->pipe },
					 s->src, s->fd, (uint64_t)data,
					 off + ((uint64_t)data - s->src_off),
					 (uint64_t)(hole - data), e);
		else
			st = copy_read(w, s->src, (uint64_t)data,
				       off + ((uint64_t)data - s->src_off),
				       (uint64_t)(hole - data), e);
		pos = (uint64_t)hole;
	}
	return st;
}

static vmc_status write_span(struct writer *w, const struct vmc_mem_span *s,
			     uint64_t off, vmc_error *e)
{
	vmc_status st;

	switch (s->kind) {
	case VMC_SPAN_BYTES:
		st = out_write(w, off, s->bytes, (size_t)s->len, e);
		if (!st)
			w->st->written += s->len;
		return st ? st : step(w, s->len, e);
	case VMC_SPAN_HOLE:
		w->st->zero_filled += s->len;
		/* fall through */
	case VMC_SPAN_ZERO:
		return put_zeros(w, off, s->len, e);
	case VMC_SPAN_SOURCE:
		if (s->fd >= 0)
			return copy_file_span(w, s, off, e);
		return copy_read(w, s->src, s->src_off, off, s->len, e);
	}
	return vmc_error_set(e, VMC_ERR_INVALID, "bad span kind");
}

VMC_EXPORT vmc_status vmc_dump_write_fd(vmc_dump *d, int fd,
					const struct vmc_dump_write_opts *opts,
					struct vmc_dump_write_stats *stats,
					vmc_error *e)
{
	struct vmc_dump_write_stats dummy;
	struct writer w = { .d = d, .fd = fd, .o = opts, .cfr = true };
	uint64_t off = 0;
	struct stat sb;
	vmc_status st = VMC_OK;

	if (!opts || opts->version < 1 ||
	    opts->version > VMC_DUMP_WRITE_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID, "bad write options");
	w.name = opts->version >= 2 && opts->name ? opts->name : "the output";
	if (fstat(fd, &sb) < 0)
		return vmc_error_set_errno(e, VMC_ERR_IO, errno, "fstat %s: %s",
					   w.name, strerror(errno));
	w.st = stats ? stats : &dummy;
	memset(w.st, 0, sizeof(*w.st));
	/* O_APPEND (">>", systemd's append:) moves every write to the end:
	 * positioned writes would land there too, out of order.  Such a file
	 * is written as a stream, sequentially, from its current end. */
	w.regular = S_ISREG(sb.st_mode) && !(fcntl(fd, F_GETFL) & O_APPEND);
	w.sparse = !opts->no_sparse;
	w.cfr = !opts->no_copy_range;
	w.pipe = S_ISFIFO(sb.st_mode) && !opts->no_copy_range;
	w.total = vmc_dump_size(d);
	if (w.regular) {
		off_t b = lseek(fd, 0, SEEK_CUR);

		w.base = b < 0 ? 0 : (uint64_t)b;
	}
	w.chunk = opts->chunk ? opts->chunk : DEFAULT_CHUNK;
	if (posix_memalign((void **)&w.buf, 4096, w.chunk))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (w.pipe) {
		void *z = mmap(NULL, ZERO_LEN, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		w.zeros = z == MAP_FAILED ? NULL : z;
	}
	while (!st && off < w.total) {
		struct vmc_mem_span s;

		st = vmc_dump_map(d, off, w.total - off, &s, e);
		if (!st)
			st = write_span(&w, &s, off, e);
		off += s.len;
	}
	free(w.buf);
	if (w.zeros)
		munmap((void *)w.zeros, ZERO_LEN);
	if (!st && w.regular) {
		int r;

		do
			r = ftruncate(fd, (off_t)(w.base + w.total));
		while (r < 0 && errno == EINTR);
		if (r < 0)
			st = vmc_error_set_errno(e, VMC_ERR_IO, errno,
						 "ftruncate %s to 0x%llx: %s",
						 w.name,
						 (unsigned long long)w.total,
						 strerror(errno));
	}
	w.st->bytes = w.total;
	return st;
}
