/* SPDX-License-Identifier: MIT */
/*
 * Internal: the ELF layouts, one row per class (src/elf/elf_class.c).  The
 * codec, the /proc/vmcore layout and every builder that sizes a header read
 * the byte offsets and sizes from here.
 */
#ifndef VMC_ELF_ELF_CLASS_H
#define VMC_ELF_ELF_CLASS_H

#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/elf.h"

struct elf_class {
	enum vmc_class cls;
	size_t ehsz, phsz, shsz, nhsz;	/* sizeof Elf_Ehdr/Phdr/Shdr/Nhdr */
	size_t awidth;			/* Elf_Addr/Off (and Xword): 4 or 8 */
	/* Elf_Ehdr field offsets */
	size_t e_type, e_machine, e_version, e_entry, e_phoff, e_shoff,
	       e_flags, e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
	       e_shstrndx;
	/* Elf_Phdr field offsets (p_flags moves between the classes) */
	size_t p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz,
	       p_memsz, p_align;
	/* Elf_Shdr fields section header 0 uses for extended numbering */
	size_t sh_size, sh_info;
	/* Elf_Nhdr (4-byte words in both classes, as Linux writes them) */
	size_t n_namesz, n_descsz, n_type;
};

/* The row of @cls; VMC_CLASS_32 gives ELFCLASS32, anything else 64. */
const struct elf_class *vmc__elf_class(enum vmc_class cls);

/* An Elf_Addr/Elf_Off/Elf_Xword field; ELF32 stores the low 32 bits, as
 * the kernel's assignments to Elf32_Phdr fields do. */
uint64_t vmc__elf_get_w(const struct elf_class *c, enum vmc_order o,
			const uint8_t *p);
void vmc__elf_put_w(const struct elf_class *c, enum vmc_order o, uint8_t *p,
		    uint64_t v);

#endif
