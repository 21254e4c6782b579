// SPDX-License-Identifier: MIT
/*
 * powerpc fadump: the crash info header codec against bytes laid out here
 * at the offsets of the kernel's struct (docs/formats.md, the fadump
 * section; independent byte writers below), every rule of the compatibility verdict, the
 * register save area parser (rtas_fadump_gpr_index's kstrtoint quirks
 * included), and the capture kernel's elfcorehdr: explicit expected
 * program-header tables for the layouts the kernel distinguishes, and a
 * randomized page-bitmap oracle (the PT_LOADs above boot_mem_top cover
 * exactly memory minus the reserved area; sizes are exact).
 */
#include "unit.h"
#include "vmcorekit/vmcorekit.h"
#include "vmcorekit/sys/hdr_source.h"

#define RWX (VMC_PF_R | VMC_PF_W | VMC_PF_X)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_OFFSET 0xc000000000000000ull

/* ---- independent little/big-endian writers ---- */

static void wr(enum vmc_order o, uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[o == VMC_LE ? i : n - 1 - i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd(enum vmc_order o, const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[o == VMC_LE ? i : n - 1 - i] << (8 * i);
	return v;
}

static uint64_t magic_of(const char *s)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | (uint8_t)(*s ? *s++ : 0);
	return v;
}

static uint64_t hreg(unsigned i)
{
	return 0xc000000000100000ull + 0x10 * i + 1;
}

/*
 * A v1 header: magic 0, version 8, crashing_cpu 12, vmcoreinfo_raddr 16,
 * vmcoreinfo_size 24, pt_regs_sz 32, cpu_mask_sz 36, regs 40, mask 40+P.
 * Returns its size.
 */
static size_t make_v1(uint8_t *b, enum vmc_order o, uint64_t magic,
		      uint32_t version, uint32_t cpu, uint32_t p, uint32_t c,
		      const unsigned *cpus, size_t ncpus)
{
	memset(b, 0, 40 + p + c);
	wr(o, b, magic, 8);
	wr(o, b + 8, version, 4);
	wr(o, b + 12, cpu, 4);
	wr(o, b + 16, 0x30090000, 8);
	wr(o, b + 24, 0x10024, 8);
	wr(o, b + 32, p, 4);
	wr(o, b + 36, c, 4);
	for (unsigned i = 0; i < p / 8; i++)
		wr(o, b + 40 + 8 * i, hreg(i), 8);
	for (size_t i = 0; i < ncpus; i++) {
		uint8_t *w = b + 40 + p + 8 * (cpus[i] / 64);

		wr(o, w, rd(o, w, 8) | 1ull << (cpus[i] % 64), 8);
	}
	return 40 + p + c;
}

/* A v0 header: magic 0, elfcorehdr_addr 8, crashing_cpu 16, regs 24. */
static size_t make_v0(uint8_t *b, enum vmc_order o, uint32_t cpu)
{
	memset(b, 0, 24 + 384 + 256);
	wr(o, b, VMC_FADUMP_MAGIC_OLD, 8);
	wr(o, b + 8, 0x2f000000, 8);
	wr(o, b + 16, cpu, 4);
	for (unsigned i = 0; i < 48; i++)
		wr(o, b + 24 + 8 * i, hreg(i), 8);
	wr(o, b + 24 + 384, 0x5, 8);	/* CPUs 0 and 2 */
	return 24 + 384 + 256;
}

#define NW(w) vmc_warnings_count(w)
#define W(w, i) vmc_warnings_get((w), (i))->msg

/* The checks' warnings, released at the end (results are copied around
 * by value here). */
static vmc_warnings *kept[256];
static size_t nr_kept;

static void keep(vmc_warnings *w)
{
	if (w && nr_kept < sizeof(kept) / sizeof(kept[0]))
		kept[nr_kept++] = w;
	else
		vmc_warnings_free(w);
}

static void kept_free(void)
{
	while (nr_kept)
		vmc_warnings_free(kept[--nr_kept]);
}

static struct vmc_fadump_check check(const uint8_t *b, size_t len,
				     enum vmc_order cap_order, uint32_t p,
				     uint32_t c)
{
	struct vmc_fadump_capture cap = VMC_FADUMP_CAPTURE_INIT;
	struct vmc_fadump_check r;
	vmc_error e;

	cap.order = cap_order;
	cap.pt_regs_size = p;
	cap.cpumask_size = c;
	CHECK_ST(vmc_fadump_check(b, len, &cap, &r, &e), VMC_OK, &e);
	keep(r.warnings);
	return r;
}

static void test_golden(void)
{
	static const unsigned cpus[] = { 0, 1, 3, 70 };
	static const enum vmc_order orders[] = { VMC_LE, VMC_BE };
	uint8_t b[2048];

	for (size_t k = 0; k < 2; k++) {
		enum vmc_order o = orders[k];
		struct vmc_fadump_check r;
		size_t n;

		t_case("v1 %s", o == VMC_LE ? "LE" : "BE");
		n = make_v1(b, o, magic_of("FADMPSIG"), 1, 3, 384, 256, cpus, 4);
		CHECK_U64(n, 680);
		r = check(b, n, 0, 0, 0);
		CHECK(r.verdict == VMC_FADUMP_COMPATIBLE, "%s", r.message);
		CHECK(r.decoded && r.order_known && r.order_detected &&
		      r.order == o, "order");
		CHECK_U64(r.hdr.magic, 0x4641444d50534947ull);
		CHECK_U64(r.hdr.version, 1);
		CHECK_U64(r.hdr.crashing_cpu, 3);
		CHECK_U64(r.hdr.vmcoreinfo_raddr, 0x30090000);
		CHECK_U64(r.hdr.vmcoreinfo_size, 0x10024);
		CHECK_U64(r.hdr.pt_regs_sz, 384);
		CHECK_U64(r.hdr.cpu_mask_sz, 256);
		CHECK_U64(r.hdr.size, 680);
		CHECK_U64(r.hdr.nr_regs, 48);
		CHECK_U64(r.hdr.regs[1], hreg(1));
		CHECK_U64(r.hdr.regs[32], hreg(32));
		CHECK_U64(r.hdr.regs[47], hreg(47));
		CHECK(r.hdr.cpu_mask == b + 424, "mask at 40 + 384");
		CHECK(vmc_fadump_cpu_in_mask(&r.hdr, 0) &&
		      vmc_fadump_cpu_in_mask(&r.hdr, 1) &&
		      !vmc_fadump_cpu_in_mask(&r.hdr, 2) &&
		      vmc_fadump_cpu_in_mask(&r.hdr, 3) &&
		      vmc_fadump_cpu_in_mask(&r.hdr, 70) &&
		      !vmc_fadump_cpu_in_mask(&r.hdr, 71) &&
		      !vmc_fadump_cpu_in_mask(&r.hdr, 2047) &&
		      !vmc_fadump_cpu_in_mask(&r.hdr, 2048) &&
		      !vmc_fadump_cpu_in_mask(&r.hdr, 0xffffffffu),
		      "cpu_mask bits");
		CHECK_U64(NW(r.warnings), 0);
		/* The capture kernel's own order: accepted as well. */
		r = check(b, n, o, 0, 0);
		CHECK(r.verdict == VMC_FADUMP_COMPATIBLE && !r.order_detected,
		      "%s", r.message);

		t_case("v0 %s", o == VMC_LE ? "LE" : "BE");
		n = make_v0(b, o, 2);
		r = check(b, n, 0, 0, 0);
		CHECK(r.verdict == VMC_FADUMP_OLD_MAGIC, "%s", r.message);
		CHECK_STR(r.message, "Old magic number, can't process the dump.");
		CHECK(r.decoded && r.order == o, "v0 decoded");
		CHECK_U64(r.hdr.version, 0);
		CHECK_U64(r.hdr.elfcorehdr_addr, 0x2f000000);
		CHECK_U64(r.hdr.crashing_cpu, 2);
		CHECK_U64(r.hdr.regs[32], hreg(32));
		CHECK_U64(r.hdr.size, 664);
		CHECK(vmc_fadump_cpu_in_mask(&r.hdr, 2) &&
		      !vmc_fadump_cpu_in_mask(&r.hdr, 1), "v0 mask");
		/* v0 is laid out with the capture side's sizes. */
		r = check(b, n, 0, 376, 256);
		CHECK(r.decoded && r.hdr.size == 656 && r.hdr.nr_regs == 47,
		      "v0 with pt_regs 376");
		r = check(b, 100, 0, 0, 0);
		CHECK(r.verdict == VMC_FADUMP_OLD_MAGIC && !r.decoded,
		      "short v0: still old magic, not decoded");
	}
	t_case("%s", "");
}

static void test_verdict(void)
{
	static const unsigned cpus[] = { 0 };
	struct vmc_fadump_capture cap = VMC_FADUMP_CAPTURE_INIT;
	struct vmc_fadump_check r;
	uint8_t b[2048];
	vmc_error e;
	size_t n;

	t_case("verdict rules");
	n = make_v1(b, VMC_BE, VMC_FADUMP_MAGIC, 1, 0, 384, 256, cpus, 1);
	/* Byte-swapped magic with the capture order given. */
	r = check(b, n, VMC_LE, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_ENDIAN_MISMATCH, "%s", r.message);
	CHECK_STR(r.message, "Endianness mismatch between the crashed and "
		  "fadump kernels.");
	CHECK(r.order_known && r.order == VMC_BE, "reports the header's order");
	r = check(b, n, VMC_BE, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_COMPATIBLE, "%s", r.message);
	/* Old magic byte-swapped: the kernel calls it corrupted. */
	make_v0(b, VMC_BE, 0);
	r = check(b, 664, VMC_LE, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_CORRUPTED, "%s", r.message);
	CHECK(strstr(r.message, "Fadump header is corrupted.") == r.message,
	      "%s", r.message);
	r = check(b, 664, VMC_BE, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_OLD_MAGIC, "%s", r.message);
	/* Any other magic, with and without the order. */
	n = make_v1(b, VMC_LE, magic_of("FADMPSIH"), 1, 0, 384, 256, cpus, 1);
	r = check(b, n, 0, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_CORRUPTED && !r.order_known, "%s",
	      r.message);
	r = check(b, n, VMC_LE, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_CORRUPTED, "%s", r.message);
	memset(b, 0, 64);
	r = check(b, 64, 0, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_CORRUPTED, "zeros");
	/* Size mismatches, either member, either way. */
	n = make_v1(b, VMC_LE, VMC_FADUMP_MAGIC, 1, 0, 392, 256, cpus, 1);
	r = check(b, n, 0, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_SIZE_MISMATCH, "%s", r.message);
	CHECK(strstr(r.message, "Fadump header size mismatch.") == r.message,
	      "%s", r.message);
	CHECK(!r.decoded && r.hdr.pt_regs_sz == 392, "fixed fields shown");
	r = check(b, n, 0, 392, 0);
	CHECK(r.verdict == VMC_FADUMP_COMPATIBLE, "capture pt_regs 392");
	CHECK_U64(r.hdr.cpu_mask - b, 432);
	n = make_v1(b, VMC_LE, VMC_FADUMP_MAGIC, 1, 0, 384, 1024, cpus, 1);
	r = check(b, n, 0, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_SIZE_MISMATCH, "%s", r.message);
	r = check(b, n, 0, 0, 1024);
	CHECK(r.verdict == VMC_FADUMP_COMPATIBLE, "%s", r.message);
	n = make_v1(b, VMC_LE, VMC_FADUMP_MAGIC, 1, 0, 384, 128, cpus, 1);
	r = check(b, n, 0, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_SIZE_MISMATCH, "smaller mask");
	/* Truncated files (the kernel's memory cannot be). */
	n = make_v1(b, VMC_LE, VMC_FADUMP_MAGIC, 1, 0, 384, 256, cpus, 1);
	for (size_t l = 0; l < n; l++) {
		r = check(b, l, 0, 0, 0);
		if (!CHECK(r.verdict == VMC_FADUMP_TRUNCATED && !r.decoded,
			   "length %zu: %s", l, r.message))
			break;
	}
	/* Releases: a difference warns, equal or unknown does not. */
	cap.release = "6.12.0-1-powerpc64le";
	cap.crashed_release = "6.12.0-2-powerpc64le";
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_OK, &e);
	keep(r.warnings);
	CHECK(r.verdict == VMC_FADUMP_COMPATIBLE && NW(r.warnings) == 1 &&
	      strstr(W(r.warnings, 0), "Kernel version mismatch"), "release warn");
	cap.crashed_release = cap.release;
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_OK, &e);
	keep(r.warnings);
	CHECK(NW(r.warnings) == 0, "same release");
	cap.crashed_release = NULL;
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_OK, &e);
	keep(r.warnings);
	CHECK(NW(r.warnings) == 0, "unknown release");
	/* A release mismatch does not rescue a size mismatch. */
	cap.crashed_release = "other";
	cap.pt_regs_size = 392;
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_OK, &e);
	keep(r.warnings);
	CHECK(r.verdict == VMC_FADUMP_SIZE_MISMATCH, "%s", r.message);
	/* Another version: accepted, as the kernel does, with a warning. */
	n = make_v1(b, VMC_BE, VMC_FADUMP_MAGIC, 2, VMC_FADUMP_CPU_UNKNOWN,
		    384, 256, cpus, 1);
	r = check(b, n, 0, 0, 0);
	CHECK(r.verdict == VMC_FADUMP_COMPATIBLE && r.hdr.version == 2 &&
	      NW(r.warnings) == 2, "version 2: %zu warnings", NW(r.warnings));
	/* Bad capture arguments. */
	cap = (struct vmc_fadump_capture)VMC_FADUMP_CAPTURE_INIT;
	cap.pt_regs_size = 100;
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_ERR_INVALID, &e);
	cap.pt_regs_size = 0;
	cap.cpumask_size = 2048;
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_ERR_INVALID, &e);
	cap.cpumask_size = 0;
	cap.order = 7;
	CHECK_ST(vmc_fadump_check(b, n, &cap, &r, &e), VMC_ERR_INVALID, &e);
	CHECK_STR(vmc_fadump_verdict_name(VMC_FADUMP_SIZE_MISMATCH),
		  "size-mismatch");
	t_case("%s", "");
}

