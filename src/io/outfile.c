// SPDX-License-Identifier: MIT
/*
 * Opening and committing an output (vmcorekit/output.h): the one place
 * that decides how a path is written.  A regular file is never written in
 * place: the data goes to an unnamed O_TMPFILE in the target's directory,
 * linked into place on commit (linkat; over an existing file through a
 * temporary name and rename), so that nothing at all is left when the
 * process dies, even by SIGKILL.  A filesystem without O_TMPFILE gets a
 * named temporary file beside the target (mkstemp + rename).  Devices and
 * FIFOs are written through: renaming over /dev/null would replace the
 * device with a regular file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmcorekit/output.h"
#include "base/compiler.h"

#define MAX_LINKS 40	/* symlinks followed, as the kernel's MAXSYMLINKS */

enum kind {
	OUT_STDOUT,	/* fd 1, written through */
	OUT_STREAM,	/* a device or FIFO opened by path, written through */
	OUT_TMPFILE,	/* unnamed, linked into place on commit */
	OUT_NAMED,	/* a named temporary file, renamed on commit */
};

struct vmc_outfile {
	enum kind kind;
	int fd;
	enum vmc_clobber clobber;
	bool existed;		/* the target existed at open */
	volatile int *cancel;
	char *path;		/* the final target (symlinks resolved) */
	char *dir;		/* its directory */
	char *tmp;		/* OUT_NAMED: the temporary file */
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
	vmc__free(o->dir);
	vmc__free(o->tmp);
	vmc__free(o);
}

static vmc_status io_err(vmc_error *e, int err, const char *what,
			 const char *path)
{
	return vmc_error_set_errno(e, VMC_ERR_IO, err, "%s%s%s: %s", what,
				   *what ? " " : "", path, strerror(err));
}

/*
 * @path with every symlink in its last component followed (the link
 * stays; its target is what gets written): a new string, or NULL with
 * @e set.  A dangling link names the file to create, as cp does.
 */
static char *final_target(const char *path, vmc_error *e)
{
	char *cur = dup_str(path);

	for (int i = 0; cur && i < MAX_LINKS; i++) {
		char buf[PATH_MAX], *slash, *next;
		ssize_t n;

		/* /dev/stdout -> /proc/self/fd/1 -> "pipe:[...]": the magic
		 * links of /proc name open files, not paths to rebuild */
		if (!strncmp(cur, "/proc/", 6))
			return cur;
		n = readlink(cur, buf, sizeof(buf) - 1);

		if (n < 0) {
			if (errno == EINVAL || errno == ENOENT)
				return cur;	/* not a link / not there */
			io_err(e, errno, "readlink", cur);
			vmc__free(cur);
			return NULL;
		}
		buf[n] = '\0';
		slash = strrchr(cur, '/');
		if (buf[0] == '/' || !slash) {
			next = dup_str(buf);
		} else {	/* relative to the link's directory */
			size_t dl = (size_t)(slash - cur) + 1;

			next = vmc__malloc(dl + (size_t)n + 1);
			if (next) {
				memcpy(next, cur, dl);
				memcpy(next + dl, buf, (size_t)n + 1);
			}
		}
		vmc__free(cur);
		cur = next;
	}
	if (!cur)
		vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	else {
		io_err(e, ELOOP, "", path);
		vmc__free(cur);
	}
	return NULL;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return dup_str(".");
	if (slash == path)
		return dup_str("/");
	d = vmc__malloc((size_t)(slash - path) + 1);
	if (d) {
		memcpy(d, path, (size_t)(slash - path));
		d[slash - path] = '\0';
	}
	return d;
}

