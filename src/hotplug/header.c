// SPDX-License-Identifier: MIT
/*
 * A hotplug model taken from an elfcorehdr alone.  In the kernel's layout
 * (kernel/crash_core.c crash_prepare_elf64_headers) the header says
 * everything a regeneration needs:
 *
 *   PT_NOTE x C      the possible CPUs' crash_notes, in CPU order
 *   PT_NOTE          VMCOREINFO (always the last note)
 *   PT_LOAD          kernel text (a p_vaddr - p_paddr of its own)
 *   PT_LOAD x R      System RAM with the low 1 MiB and the crash kernel
 *                    already cut out; p_vaddr = __va(p_paddr)
 *
 * Cutting the exclusions out again changes nothing, so the RAM loads can
 * stand for /proc/iomem's System RAM, and an event edits them as it would
 * edit iomem.  A header in kexec-tools' layout reads too, but its text
 * mapping and low-memory load differ from what the kernel writes.
 */
#include <string.h>

#include "vmcorekit/hotplug.h"
#include "vmcorekit/elfcore.h"
#include "hotplug/hotplug_priv.h"
#include "inspect/roles.h"
#include "base/compiler.h"

static vmc_status take_notes(struct vmc_hotplug *hp, const vmc_elfcore *c,
			     vmc_error *e)
{
	size_t n = vmc_elfcore_nr_phdrs(c), nr = 0;
	const struct vmc_phdr *last = NULL;

	for (size_t i = 0; i < n; i++)
		nr += vmc_elfcore_phdr(c, i)->type == VMC_PT_NOTE;
	if (nr < 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%zu PT_NOTE: the kernel writes one per "
				     "possible CPU, then VMCOREINFO", nr);
	hp->own_notes = vmc__reallocarray(NULL, nr, sizeof(*hp->own_notes));
	if (!hp->own_notes)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	nr = 0;
	for (size_t i = 0; i < n; i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (p->type != VMC_PT_NOTE)
			continue;
		if (last)
			hp->own_notes[nr++] = (struct vmc_span){ last->paddr,
								 last->memsz };
		last = p;
	}
	hp->build.cpu_notes = hp->own_notes;
	hp->build.nr_cpu_notes = nr;
	hp->nr_header_cpus = nr;
	hp->build.have_vmcoreinfo = true;
	hp->build.vmcoreinfo = (struct vmc_span){ last->paddr, last->memsz };
	return VMC_OK;
}

static vmc_status take_loads(struct vmc_hotplug *hp, const vmc_elfcore *c,
			     vmc_error *e)
{
	size_t n = vmc_elfcore_nr_phdrs(c);
	enum vmc_role *roles = vmc__calloc(n ? n : 1, sizeof(*roles));
	vmc_ranges *ram = NULL;
	uint64_t delta;
	vmc_status st;

	if (!roles)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	delta = vmc__classify_loads(c, roles);
	hp->build.no_text = true;
	for (size_t i = 0; i < n; i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (roles[i] != VMC_ROLE_MAPPING)
			continue;
		hp->build.no_text = false;
		hp->build.have_text = true;
		hp->build.text_vaddr = p->vaddr;
		hp->build.text_paddr = p->paddr;
		hp->build.text_len = p->memsz;
	}
	hp->build.have_page_offset = true;
	hp->build.page_offset = delta;
	st = vmc__ram_ranges(c, roles, &ram, e);
	if (!st)
		st = vmc__hp_iomem_from_ranges(ram, &hp->iomem, e);
	vmc_ranges_free(ram);
	vmc__free(roles);
	return st;
}

VMC_EXPORT vmc_status vmc_hotplug_new_from_header(vmc_hotplug **out,
						  const void *hdr, size_t len,
						  const struct vmc_hotplug_opts *o,
						  vmc_error *e)
{
	struct vmc_hotplug *hp;
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	const struct vmc_ehdr *eh;
	const struct vmc__loader_arch *arch;
	vmc_status st = vmc__hp_alloc(&hp, o, e);

	if (st)
		return st;
	if (!hp->profile->regen_from_header)
		st = vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				   "from a header alone only the kernel's "
				   "regeneration (kexec-file) is possible: "
				   "kexec-tools counts /proc/iomem lines the "
				   "header does not show");
	else if (!o->capacity)
		st = vmc_error_set(e, VMC_ERR_INVALID,
				   "the segment capacity is needed (a header "
				   "does not record its reserve)");
	if (!st)
		st = vmc_source_new_buffer(&src, hdr, len, e);
	if (!st)
		st = vmc_elfcore_parse(&c, src, e);
	if (!st) {
		eh = vmc_elfcore_ehdr(c);
		if (vmc__loader_arch(hp->profile, &eh->id, &arch, NULL))
			st = vmc_error_set(e, VMC_ERR_UNSUPPORTED,
					   "the kernel regenerates ELF64 "
					   "little-endian headers on x86_64 "
					   "and arm64 only");
		else if (vmc_elfcore_kind(c) == VMC_KIND_VMCORE)
			st = vmc_error_set(e, VMC_ERR_CORRUPT,
					   "this is a vmcore, not an "
					   "elfcorehdr");
	}
	if (!st) {
		hp->build.have_id = true;
		hp->build.id = eh->id;
		st = vmc_system_new(&hp->own_sys, e);
	}
	if (!st) {
		hp->base = hp->own_sys;
		st = take_notes(hp, c, e);
	}
	if (!st)
		st = take_loads(hp, c, e);
	if (!st)
		st = vmc__hp_set_initial(hp, hdr, len, e);
	if (!st)
		hp->hdr_size = (size_t)vmc_elfcore_headers_end(c);
	vmc_elfcore_free(c);
	vmc_source_close(src);
	if (st) {
		vmc_hotplug_free(hp);
		return st;
	}
	*out = hp;
	return VMC_OK;
}
