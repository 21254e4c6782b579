// SPDX-License-Identifier: MIT
/*
 * kexec-tools 2.0.25 `kexec -p` on ppc64 (src/loader/kexec_tools_ppc64.c)
 * from device-tree files fed through vmc_system_set_file.  The expected
 * program headers are written out by hand from
 * kexec/arch/ppc64/crashdump-ppc64.c get_crash_memory_ranges,
 * get_dyn_reconf_crash_memory_ranges, exclude_crash_region and
 * load_crashdump_segments, and kexec/crashdump-elf.c
 * crash_create_elf64_headers; the main case has the layout `kexec -d`
 * printed on a QEMU pseries guest (1 GiB + 1 GiB NUMA nodes, a 512 MiB
 * cold-plugged DIMM, crashkernel=256M at 512 MiB, RTAS at its top).
 *
 * The order of the root's nodes is what readdir() gives on
 * /proc/device-tree (kernfs: name hash, then name); the oracles are
 * listings a real kernel printed, not our hash.
 */
#include "unit.h"
#include "expect_phdrs.h"
#include "vmcorekit/header.h"
#include "vmcorekit/elfcore.h"
#include "system/system_priv.h"

#define PAGE_OFFSET 0xc000000000000000ull
#define RWX (VMC_PF_R | VMC_PF_W | VMC_PF_X)
#define DT "proc/device-tree/"
#define DRCONF DT "ibm,dynamic-reconfiguration-memory/"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static vmc_status set(vmc_system *s, const char *path, const void *data,
		      size_t len)
{
	vmc_error e;
	vmc_status st = vmc_system_set_file(s, path, data, len, &e);

	CHECK(st == VMC_OK, "set_file(%s): %s: %s", path,
	      vmc_status_name(st), e.msg);
	return st;
}

static void set64(vmc_system *s, const char *path, uint64_t v)
{
	uint8_t b[8];

	be64(b, v);
	set(s, path, b, 8);
}

static void set32(vmc_system *s, const char *path, uint32_t v)
{
	uint8_t b[4];

	be32(b, v);
	set(s, path, b, 4);
}

static void set_reg(vmc_system *s, const char *node, uint64_t a, uint64_t n)
{
	char path[128];
	uint8_t b[16];

	be64(b, a);
	be64(b + 8, n);
	snprintf(path, sizeof(path), DT "%s/reg", node);
	set(s, path, b, 16);
}

/* ibm,dynamic-memory-v2: {nr_lmbs, base, flags} entries. */
static void set_drmem_v2(vmc_system *s, const uint32_t (*ent)[4], size_t n)
{
	uint8_t b[4 + 24 * 8] = { 0 };

	be32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *q = b + 4 + 24 * i;

		be32(q, ent[i][0]);
		be64(q + 4, (uint64_t)ent[i][1] << 32 | ent[i][2]);
		be32(q + 12, (uint32_t)i);	/* drc index */
		be32(q + 16, 0xffffffffu);	/* associativity index */
		be32(q + 20, ent[i][3]);
	}
	set(s, DRCONF "ibm,dynamic-memory-v2", b, 4 + 24 * n);
}

/* The pseries guest: chosen, RTAS, CPUs, VMCOREINFO; no memory yet. */
static vmc_system *base_system(void)
{
	vmc_system *s;
	vmc_error e;

	if (vmc_system_new(&s, &e)) {
		printf("vmc_system_new: %s\n", e.msg);
		exit(2);
	}
	set64(s, DT "chosen/linux,crashkernel-base", 0x20000000);
	set64(s, DT "chosen/linux,crashkernel-size", 0x10000000);
	set64(s, DT "chosen/linux,kernel-end", 0x2880000);
	set64(s, DT "chosen/linux,memory-limit", 0);
	set32(s, DT "rtas/linux,rtas-base", 0x2fff0000);
	set32(s, DT "rtas/rtas-size", 0x83c);
	set(s, "sys/devices/system/cpu/possible", "0-1\n", 4);
	set(s, "sys/devices/system/cpu/cpu0/crash_notes", "3ff87000\n", 9);
	set(s, "sys/devices/system/cpu/cpu0/crash_notes_size", "536\n", 4);
	set(s, "sys/kernel/vmcoreinfo", "0x00000000045e0000 10024\n", 25);
	return s;
}

