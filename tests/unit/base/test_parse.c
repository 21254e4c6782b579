// SPDX-License-Identifier: MIT
/*
 * Command-line numbers and ranges, CPU lists and range files: fixed cases
 * from the documented syntax, plus random values printed with printf and
 * parsed back.
 */
#include "unit.h"
#include "vmcorekit/parse.h"
#include "vmcorekit/ranges.h"

static void u64_ok(const char *s, uint64_t want)
{
	uint64_t v = 0xdeadull;
	vmc_error e;

	t_case("vmc_parse_u64('%s')", s);
	CHECK_ST(vmc_parse_u64(s, &v, &e), VMC_OK, &e);
	CHECK_U64(v, want);
}

static void u64_bad(const char *s, vmc_status want)
{
	uint64_t v = 0xdeadull;
	vmc_error e;

	t_case("vmc_parse_u64('%s')", s);
	vmc_error_clear(&e);
	CHECK_ST(vmc_parse_u64(s, &v, &e), want, &e);
	CHECK(e.msg[0] != '\0', "an error message is set");
	CHECK_U64(v, 0xdead);
	/* The status does not depend on having an error struct. */
	CHECK_ST(vmc_parse_u64(s, &v, NULL), want, NULL);
}

static void test_u64(void)
{
	u64_ok("0x10", 16);
	u64_ok("0X1f", 31);
	u64_ok("16", 16);
	u64_ok("0", 0);
	u64_ok("4K", 4096);
	u64_ok("4k", 4096);
	u64_ok("1M", 1u << 20);
	u64_ok("2G", 2ull << 30);
	u64_ok("1GiB", 1ull << 30);
	u64_ok("3KiB", 3072);
	u64_ok("5MiB", 5ull << 20);
	u64_ok("1T", 1ull << 40);
	u64_ok("2TiB", 2ull << 40);
	u64_ok("256M", 268435456);
	u64_ok("18446744073709551615", UINT64_MAX);
	u64_ok("0xffffffffffffffff", UINT64_MAX);
	u64_ok("0x0000000000000000001", 1);
	u64_ok("16777215T", 16777215ull << 40);
	/* Hex digits that look like suffixes belong to the number. */
	u64_ok("0x1b", 0x1b);

	u64_bad("0x10000000000000000", VMC_ERR_RANGE);
	u64_bad("18446744073709551616", VMC_ERR_RANGE);
	u64_bad("16777216T", VMC_ERR_RANGE);
	u64_bad("1Z", VMC_ERR_INVALID);
	u64_bad("", VMC_ERR_INVALID);
	u64_bad("0x", VMC_ERR_INVALID);
	u64_bad("K", VMC_ERR_INVALID);
	u64_bad("-1", VMC_ERR_INVALID);
	u64_bad(" 1", VMC_ERR_INVALID);
	u64_bad("1 ", VMC_ERR_INVALID);
	u64_bad("0xg", VMC_ERR_INVALID);
	u64_bad("12a", VMC_ERR_INVALID);
	u64_bad("1KK", VMC_ERR_INVALID);
	u64_bad("0x10K", VMC_ERR_INVALID);

	/* Random values through printf. */
	for (unsigned i = 0; i < 20000; i++) {
		uint64_t v = rng_next() >> rng_below(64), got = 0;
		static const char sfx[] = "KMGT";
		unsigned k = (unsigned)rng_below(4);
		char buf[64];
		vmc_error e;

		snprintf(buf, sizeof(buf), i % 2 ? "0x%" PRIx64 : "%" PRIu64, v);
		t_case("random '%s'", buf);
		CHECK(vmc_parse_u64(buf, &got, &e) == VMC_OK && got == v,
		      "got 0x%" PRIx64 " (%s)", got, e.msg);
		snprintf(buf, sizeof(buf), "%" PRIu64 "%c", v, sfx[k]);
		t_case("random '%s'", buf);
		if (v <= UINT64_MAX >> (10 * (k + 1)))
			CHECK(vmc_parse_u64(buf, &got, &e) == VMC_OK &&
			      got == v << (10 * (k + 1)), "got 0x%" PRIx64, got);
		else
			CHECK_ST(vmc_parse_u64(buf, &got, &e), VMC_ERR_RANGE, &e);
	}
	t_case("%s", "");
}

static void range_ok(const char *s, uint64_t ws, uint64_t we)
{
	uint64_t a = 1, b = 1;
	vmc_error e;

	t_case("vmc_parse_range('%s')", s);
	CHECK_ST(vmc_parse_range(s, &a, &b, &e), VMC_OK, &e);
	CHECK_U64(a, ws);
	CHECK_U64(b, we);
}

static void range_bad(const char *s, vmc_status want)
{
	uint64_t a = 1, b = 1;
	vmc_error e;
	vmc_status st;

	t_case("vmc_parse_range('%s')", s);
	CHECK_ST(vmc_parse_range(s, &a, &b, &e), want, &e);
	CHECK(a == 1 && b == 1, "outputs untouched on error");
	st = vmc_parse_range(s, &a, &b, NULL);
	CHECK(st == want,
		  "with a NULL vmc_error the status is %s, want %s",
		  vmc_status_name(st), vmc_status_name(want));
}

