// SPDX-License-Identifier: MIT
/*
 * The ELF layouts per class (ELF gABI; Linux include/uapi/linux/elf.h):
 *
 *   Elf64_Ehdr (64 bytes)              Elf32_Ehdr (52 bytes)
 *   0  e_ident[16]                     0  e_ident[16]
 *   16 e_type 2   18 e_machine 2       16 e_type 2   18 e_machine 2
 *   20 e_version 4                     20 e_version 4
 *   24 e_entry 8  32 e_phoff 8         24 e_entry 4  28 e_phoff 4
 *   40 e_shoff 8  48 e_flags 4         32 e_shoff 4  36 e_flags 4
 *   52 e_ehsize 2 54 e_phentsize 2     40 e_ehsize 2 42 e_phentsize 2
 *   56 e_phnum 2  58 e_shentsize 2     44 e_phnum 2  46 e_shentsize 2
 *   60 e_shnum 2  62 e_shstrndx 2      48 e_shnum 2  50 e_shstrndx 2
 *
 *   Elf64_Phdr (56 bytes): type 4, flags 4, offset 8, vaddr 8, paddr 8,
 *                          filesz 8, memsz 8, align 8
 *   Elf32_Phdr (32 bytes): type, offset, vaddr, paddr, filesz, memsz,
 *                          flags, align (4 each) -- flags moves!
 *   Elf64_Shdr (64 bytes): sh_size @32 (8), sh_info @44
 *   Elf32_Shdr (40 bytes): sh_size @20 (4), sh_info @28
 *   Elf_Nhdr (12 bytes): n_namesz, n_descsz, n_type (4 each, both classes)
 */
#include "elf/elf_class.h"

static const struct elf_class class64 = {
	.cls = VMC_CLASS_64,
	.ehsz = 64, .phsz = 56, .shsz = 64, .nhsz = 12, .awidth = 8,
	.e_type = 16, .e_machine = 18, .e_version = 20, .e_entry = 24,
	.e_phoff = 32, .e_shoff = 40, .e_flags = 48, .e_ehsize = 52,
	.e_phentsize = 54, .e_phnum = 56, .e_shentsize = 58, .e_shnum = 60,
	.e_shstrndx = 62,
	.p_type = 0, .p_flags = 4, .p_offset = 8, .p_vaddr = 16,
	.p_paddr = 24, .p_filesz = 32, .p_memsz = 40, .p_align = 48,
	.sh_size = 32, .sh_info = 44,
	.n_namesz = 0, .n_descsz = 4, .n_type = 8,
};

static const struct elf_class class32 = {
	.cls = VMC_CLASS_32,
	.ehsz = 52, .phsz = 32, .shsz = 40, .nhsz = 12, .awidth = 4,
	.e_type = 16, .e_machine = 18, .e_version = 20, .e_entry = 24,
	.e_phoff = 28, .e_shoff = 32, .e_flags = 36, .e_ehsize = 40,
	.e_phentsize = 42, .e_phnum = 44, .e_shentsize = 46, .e_shnum = 48,
	.e_shstrndx = 50,
	.p_type = 0, .p_flags = 24, .p_offset = 4, .p_vaddr = 8,
	.p_paddr = 12, .p_filesz = 16, .p_memsz = 20, .p_align = 28,
	.sh_size = 20, .sh_info = 28,
	.n_namesz = 0, .n_descsz = 4, .n_type = 8,
};

const struct elf_class *vmc__elf_class(enum vmc_class cls)
{
	return cls == VMC_CLASS_32 ? &class32 : &class64;
}

uint64_t vmc__elf_get_w(const struct elf_class *c, enum vmc_order o,
			const uint8_t *p)
{
	return c->awidth == 8 ? vmc_get64(o, p) : vmc_get32(o, p);
}

void vmc__elf_put_w(const struct elf_class *c, enum vmc_order o, uint8_t *p,
		    uint64_t v)
{
	if (c->awidth == 8)
		vmc_put64(o, p, v);
	else
		vmc_put32(o, p, (uint32_t)v);	/* as the kernel does */
}
