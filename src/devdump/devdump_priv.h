/* SPDX-License-Identifier: MIT */
/* Internal: walking a note segment that stays in its file (device dumps
 * can be gigabytes; only note headers and names are read). */
#ifndef VMC_CORE_DEVDUMP_PRIV_H
#define VMC_CORE_DEVDUMP_PRIV_H

#include "vmcorekit/devdump.h"

struct src_note {
	uint64_t off;		/* file offset of the note header */
	uint64_t size;		/* 12 + padded name + padded desc */
	uint64_t desc_off;	/* file offset of the desc */
	struct vmc_nhdr nh;
	bool vmcoredd;		/* "LINUX", NT_VMCOREDD, desc >= 44 bytes */
};

/*
 * Called for each note; set *@stop to end the walk early.
 */
typedef vmc_status (*src_note_fn)(void *arg, const struct src_note *n,
				  bool *stop, vmc_error *e);

/*
 * Walk the notes of [off, off + len) in @src: the rule of
 * fs/proc/vmcore.c update_note_header_size_elf64 (stop at n_namesz 0),
 * but a note that runs past the segment, a segment past the end of the
 * file, a nonzero tail too short for a note header, and an NT_VMCOREDD
 * desc shorter than its dump name are errors (VMC_ERR_CORRUPT naming the
 * file offset), not silently dropped: a vmcore's PT_NOTE is exact.
 */
vmc_status vmc__devdump_walk_notes(vmc_source *src, enum vmc_order order,
			      uint64_t off, uint64_t len, src_note_fn fn,
			      void *arg, vmc_error *e);

#endif
