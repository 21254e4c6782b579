// SPDX-License-Identifier: MIT
/*
 * Fault injection by LD_PRELOAD: fail the Nth call of the I/O functions the
 * CLI makes, the way a sick disk, a full file system or a signal would.
 *
 *   VMC_FAULT_MODE  count | eio | enospc | eintr | short   (unset: no-op)
 *   VMC_FAULT_N     the call to fail, 1-based, counting only the calls the
 *                   mode applies to (below)
 *   VMC_FAULT_LOG   file: in count mode "KIND CALLS" per kind at exit; in
 *                   a fault mode "fired FUNCTION PATH" when the fault fires
 *   VMC_FAULT_STDOUT=1  count calls on standard output too (a pipe output);
 *                   standard input and error are never touched
 *
 * What each mode does to the Nth call it applies to:
 *
 *   eio     return -1/EIO          every function below
 *   enospc  return -1/ENOSPC       the ones that allocate blocks: writes,
 *                                  copies, fallocate, fsync, close of a
 *                                  written file, open with O_CREAT, mkstemp,
 *                                  rename
 *   eintr   return -1/EINTR        the ones a signal interrupts: reads,
 *                                  writes, copies, open, mkstemp, ftruncate,
 *                                  fallocate
 *   short   transfer half          reads, writes, copies of >= 2 bytes
 *
 * Not faulted: lseek (its errors are not I/O errors and callers fall back),
 * unlink (clean-up), fchmod, and close of a read-only descriptor (nothing
 * to lose).  stdio's own reads and writes go through glibc internals that
 * LD_PRELOAD cannot reach; fopen is faulted, the rest of a FILE is not --
 * use descriptors (slurp(), vmc_outfile) for data files.
 */
/* The plain and the *64 names are both defined here, so no redirection. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum kind { K_NONE, K_EIO, K_ENOSPC, K_EINTR, K_SHORT, NR_KINDS };

#define A_EIO (1u << K_EIO)
#define A_ENOSPC (1u << K_ENOSPC)
#define A_EINTR (1u << K_EINTR)
#define A_SHORT (1u << K_SHORT)

static const char *const kind_names[NR_KINDS] = {
	"none", "eio", "enospc", "eintr", "short",
};
static const int kind_errno[NR_KINDS] = { 0, EIO, ENOSPC, EINTR, 0 };

static bool counting, with_stdout, fired;
/* Output-safety tests (tests/e2e/run-output-safety.sh), not faults:
 * VMC_STALL=1 sleeps before the first write to a descriptor above 2 (and
 * says "stalled" on stderr), so that a signal finds the output open;
 * VMC_NO_TMPFILE=1 refuses O_TMPFILE as a filesystem without it does. */
static bool stall, stalled, no_tmpfile;
static enum kind mode;
static unsigned long target, counts[NR_KINDS];
static char log_path[4096];

