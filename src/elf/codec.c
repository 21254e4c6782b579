// SPDX-License-Identifier: MIT
/*
 * Byte-wise ELF header codec for ELFCLASS32/64 x LSB/MSB.
 *
 * The byte offsets of every field are the per-class rows of elf_class.c.
 */
#include <string.h>

#include "vmcorekit/elf.h"
#include "base/compiler.h"
#include "elf/elf_class.h"

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
	return vmc__elf_class(cls)->ehsz;
}

VMC_EXPORT size_t vmc_elf_phdr_size(enum vmc_class cls)
{
	return vmc__elf_class(cls)->phsz;
}

VMC_EXPORT size_t vmc_elf_shdr_size(enum vmc_class cls)
{
	return vmc__elf_class(cls)->shsz;
}

static bool id_valid(const struct vmc_elf_id *id)
{
	return (id->cls == VMC_CLASS_32 || id->cls == VMC_CLASS_64) &&
	       (id->order == VMC_LE || id->order == VMC_BE);
}

/* A "word": 4 bytes in ELF32, 8 in ELF64 (addresses, offsets, sizes). */
static uint64_t get_word(const struct vmc_elf_id *id, const uint8_t *p)
{
	return vmc__elf_get_w(vmc__elf_class(id->cls), id->order, p);
}

/* Unlike the kernel's assignments, refuse a value ELF32 cannot hold. */
static bool put_word(const struct vmc_elf_id *id, uint8_t *p, uint64_t v)
{
	const struct elf_class *c = vmc__elf_class(id->cls);

	if (c->awidth == 4 && v > UINT32_MAX)
		return false;
	vmc__elf_put_w(c, id->order, p, v);
	return true;
}

VMC_EXPORT vmc_status vmc_elf_decode_ehdr(const void *buf, size_t len,
					  struct vmc_ehdr *out, vmc_error *e)
{
	const uint8_t *b = buf;
	const struct elf_class *c;
	struct vmc_elf_id id;

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
	c = vmc__elf_class(id.cls);
	id.machine = vmc_get16(id.order, b + c->e_machine);
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->osabi = b[EI_OSABI];
	out->abiversion = b[EI_ABIVERSION];
	out->type = vmc_get16(id.order, b + c->e_type);
	out->version = vmc_get32(id.order, b + c->e_version);
	out->entry = get_word(&id, b + c->e_entry);
	out->phoff = get_word(&id, b + c->e_phoff);
	out->shoff = get_word(&id, b + c->e_shoff);
	out->flags = vmc_get32(id.order, b + c->e_flags);
	out->ehsize = vmc_get16(id.order, b + c->e_ehsize);
	out->phentsize = vmc_get16(id.order, b + c->e_phentsize);
	out->raw_phnum = vmc_get16(id.order, b + c->e_phnum);
	out->phnum = out->raw_phnum;
	out->shentsize = vmc_get16(id.order, b + c->e_shentsize);
	out->shnum = vmc_get16(id.order, b + c->e_shnum);
	out->shstrndx = vmc_get16(id.order, b + c->e_shstrndx);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_resolve_xnum(struct vmc_ehdr *eh,
					   const void *shdr0, size_t len,
					   vmc_error *e)
{
	const uint8_t *b = shdr0;
	const struct vmc_elf_id *id = &eh->id;
	const struct elf_class *c = vmc__elf_class(id->cls);
	uint64_t sh_size;
	uint32_t sh_info;

	if (len < c->shsz)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "section header 0 truncated");
	sh_size = get_word(id, b + c->sh_size);
	sh_info = vmc_get32(id->order, b + c->sh_info);
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
	const struct elf_class *c;
	uint8_t *b = buf;

