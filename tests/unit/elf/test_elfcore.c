// SPDX-License-Identifier: MIT
/*
 * ELF core headers: build -> parse round trips of random specs in every
 * class x byte order, checked twice -- by the library's parser and by an
 * independent byte-offset decoder written from the ELF gABI tables below --
 * plus PN_XNUM (70,000 program headers) and, when installed, binutils
 * readelf and elfutils eu-readelf as outside consumers.
 *
 *   Elf64_Ehdr: e_type@16 e_machine@18 e_version@20 e_entry@24 e_phoff@32
 *     e_shoff@40 e_flags@48 e_ehsize@52 e_phentsize@54 e_phnum@56
 *     e_shentsize@58 e_shnum@60 e_shstrndx@62 (64 bytes)
 *   Elf32_Ehdr: ... e_entry@24 e_phoff@28 e_shoff@32 e_flags@36 e_ehsize@40
 *     e_phentsize@42 e_phnum@44 e_shentsize@46 e_shnum@48 e_shstrndx@50
 *   Elf64_Phdr: type@0 flags@4 offset@8 vaddr@16 paddr@24 filesz@32
 *     memsz@40 align@48 (56)
 *   Elf32_Phdr: type@0 offset@4 vaddr@8 paddr@12 filesz@16 memsz@20
 *     flags@24 align@28 (32)
 *   Elf64_Shdr: sh_type@4 sh_size@32 sh_link@40 sh_info@44 (64)
 *   Elf32_Shdr: sh_type@4 sh_size@20 sh_link@24 sh_info@28 (40)
 */
#include <sys/wait.h>

#include "unit.h"
#include "vmcorekit/elfcore.h"
#include "vmcorekit/notes.h"
#include "vmcorekit/source.h"

#define CASES 2000
#define XNUM_N 70000

static const char *outdir = ".";

/* ---- independent decoder ---- */

static uint64_t rd(enum vmc_order o, const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * (o == VMC_LE ? i : n - 1 - i));
	return v;
}

