// SPDX-License-Identifier: MIT
/*
 * The growable array (src/base/array.c) and the bounds check
 * (src/base/bounds.h) against naive models: a 128-bit sum for the bounds,
 * and a plain copy for the array's contents.
 */
#include "unit.h"
#include "base/compiler.h"

static bool naive_in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return (unsigned __int128)off + len <= size;
}

static void test_bounds(void)
{
	static const uint64_t edge[] = { 0, 1, 2, 4095, 4096, UINT32_MAX,
					 (uint64_t)UINT32_MAX + 1,
					 UINT64_MAX / 2, UINT64_MAX - 1,
					 UINT64_MAX };
	size_t n = sizeof(edge) / sizeof(edge[0]);

	t_case("in_bounds edges");
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++)
			for (size_t c = 0; c < n; c++)
				CHECK(vmc__in_bounds(edge[a], edge[b], edge[c]) ==
				      naive_in_bounds(edge[a], edge[b], edge[c]),
				      "%" PRIu64 " %" PRIu64 " %" PRIu64,
				      edge[a], edge[b], edge[c]);
	t_case("span_inside");
	for (int i = 0; i < 20000; i++) {
		uint64_t pos = rng_next() >> (rng_next() % 64);
		uint64_t cnt = rng_next() >> (rng_next() % 64);
		uint64_t from = rng_next() >> (rng_next() % 64);
		uint64_t end = rng_next() >> (rng_next() % 64);
		bool want = pos >= from &&
			    (unsigned __int128)pos + cnt <= end;

		CHECK(span_inside(pos, cnt, from, end) == want,
		      "%" PRIx64 "+%" PRIx64 " in [%" PRIx64 ", %" PRIx64 ")",
		      pos, cnt, from, end);
	}
	t_case("%s", "");
}

static void test_grow(void)
{
	uint32_t *v = NULL;
	size_t cap = 0, n = 0;
	char *big = NULL;
	size_t bcap = 0;

	t_case("grow");
	CHECK(VMC_GROW(v, cap, 0, 8) && v == NULL && cap == 0, "need 0");
	for (uint32_t i = 0; i < 1000; i++) {
		if (!CHECK(VMC_GROW(v, cap, n + 1, 8), "grow to %zu", n + 1))
			break;
		CHECK(cap >= n + 1 && (cap == 8 || cap % 8 == 0),
		      "cap %zu", cap);
		v[n++] = i * 7;
	}
	CHECK_U64(cap, 1024);
	for (uint32_t i = 0; i < n; i++)
		CHECK_U64(v[i], i * 7);
	/* A jump: straight to the power of two above. */
	CHECK(VMC_GROW(v, cap, 5000, 8), "jump");
	CHECK_U64(cap, 8192);
	CHECK_U64(v[999], 999 * 7);
	vmc__free(v);
	/* size_t runs out: false, nothing changed. */
	CHECK(!VMC_GROW(big, bcap, SIZE_MAX, 1), "SIZE_MAX elements");
	CHECK(big == NULL && bcap == 0, "unchanged");
	t_case("%s", "");
}

int main(void)
{
	rng_seed("test_array", 0x4152524159000001ull);
	test_bounds();
	test_grow();
	return t_finish();
}
