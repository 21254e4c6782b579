/* SPDX-License-Identifier: MIT */
/*
 * One class-neutral ELF model.  Class (32/64) and byte order are data, not
 * types: every header is decoded into the structs below (64-bit fields) and
 * encoded back byte by byte.  A value that does not fit ELFCLASS32 fails with
 * VMC_ERR_RANGE instead of being truncated.
 */
#ifndef VMCOREKIT_ELF_H
#define VMCOREKIT_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vmc_class { VMC_CLASS_32 = 1, VMC_CLASS_64 = 2 };
enum vmc_order { VMC_LE = 1, VMC_BE = 2 };

/* ELF constants used across the library (values from the ELF gABI). */
enum {
	VMC_ET_CORE = 4,
	VMC_EV_CURRENT = 1,
	VMC_PT_NULL = 0,
	VMC_PT_LOAD = 1,
	VMC_PT_NOTE = 4,
	VMC_PF_X = 1,
	VMC_PF_W = 2,
	VMC_PF_R = 4,
	VMC_PN_XNUM = 0xffff,
	VMC_EM_386 = 3,
	VMC_EM_PPC = 20,
	VMC_EM_PPC64 = 21,
	VMC_EM_S390 = 22,
	VMC_EM_ARM = 40,
	VMC_EM_X86_64 = 62,
	VMC_EM_AARCH64 = 183,
	VMC_EM_RISCV = 243,
	VMC_EM_LOONGARCH = 258,
};

struct vmc_elf_id {
	enum vmc_class cls;
	enum vmc_order order;
	uint16_t machine;
};

struct vmc_ehdr {
	struct vmc_elf_id id;
	uint8_t osabi;
	uint8_t abiversion;
	uint16_t type;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t shentsize;
	/*
	 * The real counts.  On decode, e_phnum == PN_XNUM is resolved from
	 * section header 0's sh_info by vmc_elf_resolve_xnum(); e_shnum == 0
	 * with e_shoff != 0 from its sh_size.  On encode, phnum >= PN_XNUM
	 * writes PN_XNUM and the caller emits section header 0
	 * (vmc_elf_encode_shdr0).
	 */
	uint32_t phnum;
	uint32_t shnum;
	uint32_t shstrndx;
	uint16_t raw_phnum;	/* e_phnum exactly as stored */
};

struct vmc_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

struct vmc_nhdr {
	uint32_t namesz;
	uint32_t descsz;
	uint32_t type;
};

/* Sizes of the on-disk structures for a class. */
size_t vmc_elf_ehdr_size(enum vmc_class cls);
size_t vmc_elf_phdr_size(enum vmc_class cls);
size_t vmc_elf_shdr_size(enum vmc_class cls);
#define VMC_ELF_NHDR_SIZE 12u

/*
 * Decode an ELF header from @buf (@len bytes available).  Checks the magic,
 * class, data encoding and EI_VERSION; does not judge e_type.  phnum is the
 * raw e_phnum until vmc_elf_resolve_xnum() is called.
 * Errors: VMC_ERR_CORRUPT (too short, bad magic/class/data/version).
 */
vmc_status vmc_elf_decode_ehdr(const void *buf, size_t len,
			       struct vmc_ehdr *out, vmc_error *e);

/*
 * Resolve PN_XNUM: when raw e_phnum is PN_XNUM, @shdr0 (section header 0,
 * @len bytes) supplies the real count in sh_info.  Also fills shnum from
 * sh_size when e_shnum is 0.  Errors: VMC_ERR_CORRUPT.
 */
vmc_status vmc_elf_resolve_xnum(struct vmc_ehdr *eh, const void *shdr0,
				size_t len, vmc_error *e);

/*
 * Encode @eh into @buf (capacity @cap).  eh->phnum >= PN_XNUM stores PN_XNUM
 * in e_phnum; the caller must then set shoff/shnum/shentsize and emit
 * section header 0.  Errors: VMC_ERR_NOSPACE (cap), VMC_ERR_RANGE (a field
 * does not fit ELFCLASS32), VMC_ERR_INVALID (bad class/order).
 */
vmc_status vmc_elf_encode_ehdr(const struct vmc_ehdr *eh, void *buf,
			       size_t cap, vmc_error *e);

/* Decode one program header of class/order @id from @buf (@len bytes). */
vmc_status vmc_elf_decode_phdr(const struct vmc_elf_id *id, const void *buf,
			       size_t len, struct vmc_phdr *out, vmc_error *e);

/* Encode one program header; VMC_ERR_RANGE when a field exceeds ELF32. */
vmc_status vmc_elf_encode_phdr(const struct vmc_elf_id *id,
			       const struct vmc_phdr *ph, void *buf, size_t cap,
			       vmc_error *e);

/*
 * Encode section header 0 for extended numbering: sh_info = @phnum,
 * sh_size = @shnum (0 when not needed), everything else zero.
 */
vmc_status vmc_elf_encode_shdr0(const struct vmc_elf_id *id, uint32_t phnum,
				uint64_t shnum, void *buf, size_t cap,
				vmc_error *e);

/* Note header codec (same layout in both classes). */
void vmc_elf_decode_nhdr(enum vmc_order order, const void *buf,
			 struct vmc_nhdr *out);
void vmc_elf_encode_nhdr(enum vmc_order order, const struct vmc_nhdr *nh,
			 void *buf);

/* Byte-order helpers for fixed-width fields (no alignment required). */
uint16_t vmc_get16(enum vmc_order o, const void *p);
uint32_t vmc_get32(enum vmc_order o, const void *p);
uint64_t vmc_get64(enum vmc_order o, const void *p);
void vmc_put16(enum vmc_order o, void *p, uint16_t v);
void vmc_put32(enum vmc_order o, void *p, uint32_t v);
void vmc_put64(enum vmc_order o, void *p, uint64_t v);

/* "x86_64", "aarch64", ... for an e_machine; "EM_<n>" style if unknown
 * is not returned: NULL for machines the library does not name. */
const char *vmc_machine_name(uint16_t machine);
/* Inverse of vmc_machine_name; accepts "x86_64", "arm64", "aarch64",
 * "ppc64", "ppc64le", "s390x", "i386", "arm", "ppc", "riscv64",
 * "loongarch64".  Fills @id (class, order, machine).
 * Errors: VMC_ERR_INVALID. */
vmc_status vmc_arch_parse(const char *name, struct vmc_elf_id *id,
			  vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
