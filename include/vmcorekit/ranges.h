/* SPDX-License-Identifier: MIT */
/*
 * Sets of physical address ranges.  Ranges are half-open [start, end) here;
 * the kernel's inclusive ends are converted once at the edge (iomem parser,
 * sysfs readers).  A range set keeps the boundaries of its members unless
 * asked to merge: the kernel emits one PT_LOAD per "System RAM" resource even
 * when two of them touch, and so must we.
 */
#ifndef VMCOREKIT_RANGES_H
#define VMCOREKIT_RANGES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vmc_range {
	uint64_t start;
	uint64_t end;	/* exclusive */
};

typedef struct vmc_ranges vmc_ranges;

/* Create an empty, unlimited set.  Free with vmc_ranges_free. */
vmc_status vmc_ranges_new(vmc_ranges **out, vmc_error *e);
void vmc_ranges_free(vmc_ranges *r);
/* A deep copy (capacity included). */
vmc_status vmc_ranges_copy(vmc_ranges **out, const vmc_ranges *src,
			   vmc_error *e);

/*
 * Append [start, end).  An empty range (start == end) is ignored.
 * Errors: VMC_ERR_INVALID (start > end), VMC_ERR_NOMEM, VMC_ERR_NOSPACE
 * (over the capacity).
 */
vmc_status vmc_ranges_add(vmc_ranges *r, uint64_t start, uint64_t end,
			  vmc_error *e);

/* Append an inclusive [first, last] range as the kernel writes them.
 * Errors as vmc_ranges_add, plus VMC_ERR_RANGE when last is 2^64-1. */
vmc_status vmc_ranges_add_inclusive(vmc_ranges *r, uint64_t first,
				    uint64_t last, vmc_error *e);

size_t vmc_ranges_count(const vmc_ranges *r);
/* Borrowed pointer to the members, valid until the next modification. */
const struct vmc_range *vmc_ranges_data(const vmc_ranges *r);
void vmc_ranges_clear(vmc_ranges *r);

/* Sort by start (then end).  O(n log n). */
void vmc_ranges_sort(vmc_ranges *r);
/* Sort, then coalesce overlapping and touching members. */
void vmc_ranges_merge(vmc_ranges *r);

/*
 * Capacity mode: at most @max members (0 = unlimited).  With a capacity,
 * vmc_ranges_exclude() reproduces the kernel's crash_exclude_mem_range():
 * a split that needs a slot beyond the capacity fails with VMC_ERR_NOSPACE.
 * Fails with VMC_ERR_NOSPACE if the set already holds more than @max.
 */
vmc_status vmc_ranges_set_capacity(vmc_ranges *r, size_t max, vmc_error *e);
size_t vmc_ranges_capacity(const vmc_ranges *r);

/*
 * Remove [start, end) from every member, splitting a member the hole lies
 * strictly inside (kernel/crash_core.c crash_exclude_mem_range, with
 * half-open ends).  On any error the set is unchanged.
 * Errors: VMC_ERR_INVALID (start > end), VMC_ERR_NOSPACE, VMC_ERR_NOMEM.
 */
vmc_status vmc_ranges_exclude(vmc_ranges *r, uint64_t start, uint64_t end,
			      vmc_error *e);

/*
 * Remove every member of @ex at once: O((n + m) log m) for n members and m
 * exclusions.  The capacity is checked against the final count only.  On
 * error the set is unchanged.
 */
vmc_status vmc_ranges_exclude_set(vmc_ranges *r, const vmc_ranges *ex,
				  vmc_error *e);

/*
 * Keep only the parts of each member that lie inside some member of
 * @with (boundaries of @r are kept).  On error the set is unchanged.
 */
vmc_status vmc_ranges_intersect(vmc_ranges *r, const vmc_ranges *with,
				vmc_error *e);

/* Sum of member lengths (saturates at UINT64_MAX). */
uint64_t vmc_ranges_total(const vmc_ranges *r);

/* True when @addr lies in some member (linear scan). */
bool vmc_ranges_contains(const vmc_ranges *r, uint64_t addr);

#ifdef __cplusplus
}
#endif
#endif
