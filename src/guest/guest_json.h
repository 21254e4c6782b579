/* SPDX-License-Identifier: MIT */
/* Internal: JSON text through json-c, for the VMM layouts (src/guest/). */
#ifndef VMC_GUEST_JSON_H
#define VMC_GUEST_JSON_H

#ifdef VMC_HAVE_JSON_C
#include <json-c/json.h>

#include "vmcorekit/error.h"

/*
 * One JSON value from all @len bytes of @text (trailing bytes are an
 * error); *@out is released with json_object_put.  @what names the text
 * in messages (NULL: nothing).  Errors: VMC_ERR_CORRUPT, VMC_ERR_RANGE
 * (over 2 GiB: json-c counts in int), VMC_ERR_NOMEM.
 */
vmc_status vmc__json_parse(struct json_object **out, const char *text,
			   size_t len, const char *what, vmc_error *e);
#endif

#endif