/* ---- register save area ---- */

struct sa {
	uint8_t b[8192];
	size_t n;
};

static void sa_entry(struct sa *s, const char *id, uint64_t v)
{
	wr(VMC_BE, s->b + s->n, magic_of(id), 8);
	wr(VMC_BE, s->b + s->n + 8, v, 8);
	s->n += 16;
}

static void sa_raw(struct sa *s, uint64_t id, uint64_t v)
{
	wr(VMC_BE, s->b + s->n, id, 8);
	wr(VMC_BE, s->b + s->n + 8, v, 8);
	s->n += 16;
}

static void sa_begin(struct sa *s, uint32_t ncpus, uint32_t off)
{
	memset(s, 0, sizeof(*s));
	wr(VMC_BE, s->b, magic_of("REGSAVE"), 8);
	wr(VMC_BE, s->b + 8, 1, 4);
	wr(VMC_BE, s->b + 12, off, 4);
	wr(VMC_BE, s->b + off, ncpus, 4);
	s->n = off + 4;
}

static uint64_t sreg(uint32_t cpu, unsigned i)
{
	return 0xc000000000200000ull + ((uint64_t)cpu << 12) + 0x10 * i;
}

/* A CPU with every register rtas_fadump_set_regval knows. */
static void sa_cpu(struct sa *s, uint32_t cpu)
{
	static const struct { const char *id; unsigned idx; } spr[] = {
		{ "NIA", 32 }, { "MSR", 33 }, { "CTR", 35 }, { "LR", 36 },
		{ "XER", 37 }, { "CR", 38 }, { "DAR", 41 }, { "DSISR", 42 },
	};
	char id[8];

	sa_entry(s, "CPUSTRT", 0xabcd00000000ull | cpu);
	for (unsigned i = 0; i < 32; i++) {
		snprintf(id, sizeof(id), "GPR%u", i);
		sa_entry(s, id, sreg(cpu, i));
	}
	for (size_t i = 0; i < ARRAY_LEN(spr); i++)
		sa_entry(s, spr[i].id, sreg(cpu, spr[i].idx));
	sa_entry(s, "PIR", 1);
	sa_entry(s, "CPUEND", cpu);
}