struct raw_ehdr {
	uint8_t ident[16];
	uint64_t type, machine, version, entry, phoff, shoff, flags;
	uint64_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

static void raw_ehdr(const uint8_t *b, struct raw_ehdr *h)
{
	enum vmc_order o = b[5] == 2 ? VMC_BE : VMC_LE;
	bool w = b[4] == 2;
	unsigned ws = w ? 8 : 4;
	const uint8_t *t = b + (w ? 48 : 36);

	memcpy(h->ident, b, 16);
	h->type = rd(o, b + 16, 2);
	h->machine = rd(o, b + 18, 2);
	h->version = rd(o, b + 20, 4);
	h->entry = rd(o, b + 24, ws);
	h->phoff = rd(o, b + (w ? 32 : 28), ws);
	h->shoff = rd(o, b + (w ? 40 : 32), ws);
	h->flags = rd(o, t, 4);
	h->ehsize = rd(o, t + 4, 2);
	h->phentsize = rd(o, t + 6, 2);
	h->phnum = rd(o, t + 8, 2);
	h->shentsize = rd(o, t + 10, 2);
	h->shnum = rd(o, t + 12, 2);
	h->shstrndx = rd(o, t + 14, 2);
}

static void raw_phdr(enum vmc_class c, enum vmc_order o, const uint8_t *b,
		     struct vmc_phdr *p)
{
	p->type = (uint32_t)rd(o, b, 4);
	if (c == VMC_CLASS_64) {
		p->flags = (uint32_t)rd(o, b + 4, 4);
		p->offset = rd(o, b + 8, 8);
		p->vaddr = rd(o, b + 16, 8);
		p->paddr = rd(o, b + 24, 8);
		p->filesz = rd(o, b + 32, 8);
		p->memsz = rd(o, b + 40, 8);
		p->align = rd(o, b + 48, 8);
	} else {
		p->offset = rd(o, b + 4, 4);
		p->vaddr = rd(o, b + 8, 4);
		p->paddr = rd(o, b + 12, 4);
		p->filesz = rd(o, b + 16, 4);
		p->memsz = rd(o, b + 20, 4);
		p->flags = (uint32_t)rd(o, b + 24, 4);
		p->align = rd(o, b + 28, 4);
	}
}

static bool phdr_eq(const struct vmc_phdr *a, const struct vmc_phdr *b)
{
	return a->type == b->type && a->flags == b->flags &&
	       a->offset == b->offset && a->vaddr == b->vaddr &&
	       a->paddr == b->paddr && a->filesz == b->filesz &&
	       a->memsz == b->memsz && a->align == b->align;
}

static void phdr_print(const char *what, const struct vmc_phdr *p)
{
	printf("  %s: type %u flags 0x%x off 0x%" PRIx64 " vaddr 0x%" PRIx64
	       " paddr 0x%" PRIx64 " filesz 0x%" PRIx64 " memsz 0x%" PRIx64
	       " align 0x%" PRIx64 "\n", what, p->type, p->flags, p->offset,
	       p->vaddr, p->paddr, p->filesz, p->memsz, p->align);
}

/* ---- random specs ---- */

static const struct {
	enum vmc_class cls;
	enum vmc_order order;
	const char *name;
} combos[] = {
	{ VMC_CLASS_64, VMC_LE, "64le" },
	{ VMC_CLASS_64, VMC_BE, "64be" },
	{ VMC_CLASS_32, VMC_LE, "32le" },
	{ VMC_CLASS_32, VMC_BE, "32be" },
};

static uint64_t gen_word(enum vmc_class c)
{
	uint64_t v;

	switch (rng_below(5)) {
	case 0:
		v = 0;
		break;
	case 1:
		v = rng_below(0x10000);
		break;
	case 2:
		v = UINT64_MAX - rng_below(4);
		break;
	default:
		v = rng_next();
	}
	return c == VMC_CLASS_32 ? (uint32_t)v : v;
}

/* The oracle for the parser's 2^64 rule, in 128-bit arithmetic. */
static bool span_past_2_64(uint64_t start, uint64_t len)
{
	return (unsigned __int128)start + len > (unsigned __int128)1 << 64;
}

static void gen_phdr(enum vmc_class c, struct vmc_phdr *p)
{
	p->type = rng_below(8) ? (rng_below(4) ? VMC_PT_LOAD : VMC_PT_NOTE)
			       : (uint32_t)rng_next();
	p->flags = rng_below(2) ? VMC_PF_R | VMC_PF_W | VMC_PF_X
				: (uint32_t)rng_next();
	p->offset = gen_word(c);
	p->vaddr = gen_word(c);
	p->paddr = gen_word(c);
	p->filesz = gen_word(c);
	p->memsz = gen_word(c);
	p->align = gen_word(c);
	/* Most segments end at or below 2^64; the rest must fail to parse. */
	if (rng_below(8) && (p->type == VMC_PT_LOAD || p->type == VMC_PT_NOTE)) {
		if (span_past_2_64(p->offset, p->filesz))
			p->filesz = 0 - p->offset;
		if (span_past_2_64(p->paddr, p->memsz))
			p->memsz = 0 - p->paddr;
	}
}

/* Does a PT_LOAD/PT_NOTE of @s pass 2^64 (p_paddr UINT64_MAX is kcore's
 * "no address" and exempt)?  Then the parser must refuse the header. */
static bool spec_wraps(const struct vmc_elfcore_spec *s)
{
	for (size_t i = 0; i < s->nr_phdrs; i++) {
		const struct vmc_phdr *p = &s->phdrs[i];

		if (p->type != VMC_PT_LOAD && p->type != VMC_PT_NOTE)
			continue;
		if (span_past_2_64(p->offset, p->filesz) ||
		    (p->paddr != UINT64_MAX && span_past_2_64(p->paddr, p->memsz)))
			return true;
	}
	return false;
}

static size_t gen_align(void)
{
	switch (rng_below(6)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 4096;
	case 3:
		return (size_t)1 << rng_below(17);
	case 4:
		return (size_t)rng_between(2, 10000);	/* not a power of 2 */
	default:
		return 8;
	}
}

static size_t expect_size(const struct vmc_elfcore_spec *s)
{
	size_t n = s->nr_slots > s->nr_phdrs ? s->nr_slots : s->nr_phdrs;
	size_t sz = vmc_elf_ehdr_size(s->id.cls) +
		    n * vmc_elf_phdr_size(s->id.cls);

	if (s->nr_phdrs >= VMC_PN_XNUM)
		sz += vmc_elf_shdr_size(s->id.cls);
	if (s->align > 1)
		sz = (sz + s->align - 1) / s->align * s->align;
	return sz;
}

/*
 * Check @b (@size bytes, as written for @s) with the independent decoder
 * and with vmc_elfcore_parse.
 */
static void verify(const struct vmc_elfcore_spec *s, const uint8_t *b,
		   size_t size)
{
	enum vmc_class c = s->id.cls;
	enum vmc_order o = s->id.order;
	size_t ehsz = c == VMC_CLASS_64 ? 64 : 52;
	size_t phsz = c == VMC_CLASS_64 ? 56 : 32;
	size_t shsz = c == VMC_CLASS_64 ? 64 : 40;
	size_t slots = s->nr_slots > s->nr_phdrs ? s->nr_slots : s->nr_phdrs;
	bool xnum = s->nr_phdrs >= 0xffff;
	size_t shoff = xnum ? ehsz + slots * phsz : 0;
	struct raw_ehdr h;
	vmc_source *src;
	vmc_elfcore *core;
	vmc_error e;
	vmc_status st;
	size_t bad = SIZE_MAX, nonzero = SIZE_MAX;

	raw_ehdr(b, &h);
	CHECK(memcmp(h.ident, "\177ELF", 4) == 0, "magic");
	CHECK_U64(h.ident[4], c == VMC_CLASS_64 ? 2 : 1);
	CHECK_U64(h.ident[5], o == VMC_LE ? 1 : 2);
	CHECK_U64(h.ident[6], 1);
	CHECK_U64(h.ident[7], s->osabi);
	for (int i = 8; i < 16; i++)
		CHECK(h.ident[i] == 0, "e_ident[%d] is 0x%x", i, h.ident[i]);
	CHECK_U64(h.type, 4);
	CHECK_U64(h.machine, s->id.machine);
	CHECK_U64(h.version, 1);
	CHECK_U64(h.entry, 0);
	CHECK_U64(h.phoff, ehsz);
	CHECK_U64(h.shoff, shoff);
	CHECK_U64(h.flags, s->e_flags);
	CHECK_U64(h.ehsize, ehsz);
	CHECK_U64(h.phentsize, phsz);
	CHECK_U64(h.phnum, xnum ? 0xffff : s->nr_phdrs);
	CHECK_U64(h.shentsize, xnum ? shsz : 0);
	CHECK_U64(h.shnum, xnum ? 1 : 0);
	CHECK_U64(h.shstrndx, 0);
	for (size_t i = 0; i < s->nr_phdrs; i++) {
		struct vmc_phdr p;

		raw_phdr(c, o, b + ehsz + i * phsz, &p);
		if (!phdr_eq(&p, &s->phdrs[i]) && bad == SIZE_MAX)
			bad = i;
	}
	if (!CHECK(bad == SIZE_MAX, "raw program header %zu differs", bad)) {
		struct vmc_phdr p;

		raw_phdr(c, o, b + ehsz + bad * phsz, &p);
		phdr_print("bytes", &p);
		phdr_print("spec ", &s->phdrs[bad]);
	}
	if (xnum) {
		const uint8_t *sh = b + shoff;
		bool w = c == VMC_CLASS_64;

		CHECK_U64(rd(o, sh + 4, 4), 0);			/* SHT_NULL */
		CHECK_U64(rd(o, sh + (w ? 32 : 20), w ? 8 : 4), 1); /* sh_size */
		CHECK_U64(rd(o, sh + (w ? 40 : 24), 4), 0);	/* sh_link */
		CHECK_U64(rd(o, sh + (w ? 44 : 28), 4), s->nr_phdrs);
	}
	/* Unfilled slots and the alignment padding are zero. */
	for (size_t i = ehsz + s->nr_phdrs * phsz; i < size; i++) {
		if (xnum && i >= shoff && i < shoff + shsz)
			continue;
		if (b[i] != 0) {
			nonzero = i;
			break;
		}
	}
	CHECK(nonzero == SIZE_MAX, "byte %zu past the headers is not zero",
	      nonzero);

	/* The library's parser. */
	st = vmc_source_new_buffer(&src, b, size, &e);
	CHECK_ST(st, VMC_OK, &e);
	if (st)
		return;
	st = vmc_elfcore_parse(&core, src, &e);
	if (spec_wraps(s)) {
		CHECK_ST(st, VMC_ERR_CORRUPT, &e);
		CHECK(strstr(e.msg, "passes 2^64") != NULL, "message '%s'",
		      e.msg);
	} else {
		CHECK_ST(st, VMC_OK, &e);
	}
	if (!st) {
		const struct vmc_ehdr *eh = vmc_elfcore_ehdr(core);

		CHECK_U64(eh->id.cls, c);
		CHECK_U64(eh->id.order, o);
		CHECK_U64(eh->id.machine, s->id.machine);
		CHECK_U64(eh->osabi, s->osabi);
		CHECK_U64(eh->abiversion, 0);
		CHECK_U64(eh->type, VMC_ET_CORE);
		CHECK_U64(eh->version, 1);
		CHECK_U64(eh->entry, 0);
		CHECK_U64(eh->phoff, ehsz);
		CHECK_U64(eh->shoff, shoff);
		CHECK_U64(eh->flags, s->e_flags);
		CHECK_U64(eh->ehsize, ehsz);
		CHECK_U64(eh->phentsize, phsz);
		CHECK_U64(eh->shentsize, xnum ? shsz : 0);
		CHECK_U64(eh->phnum, s->nr_phdrs);
		CHECK_U64(eh->raw_phnum, xnum ? 0xffff : s->nr_phdrs);
		CHECK_U64(eh->shnum, xnum ? 1 : 0);
		CHECK_U64(eh->shstrndx, 0);
		CHECK_U64(vmc_elfcore_nr_phdrs(core), s->nr_phdrs);
		CHECK_U64(vmc_elfcore_file_size(core), size);
		CHECK_U64(vmc_elfcore_headers_end(core),
			  ehsz + s->nr_phdrs * phsz);
		bad = SIZE_MAX;
		for (size_t i = 0; i < s->nr_phdrs; i++) {
			const struct vmc_phdr *p = vmc_elfcore_phdr(core, i);

			if ((!p || !phdr_eq(p, &s->phdrs[i])) && bad == SIZE_MAX)
				bad = i;
		}
		if (!CHECK(bad == SIZE_MAX, "parsed program header %zu differs",
			   bad)) {
			phdr_print("parsed", vmc_elfcore_phdr(core, bad));
			phdr_print("spec  ", &s->phdrs[bad]);
		}
		CHECK(vmc_elfcore_phdr(core, s->nr_phdrs) == NULL,
		      "phdr past the end is NULL");
		vmc_elfcore_free(core);
	}
	vmc_source_close(src);
}

/* Write @s into an exactly sized buffer (pre-filled with garbage). */
static uint8_t *write_spec(const struct vmc_elfcore_spec *s, size_t *size)
{
	vmc_error e;
	size_t want = expect_size(s), got = 0, used = 12345;
	vmc_status st = vmc_elfcore_size(s, &got, &e);
	uint8_t *b;

	CHECK_ST(st, VMC_OK, &e);
	CHECK_U64(got, want);
	b = malloc(want);
	memset(b, 0xaa, want);
	st = vmc_elfcore_write(s, b, want, &used, &e);
	CHECK_ST(st, VMC_OK, &e);
	CHECK_U64(used, want);
	*size = want;
	if (st) {
		free(b);
		return NULL;
	}
	return b;
}

static void test_round_trips(void)
{
	static struct vmc_phdr ph[64];

	for (unsigned i = 0; i < CASES; i++) {
		unsigned k = i % 4;
		struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
		uint8_t *b;
		size_t size;

		s.id.cls = combos[k].cls;
		s.id.order = combos[k].order;
		s.id.machine = (uint16_t)rng_next();
		s.osabi = (uint8_t)rng_next();
		s.e_flags = (uint32_t)rng_next();
		s.nr_phdrs = rng_below(41);
		for (size_t j = 0; j < s.nr_phdrs; j++)
			gen_phdr(s.id.cls, &ph[j]);
		s.phdrs = s.nr_phdrs || rng_below(2) ? ph : NULL;
		s.nr_slots = rng_below(3) ? 0 : rng_below(64);
		s.align = gen_align();
		t_case("round trip #%u %s, %zu phdrs, %zu slots, align %zu", i,
		       combos[k].name, s.nr_phdrs, s.nr_slots, s.align);
		b = write_spec(&s, &size);
		if (b) {
			verify(&s, b, size);
			free(b);
		}
	}
	t_case("%s", "");
}

/* ELFCLASS32: every word field above UINT32_MAX fails with RANGE. */
static void test_class32_range(void)
{
	static const char *const fields[] = {
		"offset", "vaddr", "paddr", "filesz", "memsz", "align",
	};
	struct vmc_phdr ph[8];

	for (unsigned i = 0; i < 600; i++) {
		struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
		size_t f = i % 6, at, size, used = 777;
		uint64_t big = (1ull << 32) + rng_below(UINT64_MAX - (1ull << 32));
		uint8_t *b;
		vmc_error e;
		uint64_t *w;

		s.id.cls = VMC_CLASS_32;
		s.id.order = i % 12 < 6 ? VMC_LE : VMC_BE;
		s.id.machine = VMC_EM_386;
		s.nr_phdrs = 1 + rng_below(8);
		for (size_t j = 0; j < s.nr_phdrs; j++)
			gen_phdr(VMC_CLASS_32, &ph[j]);
		at = rng_below(s.nr_phdrs);
		w = f == 0 ? &ph[at].offset : f == 1 ? &ph[at].vaddr :
		    f == 2 ? &ph[at].paddr : f == 3 ? &ph[at].filesz :
		    f == 4 ? &ph[at].memsz : &ph[at].align;
		*w = i % 7 == 0 ? (1ull << 32) : big;
		s.phdrs = ph;
		t_case("ELFCLASS32 p_%s = 0x%" PRIx64 " in phdr %zu", fields[f],
		       *w, at);
		CHECK_ST(vmc_elfcore_size(&s, &size, &e), VMC_OK, &e);
		b = malloc(size);
		CHECK_ST(vmc_elfcore_write(&s, b, size, &used, &e), VMC_ERR_RANGE,
			 &e);
		CHECK_U64(used, 777);
		free(b);
	}
	t_case("%s", "");
}

/* Below the size: NOSPACE and not one byte written. */
static void test_nospace(void)
{
	struct vmc_phdr ph[16];

	for (unsigned i = 0; i < 400; i++) {
		struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
		size_t size, cap, used = 99, untouched = 1;
		uint8_t *b;
		vmc_error e;

		s.id.cls = combos[i % 4].cls;
		s.id.order = combos[i % 4].order;
		s.nr_phdrs = rng_below(17);
		for (size_t j = 0; j < s.nr_phdrs; j++)
			gen_phdr(s.id.cls, &ph[j]);
		s.phdrs = ph;
		s.align = gen_align();
		vmc_elfcore_size(&s, &size, &e);
		cap = i % 3 == 0 ? size - 1 : rng_below(size);
		t_case("NOSPACE cap %zu of %zu", cap, size);
		b = malloc(cap ? cap : 1);
		memset(b, 0x5c, cap);
		CHECK_ST(vmc_elfcore_write(&s, b, cap, &used, &e),
			 VMC_ERR_NOSPACE, &e);
		CHECK_U64(used, 99);
		for (size_t j = 0; j < cap; j++)
			if (b[j] != 0x5c)
				untouched = 0;
		CHECK(untouched, "the buffer was written");
		free(b);
	}
	t_case("%s", "");
}

static void test_bad_specs(void)
{
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	struct vmc_phdr ph = { .type = VMC_PT_LOAD };
	uint8_t buf[256];
	size_t size, used;
	vmc_error e;

	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	s.phdrs = &ph;
	s.nr_phdrs = 1;
	s.version = 0;
	CHECK_ST(vmc_elfcore_size(&s, &size, &e), VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_elfcore_write(&s, buf, sizeof(buf), &used, &e),
		 VMC_ERR_INVALID, &e);
	s.version = VMC_ELFCORE_SPEC_VERSION;
	s.id.cls = 3;
	CHECK_ST(vmc_elfcore_size(&s, &size, &e), VMC_ERR_INVALID, &e);
	s.id.cls = VMC_CLASS_64;
	s.id.order = 0;
	CHECK_ST(vmc_elfcore_write(&s, buf, sizeof(buf), &used, &e),
		 VMC_ERR_INVALID, &e);
	s.id.order = VMC_BE;
	s.phdrs = NULL;
	CHECK_ST(vmc_elfcore_size(&s, &size, &e), VMC_ERR_INVALID, &e);
	s.nr_phdrs = 0;
	CHECK_ST(vmc_elfcore_size(&s, &size, &e), VMC_OK, &e);
	CHECK_U64(size, 64);

	/* Sizes: slots below nr_phdrs count as nr_phdrs; align rounds. */
	s.phdrs = &ph;
	s.nr_phdrs = 1;
	s.nr_slots = 0;
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 64 + 56);
	s.nr_slots = 10;
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 64 + 560);
	s.align = 4096;
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 4096);
	s.nr_slots = 72;	/* 64 + 72 * 56 = 4096 exactly */
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 4096);
	s.nr_slots = 73;
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 8192);
	s.id.cls = VMC_CLASS_32;
	s.nr_slots = 3;
	s.align = 0;
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 52 + 96);
	/*
	 * Section header 0 is added only for nr_phdrs >= PN_XNUM: unused
	 * slots need no extended numbering (elfcore.h).
	 */
	s.id.cls = VMC_CLASS_64;
	s.nr_slots = 0x10000;
	vmc_elfcore_size(&s, &size, &e);
	CHECK_U64(size, 64 + 0x10000 * 56);
}

