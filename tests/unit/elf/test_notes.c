// SPDX-License-Identifier: MIT
/*
 * ELF notes: append -> walk round trips against an independent layout
 * (12-byte header, name and desc each padded to 4), the kernel's walk rules
 * (fs/proc/vmcore.c update_note_header_size_elf64) on exactly sized heap
 * buffers so ASan sees any read past the segment, NT_PRSTATUS layouts per
 * architecture, VMCOREINFO lookups and NT_VMCOREDD.
 */
#include "unit.h"
#include "vmcorekit/notes.h"

#define CASES 3000
#define MAXN 24

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void wr32(enum vmc_order o, uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[o == VMC_LE ? i : 3 - i] = (uint8_t)(v >> (8 * i));
}

static void wr64(enum vmc_order o, uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[o == VMC_LE ? i : 7 - i] = (uint8_t)(v >> (8 * i));
}

static void wr16(enum vmc_order o, uint8_t *p, uint16_t v)
{
	p[o == VMC_LE ? 0 : 1] = (uint8_t)v;
	p[o == VMC_LE ? 1 : 0] = (uint8_t)(v >> 8);
}

static uint32_t rd32(enum vmc_order o, const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[i] << (8 * (o == VMC_LE ? i : 3 - i));
	return v;
}

struct gen_note {
	char name[48];
	uint32_t type;
	size_t descsz;
	uint8_t desc[300];
	size_t off, len;
};

static size_t gen_len(void)
{
	static const size_t pick[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9 };

	return rng_below(3) ? pick[rng_below(9)] : rng_below(300);
}

static void gen_notes(struct gen_note *n, size_t k)
{
	size_t off = 0;

	for (size_t i = 0; i < k; i++) {
		size_t nl = rng_below(4) ? gen_len() % 12 : rng_below(47);

		for (size_t j = 0; j < nl; j++)
			n[i].name[j] = (char)rng_between(0x21, 0x7e);
		n[i].name[nl] = '\0';
		n[i].type = (uint32_t)rng_next();
		n[i].descsz = gen_len();
		for (size_t j = 0; j < n[i].descsz; j++)
			n[i].desc[j] = (uint8_t)rng_next();
		n[i].off = off;
		n[i].len = 12 + pad4(nl + 1) + pad4(n[i].descsz);
		off += n[i].len;
	}
}

/* Append @k notes into a buffer of exactly @cap bytes. */
static uint8_t *append_all(const struct gen_note *n, size_t k,
			   enum vmc_order o, size_t cap, size_t *used)
{
	uint8_t *b = malloc(cap ? cap : 1);
	vmc_error e;

	memset(b, 0xee, cap);
	*used = 0;
	for (size_t i = 0; i < k; i++) {
		size_t before = *used;
		vmc_status st = vmc_note_append(b, cap, used, o, n[i].name,
						n[i].type, n[i].desc,
						n[i].descsz, &e);

		CHECK_ST(st, VMC_OK, &e);
		CHECK_U64(*used - before, n[i].len);
	}
	return b;
}

/* The notes walk back as @n[0..@k), then the walk ends. */
static void walk_expect(const uint8_t *b, size_t len, enum vmc_order o,
			const struct gen_note *n, size_t k)
{
	struct vmc_note_iter it;
	struct vmc_note got;
	size_t i = 0;

	vmc_notes_iter_init(&it, b, len, o);
	while (vmc_notes_next(&it, &got) == VMC_OK) {
		size_t nl;

		if (!CHECK(i < k, "walk returns note %zu of %zu", i, k))
			break;
		nl = strlen(n[i].name);
		CHECK_U64(got.type, n[i].type);
		CHECK_U64(got.namesz, nl + 1);
		CHECK_U64(got.descsz, n[i].descsz);
		CHECK_U64(got.off, n[i].off);
		CHECK_U64(got.len, n[i].len);
		CHECK(got.name == (const char *)b + n[i].off + 12 &&
		      memcmp(got.name, n[i].name, nl + 1) == 0, "note %zu name", i);
		CHECK(got.desc == b + n[i].off + 12 + pad4(nl + 1) &&
		      (n[i].descsz == 0 ||
		       memcmp(got.desc, n[i].desc, n[i].descsz) == 0),
		      "note %zu desc", i);
		CHECK(vmc_note_name_is(&got, n[i].name), "name_is(%s)",
		      n[i].name);
		i++;
	}
	CHECK_U64(i, k);
}

