// SPDX-License-Identifier: MIT
/*
 * vmcorekit mount: a read-only FUSE file system over an assembled dump
 * (libfuse 3 low-level API).  The only file that includes libfuse; the
 * library knows nothing of it (docs/architecture.md, "Serving").
 *
 * A read is a walk of vmc_dump_map over [off, off+size), as
 * vmc_dump_read_at does, turned into pieces:
 *
 *   header, notes, device dumps   memory (the dump's own bytes)
 *   zeros, not RAM, holes, and    memory: a never-written anonymous
 *   the images' own holes         mapping (nothing is read or memset)
 *   (SEEK_DATA/SEEK_HOLE)
 *   a plain file's data           the image's fd at its offset
 *   another source                read_at into a per-thread buffer
 *
 * By default the fd pieces are pread into the thread's 1 MiB buffer and
 * the reply goes out with one writev (fuse_reply_iov).  --splice hands
 * them to libfuse as fd buffers instead (FUSE_CAP_SPLICE_WRITE: image
 * page cache -> pipe -> /dev/fuse, one copy fewer); a reply must fit the
 * pipe whole, and without CAP_SYS_RESOURCE a pipe stops at
 * /proc/sys/fs/pipe-max-size (1 MiB), so --splice makes requests that
 * much smaller.  docs/performance.md measures both: copying was as fast
 * or faster, as mergerfs found.
 *
 * The dump never changes, so every open keeps the page cache (keep_cache)
 * and attributes and names are cached for a day: after the first read a
 * page is served by the kernel without asking us, and mmap (makedumpfile's
 * default) maps those pages.  Sequential reads are kept ahead by a large
 * readahead window (--readahead, 8 MiB) and up to MAX_BG requests in
 * flight, which the worker threads answer in parallel.
 */
#define FUSE_USE_VERSION 312

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mount_fuse.h"

#define REQ_MAX (1u << 20)	/* max_read and the kernel's max_pages (256) */
#define MAX_PIECES 64		/* more pieces in one request: read_at */
#define TTL 86400.0		/* the dump is immutable */
#define MAX_BG 48		/* requests in flight (the kernel's default:
				 * 12, which leaves a cold read waiting) */

enum { INO_ROOT = FUSE_ROOT_ID, INO_DIR, INO_FILE0 };

struct server {
	const struct mount_cfg *c;
	unsigned max_read;	/* REQ_MAX, or what fits a pipe (--splice) */
	const uint8_t *zeros;	/* REQ_MAX read-only zero pages */
	pthread_key_t buf_key;	/* per-thread REQ_MAX buffer */
	struct timespec t0;
	uid_t uid;
	gid_t gid;
};

static const struct mount_file *file_of(const struct server *s, fuse_ino_t ino)
{
	if (ino < INO_FILE0 || ino - INO_FILE0 >= s->c->nr_files)
		return NULL;
	return &s->c->files[ino - INO_FILE0];
}

static bool stat_of(const struct server *s, fuse_ino_t ino, struct stat *st)
{
	const struct mount_file *f = file_of(s, ino);

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_uid = s->uid;
	st->st_gid = s->gid;
	st->st_atim = st->st_mtim = st->st_ctim = s->t0;
	st->st_blksize = REQ_MAX;
	if (ino == INO_ROOT || (ino == INO_DIR && s->c->have_dir)) {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return true;
	}
	if (!f)
		return false;
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = (off_t)f->size;
	st->st_blocks = (blkcnt_t)((f->size + 511) / 512);
	return true;
}

static void op_init(void *arg, struct fuse_conn_info *conn)
{
	struct server *s = arg;

	if (s->c->splice && (conn->capable & FUSE_CAP_SPLICE_WRITE))
		conn->want |= FUSE_CAP_SPLICE_WRITE;
	else
		conn->want &= ~(unsigned)FUSE_CAP_SPLICE_WRITE;
	conn->want &= ~(unsigned)FUSE_CAP_SPLICE_MOVE;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	/* The kernel takes the smaller of this and the mount's readahead,
	 * which set_readahead has raised by then (process_init_reply). */
	conn->max_readahead = s->c->readahead_kb > s->max_read / 1024
			      ? s->c->readahead_kb * 1024 : s->max_read;
	conn->max_read = s->max_read;	/* as -o max_read said */
	conn->max_background = MAX_BG;
	conn->congestion_threshold = MAX_BG * 3 / 4;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct server *s = fuse_req_userdata(req);
	struct fuse_entry_param ep = { .attr_timeout = TTL,
				       .entry_timeout = TTL };
	bool in_dir = parent == INO_DIR;

	if (parent == INO_ROOT && s->c->have_dir && !strcmp(name, "devdump"))
		ep.ino = INO_DIR;
	for (size_t i = 0; !ep.ino && i < s->c->nr_files; i++)
		if (s->c->files[i].in_dir == in_dir &&
		    (parent == INO_ROOT || in_dir) &&
		    !strcmp(s->c->files[i].name, name))
			ep.ino = INO_FILE0 + i;
	/* ino 0 with a timeout: a cached "no such file". */
	if (ep.ino)
		stat_of(s, ep.ino, &ep.attr);
	fuse_reply_entry(req, &ep);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct server *s = fuse_req_userdata(req);
	struct stat st;

	if (!stat_of(s, ino, &st))
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_attr(req, &st, TTL);
}

