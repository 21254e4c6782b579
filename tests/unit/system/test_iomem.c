// SPDX-License-Identifier: MIT
/*
 * /proc/iomem and device-tree "reg" parsing.  The iomem oracle is an
 * independent line parser (sscanf) and a transcription of the kernel's
 * walk_system_ram_res() loop (kernel/resource.c find_next_iomem_res: the
 * first resource in tree order whose end is >= start, clipped to start;
 * then start = end + 1).  Real /proc/iomem files: one captured copy
 * embedded below, and the current captures named on the command line.
 */
#include "unit.h"
#include "vmcorekit/iomem.h"

/* tests/kernel/captures/612-file-5g/sysroot/proc/iomem, as captured. */
static const char captured_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000c0000-000c0dff : Video ROM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-bffd6fff : System RAM\n"
	"  9f000000-aeffffff : Crash kernel\n"
	"  af000000-afffffff : Kernel code\n"
	"  b0000000-b0aa7fff : Kernel rodata\n"
	"  b0c00000-b0e72c7f : Kernel data\n"
	"  b16d6000-b1bfffff : Kernel bss\n"
	"bffd7000-bfffffff : Reserved\n"
	"c0000000-febfffff : PCI Bus 0000:00\n"
	"  feb80000-febbffff : 0000:00:02.0\n"
	"  febc0000-febdffff : 0000:00:02.0\n"
	"  febe0000-febe0fff : 0000:00:03.0\n"
	"  febe1000-febe1fff : 0000:00:04.0\n"
	"  febe2000-febe2fff : 0000:00:05.0\n"
	"  febf4000-febf7fff : 0000:00:03.0\n"
	"    febf4000-febf7fff : virtio-pci-modern\n"
	"  febf8000-febfbfff : 0000:00:04.0\n"
	"    febf8000-febfbfff : virtio-pci-modern\n"
	"  febfc000-febfffff : 0000:00:05.0\n"
	"    febfc000-febfffff : virtio-pci-modern\n"
	"fec00000-fec003ff : IOAPIC 0\n"
	"fed00000-fed003ff : HPET 0\n"
	"  fed00000-fed003ff : PNP0103:00\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"180000000-1ffffffff : PCI Bus 0000:00\n"
	"fd00000000-ffffffffff : Reserved\n";

struct ref_ent {
	uint64_t start, last;
	unsigned depth;
	char name[128];
};

/* Independent parser: "%*s%llx-%llx : %s", two spaces per level. */
static size_t ref_parse(const char *text, struct ref_ent *out, size_t max)
{
	size_t n = 0;
	const char *p = text;

	while (*p && n < max) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char line[256];
		unsigned sp = 0;
		unsigned long long a, b;
		int off = 0;

		if (l && l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			while (line[sp] == ' ')
				sp++;
			if (sscanf(line + sp, "%llx-%llx : %n", &a, &b, &off) == 2 &&
			    off > 0) {
				out[n].start = a;
				out[n].last = b;
				out[n].depth = sp / 2;
				snprintf(out[n].name, sizeof(out[n].name), "%s",
					 line + sp + off);
				n++;
			}
		}
		p += l + (nl ? 1 : 0);
	}
	return n;
}

static bool ref_is_sysram(const char *name)
{
	return strcmp(name, "System RAM") == 0 ||
	       strncmp(name, "System RAM (", 12) == 0;
}

/* walk_system_ram_res(0, -1, ...) over the entries in tree (file) order. */
static size_t ref_walk(const struct ref_ent *r, size_t n,
		       struct vmc_range *out, size_t max)
{
	uint64_t start = 0;
	size_t k = 0;

	for (;;) {
		const struct ref_ent *p = NULL;

		for (size_t i = 0; i < n; i++) {
			if (r[i].last < start)
				continue;
			if (!ref_is_sysram(r[i].name))
				continue;
			p = &r[i];
			break;
		}
		if (!p || k == max)
			return k;
		out[k].start = p->start > start ? p->start : start;
		out[k].end = p->last + 1;
		k++;
		if (p->last == UINT64_MAX)
			return k;
		start = p->last + 1;
	}
}

