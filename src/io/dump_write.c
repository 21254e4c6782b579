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
 *                             holes; its data goes to a file by the copy
 *                             path (choose_path: FICLONERANGE per extent,
 *                             copy_file_range, or pread + pwrite), to a
 *                             pipe by splice (pread + write where an
 *                             in-kernel path is refused)
 *   another source            read in chunks; all-zero chunks skipped
 *
 * Memory stays constant: one chunk buffer.  To a pipe, splice and
 * vmsplice hand the kernel page references instead of copying every byte
 * through that buffer (the zeros are never written, so the pipe may hold
 * references to them for as long as it likes).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <linux/fs.h>
#include <unistd.h>

#include "vmcorekit/dump.h"
#include "base/compiler.h"

#define DEFAULT_CHUNK (4u << 20)
#define ZERO_LEN (1u << 20)	/* the read-only zero mapping for vmsplice */

struct writer {
	vmc_dump *d;
	int fd;
	bool regular, sparse, cfr;
	bool clone;		/* FICLONERANGE aligned extents (until refused) */
	uint64_t blksize;	/* the output's block size (clone alignment) */
	int sfd;		/* the plain file being copied from, or -1 */
	int seq_fd;		/* the last sfd marked POSIX_FADV_SEQUENTIAL */
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

/*
 * The next step of a copy to output offset @off: up to the next chunk
 * boundary of the output, not a chunk from wherever the span began.  The
 * vmcore's data sits a header page (or more) after its place in the
 * image, so unaligned steps start every write a page past a large-folio
 * boundary, and ext4 (6.18) then builds the output's page cache from
 * small folios (__filemap_get_folio caps a folio's order by its index's
 * alignment): copy_file_range left ~5 pages a folio, cp's aligned
 * 128 KiB writes 32.  Aligned, every step after the first starts on a
 * boundary (64 KiB folios from splice's pipe-sized writes, 2 MiB from
 * pwrite); docs/performance.md has the A/B.
 */
static size_t step_len(const struct writer *w, uint64_t off, uint64_t len)
{
	uint64_t room = w->chunk - (w->base + off) % w->chunk;

	return (size_t)(len < room ? len : room);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/*
 * Ask for the next chunk of the image while this one is read (copy_read:
 * one synchronous 4 MiB pread at a time).  WILLNEED one chunk ahead
 * (mm/fadvise.c force_page_cache_readahead: large reads, asynchronous)
 * keeps the disk busy while the chunk is written.  Never more than a chunk
 * ahead: a terabyte image must not be pulled into the cache at once.
 */
static void prefetch(struct writer *w, uint64_t src_off, uint64_t len)
{
	if (w->sfd >= 0 && len)
		posix_fadvise(w->sfd, (off_t)src_off,
			      (off_t)(len < w->chunk ? len : w->chunk),
			      POSIX_FADV_WILLNEED);
}

/* Through the source's read_at, chunk by chunk. */
static vmc_status copy_read(struct writer *w, vmc_source *src,
			    uint64_t src_off, uint64_t off, uint64_t len,
			    vmc_error *e)
{
	while (len) {
		size_t n = step_len(w, off, len);
		vmc_status st;

		prefetch(w, src_off + n, len - n);
		st = vmc_source_read_at(src, src_off, w->buf, n, e);

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

/*
 * The in-kernel copies read through the file's own readahead, as cp does
 * (coreutils: POSIX_FADV_SEQUENTIAL, which doubles the window,
 * mm/fadvise.c).  Not prefetch(): WILLNEED allocates and submits the next
 * chunk synchronously in this thread (0.3-0.9 ms a 4 MiB call in strace)
 * on top of the readahead the copy triggers anyway; A/B on ext4, cold,
 * medians of 7-11 interleaved runs: with read_ahead_kb 8192, WILLNEED 179
 * ms, SEQUENTIAL 137, cp 132; with 128, 172, 169 and 170; hot 111, 105,
 * 112 (docs/performance.md).
 */
static void sequential(struct writer *w, int sfd)
{
	if (w->seq_fd != sfd) {
		posix_fadvise(sfd, 0, 0, POSIX_FADV_SEQUENTIAL);
		w->seq_fd = sfd;
	}
}

static vmc_status kcopy_range(struct writer *w, const struct kcopy *k,
			      vmc_source *src, int sfd, uint64_t src_off,
			      uint64_t off, uint64_t len, vmc_error *e)
{
	sequential(w, sfd);
	while (len && *k->enabled) {
		size_t want = step_len(w, off, len);
		ssize_t n;
		vmc_status st;

		n = k->move(w, sfd, src_off, off, want);

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

/*
 * Share [src_off, src_off+len) of @sfd at @off of the output: the
 * block-aligned middle with one FICLONERANGE (the filesystem's remap,
 * fs/remap_range.c; XFS and btrfs share the extents), the unaligned edges
 * by reading.  A refusal (another filesystem, no reflink, misaligned
 * images) turns cloning off and copies.
 */
static vmc_status clone_range(struct writer *w, vmc_source *src, int sfd,
			      uint64_t src_off, uint64_t off, uint64_t len,
			      vmc_error *e)
{
	uint64_t b = w->blksize, head, mid;
	struct file_clone_range r;
	vmc_status st;

	head = (b - (w->base + off) % b) % b;
	if (!w->clone || (src_off + head) % b || len < head + b)
		return copy_read(w, src, src_off, off, len, e);
	mid = (len - head) / b * b;
	r = (struct file_clone_range){ .src_fd = sfd,
				       .src_offset = src_off + head,
				       .src_length = mid,
				       .dest_offset = w->base + off + head };
	if (ioctl(w->fd, FICLONERANGE, &r) < 0) {
		if (errno != EOPNOTSUPP && errno != EXDEV && errno != EINVAL &&
		    errno != ENOTTY && errno != EPERM && errno != ETXTBSY)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "FICLONERANGE to %s at "
						   "offset 0x%llx: %s", w->name,
						   (unsigned long long)off,
						   strerror(errno));
		w->clone = false;
		return copy_read(w, src, src_off, off, len, e);
	}
	st = copy_read(w, src, src_off, off, head, e);
	if (st)
		return st;
	w->st->cloned += mid;
	st = step(w, mid, e);
	if (st)
		return st;
	return copy_read(w, src, src_off + head + mid, off + head + mid,
			 len - head - mid, e);
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
		if (w->regular && w->clone)
			st = clone_range(w, s->src, s->fd, (uint64_t)data,
					 off + ((uint64_t)data - s->src_off),
					 (uint64_t)(hole - data), e);
		else if (w->regular && w->cfr)
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
		w->sfd = s->fd;
		if (s->fd >= 0)
			return copy_file_span(w, s, off, e);
		return copy_read(w, s->src, s->src_off, off, s->len, e);
	}
	return vmc_error_set(e, VMC_ERR_INVALID, "bad span kind");
}

static const char *const path_names[] = {
	[VMC_COPY_AUTO] = "auto",
	[VMC_COPY_READ_WRITE] = "read-write",
	[VMC_COPY_RANGE] = "copy-range",
	[VMC_COPY_CLONE] = "clone",
	[VMC_COPY_SPLICE] = "splice",
};
#define NR_PATHS (sizeof(path_names) / sizeof(path_names[0]))

VMC_EXPORT const char *vmc_copy_path_name(enum vmc_copy_path p)
{
	return (unsigned)p < NR_PATHS ? path_names[p] : NULL;
}

VMC_EXPORT vmc_status vmc_copy_path_parse(const char *s,
					  enum vmc_copy_path *out,
					  vmc_error *e)
{
	for (size_t i = 0; i < NR_PATHS; i++)
		if (i != VMC_COPY_SPLICE && !strcmp(s, path_names[i])) {
			*out = (enum vmc_copy_path)i;
			return VMC_OK;
		}
	return vmc_error_set(e, VMC_ERR_INVALID, "copy path '%s': want auto, "
			     "read-write, copy-range or clone", s);
}

/* statfs f_type values (include/uapi/linux/magic.h, fs/smb/client). */
#define FS_XFS 0x58465342u
#define FS_BTRFS 0x9123683eu
#define FS_BCACHEFS 0xca451a4eu
#define FS_OCFS2 0x7461636fu

/*
 * VMC_COPY_AUTO for a regular output.  Measured on Linux 6.18
 * (docs/performance.md, bench/assemble.sh): where extents can be shared
 * a clone is O(extents); elsewhere copy_file_range (the kernel's splice,
 * one copy, no scan for zero chunks) beat 4 MiB pread/pwrite on ext4,
 * hot and cold, and on tmpfs; on a network filesystem it asks the server
 * to copy.  READ_WRITE stays the fallback wherever a call is refused.
 */
static enum vmc_copy_path choose_path(int fd)
{
	struct statfs f;

	if (fstatfs(fd, &f) < 0)
		return VMC_COPY_RANGE;
	switch ((unsigned)f.f_type) {
	case FS_XFS: case FS_BTRFS: case FS_BCACHEFS: case FS_OCFS2:
		return VMC_COPY_CLONE;
	}
	return VMC_COPY_RANGE;
}

VMC_EXPORT vmc_status vmc_dump_write_fd(vmc_dump *d, int fd,
					const struct vmc_dump_write_opts *opts,
					struct vmc_dump_write_stats *stats,
					vmc_error *e)
{
	struct vmc_dump_write_stats all = { 0 };
	struct writer w = { .d = d, .fd = fd, .o = opts, .sfd = -1, .seq_fd = -1 };
	enum vmc_copy_path path;
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
	w.st = &all;
	/* O_APPEND (">>", systemd's append:) moves every write to the end:
	 * positioned writes would land there too, out of order.  Such a file
	 * is written as a stream, sequentially, from its current end. */
	w.regular = S_ISREG(sb.st_mode) && !(fcntl(fd, F_GETFL) & O_APPEND);
	w.sparse = !opts->no_sparse;
	path = opts->version >= 3 ? opts->path : VMC_COPY_AUTO;
	if (opts->no_copy_range)
		path = VMC_COPY_READ_WRITE;
	else if (path == VMC_COPY_AUTO)
		path = w.regular ? choose_path(fd) : VMC_COPY_SPLICE;
	if (!vmc_copy_path_name(path))
		return vmc_error_set(e, VMC_ERR_INVALID, "bad copy path %d",
				     (int)path);
	w.cfr = path == VMC_COPY_RANGE;
	w.clone = path == VMC_COPY_CLONE;
	w.blksize = sb.st_blksize > 0 ? (uint64_t)sb.st_blksize : 4096;
	w.pipe = S_ISFIFO(sb.st_mode) && !opts->no_copy_range;
	w.st->path = w.pipe ? VMC_COPY_SPLICE : w.regular ? path
		   : VMC_COPY_READ_WRITE;
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
	/* Callers of version < 3 have no cloned and path fields. */
	if (stats)
		memcpy(stats, &all, opts->version >= 3 ? sizeof(all)
			: offsetof(struct vmc_dump_write_stats, cloned));
	return st;
}
