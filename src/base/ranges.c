// SPDX-License-Identifier: MIT
/* Range sets: a growable array of half-open ranges. */
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/ranges.h"
#include "base/compiler.h"

struct vmc_ranges {
	struct vmc_range *v;
	size_t n;
	size_t alloc;
	size_t max;	/* capacity mode; 0 = unlimited */
};

VMC_EXPORT vmc_status vmc_ranges_new(vmc_ranges **out, vmc_error *e)
{
	vmc_ranges *r = vmc__calloc(1, sizeof(*r));

	if (!r)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	*out = r;
	return VMC_OK;
}

VMC_EXPORT void vmc_ranges_free(vmc_ranges *r)
{
	if (!r)
		return;
	vmc__free(r->v);
	vmc__free(r);
}

static vmc_status reserve(vmc_ranges *r, size_t n, vmc_error *e)
{
	if (n > SIZE_MAX / 2)
		return vmc_error_set(e, VMC_ERR_NOMEM, "range set too large");
	if (!VMC_GROW(r->v, r->alloc, n, 16))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_ranges_copy(vmc_ranges **out, const vmc_ranges *src,
				      vmc_error *e)
{
	vmc_ranges *r;
	vmc_status st = vmc_ranges_new(&r, e);

	if (st)
		return st;
	st = reserve(r, src->n, e);
	if (st) {
		vmc_ranges_free(r);
		return st;
	}
	if (src->n)
		memcpy(r->v, src->v, src->n * sizeof(*r->v));
	r->n = src->n;
	r->max = src->max;
	*out = r;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_ranges_add(vmc_ranges *r, uint64_t start,
				     uint64_t end, vmc_error *e)
{
	vmc_status st;

	if (start > end)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "range start 0x%llx is above its end 0x%llx",
				     (unsigned long long)start,
				     (unsigned long long)end);
	if (start == end)
		return VMC_OK;
	if (r->max && r->n >= r->max)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "range set is full (%zu ranges)", r->max);
	st = reserve(r, r->n + 1, e);
	if (st)
		return st;
	r->v[r->n].start = start;
	r->v[r->n].end = end;
	r->n++;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_ranges_add_inclusive(vmc_ranges *r, uint64_t first,
					       uint64_t last, vmc_error *e)
{
	if (last == UINT64_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "range 0x%llx-0xffffffffffffffff reaches the "
				     "top of the address space",
				     (unsigned long long)first);
	if (first > last)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "range start 0x%llx is above its end 0x%llx",
				     (unsigned long long)first,
				     (unsigned long long)last);
	return vmc_ranges_add(r, first, last + 1, e);
}

VMC_EXPORT size_t vmc_ranges_count(const vmc_ranges *r)
{
	return r->n;
}

VMC_EXPORT const struct vmc_range *vmc_ranges_data(const vmc_ranges *r)
{
	return r->v;
}

VMC_EXPORT void vmc_ranges_clear(vmc_ranges *r)
{
	r->n = 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct vmc_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

VMC_EXPORT void vmc_ranges_sort(vmc_ranges *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), cmp_range);
}

VMC_EXPORT void vmc_ranges_merge(vmc_ranges *r)
{
	size_t w = 0;

	vmc_ranges_sort(r);
	for (size_t i = 0; i < r->n; i++) {
		if (w && r->v[i].start <= r->v[w - 1].end) {
			if (r->v[i].end > r->v[w - 1].end)
				r->v[w - 1].end = r->v[i].end;
			continue;
		}
		r->v[w++] = r->v[i];
	}
	r->n = w;
}

VMC_EXPORT vmc_status vmc_ranges_set_capacity(vmc_ranges *r, size_t max,
					      vmc_error *e)
{
	if (max && r->n > max)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "range set holds %zu ranges, over the "
				     "capacity %zu", r->n, max);
	r->max = max;
	return VMC_OK;
}

VMC_EXPORT size_t vmc_ranges_capacity(const vmc_ranges *r)
{
	return r->max;
}

/* Replace r's members with the @n members of @v (takes ownership). */
static void adopt(vmc_ranges *r, struct vmc_range *v, size_t n, size_t alloc)
{
	vmc__free(r->v);
	r->v = v;
	r->n = n;
	r->alloc = alloc;
}