static void test_range(void)
{
	range_ok("0x1000-0x1fff", 0x1000, 0x2000);
	range_ok("0x1000+4K", 0x1000, 0x2000);
	range_ok("4096-8191", 4096, 8192);
	range_ok("0-0", 0, 1);
	range_ok("0x1000+0", 0x1000, 0x1000);
	range_ok("1G+1G", 1ull << 30, 2ull << 30);
	range_ok("0-0xfffffffffffffffe", 0, UINT64_MAX);
	range_ok("0xffffffffffffffff+0", UINT64_MAX, UINT64_MAX);
	range_ok("1+0xfffffffffffffffe", 1, UINT64_MAX);

	range_bad("0x2000-0x1fff", VMC_ERR_INVALID);
	range_bad("0-0xffffffffffffffff", VMC_ERR_RANGE);
	range_bad("2+0xffffffffffffffff", VMC_ERR_RANGE);
	range_bad("0x1000", VMC_ERR_INVALID);
	range_bad("-0x1000", VMC_ERR_INVALID);
	range_bad("0x1000-", VMC_ERR_INVALID);
	range_bad("0x1000-zz", VMC_ERR_INVALID);
	range_bad("zz-0x1000", VMC_ERR_INVALID);
	range_bad("0x10000000000000000-0x1", VMC_ERR_RANGE);
	range_bad("", VMC_ERR_INVALID);

	for (unsigned i = 0; i < 10000; i++) {
		uint64_t x = rng_next() >> rng_below(64);
		uint64_t y = rng_next() >> rng_below(64);
		uint64_t a = 0, b = 0;
		char buf[96];
		vmc_error e;
		vmc_status st;

		if (x > y) {
			uint64_t t = x;

			x = y;
			y = t;
		}
		snprintf(buf, sizeof(buf), "0x%" PRIx64 "-%" PRIu64, x, y);
		t_case("random '%s'", buf);
		st = vmc_parse_range(buf, &a, &b, &e);
		if (y == UINT64_MAX) {
			CHECK_ST(st, VMC_ERR_RANGE, &e);
		} else {
			CHECK_ST(st, VMC_OK, &e);
			CHECK(a == x && b == y + 1, "got [0x%" PRIx64 ", 0x%" PRIx64
			      ")", a, b);
		}
		snprintf(buf, sizeof(buf), "%" PRIu64 "+0x%" PRIx64, x, y);
		t_case("random '%s'", buf);
		st = vmc_parse_range(buf, &a, &b, &e);
		if (x + y < x) {
			CHECK_ST(st, VMC_ERR_RANGE, &e);
		} else {
			CHECK_ST(st, VMC_OK, &e);
			CHECK(a == x && b == x + y, "got [0x%" PRIx64 ", 0x%" PRIx64
			      ")", a, b);
		}
	}
	t_case("%s", "");
}

static void cpulist(const char *s, size_t nbits, vmc_status want,
		    const unsigned *cpus, size_t ncpus, size_t want_nr)
{
	uint64_t mask[128] = { 0 }, expect[128] = { 0 };
	size_t nr = 4242;
	vmc_error e;
	vmc_status st;

	t_case("vmc_parse_cpulist('%s', nbits %zu)", s, nbits);
	st = vmc_parse_cpulist(s, strlen(s), mask, nbits, &nr, &e);
	CHECK_ST(st, want, &e);
	if (want != VMC_OK)
		return;
	for (size_t i = 0; i < ncpus; i++)
		expect[cpus[i] / 64] |= 1ull << (cpus[i] % 64);
	CHECK(memcmp(mask, expect, sizeof(mask)) == 0, "mask differs");
	CHECK_U64(nr, want_nr);
}