static struct vmc_phdr ram(uint64_t start, uint64_t end)
{
	return (struct vmc_phdr){ .type = VMC_PT_LOAD, .flags = RWX,
				  .offset = start, .paddr = start,
				  .vaddr = PAGE_OFFSET + start,
				  .filesz = end - start, .memsz = end - start };
}

/* [0, 64 KiB) with p_offset at its copy, right after the kdump kernel
 * (crash base 0x20000000 + kernel-end 0x2880000) */
static struct vmc_phdr backup_load(void)
{
	struct vmc_phdr p = ram(0, 0x10000);

	p.offset = 0x22880000;
	return p;
}

static struct vmc_phdr note(uint64_t a, uint64_t len)
{
	return (struct vmc_phdr){ .type = VMC_PT_NOTE, .offset = a, .paddr = a,
				  .filesz = len, .memsz = len };
}

static vmc_header *build(vmc_system *s, struct vmc_build_opts *o,
			 vmc_status want)
{
	vmc_header *h = NULL;
	vmc_error e;
	vmc_status st;

	o->profile = VMC_LOADER_KEXEC_TOOLS;
	o->have_id = true;
	o->id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_PPC64 };
	st = vmc_header_build(&h, s, o, &e);
	CHECK_ST(st, want, &e);
	return st ? NULL : h;
}

/* Directory listings a Linux 6.x kernel printed (ls -f / readdir). */
static void test_kernfs_order(void)
{
	static const char *const cpu_dir[] = {	/* /sys/devices/system/cpu */
		"cpuidle", "uevent", "hotplug", "enabled", "possible",
		"offline",
	};
	/* /proc/device-tree of a 2-node NUMA pseries guest (Debian 6.1
	 * ppc64el, QEMU 7.2), as `find -maxdepth 1` listed it */
	static const char *const dt_root[] = {
		"ibm,drc-names",
		"ibm,drc-types",
		"#address-cells",
		"pci@800000020000000",
		"memory@0",
		"memory@40000000",
		"ibm,persistent-memory",
		"model",
		"ibm,plat-res-int-priorities",
		"rtas",
		"slof,from-fdt",
		"interrupt-controller@60302031b0000",
		"#size-cells",
		"options",
		"ibm,drc-indexes",
		"openprom",
		"vm,uuid",
		"device_type",
		"event-sources",
		"compatible",
		"aliases",
		"packages",
		"phandle",
		"chosen",
		"vdevice",
		"cpus",
		"name",
		"ibm,drc-power-domains",
		"mmu",
	};
	/* ... and the dynamic-memory guest's, as kexec -d walked it
	 * (get_base_ranges' "0000000000000000-0000000040000000" lines). */
	static const char *const dt_mem[] = {
		"memory@0", "memory@40000000",
		"ibm,dynamic-reconfiguration-memory",
	};

	t_case("kernfs readdir order");
	for (size_t i = 0; i + 1 < NELEM(cpu_dir); i++)
		CHECK(vmc__kernfs_order(cpu_dir[i], cpu_dir[i + 1]) < 0,
		      "%s before %s", cpu_dir[i], cpu_dir[i + 1]);
	for (size_t i = 0; i + 1 < NELEM(dt_root); i++)
		CHECK(vmc__kernfs_order(dt_root[i], dt_root[i + 1]) < 0,
		      "%s before %s", dt_root[i], dt_root[i + 1]);
	for (size_t i = 0; i + 1 < NELEM(dt_mem); i++)
		CHECK(vmc__kernfs_order(dt_mem[i], dt_mem[i + 1]) < 0,
		      "%s before %s", dt_mem[i], dt_mem[i + 1]);
	CHECK(vmc__kernfs_order("memory@0", "memory@0") == 0, "equal");
	t_case("%s", "");
}

