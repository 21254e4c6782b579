/* SPDX-License-Identifier: MIT */
/*
 * ELF core headers: building the "elfcorehdr" a loader places in the crash
 * kernel's memory, and parsing any ELF core (an elfcorehdr, a vmcore, a
 * QEMU dump-guest-memory file, makedumpfile -E output).
 */
#ifndef VMCOREKIT_ELFCORE_H
#define VMCOREKIT_ELFCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/elf.h"
#include "vmcorekit/source.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VMC_ELFCORE_SPEC_VERSION 1

/*
 * A header, concretely: the program headers in order, how many phdr slots
 * the size accounts for (the kernel counts its kernel-text slot even when it
 * writes none; kexec-tools counts skipped CPUs), and the rounding.
 */
struct vmc_elfcore_spec {
	unsigned version;		/* VMC_ELFCORE_SPEC_VERSION */
	struct vmc_elf_id id;
	uint8_t osabi;
	uint32_t e_flags;
	const struct vmc_phdr *phdrs;
	size_t nr_phdrs;
	size_t nr_slots;		/* >= nr_phdrs; 0 means nr_phdrs */
	size_t align;			/* size rounded up to this; 0 = none */
};
#define VMC_ELFCORE_SPEC_INIT { .version = VMC_ELFCORE_SPEC_VERSION }

/*
 * Bytes the header takes: ELF header, nr_slots program headers, section
 * header 0 when nr_phdrs >= PN_XNUM (extended numbering; note that the
 * kernel and kexec-tools have no such mode and the kdump kernel's
 * parse_crash_elf64_headers cannot read it), rounded up to align.
 * Errors: VMC_ERR_INVALID (bad spec), VMC_ERR_RANGE (overflow).
 */
vmc_status vmc_elfcore_size(const struct vmc_elfcore_spec *spec,
			    size_t *size, vmc_error *e);

/*
 * Write the header into @buf (capacity @cap); zero-fills up to the size.
 * *@used receives the size.  Errors: VMC_ERR_NOSPACE when cap is below the
 * size (nothing written), VMC_ERR_RANGE for ELFCLASS32 overflow.
 */
vmc_status vmc_elfcore_write(const struct vmc_elfcore_spec *spec, void *buf,
			     size_t cap, size_t *used, vmc_error *e);

/* ---- parsing ---- */

typedef struct vmc_elfcore vmc_elfcore;

enum vmc_elfcore_kind {
	VMC_KIND_UNKNOWN = 0,
	VMC_KIND_ELFCOREHDR,	/* offsets are physical addresses */
	VMC_KIND_VMCORE,	/* offsets are file offsets */
};

/*
 * Parse the ELF and program headers of @src (borrowed; must outlive the
 * result).  Checks: ET_CORE, e_phentsize, the phdr table within the file,
 * PN_XNUM resolution.  Errors: VMC_ERR_CORRUPT with the reason,
 * VMC_ERR_NOMEM, errors of the source.
 */
vmc_status vmc_elfcore_parse(vmc_elfcore **out, vmc_source *src,
			     vmc_error *e);
void vmc_elfcore_free(vmc_elfcore *c);

const struct vmc_ehdr *vmc_elfcore_ehdr(const vmc_elfcore *c);
size_t vmc_elfcore_nr_phdrs(const vmc_elfcore *c);
const struct vmc_phdr *vmc_elfcore_phdr(const vmc_elfcore *c, size_t i);
uint64_t vmc_elfcore_file_size(const vmc_elfcore *c);
/* End of the header area: e_phoff + phnum * phentsize. */
uint64_t vmc_elfcore_headers_end(const vmc_elfcore *c);

/*
 * Is this an elfcorehdr (PT_NOTE/PT_LOAD offsets are physical addresses,
 * p_offset == p_paddr for most of them, and some point past the file) or a
 * vmcore?
 */
enum vmc_elfcore_kind vmc_elfcore_kind(const vmc_elfcore *c);

/*
 * Does segment @i lie wholly inside the file, after the program headers?
 * In an elfcorehdr built in new memory (s390 zfcpdump, powerpc fadump)
 * such a PT_NOTE was built with the header and is read from the file; the
 * rule of VMC_NOTES_BY_PLACE (dump.h).  False for @i out of range.
 */
bool vmc_elfcore_segment_in_file(const vmc_elfcore *c, size_t i);

/*
 * Read PT_NOTE @i's bytes from the file (vmcores only).  Returns a new
 * buffer of p_filesz bytes (free with vmc_buf_free).  Errors:
 * VMC_ERR_CORRUPT when the segment lies outside the file, VMC_ERR_INVALID
 * when phdr @i is not a PT_NOTE, VMC_ERR_RANGE when it is too large.
 */
vmc_status vmc_elfcore_read_segment(const vmc_elfcore *c, size_t i,
				    uint8_t **out, size_t *len, vmc_error *e);
void vmc_buf_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