static int open_retry(const char *path, int flags, mode_t mode)
{
	int fd;

	do
		fd = open(path, flags, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* A device or FIFO: written through, never replaced. */
static vmc_status open_stream(vmc_outfile *o, const struct stat *sb,
			      vmc_error *e)
{
	if (S_ISSOCK(sb->st_mode))
		return vmc_error_set_errno(e, VMC_ERR_IO, ENXIO,
					   "%s is a socket: write to it "
					   "through standard output", o->path);
	o->kind = OUT_STREAM;
	o->fd = open_retry(o->path, O_WRONLY | O_CLOEXEC | O_NOCTTY |
			   (S_ISREG(sb->st_mode) ? O_TRUNC : 0), 0);
	if (o->fd < 0)
		return io_err(e, errno, "open", o->path);
	return VMC_OK;
}

/* A regular file (or none yet): an unnamed or a named temporary file in
 * the target's directory. */
static vmc_status open_temp(vmc_outfile *o, const struct stat *sb,
			    bool no_tmpfile, vmc_error *e)
{
	mode_t mode = o->existed ? (sb->st_mode & 07777) : 0644;
	size_t l;

	o->dir = dir_of(o->path);
	if (!o->dir)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (!no_tmpfile) {
		o->fd = open_retry(o->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC,
				   mode);
		if (o->fd >= 0) {
			o->kind = OUT_TMPFILE;
			if (o->existed)
				(void)fchmod(o->fd, mode);	/* past umask */
			return VMC_OK;
		}
		/* no O_TMPFILE here: a named temporary file instead */
		if (errno != EOPNOTSUPP && errno != EISDIR &&
		    errno != EINVAL && errno != ENOSYS)
			return vmc_error_set_errno(e, VMC_ERR_IO, errno,
						   "cannot create a file next "
						   "to %s: %s", o->path,
						   strerror(errno));
	}
	l = strlen(o->path) + 16;
	o->tmp = vmc__malloc(l);
	if (!o->tmp)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	/* Same directory as the target, so rename() is atomic. */
	do {
		snprintf(o->tmp, l, "%s.tmp.XXXXXX", o->path);
		o->fd = mkostemp(o->tmp, O_CLOEXEC);
	} while (o->fd < 0 && errno == EINTR);
	if (o->fd < 0) {
		int err = errno;

		vmc__free(o->tmp);
		o->tmp = NULL;
		return vmc_error_set_errno(e, VMC_ERR_IO, err,
					   "cannot create a file next to %s: "
					   "%s", o->path, strerror(err));
	}
	o->kind = OUT_NAMED;
	(void)fchmod(o->fd, mode);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_outfile_open_opts(vmc_outfile **out,
					    const char *path,
					    const struct vmc_outfile_opts *opts,
					    vmc_error *e)
{
	vmc_outfile *o;
	struct stat sb;
	vmc_status st;

	if (!opts || opts->version < 1 ||
	    opts->version > VMC_OUTFILE_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID, "bad output options");
	o = vmc__calloc(1, sizeof(*o));
	if (!o)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	o->fd = -1;
	o->clobber = opts->clobber;
	o->cancel = opts->cancel;
	if (strcmp(path, "-") == 0) {
		o->kind = OUT_STDOUT;
		o->fd = STDOUT_FILENO;
		*out = o;
		return VMC_OK;
	}
	o->path = final_target(path, e);
	if (!o->path) {
		release(o);
		return e ? e->status : VMC_ERR_IO;
	}
	if (stat(o->path, &sb) == 0) {
		o->existed = true;
	} else if (errno != ENOENT) {
		st = io_err(e, errno, "", o->path);
		release(o);
		return st;
	}
	if (o->existed && o->clobber == VMC_CLOBBER_NEVER)
		st = vmc_error_set_errno(e, VMC_ERR_IO, EEXIST,
					 "%s exists (--no-clobber): not "
					 "replaced", path);
	else if (o->existed && S_ISDIR(sb.st_mode))
		st = vmc_error_set_errno(e, VMC_ERR_IO, EISDIR,
					 "%s is a directory", path);
	else if (o->existed && (!S_ISREG(sb.st_mode) ||
				!strncmp(o->path, "/proc/", 6)))
		st = open_stream(o, &sb, e);	/* /dev/stdout: write through */
	else if (o->existed && o->clobber != VMC_CLOBBER_FORCE &&
		 access(o->path, W_OK) != 0)
		st = vmc_error_set_errno(e, VMC_ERR_IO, errno,
					 "%s is not writable (--force "
					 "replaces it): %s", path,
					 strerror(errno));
	else
		st = open_temp(o, &sb, opts->no_tmpfile, e);
	if (st) {
		release(o);
		return st;
	}
	*out = o;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_outfile_open(vmc_outfile **out, const char *path,
				       vmc_error *e)
{
	struct vmc_outfile_opts opts = VMC_OUTFILE_OPTS_INIT;

	return vmc_outfile_open_opts(out, path, &opts, e);
}

static const char *name_of(const vmc_outfile *o)
{
	return o->kind == OUT_STDOUT ? "standard output" : o->path;
}

VMC_EXPORT vmc_status vmc_outfile_write(vmc_outfile *o, const void *buf,
					size_t len, vmc_error *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n;

		if (o->cancel && *o->cancel)
			return vmc_error_set_errno(e, VMC_ERR_IO, EINTR,
						   "write to %s: interrupted",
						   name_of(o));
		n = write(o->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vmc_error_set_errno(e, VMC_ERR_IO,
						   n < 0 ? errno : EIO,
						   "write to %s: %s", name_of(o),
						   strerror(n < 0 ? errno
								  : EIO));
		p += n;
		len -= (size_t)n;
	}
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_outfile_pad(vmc_outfile *o, uint64_t len,
				      vmc_error *e)
{
	static const uint8_t zeros[65536];
	/* Our temporary file is a regular file written at its end. */
	bool hole = o->kind == OUT_TMPFILE || o->kind == OUT_NAMED;
	struct stat sb = { 0 };
	off_t pos = 0;

	if (len == 0)
		return VMC_OK;
	/* Standard output: a hole only at the end of a regular file (`>`,
	 * `>>`); `1<>FILE` over longer data, a pipe, a device get zeros. */
	if (o->kind == OUT_STDOUT) {
		if (fstat(o->fd, &sb) < 0)
			return io_err(e, errno, "fstat", name_of(o));
		hole = S_ISREG(sb.st_mode);
	}
	if (hole && (pos = lseek(o->fd, 0, SEEK_CUR)) < 0)
		return io_err(e, errno, "lseek", name_of(o));
	if (hole && o->kind == OUT_STDOUT && sb.st_size > pos)
		hole = false;
	if (hole) {
		if (len > (uint64_t)INT64_MAX ||
		    (uint64_t)pos > (uint64_t)INT64_MAX - len)
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "padding of %llu bytes passes the "
					     "largest file size",
					     (unsigned long long)len);
		/* Extend, then move past the new end: a hole, no blocks. */
		int r;

		do	/* a signal may interrupt it; nothing changed then */
			r = ftruncate(o->fd, pos + (off_t)len);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return io_err(e, errno, "extending", name_of(o));
		if (lseek(o->fd, pos + (off_t)len, SEEK_SET) < 0)
			return io_err(e, errno, "lseek", name_of(o));
		return VMC_OK;
	}
	while (len) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		vmc_status st = vmc_outfile_write(o, zeros, n, e);

		if (st)
			return st;
		len -= n;
	}
	return VMC_OK;
}

VMC_EXPORT const char *vmc_outfile_temp_path(const vmc_outfile *o)
{
	return o->kind == OUT_NAMED ? o->tmp : NULL;
}

VMC_EXPORT int vmc_outfile_fd(const vmc_outfile *o)
{
	return o->fd;
}

VMC_EXPORT bool vmc_outfile_is_stream(const vmc_outfile *o)
{
	return o->kind == OUT_STDOUT || o->kind == OUT_STREAM;
}

/* linkat the unnamed file to @name: by its descriptor (AT_EMPTY_PATH needs
 * CAP_DAC_READ_SEARCH), else through /proc/self/fd (open(2), O_TMPFILE). */
static int link_fd(int fd, const char *name)
{
	char proc[64];

	if (linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno == EEXIST)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

/* OUT_TMPFILE: give the unnamed file a temporary name beside the target;
 * from there it is committed as a named one (close, then rename), so that
 * a failing close leaves the target as it was. */
static int name_tmpfile(vmc_outfile *o)
{
	size_t l = strlen(o->path) + 16;

	o->tmp = vmc__malloc(l);
	if (!o->tmp)
		return ENOMEM;
	for (unsigned i = 0; i < 100; i++) {
		snprintf(o->tmp, l, "%s.tmp.%06x", o->path,
			 ((unsigned)getpid() * 2654435761u + i * 40503u) &
			 0xffffff);
		if (link_fd(o->fd, o->tmp) == 0) {
			o->kind = OUT_NAMED;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return errno;
}

static int place_named(vmc_outfile *o, const char **what)
{
	*what = "rename";
	if (o->clobber == VMC_CLOBBER_NEVER) {
		if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path,
			      RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EINVAL && errno != ENOSYS)
			return errno;
		if (link(o->tmp, o->path) < 0)	/* no renameat2 here */
			return errno;
		unlink(o->tmp);
		return 0;
	}
	return rename(o->tmp, o->path) < 0 ? errno : 0;
}

VMC_EXPORT vmc_status vmc_outfile_commit(vmc_outfile *o, bool do_fsync,
					 vmc_error *e)
{
	int err = 0;
	const char *what = NULL;

	if (o->kind == OUT_STDOUT) {
		if (do_fsync && fsync(o->fd) < 0 && errno != EINVAL &&
		    errno != EROFS) {
			err = errno;
			what = "fsync";
		}
		release(o);
		return err ? io_err(e, err, what, "standard output") : VMC_OK;
	}
	if (do_fsync && o->kind != OUT_STREAM && fsync(o->fd) < 0) {
		err = errno;
		what = "fsync";
	}
	if (!err && o->kind == OUT_TMPFILE) {
		what = "link";
		err = name_tmpfile(o);
		if (err && !o->tmp) {	/* the name's allocation, not link */
			close(o->fd);
			release(o);
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		}
	}
	if (close(o->fd) < 0 && !err) {
		err = errno;
		what = "close";
	}
	if (!err && o->kind == OUT_NAMED)
		err = place_named(o, &what);
	if (err) {
		if (o->kind == OUT_NAMED)
			unlink(o->tmp);
		if (err == EEXIST)
			vmc_error_set_errno(e, VMC_ERR_IO, err, "%s exists "
					    "(--no-clobber): not replaced",
					    o->path);
		else
			io_err(e, err, what, o->path);
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
	if (o->kind != OUT_STDOUT)
		close(o->fd);
	if (o->kind == OUT_NAMED)
		unlink(o->tmp);
	release(o);
}