static void test_pseries(void)
{
	static const uint32_t lmbs[][4] = {
		{ 8, 0, 0, 0xa0 },		/* boot memory: reserved */
		{ 2, 0, 0x80000000u, 0x8 },	/* the DIMM: assigned */
		{ 1, 0, 0xa0000000u, 0x8 },	/* adjacent: merged */
		{ 5, 0, 0xb0000000u, 0 },	/* unassigned */
	};
	const struct vmc_phdr want[] = {
		note(0x3ff87000, 536),
		note(0x45e0000, 0x10024),
		/* the backup region, its copy after the kdump kernel */
		backup_load(),
		ram(0x10000, 0x20000000),
		ram(0x30000000, 0x40000000),
		ram(0x40000000, 0x80000000),
		ram(0x80000000, 0xb0000000),
		/* RTAS inside the crash region, rounded to the 64 KiB page */
		ram(0x2fff0000, 0x30000000),
	};
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s = base_system();
	vmc_header *h;

	t_case("pseries NUMA + DIMM");
	/* fed in another order than readdir's: the model sorts */
	set64(s, DRCONF "ibm,lmb-size", 0x10000000);
	set_drmem_v2(s, lmbs, NELEM(lmbs));
	set_reg(s, "memory@40000000", 0x40000000, 0x40000000);
	set_reg(s, "memory@0", 0, 0x40000000);
	h = build(s, &o, VMC_OK);
	if (h) {
		const struct vmc_elfcore_spec *sp = vmc_header_spec(h);

		expect_phdrs(sp, want, NELEM(want));
		/* possible CPUs (cpu1 has no notes) + VMCOREINFO + ranges */
		CHECK_U64(sp->nr_slots, 2 + 1 + 6);
		CHECK_U64(sp->align, 1024);
		/* rounded to getpagesize(): no kcore, the 64 KiB default */
		CHECK_U64(vmc_header_segment_size(h), 0x10000);
		CHECK_U64(vmc_header_expected_addr(h), 0x22890000);
		CHECK_U64(vmc_warnings_count(vmc_header_warnings(h)), 1);
		vmc_header_free(h);
	}
	/* --backup-addr moves the copy and the header after it */
	o.have_backup = true;
	o.backup_addr = 0x24000000;
	h = build(s, &o, VMC_OK);
	if (h) {
		CHECK_U64(vmc_header_spec(h)->phdrs[2].offset, 0x24000000);
		CHECK_U64(vmc_header_expected_addr(h), 0x24010000);
		vmc_header_free(h);
	}
	vmc_system_free(s);
	t_case("%s", "");
}

/* mem= (linux,memory-limit) clips and drops; coherent device memory and
 * the rest of reg are ignored; a start at 0 moves past the backup. */
static void test_limits(void)
{
	const struct vmc_phdr want[] = {
		note(0x3ff87000, 536),
		note(0x45e0000, 0x10024),
		backup_load(),
		ram(0x10000, 0x20000000),
		ram(0x30000000, 0x38000000),
		ram(0x2fff0000, 0x30000000),
	};
	static const char cdm[] = "ibm,coherent-device-memory";
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s = base_system();
	vmc_header *h;
	uint8_t reg[32];

	t_case("memory-limit, coherent memory");
	set64(s, DT "chosen/linux,memory-limit", 0x38000000);
	be64(reg, 0);
	be64(reg + 8, 0x40000000);
	be64(reg + 16, 0x100000000ull);	/* a second pair: never read */
	be64(reg + 24, 0x10000000);
	set(s, DT "memory@0/reg", reg, sizeof(reg));
	set_reg(s, "memory@40000000", 0x40000000, 0x40000000);
	set_reg(s, "memory@200000000000", 0x200000000000ull, 0x10000000);
	set(s, DT "memory@200000000000/compatible", cdm, sizeof(cdm));
	h = build(s, &o, VMC_OK);
	if (h) {
		expect_phdrs(vmc_header_spec(h), want, NELEM(want));
		vmc_header_free(h);
	}
	vmc_system_free(s);
	t_case("%s", "");
}

