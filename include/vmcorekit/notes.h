/* SPDX-License-Identifier: MIT */
/*
 * ELF notes: walking a note segment, appending notes, and decoding the
 * notes a Linux crash dump carries (NT_PRSTATUS, NT_PRPSINFO, NT_TASKSTRUCT,
 * VMCOREINFO, NT_VMCOREDD).
 */
#ifndef VMCOREKIT_NOTES_H
#define VMCOREKIT_NOTES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/elf.h"
#include "vmcorekit/prstatus.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	VMC_NT_PRSTATUS = 1,
	VMC_NT_PRFPREG = 2,
	VMC_NT_PRPSINFO = 3,
	VMC_NT_TASKSTRUCT = 4,
	VMC_NT_VMCOREDD = 0x700,
	VMC_VMCOREDD_NAME_MAX = 44,	/* VMCOREDD_MAX_NAME_BYTES */
	VMC_VMCOREDD_HDR_SIZE = 64,	/* sizeof(struct vmcoredd_header) */
};

struct vmc_note {
	uint32_t type;
	uint32_t namesz;	/* as stored, NUL included */
	uint32_t descsz;
	const char *name;	/* points into the segment; may lack a NUL */
	const uint8_t *desc;
	size_t off;		/* offset of the note header in the segment */
	size_t len;		/* header + padded name + padded desc */
};

/*
 * Walk rule (fs/proc/vmcore.c update_note_header_size_elf64): notes follow
 * each other with name and desc padded to 4 bytes; the walk stops at a
 * note with n_namesz == 0 (the terminator the kernel writes after the
 * crash notes) or at the end of the segment.  A note that would pass the
 * end is dropped (the kernel warns "Exceeded p_memsz, dropping PT_NOTE
 * entry").  Unlike the kernel, the bound is checked before each note header
 * is read, so a segment that ends exactly after a note is never read past.
 */
struct vmc_note_iter {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	enum vmc_order order;
	/* Results, valid once vmc_notes_next returned VMC_ERR_NOTFOUND: */
	size_t real_len;	/* bytes of complete notes (the kernel's real_sz) */
	bool dropped;		/* a note passed the end and was dropped */
	bool terminated;	/* stopped at n_namesz == 0 */
	struct vmc_nhdr dropped_hdr;
};

void vmc_notes_iter_init(struct vmc_note_iter *it, const void *buf,
			 size_t len, enum vmc_order order);

/*
 * Next note.  VMC_OK: *out is filled.  VMC_ERR_NOTFOUND: the walk is over
 * (see real_len/dropped/terminated); no message is set.
 */
vmc_status vmc_notes_next(struct vmc_note_iter *it, struct vmc_note *out);

/* Bytes one note takes: 12 + pad4(namesz) + pad4(descsz), 64-bit safe. */
uint64_t vmc_note_size(uint32_t namesz, uint32_t descsz);

/*
 * Append a note to @buf at *@used (capacity @cap); @name is NUL-terminated
 * and stored with its NUL.  Errors: VMC_ERR_NOSPACE, VMC_ERR_INVALID.
 */
vmc_status vmc_note_append(void *buf, size_t cap, size_t *used,
			   enum vmc_order order, const char *name,
			   uint32_t type, const void *desc, size_t descsz,
			   vmc_error *e);

/* True when the note's name equals @name; the stored name may lack its NUL
 * or carry NUL padding (n_namesz 8 for "LINUX" in NT_VMCOREDD). */
bool vmc_note_name_is(const struct vmc_note *n, const char *name);
/* Length of the note's name up to its first NUL (at most n_namesz). */
size_t vmc_note_name_len(const struct vmc_note *n);

/* Decoded NT_PRPSINFO (struct elf_prpsinfo, 64-bit and 32-bit). */
struct vmc_prpsinfo {
	char state;
	char sname;
	int32_t pid;
	int32_t ppid;
	char fname[17];
	char psargs[81];
};

vmc_status vmc_prpsinfo_decode(const struct vmc_elf_id *id, const void *desc,
			       size_t len, struct vmc_prpsinfo *out,
			       vmc_error *e);

/* A device dump note (NT_VMCOREDD, name "LINUX"): the 44-byte dump name
 * heads the desc, the payload follows. */
struct vmc_vmcoredd {
	char name[VMC_VMCOREDD_NAME_MAX + 1];
	const uint8_t *data;
	size_t data_len;
};

vmc_status vmc_vmcoredd_decode(const struct vmc_note *n,
			       struct vmc_vmcoredd *out, vmc_error *e);

/* Human name of a note type in the context of its owner, e.g.
 * "NT_PRSTATUS", "VMCOREINFO", "NT_VMCOREDD"; NULL if unknown. */
const char *vmc_note_type_name(const struct vmc_note *n);

/*
 * VMCOREINFO text ("KEY=VALUE\n" lines).  vmc_vmcoreinfo_get finds the
 * value of @key (e.g. "OSRELEASE", "PAGESIZE", "NUMBER(phys_base)",
 * "SYMBOL(_stext)") and copies it NUL-terminated into @val (capacity
 * @cap).  Errors: VMC_ERR_NOTFOUND, VMC_ERR_NOSPACE.
 */
vmc_status vmc_vmcoreinfo_get(const char *text, size_t len, const char *key,
			      char *val, size_t cap);
/* As vmc_vmcoreinfo_get, parsed as a number (decimal, or hex for the keys
 * the kernel prints in hex: SYMBOL(), KERNELOFFSET, the s390 SAMODE31,
 * EAMODE31, IDENTITYBASE, KERNELOFFPHYS; 0x-prefixed values anywhere).
 * A negative value gives VMC_ERR_RANGE. */
vmc_status vmc_vmcoreinfo_get_u64(const char *text, size_t len,
				  const char *key, uint64_t *out);
/* As vmc_vmcoreinfo_get_u64, but a decimal value may be negative: the
 * kernel prints unsigned long NUMBER()s with %ld (x86_64 phys_base is
 * negative when KASLR moved the image further in virtual than in physical
 * memory).  *out gets the two's complement; VMC_ERR_RANGE below -2^63. */
vmc_status vmc_vmcoreinfo_get_s64(const char *text, size_t len,
				  const char *key, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif
