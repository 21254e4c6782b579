// SPDX-License-Identifier: MIT
/*
 * The kexec-file loader: Linux 6.x kexec_file_load builds the elfcorehdr
 * in the kernel (kernel/crash_core.c crash_prepare_elf64_headers), driven
 * by each architecture's prepare_elf_headers.  What differs between
 * architectures is a row of kfile_arches[]; the rules are below.
 */
#include <string.h>

#include "loader/loader_priv.h"
#include "base/compiler.h"
#include "elf/elf_class.h"

#define PAGE_4K 4096ull
#define ELF_CORE_HEADER_ALIGN 4096	/* include/linux/crash_core.h */

struct kfile_arch {
	struct vmc__loader_arch id;	/* first: the ops point here */
	/* Memory below this is left out of the RAM PT_LOADs before the
	 * crash regions (x86 elf_header_exclude_ranges: the low 1 MiB, which
	 * the kdump kernel gets a copy of anyway); 0 = nothing. */
	uint64_t low_exclude_end;
};

/* arch/x86/kernel/crash.c prepare_elf_headers, elf_header_exclude_ranges */
static const struct kfile_arch kfile_x86_64 = {
	{ "x86_64", VMC_EM_X86_64, VMC_CLASS_64, VMC_LE },
	.low_exclude_end = 0x100000,
};

/* arch/arm64/kernel/machine_kexec_file.c prepare_elf_headers: only the
 * crash regions (crashk_res, crashk_low_res) are excluded. */
static const struct kfile_arch kfile_arm64 = {
	{ "arm64", VMC_EM_AARCH64, VMC_CLASS_64, VMC_LE },
	.low_exclude_end = 0,
};

static const struct vmc__loader_arch *const kfile_arches[] = {
	&kfile_x86_64.id,
	&kfile_arm64.id,
};

/*
 * arch/x86/kernel/crash.c elf_header_exclude_ranges: the low 1 MiB (the
 * row's low_exclude_end), then crashk_res, then crashk_low_res, into a
 * crash_mem with two spare slots (fill_up_crash_elf_data).  Both regions
 * are "Crash kernel" in iomem; crashk_res is the higher one when there are
 * two.  arm64's prepare_elf_headers excludes the same crash regions.
 */
static vmc_status kfile_ram(const vmc_system *s,
			    const struct vmc_build_opts *o,
			    const struct kfile_arch *a, vmc_ranges **out,
			    vmc_error *e)
{
	vmc_ranges *ram, *crash = NULL;
	vmc_status st = vmc__in_system_ram(s, o, &ram, e);
	const struct vmc_range *c;

	if (st)
		return st;
	st = vmc_ranges_set_capacity(ram, vmc_ranges_count(ram) + 2, e);
	if (!st && a->low_exclude_end)
		st = vmc_ranges_exclude(ram, 0, a->low_exclude_end, e);
	if (!st)
		st = vmc_ranges_new(&crash, e);
	if (!st && s->iomem)
		st = vmc_iomem_find(s->iomem, "Crash kernel", crash, e);
	c = st ? NULL : vmc_ranges_data(crash);
	for (size_t i = st ? 0 : vmc_ranges_count(crash); !st && i-- > 0;)
		st = vmc_ranges_exclude(ram, c[i].start, c[i].end, e);
	if (!st && o->exclude) {
		const struct vmc_range *x = vmc_ranges_data(o->exclude);

		for (size_t i = 0; !st && i < vmc_ranges_count(o->exclude); i++)
			st = vmc_ranges_exclude(ram, x[i].start, x[i].end, e);
	}
	vmc_ranges_free(crash);
	if (st) {
		vmc_ranges_free(ram);
		return st;
	}
	*out = ram;
	return VMC_OK;
}

/*
 * The elfcorehdr segment (arch/x86/kernel/crash.c crash_load_segments):
 * with CONFIG_CRASH_HOTPLUG its memsz is 64 + 56 * (2 + NR_CPUS +
 * CRASH_MAX_MEMORY_RANGES), which sysfs crash_elfcorehdr_size reports
 * without the 64 (arch_crash_get_elfcorehdr_size); kexec_add_buffer rounds
 * memsz to a page.  Without CONFIG_MEMORY_HOTPLUG the ranges are the
 * present ones.
 */
