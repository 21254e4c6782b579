// SPDX-License-Identifier: MIT
/*
 * Byte-wise ELF header codec for ELFCLASS32/64 x LSB/MSB.
 *
 * Layouts (ELF gABI; Linux include/uapi/linux/elf.h):
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
 */
#include <string.h>

#include "vmcorekit/elf.h"
#include "base/compiler.h"

enum { EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6, EI_OSABI = 7,
       EI_ABIVERSION = 8, EI_NIDENT = 16 };

VMC_EXPORT uint16_t vmc_get16(enum vmc_order o, const void *p)
{
	const uint8_t *b = p;

	return o == VMC_BE ? (uint16_t)(b[0] << 8 | b[1])
			   : (uint16_t)(b[1] << 8 | b[0]);
}

VMC_EXPORT uint32_t vmc_get32(enum vmc_order o, const void *p)
{
	const uint8_t *b = p;
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | b[o == VMC_BE ? i : 3 - i];
	return v;
}

VMC_EXPORT uint64_t vmc_get64(enum vmc_order o, const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[o == VMC_BE ? i : 7 - i];
	return v;
}

VMC_EXPORT void vmc_put16(enum vmc_order o, void *p, uint16_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 2; i++)
		b[o == VMC_BE ? 1 - i : i] = (uint8_t)(v >> (8 * i));
}

