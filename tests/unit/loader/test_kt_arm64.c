// SPDX-License-Identifier: MIT
/*
 * The kexec-tools arm64 row (src/loader/kexec_tools_arm64.c) on synthetic
 * first-kernel files.  Expected program headers are written by hand from
 * kexec-tools 2.0.25 kexec/arch/arm64/crashdump-arm64.c
 * (iomem_range_callback, crash_get_memory_ranges, load_crashdump_segments),
 * kexec/arch/arm64/kexec-arm64.c (get_page_offset, get_memory_ranges,
 * phys_to_virt), kexec/mem_regions.c (mem_regions_exclude) and
 * kexec/crashdump-elf.c (the PT_NOTE/PT_LOAD order, 1024 alignment).
 */
#include "unit.h"
#include "vmcorekit/header.h"
#include "vmcorekit/elfcore.h"
#include "vmcorekit/notes.h"

#define RWX (VMC_PF_R | VMC_PF_W | VMC_PF_X)
#define TEXT 0xffff800080000000ull
#define STEXT (TEXT + 0x10000)
#define INIT (TEXT + 0x1d00000)

static uint8_t kcore[65536];

/* kcore: one PT_NOTE holding VMCOREINFO @vmci (NULL: no note at all) */
static void make_kcore(const char *vmci)
{
	struct vmc_phdr ph[2] = {
		{ .type = VMC_PT_NOTE, .offset = 0x1000, .filesz = 0 },
		{ .type = VMC_PT_LOAD, .flags = RWX, .offset = 0x3000,
		  .vaddr = 0xfff0000000000000ull, .paddr = 0x40000000,
		  .filesz = 0x40000000, .memsz = 0x40000000 },
	};
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	size_t used = 0;
	vmc_error e;

	if (vmci && vmc_note_append(kcore + 0x1000, 0x2000, &used, VMC_LE,
				    "VMCOREINFO", 0, vmci, strlen(vmci), &e)) {
		printf("note: %s\n", e.msg);
		exit(2);
	}
	ph[0].filesz = used;
	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_AARCH64 };
	s.phdrs = ph;
	s.nr_phdrs = 2;
	if (vmc_elfcore_write(&s, kcore, 0x1000, &used, &e)) {
		printf("kcore: %s\n", e.msg);
		exit(2);
	}
}

static vmc_system *sys(const char *iomem, const char *kallsyms)
{
	vmc_system *s;
	vmc_error e;
	const struct { const char *p, *v; } f[] = {
		{ "proc/iomem", iomem },
		{ "proc/kallsyms", kallsyms },
		{ "sys/devices/system/cpu/possible", "0-1\n" },
		{ "sys/devices/system/cpu/cpu0/crash_notes", "7fbf5600\n" },
		{ "sys/devices/system/cpu/cpu0/crash_notes_size", "424\n" },
		/* CPU 1 has no crash_notes: skipped, its slot still counts */
		{ "sys/kernel/vmcoreinfo", "49506000 1024\n" },
	};

	if (vmc_system_new(&s, &e))
		exit(2);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		CHECK(!vmc_system_set_file(s, f[i].p, f[i].v, strlen(f[i].v), &e),
		      "%s: %s", f[i].p, e.msg);
	CHECK(!vmc_system_set_file(s, "proc/kcore", kcore, sizeof(kcore), &e),
	      "kcore: %s", e.msg);
	return s;
}

static struct vmc_phdr load(uint64_t vaddr, uint64_t paddr, uint64_t len)
{
	return (struct vmc_phdr){ .type = VMC_PT_LOAD, .flags = RWX,
				  .offset = paddr, .paddr = paddr,
				  .vaddr = vaddr, .filesz = len, .memsz = len };
}

static void expect(const char *iomem, const char *kallsyms,
		   const struct vmc_phdr *want, size_t n, uint64_t seg,
		   uint64_t addr)
{
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s = sys(iomem, kallsyms);
	vmc_header *h = NULL;
	vmc_error e;
	const struct vmc_elfcore_spec *sp;

	o.profile = VMC_LOADER_KEXEC_TOOLS;
	if (!CHECK(!vmc_header_build(&h, s, &o, &e), "build: %s", e.msg)) {
		vmc_system_free(s);
		return;
	}
	sp = vmc_header_spec(h);
	CHECK_U64(sp->id.machine, VMC_EM_AARCH64);
	CHECK_U64(sp->nr_phdrs, n + 2);
	/* CPU 0's note, then VMCOREINFO */
	CHECK(sp->nr_phdrs > 1 && sp->phdrs[0].paddr == 0x7fbf5600 &&
	      sp->phdrs[0].memsz == 424 && sp->phdrs[1].paddr == 0x49506000,
	      "notes");
	for (size_t i = 0; i < n && i + 2 < sp->nr_phdrs; i++) {
		const struct vmc_phdr *g = &sp->phdrs[i + 2], *w = &want[i];

		CHECK(g->type == w->type && g->offset == w->offset &&
		      g->vaddr == w->vaddr && g->paddr == w->paddr &&
		      g->memsz == w->memsz && g->filesz == w->filesz &&
		      g->flags == w->flags && g->align == 0,
		      "load %zu: vaddr 0x%" PRIx64 " paddr 0x%" PRIx64 " size 0x%"
		      PRIx64 "; want 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64, i,
		      g->vaddr, g->paddr, g->memsz, w->vaddr, w->paddr, w->memsz);
	}
	CHECK_U64(vmc_header_segment_size(h), seg);
	CHECK_U64(vmc_header_expected_addr(h), addr);
	vmc_header_free(h);
	vmc_system_free(s);
}