static void test_cpu_state(void)
{
	/* "GPR" + two bytes, through kstrtoint(str, 10). */
	static const struct { char a, b; int idx; } gprs[] = {
		{ '5', 0, 5 }, { '0', '5', 5 }, { '3', '1', 31 },
		{ '3', '2', -1 }, { '9', '9', -1 }, { '+', '7', 7 },
		{ '7', '\n', 7 }, { '-', '0', 0 }, { '-', '1', -1 },
		{ 0, '1', -1 }, { '1', 'x', -1 }, { '+', 0, -1 },
		{ ' ', '1', -1 }, { '1', ' ', -1 },
	};
	vmc_fadump_cpu_state *s = NULL;
	const struct vmc_fadump_cpu_regs *c;
	struct sa a;
	vmc_error e;

	t_case("save area");
	sa_begin(&a, 3, 24);	/* 8 bytes of unknown fields before NumCpus */
	sa_cpu(&a, 0);
	sa_cpu(&a, 5);
	sa_cpu(&a, 2);
	CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_OK, &e);
	if (s) {
		CHECK_U64(vmc_fadump_cpu_state_count(s), 3);
		CHECK_U64(vmc_fadump_cpu_state_version(s), 1);
		c = vmc_fadump_cpu_state_get(s, 1);
		CHECK_U64(c->cpu, 5);
		CHECK_U64(c->nr_entries, 41);
		CHECK_U64(c->nr_unknown, 1);
		for (unsigned i = 0; i < 48; i++) {
			bool set = i < 32 || i == 32 || i == 33 || i == 35 ||
				   i == 36 || i == 37 || i == 38 || i == 41 ||
				   i == 42;

			CHECK_U64(c->regs[i], set ? sreg(5, i) : 0);
		}
		CHECK(vmc_fadump_cpu_state_get(s, 3) == NULL, "past the end");
		vmc_fadump_cpu_state_free(s);
		s = NULL;
	}
	for (size_t i = 0; i < ARRAY_LEN(gprs); i++) {
		uint64_t id = magic_of("GPR") | (uint64_t)(uint8_t)gprs[i].a
			      << 32 | (uint64_t)(uint8_t)gprs[i].b << 24;

		t_case("GPR id '%c' '%c'", gprs[i].a ? gprs[i].a : '0',
		       gprs[i].b ? gprs[i].b : '0');
		sa_begin(&a, 1, 16);
		sa_entry(&a, "CPUSTRT", 0);
		sa_raw(&a, id, 0x1234);
		sa_entry(&a, "CPUEND", 0);
		CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_OK,
			 &e);
		if (!s)
			continue;
		c = vmc_fadump_cpu_state_get(s, 0);
		if (gprs[i].idx >= 0)
			CHECK_U64(c->regs[gprs[i].idx], 0x1234);
		else
			CHECK(c->nr_unknown == 1, "ignored");
		vmc_fadump_cpu_state_free(s);
		s = NULL;
	}
	t_case("save area errors");
	sa_begin(&a, 1, 16);
	sa_cpu(&a, 0);
	a.b[0] = 'X';
	CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_ERR_CORRUPT,
		 &e);
	CHECK_MSG(&e, "Unable to read register save area.");
	a.b[0] = 'R';
	for (size_t l = 0; l < a.n; l++) {	/* every truncation fails */
		vmc_status st = vmc_fadump_cpu_state_parse(&s, a.b, l, &e);

		if (!CHECK(st == VMC_ERR_CORRUPT, "length %zu: %s", l,
			   vmc_status_name(st)))
			break;
	}
	wr(VMC_BE, a.b + 12, 0xfffffffe, 4);	/* num_cpu_offset past end */
	CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_ERR_CORRUPT,
		 &e);
	sa_begin(&a, 0x7fffffff, 16);		/* NumCpus that cannot fit */
	sa_cpu(&a, 0);
	CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_ERR_CORRUPT,
		 &e);
	CHECK_MSG(&e, "NumCpus");
	sa_begin(&a, 2, 16);			/* second CPU lacks CPUSTRT */
	sa_cpu(&a, 0);
	sa_entry(&a, "GPR1", 1);
	sa_entry(&a, "CPUEND", 1);
	CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_ERR_CORRUPT,
		 &e);
	CHECK_MSG(&e, "Unable to read CPU state data");
	sa_begin(&a, 0, 16);			/* no CPUs is valid */
	CHECK_ST(vmc_fadump_cpu_state_parse(&s, a.b, a.n, &e), VMC_OK, &e);
	if (s)
		CHECK_U64(vmc_fadump_cpu_state_count(s), 0);
	vmc_fadump_cpu_state_free(s);
	t_case("%s", "");
}