static void test_cpulist(void)
{
	static const unsigned l1[] = { 0, 1, 2, 3, 8 };
	static const unsigned l2[] = { 0 };
	static const unsigned l3[] = { 8191 };
	static const unsigned l4[] = { 1, 2, 3, 64, 65, 127 };

	cpulist("0-3,8\n", 8192, VMC_OK, l1, 5, 9);
	cpulist("0-3,8", 8192, VMC_OK, l1, 5, 9);
	cpulist("", 8192, VMC_OK, NULL, 0, 0);
	cpulist("\n", 8192, VMC_OK, NULL, 0, 0);
	cpulist("0", 8192, VMC_OK, l2, 1, 1);
	cpulist("8191", 8192, VMC_OK, l3, 1, 8192);
	cpulist("1-3,64-65,127\n", 8192, VMC_OK, l4, 6, 128);
	cpulist("1-0", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("9000", 8192, VMC_ERR_RANGE, NULL, 0, 0);
	cpulist("0-8192", 8192, VMC_ERR_RANGE, NULL, 0, 0);
	cpulist("8", 8, VMC_ERR_RANGE, NULL, 0, 0);
	cpulist("a", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("0,,1", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("-1", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("1-", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("0x1", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("1 2", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);
	cpulist("99999999999999999999999", 8192, VMC_ERR_CORRUPT, NULL, 0, 0);

	/* Random lists as the kernel prints them (%*pbl). */
	for (unsigned i = 0; i < 3000; i++) {
		uint64_t want[128] = { 0 }, got[128] = { 0 };
		char buf[16384];
		size_t pos = 0, nr = 0, top = 0, nbits = 8192;
		unsigned cpu = (unsigned)rng_below(64);

		while (cpu < nbits && pos < sizeof(buf) - 32) {
			unsigned run = (unsigned)rng_below(rng_below(2) ? 3 : 200);
			unsigned last = cpu + run;

			if (last >= nbits)
				last = (unsigned)nbits - 1;
			for (unsigned c = cpu; c <= last; c++)
				want[c / 64] |= 1ull << (c % 64);
			top = last + 1;
			pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos,
						last > cpu ? "%s%u-%u" : "%s%u",
						pos ? "," : "", cpu, last);
			cpu = last + 2 + (unsigned)rng_below(300);
			if (rng_below(8) == 0)
				break;
		}
		buf[pos++] = '\n';
		buf[pos] = '\0';
		t_case("random cpulist #%u", i);
		CHECK(vmc_parse_cpulist(buf, pos, got, nbits, &nr, NULL) == VMC_OK &&
		      memcmp(got, want, sizeof(got)) == 0 && nr == top,
		      "list '%.60s...' parsed wrong (nr %zu, want %zu)", buf, nr,
		      top);
	}
	t_case("%s", "");
}

static void test_ranges_text(void)
{
	static const char good[] =
		"# crash kernel and friends\n"
		"\n"
		"0x1000-0x1fff\r\n"
		"   0x100000+1M   \n"
		"\t# indented comment\n"
		"  \t\r\n"
		"4096-4096\n"
		"0x10+0\n"
		"1G+4K";
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{ "0x1000-0x1fff\nbogus\n", 2 },
		{ "# c\n\n\n0x2000-0x1000\n", 4 },
		{ "0-0xffffffffffffffff\n", 1 },
		{ "\r\n\r\n0x1000\r\n", 3 },
		{ "0x1-0x2\n0x3-0x4\n0x5-0x6\n0x7-0x8\n0x9-0xa\n0xb-0xc\n"
		  "0xd-0xe\n0xf-0x10\n0x11-0x12\nx\n", 10 },
	};
	vmc_ranges *r;
	vmc_error e;
	const struct vmc_range *v;
	char *copy;

	vmc_ranges_new(&r, &e);
	/* Exact-size copy without a NUL: the parser must honour len. */
	copy = malloc(sizeof(good) - 1);
	memcpy(copy, good, sizeof(good) - 1);
	t_case("ranges text");
	CHECK_ST(vmc_parse_ranges_text(copy, sizeof(good) - 1, r, &e), VMC_OK,
		 &e);
	free(copy);
	v = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 4 &&
	      v[0].start == 0x1000 && v[0].end == 0x2000 &&
	      v[1].start == 0x100000 && v[1].end == 0x200000 &&
	      v[2].start == 4096 && v[2].end == 4097 &&
	      v[3].start == 1ull << 30 && v[3].end == (1ull << 30) + 4096,
	      "parsed %zu ranges", vmc_ranges_count(r));
	CHECK_ST(vmc_parse_ranges_text("", 0, r, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 4);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[32];
		vmc_status st;

		vmc_ranges_clear(r);
		t_case("bad ranges text #%zu", i);
		st = vmc_parse_ranges_text(bad[i].text, strlen(bad[i].text), r,
					   &e);
		CHECK(st != VMC_OK, "a bad line fails");
		CHECK(st == VMC_ERR_INVALID || st == VMC_ERR_RANGE,
		      "the line's own status (documented), got %s ('%s')",
		      vmc_status_name(st), e.msg);
		snprintf(want, sizeof(want), "line %u", bad[i].line);
		CHECK_MSG(&e, want);
	}
	/* A line longer than the parser's buffer. */
	{
		char longl[300];

		memset(longl, '1', sizeof(longl));
		vmc_ranges_clear(r);
		t_case("overlong line");
		CHECK_ST(vmc_parse_ranges_text(longl, sizeof(longl), r, &e),
			 VMC_ERR_CORRUPT, &e);
		CHECK_MSG(&e, "line 1");
	}
	/* Capacity: the add's NOSPACE surfaces with the line. */
	vmc_ranges_clear(r);
	vmc_ranges_set_capacity(r, 1, &e);
	t_case("ranges text over capacity");
	CHECK(vmc_parse_ranges_text("1-2\n3-4\n", 8, r, &e) != VMC_OK,
	      "second line over the capacity");
	CHECK_MSG(&e, "line 2");
	vmc_ranges_free(r);
	t_case("%s", "");
}

int main(void)
{
	rng_seed("test_parse", 0x5041525345000001ull);
	test_u64();
	test_range();
	test_cpulist();
	test_ranges_text();
	return t_finish();
}