/* Parser rejections on hand-broken headers. */
static void test_parse_errors(void)
{
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	struct vmc_phdr ph[2] = { { .type = VMC_PT_NOTE }, { .type = VMC_PT_LOAD } };
	uint8_t b[64 + 2 * 56], c[sizeof(b)];
	size_t used;
	vmc_error e;
	vmc_source *src;
	vmc_elfcore *core;

	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	s.phdrs = ph;
	s.nr_phdrs = 2;
	CHECK_ST(vmc_elfcore_write(&s, b, sizeof(b), &used, &e), VMC_OK, &e);

#define PARSE_FAILS(buf, len, what) do { \
	vmc_source_new_buffer(&src, buf, len, &e); \
	core = NULL; \
	t_case("%s", what); \
	CHECK_ST(vmc_elfcore_parse(&core, src, &e), VMC_ERR_CORRUPT, &e); \
	vmc_elfcore_free(core); \
	vmc_source_close(src); \
} while (0)

	PARSE_FAILS(b, 10, "shorter than e_ident");
	PARSE_FAILS(b, 40, "shorter than the ELF header");
	PARSE_FAILS(b, sizeof(b) - 1, "phdr table past the end");
	memcpy(c, b, sizeof(b));
	c[0] = 0x7e;
	PARSE_FAILS(c, sizeof(c), "bad magic");
	memcpy(c, b, sizeof(b));
	c[16] = 2;		/* ET_EXEC */
	PARSE_FAILS(c, sizeof(c), "not ET_CORE");
	memcpy(c, b, sizeof(b));
	c[54] = 32;		/* e_phentsize */
	PARSE_FAILS(c, sizeof(c), "e_phentsize");
	memcpy(c, b, sizeof(b));
	c[56] = 0xff;
	c[57] = 0xff;		/* PN_XNUM, e_shoff 0 */
	PARSE_FAILS(c, sizeof(c), "PN_XNUM without section header 0");
	memcpy(c, b, sizeof(b));
	c[4] = 3;
	PARSE_FAILS(c, sizeof(c), "bad class");
	t_case("%s", "");
}

