// SPDX-License-Identifier: MIT
/*
 * The generic profile: no loader.  It reads what the others read (inputs.c)
 * and applies no loader's rules, so it has no per-architecture rows and
 * reserves no hotplug segment.
 */
#include "loader/loader_priv.h"
#include "base/compiler.h"

#define ELF_CORE_HEADER_ALIGN 4096	/* include/linux/crash_core.h */

/* Every field explicit or from the system files, any architecture, class
 * and byte order; no exclusions but the ones asked for. */
static vmc_status generic_build(struct vmc_header *h, const vmc_system *s,
				const struct vmc_build_opts *o,
				const struct vmc__loader_arch *arch,
				vmc_error *e)
{
	uint64_t page_offset = 0;
	vmc_ranges *ram;
	vmc_status st = VMC_OK;
	size_t size;

	if (o->nr_cpu_notes) {
		size_t dummy;

		st = vmc__in_cpu_notes(h, s, o, &dummy, e);
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
		st = vmc__in_vmcoreinfo(h, s, o, false, e);
	if (!st)
		st = vmc__in_text(h, s, o, false, e);
	if (st)
		return st;
	if (o->have_page_offset)
		page_offset = o->page_offset;
	else
		vmc__in_page_offset(s, h->nr ? h->ph[h->nr - 1].vaddr : 0,
				    &page_offset);
	st = vmc__in_system_ram(s, o, &ram, e);
	if (st)
		return st;
	if (o->exclude)
		st = vmc_ranges_exclude_set(ram, o->exclude, e);
	if (!st)
		st = vmc__in_no_ram(h, o, vmc_ranges_count(ram), e);
	if (!st)
		st = vmc__in_push_ram(h, ram, page_offset, e);
	vmc_ranges_free(ram);
	h->spec.align = ELF_CORE_HEADER_ALIGN;
	if (!st)
		st = vmc__hdr_size(h, &size, e);
	if (!st)
		h->segment_size = size;
	return st;
}

const struct vmc__loader_ops vmc__loader_generic = {
	.id = VMC_LOADER_GENERIC,
	.name = "generic",
	.builder = "the generic profile",
	.build = generic_build,
};