/* ---- the elfcorehdr ---- */

struct want {
	uint32_t type;
	uint64_t offset, paddr, size;
};

struct built {
	uint8_t *buf;
	size_t size;
	struct vmc_fadump_build_info in;
	vmc_elfcore *c;
	vmc_source *src;
};

static void built_free(struct built *b)
{
	vmc_elfcore_free(b->c);
	vmc_source_close(b->src);
	free(b->buf);
	vmc_warnings_free(b->in.warnings);
	memset(b, 0, sizeof(*b));
}

static vmc_status build(const struct vmc_fadump_build_opts *o,
			struct built *b, vmc_error *e)
{
	vmc_status st;

	memset(b, 0, sizeof(*b));
	st = vmc_fadump_build_size(o, &b->size, e);
	if (st)
		return st;
	b->buf = malloc(b->size);
	st = vmc_fadump_build(o, b->buf, b->size, &b->in, e);
	if (!st)
		st = vmc_source_new_buffer(&b->src, b->buf, b->size, e);
	if (!st)
		st = vmc_elfcore_parse(&b->c, b->src, e);
	return st;
}

/* Compare phdrs 2.. (after the two notes) with @w. */
static void expect_phdrs(const struct built *b, const struct want *w,
			 size_t n)
{
	size_t got = vmc_elfcore_nr_phdrs(b->c);

	CHECK_U64(got, n + 2);
	CHECK_U64(b->in.nr_phdrs, n + 2);
	for (size_t i = 0; i < n && i + 2 < got; i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(b->c, i + 2);

		CHECK_U64(p->type, w[i].type);
		CHECK_U64(p->offset, w[i].offset);
		CHECK_U64(p->paddr, w[i].paddr);
		CHECK_U64(p->filesz, w[i].size);
		CHECK_U64(p->memsz, w[i].size);
		if (w[i].type == VMC_PT_LOAD) {
			CHECK_U64(p->vaddr, PAGE_OFFSET + w[i].paddr);
			CHECK_U64(p->flags, RWX);
		} else {
			CHECK(p->vaddr == 0 && p->flags == 0 && p->align == 0,
			      "PT_NULL all zero");
		}
	}
}

struct scenario {
	uint8_t hdr[1024];
	struct vmc_fadump_check chk;
	struct vmc_fadump_boot_mem boot[4];
	vmc_ranges *mem;
	struct vmc_fadump_build_opts o;
};

static void scen_init(struct scenario *s, enum vmc_order order)
{
	static const unsigned cpus[] = { 0, 1, 3 };
	size_t n = make_v1(s->hdr, order, VMC_FADUMP_MAGIC, 1, 1, 384, 256,
			   cpus, 3);

	s->chk = check(s->hdr, n, 0, 0, 0);
	vmc_ranges_new(&s->mem, NULL);
	s->o = (struct vmc_fadump_build_opts)VMC_FADUMP_BUILD_OPTS_INIT;
	s->o.hdr = &s->chk.hdr;
	s->o.boot_mem = s->boot;
	s->o.memory = s->mem;
	s->boot[0] = (struct vmc_fadump_boot_mem){ .start = 0,
						   .size = 0x10000000 };
	s->o.nr_boot_mem = 1;
	s->o.boot_mem_dest = 0x30010000;
	s->o.reserved_start = 0x30000000;
	s->o.reserved_size = 0x12000000;
}

