/* SPDX-License-Identifier: MIT */
/*
 * The FUSE edge of `vmcorekit mount` (mount_fuse.c): the only code that
 * includes libfuse.  It serves files whose bytes are ranges of an open
 * vmc_dump or bytes in memory; what the files are is cmd_mount.c's.
 */
#ifndef VMC_MOUNT_FUSE_H
#define VMC_MOUNT_FUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/vmcorekit.h"

struct mount_file {
	char name[64];
	bool in_dir;		/* under devdump/, else at the top */
	uint64_t size;
	const uint8_t *bytes;	/* in memory, or NULL: the dump at dump_off */
	uint64_t dump_off;
};

struct mount_cfg {
	const char *mountpoint;	/* as given */
	const char *cmd;	/* for messages */
	vmc_dump *d;
	const struct mount_file *files;
	size_t nr_files;
	bool have_dir;		/* a devdump/ directory */
	bool foreground, debug;
	bool splice;		/* hand image data to libfuse as fd buffers
				 * (default: pread into a buffer) */
	const char *options;	/* -o, comma separated (kernel/libfuse) */
	unsigned threads;	/* most worker threads (0: 8) */
	unsigned readahead_kb;	/* the mount's read_ahead_kb (0: leave) */
};

/*
 * Mount, then serve until unmounted (fusermount3 -u, umount) or SIGINT /
 * SIGTERM / SIGHUP.  Without c->foreground the server forks after a
 * successful mount: the parent prints where and returns 0 at once.  Returns
 * the exit code (messages printed).
 */
int mount_fuse_serve(const struct mount_cfg *c);

#endif