VMC_EXPORT void vmc_put32(enum vmc_order o, void *p, uint32_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 4; i++)
		b[o == VMC_BE ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

VMC_EXPORT void vmc_put64(enum vmc_order o, void *p, uint64_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 8; i++)
		b[o == VMC_BE ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

VMC_EXPORT size_t vmc_elf_ehdr_size(enum vmc_class cls)
{
	return cls == VMC_CLASS_32 ? 52 : 64;
}

VMC_EXPORT size_t vmc_elf_phdr_size(enum vmc_class cls)
{
	return cls == VMC_CLASS_32 ? 32 : 56;
}

VMC_EXPORT size_t vmc_elf_shdr_size(enum vmc_class cls)
{
	return cls == VMC_CLASS_32 ? 40 : 64;
}

static bool id_valid(const struct vmc_elf_id *id)
{
	return (id->cls == VMC_CLASS_32 || id->cls == VMC_CLASS_64) &&
	       (id->order == VMC_LE || id->order == VMC_BE);
}

/* A "word": 4 bytes in ELF32, 8 in ELF64 (addresses, offsets, sizes). */
static uint64_t get_word(const struct vmc_elf_id *id, const uint8_t *p)
{
	return id->cls == VMC_CLASS_32 ? vmc_get32(id->order, p)
				       : vmc_get64(id->order, p);
}

static bool put_word(const struct vmc_elf_id *id, uint8_t *p, uint64_t v)
{
	if (id->cls == VMC_CLASS_32) {
		if (v > UINT32_MAX)
			return false;
		vmc_put32(id->order, p, (uint32_t)v);
	} else {
		vmc_put64(id->order, p, v);
	}
	return true;
}

VMC_EXPORT vmc_status vmc_elf_decode_ehdr(const void *buf, size_t len,
					  struct vmc_ehdr *out, vmc_error *e)
{
	const uint8_t *b = buf;
	struct vmc_elf_id id;
	bool w64;

	if (len < EI_NIDENT)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "file too short for an ELF header (%zu bytes)",
				     len);
	if (memcmp(b, "\177ELF", 4) != 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "not an ELF file (bad magic)");
	if (b[EI_CLASS] != 1 && b[EI_CLASS] != 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "bad ELF class %u", b[EI_CLASS]);
	if (b[EI_DATA] != 1 && b[EI_DATA] != 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "bad ELF data encoding %u", b[EI_DATA]);
	if (b[EI_VERSION] != VMC_EV_CURRENT)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "bad ELF identification version %u",
				     b[EI_VERSION]);
	id.cls = b[EI_CLASS] == 1 ? VMC_CLASS_32 : VMC_CLASS_64;
	id.order = b[EI_DATA] == 1 ? VMC_LE : VMC_BE;
	if (len < vmc_elf_ehdr_size(id.cls))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "truncated ELF header (%zu of %zu bytes)",
				     len, vmc_elf_ehdr_size(id.cls));
	w64 = id.cls == VMC_CLASS_64;
	id.machine = vmc_get16(id.order, b + 18);
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->osabi = b[EI_OSABI];
	out->abiversion = b[EI_ABIVERSION];
	out->type = vmc_get16(id.order, b + 16);
	out->version = vmc_get32(id.order, b + 20);
	out->entry = get_word(&id, b + 24);
	out->phoff = get_word(&id, b + (w64 ? 32 : 28));
	out->shoff = get_word(&id, b + (w64 ? 40 : 32));
	b += w64 ? 48 : 36;
	out->flags = vmc_get32(id.order, b);
	out->ehsize = vmc_get16(id.order, b + 4);
	out->phentsize = vmc_get16(id.order, b + 6);
	out->raw_phnum = vmc_get16(id.order, b + 8);
	out->phnum = out->raw_phnum;
	out->shentsize = vmc_get16(id.order, b + 10);
	out->shnum = vmc_get16(id.order, b + 12);
	out->shstrndx = vmc_get16(id.order, b + 14);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_resolve_xnum(struct vmc_ehdr *eh,
					   const void *shdr0, size_t len,
					   vmc_error *e)
{
	const uint8_t *b = shdr0;
	const struct vmc_elf_id *id = &eh->id;
	bool w64 = id->cls == VMC_CLASS_64;
	uint64_t sh_size;
	uint32_t sh_info;

	if (len < vmc_elf_shdr_size(id->cls))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "section header 0 truncated");
	/* Elf64_Shdr: sh_size @32, sh_info @44; Elf32_Shdr: @20, @28. */
	sh_size = get_word(id, b + (w64 ? 32 : 20));
	sh_info = vmc_get32(id->order, b + (w64 ? 44 : 28));
	if (eh->raw_phnum == VMC_PN_XNUM) {
		if (sh_info < VMC_PN_XNUM)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "e_phnum is PN_XNUM but section header 0 "
					     "sh_info is %u", sh_info);
		eh->phnum = sh_info;
	}
	if (eh->shnum == 0 && eh->shoff != 0) {
		if (sh_size > UINT32_MAX)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "section count %llu too large",
					     (unsigned long long)sh_size);
		eh->shnum = (uint32_t)sh_size;
	}
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_encode_ehdr(const struct vmc_ehdr *eh,
					  void *buf, size_t cap, vmc_error *e)
{
	const struct vmc_elf_id *id = &eh->id;
	uint8_t *b = buf;
	bool w64;

	if (!id_valid(id))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "invalid ELF class or byte order");
	if (cap < vmc_elf_ehdr_size(id->cls))
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for the ELF header");
	w64 = id->cls == VMC_CLASS_64;
	memset(b, 0, vmc_elf_ehdr_size(id->cls));
	memcpy(b, "\177ELF", 4);
	b[EI_CLASS] = w64 ? 2 : 1;
	b[EI_DATA] = id->order == VMC_LE ? 1 : 2;
	b[EI_VERSION] = VMC_EV_CURRENT;
	b[EI_OSABI] = eh->osabi;
	b[EI_ABIVERSION] = eh->abiversion;
	vmc_put16(id->order, b + 16, eh->type);
	vmc_put16(id->order, b + 18, id->machine);
	vmc_put32(id->order, b + 20, eh->version);
	if (!put_word(id, b + 24, eh->entry) ||
	    !put_word(id, b + (w64 ? 32 : 28), eh->phoff) ||
	    !put_word(id, b + (w64 ? 40 : 32), eh->shoff))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "ELF header field does not fit ELFCLASS32");
	b += w64 ? 48 : 36;
	vmc_put32(id->order, b, eh->flags);
	vmc_put16(id->order, b + 4, eh->ehsize);
	vmc_put16(id->order, b + 6, eh->phentsize);
	vmc_put16(id->order, b + 8, eh->phnum >= VMC_PN_XNUM ?
		  (uint16_t)VMC_PN_XNUM : (uint16_t)eh->phnum);
	vmc_put16(id->order, b + 10, eh->shentsize);
	vmc_put16(id->order, b + 12, eh->shnum >= 0xff00 ? 0 :
		  (uint16_t)eh->shnum);
	vmc_put16(id->order, b + 14, (uint16_t)eh->shstrndx);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_decode_phdr(const struct vmc_elf_id *id,
					  const void *buf, size_t len,
					  struct vmc_phdr *out, vmc_error *e)
{
	const uint8_t *b = buf;
	enum vmc_order o = id->order;