static uint64_t kfile_segment(const vmc_system *s, size_t nr_ranges,
			      size_t hdr_size)
{
	const struct elf_class *c = vmc__elf_class(VMC_CLASS_64);
	uint64_t sz;

	if (!s->elfcorehdr_size.set)
		return hdr_size;
	sz = c->ehsz + s->elfcorehdr_size.v;
	if (s->hotplug_mem < 0)
		sz += (uint64_t)c->phsz * nr_ranges;
	return align_up_u64(sz, PAGE_4K);
}

/* crash_prepare_elf64_headers: CPU notes, VMCOREINFO, the kernel map,
 * then System RAM as walk_system_ram_res visits it, minus the exclusions. */
static vmc_status kfile_build(struct vmc_header *h, const vmc_system *s,
			      const struct vmc_build_opts *o,
			      const struct vmc__loader_arch *arch, vmc_error *e)
{
	const struct kfile_arch *a = (const struct kfile_arch *)arch;
	size_t nr_cpus, nr_text, size;
	uint64_t page_offset = 0;
	vmc_ranges *ram;
	vmc_status st;

	st = vmc__in_cpu_notes(h, s, o, &nr_cpus, e);
	if (!st)
		st = vmc__in_vmcoreinfo(h, s, o, true, e);
	if (!st)
		st = vmc__in_text(h, s, o, true, e);
	if (st)
		return st;
	nr_text = h->nr > 0 && h->ph[h->nr - 1].type == VMC_PT_LOAD;
	if (o->have_page_offset)
		page_offset = o->page_offset;
	else if (!vmc__in_page_offset(s, nr_text ? h->ph[h->nr - 1].vaddr : 0,
				      &page_offset))
		st = vmc__sys_missing(o, h, "proc/kcore",
				 "the direct-map offset (__va) is unknown", e);
	if (!st)
		st = kfile_ram(s, o, a, &ram, e);
	if (st)
		return st;
	st = vmc__in_no_ram(h, o, vmc_ranges_count(ram), e);
	if (!st)
		st = vmc__in_push_ram(h, ram, page_offset, e);
	/* nr_cpus + vmcoreinfo + ranges + the kernel-map slot, always. */
	h->spec.nr_slots = nr_cpus + 1 + vmc_ranges_count(ram) + 1;
	h->spec.align = ELF_CORE_HEADER_ALIGN;
	if (!st)
		st = vmc__hdr_size(h, &size, e);
	if (!st)
		h->segment_size = kfile_segment(s, vmc_ranges_count(ram), size);
	vmc_ranges_free(ram);
	return st;
}

/*
 * crash_load_segments: memsz = 64 + crash_elfcorehdr_size, which
 * arch_crash_get_elfcorehdr_size computes as 56 x pnum; pnum >= PN_XNUM
 * ("number of Phdrs %lu exceeds max") reserves nothing.
 */
static vmc_status kfile_reserve(uint64_t size, uint64_t *memsz, vmc_error *e)
{
	const struct elf_class *c = vmc__elf_class(VMC_CLASS_64);

	if (size % c->phsz || size / c->phsz >= VMC_PN_XNUM)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "crash_elfcorehdr_size %llu is not "
				     "%zu x (fewer than 65535) program "
				     "headers: crash_load_segments "
				     "reserves nothing (\"number of "
				     "Phdrs exceeds max\")",
				     (unsigned long long)size, c->phsz);
	*memsz = c->ehsz + size;
	return VMC_OK;
}

const struct vmc__loader_ops vmc__loader_kexec_file = {
	.id = VMC_LOADER_KEXEC_FILE,
	.name = "kexec-file",
	.builder = "kexec_file_load",
	.arch = kfile_arches,
	.nr_arch = ARRAY_SIZE(kfile_arches),
	.build = kfile_build,
	.reserve = kfile_reserve,
	.reserve_source = "arch/x86/kernel/crash.c crash_load_segments",
	.refuses_pn_xnum = true,
	/* kfile_segment: without CONFIG_MEMORY_HOTPLUG the present ranges
	 * are added to the sysfs value */
	.reserve_from_build = true,
	/* crash_prepare_elf64_headers: for_each_possible_cpu */
	.all_possible_cpus = true,
	.regen_from_header = true,
	/* kexec_calculate_store_digests walks image->segment[] in load
	 * order and skips the IMA buffer (check_ima_segment_index) */
	.digest_address_order = false,
	.digest_skips_ima = true,
};