static void check_against_ref(const char *what, const char *text)
{
	static struct ref_ent ref[512];
	struct vmc_range want[512];
	size_t n = ref_parse(text, ref, 512), nw;
	vmc_iomem *m;
	vmc_ranges *r;
	vmc_error e;
	vmc_status st;

	t_case("%s", what);
	st = vmc_iomem_parse(&m, text, strlen(text), &e);
	CHECK_ST(st, VMC_OK, &e);
	if (st)
		return;
	CHECK_U64(vmc_iomem_count(m), n);
	for (size_t i = 0; i < n && i < vmc_iomem_count(m); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(m, i);

		if (!CHECK(x->start == ref[i].start && x->last == ref[i].last &&
			   x->depth == ref[i].depth &&
			   strcmp(x->name, ref[i].name) == 0,
			   "entry %zu: got %" PRIx64 "-%" PRIx64 " d%u '%s', want "
			   "%" PRIx64 "-%" PRIx64 " d%u '%s'", i, x->start, x->last,
			   x->depth, x->name, ref[i].start, ref[i].last,
			   ref[i].depth, ref[i].name))
			break;
	}
	CHECK(vmc_iomem_get(m, n) == NULL, "get past the end");
	vmc_ranges_new(&r, &e);
	CHECK_ST(vmc_iomem_system_ram(m, r, &e), VMC_OK, &e);
	nw = ref_walk(ref, n, want, 512);
	CHECK_U64(vmc_ranges_count(r), nw);
	for (size_t i = 0; i < nw && i < vmc_ranges_count(r); i++) {
		const struct vmc_range *g = &vmc_ranges_data(r)[i];

		CHECK(g->start == want[i].start && g->end == want[i].end,
		      "System RAM %zu: got [%" PRIx64 ",%" PRIx64 ") want [%"
		      PRIx64 ",%" PRIx64 ")", i, g->start, g->end,
		      want[i].start, want[i].end);
	}
	vmc_ranges_free(r);
	vmc_iomem_free(m);
}

static bool ranges_are(const vmc_ranges *r, const uint64_t *v, size_t n)
{
	const struct vmc_range *d = vmc_ranges_data(r);

	if (vmc_ranges_count(r) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (d[i].start != v[2 * i] || d[i].end != v[2 * i + 1])
			return false;
	return true;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * A captured /proc/iomem (regenerated with the kernel bench, so nothing
 * about its addresses is hard-coded): the library against the independent
 * parser and walk, "Crash kernel" against the parser's entries.
 */
static void test_capture(const char *path)
{
	static struct ref_ent ref[512];
	char *text = slurp(path);
	vmc_iomem *m;
	vmc_ranges *r;
	vmc_error e;
	size_t n, ncrash = 0, nsys = 0, k = 0;

	if (!CHECK(text != NULL, "reading %s", path))
		return;
	check_against_ref(path, text);
	n = ref_parse(text, ref, 512);
	t_case("capture %s", path);
	if (vmc_iomem_parse(&m, text, strlen(text), &e)) {
		free(text);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		ncrash += strcmp(ref[i].name, "Crash kernel") == 0;
		nsys += ref_is_sysram(ref[i].name);
	}
	CHECK(n > 10 && nsys > 0 && ncrash > 0, "the capture has System RAM "
	      "and a Crash kernel (%zu entries)", n);
	vmc_ranges_new(&r, &e);
	CHECK_ST(vmc_iomem_find(m, "Crash kernel", r, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), ncrash);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ref[i].name, "Crash kernel") != 0)
			continue;
		CHECK(k < vmc_ranges_count(r) &&
		      vmc_ranges_data(r)[k].start == ref[i].start &&
		      vmc_ranges_data(r)[k].end == ref[i].last + 1,
		      "Crash kernel %zu", k);
		k++;
	}
	vmc_ranges_clear(r);
	CHECK_ST(vmc_iomem_find(m, "No such thing", r, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 0);
	for (size_t i = 0; i < vmc_iomem_count(m); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(m, i);

		if (strcmp(x->name, "Kernel code") == 0)
			CHECK_U64(x->depth, 1);
		if (strcmp(x->name, "virtio-pci-modern") == 0)
			CHECK_U64(x->depth, 2);
	}
	vmc_ranges_free(r);
	vmc_iomem_free(m);
	free(text);
	t_case("%s", "");
}