/* ---- PN_XNUM ---- */

static void test_xnum_one(enum vmc_class cls, enum vmc_order o, size_t n,
			  const char *file)
{
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	struct vmc_phdr *ph = calloc(n, sizeof(*ph));
	uint8_t *b;
	size_t size;

	s.id = (struct vmc_elf_id){ cls, o, cls == VMC_CLASS_64 ?
				    VMC_EM_X86_64 : VMC_EM_PPC };
	for (size_t i = 0; i < n; i++) {
		uint64_t a = (uint64_t)i << 12;

		ph[i].type = VMC_PT_LOAD;
		ph[i].flags = VMC_PF_R | VMC_PF_W | VMC_PF_X;
		ph[i].offset = ph[i].paddr = a;
		ph[i].vaddr = cls == VMC_CLASS_64 ? 0xffff888000000000ull + a
						  : 0xc0000000u + a;
		ph[i].filesz = ph[i].memsz = 0x1000;
		if (cls == VMC_CLASS_32)
			ph[i].vaddr = (uint32_t)ph[i].vaddr;
	}
	s.phdrs = ph;
	s.nr_phdrs = n;
	t_case("PN_XNUM %zu phdrs ELF%d%s", n, cls == VMC_CLASS_64 ? 64 : 32,
	       o == VMC_LE ? "LE" : "BE");
	b = write_spec(&s, &size);
	if (b) {
		verify(&s, b, size);
		if (file) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", outdir, file);
			f = fopen(path, "wb");
			CHECK(f && fwrite(b, 1, size, f) == size && fclose(f) == 0,
			      "writing %s", path);
		}
		free(b);
	}
	free(ph);
	t_case("%s", "");
}