static size_t add_entry(fuse_req_t req, char *buf, size_t cap, size_t used,
			const char *name, fuse_ino_t ino, off_t next)
{
	struct server *s = fuse_req_userdata(req);
	struct stat st;
	size_t n;

	stat_of(s, ino, &st);
	n = fuse_add_direntry(req, buf + used, cap - used, name, &st, next);
	return n > cap - used ? 0 : n;
}

/* Entries from index @off on, as many as fit in @size bytes. */
static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct server *s = fuse_req_userdata(req);
	size_t used = 0, nr = s->c->nr_files + 3;
	char *buf;

	if (ino != INO_ROOT && (ino != INO_DIR || !s->c->have_dir)) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = (size_t)off; i < nr; i++) {
		const struct mount_file *f = i >= 3 ? &s->c->files[i - 3] : NULL;
		const char *name = i == 0 ? "." : i == 1 ? ".." : "devdump";
		fuse_ino_t e = i < 2 ? ino : INO_DIR;
		size_t n;

		if (f) {
			if (f->in_dir != (ino == INO_DIR))
				continue;
			name = f->name;
			e = INO_FILE0 + (i - 3);
		} else if (i == 2 && (ino != INO_ROOT || !s->c->have_dir)) {
			continue;
		}
		n = add_entry(req, buf, size, used, name, e, (off_t)i + 1);
		if (!n)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct server *s = fuse_req_userdata(req);

	if (!file_of(s, ino)) {
		fuse_reply_err(req, ino == INO_ROOT || ino == INO_DIR
					    ? EISDIR : ENOENT);
		return;
	}
	if ((fi->flags & O_ACCMODE) != O_RDONLY) {
		fuse_reply_err(req, EROFS);
		return;
	}
	fi->keep_cache = 1;	/* immutable: keep pages across opens */
	fuse_reply_open(req, fi);
}

static void free_buf(void *p)
{
	free(p);
}

static uint8_t *thread_buf(struct server *s)
{
	uint8_t *b = pthread_getspecific(s->buf_key);

	if (!b && !posix_memalign((void **)&b, 4096, REQ_MAX) &&
	    pthread_setspecific(s->buf_key, b)) {
		free(b);
		b = NULL;
	}
	return b;
}

static bool add_mem(struct fuse_bufvec *bv, const void *mem, size_t len)
{
	struct fuse_buf *b = &bv->buf[bv->count];

	if (bv->count == MAX_PIECES)
		return false;
	memset(b, 0, sizeof(*b));
	b->size = len;
	b->fd = -1;
	b->mem = (void *)mem;
	bv->count++;
	return true;
}

static bool add_fd(struct fuse_bufvec *bv, int fd, off_t pos, size_t len)
{
	struct fuse_buf *b = &bv->buf[bv->count];

	if (bv->count == MAX_PIECES)
		return false;
	memset(b, 0, sizeof(*b));
	b->size = len;
	b->flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY;
	b->fd = fd;
	b->pos = pos;
	bv->count++;
	return true;
}

/*
 * A file window as data and zero pieces: the image's own holes
 * (SEEK_DATA/SEEK_HOLE, as the writer keeps them) are answered from the
 * zero mapping, so a sparse RAM file's holes are never read, nor put in
 * its page cache.  A filesystem without SEEK_DATA says the whole file is
 * data (lseek's generic fallback), which is still correct.
 */