/* The embedded capture: the oracles, plus its known layout. */
static void test_embedded(void)
{
	static const uint64_t ram[] = {
		0x1000, 0x9fc00, 0x100000, 0xbffd7000,
		0x100000000ull, 0x180000000ull,
	};
	static const uint64_t crash[] = { 0x9f000000, 0xaf000000 };
	vmc_iomem *m;
	vmc_ranges *r;
	vmc_error e;

	check_against_ref("embedded 612-file-5g", captured_iomem);
	t_case("embedded 612-file-5g");
	if (vmc_iomem_parse(&m, captured_iomem, sizeof(captured_iomem) - 1, &e))
		return;
	vmc_ranges_new(&r, &e);
	CHECK_ST(vmc_iomem_system_ram(m, r, &e), VMC_OK, &e);
	CHECK(ranges_are(r, ram, 3), "System RAM of the 5 GiB guest");
	vmc_ranges_clear(r);
	CHECK_ST(vmc_iomem_find(m, "Crash kernel", r, &e), VMC_OK, &e);
	CHECK(ranges_are(r, crash, 1), "its Crash kernel");
	CHECK_U64(vmc_iomem_count(m), 33);
	CHECK_U64(vmc_iomem_get(m, 9)->depth, 1);	/* Kernel code */
	CHECK_STR(vmc_iomem_get(m, 9)->name, "Kernel code");
	CHECK_U64(vmc_iomem_get(m, 21)->depth, 2);	/* virtio-pci-modern */
	CHECK_STR(vmc_iomem_get(m, 21)->name, "virtio-pci-modern");
	vmc_ranges_free(r);
	vmc_iomem_free(m);
	t_case("%s", "");
}

static void test_synthetic(void)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009ffff : System RAM\n"
		"00100000-3fffffff : System RAM\n"
		"  01000000-01ffffff : Kernel code\n"
		"  02000000-020fffff : System RAM\n"
		"  20000000-2fffffff : Crash kernel\n"
		"40000000-7fffffff : PCI Bus 0000:00\n"
		"  48000000-48ffffff : System RAM (virtio_mem)\n"
		"80000000-8fffffff : System RAMX\n"
		"90000000-9fffffff : System RAM (kmem)\n"
		"a0000000-afffffff : system ram\n"
		"100000000-13fffffff : dax0.0\n"
		"  100000000-13fffffff : System RAM (kmem)\n"
		"    100000000-1000fffff : System RAM\n"
		"140000000-14fffffff : Crash kernel\n"
		"fffffffff0000000-fffffffffffffffe : Reserved\n";
	static const uint64_t ram[] = {
		0x1000, 0xa0000, 0x100000, 0x40000000, 0x48000000, 0x49000000,
		0x90000000, 0xa0000000, 0x100000000, 0x140000000,
	};
	static const uint64_t crash[] = {
		0x20000000, 0x30000000, 0x140000000, 0x150000000,
	};
	vmc_iomem *m;
	vmc_ranges *r;
	vmc_error e;
	vmc_status st;

	check_against_ref("synthetic", text);
	t_case("synthetic");
	if (vmc_iomem_parse(&m, text, sizeof(text) - 1, &e))
		return;
	vmc_ranges_new(&r, &e);
	vmc_iomem_system_ram(m, r, &e);
	CHECK(ranges_are(r, ram, 5), "System RAM: top level and nested, "
	      "kmem and virtio_mem, not RAMX, children of a match skipped");
	vmc_ranges_clear(r);
	vmc_iomem_find(m, "Crash kernel", r, &e);
	CHECK(ranges_are(r, crash, 2), "both Crash kernel entries in order");
	CHECK_U64(vmc_iomem_get(m, 13)->depth, 2);
	CHECK_STR(vmc_iomem_get(m, 6)->name, "PCI Bus 0000:00");
	CHECK_U64(vmc_iomem_get(m, 15)->last, 0xfffffffffffffffeull);
	vmc_ranges_free(r);
	vmc_iomem_free(m);

	CHECK(vmc_iomem_is_system_ram("System RAM"), "System RAM");
	CHECK(vmc_iomem_is_system_ram("System RAM (kmem)"), "kmem");
	CHECK(vmc_iomem_is_system_ram("System RAM (virtio_mem)"), "virtio_mem");
	CHECK(!vmc_iomem_is_system_ram("System RAMX"), "System RAMX");
	CHECK(!vmc_iomem_is_system_ram("System RA"), "System RA");
	CHECK(!vmc_iomem_is_system_ram("system RAM"), "system RAM");
	CHECK(!vmc_iomem_is_system_ram(""), "empty");

	/* Text without a final newline, not NUL-terminated, exact size. */
	{
		static const char t2[] = "00001000-0009ffff : System RAM";
		char *c = malloc(sizeof(t2) - 1);

		memcpy(c, t2, sizeof(t2) - 1);
		t_case("no final newline");
		st = vmc_iomem_parse(&m, c, sizeof(t2) - 1, &e);
		CHECK_ST(st, VMC_OK, &e);
		if (!st) {
			CHECK_U64(vmc_iomem_count(m), 1);
			CHECK_STR(vmc_iomem_get(m, 0)->name, "System RAM");
			vmc_iomem_free(m);
		}
		free(c);
	}
	/* Empty text: no entries, no error. */
	t_case("empty");
	st = vmc_iomem_parse(&m, "", 0, &e);
	CHECK_ST(st, VMC_OK, &e);
	if (!st) {
		CHECK_U64(vmc_iomem_count(m), 0);
		vmc_iomem_free(m);
	}
	t_case("%s", "");
}