static void test_xnum(void)
{
	test_xnum_one(VMC_CLASS_64, VMC_LE, XNUM_N, "unit-elfcore-xnum-64le.core");
	test_xnum_one(VMC_CLASS_32, VMC_BE, XNUM_N, "unit-elfcore-xnum-32be.core");
	/* The boundary: 0xfffe fits e_phnum, 0xffff needs the escape. */
	test_xnum_one(VMC_CLASS_64, VMC_BE, 0xfffe, NULL);
	test_xnum_one(VMC_CLASS_32, VMC_LE, 0xffff, NULL);
}

/* ---- outside consumers ---- */

/*
 * A small vmcore-shaped file per class x order: the header, then a note
 * segment its PT_NOTE points at (so readelf -n has notes to decode), and
 * PT_LOADs whose data follows.
 */
static bool write_small(unsigned k, char *path, size_t cap)
{
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	struct vmc_phdr ph[4];
	uint8_t notes[512], desc[64];
	size_t hsize, nlen = 0, used;
	uint8_t *b;
	vmc_error e;
	FILE *f;
	bool ok;

	s.id.cls = combos[k].cls;
	s.id.order = combos[k].order;
	s.id.machine = s.id.cls == VMC_CLASS_64 ?
		       (s.id.order == VMC_LE ? VMC_EM_X86_64 : VMC_EM_S390) :
		       (s.id.order == VMC_LE ? VMC_EM_386 : VMC_EM_PPC);
	for (size_t i = 0; i < sizeof(desc); i++)
		desc[i] = (uint8_t)i;
	vmc_note_append(notes, sizeof(notes), &nlen, s.id.order, "CORE",
			VMC_NT_TASKSTRUCT, desc, 13, &e);
	vmc_note_append(notes, sizeof(notes), &nlen, s.id.order, "VMCOREINFO",
			0, "OSRELEASE=6.12.0\nPAGESIZE=4096\n", 30, &e);
	s.phdrs = ph;
	s.nr_phdrs = 4;
	s.nr_slots = 6;
	s.align = 4096;
	vmc_elfcore_size(&s, &hsize, &e);
	memset(ph, 0, sizeof(ph));
	ph[0].type = VMC_PT_NOTE;
	ph[0].offset = hsize;
	ph[0].filesz = nlen;
	for (unsigned i = 1; i < 4; i++) {
		ph[i].type = VMC_PT_LOAD;
		ph[i].flags = VMC_PF_R | VMC_PF_W | VMC_PF_X;
		ph[i].offset = hsize + 4096 * i;
		ph[i].paddr = 0x100000u * i;
		ph[i].vaddr = 0xc0000000u + ph[i].paddr;
		ph[i].filesz = ph[i].memsz = 4096;
		ph[i].align = 4096;
	}
	b = calloc(1, hsize + 4 * 4096);
	ok = vmc_elfcore_write(&s, b, hsize, &used, &e) == VMC_OK;
	memcpy(b + hsize, notes, nlen);
	verify(&s, b, hsize);
	snprintf(path, cap, "%s/unit-elfcore-%s.core", outdir, combos[k].name);
	f = fopen(path, "wb");
	ok = ok && f && fwrite(b, 1, hsize + 4 * 4096, f) == hsize + 4 * 4096;
	if (f)
		ok = fclose(f) == 0 && ok;
	free(b);
	return CHECK(ok, "writing %s", path);
}

