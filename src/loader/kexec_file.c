// SPDX-License-Identifier: MIT
/*
 * The kexec-file and generic profiles, and what the profiles share.
 * kexec-tools lives in vmc__profile_kexec_tools.c.
 */
#include <stdio.h>
#include <string.h>

#include "loader/loader_priv.h"
#include "base/compiler.h"

#define X86_LOW_1M 0x100000ull
#define PAGE_4K 4096ull
#define ELF_CORE_HEADER_ALIGN 4096	/* include/linux/crash_core.h */
#define KCORE_NO_PADDR UINT64_MAX	/* fs/proc/kcore.c: (elf_addr_t)-1 */

vmc_status vmc__hdr_push(struct vmc_header *h, const struct vmc_phdr *ph,
		    vmc_error *e)
{
	if (h->nr == h->alloc) {
		size_t na = h->alloc ? h->alloc * 2 : 64;
		struct vmc_phdr *v = vmc__reallocarray(h->ph, na, sizeof(*v));

		if (!v)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		h->ph = v;
		h->alloc = na;
	}
	h->ph[h->nr++] = *ph;
	return VMC_OK;
}

/* PT_NOTE as both loaders write it: p_offset = p_paddr, nothing else. */
vmc_status vmc__hdr_push_note(struct vmc_header *h, uint64_t paddr, uint64_t len,
			 vmc_error *e)
{
	struct vmc_phdr ph = {
		.type = VMC_PT_NOTE,
		.offset = paddr, .paddr = paddr,
		.filesz = len, .memsz = len,
	};

	return vmc__hdr_push(h, &ph, e);
}

vmc_status vmc__hdr_warn(struct vmc_header *h, vmc_error *e, const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	va_start(ap, fmt);
	st = vmc__strlist_vaddf(&h->warn, e, fmt, ap);
	va_end(ap);
	return st;
}

vmc_status vmc__hdr_size(struct vmc_header *h, size_t *size, vmc_error *e)
{
	h->spec.phdrs = h->ph;
	h->spec.nr_phdrs = h->nr;
	return vmc_elfcore_size(&h->spec, size, e);
}

size_t vmc__sys_nr_possible(const vmc_system *s)
{
	size_t n = 0;

	for (size_t w = 0; w < CPU_WORDS; w++)
		n += (size_t)__builtin_popcountll(s->possible[w]);
	return n;
}

/* A required input is absent: fail, or warn under allow_missing. */
vmc_status vmc__sys_missing(const struct vmc_build_opts *o, struct vmc_header *h,
		       const char *file, const char *meaning, vmc_error *e)
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
static bool kcore_page_offset(const vmc_system *s, uint64_t text_vaddr,
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
static vmc_status kfile_cpu_notes(struct vmc_header *h, const vmc_system *s,
				  const struct vmc_build_opts *o,
				  size_t *nr_cpus, vmc_error *e)
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

static vmc_status vmcoreinfo_note(struct vmc_header *h, const vmc_system *s,
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
static vmc_status kfile_text(struct vmc_header *h, const vmc_system *s,
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

/* RAM PT_LOADs: p_offset = p_paddr = start, p_vaddr = __va(start),
 * p_align 0. */
static vmc_status push_ram(struct vmc_header *h, const vmc_ranges *ram,
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

static vmc_status system_ram(const vmc_system *s,
			     const struct vmc_build_opts *o, vmc_ranges **out,
			     vmc_error *e)
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
static vmc_status kfile_ram(const vmc_system *s,
			    const struct vmc_build_opts *o, uint16_t machine,
			    vmc_ranges **out, vmc_error *e)
{
	vmc_ranges *ram, *crash = NULL;
	vmc_status st = system_ram(s, o, &ram, e);
	const struct vmc_range *c;

	if (st)
		return st;
	st = vmc_ranges_set_capacity(ram, vmc_ranges_count(ram) + 2, e);
	if (!st && machine == VMC_EM_X86_64)
		st = vmc_ranges_exclude(ram, 0, X86_LOW_1M, e);
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
	uint64_t sz;

	if (!s->elfcorehdr_size.set)
		return hdr_size;
	sz = 64 + s->elfcorehdr_size.v;
	if (s->hotplug_mem < 0)
		sz += 56ull * nr_ranges;
	return align_up_u64(sz, PAGE_4K);
}

static vmc_status profile_kexec_file(struct vmc_header *h, const vmc_system *s,
				     const struct vmc_build_opts *o,
				     vmc_error *e)
{
	uint16_t m = h->spec.id.machine;
	size_t nr_cpus, nr_text, size;
	uint64_t page_offset = 0;
	vmc_ranges *ram;
	vmc_status st;

	if (m != VMC_EM_X86_64 && m != VMC_EM_AARCH64)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "the kexec-file profile covers x86_64 and "
				     "arm64 (use --profile generic)");
	if (h->spec.id.cls != VMC_CLASS_64 || h->spec.id.order != VMC_LE)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "kexec_file_load builds ELF64 little-endian "
				     "headers only");
	st = kfile_cpu_notes(h, s, o, &nr_cpus, e);
	if (!st)
		st = vmcoreinfo_note(h, s, o, true, e);
	if (!st)
		st = kfile_text(h, s, o, true, e);
	if (st)
		return st;
	nr_text = h->nr > 0 && h->ph[h->nr - 1].type == VMC_PT_LOAD;
	if (o->have_page_offset)
		page_offset = o->page_offset;
	else if (!kcore_page_offset(s, nr_text ? h->ph[h->nr - 1].vaddr : 0,
				    &page_offset))
		st = vmc__sys_missing(o, h, "proc/kcore",
				 "the direct-map offset (__va) is unknown", e);
	if (!st)
		st = kfile_ram(s, o, m, &ram, e);
	if (st)
		return st;
	st = push_ram(h, ram, page_offset, e);
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

static vmc_status profile_generic(struct vmc_header *h, const vmc_system *s,
				  const struct vmc_build_opts *o, vmc_error *e)
{
	uint64_t page_offset = 0;
	vmc_ranges *ram;
	vmc_status st = VMC_OK;
	size_t size;

	if (o->nr_cpu_notes) {
		size_t dummy;

		st = kfile_cpu_notes(h, s, o, &dummy, e);
	} else {
		for (size_t cpu = 0; !st && cpu < VMC_MAX_CPUS; cpu++)
			if (s->cpu[cpu].paddr.set && s->cpu[cpu].size.set)
				st = vmc__hdr_push_note(h, s->cpu[cpu].paddr.v,
						   s->cpu[cpu].size.v, e);
	}
	if (!st && h->nr == 0)
		st = vmc__hdr_warn(h, e, "no CPU notes: the header describes no "
			      "registers (give --cpu-note ADDR:SIZE)");
	if (!st)
		st = vmcoreinfo_note(h, s, o, false, e);
	if (!st)
		st = kfile_text(h, s, o, false, e);
	if (st)
		return st;
	if (o->have_page_offset)
		page_offset = o->page_offset;
	else
		kcore_page_offset(s, h->nr ? h->ph[h->nr - 1].vaddr : 0,
				  &page_offset);
	st = system_ram(s, o, &ram, e);
	if (st)
		return st;
	if (o->exclude)
		st = vmc_ranges_exclude_set(ram, o->exclude, e);
	if (!st)
		st = push_ram(h, ram, page_offset, e);
	vmc_ranges_free(ram);
	h->spec.align = ELF_CORE_HEADER_ALIGN;
	if (!st)
		st = vmc__hdr_size(h, &size, e);
	if (!st)
		h->segment_size = size;
	return st;
}

VMC_EXPORT vmc_status vmc_header_build(vmc_header **out, const vmc_system *s,
				       const struct vmc_build_opts *o,
				       vmc_error *e)
{
	struct vmc_header *h;
	vmc_status st;

	if (!o || o->version != VMC_BUILD_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "build options of an unknown version");
	h = vmc__calloc(1, sizeof(*h));
	if (!h)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	h->spec.version = VMC_ELFCORE_SPEC_VERSION;
	if (o->have_id)
		h->spec.id = o->id;
	else if (!vmc_system_arch(s, &h->spec.id))
		h->spec.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE,
						  VMC_EM_X86_64 };
	switch (o->profile) {
	case VMC_LOADER_KEXEC_FILE:
		st = profile_kexec_file(h, s, o, e);
		break;
	case VMC_LOADER_KEXEC_TOOLS:
		st = vmc__profile_kexec_tools(h, s, o, e);
		break;
	case VMC_LOADER_GENERIC:
		st = profile_generic(h, s, o, e);
		break;
	default:
		st = vmc_error_set(e, VMC_ERR_INVALID, "unknown profile");
	}
	if (st) {
		vmc_header_free(h);
		return PREFIXED(st, e, "%s", vmc_loader_name(o->profile));
	}
	h->spec.phdrs = h->ph;
	h->spec.nr_phdrs = h->nr;
	*out = h;
	return VMC_OK;
}

VMC_EXPORT void vmc_header_free(vmc_header *h)
{
	if (!h)
		return;
	vmc__strlist_free(&h->warn);
	vmc__free(h->ph);
	vmc__free(h);
}

VMC_EXPORT const struct vmc_elfcore_spec *vmc_header_spec(const vmc_header *h)
{
	return &h->spec;
}

VMC_EXPORT uint64_t vmc_header_segment_size(const vmc_header *h)
{
	return h->segment_size;
}

VMC_EXPORT uint64_t vmc_header_expected_addr(const vmc_header *h)
{
	return h->expected_addr;
}

VMC_EXPORT size_t vmc_header_nr_warnings(const vmc_header *h)
{
	return h->warn.n;
}

VMC_EXPORT const char *vmc_header_warning(const vmc_header *h, size_t i)
{
	return vmc__strlist_get(&h->warn, i);
}