/* --ram replaces the nodes; a range at or past MAXMEM (2^60) gets
 * p_vaddr -1; RTAS's 32-bit end wraps as kexec-tools' unsigned int. */
static void test_ram_and_wrap(void)
{
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s = base_system();
	vmc_ranges *r;
	vmc_header *h;
	vmc_error e;

	t_case("--ram, highmem, RTAS wrap");
	set32(s, DT "rtas/linux,rtas-base", 0xffff0000u);
	set32(s, DT "rtas/rtas-size", 0x20000);	/* ends at 0x10000: wraps */
	if (vmc_ranges_new(&r, &e)) {
		printf("vmc_ranges_new: %s\n", e.msg);
		exit(2);
	}
	vmc_ranges_add(r, 0, 0x40000000, NULL);
	vmc_ranges_add(r, 1ull << 60, (1ull << 60) + 0x10000000, NULL);
	o.ram = r;
	h = build(s, &o, VMC_OK);
	if (h) {
		const struct vmc_elfcore_spec *sp = vmc_header_spec(h);

		/* notes 2, backup, two pieces of node 0, the high range;
		 * no RTAS range (its wrapped end is below the region) */
		CHECK_U64(sp->nr_phdrs, 2 + 1 + 2 + 1);
		if (sp->nr_phdrs == 6) {
			CHECK_U64(sp->phdrs[5].paddr, 1ull << 60);
			CHECK_U64(sp->phdrs[5].vaddr, UINT64_MAX);
			CHECK_U64(sp->phdrs[4].vaddr, PAGE_OFFSET + 0x30000000);
		}
		vmc_header_free(h);
	}
	vmc_ranges_free(r);
	vmc_system_free(s);
	t_case("%s", "");
}

static void test_errors(void)
{
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *s;
	vmc_error e;
	uint8_t b[28] = { 0 };

	t_case("errors");
	/* no crashkernel= reservation */
	if (vmc_system_new(&s, &e) == VMC_OK) {
		set_reg(s, "memory@0", 0, 0x40000000);
		build(s, &o, VMC_ERR_NOTFOUND);
		vmc_system_free(s);
	}
	/* a 1-cell reg is the generic reader's business, not kexec-tools' */
	s = base_system();
	set(s, DT "memory@0/reg", b, 8);
	build(s, &o, VMC_ERR_CORRUPT);
	vmc_system_free(s);
	/* a short property: the set_file refusal names it */
	s = base_system();
	CHECK_ST(vmc_system_set_file(s, DT "chosen/linux,kernel-end", b, 4, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK(strstr(e.msg, "linux,kernel-end") != NULL, "%s", e.msg);
	be32(b, 2);	/* two entries in 28 bytes */
	CHECK_ST(vmc_system_set_file(s, DRCONF "ibm,dynamic-memory", b, 28, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_system_set_file(s, DT "memory@0/status", "okay", 4, &e),
		 VMC_ERR_INVALID, &e);
	vmc_system_free(s);
	/* without linux,kernel-end the kdump kernel's size is unknown */
	if (vmc_system_new(&s, &e) == VMC_OK) {
		set64(s, DT "chosen/linux,crashkernel-base", 0x20000000);
		set64(s, DT "chosen/linux,crashkernel-size", 0x10000000);
		set_reg(s, "memory@0", 0, 0x40000000);
		o.allow_missing = true;
		build(s, &o, VMC_ERR_NOTFOUND);
		vmc_system_free(s);
	}
	t_case("%s", "");
}

int main(void)
{
	test_kernfs_order();
	test_pseries();
	test_limits();
	test_ram_and_wrap();
	test_errors();
	return t_finish();
}