static void test_round_trip(void)
{
	static struct gen_note n[MAXN];

	for (unsigned c = 0; c < CASES; c++) {
		enum vmc_order o = c % 2 ? VMC_BE : VMC_LE;
		size_t k = rng_below(MAXN + 1), total = 0, used, bad = SIZE_MAX;
		struct vmc_note_iter it;
		struct vmc_note dummy;
		uint8_t *b;
		bool term = rng_below(2);

		gen_notes(n, k);
		for (size_t i = 0; i < k; i++)
			total += n[i].len;
		t_case("round trip #%u, %zu notes, %s, %s", c, k,
		       o == VMC_LE ? "LE" : "BE",
		       term ? "terminated" : "exact end");
		/* Exactly sized: a segment ending right after the last note. */
		b = append_all(n, k, o, total + (term ? 12 : 0), &used);
		CHECK_U64(used, total);
		if (term)
			memset(b + total, 0, 12);
		/* Independent layout check of the bytes. */
		for (size_t i = 0; i < k && bad == SIZE_MAX; i++) {
			const uint8_t *p = b + n[i].off;
			size_t nl = strlen(n[i].name);
			size_t dpos = 12 + pad4(nl + 1);

			if (rd32(o, p) != nl + 1 || rd32(o, p + 4) != n[i].descsz ||
			    rd32(o, p + 8) != n[i].type ||
			    memcmp(p + 12, n[i].name, nl + 1) != 0 ||
			    (n[i].descsz &&
			     memcmp(p + dpos, n[i].desc, n[i].descsz) != 0))
				bad = i;
			for (size_t j = 12 + nl + 1; j < dpos; j++)
				if (p[j])
					bad = i;
			for (size_t j = dpos + n[i].descsz; j < n[i].len; j++)
				if (p[j])
					bad = i;
		}
		CHECK(bad == SIZE_MAX, "note %zu bytes are not the ELF layout",
		      bad);
		walk_expect(b, used + (term ? 12 : 0), o, n, k);
		vmc_notes_iter_init(&it, b, used + (term ? 12 : 0), o);
		while (vmc_notes_next(&it, &dummy) == VMC_OK)
			;
		CHECK_U64(it.real_len, total);
		CHECK(!it.dropped, "no note dropped");
		CHECK(it.terminated == (term && true), "terminated is %d",
		      it.terminated);
		CHECK(vmc_notes_next(&it, &dummy) == VMC_ERR_NOTFOUND,
		      "the walk stays over");
		for (size_t i = 0; i < k; i++)
			CHECK_U64(vmc_note_size((uint32_t)strlen(n[i].name) + 1,
						(uint32_t)n[i].descsz), n[i].len);
		free(b);

		/* Cut the segment anywhere: complete notes survive. */
		if (k) {
			size_t cut = rng_below(total), keep = 0, left;
			uint8_t *full = append_all(n, k, o, total, &used);
			uint8_t *t = malloc(cut ? cut : 1);

			memcpy(t, full, cut);
			while (keep < k && n[keep].off + n[keep].len <= cut)
				keep++;
			left = cut - (keep ? n[keep - 1].off + n[keep - 1].len : 0);
			t_case("cut #%u at %zu of %zu: %zu whole notes", c, cut,
			       total, keep);
			walk_expect(t, cut, o, n, keep);
			vmc_notes_iter_init(&it, t, cut, o);
			while (vmc_notes_next(&it, &dummy) == VMC_OK)
				;
			CHECK_U64(it.real_len, cut - left);
			CHECK(!it.terminated, "a cut walk is not terminated");
			/* Every generated note has n_namesz >= 1. */
			if (left >= 4)
				CHECK(it.dropped, "a note passing the end "
				      "(%zu bytes left) is dropped", left);
			else
				CHECK(!it.dropped, "%zu bytes left: nothing to "
				      "drop", left);
			if (left >= 12) {
				CHECK_U64(it.dropped_hdr.namesz,
					  strlen(n[keep].name) + 1);
				CHECK_U64(it.dropped_hdr.descsz, n[keep].descsz);
			}
			free(t);
			free(full);
		}
	}
	t_case("%s", "");
}

