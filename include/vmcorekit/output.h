/* SPDX-License-Identifier: MIT */
/*
 * Output files that appear whole or not at all: data goes to a temporary
 * file in the target's directory, renamed over the target on commit; an
 * abort (or a crash of the process before commit) leaves no target.
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

/*
 * Start writing @path ("-" writes standard output directly, with no
 * rename).  Errors: VMC_ERR_IO (the directory is not writable, ...).
 */
vmc_status vmc_outfile_open(vmc_outfile **out, const char *path,
			    vmc_error *e);
/* Append @len bytes (EINTR and short writes retried).  Errors: IO. */
vmc_status vmc_outfile_write(vmc_outfile *o, const void *buf, size_t len,
			     vmc_error *e);
/* Path of the temporary file (NULL for standard output). */
const char *vmc_outfile_temp_path(const vmc_outfile *o);
/* The file descriptor being written. */
int vmc_outfile_fd(const vmc_outfile *o);
/*
 * Finish: optionally fsync, close, rename into place.  Always frees @o;
 * on failure the temporary file is removed.  Errors: VMC_ERR_IO.
 */
vmc_status vmc_outfile_commit(vmc_outfile *o, bool do_fsync, vmc_error *e);
/* Give up: remove the temporary file and free @o (NULL-safe). */
void vmc_outfile_abort(vmc_outfile *o);

#ifdef __cplusplus
}
#endif
#endif
