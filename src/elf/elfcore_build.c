// SPDX-License-Identifier: MIT
/*
 * Header bytes from a spec, in two passes (size, then write).
 *
 *   0            ELF header (64 / 52 bytes)
 *   e_phoff      nr_phdrs program headers, then (nr_slots - nr_phdrs)
 *                zeroed slots the loader counted but did not fill
 *   [shoff]      section header 0 when nr_phdrs >= PN_XNUM (extended
 *                numbering, as fs/binfmt_elf.c fill_extnum_info writes it)
 *   ...          zeros up to the size rounded to align
 */
#include <string.h>

#include "vmcorekit/elfcore.h"
#include "base/compiler.h"

static size_t slots(const struct vmc_elfcore_spec *s)
{
	return s->nr_slots > s->nr_phdrs ? s->nr_slots : s->nr_phdrs;
}

VMC_EXPORT vmc_status vmc_elfcore_size(const struct vmc_elfcore_spec *spec,
				       size_t *size, vmc_error *e)
{
	size_t n = slots(spec), phsz, total;

	if (spec->version != VMC_ELFCORE_SPEC_VERSION ||
	    (spec->id.cls != VMC_CLASS_32 && spec->id.cls != VMC_CLASS_64) ||
	    (spec->id.order != VMC_LE && spec->id.order != VMC_BE) ||
	    (spec->nr_phdrs && !spec->phdrs))
		return vmc_error_set(e, VMC_ERR_INVALID, "invalid header spec");
	phsz = vmc_elf_phdr_size(spec->id.cls);
	if (n > UINT32_MAX || n > (SIZE_MAX - 4096) / phsz)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "%zu program headers are too many", n);
	total = vmc_elf_ehdr_size(spec->id.cls) + n * phsz;
	if (spec->nr_phdrs >= VMC_PN_XNUM)
		total += vmc_elf_shdr_size(spec->id.cls);
	if (spec->align > 1) {
		if (total > SIZE_MAX - spec->align)
			return vmc_error_set(e, VMC_ERR_RANGE, "header too large");
		total = (size_t)align_up_u64(total, spec->align);
	}
	*size = total;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elfcore_write(const struct vmc_elfcore_spec *spec,
					void *buf, size_t cap, size_t *used,
					vmc_error *e)
{
	const struct vmc_elf_id *id = &spec->id;
	size_t size, n = slots(spec);
	size_t ehsz = vmc_elf_ehdr_size(id->cls);
	size_t phsz = vmc_elf_phdr_size(id->cls);
	struct vmc_ehdr eh = { 0 };
	uint8_t *b = buf;
	vmc_status st = vmc_elfcore_size(spec, &size, e);

	if (st)
		return st;
	if (cap < size)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "header needs %zu bytes, capacity is %zu",
				     size, cap);
	memset(b, 0, size);
	eh.id = *id;
	eh.osabi = spec->osabi;
	eh.type = VMC_ET_CORE;
	eh.version = VMC_EV_CURRENT;
	eh.phoff = ehsz;
	eh.flags = spec->e_flags;
	eh.ehsize = (uint16_t)ehsz;
	eh.phentsize = (uint16_t)phsz;
	eh.phnum = (uint32_t)spec->nr_phdrs;
	if (spec->nr_phdrs >= VMC_PN_XNUM) {
		eh.shoff = ehsz + n * phsz;
		eh.shentsize = (uint16_t)vmc_elf_shdr_size(id->cls);
		eh.shnum = 1;
		st = vmc_elf_encode_shdr0(id, eh.phnum, 1, b + eh.shoff,
					  size - eh.shoff, e);
		if (st)
			return st;
	}
	st = vmc_elf_encode_ehdr(&eh, b, size, e);
	if (st)
		return st;
	for (size_t i = 0; i < spec->nr_phdrs; i++) {
		st = vmc_elf_encode_phdr(id, &spec->phdrs[i], b + ehsz + i * phsz,
					 phsz, e);
		if (st) {
			memset(b, 0, size);
			return PREFIXED(st, e, "program header %zu", i);
		}
	}
	*used = size;
	return VMC_OK;
}