static void test_build_layouts(void)
{
	struct scenario s;
	struct built b;
	vmc_error e;

	/* The reserved area inside a range: split (and one slot more than
	 * the kernel counts). */
	t_case("split");
	scen_init(&s, VMC_BE);
	vmc_ranges_add(s.mem, 0, 0x80000000, NULL);
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	if (b.c) {
		static const struct want w[] = {
			{ VMC_PT_LOAD, 0x30010000, 0, 0x10000000 },
			{ VMC_PT_LOAD, 0x10000000, 0x10000000, 0x20000000 },
			{ VMC_PT_LOAD, 0x42000000, 0x42000000, 0x3e000000 },
		};
		const struct vmc_ehdr *eh = vmc_elfcore_ehdr(b.c);
		const struct vmc_phdr *n0 = vmc_elfcore_phdr(b.c, 0);
		const struct vmc_phdr *n1 = vmc_elfcore_phdr(b.c, 1);

		expect_phdrs(&b, w, 3);
		CHECK(eh->id.order == VMC_BE && eh->id.machine == VMC_EM_PPC64 &&
		      eh->id.cls == VMC_CLASS_64 && eh->flags == 1 &&
		      eh->type == VMC_ET_CORE, "ehdr (ELFv1 for big-endian)");
		CHECK_U64(n0->type, VMC_PT_NOTE);
		CHECK_U64(n0->offset, 64 + 5 * 56);
		CHECK_U64(n0->filesz, 524 + 12);	/* CPU 1 only */
		CHECK_U64(n1->offset, 0x30090000);
		CHECK_U64(n1->paddr, 0x30090000);
		CHECK_U64(n1->filesz, 0x10024);
		CHECK_U64(b.size, 64 + 5 * 56 + 524 + 12);
		CHECK_U64(b.in.nr_splits, 1);
		CHECK_U64(b.in.kernel_phdr_slots, 4);	/* 2 + 1 + 1 < 5 */
	}
	built_free(&b);

	/* No overlap; the reserved area between ranges. */
	t_case("no overlap");
	vmc_ranges_clear(s.mem);
	vmc_ranges_add(s.mem, 0, 0x30000000, NULL);
	vmc_ranges_add(s.mem, 0x42000000, 0x50000000, NULL);
	vmc_ranges_add(s.mem, 0x100000000ull, 0x140000000ull, NULL);
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	if (b.c) {
		static const struct want w[] = {
			{ VMC_PT_LOAD, 0x30010000, 0, 0x10000000 },
			{ VMC_PT_LOAD, 0x10000000, 0x10000000, 0x20000000 },
			{ VMC_PT_LOAD, 0x42000000, 0x42000000, 0x0e000000 },
			{ VMC_PT_LOAD, 0x100000000ull, 0x100000000ull,
			  0x40000000 },
		};

		expect_phdrs(&b, w, 4);
		CHECK_U64(b.in.nr_splits, 0);
	}
	built_free(&b);

	/* The reserved area at range edges: the start of one, the end of
	 * another, and one range wholly inside (a PT_NULL slot). */
	t_case("edges");
	vmc_ranges_clear(s.mem);
	vmc_ranges_add(s.mem, 0, 0x38000000, NULL);		/* end inside */
	vmc_ranges_add(s.mem, 0x38000000, 0x39000000, NULL);	/* inside */
	vmc_ranges_add(s.mem, 0x39000000, 0x60000000, NULL);	/* start in */
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	if (b.c) {
		static const struct want w[] = {
			{ VMC_PT_LOAD, 0x30010000, 0, 0x10000000 },
			{ VMC_PT_LOAD, 0x10000000, 0x10000000, 0x20000000 },
			{ VMC_PT_NULL, 0, 0, 0 },
			{ VMC_PT_LOAD, 0x42000000, 0x42000000, 0x1e000000 },
		};

		expect_phdrs(&b, w, 4);
		CHECK_U64(b.in.nr_null, 1);
		CHECK(NW(b.in.warnings) >= 1 &&
		      strstr(W(b.in.warnings, NW(b.in.warnings) - 1),
			     "PT_NULL"),
		      "PT_NULL warned");
	}
	built_free(&b);
	/* Exactly at the edges: ranges that start or end where it does. */
	vmc_ranges_clear(s.mem);
	vmc_ranges_add(s.mem, 0, 0x30000000, NULL);
	vmc_ranges_add(s.mem, 0x30000000, 0x42000000, NULL);
	vmc_ranges_add(s.mem, 0x42000000, 0x43000000, NULL);
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	if (b.c) {
		static const struct want w[] = {
			{ VMC_PT_LOAD, 0x30010000, 0, 0x10000000 },
			{ VMC_PT_LOAD, 0x10000000, 0x10000000, 0x20000000 },
			{ VMC_PT_NULL, 0, 0, 0 },
			{ VMC_PT_LOAD, 0x42000000, 0x42000000, 0x01000000 },
		};

		expect_phdrs(&b, w, 4);
	}
	built_free(&b);
	/* Many ranges inside it: one warning each, none dropped (the list
	 * has no cap; it stopped at 8 with "(further warnings omitted)"). */
	vmc_ranges_clear(s.mem);
	for (uint64_t a = 0x30000000; a < 0x31000000; a += 0x100000)
		vmc_ranges_add(s.mem, a, a + 0x80000, NULL);
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	CHECK_U64(b.in.nr_null, 16);
	{
		size_t nr_null_warned = 0;

		for (size_t i = 0; i < NW(b.in.warnings); i++)
			nr_null_warned += strstr(W(b.in.warnings, i),
						 "PT_NULL") != NULL;
		CHECK_U64(nr_null_warned, 16);
	}
	built_free(&b);

	/* Several boot regions: copies one after the other; memory below
	 * boot_mem_top dropped (holes between regions too); a range across
	 * boot_mem_top starts there. */
	t_case("several boot regions");
	s.boot[0] = (struct vmc_fadump_boot_mem){ .start = 0, .size = 0x8000000 };
	s.boot[1] = (struct vmc_fadump_boot_mem){ .start = 0xa000000,
						  .size = 0x2000000 };
	s.boot[2] = (struct vmc_fadump_boot_mem){ .start = 0xe000000,
						  .size = 0x1000000 };
	s.o.nr_boot_mem = 3;
	vmc_ranges_clear(s.mem);
	vmc_ranges_add(s.mem, 0, 0x9000000, NULL);
	vmc_ranges_add(s.mem, 0xa000000, 0x20000000, NULL);
	vmc_ranges_add(s.mem, 0x50000000, 0x60000000, NULL);
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	if (b.c) {
		static const struct want w[] = {
			{ VMC_PT_LOAD, 0x30010000, 0, 0x8000000 },
			{ VMC_PT_LOAD, 0x38010000, 0xa000000, 0x2000000 },
			{ VMC_PT_LOAD, 0x3a010000, 0xe000000, 0x1000000 },
			{ VMC_PT_LOAD, 0xf000000, 0xf000000, 0x11000000 },
			{ VMC_PT_LOAD, 0x50000000, 0x50000000, 0x10000000 },
		};

		expect_phdrs(&b, w, 5);
	}
	built_free(&b);
	vmc_ranges_free(s.mem);
	t_case("%s", "");
}