static bool have_tool(const char *t)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", t);
	return system(cmd) == 0;
}

/*
 * Run "@tool @args @file"; exit 0 and no Error/Warning on stderr, and
 * @loads "LOAD" program header lines on stdout.
 */
static void run_tool(const char *tool, const char *args, const char *file,
		     unsigned loads)
{
	char cmd[8192], err[4200], line[1024];
	int rc;
	FILE *f;
	unsigned bad = 0, nload = 0;

	snprintf(err, sizeof(err), "%s.%s.stderr", file, tool);
	snprintf(cmd, sizeof(cmd), "%s %s '%s' >'%s.%s.stdout' 2>'%s'", tool,
		 args, file, file, tool, err);
	rc = system(cmd);
	CHECK(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0,
	      "%s %s %s exited with status 0x%x", tool, args, file, rc);
	f = fopen(err, "r");
	if (!CHECK(f != NULL, "reading %s", err))
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "Error") || strstr(line, "Warning") ||
		    strstr(line, "error") || strstr(line, "warning")) {
			bad++;
			printf("  %s %s: %s", tool, file, line);
		}
	}
	fclose(f);
	CHECK(bad == 0, "%s %s %s: %u error/warning lines on stderr", tool,
	      args, file, bad);
	snprintf(err, sizeof(err), "%s.%s.stdout", file, tool);
	f = fopen(err, "r");
	if (!CHECK(f != NULL, "reading %s", err))
		return;
	while (fgets(line, sizeof(line), f))
		nload += strncmp(line, "  LOAD ", 7) == 0;
	fclose(f);
	CHECK(nload == loads, "%s lists %u PT_LOADs of %s, want %u", tool,
	      nload, file, loads);
}

