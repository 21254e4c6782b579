// SPDX-License-Identifier: MIT
/*
 * vmcorekit guest's library parts: the QEMU `info registers -a` parser
 * (random register files printed the way QEMU prints them, read back),
 * its refusals (a missing vCPU, a missing register, a truncated file,
 * 32-bit text), the guest core header (parsed back, NT_PRSTATUS decoded by
 * the library's own decoder) and the x86_64 page-table walk over a small
 * synthetic guest.  With a panic capture (argv[1]: a directory holding
 * registers.txt and qemu-dump-head.bin) our NT_PRSTATUS must equal the
 * one QEMU's dump-guest-memory wrote at the same moment, byte for byte.
 */
#include "unit.h"

#include "vmcorekit/vmcorekit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* QEMU's names in print order -> pr_reg slot. */
static const struct { const char *name; int reg; } gp[] = {
	{ "RAX", VMC_X86_RAX }, { "RBX", VMC_X86_RBX }, { "RCX", VMC_X86_RCX },
	{ "RDX", VMC_X86_RDX }, { "RSI", VMC_X86_RSI }, { "RDI", VMC_X86_RDI },
	{ "RBP", VMC_X86_RBP }, { "RSP", VMC_X86_RSP }, { "R8 ", VMC_X86_R8 },
	{ "R9 ", VMC_X86_R9 }, { "R10", VMC_X86_R10 }, { "R11", VMC_X86_R11 },
	{ "R12", VMC_X86_R12 }, { "R13", VMC_X86_R13 }, { "R14", VMC_X86_R14 },
	{ "R15", VMC_X86_R15 },
};

/* One CPU block as target/i386/cpu-dump.c prints it; @want gets the
 * registers the parser must return. */
static size_t print_cpu(char *b, size_t cap, unsigned idx, uint64_t *want,
			bool skip_rip)
{
	size_t n = 0;

	memset(want, 0, VMC_X86_NR_REGS * sizeof(*want));
	n += (size_t)snprintf(b + n, cap - n, "CPU#%u\n", idx);
	for (size_t i = 0; i < ARRAY_LEN(gp); i++) {
		uint64_t v = rnd();

		want[gp[i].reg] = v;
		n += (size_t)snprintf(b + n, cap - n, "%s=%016" PRIx64 "%s",
				      gp[i].name, v, i % 4 == 3 ? "\n" : " ");
	}
	want[VMC_X86_RIP] = rnd();
	want[VMC_X86_EFLAGS] = rnd() & 0x3fffff;
	if (!skip_rip)
		n += (size_t)snprintf(b + n, cap - n, "RIP=%016" PRIx64
				      " RFL=%08" PRIx64 " [--S-A--] CPL=0 "
				      "II=0 A20=1 SMM=0 HLT=%u\n",
				      want[VMC_X86_RIP], want[VMC_X86_EFLAGS],
				      idx & 1);
	static const struct { const char *n; int sel, base; } seg[] = {
		{ "ES", VMC_X86_ES, -1 }, { "CS", VMC_X86_CS, -1 },
		{ "SS", VMC_X86_SS, -1 }, { "DS", VMC_X86_DS, -1 },
		{ "FS", VMC_X86_FS, VMC_X86_FS_BASE },
		{ "GS", VMC_X86_GS, VMC_X86_GS_BASE },
	};
	for (size_t i = 0; i < ARRAY_LEN(seg); i++) {
		uint64_t sel = rnd() & 0xffff, base = rnd();

		want[seg[i].sel] = sel;
		if (seg[i].base >= 0)
			want[seg[i].base] = base;
		n += (size_t)snprintf(b + n, cap - n, "%s =%04" PRIx64 " %016"
				      PRIx64 " ffffffff 00af9b00 DPL=0 CS64 "
				      "[-RA]\n", seg[i].n, sel, base);
	}
	n += (size_t)snprintf(b + n, cap - n,
			      "LDT=0000 0000000000000000 00000000 00008200\n"
			      "GDT=     fffffe3f1fa99000 0000007f\n"
			      "CR0=80050033 CR2=00007ffedfcdc078 "
			      "CR3=0000000002356000 CR4=00750ef0\n"
			      "EFER=0000000000000d01\n"
			      "XMM00=0000000000000000 0000000000000000\n");
	return n;
}

