/* SPDX-License-Identifier: MIT */
/* Internal: the pieces of vmc_diff (diff.c: headers and memory;
 * diff_contents.c: what the notes say). */
#ifndef VMC_INSPECT_DIFF_PRIV_H
#define VMC_INSPECT_DIFF_PRIV_H

#include "vmcorekit/inspect.h"

vmc_status vmc__diff_item(vmc_diff *d, enum vmc_diff_kind k, uint64_t start,
			  uint64_t end, vmc_error *e, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

vmc_status vmc__diff_contents(vmc_diff *d, const struct vmc_diff_notes *a,
			      const struct vmc_diff_notes *b, vmc_error *e);

#endif
