/* SPDX-License-Identifier: MIT */
/* Internal: the dump object shared by dump_layout.c, dump_read.c,
 * dump_vmcore.c and dump_devdump.c. */
#ifndef VMC_CORE_DUMP_PRIV_H
#define VMC_CORE_DUMP_PRIV_H

#include "vmcorekit/dump.h"
#include "vmcorekit/sys/hdr_source.h"
#include "base/warnings.h"
#include "elf/elf_class.h"

struct dump_devdump {
	uint8_t *buf;			/* the note, whole pages; or its header */
	size_t len;			/* the note's bytes */
	vmc_source *src;		/* owned: a streamed payload, or NULL */
};

struct vmc_dump {
	vmc_physmem *pm;		/* borrowed; NULL for an existing vmcore */
	struct vmc_dump_opts o;
	struct vmc_dump_info info;
	uint8_t *hdr;			/* elfcorebuf, hdr_cap bytes */
	size_t hdr_cap;
	uint8_t *notes;			/* elfnotes_buf, info.notes_len bytes */
	struct vmc_dump_extent *ext;	/* sorted by off */
	size_t nr_ext, cap_ext;
	uint64_t size;
	vmc_warnings *warn;
	/* Header layout (both kinds of dump). */
	const struct elf_class *cls;
	enum vmc_order order;
	uint64_t phoff;			/* where they are in hdr */
	uint32_t phnum;			/* program headers in hdr */
	/* Device dumps added (vmcoredd_list) and where the next one goes. */
	struct dump_devdump *dd;
	size_t nr_dd, cap_dd;
	uint64_t dd_at;			/* file offset after the last dump */
	/* An existing vmcore (vmc_dump_open_vmcore). */
	vmc_source *src;		/* borrowed */
	int src_fd;
	size_t note_phdr;		/* the PT_NOTE that receives the dumps */
	uint64_t shoff;			/* e_shoff as read (0: none) */
};

/* Append @x to the extent map (a zero length adds nothing).
 * Errors: VMC_ERR_NOMEM. */
vmc_status vmc__dump_add_extent(vmc_dump *d, const struct vmc_dump_extent *x,
			   vmc_error *e);

#endif