VMC_EXPORT vmc_status vmc_ranges_exclude(vmc_ranges *r, uint64_t start,
					 uint64_t end, vmc_error *e)
{
	struct vmc_range *out;
	size_t w = 0, live = r->n;

	if (start > end)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "exclusion start 0x%llx is above its end "
				     "0x%llx", (unsigned long long)start,
				     (unsigned long long)end);
	if (start == end)
		return VMC_OK;
	/* A split adds at most one member per member. */
	out = vmc__reallocarray(NULL, r->n * 2 + 1, sizeof(*out));
	if (!out)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < r->n; i++) {
		struct vmc_range m = r->v[i];

		if (end <= m.start || start >= m.end) {
			out[w++] = m;
		} else if (start > m.start && end < m.end) {
			/*
			 * crash_exclude_mem_range checks the slot count at
			 * the moment of the split, after earlier members of
			 * this call were dropped.
			 */
			if (r->max && live >= r->max) {
				vmc__free(out);
				return vmc_error_set(e, VMC_ERR_NOSPACE,
						     "excluding 0x%llx-0x%llx splits "
						     "0x%llx-0x%llx but all %zu range "
						     "slots are used",
						     (unsigned long long)start,
						     (unsigned long long)end,
						     (unsigned long long)m.start,
						     (unsigned long long)m.end,
						     r->max);
			}
			out[w].start = m.start;
			out[w++].end = start;
			out[w].start = end;
			out[w++].end = m.end;
			live++;
		} else if (start <= m.start && end >= m.end) {
			live--;
		} else if (start > m.start) {
			out[w].start = m.start;
			out[w++].end = start;
		} else {
			out[w].start = end;
			out[w++].end = m.end;
		}
	}
	adopt(r, out, w, r->n * 2 + 1);
	return VMC_OK;
}

/* First index in sorted, merged @x whose end is above @addr. */
static size_t first_ending_after(const struct vmc_range *x, size_t n,
				 uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct piece_buf {
	struct vmc_range *v;
	size_t n, alloc;
};

static bool push_piece(struct piece_buf *b, uint64_t start, uint64_t end,
		       size_t hint)
{
	if (start >= end)
		return true;
	if (!VMC_GROW(b->v, b->alloc, b->n + 1, hint + 16))
		return false;
	b->v[b->n].start = start;
	b->v[b->n++].end = end;
	return true;
}

/*
 * Shared sweep for exclude_set (keep the gaps of @x inside each member) and
 * intersect (keep the overlaps).  @x must be sorted and merged.
 */
static vmc_status sweep(vmc_ranges *r, const struct vmc_range *x, size_t nx,
			bool keep_overlap, vmc_error *e)
{
	struct piece_buf b = { 0 };

	for (size_t i = 0; i < r->n; i++) {
		struct vmc_range m = r->v[i];
		uint64_t cur = m.start;
		bool ok = true;

		for (size_t j = first_ending_after(x, nx, m.start);
		     ok && j < nx && x[j].start < m.end; j++) {
			uint64_t s = x[j].start > cur ? x[j].start : cur;
			uint64_t t = x[j].end < m.end ? x[j].end : m.end;

			ok = keep_overlap ? push_piece(&b, s, t, r->n)
					  : push_piece(&b, cur, s, r->n);
			cur = t;
		}
		if (ok && !keep_overlap)
			ok = push_piece(&b, cur, m.end, r->n);
		if (!ok) {
			vmc__free(b.v);
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		}
	}
	if (r->max && b.n > r->max) {
		vmc__free(b.v);
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "result needs %zu ranges, over the capacity %zu",
				     b.n, r->max);
	}
	adopt(r, b.v, b.n, b.alloc);
	return VMC_OK;
}

/* Sweep @r against a sorted, merged copy of @other. */
static vmc_status sweep_against(vmc_ranges *r, const vmc_ranges *other,
				bool keep_overlap, vmc_error *e)
{
	vmc_ranges *x;
	vmc_status st = vmc_ranges_copy(&x, other, e);

	if (st)
		return st;
	x->max = 0;
	vmc_ranges_merge(x);
	st = sweep(r, x->v, x->n, keep_overlap, e);
	vmc_ranges_free(x);
	return st;
}

VMC_EXPORT vmc_status vmc_ranges_exclude_set(vmc_ranges *r,
					     const vmc_ranges *ex, vmc_error *e)
{
	return sweep_against(r, ex, false, e);
}

VMC_EXPORT vmc_status vmc_ranges_intersect(vmc_ranges *r,
					   const vmc_ranges *with, vmc_error *e)
{
	return sweep_against(r, with, true, e);
}

VMC_EXPORT uint64_t vmc_ranges_total(const vmc_ranges *r)
{
	uint64_t t = 0;

	for (size_t i = 0; i < r->n; i++)
		if (add_overflows_u64(t, r->v[i].end - r->v[i].start, &t))
			return UINT64_MAX;
	return t;
}

VMC_EXPORT bool vmc_ranges_contains(const vmc_ranges *r, uint64_t addr)
{
	for (size_t i = 0; i < r->n; i++)
		if (addr >= r->v[i].start && addr < r->v[i].end)
			return true;
	return false;
}
