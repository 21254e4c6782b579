/* SPDX-License-Identifier: MIT */
/*
 * Output files that appear whole or not at all, without damaging what the
 * path names (docs/robustness.md, "Output safety"):
 *
 *   a regular file, or nothing yet   written to an unnamed O_TMPFILE in the
 *                                    target's directory and linked into
 *                                    place on commit (a crash, even SIGKILL,
 *                                    leaves nothing); where the filesystem
 *                                    has no O_TMPFILE, a temporary file
 *                                    beside the target, renamed over it
 *   a symlink                        its final target is written that way;
 *                                    the link stays
 *   a character or block device,     opened and written through,
 *   a FIFO                           sequentially; never renamed over
 *   "-"                              standard output, written through
 */
#ifndef VMCOREKIT_OUTPUT_H
#define VMCOREKIT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_outfile vmc_outfile;

/* How an existing output is treated (as cp treats its destination). */
enum vmc_clobber {
	VMC_CLOBBER_REPLACE = 0,	/* default: replaced, unless a regular
					 * file the caller may not write */
	VMC_CLOBBER_NEVER,		/* an existing output is refused */
	VMC_CLOBBER_FORCE,		/* replaced even when not writable */
};

struct vmc_outfile_opts {
	unsigned version;		/* VMC_OUTFILE_OPTS_VERSION */
	enum vmc_clobber clobber;
	bool no_tmpfile;		/* skip O_TMPFILE (tests) */
	/* Set (by a signal handler) to stop vmc_outfile_write. */
	volatile int *cancel;
};
#define VMC_OUTFILE_OPTS_VERSION 1
#define VMC_OUTFILE_OPTS_INIT { .version = VMC_OUTFILE_OPTS_VERSION }

/*
 * Start writing @path ("-" writes standard output directly, with no
 * rename); vmc_outfile_open is vmc_outfile_open_opts with the defaults.
 * Errors: VMC_ERR_IO (the directory is not writable, a directory or a
 * socket named, an existing output under VMC_CLOBBER_NEVER or a
 * read-only one under VMC_CLOBBER_REPLACE, with a message), NOMEM.
 */
vmc_status vmc_outfile_open(vmc_outfile **out, const char *path,
			    vmc_error *e);
vmc_status vmc_outfile_open_opts(vmc_outfile **out, const char *path,
				 const struct vmc_outfile_opts *opts,
				 vmc_error *e);
/* Append @len bytes (EINTR and short writes retried).  Errors: IO. */
vmc_status vmc_outfile_write(vmc_outfile *o, const void *buf, size_t len,
			     vmc_error *e);
/*
 * Append @len zero bytes: a hole at the end of a regular file (the file
 * is extended, nothing is allocated), written zeros in a pipe or device.
 * Errors: IO, RANGE (past the largest file size).
 */
vmc_status vmc_outfile_pad(vmc_outfile *o, uint64_t len, vmc_error *e);
/*
 * Path of a named temporary file that an interrupted run must remove
 * (NULL when there is none: O_TMPFILE, a device, a FIFO, standard output).
 * Stable until commit or abort; a signal handler may unlink() it.
 */
const char *vmc_outfile_temp_path(const vmc_outfile *o);
/* The file descriptor being written. */
int vmc_outfile_fd(const vmc_outfile *o);
/* True when the output is written in place (a device, a FIFO, standard
 * output): nothing to commit but the data, nothing to remove on abort. */
bool vmc_outfile_is_stream(const vmc_outfile *o);
/*
 * Finish: optionally fsync, close, link or rename into place.  Always frees
 * @o; on failure the temporary file is removed.  Errors: VMC_ERR_IO.
 */
vmc_status vmc_outfile_commit(vmc_outfile *o, bool do_fsync, vmc_error *e);
/* Give up: remove the temporary file and free @o (NULL-safe). */
void vmc_outfile_abort(vmc_outfile *o);

#ifdef __cplusplus
}
#endif
#endif