static void test_build_notes(void)
{
	struct scenario s;
	struct sa a;
	vmc_fadump_cpu_state *cs = NULL;
	struct vmc_elf_id id = { VMC_CLASS_64, VMC_LE, VMC_EM_PPC64 };
	struct built b;
	vmc_error e;

	t_case("CPU notes");
	scen_init(&s, VMC_LE);
	vmc_ranges_add(s.mem, 0, 0x20000000, NULL);
	sa_begin(&a, 4, 16);
	for (uint32_t cpu = 0; cpu < 4; cpu++)
		sa_cpu(&a, cpu);
	CHECK_ST(vmc_fadump_cpu_state_parse(&cs, a.b, a.n, &e), VMC_OK, &e);
	s.o.cpu_state = cs;
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	if (b.c) {
		/* Save-area order; CPU 2 (not in cpu_mask) skipped; CPU 1
		 * (crashing) from the header. */
		static const uint32_t want_cpu[] = { 0, 1, 3 };
		const struct vmc_phdr *n0 = vmc_elfcore_phdr(b.c, 0);
		struct vmc_note_iter it;
		struct vmc_note n;
		size_t k = 0;

		CHECK_U64(vmc_elfcore_ehdr(b.c)->flags, 2);
		CHECK_U64(b.in.nr_cpu_notes, 3);
		CHECK_U64(n0->offset + n0->filesz, b.size);
		CHECK_U64(n0->filesz, 3 * 524 + 12);
		vmc_notes_iter_init(&it, b.buf + n0->offset, n0->filesz,
				    VMC_LE);
		while (vmc_notes_next(&it, &n) == VMC_OK && k < 3) {
			struct vmc_prstatus ps;
			uint32_t cpu = want_cpu[k++];

			CHECK(vmc_note_name_is(&n, "CORE") &&
			      n.type == VMC_NT_PRSTATUS && n.descsz == 504 &&
			      n.namesz == 5, "NT_PRSTATUS");
			CHECK_ST(vmc_prstatus_decode(&id, n.desc, n.descsz,
						     &ps, &e), VMC_OK, &e);
			CHECK_U64(ps.nr_regs, 48);
			for (unsigned i = 0; i < 48; i++) {
				uint64_t want = cpu == 1 ? hreg(i)
					      : (i < 34 || (i >= 35 && i <= 38) ||
						 i == 41 || i == 42)
					      ? sreg(cpu, i) : 0;

				if (i == 34 && cpu != 1)
					want = 0;
				CHECK_U64(ps.regs[i], want);
			}
			/* Everything but pr_reg is zero. */
			for (size_t j = 0; j < 112; j++)
				CHECK(n.desc[j] == 0, "prstatus byte %zu", j);
		}
		CHECK(k == 3 && it.terminated && it.real_len == 3 * 524,
		      "3 notes then the terminator");
	}
	built_free(&b);
	/* No save area: the crashing CPU alone, with a warning. */
	s.o.cpu_state = NULL;
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	CHECK_U64(b.in.nr_cpu_notes, 1);
	CHECK(NW(b.in.warnings) == 1, "warned");
	built_free(&b);
	/* ... and no crashing CPU either: nothing to dump. */
	wr(VMC_LE, s.hdr + 12, VMC_FADUMP_CPU_UNKNOWN, 4);
	s.chk.hdr.crashing_cpu = VMC_FADUMP_CPU_UNKNOWN;
	CHECK_ST(build(&s.o, &b, &e), VMC_ERR_CORRUPT, &e);
	built_free(&b);
	/* With the save area, an unknown crashing CPU means every CPU in
	 * the mask from the save area. */
	s.o.cpu_state = cs;
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	CHECK_U64(b.in.nr_cpu_notes, 3);
	built_free(&b);
	vmc_fadump_cpu_state_free(cs);
	vmc_ranges_free(s.mem);
	t_case("%s", "");
}

static void test_build_errors(void)
{
	struct scenario s;
	struct vmc_fadump_build_opts o;
	struct vmc_fadump_header v0;
	uint8_t buf[4096];
	size_t size;
	vmc_error e;

	t_case("build errors");
	scen_init(&s, VMC_BE);
	vmc_ranges_add(s.mem, 0, 0x80000000, NULL);
	CHECK_ST(vmc_fadump_build_size(&s.o, &size, &e), VMC_OK, &e);
	CHECK_ST(vmc_fadump_build(&s.o, buf, size - 1, NULL, &e),
		 VMC_ERR_NOSPACE, &e);
	CHECK_ST(vmc_fadump_build(&s.o, buf, size, NULL, &e), VMC_OK, &e);
	o = s.o;
	o.nr_boot_mem = 0;
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	o = s.o;
	s.boot[0].start = 0x1000;
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	s.boot[0].start = 0;
	/* overlaps */
	s.boot[1] = (struct vmc_fadump_boot_mem){ .start = 0x100, .size = 0x10 };
	o.nr_boot_mem = 2;
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	s.boot[1] = (struct vmc_fadump_boot_mem){ .start = 0x20000000,
						  .size = UINT64_MAX };
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_RANGE, &e);
	o = s.o;
	o.reserved_size = 0;
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	o.reserved_start = UINT64_MAX - 4;
	o.reserved_size = 8;
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_RANGE, &e);
	o = s.o;
	v0 = s.chk.hdr;
	v0.version = 0;
	v0.magic = VMC_FADUMP_MAGIC_OLD;
	o.hdr = &v0;
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	o = s.o;
	vmc_ranges_add(s.mem, 0x10, 0x20, NULL);	/* unsorted */
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	o.abi = VMC_FADUMP_ABI_NONE;
	vmc_ranges_sort(s.mem);
	CHECK_ST(vmc_fadump_build_size(&o, &size, &e), VMC_ERR_INVALID, &e);
	vmc_ranges_free(s.mem);
	t_case("%s", "");
}

/* Random layouts against a page bitmap: the PT_LOADs above boot_mem_top
 * are exactly memory minus the reserved area, never touching it. */
#define PAGES 512
#define PG 0x10000ull