static void test_consumers(void)
{
	char paths[6][4096];
	bool re = have_tool("readelf"), eu = have_tool("eu-readelf");

	for (unsigned k = 0; k < 4; k++)
		write_small(k, paths[k], sizeof(paths[k]));
	snprintf(paths[4], sizeof(paths[4]), "%s/unit-elfcore-xnum-64le.core",
		 outdir);
	snprintf(paths[5], sizeof(paths[5]), "%s/unit-elfcore-xnum-32be.core",
		 outdir);
	if (!re)
		printf("note: readelf not installed; skipping its checks\n");
	if (!eu)
		printf("note: eu-readelf not installed; skipping its checks\n");
	for (unsigned k = 0; k < 6; k++) {
		t_case("consumers of %s", paths[k]);
		if (re)
			run_tool("readelf", "-lnW", paths[k], k < 4 ? 3 : XNUM_N);
		if (eu)
			run_tool("eu-readelf", "-l", paths[k], k < 4 ? 3 : XNUM_N);
	}
	t_case("%s", "");
}

/*
 * vmc_elfcore_kind and vmc_elfcore_segment_in_file on headers shaped as
 * each producer writes them.  Segment table: {type, offset, paddr, filesz};
 * OFF_IN is a note right after the program headers, in the file.
 */
#define OFF_IN UINT64_MAX
struct kind_seg {
	uint32_t type;
	uint64_t offset, paddr, filesz;
};

static void kind_case(const char *what, const struct kind_seg *seg, size_t n,
		      enum vmc_elfcore_kind want, bool note0_in_file)
{
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	struct vmc_phdr ph[8];
	size_t hsize, used;
	uint8_t b[4096] = { 0 };
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	vmc_error e;

