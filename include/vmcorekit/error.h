/* SPDX-License-Identifier: MIT */
/*
 * Errors are values: every fallible call returns a vmc_status and fills a
 * caller-owned vmc_error with one human-readable line.  Inner layers prepend
 * context ("PT_LOAD 3: ...") with vmc_error_prefix(); the status set by the
 * innermost layer is never overwritten.
 */
#ifndef VMCOREKIT_ERROR_H
#define VMCOREKIT_ERROR_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vmc_status {
	VMC_OK = 0,
	VMC_ERR_NOMEM,		/* allocation failed */
	VMC_ERR_IO,		/* a system call failed (sys_errno set) */
	VMC_ERR_CORRUPT,	/* the input data is malformed */
	VMC_ERR_INVALID,	/* a bad argument from the caller */
	VMC_ERR_RANGE,		/* a value does not fit (ELFCLASS32, 2^64) */
	VMC_ERR_NOSPACE,	/* over a fixed capacity */
	VMC_ERR_NOTFOUND,	/* a file, key or object does not exist */
	VMC_ERR_UNSUPPORTED,	/* valid, but not handled by this version */
} vmc_status;

#define VMC_ERROR_MSG_MAX 256

typedef struct vmc_error {
	vmc_status status;
	int sys_errno;		/* errno of the failing call, or 0 */
	char msg[VMC_ERROR_MSG_MAX];
} vmc_error;

/* Reset @e to VMC_OK with an empty message.  @e may be NULL. */
void vmc_error_clear(vmc_error *e);

/*
 * Record a failure: sets status, clears sys_errno, formats the message.
 * Returns @st so callers can write "return vmc_error_set(e, ...);".
 * @e may be NULL (the status is still returned).
 */
vmc_status vmc_error_set(vmc_error *e, vmc_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As vmc_error_set, and remember @sys_errno (for VMC_ERR_IO). */
vmc_status vmc_error_set_errno(vmc_error *e, vmc_status st, int sys_errno,
			       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Prepend "<context>: " to the message, keeping the status.  Returns the
 * status already in @e (VMC_ERR_INVALID if none was set, or if @e is
 * NULL: callers that accept a NULL @e must return their own status).
 */
vmc_status vmc_error_prefix(vmc_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Stable short name of a status: "ok", "nomem", "io", "corrupt", ... */
const char *vmc_status_name(vmc_status st);

#ifdef __cplusplus
}
#endif
#endif