static void test_build_random(void)
{
	struct scenario s;
	struct built b;
	vmc_error e;

	rng_seed("test_fadump", 0xfad0);
	scen_init(&s, VMC_LE);
	for (int iter = 0; iter < 400; iter++) {
		uint8_t want[PAGES] = { 0 }, got[PAGES] = { 0 };
		uint64_t top, rs, re, pos = 0;
		size_t nranges = 0, loads = 0;

		t_case("random %d", iter);
		vmc_ranges_clear(s.mem);
		s.boot[0] = (struct vmc_fadump_boot_mem){
			.start = 0, .size = PG * rng_between(1, 8) };
		s.o.nr_boot_mem = 1;
		if (rng_below(2)) {
			s.boot[1].start = s.boot[0].size + PG * rng_below(4);
			s.boot[1].size = PG * rng_between(1, 8);
			s.o.nr_boot_mem = 2;
		}
		top = s.boot[s.o.nr_boot_mem - 1].start +
		      s.boot[s.o.nr_boot_mem - 1].size;
		while (pos < PAGES * PG) {
			uint64_t st = pos + PG * rng_below(20);
			uint64_t en = st + PG * rng_between(1, 60);

			if (en > PAGES * PG)
				break;
			vmc_ranges_add(s.mem, st, en, NULL);
			nranges++;
			pos = en + PG * rng_below(3);	/* may touch */
		}
		rs = PG * rng_below(PAGES);
		re = rs + PG * rng_between(1, 80);
		s.o.reserved_start = rs;
		s.o.reserved_size = re - rs;
		for (size_t i = 0; i < nranges; i++) {
			const struct vmc_range *r = &vmc_ranges_data(s.mem)[i];

			for (uint64_t a = r->start; a < r->end; a += PG)
				if (a >= top && (a < rs || a >= re))
					want[a / PG] = 1;
		}
		if (build(&s.o, &b, &e) != VMC_OK) {
			CHECK(0, "build: %s", e.msg);
			built_free(&b);
			break;
		}
		CHECK_U64(b.size, 64 + 56 * b.in.nr_phdrs + b.in.notes_size);
		CHECK_U64(vmc_elfcore_nr_phdrs(b.c), b.in.nr_phdrs);
		for (size_t i = 2 + s.o.nr_boot_mem;
		     i < vmc_elfcore_nr_phdrs(b.c); i++) {
			const struct vmc_phdr *p = vmc_elfcore_phdr(b.c, i);

			if (p->type != VMC_PT_LOAD)
				continue;
			loads++;
			CHECK(p->offset == p->paddr && p->filesz > 0,
			      "phdr %zu", i);
			for (uint64_t a = p->paddr; a < p->paddr + p->filesz;
			     a += PG)
				CHECK(a / PG < PAGES && !got[a / PG]++,
				      "page 0x%llx twice", (unsigned long long)a);
		}
		CHECK(!memcmp(want, got, PAGES), "coverage");
		CHECK_U64(b.in.nr_loads, loads + s.o.nr_boot_mem);
		CHECK_U64(b.in.nr_phdrs, 2 + s.o.nr_boot_mem + loads +
			  b.in.nr_null);
		built_free(&b);
	}
	vmc_ranges_free(s.mem);
	t_case("%s", "");
}

/* ---- what moved out of the CLI: boot copies, memblock, the CPU list ---- */

