// SPDX-License-Identifier: MIT
/*
 * The per-class ELF layouts (src/elf/elf_class.c) against the C library's
 * own <elf.h>: every offset and size is offsetof/sizeof of Elf32_* and
 * Elf64_*, an independent statement of the gABI.
 */
#include <elf.h>
#include <stddef.h>

#include "unit.h"
#include "elf/elf_class.h"

#define FIELD(c, T, f) CHECK_U64((c)->f, offsetof(T, f))

/* Every row field against Elf<N>_* of <elf.h>. */
#define CHECK_CLASS(c, N) do { \
	CHECK_U64((c)->ehsz, sizeof(Elf##N##_Ehdr)); \
	CHECK_U64((c)->phsz, sizeof(Elf##N##_Phdr)); \
	CHECK_U64((c)->shsz, sizeof(Elf##N##_Shdr)); \
	CHECK_U64((c)->nhsz, sizeof(Elf##N##_Nhdr)); \
	CHECK_U64((c)->awidth, sizeof(Elf##N##_Addr)); \
	FIELD(c, Elf##N##_Ehdr, e_type); FIELD(c, Elf##N##_Ehdr, e_machine); \
	FIELD(c, Elf##N##_Ehdr, e_version); FIELD(c, Elf##N##_Ehdr, e_entry); \
	FIELD(c, Elf##N##_Ehdr, e_phoff); FIELD(c, Elf##N##_Ehdr, e_shoff); \
	FIELD(c, Elf##N##_Ehdr, e_flags); FIELD(c, Elf##N##_Ehdr, e_ehsize); \
	FIELD(c, Elf##N##_Ehdr, e_phentsize); \
	FIELD(c, Elf##N##_Ehdr, e_phnum); \
	FIELD(c, Elf##N##_Ehdr, e_shentsize); \
	FIELD(c, Elf##N##_Ehdr, e_shnum); \
	FIELD(c, Elf##N##_Ehdr, e_shstrndx); \
	FIELD(c, Elf##N##_Phdr, p_type); FIELD(c, Elf##N##_Phdr, p_flags); \
	FIELD(c, Elf##N##_Phdr, p_offset); FIELD(c, Elf##N##_Phdr, p_vaddr); \
	FIELD(c, Elf##N##_Phdr, p_paddr); FIELD(c, Elf##N##_Phdr, p_filesz); \
	FIELD(c, Elf##N##_Phdr, p_memsz); FIELD(c, Elf##N##_Phdr, p_align); \
	FIELD(c, Elf##N##_Shdr, sh_size); FIELD(c, Elf##N##_Shdr, sh_info); \
	FIELD(c, Elf##N##_Nhdr, n_namesz); \
	FIELD(c, Elf##N##_Nhdr, n_descsz); \
	FIELD(c, Elf##N##_Nhdr, n_type); \
} while (0)

static void test_classes(void)
{
	t_case("ELFCLASS64");
	CHECK_U64(vmc__elf_class(VMC_CLASS_64)->cls, VMC_CLASS_64);
	CHECK_CLASS(vmc__elf_class(VMC_CLASS_64), 64);
	t_case("ELFCLASS32");
	CHECK_U64(vmc__elf_class(VMC_CLASS_32)->cls, VMC_CLASS_32);
	CHECK_CLASS(vmc__elf_class(VMC_CLASS_32), 32);
}

/* The public sizes read the same rows; words round-trip and ELF32 keeps
 * the low half, as the kernel's assignments do. */
static void test_public_and_words(void)
{
	uint8_t b[8];

	t_case("public sizes, words");
	CHECK_U64(vmc_elf_ehdr_size(VMC_CLASS_64), sizeof(Elf64_Ehdr));
	CHECK_U64(vmc_elf_phdr_size(VMC_CLASS_32), sizeof(Elf32_Phdr));
	CHECK_U64(vmc_elf_shdr_size(VMC_CLASS_32), sizeof(Elf32_Shdr));
	CHECK_U64(VMC_ELF_NHDR_SIZE, sizeof(Elf64_Nhdr));
	vmc__elf_put_w(vmc__elf_class(VMC_CLASS_64), VMC_BE, b,
		       0x0102030405060708ull);
	CHECK_U64(b[0], 1);
	CHECK_U64(vmc__elf_get_w(vmc__elf_class(VMC_CLASS_64), VMC_BE, b),
		  0x0102030405060708ull);
	vmc__elf_put_w(vmc__elf_class(VMC_CLASS_32), VMC_LE, b,
		       0x1122334455667788ull);
	CHECK_U64(vmc__elf_get_w(vmc__elf_class(VMC_CLASS_32), VMC_LE, b),
		  0x55667788u);
	t_case("%s", "");
}

int main(void)
{
	test_classes();
	test_public_and_words();
	return t_finish();
}