static const char syms[] =
	"ffff800080000000 T _text\n"
	"ffff800080010000 T _stext\n"
	"ffff800081d00000 T __init_begin\n";

/* The 6.12 shape: "Kernel code" is [_text, __init_begin) (its length is
 * not __init_begin - _stext, so its base is the text start), VA_BITS 52,
 * the crash region cut out of the one System RAM range. */
static void test_612(void)
{
	static const char iomem[] =
		"09000000-09000fff : pl011@9000000\n"
		"40000000-7fffffff : System RAM\n"
		"  40200000-41efffff : Kernel code\n"
		"  41f00000-4286ffff : reserved\n"
		"  42870000-42d2ffff : Kernel data\n"
		"  6aa00000-7a9fffff : Crash kernel\n"
		"  7fe0b000-7fffffff : reserved\n";
	const struct vmc_phdr want[] = {
		load(TEXT, 0x40200000, 0x42d30000 - 0x40200000),
		load(0xfff0000000000000ull, 0x40000000, 0x2aa00000),
		load(0xfff0000000000000ull + 0x3aa00000, 0x7aa00000, 0x5600000),
	};

	t_case("6.12");
	make_kcore("OSRELEASE=6.12\nNUMBER(VA_BITS)=52\n"
		   "NUMBER(PHYS_OFFSET)=0x40000000\nCRASHTIME=1\n");
	/* 64 + 6 * 56 = 400 -> 1024 -> one page, top-down in the crash
	 * region */
	expect(iomem, syms, want, 3, 4096, 0x7a9ff000);
}

/* Quirks: a crash region at the end of a RAM range shortens it, one equal
 * to a RAM range removes it (mem_regions_exclude); the old "Kernel code"
 * layout ([_stext, __init_begin)) moves the text start down by _stext -
 * _text; no VA_BITS in kcore: get_va_bits tries 36, 39, 42, 47, 48 on
 * _stext's top bits and 0xffff8... matches 47 first, and _text below
 * UINT64_MAX << 46 takes that as PAGE_OFFSET (the pre-5.4 rule);
 * PHYS_OFFSET is the smaller of VMCOREINFO's (decimal here) and iomem's;
 * the segment goes to the last crash region in iomem order. */
static void test_quirks(void)
{
	static const char iomem[] =
		"80000000-8fffffff : System RAM\n"
		"  80010000-81cfffff : Kernel code\n"
		"  81d10000-81ffffff : Kernel data\n"
		"  8ff00000-8fffffff : Crash kernel\n"
		"90000000-90ffffff : System RAM\n"
		"a0000000-a0ffffff : System RAM\n"
		"  a0000000-a0ffffff : Crash kernel\n";
	const uint64_t po = 0xffffc00000000000ull;	/* UINT64_MAX << 46 */
	const uint64_t phys = 0x60000000;		/* VMCOREINFO's, lower */
	const struct vmc_phdr want[] = {
		load(TEXT, 0x80010000 - 0x10000, 0x82000000 - 0x80000000),
		load(po + 0x80000000 - phys, 0x80000000, 0x8ff00000 - 0x80000000),
		load(po + 0x90000000 - phys, 0x90000000, 0x1000000),
	};

	t_case("quirks");
	make_kcore("NUMBER(PHYS_OFFSET)=1610612736\n");
	/* 64 + 7 * 56 = 456 -> 1024; the last crash region is the one
	 * equal to the third RAM range */
	expect(iomem, syms, want, 3, 4096, 0xa0fff000);
}

/* Debian's arm64 6.1: no _text in kallsyms.  get_kernel_sym("_text") is 0,
 * so the text start is "Kernel code" - _stext (wrapping), its vaddr
 * UINT64_MAX, and get_page_offset fails: PAGE_OFFSET 0.  The real header
 * is this (the kdump kernel then faults reading /proc/vmcore). */
static void test_no_text(void)
{
	static const char iomem[] =
		"40000000-bfffffff : System RAM\n"
		"  40210000-4185ffff : Kernel code\n"
		"  41eb0000-4220ffff : Kernel data\n"
		"  a9a00000-b99fffff : Crash kernel\n";
	static const char syms61[] =
		"ffffc2e795c10000 T _stext\n"
		"ffffc2e797260000 T __init_begin\n";
	const struct vmc_phdr want[] = {
		load(UINT64_MAX, 0x3d18aa600000ull, 0xffffc2e797c10000ull),
		load(0, 0x40000000, 0x69a00000),
		load(0x79a00000, 0xb9a00000, 0x6600000),
	};

	t_case("6.1 without _text");
	make_kcore("NUMBER(VA_BITS)=48\nNUMBER(PHYS_OFFSET)=0x40000000\n");
	expect(iomem, syms61, want, 3, 4096, 0xb99ff000);
}

int main(void)
{
	test_612();
	test_quirks();
	test_no_text();
	return t_finish();
}
