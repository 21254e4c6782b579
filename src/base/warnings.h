/* SPDX-License-Identifier: MIT */
/* Internal: adding to a vmc_warnings list (include/vmcorekit/warnings.h). */
#ifndef VMC_BASE_WARNINGS_H
#define VMC_BASE_WARNINGS_H

#include <stdarg.h>
#include <stddef.h>

#include "vmcorekit/error.h"
#include "vmcorekit/warnings.h"

/*
 * Append a warning to *@w, creating the list on the first one.  The
 * message is formatted whole (no length cap).  Errors: VMC_ERR_NOMEM (the
 * list unchanged).
 */
vmc_status vmc__warn(vmc_warnings **w, int code, size_t index, vmc_error *e,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
vmc_status vmc__vwarn(vmc_warnings **w, int code, size_t index, vmc_error *e,
		      const char *fmt, va_list ap);

#endif
