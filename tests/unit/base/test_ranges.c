// SPDX-License-Identifier: MIT
/*
 * Range sets against a brute-force oracle: every set lives in a small
 * address space of U units (optionally shifted near 2^64), is painted into
 * a bitmap, and every operation's result is recomputed member by member
 * from the bitmaps.  Capacity mode is compared with a transcription of the
 * kernel's crash_exclude_mem_range() (Linux 6.12 kernel/crash_core.c).
 */
#include <errno.h>

#include "unit.h"
#include "vmcorekit/ranges.h"

#define U 4096u			/* units in the address space */
#define MAXR 2048		/* members in a test list */
#define CASES 10000

struct list {
	size_t n;
	struct vmc_range v[MAXR];	/* in units, not shifted */
};

static uint64_t base;		/* address of unit 0 */

static const uint64_t bases[] = {
	0, (1ull << 40) + 12345, UINT64_MAX - U,
};

static void pick_base(void)
{
	base = bases[rng_below(sizeof(bases) / sizeof(bases[0]))];
}

/* A point in [0, U]; often on a coarse grid so boundaries coincide. */
static uint64_t gen_point(void)
{
	switch (rng_below(4)) {
	case 0:
		return rng_below(U / 256 + 1) * 256;
	case 1:
		return rng_below(U / 16 + 1) * 16;
	default:
		return rng_below(U + 1);
	}
}

static void push(struct list *l, uint64_t s, uint64_t e)
{
	if (l->n < MAXR) {
		l->v[l->n].start = s;
		l->v[l->n].end = e;
		l->n++;
	}
}