#define REAL(ret, name, ...) \
	static ret (*real_##name)(__VA_ARGS__); \
	if (!real_##name) \
		real_##name = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void shim_init(void)
{
	const char *m = getenv("VMC_FAULT_MODE");
	const char *n = getenv("VMC_FAULT_N");
	const char *l = getenv("VMC_FAULT_LOG");
	const char *s = getenv("VMC_FAULT_STDOUT");

	with_stdout = s && strcmp(s, "1") == 0;
	stall = getenv("VMC_STALL") != NULL;
	no_tmpfile = getenv("VMC_NO_TMPFILE") != NULL;
	if (l)
		snprintf(log_path, sizeof(log_path), "%s", l);
	if (!m)
		return;
	if (strcmp(m, "count") == 0) {
		counting = true;
		return;
	}
	for (int k = K_EIO; k < NR_KINDS; k++)
		if (strcmp(m, kind_names[k]) == 0)
			mode = (enum kind)k;
	target = n ? strtoul(n, NULL, 10) : 0;
}

static void log_line(const char *text)
{
	REAL(int, open, const char *, int, ...);
	REAL(ssize_t, write, int, const void *, size_t);
	REAL(int, close, int);
	int fd;

	if (!log_path[0])
		return;
	fd = real_open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		       0644);
	if (fd < 0)
		return;
	real_write(fd, text, strlen(text));
	real_close(fd);
}

__attribute__((destructor)) static void shim_fini(void)
{
	char buf[256];
	int n = 0;

	if (!counting)
		return;
	for (int k = K_EIO; k < NR_KINDS; k++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s %lu\n",
			      kind_names[k], counts[k]);
	log_line(buf);
}

/*
 * Should this call fail, and how?  @fd is the descriptor the call works on
 * (-1 for calls on a path), @path the path when there is one.
 */
static enum kind fault(const char *fn, int fd, const char *path,
		       unsigned applies)
{
	char text[4096 + 128], link[64], target_path[4096];

	if (fd >= 0 && fd <= 2 && !(fd == 1 && with_stdout))
		return K_NONE;
	if (counting) {
		for (int k = K_EIO; k < NR_KINDS; k++)
			counts[k] += (applies >> k) & 1;
		return K_NONE;
	}
	if (mode == K_NONE || fired || !(applies & (1u << mode)))
		return K_NONE;
	if (++counts[mode] != target)
		return K_NONE;
	fired = true;
	if (!path && fd >= 0) {
		ssize_t l;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		l = readlink(link, target_path, sizeof(target_path) - 1);
		target_path[l > 0 ? l : 0] = '\0';
		path = l > 0 ? target_path : "?";
	}
	snprintf(text, sizeof(text), "fired %s %s\n", fn, path ? path : "?");
	log_line(text);
	return mode;
}

static int fail_with(enum kind k)
{
	errno = kind_errno[k];
	return -1;
}

static int fail_with_errno(int err)
{
	errno = err;
	return -1;
}

#define XFER (A_EIO | A_EINTR)
#define XFER_OUT (A_EIO | A_ENOSPC | A_EINTR)
#define SHORT_IF(n) ((n) >= 2 ? A_SHORT : 0)

static void maybe_stall(int fd)
{
	REAL(ssize_t, write, int, const void *, size_t);

	if (!stall || stalled || fd <= 2)
		return;
	stalled = true;
	real_write(2, "stalled\n", 8);
	sleep(60);
}

/* ---- reads and writes ---- */

ssize_t read(int fd, void *buf, size_t n)
{
	REAL(ssize_t, read, int, void *, size_t);
	enum kind k = fault("read", fd, NULL, XFER | SHORT_IF(n));

	if (k == K_SHORT)
		n /= 2;
	else if (k)
		return fail_with(k);
	return real_read(fd, buf, n);
}

#define PREAD(name, off_t) \
ssize_t name(int fd, void *buf, size_t n, off_t off) \
{ \
	REAL(ssize_t, name, int, void *, size_t, off_t); \
	enum kind k = fault(#name, fd, NULL, XFER | SHORT_IF(n)); \
	if (k == K_SHORT) \
		n /= 2; \
	else if (k) \
		return fail_with(k); \
	return real_##name(fd, buf, n, off); \
}
PREAD(pread, off_t)
PREAD(pread64, off64_t)

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, write, int, const void *, size_t);
	enum kind k = fault("write", fd, NULL, XFER_OUT | SHORT_IF(n));

	maybe_stall(fd);
	if (k == K_SHORT)
		n /= 2;
	else if (k)
		return fail_with(k);
	return real_write(fd, buf, n);
}