static void test_walk_rules(void)
{
	static const uint32_t huge[][2] = {
		{ 0xffffffffu, 0 }, { 0, 0xffffffffu }, { 5, 0xffffffffu },
		{ 0xffffffffu, 0xffffffffu }, { 0xfffffffdu, 4 },
		{ 4, 0xfffffffdu }, { 0xfffffffcu, 0xfffffffcu },
	};
	vmc_error e;

	for (int oi = 0; oi < 2; oi++) {
		enum vmc_order o = oi ? VMC_BE : VMC_LE;

		/* A note with n_namesz / n_descsz near 2^32: dropped. */
		for (size_t h = 0; h < sizeof(huge) / sizeof(huge[0]); h++) {
			size_t used = 0, cap = 24 + 64;
			uint8_t *b = malloc(cap);
			struct vmc_note_iter it;
			struct vmc_note n;
			uint32_t ns = huge[h][0] ? huge[h][0] : 1;

			memset(b, 0x41, cap);
			vmc_note_append(b, cap, &used, o, "CORE", 1, "abcd", 4, &e);
			wr32(o, b + used, ns);
			wr32(o, b + used + 4, huge[h][1]);
			wr32(o, b + used + 8, 1);
			t_case("namesz 0x%x descsz 0x%x %s", ns, huge[h][1],
			       oi ? "BE" : "LE");
			vmc_notes_iter_init(&it, b, cap, o);
			CHECK(vmc_notes_next(&it, &n) == VMC_OK, "first note");
			CHECK(vmc_notes_next(&it, &n) == VMC_ERR_NOTFOUND,
			      "huge note not returned");
			CHECK(it.dropped, "huge note dropped");
			CHECK(!it.terminated, "not terminated");
			CHECK_U64(it.real_len, 24);
			CHECK_U64(it.dropped_hdr.namesz, ns);
			CHECK_U64(it.dropped_hdr.descsz, huge[h][1]);
			free(b);
		}

		/* n_namesz == 0 stops the walk even with data after it. */
		{
			size_t used = 0, cap = 24 + 12 + 24;
			uint8_t *b = malloc(cap);
			struct vmc_note_iter it;
			struct vmc_note n;

			vmc_note_append(b, cap, &used, o, "CORE", 1, "abcd", 4, &e);
			memset(b + used, 0, 12);
			wr32(o, b + used + 4, 77);	/* descsz ignored */
			used += 12;
			vmc_note_append(b, cap, &used, o, "CORE", 1, "abcd", 4, &e);
			t_case("terminator %s", oi ? "BE" : "LE");
			vmc_notes_iter_init(&it, b, cap, o);
			CHECK(vmc_notes_next(&it, &n) == VMC_OK, "first note");
			CHECK(vmc_notes_next(&it, &n) == VMC_ERR_NOTFOUND,
			      "stops at namesz 0");
			CHECK(it.terminated && !it.dropped, "terminated");
			CHECK_U64(it.real_len, 24);
			free(b);
		}

		/* Empty segment; 1..11 trailing bytes. */
		for (size_t tail = 0; tail < 12; tail++) {
			size_t cap = 24 + tail, used = 0;
			uint8_t *b = malloc(cap);
			struct vmc_note_iter it;
			struct vmc_note n;

			vmc_note_append(b, cap, &used, o, "CORE", 1, "abcd", 4, &e);
			memset(b + used, 0x01, tail);
			t_case("%zu trailing nonzero bytes %s", tail,
			       oi ? "BE" : "LE");
			vmc_notes_iter_init(&it, b, cap, o);
			CHECK(vmc_notes_next(&it, &n) == VMC_OK, "first note");
			CHECK(vmc_notes_next(&it, &n) == VMC_ERR_NOTFOUND, "end");
			CHECK_U64(it.real_len, 24);
			CHECK(it.dropped == (tail >= 4), "dropped %d", it.dropped);
			memset(b + used, 0, tail);
			vmc_notes_iter_init(&it, b, cap, o);
			vmc_notes_next(&it, &n);
			CHECK(vmc_notes_next(&it, &n) == VMC_ERR_NOTFOUND, "end");
			CHECK(!it.dropped, "zero tail is not a dropped note");
			CHECK(it.terminated == (tail >= 12), "terminated");
			free(b);
		}
		{
			struct vmc_note_iter it;
			struct vmc_note n;
			uint8_t one;

			vmc_notes_iter_init(&it, &one, 0, o);
			CHECK(vmc_notes_next(&it, &n) == VMC_ERR_NOTFOUND,
			      "empty segment");
			CHECK(!it.dropped && !it.terminated && it.real_len == 0,
			      "empty segment results");
		}
	}
	t_case("%s", "");

	/* vmc_note_size is 64-bit safe. */
	CHECK_U64(vmc_note_size(0xffffffffu, 0xffffffffu),
		  12 + 0x100000000ull * 2);
	CHECK_U64(vmc_note_size(0xfffffffdu, 0), 12 + 0x100000000ull);
	CHECK_U64(vmc_note_size(1, 0), 16);
	CHECK_U64(vmc_note_size(0, 0), 12);

	/* Append: NOSPACE leaves buffer and *used alone. */
	{
		uint8_t b[40];
		size_t used = 8;

		memset(b, 0x77, sizeof(b));
		CHECK_ST(vmc_note_append(b, sizeof(b), &used, VMC_LE, "CORE", 1,
					 b, 17, &e), VMC_ERR_NOSPACE, &e);
		CHECK_U64(used, 8);
		for (size_t i = 0; i < sizeof(b); i++)
			if (!CHECK(b[i] == 0x77, "byte %zu written", i))
				break;
		used = 50;	/* already past the capacity */
		CHECK_ST(vmc_note_append(b, sizeof(b), &used, VMC_LE, "A", 1,
					 NULL, 0, &e), VMC_ERR_NOSPACE, &e);
		used = 8;
		CHECK_ST(vmc_note_append(b, sizeof(b), &used, VMC_LE, "CORE", 1,
					 b, 12, &e), VMC_OK, &e);
		CHECK_U64(used, 40);
	}
	/* name_is accepts names stored without their NUL. */
	{
		struct vmc_note n = { .name = "CORE", .namesz = 4 };

		CHECK(vmc_note_name_is(&n, "CORE"), "name without NUL");
		n.namesz = 5;
		CHECK(vmc_note_name_is(&n, "CORE"), "name with NUL");
		CHECK(!vmc_note_name_is(&n, "COR"), "prefix is not the name");
		n.namesz = 3;
		CHECK(!vmc_note_name_is(&n, "CORE"), "short namesz");
	}
}

