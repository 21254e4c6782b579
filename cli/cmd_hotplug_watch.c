// SPDX-License-Identifier: MIT
/*
 * vmcorekit hotplug watch: one command per burst of memory/CPU uevents.
 *
 * Events come from the kernel's NETLINK_KOBJECT_UEVENT multicast group 1
 * (the kernel's own; udevd re-broadcasts on group 2), or from a replay of
 * kernel-format records (--uevents).  A burst ends after --settle ms
 * without a hotplug event; then, unless every subsystem in it has
 * /sys/devices/system/<subsystem>/crash_hotplug = 1 (the kernel rewrites
 * the elfcorehdr itself: kernel/crash_core.c crash_check_hotplug_support),
 * the command runs once, through /bin/sh -c, and the next burst starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/netlink.h>

#include "cli.h"
#include "opts.h"
#include "cmd_hotplug.h"

#define CMD "hotplug watch"
#define REC_MAX 8192		/* > UEVENT_BUFFER_SIZE + header */
#define KERNEL_GROUP 1		/* lib/kobject_uevent.c: group 1 */

struct watch {
	const char *cmd, *sysroot, *uevents;
	uint64_t settle, max_bursts;
	bool json;
	int fd;
	bool netlink, virt, eof;
	uint64_t vclock, voffset;
	char in[65536];
	size_t in_len, in_pos;
	char rec[REC_MAX];
	size_t rec_len;
	bool rec_skip;		/* the current field is a comment */
	size_t field_start;
	struct vmc_coalesce co;
	uint64_t events, ignored, malformed, bursts, runs, skipped, failed;
};

#define T struct watch
static const struct opt opts[] = {
	OPT_STR_(T, "exec", "CMD", cmd,
		 "run through /bin/sh -c, with VMC_HOTPLUG_EVENTS (the\n"
		 "burst's event count) and VMC_HOTPLUG_SUBSYSTEMS set"),
	OPT_U64_(T, "settle", "MS", settle,
		 "quiet time that ends a burst (default 1000)"),
	OPT_STR_(T, "sysroot", "DIR", sysroot,
		 "read crash_hotplug below DIR (default /)"),
	OPT_STR_(T, "uevents", "FILE|-", uevents,
		 "read uevent records from FILE ('-': standard input)\n"
		 "instead of the netlink socket"),
	OPT_U64_(T, "count", "N", max_bursts, "exit after N bursts"),
	OPT_FLAG_(T, "json", json,
		  "print the final counts as JSON on standard output"),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit hotplug watch --exec CMD [--settle MS] "
		 "[--sysroot DIR]\n           [--uevents FILE|-] [--count N] "
		 "[--json]",
	.about =
"Listen to kernel uevents for memory and CPU devices (add, remove, online,\n"
"offline) and run CMD once per burst: a burst ends after MS milliseconds\n"
"without such an event, so hot-adding a DIMM (one event per memory block)\n"
"runs CMD once, not once per block.  A burst whose subsystems all have\n"
"/sys/devices/system/{memory,cpu}/crash_hotplug = 1 is skipped: the kernel\n"
"updates the elfcorehdr itself and a reload would only race it.",
	.opts = opts,
	.footer =
"A record is the kernel's message, \"ACTION@DEVPATH\" then KEY=VALUE fields\n"
"(ACTION, DEVPATH, SUBSYSTEM, SEQNUM, ...), each ended by a NUL or a\n"
"newline; an empty field ends the record.  A record \"+MS\" lets MS\n"
"milliseconds pass; a field starting with '#' is a comment.  A regular\n"
"FILE is replayed on that clock alone (no real waiting).\n"
"\n"
"Exit: 0 at the end of the input, after --count bursts, or on SIGINT or\n"
"SIGTERM; 1 a malformed record in --uevents; 2 usage; 3 the netlink socket\n"
"or the input cannot be opened.",
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t now_ms(const struct watch *w)
{
	return w->virt ? w->vclock : mono_ms() + w->voffset;
}

/* crash_hotplug of one subsystem: "1" when the kernel updates the header. */
static bool kernel_updates(const struct watch *w, const char *subsys)
{
	char path[4096], buf[8];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/sys/devices/system/%s/crash_hotplug",
		 w->sysroot, subsys);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n > 0 && buf[0] == '1';
}