	if (len < vmc_elf_phdr_size(id->cls))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "program header truncated");
	out->type = vmc_get32(o, b);
	if (id->cls == VMC_CLASS_64) {
		out->flags = vmc_get32(o, b + 4);
		out->offset = vmc_get64(o, b + 8);
		out->vaddr = vmc_get64(o, b + 16);
		out->paddr = vmc_get64(o, b + 24);
		out->filesz = vmc_get64(o, b + 32);
		out->memsz = vmc_get64(o, b + 40);
		out->align = vmc_get64(o, b + 48);
	} else {
		out->offset = vmc_get32(o, b + 4);
		out->vaddr = vmc_get32(o, b + 8);
		out->paddr = vmc_get32(o, b + 12);
		out->filesz = vmc_get32(o, b + 16);
		out->memsz = vmc_get32(o, b + 20);
		out->flags = vmc_get32(o, b + 24);
		out->align = vmc_get32(o, b + 28);
	}
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_encode_phdr(const struct vmc_elf_id *id,
					  const struct vmc_phdr *ph, void *buf,
					  size_t cap, vmc_error *e)
{
	uint8_t *b = buf;
	enum vmc_order o = id->order;

	if (!id_valid(id))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "invalid ELF class or byte order");
	if (cap < vmc_elf_phdr_size(id->cls))
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for a program header");
	vmc_put32(o, b, ph->type);
	if (id->cls == VMC_CLASS_64) {
		vmc_put32(o, b + 4, ph->flags);
		vmc_put64(o, b + 8, ph->offset);
		vmc_put64(o, b + 16, ph->vaddr);
		vmc_put64(o, b + 24, ph->paddr);
		vmc_put64(o, b + 32, ph->filesz);
		vmc_put64(o, b + 40, ph->memsz);
		vmc_put64(o, b + 48, ph->align);
		return VMC_OK;
	}
	if (!put_word(id, b + 4, ph->offset) ||
	    !put_word(id, b + 8, ph->vaddr) ||
	    !put_word(id, b + 12, ph->paddr) ||
	    !put_word(id, b + 16, ph->filesz) ||
	    !put_word(id, b + 20, ph->memsz) ||
	    !put_word(id, b + 28, ph->align))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "program header value does not fit "
				     "ELFCLASS32 (paddr 0x%llx, size 0x%llx)",
				     (unsigned long long)ph->paddr,
				     (unsigned long long)ph->memsz);
	vmc_put32(o, b + 24, ph->flags);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_encode_shdr0(const struct vmc_elf_id *id,
					   uint32_t phnum, uint64_t shnum,
					   void *buf, size_t cap, vmc_error *e)
{
	uint8_t *b = buf;
	bool w64 = id->cls == VMC_CLASS_64;

	if (cap < vmc_elf_shdr_size(id->cls))
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for section header 0");
	memset(b, 0, vmc_elf_shdr_size(id->cls));
	if (!put_word(id, b + (w64 ? 32 : 20), shnum))
		return vmc_error_set(e, VMC_ERR_RANGE, "sh_size too large");
	vmc_put32(id->order, b + (w64 ? 44 : 28), phnum);
	return VMC_OK;
}

VMC_EXPORT void vmc_elf_decode_nhdr(enum vmc_order order, const void *buf,
				    struct vmc_nhdr *out)
{
	const uint8_t *b = buf;

	out->namesz = vmc_get32(order, b);
	out->descsz = vmc_get32(order, b + 4);
	out->type = vmc_get32(order, b + 8);
}

VMC_EXPORT void vmc_elf_encode_nhdr(enum vmc_order order,
				    const struct vmc_nhdr *nh, void *buf)
{
	uint8_t *b = buf;

	vmc_put32(order, b, nh->namesz);
	vmc_put32(order, b + 4, nh->descsz);
	vmc_put32(order, b + 8, nh->type);
}

static const struct {
	const char *name;
	enum vmc_class cls;
	enum vmc_order order;
	uint16_t machine;
} arches[] = {
	{ "x86_64", VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
	{ "aarch64", VMC_CLASS_64, VMC_LE, VMC_EM_AARCH64 },
	{ "arm64", VMC_CLASS_64, VMC_LE, VMC_EM_AARCH64 },
	{ "ppc64", VMC_CLASS_64, VMC_BE, VMC_EM_PPC64 },
	{ "ppc64le", VMC_CLASS_64, VMC_LE, VMC_EM_PPC64 },
	{ "s390x", VMC_CLASS_64, VMC_BE, VMC_EM_S390 },
	{ "i386", VMC_CLASS_32, VMC_LE, VMC_EM_386 },
	{ "arm", VMC_CLASS_32, VMC_LE, VMC_EM_ARM },
	{ "ppc", VMC_CLASS_32, VMC_BE, VMC_EM_PPC },
	{ "riscv64", VMC_CLASS_64, VMC_LE, VMC_EM_RISCV },
	{ "loongarch64", VMC_CLASS_64, VMC_LE, VMC_EM_LOONGARCH },
};

VMC_EXPORT const char *vmc_machine_name(uint16_t machine)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].machine == machine)
			return arches[i].name;
	return NULL;
}

VMC_EXPORT vmc_status vmc_arch_parse(const char *name, struct vmc_elf_id *id,
				     vmc_error *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++) {
		if (strcmp(arches[i].name, name) == 0) {
			id->cls = arches[i].cls;
			id->order = arches[i].order;
			id->machine = arches[i].machine;
			return VMC_OK;
		}
	}
	return vmc_error_set(e, VMC_ERR_INVALID,
			     "unknown architecture '%s' (x86_64, arm64, ppc64, "
			     "ppc64le, s390x, i386)", name);
}