#define PWRITE(name, off_t) \
ssize_t name(int fd, const void *buf, size_t n, off_t off) \
{ \
	REAL(ssize_t, name, int, const void *, size_t, off_t); \
	enum kind k = fault(#name, fd, NULL, XFER_OUT | SHORT_IF(n)); \
	maybe_stall(fd); \
	if (k == K_SHORT) \
		n /= 2; \
	else if (k) \
		return fail_with(k); \
	return real_##name(fd, buf, n, off); \
}
PWRITE(pwrite, off_t)
PWRITE(pwrite64, off64_t)

ssize_t copy_file_range(int in, off_t *in_off, int out, off_t *out_off,
			size_t n, unsigned flags)
{
	REAL(ssize_t, copy_file_range, int, off_t *, int, off_t *, size_t,
	     unsigned);
	enum kind k = fault("copy_file_range", out, NULL,
			    XFER_OUT | SHORT_IF(n));

	maybe_stall(out);
	if (k == K_SHORT)
		n /= 2;
	else if (k)
		return fail_with(k);
	return real_copy_file_range(in, in_off, out, out_off, n, flags);
}

ssize_t splice(int in, off_t *in_off, int out, off_t *out_off, size_t n,
	       unsigned flags)
{
	REAL(ssize_t, splice, int, off_t *, int, off_t *, size_t, unsigned);
	enum kind k = fault("splice", out, NULL, XFER_OUT | SHORT_IF(n));

	if (k == K_SHORT)
		n /= 2;
	else if (k)
		return fail_with(k);
	return real_splice(in, in_off, out, out_off, n, flags);
}

ssize_t vmsplice(int fd, const struct iovec *iov, size_t nr, unsigned flags)
{
	REAL(ssize_t, vmsplice, int, const struct iovec *, size_t, unsigned);
	struct iovec half;
	enum kind k = fault("vmsplice", fd, NULL, XFER_OUT |
			    SHORT_IF(nr ? iov[0].iov_len : 0));

	if (k == K_SHORT) {
		half = iov[0];
		half.iov_len /= 2;
		return real_vmsplice(fd, &half, 1, flags);
	}
	if (k)
		return fail_with(k);
	return real_vmsplice(fd, iov, nr, flags);
}

#define SENDFILE(name, off_t) \
ssize_t name(int out, int in, off_t *off, size_t n) \
{ \
	REAL(ssize_t, name, int, int, off_t *, size_t); \
	enum kind k = fault(#name, out, NULL, XFER_OUT | SHORT_IF(n)); \
	if (k == K_SHORT) \
		n /= 2; \
	else if (k) \
		return fail_with(k); \
	return real_##name(out, in, off, n); \
}
SENDFILE(sendfile, off_t)
SENDFILE(sendfile64, off64_t)

/* ---- opening ---- */

static unsigned open_applies(int flags)
{
	return A_EIO | A_EINTR | (flags & O_CREAT ? A_ENOSPC : 0);
}

#define OPEN(name) \
int name(const char *path, int flags, ...) \
{ \
	REAL(int, name, const char *, int, ...); \
	mode_t m = 0; \
	enum kind k; \
	if (flags & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		m = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	} \
	k = fault(#name, -1, path, open_applies(flags)); \
	if (k) \
		return fail_with(k); \
	if (no_tmpfile && (flags & O_TMPFILE) == O_TMPFILE) \
		return fail_with_errno(EOPNOTSUPP); \
	return real_##name(path, flags, m); \
}
OPEN(open)
OPEN(open64)

#define OPENAT(name) \
int name(int dirfd, const char *path, int flags, ...) \
{ \
	REAL(int, name, int, const char *, int, ...); \
	mode_t m = 0; \
	enum kind k; \
	if (flags & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		m = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	} \
	k = fault(#name, -1, path, open_applies(flags)); \
	if (k) \
		return fail_with(k); \
	if (no_tmpfile && (flags & O_TMPFILE) == O_TMPFILE) \
		return fail_with_errno(EOPNOTSUPP); \
	return real_##name(dirfd, path, flags, m); \
}
OPENAT(openat)
OPENAT(openat64)

#define MKSTEMP(name) \
int name(char *tmpl) \
{ \
	REAL(int, name, char *); \
	enum kind k = fault(#name, -1, tmpl, A_EIO | A_ENOSPC | A_EINTR); \
	if (k) \
		return fail_with(k); \
	return real_##name(tmpl); \
}
MKSTEMP(mkstemp)
MKSTEMP(mkstemp64)

#define MKOSTEMP(name) \
int name(char *tmpl, int flags) \
{ \
	REAL(int, name, char *, int); \
	enum kind k = fault(#name, -1, tmpl, A_EIO | A_ENOSPC | A_EINTR); \
	if (k) \
		return fail_with(k); \
	return real_##name(tmpl, flags); \
}
MKOSTEMP(mkostemp)
MKOSTEMP(mkostemp64)

#define FOPEN(name) \
FILE *name(const char *path, const char *fmode) \
{ \
	REAL(FILE *, name, const char *, const char *); \
	bool w = strpbrk(fmode, "wa+") != NULL; \
	enum kind k = fault(#name, -1, path, A_EIO | A_EINTR | \
			    (w ? A_ENOSPC : 0)); \
	if (k) { \
		errno = kind_errno[k]; \
		return NULL; \
	} \
	return real_##name(path, fmode); \
}
FOPEN(fopen)
FOPEN(fopen64)

/* ---- metadata, sync, size, names ---- */

#define FSTAT(name, stat) \
int name(int fd, struct stat *sb) \
{ \
	REAL(int, name, int, struct stat *); \
	enum kind k = fault(#name, fd, NULL, A_EIO); \
	if (k) \
		return fail_with(k); \
	return real_##name(fd, sb); \
}
FSTAT(fstat, stat)
FSTAT(fstat64, stat64)

#define SYNC(name) \
int name(int fd) \
{ \
	REAL(int, name, int); \
	enum kind k = fault(#name, fd, NULL, A_EIO | A_ENOSPC); \
	if (k) \
		return fail_with(k); \
	return real_##name(fd); \
}
SYNC(fsync)
SYNC(fdatasync)

#define FTRUNCATE(name, off_t) \
int name(int fd, off_t len) \
{ \
	REAL(int, name, int, off_t); \
	enum kind k = fault(#name, fd, NULL, A_EIO | A_EINTR); \
	if (k) \
		return fail_with(k); \
	return real_##name(fd, len); \
}
FTRUNCATE(ftruncate, off_t)
FTRUNCATE(ftruncate64, off64_t)

#define FALLOCATE(name, off_t) \
int name(int fd, int fmode, off_t off, off_t len) \
{ \
	REAL(int, name, int, int, off_t, off_t); \
	enum kind k = fault(#name, fd, NULL, A_EIO | A_ENOSPC | A_EINTR); \
	if (k) \
		return fail_with(k); \
	return real_##name(fd, fmode, off, len); \
}
FALLOCATE(fallocate, off_t)
FALLOCATE(fallocate64, off64_t)

/* posix_fallocate returns the error number instead of setting errno. */
#define POSIX_FALLOCATE(name, off_t) \
int name(int fd, off_t off, off_t len) \
{ \
	REAL(int, name, int, off_t, off_t); \
	enum kind k = fault(#name, fd, NULL, A_EIO | A_ENOSPC | A_EINTR); \
	if (k) \
		return kind_errno[k]; \
	return real_##name(fd, off, len); \
}
POSIX_FALLOCATE(posix_fallocate, off_t)
POSIX_FALLOCATE(posix_fallocate64, off64_t)

int close(int fd)
{
	REAL(int, close, int);
	int fl = fcntl(fd, F_GETFL);
	enum kind k = K_NONE;

	/* Only a written file can lose data at close (NFS reports
	 * write-back errors there). */
	if (fl >= 0 && (fl & O_ACCMODE) != O_RDONLY)
		k = fault("close", fd, NULL, A_EIO | A_ENOSPC);
	if (k) {
		real_close(fd);	/* Linux frees the descriptor anyway */
		return fail_with(k);
	}
	return real_close(fd);
}

int rename(const char *from, const char *to)
{
	REAL(int, rename, const char *, const char *);
	enum kind k = fault("rename", -1, to, A_EIO | A_ENOSPC);

	if (k)
		return fail_with(k);
	return real_rename(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	REAL(int, renameat, int, const char *, int, const char *);
	enum kind k = fault("renameat", -1, to, A_EIO | A_ENOSPC);

	if (k)
		return fail_with(k);
	return real_renameat(fd1, from, fd2, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to,
	      unsigned flags)
{
	REAL(int, renameat2, int, const char *, int, const char *, unsigned);
	enum kind k = fault("renameat2", -1, to, A_EIO | A_ENOSPC);

	if (k)
		return fail_with(k);
	return real_renameat2(fd1, from, fd2, to, flags);
}