/* ---- NT_PRSTATUS ---- */

static uint64_t regval(unsigned i, bool w64)
{
	uint64_t v = 0x0123456789abcdefull ^ ((uint64_t)(i + 1) * 0x1111111111111111ull);

	return w64 ? v : (uint32_t)v;
}

struct arch_case {
	const char *name;
	struct vmc_elf_id id;
	size_t size, pid_off, reg_off;
	unsigned nregs, ip, sp;
	const char *ip_name, *sp_name;
};

static void test_prstatus(void)
{
	static const struct arch_case arches[] = {
		{ "x86_64", { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 }, 336, 32, 112,
		  27, 16, 19, "rip", "rsp" },
		{ "arm64", { VMC_CLASS_64, VMC_LE, VMC_EM_AARCH64 }, 392, 32, 112,
		  34, 32, 31, "pc", "sp" },
		{ "ppc64", { VMC_CLASS_64, VMC_BE, VMC_EM_PPC64 }, 504, 32, 112,
		  48, 32, 1, "nip", "r1" },
		{ "ppc64le", { VMC_CLASS_64, VMC_LE, VMC_EM_PPC64 }, 504, 32, 112,
		  48, 32, 1, "nip", "r1" },
		{ "i386", { VMC_CLASS_32, VMC_LE, VMC_EM_386 }, 144, 24, 72,
		  17, 12, 15, "eip", "esp" },
	};
	vmc_error e;

	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		const struct arch_case *c = &arches[a];
		bool w64 = c->id.cls == VMC_CLASS_64;
		uint8_t *b = calloc(1, c->size);
		struct vmc_prstatus p;
		vmc_status st;

		t_case("prstatus %s", c->name);
		wr32(c->id.order, b, 11);		/* si_signo */
		wr16(c->id.order, b + 12, 6);		/* pr_cursig */
		wr32(c->id.order, b + c->pid_off, 4242);
		wr32(c->id.order, b + c->pid_off + 4, 1);
		for (unsigned i = 0; i < c->nregs; i++) {
			if (w64)
				wr64(c->id.order, b + c->reg_off + 8 * i,
				     regval(i, true));
			else
				wr32(c->id.order, b + c->reg_off + 4 * i,
				     (uint32_t)regval(i, false));
		}
		st = vmc_prstatus_decode(&c->id, b, c->size, &p, &e);
		CHECK_ST(st, VMC_OK, &e);
		CHECK_U64(p.signo, 11);
		CHECK_U64(p.cursig, 6);
		CHECK_U64(p.pid, 4242);
		CHECK_U64(p.ppid, 1);
		CHECK_U64(p.nr_regs, c->nregs);
		CHECK_U64(p.ip, regval(c->ip, w64));
		CHECK_U64(p.sp, regval(c->sp, w64));
		for (unsigned i = 0; i < c->nregs && i < p.nr_regs; i++)
			CHECK_U64(p.regs[i], regval(i, w64));
		if (p.reg_names && p.nr_regs > c->ip && p.nr_regs > c->sp) {
			CHECK_STR(p.reg_names[c->ip], c->ip_name);
			CHECK_STR(p.reg_names[c->sp], c->sp_name);
		}
		/* Short descs: CORRUPT.  pr_reg must fit. */
		st = vmc_prstatus_decode(&c->id, b,
					 c->reg_off + c->nregs * (w64 ? 8 : 4) - 1,
					 &p, &e);
		CHECK_ST(st, VMC_ERR_CORRUPT, &e);
		st = vmc_prstatus_decode(&c->id, b, 0, &p, &e);
		CHECK_ST(st, VMC_ERR_CORRUPT, &e);
		free(b);
	}

	/* s390x (BE): psw {mask, addr}, gprs[16], acrs[16] u32, orig_gpr2. */
	{
		struct vmc_elf_id id = { VMC_CLASS_64, VMC_BE, VMC_EM_S390 };
		uint8_t *b = calloc(1, 336);
		uint8_t *r = b + 112;
		struct vmc_prstatus p;

		t_case("prstatus s390x");
		wr32(VMC_BE, b + 32, 77);
		wr64(VMC_BE, r, 0x0705000180000000ull);		/* psw.mask */
		wr64(VMC_BE, r + 8, 0x00000000001234a0ull);	/* psw.addr */
		for (unsigned i = 0; i < 16; i++)
			wr64(VMC_BE, r + 16 + 8 * i, 0x1000 + i);
		for (unsigned i = 0; i < 16; i++)
			wr32(VMC_BE, r + 144 + 4 * i, 0xa0 + i);
		wr64(VMC_BE, r + 208, 0xdeadbeefull);
		CHECK_ST(vmc_prstatus_decode(&id, b, 336, &p, &e), VMC_OK, &e);
		CHECK_U64(p.pid, 77);
		CHECK_U64(p.ip, 0x1234a0);
		CHECK_U64(p.sp, 0x1000 + 15);
		CHECK_U64(p.regs[0], 0x0705000180000000ull);
		CHECK_U64(p.regs[2], 0x1000);		/* r0 */
		CHECK_U64(p.regs[18], 0xa0);		/* a0 */
		CHECK_U64(p.regs[33], 0xaf);		/* a15 */
		CHECK_U64(p.regs[34], 0xdeadbeef);	/* orig_gpr2 */
		CHECK_U64(p.nr_regs, 35);
		CHECK_ST(vmc_prstatus_decode(&id, b, 112 + 215, &p, &e),
			 VMC_ERR_CORRUPT, &e);
		free(b);
	}
	{
		struct vmc_elf_id id = { VMC_CLASS_64, VMC_LE, VMC_EM_RISCV };
		uint8_t b[512] = { 0 };
		struct vmc_prstatus p;

		t_case("prstatus riscv");
		CHECK_ST(vmc_prstatus_decode(&id, b, sizeof(b), &p, &e),
			 VMC_ERR_UNSUPPORTED, &e);
	}
	t_case("%s", "");
}

