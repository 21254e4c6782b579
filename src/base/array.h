/* SPDX-License-Identifier: MIT */
/* Internal: the one growable-array helper (src/base/array.c). */
#ifndef VMC_BASE_ARRAY_H
#define VMC_BASE_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Make room for @need elements of @elsz bytes in the array whose pointer
 * is at @arrp (its capacity *@cap): the capacity doubles, from @min when
 * the array is empty, until it holds @need.  Allocation goes through
 * vmc__reallocarray (the failure-injection seam).  False, with the array
 * and *@cap unchanged, when memory or size_t runs out.
 */
bool vmc__grow(void *arrp, size_t *cap, size_t need, size_t elsz,
	       size_t min);

/* VMC_GROW(l->v, l->cap, l->n + 1, 16): the element size from the type. */
#define VMC_GROW(arr, cap, need, min) \
	vmc__grow(&(arr), &(cap), (need), sizeof(*(arr)), (min))

#endif
