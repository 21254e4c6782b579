/* SPDX-License-Identifier: MIT */
/* Internal: a growable list of owned strings (warnings, missing files). */
#ifndef VMC_CORE_STRLIST_H
#define VMC_CORE_STRLIST_H

#include <stdarg.h>
#include <stddef.h>

#include "vmcorekit/error.h"

struct strlist {
	char **v;
	size_t n, cap;
};

/* Append a formatted string (truncated to VMC_ERROR_MSG_MAX).
 * Errors: VMC_ERR_NOMEM (the list is unchanged). */
vmc_status vmc__strlist_addf(struct strlist *l, vmc_error *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
vmc_status vmc__strlist_vaddf(struct strlist *l, vmc_error *e, const char *fmt,
			 va_list ap);
/* The i-th string, NULL past the end. */
const char *vmc__strlist_get(const struct strlist *l, size_t i);
void vmc__strlist_free(struct strlist *l);

#endif