/* Any non-empty members, possibly overlapping, in any order. */
static void gen_any(struct list *l, size_t maxn)
{
	size_t n = rng_below(maxn + 1);

	l->n = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = gen_point(), b;

		if (rng_below(3) == 0)
			b = a + rng_below(64);
		else
			b = gen_point();
		if (b > U)
			b = U;
		if (a > b) {
			uint64_t t = a;

			a = b;
			b = t;
		}
		if (a == b) {
			if (a == U)
				a--;
			else
				b++;
		}
		push(l, a, b);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, disjoint, non-empty members; neighbours may touch. */
static void gen_sorted(struct list *l, size_t maxn)
{
	size_t k = rng_below(maxn + 1);
	uint64_t p[2 * MAXR];

	for (size_t i = 0; i < 2 * k; i++)
		p[i] = gen_point();
	qsort(p, 2 * k, sizeof(p[0]), cmp_u64);
	l->n = 0;
	for (size_t i = 0; i < k; i++)
		if (p[2 * i] < p[2 * i + 1])
			push(l, p[2 * i], p[2 * i + 1]);
}

static vmc_ranges *to_lib(const struct list *l)
{
	vmc_ranges *r;
	vmc_error e;

	if (vmc_ranges_new(&r, &e)) {
		printf("vmc_ranges_new: %s\n", e.msg);
		exit(2);
	}
	for (size_t i = 0; i < l->n; i++) {
		if (vmc_ranges_add(r, base + l->v[i].start, base + l->v[i].end,
				   &e)) {
			printf("vmc_ranges_add: %s\n", e.msg);
			exit(2);
		}
	}
	return r;
}

static void paint(const struct list *l, uint8_t *bm)
{
	memset(bm, 0, U);
	for (size_t i = 0; i < l->n; i++)
		for (uint64_t u = l->v[i].start; u < l->v[i].end; u++)
			bm[u] = 1;
}

/* Runs of [m.start, m.end) whose units have (mask[u] != 0) == want. */
static void member_runs(struct list *out, struct vmc_range m,
			const uint8_t *mask, bool want)
{
	uint64_t u = m.start;

	while (u < m.end) {
		uint64_t s;

		while (u < m.end && (mask[u] != 0) != want)
			u++;
		s = u;
		while (u < m.end && (mask[u] != 0) == want)
			u++;
		if (s < u)
			push(out, s, u);
	}
}

static void print_list(const char *what, const struct vmc_range *v, size_t n,
		       uint64_t shift)
{
	printf("  %s (%zu):", what, n);
	for (size_t i = 0; i < n && i < 24; i++)
		printf(" [%" PRIu64 ",%" PRIu64 ")", v[i].start - shift,
		       v[i].end - shift);
	printf(n > 24 ? " ...\n" : "\n");
}

/* The library set equals @want exactly (order and boundaries). */
static bool same(const vmc_ranges *r, const struct list *want, const char *op)
{
	const struct vmc_range *v = vmc_ranges_data(r);
	size_t n = vmc_ranges_count(r);
	bool ok = n == want->n;

	for (size_t i = 0; ok && i < n; i++)
		ok = v[i].start == base + want->v[i].start &&
		     v[i].end == base + want->v[i].end;
	if (!CHECK(ok, "%s: result differs from the oracle (units, base "
		   "0x%" PRIx64 ")", op, base) && t_fail <= T_MAX_PRINT) {
		print_list("got", v, n, base);
		print_list("want", want->v, want->n, 0);
	}
	return ok;
}

static bool same_lib(const vmc_ranges *a, const vmc_ranges *b, const char *op)
{
	struct list l;
	const struct vmc_range *v = vmc_ranges_data(b);

	l.n = vmc_ranges_count(b);
	for (size_t i = 0; i < l.n && i < MAXR; i++) {
		l.v[i].start = v[i].start - base;
		l.v[i].end = v[i].end - base;
	}
	return same(a, &l, op);
}

/* The union of the library set's members, as a bitmap, equals @bm. */
static void check_bitmap(const vmc_ranges *r, const uint8_t *bm,
			 const char *op)
{
	uint8_t got[U];
	const struct vmc_range *v = vmc_ranges_data(r);
	bool ok = true;

	memset(got, 0, U);
	for (size_t i = 0; i < vmc_ranges_count(r); i++) {
		if (v[i].start < base || v[i].end > base + U ||
		    v[i].start >= v[i].end) {
			ok = false;
			break;
		}
		for (uint64_t a = v[i].start; a < v[i].end; a++)
			got[a - base] = 1;
	}
	CHECK(ok && memcmp(got, bm, U) == 0,
	      "%s: the union of the members is not the expected set", op);
}

static void set_case(const char *op, unsigned i)
{
	t_case("%s #%u base 0x%" PRIx64, op, i, base);
}

/* ---- vmc_ranges_exclude (one hole) ---- */

static void test_exclude_random(void)
{
	static struct list l, want;
	uint8_t hole[U], bm[U];

	for (unsigned c = 0; c < CASES; c++) {
		uint64_t a, b;
		vmc_ranges *r;
		vmc_error e;
		vmc_status st;

		pick_base();
		set_case("exclude", c);
		gen_any(&l, 12);
		a = gen_point();
		b = rng_below(4) == 0 ? a : gen_point();
		if (a > b) {
			uint64_t t = a;

			a = b;
			b = t;
		}
		r = to_lib(&l);
		st = vmc_ranges_exclude(r, base + a, base + b, &e);
		CHECK_ST(st, VMC_OK, &e);
		memset(hole, 0, U);
		memset(hole + a, 1, b - a);
		want.n = 0;
		for (size_t i = 0; i < l.n; i++)
			member_runs(&want, l.v[i], hole, false);
		same(r, &want, "exclude");
		paint(&l, bm);
		for (uint64_t u = a; u < b; u++)
			bm[u] = 0;
		check_bitmap(r, bm, "exclude");
		/* start > end: INVALID, nothing changes. */
		if (a < b) {
			vmc_ranges *copy;

			vmc_ranges_copy(&copy, r, &e);
			st = vmc_ranges_exclude(r, base + b, base + a, &e);
			CHECK_ST(st, VMC_ERR_INVALID, &e);
			same_lib(r, copy, "exclude start > end");
			vmc_ranges_free(copy);
		}
		vmc_ranges_free(r);
	}
}

/* ---- vmc_ranges_exclude_set ---- */

static void test_exclude_set_random(void)
{
	static struct list l, x, want;
	uint8_t mask[U], bm[U];

	for (unsigned c = 0; c < CASES; c++) {
		vmc_ranges *r, *ex, *seq;
		vmc_error e;
		vmc_status st;
		bool sorted = rng_below(2);
		size_t cap = 0;

		pick_base();
		t_case("exclude_set #%u %s base 0x%" PRIx64, c,
		       sorted ? "sorted" : "any", base);
		if (sorted) {
			gen_sorted(&l, 12);
			gen_sorted(&x, 12);
		} else {
			gen_any(&l, 12);
			gen_any(&x, 12);
		}
		r = to_lib(&l);
		ex = to_lib(&x);
		paint(&x, mask);
		want.n = 0;
		for (size_t i = 0; i < l.n; i++)
			member_runs(&want, l.v[i], mask, false);
		if (rng_below(4) == 0) {
			cap = l.n + rng_below(6);
			if (cap == 0)
				cap = 1;
			CHECK_ST(vmc_ranges_set_capacity(r, cap, &e), VMC_OK, &e);
		}
		st = vmc_ranges_exclude_set(r, ex, &e);
		if (cap && want.n > cap) {
			CHECK_ST(st, VMC_ERR_NOSPACE, &e);
			same(r, &l, "exclude_set NOSPACE leaves the set");
		} else {
			CHECK_ST(st, VMC_OK, &e);
			same(r, &want, "exclude_set");
			paint(&l, bm);
			for (size_t u = 0; u < U; u++)
				bm[u] &= !mask[u];
			check_bitmap(r, bm, "exclude_set");
		}
		same(ex, &x, "exclude_set leaves its argument");
		if (sorted) {
			/* Equals excluding the members one at a time. */
			seq = to_lib(&l);
			for (size_t i = 0; i < x.n; i++)
				CHECK_ST(vmc_ranges_exclude(seq, base + x.v[i].start,
							    base + x.v[i].end, &e),
					 VMC_OK, &e);
			same(seq, &want, "exclude one by one");
			vmc_ranges_free(seq);
		}
		vmc_ranges_free(r);
		vmc_ranges_free(ex);
	}
}

/* ---- vmc_ranges_intersect ---- */

static void test_intersect_random(void)
{
	static struct list l, w, want;
	uint8_t mask[U], bm[U];

	for (unsigned c = 0; c < CASES; c++) {
		vmc_ranges *r, *with;
		vmc_error e;

		pick_base();
		set_case("intersect", c);
		gen_any(&l, 12);
		gen_any(&w, 12);
		r = to_lib(&l);
		with = to_lib(&w);
		paint(&w, mask);
		want.n = 0;
		for (size_t i = 0; i < l.n; i++)
			member_runs(&want, l.v[i], mask, true);
		CHECK_ST(vmc_ranges_intersect(r, with, &e), VMC_OK, &e);
		same(r, &want, "intersect");
		paint(&l, bm);
		for (size_t u = 0; u < U; u++)
			bm[u] &= mask[u];
		check_bitmap(r, bm, "intersect");
		same(with, &w, "intersect leaves its argument");
		vmc_ranges_free(r);
		vmc_ranges_free(with);
	}
}

/* ---- vmc_ranges_merge, vmc_ranges_total, vmc_ranges_contains ---- */

static void test_merge_total_random(void)
{
	static struct list l, want;
	uint8_t bm[U];
	struct vmc_range all = { 0, U };

	for (unsigned c = 0; c < CASES; c++) {
		vmc_ranges *r;
		uint64_t sum = 0, pop = 0;
		const struct vmc_range *v;

		pick_base();
		set_case("merge", c);
		gen_any(&l, 20);
		r = to_lib(&l);
		for (size_t i = 0; i < l.n; i++)
			sum += l.v[i].end - l.v[i].start;
		CHECK_U64(vmc_ranges_total(r), sum);
		paint(&l, bm);
		for (unsigned k = 0; k < 16; k++) {
			uint64_t u = rng_below(U);

			CHECK(vmc_ranges_contains(r, base + u) == (bm[u] != 0),
			      "contains(%" PRIu64 ")", u);
		}
		want.n = 0;
		member_runs(&want, all, bm, true);
		vmc_ranges_merge(r);
		same(r, &want, "merge");
		v = vmc_ranges_data(r);
		for (size_t i = 1; i < vmc_ranges_count(r); i++)
			CHECK(v[i - 1].end < v[i].start,
			      "merge: members %zu and %zu touch or overlap",
			      i - 1, i);
		for (size_t u = 0; u < U; u++)
			pop += bm[u];
		CHECK_U64(vmc_ranges_total(r), pop);
		vmc_ranges_free(r);
	}
}

/* ---- capacity mode against the kernel ---- */

/*
 * kernel/crash_core.c crash_exclude_mem_range, Linux 6.12, transcribed:
 * inclusive ends, sorted ranges, -ENOMEM when a split needs a slot and
 * nr_ranges >= max_nr_ranges.
 */
struct crash_mem_range {
	unsigned long long start, end;
};

struct crash_mem {
	unsigned int max_nr_ranges;
	unsigned int nr_ranges;
	struct crash_mem_range ranges[64];
};

static int crash_exclude_mem_range(struct crash_mem *mem,
				   unsigned long long mstart,
				   unsigned long long mend)
{
	int i;
	unsigned long long start, end, p_start, p_end;

	for (i = 0; i < (int)mem->nr_ranges; i++) {
		start = mem->ranges[i].start;
		end = mem->ranges[i].end;
		p_start = mstart;
		p_end = mend;

		if (p_start > end)
			continue;

		/*
		 * Because the memory ranges in mem->ranges are stored in
		 * ascending order, when we detect `p_end < start`, we can
		 * immediately exit the for loop, as the subsequent memory
		 * ranges will definitely be outside the range we are looking
		 * for.
		 */
		if (p_end < start)
			break;

		/* Truncate any area outside of range */
		if (p_start < start)
			p_start = start;
		if (p_end > end)
			p_end = end;

		/* Found completely overlapping range */
		if (p_start == start && p_end == end) {
			memmove(&mem->ranges[i], &mem->ranges[i + 1],
				(mem->nr_ranges - (i + 1)) * sizeof(mem->ranges[i]));
			i--;
			mem->nr_ranges--;
		} else if (p_start > start && p_end < end) {
			/* Split original range */
			if (mem->nr_ranges >= mem->max_nr_ranges)
				return -ENOMEM;

			memmove(&mem->ranges[i + 2], &mem->ranges[i + 1],
				(mem->nr_ranges - (i + 1)) * sizeof(mem->ranges[i]));

			mem->ranges[i].end = p_start - 1;
			mem->ranges[i + 1].start = p_end + 1;
			mem->ranges[i + 1].end = end;

			i++;
			mem->nr_ranges++;
		} else if (p_start != start)
			mem->ranges[i].end = p_start - 1;
		else
			mem->ranges[i].start = p_end + 1;
	}

	return 0;
}

static void test_capacity_kernel(void)
{
	static struct list l, k;
	unsigned nospace = 0, ok = 0;

	for (unsigned c = 0; c < CASES; c++) {
		struct crash_mem mem = { 0 };
		vmc_ranges *r;
		vmc_error e;
		unsigned steps = 1 + (unsigned)rng_below(5);

		pick_base();
		set_case("capacity", c);
		gen_sorted(&l, 10);
		r = to_lib(&l);
		mem.nr_ranges = (unsigned)l.n;
		mem.max_nr_ranges = (unsigned)(l.n + rng_below(3));
		if (mem.max_nr_ranges == 0)
			mem.max_nr_ranges = 1;
		for (size_t i = 0; i < l.n; i++) {
			mem.ranges[i].start = base + l.v[i].start;
			mem.ranges[i].end = base + l.v[i].end - 1;
		}
		CHECK_ST(vmc_ranges_set_capacity(r, mem.max_nr_ranges, &e),
			 VMC_OK, &e);
		CHECK_U64(vmc_ranges_capacity(r), mem.max_nr_ranges);
		for (unsigned s = 0; s < steps; s++) {
			uint64_t a = gen_point(), b = gen_point();
			vmc_ranges *before;
			int kret;
			vmc_status st;

			if (a > b) {
				uint64_t t = a;

				a = b;
				b = t;
			}
			if (a == b)
				continue;
			vmc_ranges_copy(&before, r, &e);
			kret = crash_exclude_mem_range(&mem, base + a,
						       base + b - 1);
			st = vmc_ranges_exclude(r, base + a, base + b, &e);
			if (kret == -ENOMEM) {
				nospace++;
				CHECK_ST(st, VMC_ERR_NOSPACE, &e);
				same_lib(r, before, "NOSPACE leaves the set");
				vmc_ranges_free(before);
				break;
			}
			ok++;
			CHECK_ST(st, VMC_OK, &e);
			k.n = 0;
			for (unsigned i = 0; i < mem.nr_ranges; i++)
				push(&k, mem.ranges[i].start - base,
				     mem.ranges[i].end + 1 - base);
			if (!same(r, &k, "capacity exclude vs kernel"))
				s = steps;
			vmc_ranges_free(before);
		}
		vmc_ranges_free(r);
	}
	printf("capacity: %u exclusions compared, %u hit -ENOMEM\n",
	       ok + nospace, nospace);
	CHECK(nospace > 100 && ok > 1000, "the random cases reach both "
	      "outcomes (%u ok, %u nospace)", ok, nospace);
}

/* ---- edge cases ---- */

static void test_edges(void)
{
	vmc_ranges *r, *x, *c;
	vmc_error e;
	const struct vmc_range *v;

	base = 0;
	t_case("edges");

	/* Empty set. */
	vmc_ranges_new(&r, &e);
	vmc_ranges_new(&x, &e);
	CHECK_ST(vmc_ranges_exclude(r, 0, 100, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 0);
	vmc_ranges_add(x, 5, 10, &e);
	CHECK_ST(vmc_ranges_exclude_set(r, x, &e), VMC_OK, &e);
	CHECK_ST(vmc_ranges_intersect(r, x, &e), VMC_OK, &e);
	vmc_ranges_merge(r);
	CHECK_U64(vmc_ranges_count(r), 0);
	CHECK_U64(vmc_ranges_total(r), 0);
	CHECK(!vmc_ranges_contains(r, 0), "empty set contains nothing");

	/* Empty members and empty exclusions are ignored. */
	CHECK_ST(vmc_ranges_add(r, 7, 7, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 0);
	vmc_ranges_add(r, 0, 10, &e);
	vmc_ranges_add(r, 10, 20, &e);
	CHECK_ST(vmc_ranges_exclude(r, 5, 5, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 2);
	vmc_ranges_clear(x);
	CHECK_ST(vmc_ranges_exclude_set(r, x, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 2);

	/* Touching members keep their boundary; merge joins them. */
	CHECK_ST(vmc_ranges_exclude(r, 20, 30, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 2);
	CHECK_ST(vmc_ranges_exclude(r, 5, 10, &e), VMC_OK, &e);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 2 && v[0].start == 0 && v[0].end == 5 &&
	      v[1].start == 10 && v[1].end == 20, "exclude up to a boundary");
	vmc_ranges_add(r, 5, 10, &e);
	vmc_ranges_merge(r);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 1 && v[0].start == 0 && v[0].end == 20,
	      "merge joins touching members");

	/* An exclusion covering everything. */
	vmc_ranges_add(r, 100, 200, &e);
	vmc_ranges_add(r, UINT64_MAX - 5, UINT64_MAX, &e);
	CHECK_ST(vmc_ranges_exclude(r, 0, UINT64_MAX, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 0);

	/* Near 2^64. */
	vmc_ranges_add(r, UINT64_MAX - 100, UINT64_MAX, &e);
	CHECK_ST(vmc_ranges_exclude(r, UINT64_MAX - 50, UINT64_MAX - 49, &e),
		 VMC_OK, &e);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 2 && v[1].start == UINT64_MAX - 49 &&
	      v[1].end == UINT64_MAX, "split just below 2^64");
	CHECK_U64(vmc_ranges_total(r), 99);
	CHECK(vmc_ranges_contains(r, UINT64_MAX - 1) &&
	      !vmc_ranges_contains(r, UINT64_MAX), "contains near 2^64");
	vmc_ranges_clear(r);
	vmc_ranges_add(r, 0, UINT64_MAX, &e);
	vmc_ranges_add(r, 0, 10, &e);
	CHECK_U64(vmc_ranges_total(r), UINT64_MAX);	/* saturates */
	vmc_ranges_clear(r);

	/* start > end. */
	CHECK_ST(vmc_ranges_add(r, 10, 9, &e), VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_ranges_exclude(r, 10, 9, &e), VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_ranges_add_inclusive(r, 10, 8, &e), VMC_ERR_INVALID, &e);
	CHECK_U64(vmc_ranges_count(r), 0);

	/* Inclusive adds. */
	CHECK_ST(vmc_ranges_add_inclusive(r, 0x1000, 0x1fff, &e), VMC_OK, &e);
	CHECK_ST(vmc_ranges_add_inclusive(r, 5, UINT64_MAX, &e), VMC_ERR_RANGE,
		 &e);
	CHECK_ST(vmc_ranges_add_inclusive(r, 0, UINT64_MAX - 1, &e), VMC_OK,
		 &e);
	CHECK_ST(vmc_ranges_add_inclusive(r, 7, 7, &e), VMC_OK, &e);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 3 && v[0].start == 0x1000 &&
	      v[0].end == 0x2000 && v[1].end == UINT64_MAX &&
	      v[2].start == 7 && v[2].end == 8, "inclusive ends convert");

	/* Capacity: add over it, set below the count. */
	vmc_ranges_clear(r);
	vmc_ranges_add(r, 0, 10, &e);
	vmc_ranges_add(r, 20, 30, &e);
	CHECK_ST(vmc_ranges_set_capacity(r, 1, &e), VMC_ERR_NOSPACE, &e);
	CHECK_ST(vmc_ranges_set_capacity(r, 2, &e), VMC_OK, &e);
	CHECK_ST(vmc_ranges_add(r, 40, 50, &e), VMC_ERR_NOSPACE, &e);
	CHECK_ST(vmc_ranges_exclude(r, 2, 3, &e), VMC_ERR_NOSPACE, &e);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 2 && v[0].end == 10,
	      "NOSPACE leaves the set");
	/* A removal frees the slot the split needs (kernel order). */
	CHECK_ST(vmc_ranges_exclude(r, 0, 10, &e), VMC_OK, &e);
	CHECK_ST(vmc_ranges_exclude(r, 22, 23, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 2);
	CHECK_ST(vmc_ranges_copy(&c, r, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_capacity(c), 2);
	CHECK_ST(vmc_ranges_add(c, 100, 101, &e), VMC_ERR_NOSPACE, &e);
	CHECK_ST(vmc_ranges_set_capacity(c, 0, &e), VMC_OK, &e);
	CHECK_ST(vmc_ranges_add(c, 100, 101, &e), VMC_OK, &e);
	vmc_ranges_free(c);

	/* Unsorted input to merge. */
	vmc_ranges_clear(r);
	vmc_ranges_set_capacity(r, 0, &e);
	vmc_ranges_add(r, 50, 60, &e);
	vmc_ranges_add(r, 0, 10, &e);
	vmc_ranges_add(r, 5, 55, &e);
	vmc_ranges_add(r, 61, 70, &e);
	vmc_ranges_merge(r);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 2 && v[0].start == 0 && v[0].end == 60 &&
	      v[1].start == 61 && v[1].end == 70, "merge of unsorted members");

	vmc_ranges_free(r);
	vmc_ranges_free(x);
	vmc_ranges_free(NULL);
	t_case("%s", "");
}

int main(void)
{
	rng_seed("test_ranges", 0x52414e4745530001ull);
	test_edges();
	test_exclude_random();
	test_exclude_set_random();
	test_intersect_random();
	test_merge_total_random();
	test_capacity_kernel();
	return t_finish();
}