	if (!id_valid(id))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "invalid ELF class or byte order");
	c = vmc__elf_class(id->cls);
	if (cap < c->ehsz)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for the ELF header");
	memset(b, 0, c->ehsz);
	memcpy(b, "\177ELF", 4);
	b[EI_CLASS] = id->cls == VMC_CLASS_64 ? 2 : 1;
	b[EI_DATA] = id->order == VMC_LE ? 1 : 2;
	b[EI_VERSION] = VMC_EV_CURRENT;
	b[EI_OSABI] = eh->osabi;
	b[EI_ABIVERSION] = eh->abiversion;
	vmc_put16(id->order, b + c->e_type, eh->type);
	vmc_put16(id->order, b + c->e_machine, id->machine);
	vmc_put32(id->order, b + c->e_version, eh->version);
	if (!put_word(id, b + c->e_entry, eh->entry) ||
	    !put_word(id, b + c->e_phoff, eh->phoff) ||
	    !put_word(id, b + c->e_shoff, eh->shoff))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "ELF header field does not fit ELFCLASS32");
	vmc_put32(id->order, b + c->e_flags, eh->flags);
	vmc_put16(id->order, b + c->e_ehsize, eh->ehsize);
	vmc_put16(id->order, b + c->e_phentsize, eh->phentsize);
	vmc_put16(id->order, b + c->e_phnum, eh->phnum >= VMC_PN_XNUM ?
		  (uint16_t)VMC_PN_XNUM : (uint16_t)eh->phnum);
	vmc_put16(id->order, b + c->e_shentsize, eh->shentsize);
	vmc_put16(id->order, b + c->e_shnum, eh->shnum >= 0xff00 ? 0 :
		  (uint16_t)eh->shnum);
	vmc_put16(id->order, b + c->e_shstrndx, (uint16_t)eh->shstrndx);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_decode_phdr(const struct vmc_elf_id *id,
					  const void *buf, size_t len,
					  struct vmc_phdr *out, vmc_error *e)
{
	const uint8_t *b = buf;
	const struct elf_class *c = vmc__elf_class(id->cls);

	if (len < c->phsz)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "program header truncated");
	out->type = vmc_get32(id->order, b + c->p_type);
	out->flags = vmc_get32(id->order, b + c->p_flags);
	out->offset = get_word(id, b + c->p_offset);
	out->vaddr = get_word(id, b + c->p_vaddr);
	out->paddr = get_word(id, b + c->p_paddr);
	out->filesz = get_word(id, b + c->p_filesz);
	out->memsz = get_word(id, b + c->p_memsz);
	out->align = get_word(id, b + c->p_align);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_encode_phdr(const struct vmc_elf_id *id,
					  const struct vmc_phdr *ph, void *buf,
					  size_t cap, vmc_error *e)
{
	uint8_t *b = buf;
	const struct elf_class *c;

	if (!id_valid(id))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "invalid ELF class or byte order");
	c = vmc__elf_class(id->cls);
	if (cap < c->phsz)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for a program header");
	vmc_put32(id->order, b + c->p_type, ph->type);
	vmc_put32(id->order, b + c->p_flags, ph->flags);
	if (!put_word(id, b + c->p_offset, ph->offset) ||
	    !put_word(id, b + c->p_vaddr, ph->vaddr) ||
	    !put_word(id, b + c->p_paddr, ph->paddr) ||
	    !put_word(id, b + c->p_filesz, ph->filesz) ||
	    !put_word(id, b + c->p_memsz, ph->memsz) ||
	    !put_word(id, b + c->p_align, ph->align))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "program header value does not fit "
				     "ELFCLASS32 (paddr 0x%llx, size 0x%llx)",
				     (unsigned long long)ph->paddr,
				     (unsigned long long)ph->memsz);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elf_encode_shdr0(const struct vmc_elf_id *id,
					   uint32_t phnum, uint64_t shnum,
					   void *buf, size_t cap, vmc_error *e)
{
	uint8_t *b = buf;
	const struct elf_class *c = vmc__elf_class(id->cls);

	if (cap < c->shsz)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for section header 0");
	memset(b, 0, c->shsz);
	if (!put_word(id, b + c->sh_size, shnum))
		return vmc_error_set(e, VMC_ERR_RANGE, "sh_size too large");
	vmc_put32(id->order, b + c->sh_info, phnum);
	return VMC_OK;
}

VMC_EXPORT void vmc_elf_decode_nhdr(enum vmc_order order, const void *buf,
				    struct vmc_nhdr *out)
{
	const uint8_t *b = buf;
	const struct elf_class *c = vmc__elf_class(VMC_CLASS_64);

	out->namesz = vmc_get32(order, b + c->n_namesz);
	out->descsz = vmc_get32(order, b + c->n_descsz);
	out->type = vmc_get32(order, b + c->n_type);
}

VMC_EXPORT void vmc_elf_encode_nhdr(enum vmc_order order,
				    const struct vmc_nhdr *nh, void *buf)
{
	uint8_t *b = buf;
	const struct elf_class *c = vmc__elf_class(VMC_CLASS_64);

	vmc_put32(order, b + c->n_namesz, nh->namesz);
	vmc_put32(order, b + c->n_descsz, nh->descsz);
	vmc_put32(order, b + c->n_type, nh->type);
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
