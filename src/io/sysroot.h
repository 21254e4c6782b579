/* SPDX-License-Identifier: MIT */
/* Internal: reading small files below a sysroot. */
#ifndef VMC_IO_SYSROOT_H
#define VMC_IO_SYSROOT_H

#include <stddef.h>
#include "vmcorekit/error.h"

/*
 * Read at most @max bytes of @sysroot/@relpath into a new buffer (NUL
 * appended, not counted in *len).  Files in /proc and /sys report size 0,
 * so this reads until EOF.  VMC_ERR_NOTFOUND (no message) when the file
 * does not exist; VMC_ERR_IO otherwise.
 */
vmc_status sysroot_read(const char *sysroot, const char *relpath, size_t max,
			char **out, size_t *len, vmc_error *e);

#endif
