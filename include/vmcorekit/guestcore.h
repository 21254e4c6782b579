/* SPDX-License-Identifier: MIT */
/*
 * A vmcore from a guest's memory with no help from the guest: the ELF core
 * header a kdump kernel would have found (NT_PRSTATUS per vCPU, the
 * VMCOREINFO note, one PT_LOAD per RAM range), built here from what the
 * hypervisor holds, for vmc_hdr_source_new_buffer(VMC_NOTES_IN_BUFFER) and
 * vmc_dump_open (dump.h), which lay the vmcore out as /proc/vmcore would.
 */
#ifndef VMCOREKIT_GUESTCORE_H
#define VMCOREKIT_GUESTCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"
#include "vmcorekit/physical_memory.h"
#include "vmcorekit/vcpu.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VMC_GUESTCORE_SPEC_VERSION 1

struct vmc_guestcore_spec {
	unsigned version;		/* VMC_GUESTCORE_SPEC_VERSION */
	/* One NT_PRSTATUS per vCPU in vCPU order, pr_pid = index + 1 (as
	 * QEMU's dump-guest-memory writes it); NULL or empty: none. */
	const vmc_vcpus *cpus;
	/* The VMCOREINFO note's text; NULL: no VMCOREINFO note. */
	const char *vmcoreinfo;
	size_t vmcoreinfo_len;
	/* RAM: @nr_ram half-open physical ranges, sorted, disjoint:
	 * ram[2*i] start, ram[2*i+1] end. */
	const uint64_t *ram;
	size_t nr_ram;
	/* PT_LOAD p_vaddr = direct_map + p_paddr (the kernel's __va) when
	 * known; else p_vaddr = 0. */
	bool have_direct_map;
	uint64_t direct_map;
	/* The kernel-text PT_LOAD the kernel's own header has (first, before
	 * RAM, overlapping it); text_size 0: none. */
	uint64_t text_vaddr, text_paddr, text_size;
};
#define VMC_GUESTCORE_SPEC_INIT { .version = VMC_GUESTCORE_SPEC_VERSION }

/*
 * Build the ELF64 (x86_64, little-endian) core header: ELF header, one
 * PT_NOTE per vCPU then one for VMCOREINFO (as the kernel's
 * crash_prepare_elf64_headers orders them), one PT_LOAD per RAM range with
 * p_offset = p_paddr (an elfcorehdr's convention), then the notes, whose
 * PT_NOTE p_offset is their offset in the buffer.  Two passes:
 * vmc_guestcore_header_size gives the size; vmc_guestcore_header writes
 * it into @buf (capacity @cap) and sets *@len.  Errors: VMC_ERR_INVALID
 * (bad spec: unsorted or empty ranges, a VMCOREINFO over 1 MiB),
 * VMC_ERR_NOSPACE (@cap below the size; nothing written), VMC_ERR_NOMEM,
 * VMC_ERR_RANGE.
 */
vmc_status vmc_guestcore_header_size(const struct vmc_guestcore_spec *spec,
				     size_t *size, vmc_error *e);
vmc_status vmc_guestcore_header(const struct vmc_guestcore_spec *spec,
				void *buf, size_t cap, size_t *len,
				vmc_error *e);

/*
 * Read the VMCOREINFO note the kernel keeps at physical @paddr
 * (/sys/kernel/vmcoreinfo's address: kernel/vmcore_info.c
 * paddr_vmcoreinfo_note): n_namesz 11, "VMCOREINFO", n_type 0, the text.
 * The text is checked to be "KEY=VALUE" lines starting with OSRELEASE=.
 * *@text is allocated (free with vmc_buf_free).  Errors: VMC_ERR_CORRUPT
 * (no such note there), errors of vmc_physmem_read.
 */
vmc_status vmc_guestcore_vmcoreinfo_at(const vmc_physmem *pm, uint64_t paddr,
				       char **text, size_t *len, vmc_error *e);

/*
 * x86_64: the direct map's base (page_offset_base) of the kernel described
 * by @vmcoreinfo, by walking its own page tables (SYMBOL(init_top_pgt),
 * NUMBER(phys_base), NUMBER(pgtable_l5_enabled)) for the direct-map
 * pointer SYMBOL(mem_section).  Errors: VMC_ERR_NOTFOUND (a key missing),
 * VMC_ERR_CORRUPT (a page-table entry not present, pointing outside
 * memory, or a base that is not 1 GiB aligned), errors of the reads.
 */
vmc_status vmc_guestcore_x86_64_direct_map(const vmc_physmem *pm,
					   const char *vmcoreinfo, size_t len,
					   uint64_t *out, vmc_error *e);

/*
 * x86_64: the kernel image mapping for the kernel-text PT_LOAD: _text
 * (__START_KERNEL + KERNELOFFSET), its physical address by the page
 * tables (checked against phys_base), and the extent mapped contiguously
 * from there.  Errors: as vmc_guestcore_x86_64_direct_map.
 */
vmc_status vmc_guestcore_x86_64_kernel_text(const vmc_physmem *pm,
					    const char *vmcoreinfo, size_t len,
					    uint64_t *vaddr, uint64_t *paddr,
					    uint64_t *size, vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
