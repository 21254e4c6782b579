/* SPDX-License-Identifier: MIT */
/*
 * Header sources: where /proc/vmcore's ELF header comes from (the kernel's
 * elfcorehdr_alloc/free/read/read_notes hooks, fs/proc/vmcore.c).  The
 * vtable, for people writing a new source, is in vmcorekit/sys/hdr_source.h.
 */
#ifndef VMCOREKIT_HDR_SOURCE_H
#define VMCOREKIT_HDR_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/error.h"
#include "vmcorekit/physical_memory.h"
#include "vmcorekit/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_hdr_source vmc_hdr_source;

/*
 * The header in old memory at physical address @addr (elfcorehdr=ADDR);
 * header and notes are read from @pm (borrowed).  Errors: VMC_ERR_NOMEM.
 */
vmc_status vmc_hdr_source_new_oldmem(vmc_hdr_source **out, vmc_physmem *pm,
				     uint64_t addr, vmc_error *e);

/*
 * The header is the start of @src (an elfcorehdr file; borrowed); notes
 * are read from @pm (old memory).  Errors: VMC_ERR_NOMEM.
 */
vmc_status vmc_hdr_source_new_source(vmc_hdr_source **out, vmc_source *src,
				     vmc_physmem *pm, vmc_error *e);

/* Where the PT_NOTE segments of a header built in new memory are read. */
enum vmc_notes_at {
	/* Every PT_NOTE from old memory (@pm): p_offset is a physical
	 * address. */
	VMC_NOTES_IN_MEMORY = 0,
	/* Every PT_NOTE from the buffer: p_offset is an offset into it (s390
	 * zfcpdump builds header and notes together). */
	VMC_NOTES_IN_BUFFER = 1,
	/* Per PT_NOTE: one lying wholly inside the buffer after the program
	 * headers is read from the buffer, any other from @pm (powerpc
	 * fadump: the CPU notes are built with the header, VMCOREINFO stays
	 * in the crashed kernel's memory; vmc_elfcore_segment_in_file is the
	 * same rule).  A buffer that is no ELF header takes every note from
	 * @pm; vmc_dump_open then rejects it. */
	VMC_NOTES_BY_PLACE = 2,
};

/*
 * A header built in this process ("new memory", as s390 zfcpdump and
 * powerpc fadump do): @len bytes at @buf (borrowed for the life of the
 * source); @notes says where each PT_NOTE is read, @pm (borrowed) is old
 * memory.  Errors: VMC_ERR_NOMEM, VMC_ERR_INVALID for an unknown @notes.
 */
vmc_status vmc_hdr_source_new_buffer(vmc_hdr_source **out, const void *buf,
				     size_t len, enum vmc_notes_at notes,
				     vmc_physmem *pm, vmc_error *e);

void vmc_hdr_source_close(vmc_hdr_source *h);

#ifdef __cplusplus
}
#endif

#endif
