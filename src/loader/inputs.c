// SPDX-License-Identifier: MIT
/*
 * What the profiles read from a vmc_system, the same way for every loader
 * that reads it: CPU notes, VMCOREINFO, the kernel text mapping, the
 * direct-map offset and System RAM.  The loaders' own rules (what they
 * exclude, how they count slots) stay in their files.
 */
#include <stdio.h>
#include <string.h>

#include "loader/loader_priv.h"
#include "base/compiler.h"

#define KCORE_NO_PADDR UINT64_MAX	/* fs/proc/kcore.c: (elf_addr_t)-1 */

size_t vmc__sys_nr_possible(const vmc_system *s)
{
	size_t n = 0;

	for (size_t w = 0; w < CPU_WORDS; w++)
		n += (size_t)__builtin_popcountll(s->possible[w]);
	return n;
}

/* A required input is absent: fail, or warn under allow_missing. */
vmc_status vmc__sys_missing(const struct vmc_build_opts *o,
			    struct vmc_header *h, const char *file,
			    const char *meaning, vmc_error *e)
{
	if (o->allow_missing)
		return vmc__hdr_warn(h, e, "%s is missing (%s); built without it",
				file, meaning);
	return vmc_error_set(e, VMC_ERR_NOTFOUND,
			     "%s is missing: %s (give the value explicitly, or "
			     "--allow-missing to build without it)", file,
			     meaning);
}

static bool kcore_text(const vmc_system *s, struct vmc_phdr *out)
{
	if (!s->have_kcore || !s->sym_text.set)
		return false;
	for (size_t i = 0; i < s->nr_kcore; i++) {
		if (s->kcore[i].type == VMC_PT_LOAD &&
		    s->kcore[i].vaddr == s->sym_text.v &&
		    s->kcore[i].paddr != KCORE_NO_PADDR) {
			*out = s->kcore[i];
			return true;
		}
	}
	return false;
}

/*
 * The direct map offset, __va(p) - p: every KCORE_RAM program header has
 * p_vaddr = __va(p_paddr) (fs/proc/kcore.c elf_kcore_store_hdr); the text
 * entry (p_paddr = __pa_symbol) is skipped.
 */
bool vmc__in_page_offset(const vmc_system *s, uint64_t text_vaddr,
			 uint64_t *out)
{
	if (!s->have_kcore)
		return false;
	for (size_t i = 0; i < s->nr_kcore; i++) {
		const struct vmc_phdr *p = &s->kcore[i];

		if (p->type == VMC_PT_LOAD && p->paddr != KCORE_NO_PADDR &&
		    p->vaddr != text_vaddr) {
			*out = p->vaddr - p->paddr;
			return true;
		}
	}
	return false;
}

/* CPU notes of every possible CPU, from sysfs (crash_prepare_elf64_headers
 * for_each_possible_cpu; the size is sizeof(note_buf_t), which sysfs
 * exports as crash_notes_size). */
vmc_status vmc__in_cpu_notes(struct vmc_header *h, const vmc_system *s,
			     const struct vmc_build_opts *o, size_t *nr_cpus,
			     vmc_error *e)
{
	vmc_status st;

	if (o->nr_cpu_notes) {
		for (size_t i = 0; i < o->nr_cpu_notes; i++) {
			st = vmc__hdr_push_note(h, o->cpu_notes[i].addr,
					   o->cpu_notes[i].len, e);
			if (st)
				return st;
		}
		*nr_cpus = o->nr_cpu_notes;
		return VMC_OK;
	}
	*nr_cpus = 0;
	if (!s->have_possible)
		return vmc__sys_missing(o, h, "sys/devices/system/cpu/possible",
				   "the set of CPUs to describe is unknown", e);
	for (size_t cpu = 0; cpu < s->nr_possible_ids; cpu++) {
		const struct cpu_note_info *c = &s->cpu[cpu];
		char file[96];

		if (!cpu_in(s->possible, cpu))
			continue;
		(*nr_cpus)++;
		if (!c->paddr.set || !c->size.set) {
			snprintf(file, sizeof(file),
				 "sys/devices/system/cpu/cpu%zu/crash_notes%s",
				 cpu, c->paddr.set ? "_size" : "");
			st = vmc__sys_missing(o, h, file,
					 "the kernel exports no crash notes for "
					 "this possible CPU (not present, or "
					 "CONFIG_CRASH_DUMP is off)", e);
			if (st)
				return st;
			continue;
		}
		st = vmc__hdr_push_note(h, c->paddr.v, c->size.v, e);
		if (st)
			return st;
	}
	return VMC_OK;
}

