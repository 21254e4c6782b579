/* SPDX-License-Identifier: MIT */
/* Internal: the one bounds check, written so no sum can wrap. */
#ifndef VMC_BASE_BOUNDS_H
#define VMC_BASE_BOUNDS_H

#include <stdbool.h>
#include <stdint.h>

/* Does [off, off + len) lie inside [0, size)?  (off + len may pass 2^64.) */
static inline bool vmc__in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Does [pos, pos + count) lie wholly inside [from, end)? */
static inline bool span_inside(uint64_t pos, uint64_t count, uint64_t from,
			       uint64_t end)
{
	return pos >= from && end >= from &&
	       vmc__in_bounds(pos - from, count, end - from);
}

#endif