static bool add_window(struct server *s, struct fuse_bufvec *bv, int fd,
		       uint64_t pos, size_t len)
{
	uint64_t end = pos + len;

	while (pos < end) {
		off_t d = lseek(fd, (off_t)pos, SEEK_DATA), h;

		if (d < 0 || (uint64_t)d > end)	/* ENXIO: a hole to EOF */
			d = (off_t)end;
		if ((uint64_t)d > pos &&
		    !add_mem(bv, s->zeros, (size_t)((uint64_t)d - pos)))
			return false;
		if ((uint64_t)d >= end)
			break;
		h = lseek(fd, d, SEEK_HOLE);
		if (h < 0 || (uint64_t)h > end)
			h = (off_t)end;
		if (!add_fd(bv, fd, d, (size_t)(h - d)))
			return false;
		pos = (uint64_t)h;
	}
	return true;
}

/* [off, off+len) of the dump as at most MAX_PIECES pieces; false when it
 * needs more, or a source without a plain file behind it (read_at). */
static bool map_pieces(struct server *s, uint64_t off, size_t len,
		       struct fuse_bufvec *bv, vmc_error *e, bool *bad)
{
	bv->count = 0;
	while (len) {
		struct vmc_mem_span sp;
		bool fit;

		if (vmc_dump_map(s->c->d, off, len, &sp, e)) {
			*bad = true;
			return false;
		}
		if (sp.kind == VMC_SPAN_SOURCE && sp.fd < 0)
			return false;
		if (sp.kind == VMC_SPAN_SOURCE)
			fit = add_window(s, bv, sp.fd, sp.src_off,
					 (size_t)sp.len);
		else	/* zeros: sp.len <= REQ_MAX */
			fit = add_mem(bv, sp.kind == VMC_SPAN_BYTES ? sp.bytes
							  : s->zeros,
				      (size_t)sp.len);
		if (!fit)
			return false;
		off += sp.len;
		len -= (size_t)sp.len;
	}
	return true;
}

/* The default: fd pieces pread into the thread's buffer, sent as an
 * iovec (zeros and bytes straight from memory). */
static int reply_copy(fuse_req_t req, struct fuse_bufvec *bv, uint8_t *tb)
{
	struct iovec iov[MAX_PIECES];
	size_t used = 0;

	for (size_t i = 0; i < bv->count; i++) {
		struct fuse_buf *b = &bv->buf[i];

		iov[i].iov_len = b->size;
		iov[i].iov_base = b->mem;
		if (!(b->flags & FUSE_BUF_IS_FD))
			continue;
		for (size_t got = 0; got < b->size;) {
			ssize_t n = pread(b->fd, tb + used + got, b->size - got,
					  b->pos + (off_t)got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return n < 0 ? errno : EIO;
			got += (size_t)n;
		}
		iov[i].iov_base = tb + used;
		used += b->size;
	}
	fuse_reply_iov(req, iov, (int)bv->count);
	return 0;
}

static void serve_dump(fuse_req_t req, struct server *s, uint64_t off,
		       size_t len)
{
	union {
		struct fuse_bufvec bv;
		char space[sizeof(struct fuse_bufvec) +
			   MAX_PIECES * sizeof(struct fuse_buf)];
	} u;
	uint8_t *tb = thread_buf(s);
	vmc_error e = { 0 };
	bool bad = false;
	int err;

	if (!tb || len > s->max_read) {
		fuse_reply_err(req, tb ? EINVAL : ENOMEM);
		return;
	}
	memset(&u.bv, 0, sizeof(u.bv));
	if (!map_pieces(s, off, len, &u.bv, &e, &bad)) {
		/* Many tiny windows or a source with no fd: read_at. */
		if (bad || vmc_dump_read_at(s->c->d, off, tb, len, &e))
			fuse_reply_err(req, EIO);
		else
			fuse_reply_buf(req, (const char *)tb, len);
		return;
	}
	if (!s->c->splice) {
		err = reply_copy(req, &u.bv, tb);
		if (err)
			fuse_reply_err(req, err);
		return;
	}
	/* Replies (an error included) and frees the request. */
	fuse_reply_data(req, &u.bv, 0);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct server *s = fuse_req_userdata(req);
	const struct mount_file *f = file_of(s, ino);
	uint64_t o = (uint64_t)off;

	if (!f) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (off < 0 || o >= f->size) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > f->size - o)
		size = (size_t)(f->size - o);
	if (f->bytes)
		fuse_reply_buf(req, (const char *)f->bytes + o, size);
	else
		serve_dump(req, s, f->dump_off + o, size);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.lookup = op_lookup,
	.getattr = op_getattr,
	.readdir = op_readdir,
	.open = op_open,
	.read = op_read,
};

