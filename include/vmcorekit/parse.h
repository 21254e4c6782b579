/* SPDX-License-Identifier: MIT */
/*
 * The number and range syntax the command line accepts, and the small
 * text formats of /sys: CPU lists ("0-3,8").
 */
#ifndef VMCOREKIT_PARSE_H
#define VMCOREKIT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A number: "0x1f" (hex), "4096" (decimal), with an optional binary
 * suffix K, M, G, T (or KiB, MiB, GiB, TiB): "256M" = 268435456.
 * Errors: VMC_ERR_INVALID (syntax), VMC_ERR_RANGE (overflow).
 */
vmc_status vmc_parse_u64(const char *s, uint64_t *out, vmc_error *e);

/*
 * A physical range: "START-END" with END inclusive, as /proc/iomem writes
 * it, or "START+SIZE".  Result half-open [*start, *end).
 * Errors: VMC_ERR_INVALID, VMC_ERR_RANGE.
 */
vmc_status vmc_parse_range(const char *s, uint64_t *start, uint64_t *end,
			   vmc_error *e);

/*
 * A ranges file: one range per line in the vmc_parse_range syntax; blank
 * lines and '#' comments are skipped.  Appended to @out.
 * Errors: those of vmc_parse_range and vmc_ranges_add (VMC_ERR_INVALID,
 * VMC_ERR_RANGE, VMC_ERR_NOMEM), the message naming the line.
 */
struct vmc_ranges;
vmc_status vmc_parse_ranges_text(const char *text, size_t len,
				 struct vmc_ranges *out, vmc_error *e);

/*
 * A CPU list as the kernel prints it ("0-3,8-9", "" for none).  Sets the
 * listed bits in @mask (@nbits bits, caller-zeroed, 64 per word) and the
 * highest CPU + 1 in *@nr_out (0 for an empty list).
 * Errors: VMC_ERR_CORRUPT (syntax), VMC_ERR_RANGE (CPU >= nbits).
 */
vmc_status vmc_parse_cpulist(const char *s, size_t len, uint64_t *mask,
			     size_t nbits, size_t *nr_out, vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