/* ---- VMCOREINFO ---- */

static void test_vmcoreinfo(void)
{
	static const char text[] =
		"OSRELEASE=6.12.0-1-amd64\n"
		"BUILD-ID=0123abcd\n"
		"PAGESIZE=4096\n"
		"SYMBOL(_stext)=ffffffff81000000\n"
		"NUMBER(x)=-1\n"
		"NUMBER(phys_base)=0x1000000\n"
		"SIZE(list_head)=16\n"
		"KERNELOFFSET=1e000000\n"
		"CRASHTIME=1700000000";
	size_t len = sizeof(text) - 1;
	char *t = malloc(len);		/* no NUL: ASan sees over-reads */
	char val[64];
	uint64_t v = 0;

	memcpy(t, text, len);
	t_case("vmcoreinfo");
	CHECK(vmc_vmcoreinfo_get(t, len, "OSRELEASE", val, sizeof(val)) ==
	      VMC_OK && strcmp(val, "6.12.0-1-amd64") == 0, "OSRELEASE '%s'",
	      val);
	CHECK(vmc_vmcoreinfo_get(t, len, "OSRELEASE", val, 14) ==
	      VMC_ERR_NOSPACE, "value longer than the buffer");
	CHECK(vmc_vmcoreinfo_get(t, len, "OSRELEASE", val, 15) == VMC_OK,
	      "value exactly fits");
	CHECK(vmc_vmcoreinfo_get(t, len, "CRASHTIME", val, sizeof(val)) ==
	      VMC_OK && strcmp(val, "1700000000") == 0,
	      "last line without a newline");
	CHECK(vmc_vmcoreinfo_get(t, len - 3, "CRASHTIME", val, sizeof(val)) ==
	      VMC_OK && strcmp(val, "1700000") == 0, "len bounds the text");
	CHECK(vmc_vmcoreinfo_get(t, len, "PAGE", val, sizeof(val)) ==
	      VMC_ERR_NOTFOUND, "a key prefix is not a key");
	CHECK(vmc_vmcoreinfo_get(t, len, "NOPE", val, sizeof(val)) ==
	      VMC_ERR_NOTFOUND, "missing key");
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "PAGESIZE", &v) == VMC_OK &&
	      v == 4096, "PAGESIZE decimal: %" PRIu64, v);
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "SYMBOL(_stext)", &v) == VMC_OK &&
	      v == 0xffffffff81000000ull, "SYMBOL hex: 0x%" PRIx64, v);
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "KERNELOFFSET", &v) == VMC_OK &&
	      v == 0x1e000000, "KERNELOFFSET hex: 0x%" PRIx64, v);
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "NUMBER(phys_base)", &v) ==
	      VMC_OK && v == 0x1000000, "0x-prefixed: 0x%" PRIx64, v);
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "SIZE(list_head)", &v) == VMC_OK &&
	      v == 16, "SIZE decimal");
	v = 12345;
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "NUMBER(x)", &v) != VMC_OK &&
	      v == 12345, "NUMBER(x)=-1 is not a u64");
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "OSRELEASE", &v) != VMC_OK,
	      "OSRELEASE is not a number");
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "BUILD-ID", &v) != VMC_OK,
	      "decimal key with hex digits");
	CHECK(vmc_vmcoreinfo_get_u64(t, len, "MISSING", &v) ==
	      VMC_ERR_NOTFOUND, "missing key");
	free(t);
	t_case("%s", "");
}