static void test_parse_random(void)
{
	static char text[1 << 16];
	static uint64_t want[8][VMC_X86_NR_REGS];

	for (int round = 0; round < 200; round++) {
		unsigned nr = 1 + (unsigned)(rnd() % 8);
		size_t n = 0;
		vmc_vcpus *v = NULL;
		vmc_error e = { 0 };

		t_case("random round %d, %u CPUs", round, nr);
		for (unsigned c = 0; c < nr; c++)
			n += print_cpu(text + n, sizeof(text) - n, c, want[c],
				       false);
		CHECK_ST(vmc_vcpus_parse_qemu(&v, text, n, &e), VMC_OK, &e);
		CHECK_U64(vmc_vcpus_count(v), nr);
		for (unsigned c = 0; c < nr && c < vmc_vcpus_count(v); c++) {
			const struct vmc_vcpu *p = vmc_vcpus_get(v, c);

			CHECK_U64(p->index, c);
			CHECK(memcmp(p->regs, want[c], sizeof(want[c])) == 0,
			      "CPU %u registers differ", c);
			CHECK(p->have_cr3 && p->cr3 == 0x2356000, "cr3");
			CHECK(p->halted == (c & 1), "HLT");
		}
		vmc_vcpus_free(v);
	}
}

static void expect_refusal(const char *what, const char *text, size_t n,
			   vmc_status want, const char *msg_part)
{
	vmc_vcpus *v = NULL;
	vmc_error e = { 0 };

	t_case("%s", what);
	CHECK_ST(vmc_vcpus_parse_qemu(&v, text, n, &e), want, &e);
	CHECK(v == NULL, "no result on failure");
	CHECK(strstr(e.msg, msg_part) != NULL, "message '%s' lacks '%s'",
	      e.msg, msg_part);
}

static void test_parse_refusals(void)
{
	static char text[1 << 14];
	uint64_t want[VMC_X86_NR_REGS];
	size_t n = 0, n0;

	n += print_cpu(text, sizeof(text), 0, want, false);
	n0 = n;
	n += print_cpu(text + n, sizeof(text) - n, 2, want, false);
	expect_refusal("CPU#1 missing", text, n, VMC_ERR_CORRUPT,
		       "a missing vCPU");
	n = n0 + print_cpu(text + n0, sizeof(text) - n0, 1, want, true);
	expect_refusal("no RIP", text, n, VMC_ERR_CORRUPT, "no RIP");
	/* truncated in the middle of CPU#0's register lines */
	expect_refusal("truncated", text, 60, VMC_ERR_CORRUPT, "no R");
	expect_refusal("empty", "", 0, VMC_ERR_CORRUPT, "no CPU#N");
	expect_refusal("32-bit", "CPU#0\nEAX=00000000 EBX=00000000\n", 30,
		       VMC_ERR_UNSUPPORTED, "x86_64");
	expect_refusal("NUL", "CPU#0\nRAX=0\0", 12, VMC_ERR_CORRUPT, "NUL");
	n = print_cpu(text, sizeof(text), 0, want, false);
	memcpy(text + n, text + 6, 21);	/* "RAX=..." once more */
	text[n + 21] = '\n';
	expect_refusal("RAX twice", text, n + 22, VMC_ERR_CORRUPT, "twice");
}

/* ---- the JSON vCPU state ---- */

static const char *const jnames[VMC_X86_NR_REGS] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};