vmc_status vmc__in_vmcoreinfo(struct vmc_header *h, const vmc_system *s,
			      const struct vmc_build_opts *o, bool required,
			      vmc_error *e)
{
	if (o->have_vmcoreinfo)
		return vmc__hdr_push_note(h, o->vmcoreinfo.addr, o->vmcoreinfo.len, e);
	if (s->vmcoreinfo_paddr.set)
		return vmc__hdr_push_note(h, s->vmcoreinfo_paddr.v,
				     s->vmcoreinfo_len.v, e);
	if (!required)
		return VMC_OK;
	return vmc__sys_missing(o, h, "sys/kernel/vmcoreinfo",
			   "VMCOREINFO's address is unknown (CONFIG_VMCORE_INFO "
			   "off?)", e);
}

/* Kernel text PT_LOAD: p_vaddr _text, size _end - _text, p_paddr
 * __pa_symbol(_text) (crash_prepare_elf64_headers, need_kernel_map). */
vmc_status vmc__in_text(struct vmc_header *h, const vmc_system *s,
			const struct vmc_build_opts *o, bool required,
			vmc_error *e)
{
	struct vmc_phdr ph = { .type = VMC_PT_LOAD,
			       .flags = VMC_PF_R | VMC_PF_W | VMC_PF_X };
	struct vmc_phdr k;

	if (o->no_text)
		return VMC_OK;
	if (o->have_text) {
		ph.vaddr = o->text_vaddr;
		ph.paddr = ph.offset = o->text_paddr;
		ph.filesz = ph.memsz = o->text_len;
		return vmc__hdr_push(h, &ph, e);
	}
	if (!kcore_text(s, &k)) {
		if (!required)
			return VMC_OK;
		return vmc__sys_missing(o, h, "proc/kcore or proc/kallsyms (_text)",
				   "the kernel text mapping is unknown", e);
	}
	ph.vaddr = k.vaddr;
	ph.paddr = ph.offset = k.paddr;
	ph.filesz = ph.memsz = s->sym_end.set && s->sym_end.v > k.vaddr ?
			       s->sym_end.v - k.vaddr : k.memsz;
	return vmc__hdr_push(h, &ph, e);
}

/*
 * A header without a single RAM range describes no memory: the vmcore
 * would hold registers and nothing else.  An error, unless the caller
 * asked to build what can be built (then a warning).
 */
vmc_status vmc__in_no_ram(struct vmc_header *h, const struct vmc_build_opts *o,
			  size_t nr_ram, vmc_error *e)
{
	static const char msg[] = "no System RAM: the header describes no "
				  "memory";

	if (nr_ram)
		return VMC_OK;
	if (o->allow_missing)
		return vmc__hdr_warn(h, e, "%s", msg);
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "%s (--allow-missing builds it anyway)", msg);
}

/* RAM PT_LOADs: p_offset = p_paddr = start, p_vaddr = __va(start),
 * p_align 0. */
vmc_status vmc__in_push_ram(struct vmc_header *h, const vmc_ranges *ram,
			    uint64_t page_offset, vmc_error *e)
{
	const struct vmc_range *r = vmc_ranges_data(ram);

	for (size_t i = 0; i < vmc_ranges_count(ram); i++) {
		struct vmc_phdr ph = {
			.type = VMC_PT_LOAD,
			.flags = VMC_PF_R | VMC_PF_W | VMC_PF_X,
			.offset = r[i].start, .paddr = r[i].start,
			.vaddr = r[i].start + page_offset,
			.filesz = r[i].end - r[i].start,
			.memsz = r[i].end - r[i].start,
		};
		vmc_status st = vmc__hdr_push(h, &ph, e);

		if (st)
			return st;
	}
	return VMC_OK;
}

vmc_status vmc__in_system_ram(const vmc_system *s,
			      const struct vmc_build_opts *o,
			      vmc_ranges **out, vmc_error *e)
{
	vmc_status st;

	if (o->ram)
		return vmc_ranges_copy(out, o->ram, e);
	/* powerpc has no System RAM in iomem: its loaders read the device
	 * tree's memory nodes (kexec-tools kexec/arch/ppc64/crashdump-ppc64.c
	 * get_crash_memory_ranges). */
	if (!s->iomem && s->dt_ram)
		return vmc_ranges_copy(out, s->dt_ram, e);
	if (!s->iomem)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/iomem is missing: no memory ranges "
				     "(give --iomem or --ranges)");
	st = vmc_ranges_new(out, e);
	if (st)
		return st;
	st = vmc_iomem_system_ram(s->iomem, *out, e);
	if (!st && vmc_ranges_count(*out) == 0 && s->dt_ram) {
		vmc_ranges_free(*out);
		return vmc_ranges_copy(out, s->dt_ram, e);
	}
	if (st) {
		vmc_ranges_free(*out);
		*out = NULL;
	}
	return st;
}

/*
 * arch/x86/kernel/crash.c elf_header_exclude_ranges: the low 1 MiB, then
 * crashk_res, then crashk_low_res, into a crash_mem with two spare slots
 * (fill_up_crash_elf_data).  Both regions are "Crash kernel" in iomem;
 * crashk_res is the higher one when there are two.  arm64 excludes only
 * the crash regions.
 */