static void test_malformed(void)
{
	static const struct {
		const char *line;
		const char *why;
	} bad[] = {
		{ "00000000-00000fff System RAM", "missing ' : '" },
		{ "00000000-00000fff: System RAM", "missing space before ':'" },
		{ "0000zz00-00000fff : System RAM", "bad hex start" },
		{ "00000000-00000fgf : System RAM", "bad hex end" },
		{ "00002000-00000fff : System RAM", "end < start" },
		{ "00000000 : System RAM", "no dash" },
		{ "-00000fff : System RAM", "no start" },
		{ "00000000- : System RAM", "no end" },
		{ "10000000000000000-10000000000000001 : X", "over 64 bits" },
		{ "garbage", "garbage" },
	};
	static const char *const heads[] = {
		"", "00000000-00000fff : Reserved\n",
		"00000000-00000fff : Reserved\n\n  00001000-00001fff : X\n",
	};
	static const unsigned head_lines[] = { 0, 1, 3 };

	for (size_t h = 0; h < 3; h++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char text[512], want[32];
			vmc_iomem *m = NULL;
			vmc_error e;
			vmc_status st;

			snprintf(text, sizeof(text), "%s%s\n00100000-001fffff : "
				 "System RAM\n", heads[h], bad[i].line);
			t_case("malformed '%s' (%s) after %u lines", bad[i].line,
			       bad[i].why, head_lines[h]);
			st = vmc_iomem_parse(&m, text, strlen(text), &e);
			CHECK_ST(st, VMC_ERR_CORRUPT, &e);
			snprintf(want, sizeof(want), "line %u", head_lines[h] + 1);
			CHECK_MSG(&e, want);
			if (!st)
				vmc_iomem_free(m);
		}
	}
	/* Without CAP_SYS_ADMIN every address reads as zero. */
	{
		static const char z[] =
			"00000000-00000000 : Reserved\n"
			"00000000-00000000 : System RAM\n"
			"  00000000-00000000 : Kernel code\n";
		vmc_iomem *m = NULL;
		vmc_error e;

		t_case("all-zero addresses");
		CHECK_ST(vmc_iomem_parse(&m, z, sizeof(z) - 1, &e), VMC_ERR_INVALID,
			 &e);
		CHECK(e.msg[0], "a message explains the zero addresses");
	}
	t_case("%s", "");
}

