/* SPDX-License-Identifier: MIT */
/* Internal: the dump object shared by dump_layout.c and dump_read.c. */
#ifndef VMC_CORE_DUMP_PRIV_H
#define VMC_CORE_DUMP_PRIV_H

#include "vmcorekit/dump.h"
#include "core/strlist.h"

struct vmc_dump {
	vmc_physmem *pm;		/* borrowed */
	struct vmc_dump_opts o;
	struct vmc_dump_info info;
	uint8_t *hdr;			/* elfcorebuf, hdr_cap bytes */
	size_t hdr_cap;
	uint8_t *notes;			/* elfnotes_buf, info.notes_len bytes */
	struct vmc_dump_extent *ext;	/* sorted by off */
	size_t nr_ext, cap_ext;
	uint64_t size;
	struct strlist warn;
};

#endif