static void test_boot_dest(void)
{
	struct scenario s;
	uint64_t dest = 0;
	size_t size;
	vmc_error e;

	t_case("boot_mem_dest from the claimed destinations");
	scen_init(&s, VMC_BE);
	vmc_ranges_add(s.mem, 0, 0x80000000, NULL);
	s.boot[0].have_dest = true;
	s.boot[0].dest = 0x30010000;
	s.boot[1] = (struct vmc_fadump_boot_mem){ .start = 0x20000000,
						  .size = 0x1000000 };
	CHECK_ST(vmc_fadump_boot_mem_dest(s.boot, 2, &dest, &e), VMC_OK, &e);
	CHECK_U64(dest, 0x30010000);
	/* region 1's copy follows region 0's: 0x30010000 + 0x10000000 */
	s.boot[1].have_dest = true;
	s.boot[1].dest = 0x40010000;
	CHECK_ST(vmc_fadump_boot_mem_dest(s.boot, 2, &dest, &e), VMC_OK, &e);
	s.o.nr_boot_mem = 2;
	CHECK_ST(vmc_fadump_build_size(&s.o, &size, &e), VMC_OK, &e);
	t_case("a destination the kernel does not use");
	s.boot[1].dest = 0x40020000;
	CHECK_ST(vmc_fadump_boot_mem_dest(s.boot, 2, &dest, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "0x40010000");
	/* vmc_fadump_build checks it itself */
	CHECK_ST(vmc_fadump_build_size(&s.o, &size, &e), VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "region 1");
	s.boot[1].have_dest = false;
	CHECK_ST(vmc_fadump_build_size(&s.o, &size, &e), VMC_OK, &e);
	s.boot[0].dest = 0x30020000;	/* region 0 disagrees with opts */
	CHECK_ST(vmc_fadump_build_size(&s.o, &size, &e), VMC_ERR_INVALID, &e);
	t_case("region 0 without a destination");
	s.boot[0].have_dest = false;
	CHECK_ST(vmc_fadump_boot_mem_dest(s.boot, 2, &dest, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_fadump_boot_mem_dest(s.boot, 0, &dest, &e),
		 VMC_ERR_INVALID, &e);
	t_case("copies wrapping 2^64");
	s.boot[0].have_dest = true;
	s.boot[0].dest = UINT64_MAX - 0x1000;
	s.boot[1].have_dest = false;
	CHECK_ST(vmc_fadump_boot_mem_dest(s.boot, 2, &dest, &e),
		 VMC_ERR_RANGE, &e);
	vmc_ranges_free(s.mem);
}

static void test_memory(void)
{
	static const char iomem[] =
		"00000000-0fffffff : System RAM\n"
		"10000000-1fffffff : System RAM\n"
		"30000000-3fffffff : System RAM\n";
	static const uint8_t reg[] = {	/* 2 cells each: [0, 2G), [2G, 3G) */
		0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0x80, 0, 0, 0,
		0, 0, 0, 0, 0x80, 0, 0, 0,  0, 0, 0, 0, 0x40, 0, 0, 0,
	};
	vmc_system *sys;
	vmc_ranges *m = NULL;
	vmc_error e;

	t_case("memblock: nothing known");
	vmc_system_new(&sys, NULL);
	CHECK_ST(vmc_fadump_memory(&m, sys, &e), VMC_ERR_NOTFOUND, &e);
	t_case("memblock: /proc/iomem System RAM, merged");
	vmc_system_set_iomem_text(sys, iomem, sizeof(iomem) - 1, NULL);
	CHECK_ST(vmc_fadump_memory(&m, sys, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(m), 2);
	CHECK_U64(vmc_ranges_data(m)[0].end, 0x20000000);
	vmc_ranges_free(m);
	t_case("memblock: the device tree wins, merged");
	CHECK_ST(vmc_system_add_dt_memory(sys, reg, sizeof(reg), 2, 2, &e),
		 VMC_OK, &e);
	CHECK_ST(vmc_fadump_memory(&m, sys, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(m), 1);
	CHECK_U64(vmc_ranges_data(m)[0].end, 0xc0000000);
	vmc_ranges_free(m);
	vmc_system_free(sys);
}

/* The list from a plain bit array, as %*pbl prints it. */
static void cpu_list_model(const bool *bits, size_t n, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		if (!bits[i])
			continue;
		while (j + 1 < n && bits[j + 1])
			j++;
		len += (size_t)snprintf(out + len, cap - len, "%s%zu",
					len ? "," : "", i);
		if (j > i)
			len += (size_t)snprintf(out + len, cap - len, "-%zu", j);
		i = j;
	}
}

static void test_cpu_list(void)
{
	static uint8_t mask[32];
	struct vmc_fadump_header h = { 0 };
	bool bits[256];
	char got[4096], want[4096];

	rng_seed("cpu_list", 5);
	for (int iter = 0; iter < 400; iter++) {
		enum vmc_order o = iter & 1 ? VMC_LE : VMC_BE;
		int density = (int)rng_between(1, 6);

		t_case("cpu list %d", iter);
		memset(mask, 0, sizeof(mask));
		for (size_t i = 0; i < 256; i++) {
			bits[i] = (int)rng_below(8) < density;
			if (bits[i])	/* bit i of unsigned long i / 64 */
				mask[8 * (i / 64) + (o == VMC_LE ? (i % 64) / 8 :
					7 - (i % 64) / 8)] |= 1u << (i % 8);
		}
		h.order = o;
		h.cpu_mask = mask;
		h.cpu_mask_sz = sizeof(mask);
		vmc_fadump_cpu_list(&h, got, sizeof(got));
		cpu_list_model(bits, 256, want, sizeof(want));
		CHECK_STR(got, want);
	}
	t_case("cpu list: empty, NULL mask, a tiny buffer");
	memset(mask, 0, sizeof(mask));
	vmc_fadump_cpu_list(&h, got, sizeof(got));
	CHECK_STR(got, "");
	h.cpu_mask = NULL;
	vmc_fadump_cpu_list(&h, got, sizeof(got));
	CHECK_STR(got, "");
	h.cpu_mask = mask;
	mask[0] = 0xff;
	vmc_fadump_cpu_list(&h, got, 8);
	CHECK_STR(got, "");	/* no whole entry fits with 24 bytes spare */
	vmc_fadump_cpu_list(&h, got, 0);
}

static void test_hdr_source(void)
{
	static const unsigned cpus[] = { 0 };
	uint8_t hdrb[1024], mem[0x20000] = { 0 }, note[16];
	struct scenario s;
	struct built b;
	vmc_physmem *pm = NULL;
	vmc_source *msrc = NULL;
	vmc_hdr_source *hs = NULL;
	uint64_t addr, size;
	vmc_error e;

	t_case("hdr source");
	scen_init(&s, VMC_LE);
	make_v1(hdrb, VMC_LE, VMC_FADUMP_MAGIC, 1, 0, 384, 256, cpus, 1);
	vmc_ranges_add(s.mem, 0, 0x20000000, NULL);
	CHECK_ST(build(&s.o, &b, &e), VMC_OK, &e);
	memset(mem + 0x100, 0xab, 16);
	CHECK_ST(vmc_physmem_new(&pm, &e), VMC_OK, &e);
	CHECK_ST(vmc_source_new_buffer(&msrc, mem, sizeof(mem), &e), VMC_OK,
		 &e);
	CHECK_ST(vmc_physmem_map(pm, 0, sizeof(mem), msrc, 0, &e), VMC_OK,
		 &e);
	CHECK_ST(vmc_hdr_source_new_buffer(&hs, b.buf, b.size,
					   VMC_NOTES_BY_PLACE, pm, &e),
		 VMC_OK, &e);
	if (hs) {
		CHECK_ST(hs->ops->alloc(hs, &addr, &size, &e), VMC_OK, &e);
		CHECK_U64(size, b.size);
		/* Inside the file past the phdrs: the file. */
		CHECK_ST(hs->ops->read_notes(hs, note, 12, b.in.notes_offset,
					     &e), VMC_OK, &e);
		CHECK(!memcmp(note, b.buf + b.in.notes_offset, 12), "file");
		/* Inside the phdr table: memory, not the file. */
		CHECK_ST(hs->ops->read_notes(hs, note, 16, 0x100, &e), VMC_OK,
			 &e);
		CHECK(note[0] == 0xab && note[15] == 0xab, "memory");
		/* Straddling the file's end: memory. */
		CHECK_ST(hs->ops->read_notes(hs, note, 16, b.size - 8, &e),
			 VMC_OK, &e);
		CHECK(note[0] == 0, "memory past the file");
		CHECK_ST(hs->ops->read_header(hs, note, 16, b.size - 8, &e),
			 VMC_ERR_CORRUPT, &e);
	}
	vmc_hdr_source_close(hs);
	vmc_physmem_free(pm);
	vmc_source_close(msrc);
	built_free(&b);
	vmc_ranges_free(s.mem);
	t_case("%s", "");
}

int main(void)
{
	test_golden();
	test_verdict();
	test_cpu_state();
	test_build_layouts();
	test_build_notes();
	test_build_errors();
	test_build_random();
	test_boot_dest();
	test_memory();
	test_cpu_list();
	test_hdr_source();
	kept_free();
	return t_finish();
}