/* ---- NT_VMCOREDD ---- */

static void test_vmcoredd(void)
{
	uint8_t desc[44 + 100], *b;
	size_t cap = 1024, used = 0;
	struct vmc_note_iter it;
	struct vmc_note n;
	struct vmc_vmcoredd dd;
	vmc_error e;

	t_case("vmcoredd");
	memset(desc, 0, sizeof(desc));
	memcpy(desc, "nvme0_regs", 10);
	for (size_t i = 44; i < sizeof(desc); i++)
		desc[i] = (uint8_t)i;
	b = malloc(cap);
	vmc_note_append(b, cap, &used, VMC_LE, "LINUX", VMC_NT_VMCOREDD, desc,
			sizeof(desc), &e);
	vmc_note_append(b, cap, &used, VMC_LE, "LINUX", VMC_NT_VMCOREDD, desc,
			44, &e);
	vmc_note_append(b, cap, &used, VMC_LE, "LINUX", VMC_NT_VMCOREDD, desc,
			43, &e);
	vmc_note_append(b, cap, &used, VMC_LE, "CORE", VMC_NT_VMCOREDD, desc,
			sizeof(desc), &e);
	vmc_note_append(b, cap, &used, VMC_LE, "LINUX", VMC_NT_PRSTATUS, desc,
			sizeof(desc), &e);
	vmc_notes_iter_init(&it, b, used, VMC_LE);

	CHECK(vmc_notes_next(&it, &n) == VMC_OK, "note 1");
	CHECK_STR(vmc_note_type_name(&n), "NT_VMCOREDD");
	CHECK_ST(vmc_vmcoredd_decode(&n, &dd, &e), VMC_OK, &e);
	CHECK_STR(dd.name, "nvme0_regs");
	CHECK_U64(dd.data_len, 100);
	CHECK(dd.data == n.desc + 44 && dd.data[0] == 44, "payload");

	CHECK(vmc_notes_next(&it, &n) == VMC_OK, "note 2");
	CHECK_ST(vmc_vmcoredd_decode(&n, &dd, &e), VMC_OK, &e);
	CHECK_U64(dd.data_len, 0);

	CHECK(vmc_notes_next(&it, &n) == VMC_OK, "note 3");
	CHECK_ST(vmc_vmcoredd_decode(&n, &dd, &e), VMC_ERR_CORRUPT, &e);

	CHECK(vmc_notes_next(&it, &n) == VMC_OK, "note 4");
	CHECK(vmc_vmcoredd_decode(&n, &dd, &e) != VMC_OK, "owner CORE");

	CHECK(vmc_notes_next(&it, &n) == VMC_OK, "note 5");
	CHECK(vmc_vmcoredd_decode(&n, &dd, &e) != VMC_OK, "type not 0x700");
	free(b);

	/* A 44-byte name with no NUL is still terminated. */
	memset(desc, 'x', 44);
	{
		struct vmc_note m = { .type = VMC_NT_VMCOREDD, .namesz = 6,
				      .name = "LINUX", .descsz = 44,
				      .desc = desc };

		CHECK_ST(vmc_vmcoredd_decode(&m, &dd, &e), VMC_OK, &e);
		CHECK_U64(strlen(dd.name), 44);
	}
	t_case("%s", "");
}

int main(void)
{
	rng_seed("test_notes", 0x4e4f544553000001ull);
	test_round_trip();
	test_walk_rules();
	test_prstatus();
	test_vmcoreinfo();
	test_vmcoredd();
	return t_finish();
}