static int run_cmd(const struct watch *w, uint64_t nr, const char *subsys)
{
	char count[32];
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		snprintf(count, sizeof(count), "%llu", (unsigned long long)nr);
		setenv("VMC_HOTPLUG_EVENTS", count, 1);
		setenv("VMC_HOTPLUG_SUBSYSTEMS", subsys, 1);
		if (w->fd > 2)
			close(w->fd);
		execl("/bin/sh", "sh", "-c", w->cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void fire(struct watch *w)
{
	char subsys[32] = "";
	bool need = false;
	unsigned bits;
	uint64_t nr;
	int rc;

	vmc_coalesce_take(&w->co, &nr, &bits);
	w->bursts++;
	if (bits & VMC_HP_SUBSYS_MEMORY) {
		strcat(subsys, "memory");
		need |= !kernel_updates(w, "memory");
	}
	if (bits & VMC_HP_SUBSYS_CPU) {
		strcat(subsys, subsys[0] ? " cpu" : "cpu");
		need |= !kernel_updates(w, "cpu");
	}
	if (!need) {
		w->skipped++;
		fprintf(stderr, "%s %s: burst of %llu events (%s): skipped, "
			"crash_hotplug = 1 (the kernel updates the elfcorehdr)\n",
			prog, CMD, (unsigned long long)nr, subsys);
		return;
	}
	rc = run_cmd(w, nr, subsys);
	w->runs++;
	if (rc != 0)
		w->failed++;
	fprintf(stderr, "%s %s: burst of %llu events (%s): ran '%s', exit %d\n",
		prog, CMD, (unsigned long long)nr, subsys, w->cmd, rc);
}

/* One complete record: a clock step or a uevent.  -1 on bad data. */
static int handle(struct watch *w, const char *rec, size_t len,
		  vmc_error *e)
{
	struct vmc_uevent u;
	enum vmc_hp_subsys which;
	uint64_t ms;

	if (!w->netlink && rec[0] == '+' && strlen(rec) + 1 == len) {
		if (vmc_parse_u64(rec + 1, &ms, e))
			return -1;
		if (w->virt)
			w->vclock += ms;
		else
			w->voffset += ms;
		return 0;
	}
	if (vmc_uevent_parse(rec, len, &u, e)) {
		if (!w->netlink)
			return -1;
		w->malformed++;
		return 0;
	}
	if (!vmc_uevent_is_hotplug(&u, &which)) {
		w->ignored++;
		return 0;
	}
	w->events++;
	vmc_coalesce_add(&w->co, now_ms(w), which);
	return 0;
}

/*
 * Take the next complete record out of the input buffer: fields end at NUL
 * or newline, an empty field ends the record.  1 with the record in
 * w->rec (NUL-separated), 0 when more input is needed.
 */
static int next_record(struct watch *w, size_t *len, vmc_error *e)
{
	while (w->in_pos < w->in_len || (w->eof && w->rec_len)) {
		char c = w->in_pos < w->in_len ? w->in[w->in_pos++] : '\0';
		bool end_field = c == '\0' || c == '\n';

		if (!end_field) {
			if (w->rec_len == w->field_start && c == '#')
				w->rec_skip = true;
			if (w->rec_skip)
				continue;
			if (w->rec_len + 2 >= REC_MAX) {
				vmc_error_set(e, VMC_ERR_CORRUPT,
					      "a uevent record over %d bytes",
					      REC_MAX);
				return -1;
			}
			w->rec[w->rec_len++] = c;
			continue;
		}
		if (w->rec_skip) {
			w->rec_skip = false;
			continue;
		}
		if (w->rec_len > w->field_start) {
			w->rec[w->rec_len++] = '\0';
			w->field_start = w->rec_len;
			if (!(w->eof && w->in_pos >= w->in_len))
				continue;
		}
		if (w->rec_len == 0)
			continue;
		*len = w->rec_len;
		w->rec_len = w->field_start = 0;
		return 1;
	}
	return 0;
}

static int read_more(struct watch *w, vmc_error *e)
{
	ssize_t n;

	if (w->in_pos == w->in_len)
		w->in_pos = w->in_len = 0;
	do
		n = read(w->fd, w->in + w->in_len, sizeof(w->in) - w->in_len);
	while (n < 0 && errno == EINTR && !stop);
	if (n < 0 && stop)
		return 0;
	if (n < 0) {
		vmc_error_set_errno(e, VMC_ERR_IO, errno, "%s: %s", w->uevents,
				    strerror(errno));
		return -1;
	}
	if (n == 0)
		w->eof = true;
	w->in_len += (size_t)n;
	return 0;
}

static int recv_uevent(struct watch *w, vmc_error *e)
{
	struct sockaddr_nl from;
	struct iovec iov = { w->rec, sizeof(w->rec) - 1 };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(w->fd, &mh, 0);

	if (n < 0 && errno == ENOBUFS) {
		/* The socket overflowed: events were lost, so reload. */
		vmc_coalesce_add(&w->co, now_ms(w), VMC_HP_SUBSYS_MEMORY);
		vmc_coalesce_add(&w->co, now_ms(w), VMC_HP_SUBSYS_CPU);
		return 0;
	}
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	/* Only the kernel (port 0) sends kernel uevents. */
	if (from.nl_pid != 0 || (mh.msg_flags & MSG_TRUNC)) {
		w->malformed++;
		return 0;
	}
	w->rec[n] = '\0';
	return handle(w, w->rec, (size_t)n, e);
}

static int open_input(struct watch *w, vmc_error *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = KERNEL_GROUP };
	int size = 1 << 20;
	struct stat stt;

	if (w->uevents) {
		w->fd = strcmp(w->uevents, "-") ? open(w->uevents,
						      O_RDONLY | O_CLOEXEC) : 0;
		if (w->fd < 0) {
			vmc_error_set_errno(e, VMC_ERR_IO, errno, "%s: %s",
					    w->uevents, strerror(errno));
			return -1;
		}
		w->virt = fstat(w->fd, &stt) == 0 && S_ISREG(stt.st_mode);
		return 0;
	}
	w->netlink = true;
	w->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		       NETLINK_KOBJECT_UEVENT);
	if (w->fd >= 0 &&
	    setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) != 0)
		setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (w->fd < 0 || bind(w->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		vmc_error_set_errno(e, VMC_ERR_IO, errno,
				    "netlink uevent socket: %s",
				    strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for input or the burst's end; -1 on error. */
static int wait_input(struct watch *w, uint64_t wait, vmc_error *e)
{
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	int r;

	if (w->virt)
		return read_more(w, e);
	r = poll(&p, 1, wait == UINT64_MAX ? -1 :
		 wait > 3600000 ? 3600000 : (int)wait);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	return w->netlink ? recv_uevent(w, e) : read_more(w, e);
}

static int loop(struct watch *w, vmc_error *e)
{
	while (!stop) {
		uint64_t wait = vmc_coalesce_wait(&w->co, now_ms(w));
		size_t len;
		int r;

		if (wait == 0) {
			fire(w);
			if (w->max_bursts && w->bursts >= w->max_bursts)
				break;
			continue;
		}
		if (!w->netlink) {
			r = next_record(w, &len, e);
			if (r < 0 || (r > 0 && handle(w, w->rec, len, e) < 0))
				return -1;
			if (r > 0)
				continue;
		}
		if (w->eof) {
			if (wait == UINT64_MAX)
				break;
			if (w->virt)
				w->vclock += wait;
			else
				usleep((useconds_t)(wait > 1000000 ? 1000000
							 : wait) * 1000);
			continue;
		}
		if (wait_input(w, wait, e) < 0)
			return -1;
	}
	return 0;
}

static void summary(const struct watch *w)
{
	if (w->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "events", w->events);
		json_u64(&j, "ignored", w->ignored);
		json_u64(&j, "malformed", w->malformed);
		json_u64(&j, "bursts", w->bursts);
		json_u64(&j, "runs", w->runs);
		json_u64(&j, "skipped", w->skipped);
		json_u64(&j, "failed", w->failed);
		json_obj_end(&j);
		json_done(&j);
		return;
	}
	fprintf(stderr, "%s %s: %llu hotplug events (%llu others ignored) in "
		"%llu bursts: %llu runs (%llu failed), %llu skipped\n", prog,
		CMD, (unsigned long long)w->events,
		(unsigned long long)w->ignored, (unsigned long long)w->bursts,
		(unsigned long long)w->runs, (unsigned long long)w->failed,
		(unsigned long long)w->skipped);
}

int cmd_hotplug_watch(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct watch *w = calloc(1, sizeof(*w));
	vmc_error e = { 0 };
	int first, rc = EXIT_OK;

	if (!w)
		return EXIT_ENV;
	w->settle = 1000;
	w->sysroot = "";
	w->fd = -1;
	rc = opts_parse(&spec, w, argc, argv, &first);
	if (rc) {
		rc = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	if (first < argc || !w->cmd) {
		rc = usage_error(CMD, first < argc ? "unexpected argument" :
				 "--exec CMD is required");
		goto out;
	}
	vmc_coalesce_init(&w->co, w->settle);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (open_input(w, &e) < 0) {
		rc = fail(CMD, &e);
		goto out;
	}
	if (loop(w, &e) < 0)
		rc = fail(CMD, &e);
	summary(w);
out:
	if (w->fd > 0)
		close(w->fd);
	free(w);
	return rc;
}