	t_case("kind: %s", what);
	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_BE, VMC_EM_PPC64 };
	s.phdrs = ph;
	s.nr_phdrs = n;
	CHECK_ST(vmc_elfcore_size(&s, &hsize, &e), VMC_OK, &e);
	memset(ph, 0, sizeof(ph));
	for (size_t i = 0; i < n; i++) {
		ph[i].type = seg[i].type;
		ph[i].offset = seg[i].offset == OFF_IN ? hsize : seg[i].offset;
		ph[i].paddr = seg[i].paddr == OFF_IN ? hsize : seg[i].paddr;
		ph[i].filesz = ph[i].memsz = seg[i].filesz;
	}
	CHECK_ST(vmc_elfcore_write(&s, b, sizeof(b), &used, &e), VMC_OK, &e);
	/* The file ends 0x200 bytes after the headers. */
	CHECK_ST(vmc_source_new_buffer(&src, b, hsize + 0x200, &e), VMC_OK,
		 &e);
	if (src && vmc_elfcore_parse(&c, src, &e) == VMC_OK) {
		CHECK_U64(vmc_elfcore_kind(c), want);
		CHECK_U64(vmc_elfcore_segment_in_file(c, 0), note0_in_file);
		CHECK_U64(vmc_elfcore_segment_in_file(c, n), false);
	} else {
		CHECK(false, "parse: %s", e.msg);
	}
	vmc_elfcore_free(c);
	vmc_source_close(src);
}

static void test_kind(void)
{
	enum { N = VMC_PT_NOTE, L = VMC_PT_LOAD };
	const uint64_t M = 0x100000;
	/* Old memory (kexec_file, the crashed kernel): all equal, past EOF. */
	const struct kind_seg oldmem[] = {
		{ N, 0x7f000000, 0x7f000000, 0x200 },
		{ L, M, M, 0x1000000 }, { L, 0x2000000, 0x2000000, M },
	};
	/* kexec-tools: the backup region's load has p_offset != p_paddr. */
	const struct kind_seg kt[] = {
		{ N, 0x7f000000, 0x7f000000, 0x200 },
		{ L, 0x6f000000, 0, 0xa0000 }, { L, M, M, M },
	};
	/* fadump: CPU notes in the file, VMCOREINFO in old memory, two
	 * boot-memory regions moved by firmware (p_offset: the copy). */
	const struct kind_seg fadump[] = {
		{ N, OFF_IN, OFF_IN, 0x100 },
		{ N, 0x1090000, 0x1090000, 0x1000 },
		{ L, 0x1010000, 0, M }, { L, 0x1110000, 0x200000, M },
		{ L, 0x300000, 0x300000, 0xd00000 },
		{ L, 0x1400000, 0x1400000, 0xc00000 },
	};
	/* s390 zfcpdump: notes in the file at their offset, p_paddr 0. */
	const struct kind_seg zfcp[] = {
		{ N, OFF_IN, 0, 0x100 }, { L, 0, 0, 0x400000 },
		{ L, 0x400000, 0x400000, 0x400000 },
	};
	/* A vmcore cut short: offsets are file positions, past EOF late. */
	const struct kind_seg cut[] = {
		{ N, OFF_IN, 0, 0x100 }, { L, 0x1000, 0, M },
		{ L, 0x101000, M, M }, { L, 0x201000, 0x4000000, M },
	};
	/* Half of the loads moved is no longer an elfcorehdr's shape. */
	const struct kind_seg half[] = {
		{ N, 0x7f000000, 0x7f000000, 0x200 }, { L, 0x1000, 0, M },
		{ L, 0x101000, M, M }, { L, 0x2000000, 0x2000000, M },
	};
	/* A complete vmcore: everything inside. */
	const struct kind_seg whole[] = {
		{ N, OFF_IN, 0, 0x100 }, { L, OFF_IN, 0, 0x100 },
	};

	kind_case("oldmem", oldmem, 3, VMC_KIND_ELFCOREHDR, false);
	kind_case("kexec-tools backup", kt, 3, VMC_KIND_ELFCOREHDR, false);
	kind_case("fadump", fadump, 6, VMC_KIND_ELFCOREHDR, true);
	kind_case("zfcpdump", zfcp, 3, VMC_KIND_ELFCOREHDR, true);
	kind_case("truncated vmcore", cut, 4, VMC_KIND_VMCORE, true);
	kind_case("half moved", half, 4, VMC_KIND_VMCORE, false);
	kind_case("whole vmcore", whole, 2, VMC_KIND_VMCORE, true);
	kind_case("no segments", whole, 0, VMC_KIND_UNKNOWN, false);
	t_case("%s", "");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		outdir = argv[1];
	rng_seed("test_elfcore", 0x454c46434f524501ull);
	test_bad_specs();
	test_parse_errors();
	test_round_trips();
	test_class32_range();
	test_nospace();
	test_xnum();
	test_kind();
	test_consumers();
	return t_finish();
}