/* ---- mounting ---- */

static int env_error(const char *cmd, const char *fmt, const char *a,
		     const char *b)
{
	fprintf(stderr, "%s %s: ", prog, cmd);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return EXIT_ENV;
}

static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!access("/usr/bin/fusermount3", X_OK) ||
	    !access("/bin/fusermount3", X_OK))
		return true;
	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path,
				  name) < (int)sizeof(buf) &&
		    !access(buf, X_OK))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/*
 * What libfuse would report in its own words, said first and plainly:
 * /dev/fuse, fusermount3 (how users other than root mount), and a mount
 * point that is no directory or is already a mount point.
 */
static int check_env(const char *cmd, const char *mp)
{
	struct stat st, up;
	char parent[PATH_MAX];
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return env_error(cmd, "cannot open /dev/fuse: %s (%s)",
				 strerror(errno),
				 errno == ENOENT
				 ? "load the fuse module, or pass the device "
				   "into the container"
				 : "FUSE needs read-write access to it");
	close(fd);
	if (geteuid() != 0 && !in_path("fusermount3"))
		return env_error(cmd, "%s%s", "fusermount3 not found: users "
				 "other than root mount FUSE file systems with "
				 "it (Debian: apt-get install fuse3)", "");
	if (stat(mp, &st) < 0)
		return env_error(cmd, "mount point %s: %s", mp, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return env_error(cmd, "mount point %s: %s", mp,
				 "not a directory");
	if (snprintf(parent, sizeof(parent), "%s/..", mp) >= (int)sizeof(parent))
		return env_error(cmd, "mount point %s: %s", mp,
				 "name too long");
	if (stat(parent, &up) == 0 &&
	    (up.st_dev != st.st_dev || up.st_ino == st.st_ino))
		return env_error(cmd, "mount point %s is busy: %s", mp,
				 "something is already mounted there "
				 "(fusermount3 -u it first)");
	return EXIT_OK;
}

/*
 * The kernel caps a FUSE mount's readahead at its backing device's
 * default (128 KiB: process_init_reply takes the minimum), so sequential
 * reads arrive in 128 KiB requests whatever max_pages allows.  The
 * mount's bdi takes a larger window from sysfs (root only); best effort.
 */
static void set_readahead(const char *mp, unsigned kb)
{
	/* Not stat(mp): nobody answers the mount before the loop runs.
	 * /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...". */
	FILE *f = kb ? fopen("/proc/self/mountinfo", "re") : NULL;
	char line[4096], dev[32] = "", path[96];
	unsigned maj, min;

	while (f && fgets(line, sizeof(line), f)) {
		char at[4096];

		if (sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min, at) == 3
		    && !strcmp(at, mp))
			snprintf(dev, sizeof(dev), "%u:%u", maj, min);
	}
	if (f)
		fclose(f);
	if (!dev[0])
		return;
	snprintf(path, sizeof(path), "/sys/class/bdi/%s/read_ahead_kb", dev);
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%u\n", kb);
		fclose(f);
	}
}

/*
 * --splice: the largest request whose reply fits one pipe.  libfuse's
 * fuse_send_data_iov wants the header, the data and a page per piece in
 * its pipe and copies instead when it cannot grow the pipe that far;
 * without CAP_SYS_RESOURCE a pipe grows to /proc/sys/fs/pipe-max-size.
 */
static unsigned splice_max_read(void)
{
	const unsigned slack = (MAX_PIECES + 3) * 4096;
	unsigned long max = 0;
	unsigned got = REQ_MAX;
	FILE *f;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return REQ_MAX;
	if (fcntl(p[0], F_SETPIPE_SZ, (int)(REQ_MAX + slack)) < 0) {
		f = fopen("/proc/sys/fs/pipe-max-size", "re");
		if (f && fscanf(f, "%lu", &max) == 1 && max > slack + 4096 &&
		    max - slack < REQ_MAX)
			got = (unsigned)((max - slack) & ~4095ul);
		if (f)
			fclose(f);
	}
	close(p[0]);
	close(p[1]);
	return got;
}

static struct fuse_session *new_session(const struct mount_cfg *c,
					struct server *s)
{
	char opts[4096];
	char *argv[5] = { (char *)prog, "-o", opts, NULL, NULL };
	struct fuse_session *se;
	struct fuse_args args;
	int n;