/* ---- device tree ---- */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_dt(void)
{
	vmc_ranges *r;
	vmc_error e;
	uint8_t p[64];
	unsigned cells = 0;
	const struct vmc_range *d;

	vmc_ranges_new(&r, &e);
	t_case("dt 1/1");
	put_be32(p, 0x1000);
	put_be32(p + 4, 0x2000);
	put_be32(p + 8, 0x80000000);
	put_be32(p + 12, 0x10000000);
	CHECK_ST(vmc_dt_parse_reg(p, 16, 1, 1, r, &e), VMC_OK, &e);
	d = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 2 && d[0].start == 0x1000 &&
	      d[0].end == 0x3000 && d[1].start == 0x80000000 &&
	      d[1].end == 0x90000000, "1/1 cells");

	t_case("dt 2/2");
	vmc_ranges_clear(r);
	put_be32(p, 0x1);
	put_be32(p + 4, 0x0);
	put_be32(p + 8, 0x0);
	put_be32(p + 12, 0x80000000);
	CHECK_ST(vmc_dt_parse_reg(p, 16, 2, 2, r, &e), VMC_OK, &e);
	d = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 1 && d[0].start == 0x100000000ull &&
	      d[0].end == 0x180000000ull, "2/2 cells");

	t_case("dt 2/1");
	vmc_ranges_clear(r);
	put_be32(p, 0x2);
	put_be32(p + 4, 0x40000000);
	put_be32(p + 8, 0x1000);
	put_be32(p + 12, 0x0);
	put_be32(p + 16, 0x0);
	put_be32(p + 20, 0x0);	/* size 0: ignored */
	CHECK_ST(vmc_dt_parse_reg(p, 24, 2, 1, r, &e), VMC_OK, &e);
	d = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 1 && d[0].start == 0x240000000ull &&
	      d[0].end == 0x240001000ull, "2/1 cells");

	t_case("dt 1/2");
	vmc_ranges_clear(r);
	put_be32(p, 0x10000000);
	put_be32(p + 4, 0x1);
	put_be32(p + 8, 0x0);
	CHECK_ST(vmc_dt_parse_reg(p, 12, 1, 2, r, &e), VMC_OK, &e);
	d = vmc_ranges_data(r);
	CHECK(vmc_ranges_count(r) == 1 && d[0].start == 0x10000000 &&
	      d[0].end == 0x110000000ull, "1/2 cells");

	t_case("dt bad length");
	CHECK_ST(vmc_dt_parse_reg(p, 12, 2, 2, r, &e), VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_dt_parse_reg(p, 7, 1, 1, r, &e), VMC_ERR_CORRUPT, &e);
	t_case("dt overflow");
	put_be32(p, 0xffffffff);
	put_be32(p + 4, 0xffff0000);
	put_be32(p + 8, 0x0);
	put_be32(p + 12, 0x10000);
	CHECK_ST(vmc_dt_parse_reg(p, 16, 2, 2, r, &e), VMC_ERR_CORRUPT, &e);
	put_be32(p + 12, 0xffff);
	vmc_ranges_clear(r);
	CHECK_ST(vmc_dt_parse_reg(p, 16, 2, 2, r, &e), VMC_OK, &e);
	CHECK(vmc_ranges_count(r) == 1 &&
	      vmc_ranges_data(r)[0].end == UINT64_MAX, "end exactly 2^64-1");
	t_case("dt cells");
	CHECK_ST(vmc_dt_parse_reg(p, 16, 0, 2, r, &e), VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_dt_parse_reg(p, 16, 3, 1, r, &e), VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_dt_parse_reg(p, 16, 1, 0, r, &e), VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_dt_parse_reg(p, 0, 2, 2, r, &e), VMC_OK, &e);
	put_be32(p, 2);
	CHECK_ST(vmc_dt_parse_cells(p, 4, &cells, &e), VMC_OK, &e);
	CHECK_U64(cells, 2);
	CHECK_ST(vmc_dt_parse_cells(p, 8, &cells, &e), VMC_ERR_CORRUPT, &e);

	/* Random entries against a big-endian encoder written here. */
	for (unsigned i = 0; i < 3000; i++) {
		unsigned ac = 1 + (unsigned)rng_below(2), sc = 1 + (unsigned)rng_below(2);
		size_t n = rng_below(6), ent = 4 * (ac + sc), k = 0;
		uint8_t buf[6 * 16];
		uint64_t want[12];

		for (size_t j = 0; j < n; j++) {
			uint64_t a = rng_next(), s = rng_next();
			uint8_t *q = buf + j * ent;

			if (ac == 1)
				a = (uint32_t)a;
			if (sc == 1)
				s = (uint32_t)s;
			else
				s >>= 1 + rng_below(40);
			if (a > UINT64_MAX - s)
				a = UINT64_MAX - s - rng_below(100);
			if (ac == 2) {
				put_be32(q, (uint32_t)(a >> 32));
				q += 4;
			}
			put_be32(q, (uint32_t)a);
			q += 4;
			if (sc == 2) {
				put_be32(q, (uint32_t)(s >> 32));
				q += 4;
			}
			put_be32(q, (uint32_t)s);
			if (s) {
				want[2 * k] = a;
				want[2 * k + 1] = a + s;
				k++;
			}
		}
		vmc_ranges_clear(r);
		t_case("random reg #%u %u/%u cells, %zu entries", i, ac, sc, n);
		CHECK_ST(vmc_dt_parse_reg(buf, n * ent, ac, sc, r, &e), VMC_OK,
			 &e);
		CHECK(ranges_are(r, want, k), "entries differ");
	}
	vmc_ranges_free(r);
	t_case("%s", "");
}

int main(int argc, char **argv)
{
	rng_seed("test_iomem", 0x494f4d454d000001ull);
	test_synthetic();
	test_embedded();
	test_malformed();
	/* Captures given on the command line (the kernel bench may be
	 * regenerating one: a missing file is skipped with a note). */
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");

		if (!f) {
			printf("note: %s is missing; skipped\n", argv[i]);
			continue;
		}
		fclose(f);
		test_capture(argv[i]);
	}
	test_dt();
	return t_finish();
}