static void test_json(void)
{
	static char text[1 << 15];
	uint64_t want[4][VMC_X86_NR_REGS];
	vmc_vcpus *v = NULL;
	vmc_error e = { 0 };
	size_t n = 0;
	vmc_status st;

	t_case("json round trip");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "{\"vcpus\": [");
	for (int c = 0; c < 4; c++) {
		for (int r = 0; r < VMC_X86_NR_REGS; r++) {
			/* half as hex strings, half as small integers */
			want[c][r] = (r & 1) ? rnd() : rnd() % 1000000;
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      (r & 1) ? "%s\"%s\": \"0x%" PRIx64
					      "\"" : "%s\"%s\": %" PRIu64,
					      r ? ", " : "{", jnames[r],
					      want[c][r]);
		}
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      ", \"cr3\": \"0x1000\"}%s",
				      c < 3 ? ", " : "");
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]}\n");
	st = vmc_vcpus_parse_json(&v, text, n, &e);
	if (st == VMC_ERR_UNSUPPORTED) {
		printf("SKIP json (built without json-c)\n");
		return;
	}
	CHECK_ST(st, VMC_OK, &e);
	CHECK_U64(vmc_vcpus_count(v), 4);
	for (unsigned c = 0; c < 4 && c < vmc_vcpus_count(v); c++) {
		const struct vmc_vcpu *p = vmc_vcpus_get(v, c);

		CHECK(memcmp(p->regs, want[c], sizeof(want[c])) == 0,
		      "vCPU %u registers", c);
		CHECK(p->have_cr3 && p->cr3 == 0x1000, "cr3");
	}
	vmc_vcpus_free(v);
	t_case("json refusals");
	CHECK_ST(vmc_vcpus_parse_json(&v, "{\"vcpus\": []}", 14, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_vcpus_parse_json(&v, "{\"vcpus\": [{\"rip\": 1, "
				      "\"rsp\": 2, \"cs\": 3, \"ss\": 4, "
				      "\"rpi\": 5}]}", 61, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK(strstr(e.msg, "unknown register") != NULL, "msg %s", e.msg);
	CHECK_ST(vmc_vcpus_parse_json(&v, "{\"vcpus\": [{\"rip\": 1, "
				      "\"rsp\": 2, \"cs\": 3}]}", 42, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK(strstr(e.msg, "no ss") != NULL, "msg %s", e.msg);
	CHECK_ST(vmc_vcpus_parse_json(&v, "{\"vcpus\": [{\"rip\": -1}]}", 24,
				      &e), VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_vcpus_parse_json(&v, "{\"vcpus\": [", 11, &e),
		 VMC_ERR_CORRUPT, &e);
}

/* ---- the guest core header ---- */


/* vmc_guestcore_header's two passes into a new buffer (vmc_buf_free). */
static vmc_status gbuild(const struct vmc_guestcore_spec *s, uint8_t **buf,
			 size_t *len, vmc_error *e)
{
	size_t size;
	vmc_status st = vmc_guestcore_header_size(s, &size, e);

	*buf = NULL;
	if (st)
		return st;
	*buf = malloc(size);
	if (!*buf)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_guestcore_header(s, *buf, size, len, e);
	if (st) {
		free(*buf);
		*buf = NULL;
	}
	return st;
}

static void test_header(void)
{
	static char text[1 << 14];
	uint64_t want[3][VMC_X86_NR_REGS];
	const char vi[] = "OSRELEASE=6.12.0\nPAGESIZE=4096\n";
	const uint64_t ram[] = { 0x1000, 0x9f000, 0x100000, 0x40000000,
				 0x100000000ull, 0x140000000ull };
	struct vmc_guestcore_spec s = VMC_GUESTCORE_SPEC_INIT;
	const struct vmc_elf_id id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	vmc_vcpus *v = NULL;
	vmc_error e = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0, n = 0, cpu = 0;
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;

	t_case("header");
	for (unsigned i = 0; i < 3; i++)
		n += print_cpu(text + n, sizeof(text) - n, i, want[i], false);
	CHECK_ST(vmc_vcpus_parse_qemu(&v, text, n, &e), VMC_OK, &e);
	s.cpus = v;
	s.vmcoreinfo = vi;
	s.vmcoreinfo_len = sizeof(vi) - 1;
	s.ram = ram;
	s.nr_ram = 3;
	s.have_direct_map = true;
	s.direct_map = 0xffff888000000000ull;
	s.text_vaddr = 0xffffffff81000000ull;
	s.text_paddr = 0x1000000;
	s.text_size = 0x2000000;
	CHECK_ST(gbuild(&s, &buf, &len, &e), VMC_OK, &e);
	CHECK_ST(vmc_source_new_buffer(&src, buf, len, &e), VMC_OK, &e);
	CHECK_ST(vmc_elfcore_parse(&c, src, &e), VMC_OK, &e);
	CHECK_U64(vmc_elfcore_nr_phdrs(c), 3 + 1 + 1 + 3);
	for (size_t i = 0; c && i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
		struct vmc_note_iter it;
		struct vmc_note note;

		if (i == 4) {
			CHECK(p->type == VMC_PT_LOAD &&
			      p->vaddr == s.text_vaddr &&
			      p->paddr == s.text_paddr, "text PT_LOAD");
			continue;
		}
		if (i > 4) {
			size_t r = i - 5;

			CHECK(p->type == VMC_PT_LOAD && p->paddr == ram[2 * r] &&
			      p->offset == ram[2 * r] &&
			      p->memsz == ram[2 * r + 1] - ram[2 * r] &&
			      p->vaddr == s.direct_map + ram[2 * r],
			      "RAM PT_LOAD %zu", r);
			continue;
		}
		CHECK(p->type == VMC_PT_NOTE && p->offset + p->filesz <= len,
		      "PT_NOTE %zu inside the buffer", i);
		if (p->offset + p->filesz > len)
			continue;
		vmc_notes_iter_init(&it, buf + p->offset, (size_t)p->filesz,
				    VMC_LE);
		CHECK_ST(vmc_notes_next(&it, &note), VMC_OK, NULL);
		if (i == 3) {
			CHECK(vmc_note_name_is(&note, "VMCOREINFO") &&
			      note.descsz == sizeof(vi) - 1 &&
			      memcmp(note.desc, vi, note.descsz) == 0,
			      "VMCOREINFO note");
		} else {
			struct vmc_prstatus pr;

			CHECK_ST(vmc_prstatus_decode(&id, note.desc,
						     note.descsz, &pr, &e),
				 VMC_OK, &e);
			CHECK_U64(pr.pid, cpu + 1);
			for (unsigned r = 0; r < VMC_X86_NR_REGS; r++)
				if (r != VMC_X86_ORIG_RAX)
					CHECK_U64(pr.regs[r], want[cpu][r]);
			cpu++;
		}
	}
	vmc_elfcore_free(c);
	vmc_source_close(src);
	vmc_buf_free(buf);
	/* refusals */
	t_case("header refusals");
	s.nr_ram = 0;
	CHECK_ST(gbuild(&s, &buf, &len, &e), VMC_ERR_INVALID,
		 &e);
	s.nr_ram = 3;
	s.ram = (const uint64_t[]){ 0x100000, 0x200000, 0x1000, 0x2000,
				    0x300000, 0x400000 };
	CHECK_ST(gbuild(&s, &buf, &len, &e), VMC_ERR_INVALID,
		 &e);
	vmc_vcpus_free(v);
}

/* ---- page-table walk over a synthetic guest ---- */

#define MEM (8u << 20)
static uint8_t mem[MEM];

static void put64(uint64_t pa, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		mem[pa + i] = (uint8_t)(v >> (8 * i));
}

/*
 * 8 MiB of RAM: init_top_pgt at 0x100000 (linked at 0xffffffff82000000,
 * phys_base 0, KERNELOFFSET 0 -> _text 0xffffffff81000000 at 0x1000000
 * would be outside: use phys_base = -0xe00000 so _text sits at 0x200000);
 * the direct map at 0xffff888000000000 by 2 MiB pages; mem_section at
 * direct-map 0x600000.
 */
static void test_walk(void)
{
	const uint64_t dmap = 0xffff888000000000ull, pb = 0 - 0xe00000ull;
	const uint64_t pgt_va = 0xffffffff81100000ull;	/* -> pa 0x300000 */
	const uint64_t root = pgt_va - 0xffffffff80000000ull + pb;
	char vi[512];
	vmc_physmem *pm = NULL;
	vmc_source *src = NULL;
	vmc_error e = { 0 };
	uint64_t got = 0, va = 0, pa = 0, size = 0;

	t_case("walk");
	memset(mem, 0, sizeof(mem));
	CHECK_U64(root, 0x300000);
	/* PGD[273] (dmap) -> PUD at 0x301000; PGD[511] -> PUD at 0x302000 */
	put64(root + 8 * ((dmap >> 39) & 511), 0x301000 | 3);
	put64(root + 8 * 511, 0x302000 | 3);
	/* dmap PUD[0] -> PMD 0x303000: 4 x 2 MiB pages at 0.. */
	put64(0x301000 + 8 * ((dmap >> 30) & 511), 0x303000 | 3);
	for (int i = 0; i < 4; i++)
		put64(0x303000 + 8 * i, ((uint64_t)i << 21) | 0x83);
	/* kernel: PUD[510] -> PMD 0x304000; _text = 0xffffffff81000000 is
	 * PMD[8]; map 3 pages from pa 0x200000, then a hole */
	put64(0x302000 + 8 * 510, 0x304000 | 3);
	for (int i = 0; i < 3; i++)
		put64(0x304000 + 8 * (8 + i), (0x200000 + ((uint64_t)i << 21)) |
		      0x83);
	snprintf(vi, sizeof(vi),
		 "OSRELEASE=6.12.0\nSYMBOL(init_top_pgt)=%" PRIx64 "\n"
		 "NUMBER(phys_base)=%" PRId64 "\nSYMBOL(mem_section)=%" PRIx64
		 "\nNUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n",
		 pgt_va, (int64_t)pb, dmap + 0x600000);
	CHECK_ST(vmc_physmem_new(&pm, &e), VMC_OK, &e);
	CHECK_ST(vmc_source_new_buffer(&src, mem, MEM, &e), VMC_OK, &e);
	CHECK_ST(vmc_physmem_own(pm, src, &e), VMC_OK, &e);
	CHECK_ST(vmc_physmem_map(pm, 0, MEM, src, 0, &e), VMC_OK, &e);
	CHECK_ST(vmc_guestcore_x86_64_direct_map(pm, vi, strlen(vi), &got,
						 &e), VMC_OK, &e);
	CHECK_U64(got, dmap);
	CHECK_ST(vmc_guestcore_x86_64_kernel_text(pm, vi, strlen(vi), &va,
						  &pa, &size, &e), VMC_OK, &e);
	CHECK_U64(va, 0xffffffff81000000ull);
	CHECK_U64(pa, 0x200000);
	CHECK_U64(size, 3u << 21);

	t_case("walk refusals");
	/* the direct-map PMD points outside memory */
	put64(0x303000 + 8 * 3, (64ull << 30) | 0x83);
	put64(0x301000 + 8 * ((dmap >> 30) & 511), (64ull << 30) | 3);
	CHECK(vmc_guestcore_x86_64_direct_map(pm, vi, strlen(vi), &got, &e) !=
	      VMC_OK, "a table outside memory is refused");
	/* not present */
	put64(0x301000 + 8 * ((dmap >> 30) & 511), 0);
	CHECK_ST(vmc_guestcore_x86_64_direct_map(pm, vi, strlen(vi), &got,
						 &e), VMC_ERR_CORRUPT, &e);
	CHECK(strstr(e.msg, "not present") != NULL, "msg: %s", e.msg);
	/* a loop (the PUD entry points back at the PGD) ends at the depth */
	put64(0x301000 + 8 * ((dmap >> 30) & 511), root | 3);
	CHECK(vmc_guestcore_x86_64_direct_map(pm, vi, strlen(vi), &got, &e) !=
	      VMC_OK || (got & ((1ull << 30) - 1)) == 0,
	      "a looping table gives an error or an aligned base, never a "
	      "hang");
	{
		/* the walk itself names the loop: the PUD entry points back
		 * at the PGD, then a PMD entry at its PUD */
		vmc_guest_kernel *k = NULL;

		CHECK_ST(vmc_guest_kernel_new(&k, pm, vi, strlen(vi), &e),
			 VMC_OK, &e);
		CHECK_ST(vmc_guest_vtop(k, dmap, &pa, NULL, &e),
			 VMC_ERR_CORRUPT, &e);
		CHECK(strstr(e.msg, "page-table loop") != NULL, "msg: %s",
		      e.msg);
		put64(0x301000 + 8 * ((dmap >> 30) & 511), 0x303000 | 3);
		put64(0x303000 + 8 * 2, 0x301000 | 3);
		CHECK_ST(vmc_guest_vtop(k, dmap + (2ull << 21), &pa, NULL, &e),
			 VMC_ERR_CORRUPT, &e);
		CHECK(strstr(e.msg, "page-table loop") != NULL, "msg: %s",
		      e.msg);
		/* a leaf mapping the page that holds the tables is no loop
		 * (the direct map maps every table) */
		put64(0x303000 + 8 * 2, 0x200000 | 0x83);
		CHECK_ST(vmc_guest_vtop(k, dmap + (2ull << 21) + 0x10, &pa,
					NULL, &e), VMC_OK, &e);
		CHECK_U64(pa, 0x200010);
		vmc_guest_kernel_free(k);
	}
	/* a key missing */
	CHECK_ST(vmc_guestcore_x86_64_direct_map(pm, "OSRELEASE=1\n", 12,
						 &got, &e), VMC_ERR_NOTFOUND,
		 &e);
	vmc_physmem_free(pm);
}

/* ---- the real panic capture: ours == QEMU's NT_PRSTATUS ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(*len + 1);
	if (b && fread(b, 1, *len, f) != *len) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* The first PT_NOTE's NT_PRSTATUS descs of an ELF64 LE head. */
static size_t prstatus_of(const uint8_t *h, size_t len, const uint8_t **d,
			  size_t max)
{
	size_t nr = 0;
	uint64_t phoff = 0;
	unsigned phnum = h[56] | h[57] << 8;

	for (int i = 0; i < 8; i++)
		phoff |= (uint64_t)h[32 + i] << (8 * i);
	for (unsigned i = 0; i < phnum && phoff + 56 * (i + 1) <= len; i++) {
		const uint8_t *p = h + phoff + 56 * i;
		uint64_t off = 0, sz = 0;
		struct vmc_note_iter it;
		struct vmc_note n;

		if (p[0] != 4)
			continue;
		for (int k = 0; k < 8; k++) {
			off |= (uint64_t)p[8 + k] << (8 * k);
			sz |= (uint64_t)p[32 + k] << (8 * k);
		}
		if (off > len || sz > len - off)
			break;
		vmc_notes_iter_init(&it, h + off, (size_t)sz, VMC_LE);
		while (vmc_notes_next(&it, &n) == VMC_OK && nr < max)
			if (n.type == 1 && vmc_note_name_is(&n, "CORE"))
				d[nr++] = n.desc;
	}
	return nr;
}

static void test_capture(const char *dir)
{
	char path[4096];
	size_t tlen = 0, hlen = 0, len = 0, nq;
	char *text;
	uint8_t *head, *buf = NULL;
	const uint8_t *qemu[64], *ours[64];
	const uint64_t ram[] = { 0, 0x1000 };
	struct vmc_guestcore_spec s = VMC_GUESTCORE_SPEC_INIT;
	vmc_vcpus *v = NULL;
	vmc_error e = { 0 };

	snprintf(path, sizeof(path), "%s/registers.txt", dir);
	text = (char *)read_file(path, &tlen);
	snprintf(path, sizeof(path), "%s/qemu-dump-head.bin", dir);
	head = read_file(path, &hlen);
	if (!text || !head) {
		printf("SKIP capture %s (no registers.txt/qemu-dump-head.bin)\n",
		       dir);
		free(text);
		free(head);
		return;
	}
	t_case("capture %s", dir);
	CHECK_ST(vmc_vcpus_parse_qemu(&v, text, tlen, &e), VMC_OK, &e);
	s.cpus = v;
	s.ram = ram;
	s.nr_ram = 1;
	CHECK_ST(gbuild(&s, &buf, &len, &e), VMC_OK, &e);
	nq = prstatus_of(head, hlen, qemu, 64);
	CHECK(nq > 0 && nq == vmc_vcpus_count(v), "%zu QEMU notes, %zu vCPUs",
	      nq, vmc_vcpus_count(v));
	CHECK_U64(prstatus_of(buf, len, ours, 64), nq);
	for (size_t i = 0; i < nq && buf; i++)
		CHECK(memcmp(qemu[i], ours[i], 336) == 0,
		      "NT_PRSTATUS %zu differs from QEMU's", i);
	vmc_buf_free(buf);
	vmc_vcpus_free(v);
	free(text);
	free(head);
}

int main(int argc, char **argv)
{
	test_parse_random();
	test_parse_refusals();
	test_json();
	test_header();
	test_walk();
	for (int i = 1; i < argc; i++)
		test_capture(argv[i]);
	return t_finish();
}