	/* ro and the cache rules are ours; -o adds the caller's (allow_other,
	 * ...); libfuse rejects what it does not know. */
	n = snprintf(opts, sizeof(opts),
		     "ro,default_permissions,fsname=vmcorekit,subtype=vmcorekit,"
		     "max_read=%u%s%s", s->max_read, c->options ? "," : "",
		     c->options ? c->options : "");
	if (n < 0 || (size_t)n >= sizeof(opts))
		return NULL;
	if (c->debug)
		argv[3] = "-d";
	args = (struct fuse_args)FUSE_ARGS_INIT(c->debug ? 4 : 3, argv);
	se = fuse_session_new(&args, &ops, sizeof(ops), s);
	/* Parsing may have copied the arguments (fuse_opt_add_arg). */
	fuse_opt_free_args(&args);
	return se;
}

/* The parent says where and leaves; the child serves, detached. */
static int daemonize(const struct mount_cfg *c, const char *mp)
{
	pid_t pid;
	int fd;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return env_error(c->cmd, "fork: %s%s", strerror(errno), "");
	if (pid > 0) {
		printf("%s/vmcore: %llu bytes served by pid %ld; unmount with "
		       "'fusermount3 -u %s'\n", mp,
		       (unsigned long long)vmc_dump_size(c->d), (long)pid, mp);
		fflush(stdout);
		_exit(EXIT_OK);	/* the mount belongs to the child */
	}
	setsid();
	if (chdir("/") < 0)
		return EXIT_ENV;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return EXIT_OK;
}

static int run_loop(const struct mount_cfg *c, struct fuse_session *se)
{
	struct fuse_loop_config *lc = fuse_loop_cfg_create();
	int r;

	if (!lc)
		return -ENOMEM;
	fuse_loop_cfg_set_max_threads(lc, c->threads ? c->threads : 8);
	fuse_loop_cfg_set_idle_threads(lc, 4);
	fuse_loop_cfg_set_clone_fd(lc, 1);
	r = fuse_session_loop_mt(se, lc);
	fuse_loop_cfg_destroy(lc);
	return r;
}

int mount_fuse_serve(const struct mount_cfg *c)
{
	struct server s = { .c = c, .uid = getuid(), .gid = getgid(),
			    .max_read = c->splice ? splice_max_read() : REQ_MAX };
	struct fuse_session *se = NULL;
	char mp[PATH_MAX];
	void *z;
	int rc = check_env(c->cmd, c->mountpoint), r;

	if (rc)
		return rc;
	if (!realpath(c->mountpoint, mp))
		return env_error(c->cmd, "mount point %s: %s", c->mountpoint,
				 strerror(errno));
	clock_gettime(CLOCK_REALTIME, &s.t0);
	z = mmap(NULL, REQ_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (z == MAP_FAILED)
		return env_error(c->cmd, "mmap: %s%s", strerror(errno), "");
	s.zeros = z;
	if (pthread_key_create(&s.buf_key, free_buf)) {
		munmap(z, REQ_MAX);
		return env_error(c->cmd, "%s%s", "out of memory", "");
	}
	se = new_session(c, &s);
	if (!se) {
		rc = usage_error(c->cmd, "bad mount options '%s' (libfuse says "
				 "why above)", c->options ? c->options : "");
		goto out_key;
	}
	if (fuse_session_mount(se, mp)) {
		rc = env_error(c->cmd, "cannot mount on %s%s (libfuse says why "
			       "above)", mp, "");
		goto out_session;
	}
	set_readahead(mp, c->readahead_kb);
	if (!c->foreground)
		rc = daemonize(c, mp);
	else
		fprintf(stderr, "%s %s: serving %s/vmcore (%llu bytes); "
			"Ctrl-C or 'fusermount3 -u %s' unmounts\n", prog,
			c->cmd, mp, (unsigned long long)vmc_dump_size(c->d),
			mp);
	if (!rc && fuse_set_signal_handlers(se))
		rc = env_error(c->cmd, "%s%s", "cannot set signal handlers",
			       "");
	if (!rc) {
		r = run_loop(c, se);
		fuse_remove_signal_handlers(se);
		/* A signal number is a requested stop (exit 0). */
		if (r < 0)
			rc = env_error(c->cmd, "serving %s: %s", mp,
				       strerror(-r));
	}
	fuse_session_unmount(se);
out_session:
	fuse_session_destroy(se);
out_key:
	free(pthread_getspecific(s.buf_key));
	pthread_setspecific(s.buf_key, NULL);
	pthread_key_delete(s.buf_key);
	munmap(z, REQ_MAX);
	return rc;
}
