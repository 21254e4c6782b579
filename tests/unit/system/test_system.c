// SPDX-License-Identifier: MIT
/*
 * The first kernel's files fed through vmc_system_set_file(), and the
 * headers the kexec-file and generic profiles build from them.  The
 * expected program headers are written out by hand from
 * kernel/crash_core.c crash_prepare_elf64_headers and
 * arch/x86/kernel/crash.c prepare_elf_headers (Linux 6.12): one PT_NOTE per
 * possible CPU, the VMCOREINFO PT_NOTE, the kernel text PT_LOAD, then RAM
 * minus the low 1 MiB and the crash kernel regions, p_vaddr = __va(paddr).
 */
#include "unit.h"
#include "expect_phdrs.h"
#include "vmcorekit/header.h"
#include "vmcorekit/elfcore.h"
#include "system/system_priv.h"

#define PAGE_OFFSET 0xffff888000000000ull
#define TEXT_VADDR 0xffffffff81000000ull
#define TEXT_PADDR 0x29000000ull
#define END_VADDR 0xffffffff82a00000ull
#define RWX (VMC_PF_R | VMC_PF_W | VMC_PF_X)

static const char iomem_text[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-bffd6fff : System RAM\n"
	"  29000000-29ffffff : Kernel code\n"
	"  af000000-beffffff : Crash kernel\n"
	"bffd7000-bfffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n";

static const char kallsyms_text[] =
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffff8dead000 t _textual\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 T startup_64\n"
	"ffffffff81001000 T _stext\n"
	"ffffffff82a00000 B _end\n"
	"ffffffffc0000000 t _end\t[some_module]\n";

static uint8_t kcore[65536];

/* /proc/kcore's first 64 KiB: an ELF64 core whose PT_LOADs map memory. */
static void make_kcore(void)
{
	static const struct vmc_phdr ph[] = {
		{ .type = VMC_PT_NOTE, .offset = 0x1000, .filesz = 0x200 },
		{ .type = VMC_PT_LOAD, .flags = RWX, .offset = 0x7fff81001000,
		  .vaddr = TEXT_VADDR, .paddr = TEXT_PADDR,
		  .filesz = 0x2000000, .memsz = 0x2000000, .align = 4096 },
		{ .type = VMC_PT_LOAD, .flags = RWX, .offset = 0x7fffc9001000,
		  .vaddr = 0xffffc90000000000ull, .paddr = UINT64_MAX,
		  .filesz = 0x1000000, .memsz = 0x1000000, .align = 4096 },
		{ .type = VMC_PT_LOAD, .flags = RWX, .offset = 0x77ff88001000,
		  .vaddr = PAGE_OFFSET + 0x1000, .paddr = 0x1000,
		  .filesz = 0x9e000, .memsz = 0x9e000, .align = 4096 },
		{ .type = VMC_PT_LOAD, .flags = RWX, .offset = 0x77ff88101000,
		  .vaddr = PAGE_OFFSET + 0x100000, .paddr = 0x100000,
		  .filesz = 0xbfed7000, .memsz = 0xbfed7000, .align = 4096 },
	};
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	vmc_error e;
	size_t used;

	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	s.phdrs = ph;
	s.nr_phdrs = sizeof(ph) / sizeof(ph[0]);
	memset(kcore, 0, sizeof(kcore));
	if (vmc_elfcore_write(&s, kcore, sizeof(kcore), &used, &e)) {
		printf("cannot build the kcore: %s\n", e.msg);
		exit(2);
	}
}

static bool set(vmc_system *s, const char *path, const void *data,
		size_t len)
{
	vmc_error e;
	vmc_status st = vmc_system_set_file(s, path, data, len, &e);

	CHECK(st == VMC_OK, "set_file(%s): %s: %s", path,
	      vmc_status_name(st), e.msg);
	return st == VMC_OK;
}

#define SET(s, path, str) set(s, path, str, strlen(str))

enum feed {
	F_IOMEM = 1, F_POSSIBLE = 2, F_CPU0 = 4, F_CPU1 = 8, F_CPU1_ADDR = 16,
	F_VMCOREINFO = 32, F_KCORE = 64, F_KALLSYMS = 128,
	F_ALL = 1 | 2 | 4 | 8 | 32 | 64 | 128,
};

static vmc_system *make_system(unsigned f)
{
	vmc_system *s;
	vmc_error e;

	if (vmc_system_new(&s, &e)) {
		printf("vmc_system_new: %s\n", e.msg);
		exit(2);
	}
	if (f & F_IOMEM)
		SET(s, "proc/iomem", iomem_text);
	if (f & F_POSSIBLE)
		SET(s, "sys/devices/system/cpu/possible", "0-1\n");
	if (f & F_CPU0) {
		SET(s, "sys/devices/system/cpu/cpu0/crash_notes", "3ee3d800\n");
		SET(s, "sys/devices/system/cpu/cpu0/crash_notes_size", "368\n");
	}
	if (f & (F_CPU1 | F_CPU1_ADDR))
		SET(s, "sys/devices/system/cpu/cpu1/crash_notes", "3ee7d800\n");
	if (f & F_CPU1)
		SET(s, "sys/devices/system/cpu/cpu1/crash_notes_size", "368\n");
	if (f & F_VMCOREINFO)
		SET(s, "sys/kernel/vmcoreinfo", "0x0000000100c66000 1024\n");
	if (f & F_KCORE)
		set(s, "proc/kcore", kcore, sizeof(kcore));
	if (f & F_KALLSYMS)
		SET(s, "proc/kallsyms", kallsyms_text);
	return s;
}

static struct vmc_phdr note(uint64_t a, uint64_t len)
{
	return (struct vmc_phdr){ .type = VMC_PT_NOTE, .offset = a, .paddr = a,
				  .filesz = len, .memsz = len };
}

static struct vmc_phdr load(uint64_t vaddr, uint64_t paddr, uint64_t len)
{
	return (struct vmc_phdr){ .type = VMC_PT_LOAD, .flags = RWX,
				  .offset = paddr, .paddr = paddr,
				  .vaddr = vaddr, .filesz = len, .memsz = len };
}

static struct vmc_phdr ram(uint64_t start, uint64_t end)
{
	return load(PAGE_OFFSET + start, start, end - start);
}

static void test_files(void)
{
	vmc_system *s = make_system(0);
	vmc_error e;
	struct vmc_elf_id id;

	t_case("set_file parsing");
	CHECK(!vmc_system_arch(s, &id), "no arch before kcore");
	CHECK(vmc_system_iomem(s) == NULL, "no iomem yet");
	SET(s, "sys/kernel/vmcoreinfo", "0x0000000100c66000 1024\n");
	CHECK(s->vmcoreinfo_paddr.set && s->vmcoreinfo_len.set,
	      "vmcoreinfo recorded");
	CHECK_U64(s->vmcoreinfo_paddr.v, 0x100c66000ull);
	CHECK_U64(s->vmcoreinfo_len.v, 0x1024);
	SET(s, "sys/devices/system/cpu/cpu0/crash_notes", "3ee3d800\n");
	SET(s, "sys/devices/system/cpu/cpu0/crash_notes_size", "368\n");
	CHECK_U64(s->cpu[0].paddr.v, 0x3ee3d800);
	CHECK_U64(s->cpu[0].size.v, 368);
	SET(s, "sys/devices/system/cpu/possible", "0-1\n");
	CHECK(s->have_possible && s->nr_possible_ids == 2 &&
	      s->possible[0] == 3, "possible 0-1");
	SET(s, "proc/iomem", iomem_text);
	CHECK(vmc_system_iomem(s) && vmc_iomem_count(vmc_system_iomem(s)) == 10,
	      "iomem");
	set(s, "proc/kcore", kcore, sizeof(kcore));
	CHECK(vmc_system_arch(s, &id) && id.cls == VMC_CLASS_64 &&
	      id.order == VMC_LE && id.machine == VMC_EM_X86_64, "kcore arch");
	CHECK_U64(s->nr_kcore, 5);
	SET(s, "proc/kallsyms", kallsyms_text);
	CHECK(s->sym_text.set && s->sym_text.v == TEXT_VADDR, "_text 0x%" PRIx64,
	      s->sym_text.v);
	CHECK(s->sym_stext.set && s->sym_stext.v == 0xffffffff81001000ull,
	      "_stext");
	CHECK(s->sym_end.set && s->sym_end.v == END_VADDR, "_end (first wins)");

	/* Malformed files name themselves. */
	t_case("set_file errors");
	CHECK_ST(vmc_system_set_file(s, "sys/devices/system/cpu/cpu0/crash_notes",
				     "zz\n", 3, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "cpu0/crash_notes");
	CHECK_ST(vmc_system_set_file(s, "sys/kernel/vmcoreinfo", "garbage\n", 8,
				     &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "sys/kernel/vmcoreinfo");
	CHECK_ST(vmc_system_set_file(s, "sys/devices/system/cpu/possible",
				     "1-0\n", 4, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "sys/devices/system/cpu/possible");
	CHECK_ST(vmc_system_set_file(s, "proc/kcore", "not an elf", 10, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "proc/kcore");
	CHECK_ST(vmc_system_set_file(s, "proc/iomem", "x\n", 2, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK(vmc_system_iomem(s) &&
	      vmc_iomem_count(vmc_system_iomem(s)) == 10,
	      "a bad iomem keeps the old one");
	CHECK_ST(vmc_system_set_file(s, "proc/nonsense", "", 0, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "proc/nonsense");
	CHECK_ST(vmc_system_set_file(s, "sys/devices/system/cpu/cpu9000/"
				     "crash_notes", "1\n", 2, &e),
		 VMC_ERR_RANGE, &e);
	CHECK_ST(vmc_system_set_file(s, "sys/devices/system/cpu/cpufreq/x",
				     "1\n", 2, &e), VMC_ERR_INVALID, &e);
	CHECK_U64(vmc_system_nr_missing(s), 0);
	CHECK(vmc_system_missing(s, 0) == NULL, "no missing files");
	vmc_system_free(s);
	t_case("%s", "");
}

static void test_kexec_file(void)
{
	const struct vmc_phdr want[] = {
		note(0x3ee3d800, 368),
		note(0x3ee7d800, 368),
		note(0x100c66000ull, 0x1024),
		load(TEXT_VADDR, TEXT_PADDR, END_VADDR - TEXT_VADDR),
		ram(0x100000, 0xaf000000),
		ram(0xbf000000, 0xbffd7000),
		ram(0x100000000ull, 0x180000000ull),
	};
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s = make_system(F_ALL);
	vmc_header *h;
	vmc_error e;
	vmc_status st;

	t_case("kexec-file x86_64");
	st = vmc_header_build(&h, s, &o, &e);
	CHECK_ST(st, VMC_OK, &e);
	if (!st) {
		const struct vmc_elfcore_spec *sp = vmc_header_spec(h);

		CHECK_U64(sp->version, VMC_ELFCORE_SPEC_VERSION);
		CHECK(sp->id.cls == VMC_CLASS_64 && sp->id.order == VMC_LE &&
		      sp->id.machine == VMC_EM_X86_64, "ELF64 LE x86_64");
		expect_phdrs(sp, want, sizeof(want) / sizeof(want[0]));
		/* nr_cpus + VMCOREINFO + ranges + the kernel-map slot. */
		CHECK_U64(sp->nr_slots, 2 + 1 + 3 + 1);
		CHECK_U64(sp->align, 4096);
		CHECK_U64(vmc_header_segment_size(h), 4096);
		CHECK_U64(vmc_warnings_count(vmc_header_warnings(h)), 0);
		vmc_header_free(h);
	}
	vmc_system_free(s);

	/* Two crash regions: crashk_res (high) first, then crashk_low_res. */
	{
		static const char io2[] =
			"00001000-0009fbff : System RAM\n"
			"00100000-bffd6fff : System RAM\n"
			"  30000000-37ffffff : Crash kernel\n"
			"100000000-17fffffff : System RAM\n"
			"  170000000-17fffffff : Crash kernel\n";
		const struct vmc_phdr w2[] = {
			ram(0x100000, 0x30000000),
			ram(0x38000000, 0xbffd7000),
			ram(0x100000000ull, 0x170000000ull),
		};

		s = make_system(F_ALL);
		SET(s, "proc/iomem", io2);
		t_case("kexec-file, two crash regions");
		st = vmc_header_build(&h, s, &o, &e);
		CHECK_ST(st, VMC_OK, &e);
		if (!st) {
			const struct vmc_elfcore_spec *sp = vmc_header_spec(h);

			CHECK_U64(sp->nr_phdrs, 7);
			if (sp->nr_phdrs == 7)
				expect_phdrs(&(struct vmc_elfcore_spec){
					.phdrs = sp->phdrs + 4, .nr_phdrs = 3 },
					w2, 3);
			CHECK_U64(sp->nr_slots, 2 + 1 + 3 + 1);
			vmc_header_free(h);
		}

		/* Extra exclusions use the two spare slots, then NOSPACE. */
		{
			vmc_ranges *x;
			struct vmc_build_opts o2 = VMC_BUILD_OPTS_INIT;

			vmc_ranges_new(&x, &e);
			/*
			 * 3 RAM ranges, 5 slots: the low 1 MiB drops one,
			 * the low crash region splits (3), these split to 4
			 * and 5, and the last split finds every slot used.
			 */
			vmc_ranges_add(x, 0x1000000, 0x2000000, &e);
			vmc_ranges_add(x, 0x110000000ull, 0x120000000ull, &e);
			vmc_ranges_add(x, 0x50000000, 0x60000000, &e);
			o2.exclude = x;
			t_case("kexec-file, slots run out");
			st = vmc_header_build(&h, s, &o2, &e);
			CHECK_ST(st, VMC_ERR_NOSPACE, &e);
			if (!st)
				vmc_header_free(h);
			vmc_ranges_clear(x);
			vmc_ranges_add(x, 0x1000000, 0x2000000, &e);
			st = vmc_header_build(&h, s, &o2, &e);
			CHECK_ST(st, VMC_OK, &e);
			if (!st) {
				CHECK_U64(vmc_header_spec(h)->nr_phdrs, 8);
				vmc_header_free(h);
			}
			vmc_ranges_free(x);
		}
		vmc_system_free(s);
	}

	/* Explicit overrides replace the system files. */
	{
		struct vmc_span cpus[1] = { { 0x5000, 0x100 } };
		struct vmc_build_opts o3 = VMC_BUILD_OPTS_INIT;
		const struct vmc_phdr w3[] = {
			note(0x5000, 0x100),
			note(0x6000, 0x200),
			load(0xffffffff80000000ull, 0x1000000, 0x800000),
			/* --ram minus the low 1 MiB and iomem's crash
			 * region [0xaf000000, 0xbf000000). */
			load(0xffff800000000000ull + 0x100000, 0x100000,
			     0xaf000000 - 0x100000),
		};
		vmc_ranges *ramr;

		s = make_system(F_ALL);
		vmc_ranges_new(&ramr, &e);
		vmc_ranges_add(ramr, 0x1000, 0xbffd7000 - 0x10000000, &e);
		o3.cpu_notes = cpus;
		o3.nr_cpu_notes = 1;
		o3.have_vmcoreinfo = true;
		o3.vmcoreinfo = (struct vmc_span){ 0x6000, 0x200 };
		o3.have_text = true;
		o3.text_vaddr = 0xffffffff80000000ull;
		o3.text_paddr = 0x1000000;
		o3.text_len = 0x800000;
		o3.have_page_offset = true;
		o3.page_offset = 0xffff800000000000ull;
		o3.ram = ramr;
		t_case("kexec-file overrides");
		st = vmc_header_build(&h, s, &o3, &e);
		CHECK_ST(st, VMC_OK, &e);
		if (!st) {
			expect_phdrs(vmc_header_spec(h), w3, 4);
			CHECK_U64(vmc_header_spec(h)->nr_slots, 1 + 1 + 1 + 1);
			vmc_header_free(h);
		}
		o3.no_text = true;
		st = vmc_header_build(&h, s, &o3, &e);
		CHECK_ST(st, VMC_OK, &e);
		if (!st) {
			/* The kernel-map slot is counted even when unused. */
			CHECK_U64(vmc_header_spec(h)->nr_phdrs, 3);
			CHECK_U64(vmc_header_spec(h)->nr_slots, 4);
			vmc_header_free(h);
		}
		vmc_ranges_free(ramr);
		vmc_system_free(s);
	}
	t_case("%s", "");
}

static void test_generic(void)
{
	const struct vmc_phdr want[] = {
		note(0x3ee3d800, 368),
		note(0x3ee7d800, 368),
		note(0x100c66000ull, 0x1024),
		load(TEXT_VADDR, TEXT_PADDR, END_VADDR - TEXT_VADDR),
		ram(0x1000, 0x9fc00),
		ram(0x100000, 0xbffd7000),
		ram(0x100000000ull, 0x180000000ull),
	};
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s = make_system(F_ALL);
	vmc_header *h;
	vmc_error e;
	vmc_status st;

	o.profile = VMC_LOADER_GENERIC;
	t_case("generic");
	st = vmc_header_build(&h, s, &o, &e);
	CHECK_ST(st, VMC_OK, &e);
	if (!st) {
		const struct vmc_elfcore_spec *sp = vmc_header_spec(h);

		expect_phdrs(sp, want, sizeof(want) / sizeof(want[0]));
		CHECK(sp->nr_slots <= sp->nr_phdrs, "no extra slots");
		CHECK_U64(sp->align, 4096);
		CHECK_U64(vmc_header_segment_size(h), 4096);
		vmc_header_free(h);
	}
	/* Exclusions are applied as a set. */
	{
		vmc_ranges *x;

		vmc_ranges_new(&x, &e);
		vmc_ranges_add(x, 0x10000000, 0x20000000, &e);
		vmc_ranges_add(x, 0, 0x100000, &e);
		vmc_ranges_add(x, 0x30000000, 0x40000000, &e);
		o.exclude = x;
		st = vmc_header_build(&h, s, &o, &e);
		CHECK_ST(st, VMC_OK, &e);
		if (!st) {
			const struct vmc_elfcore_spec *sp = vmc_header_spec(h);
			const struct vmc_phdr w2[] = {
				ram(0x100000, 0x10000000),
				ram(0x20000000, 0x30000000),
				ram(0x40000000, 0xbffd7000),
				ram(0x100000000ull, 0x180000000ull),
			};

			CHECK_U64(sp->nr_phdrs, 8);
			if (sp->nr_phdrs == 8)
				expect_phdrs(&(struct vmc_elfcore_spec){
					.phdrs = sp->phdrs + 4, .nr_phdrs = 4 },
					w2, 4);
			vmc_header_free(h);
		}
		vmc_ranges_free(x);
		o.exclude = NULL;
	}
	vmc_system_free(s);

	/* Only iomem: RAM only, a warning about the missing CPU notes. */
	s = make_system(F_IOMEM);
	t_case("generic, iomem only");
	st = vmc_header_build(&h, s, &o, &e);
	CHECK_ST(st, VMC_OK, &e);
	if (!st) {
		const struct vmc_elfcore_spec *sp = vmc_header_spec(h);

		CHECK_U64(sp->nr_phdrs, 3);
		CHECK(sp->nr_phdrs && sp->phdrs[0].type == VMC_PT_LOAD &&
		      sp->phdrs[0].vaddr == 0x1000, "p_vaddr = paddr without "
		      "a direct-map offset");
		CHECK(vmc_warnings_count(vmc_header_warnings(h)) >= 1,
		      "warns about CPU notes");
		vmc_header_free(h);
	}
	vmc_system_free(s);
	t_case("%s", "");
}

static void test_missing(void)
{
	static const struct {
		unsigned feed;
		const char *names;
	} steps[] = {
		{ F_IOMEM, "sys/devices/system/cpu/possible" },
		{ F_IOMEM | F_POSSIBLE, "sys/devices/system/cpu/cpu0/crash_notes" },
		{ F_IOMEM | F_POSSIBLE | F_CPU0,
		  "sys/devices/system/cpu/cpu1/crash_notes" },
		{ F_IOMEM | F_POSSIBLE | F_CPU0 | F_CPU1_ADDR,
		  "sys/devices/system/cpu/cpu1/crash_notes_size" },
		{ F_IOMEM | F_POSSIBLE | F_CPU0 | F_CPU1,
		  "sys/kernel/vmcoreinfo" },
		{ F_IOMEM | F_POSSIBLE | F_CPU0 | F_CPU1 | F_VMCOREINFO,
		  "proc/kcore" },
		{ F_IOMEM | F_POSSIBLE | F_CPU0 | F_CPU1 | F_VMCOREINFO | F_KCORE,
		  "proc/kallsyms" },
		{ F_ALL & ~F_IOMEM, "proc/iomem" },
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		vmc_system *s = make_system(steps[i].feed);
		struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
		vmc_header *h = NULL;
		const vmc_warnings *hw;
		vmc_error e;
		vmc_status st;
		bool named = false;

		t_case("missing %s", steps[i].names);
		st = vmc_header_build(&h, s, &o, &e);
		CHECK_ST(st, VMC_ERR_NOTFOUND, &e);
		CHECK_MSG(&e, steps[i].names);
		if (!st)
			vmc_header_free(h);
		st = vmc_header_build(&h, s, &o, NULL);
		CHECK(st == VMC_ERR_NOTFOUND,
			  "vmc_header_build with a NULL vmc_error returns %s",
			  vmc_status_name(st));
		if (!st)
			vmc_header_free(h);
		if (!(steps[i].feed & F_IOMEM))
			goto next;	/* no RAM at all: still an error */
		o.allow_missing = true;
		st = vmc_header_build(&h, s, &o, &e);
		CHECK_ST(st, VMC_OK, &e);
		if (st)
			goto next;
		hw = vmc_header_warnings(h);
		for (size_t w = 0; w < vmc_warnings_count(hw); w++)
			named |= strstr(vmc_warnings_get(hw, w)->msg,
					steps[i].names) != NULL;
		CHECK(named, "a warning names %s", steps[i].names);
		CHECK(vmc_warnings_get(hw, vmc_warnings_count(hw)) == NULL,
		      "warning past the end");
		/* RAM is always there. */
		CHECK(vmc_header_spec(h)->nr_phdrs >= 3, "RAM loads built");
		vmc_header_free(h);
next:
		vmc_system_free(s);
	}
	{
		vmc_system *s = make_system(F_ALL);
		struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
		vmc_header *h;
		vmc_error e;

		t_case("bad options");
		o.version = 99;
		CHECK_ST(vmc_header_build(&h, s, &o, &e), VMC_ERR_INVALID, &e);
		o.version = VMC_BUILD_OPTS_VERSION;
		o.have_id = true;
		o.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_BE, VMC_EM_S390 };
		CHECK_ST(vmc_header_build(&h, s, &o, &e), VMC_ERR_UNSUPPORTED,
			 &e);
		o.id = (struct vmc_elf_id){ VMC_CLASS_32, VMC_LE, VMC_EM_X86_64 };
		CHECK_ST(vmc_header_build(&h, s, &o, &e), VMC_ERR_INVALID, &e);
		vmc_system_free(s);
	}
	t_case("%s", "");
}

int main(void)
{
	rng_seed("test_system", 1);
	make_kcore();
	test_files();
	test_kexec_file();
	test_generic();
	test_missing();
	return t_finish();
}
