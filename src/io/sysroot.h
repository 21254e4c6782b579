/* SPDX-License-Identifier: MIT */
/* Internal: reading small files below a sysroot. */
#ifndef VMC_IO_SYSROOT_H
#define VMC_IO_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>
#include "vmcorekit/error.h"

/*
 * Read @sysroot/@relpath into a new buffer (NUL appended, not counted in
 * *len).  Files in /proc and /sys report size 0, so this reads until EOF.
 * A file longer than @max is an error (VMC_ERR_RANGE) unless @head_only,
 * which keeps its first @max bytes (/proc/kcore's headers).
 * VMC_ERR_NOTFOUND (no message) when the file does not exist; VMC_ERR_IO
 * otherwise.
 */
vmc_status vmc__sysroot_read(const char *sysroot, const char *relpath, size_t max,
			bool head_only, char **out, size_t *len, vmc_error *e);

#endif
