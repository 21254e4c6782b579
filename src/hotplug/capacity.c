// SPDX-License-Identifier: MIT
/*
 * The elfcorehdr reserve for crash hotplug, as each loader sizes it.
 *
 * Kernel (arch/x86/kernel/crash.c, Linux 6.12):
 *   arch_crash_get_elfcorehdr_size = sizeof(Elf64_Phdr) *
 *       (2 [kernel map, VMCOREINFO] + NR_CPUS_DEFAULT
 *        + CRASH_MAX_MEMORY_RANGES [with CONFIG_MEMORY_HOTPLUG])
 *   -- an unsigned int, exported as /sys/kernel/crash_elfcorehdr_size;
 *   crash_load_segments: pnum = the same count; when pnum < PN_XNUM,
 *       memsz = pnum * sizeof(Elf64_Phdr) + sizeof(Elf64_Ehdr),
 *   else "number of Phdrs %lu exceeds max" and no reserve;
 *   kexec_add_buffer: memsz = ALIGN(memsz, PAGE_SIZE).
 *
 * kexec-tools >= 2.0.28 --hotplug (kexec/kexec.c reads the sysfs value;
 * kexec/arch/i386/crashdump-x86.c load_crashdump_segments):
 *   memsz = _ALIGN(crash_elfcorehdr_size, align = 1024) -- no room is
 *   added for the ELF header; add_buffer rounds memsz to getpagesize().
 */
#include <string.h>

#include "vmcorekit/hotplug.h"
#include "base/compiler.h"
#include "elf/elf_class.h"
#include "loader/loader_priv.h"

#define PAGE_4K 4096ull

/* Both loaders write ELF64 headers (crash_prepare_elf64_headers,
 * crash_create_elf64_headers). */
static const struct elf_class *elf64(void)
{
	return vmc__elf_class(VMC_CLASS_64);
}

static void finish(struct vmc_hp_capacity *c, uint64_t memsz)
{
	uint64_t ehsz = elf64()->ehsz;

	c->memsz = memsz;
	c->segment = align_up_u64(memsz, PAGE_4K);
	c->max_phdrs = c->segment > ehsz ? (c->segment - ehsz) /
						       elf64()->phsz : 0;
}

VMC_EXPORT vmc_status vmc_hp_capacity_from_sysfs(enum vmc_loader loader,
						 uint64_t size,
						 struct vmc_hp_capacity *out,
						 vmc_error *e)
{
	struct vmc_hp_capacity c = { .elfcorehdr_size = size };
	const struct vmc__loader_ops *ops;
	uint64_t memsz;
	vmc_status st = vmc__loader_reserving(loader, &ops, e);

	if (st)
		return st;
	if (size == 0)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "crash_elfcorehdr_size is 0 (kexec-tools: "
				     "\"the kernel needs CONFIG_CRASH_HOTPLUG\")");
	if (size > UINT32_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "crash_elfcorehdr_size %llu does not fit "
				     "the kernel's unsigned int",
				     (unsigned long long)size);
	st = ops->reserve(size, &memsz, e);
	if (st)
		return st;
	finish(&c, memsz);
	c.source = ops->reserve_source;
	*out = c;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_hp_capacity(enum vmc_loader loader,
				      uint64_t max_cpus, uint64_t max_ranges,
				      struct vmc_hp_capacity *out,
				      vmc_error *e)
{
	const struct vmc__loader_ops *ops;
	uint64_t pnum, phsz = elf64()->phsz;
	vmc_status st = vmc__loader_reserving(loader, &ops, e);

	if (st)
		return st;
	if (max_cpus == 0)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "at least one CPU is needed");
	if (max_cpus > UINT32_MAX || max_ranges > UINT32_MAX ||
	    add_overflows_u64(2 + max_cpus, max_ranges, &pnum) ||
	    pnum > UINT32_MAX / phsz)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "%llu x (2 + %llu CPUs + %llu ranges) "
				     "overflows the kernel's unsigned int "
				     "arch_crash_get_elfcorehdr_size",
				     (unsigned long long)phsz,
				     (unsigned long long)max_cpus,
				     (unsigned long long)max_ranges);
	if (ops->refuses_pn_xnum && pnum >= VMC_PN_XNUM)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "2 + %llu CPUs + %llu ranges = %llu "
				     "program headers >= PN_XNUM: "
				     "crash_load_segments reserves nothing "
				     "(\"number of Phdrs %llu exceeds max\")",
				     (unsigned long long)max_cpus,
				     (unsigned long long)max_ranges,
				     (unsigned long long)pnum,
				     (unsigned long long)pnum);
	return vmc_hp_capacity_from_sysfs(loader, pnum * phsz, out, e);
}
