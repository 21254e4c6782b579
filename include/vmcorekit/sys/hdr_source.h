/* SPDX-License-Identifier: MIT */
/*
 * The header-source vtable, for people writing a new header source.  Users
 * of the library only need include/vmcorekit/hdr_source.h.
 */
#ifndef VMCOREKIT_SYS_HDR_SOURCE_H
#define VMCOREKIT_SYS_HDR_SOURCE_H

#include "vmcorekit/hdr_source.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VMC_HDR_SOURCE_OPS_VERSION 1

/*
 * The four hooks of fs/proc/vmcore.c that an architecture may override
 * (s390 builds its header in new memory).  Positions are what the kernel
 * passes in *ppos: for old memory a physical address.
 */
struct vmc_hdr_source_ops {
	unsigned version;	/* VMC_HDR_SOURCE_OPS_VERSION; append-only */
	const char *kind;	/* "oldmem", "file", "newmem" */
	/* elfcorehdr_alloc: where the header starts (and its size, 0 if
	 * unknown). */
	vmc_status (*alloc)(vmc_hdr_source *h, uint64_t *addr, uint64_t *size,
			    vmc_error *e);
	/* elfcorehdr_free (optional). */
	void (*free)(vmc_hdr_source *h, uint64_t addr);
	/* elfcorehdr_read: exactly @count bytes at @pos. */
	vmc_status (*read_header)(vmc_hdr_source *h, void *buf, size_t count,
			   uint64_t pos, vmc_error *e);
	/* elfcorehdr_read_notes: exactly @count bytes at @pos (a PT_NOTE's
	 * p_offset). */
	vmc_status (*read_notes)(vmc_hdr_source *h, void *buf, size_t count,
				 uint64_t pos, vmc_error *e);
	void (*close)(vmc_hdr_source *h);
};

/* Implementations embed this first. */
struct vmc_hdr_source {
	const struct vmc_hdr_source_ops *ops;
};

#ifdef __cplusplus
}
#endif

#endif
