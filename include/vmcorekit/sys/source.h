/* SPDX-License-Identifier: MIT */
/*
 * The memory-source vtable, for people writing a new source.  Users of the
 * library only need include/vmcorekit/source.h.
 */
#ifndef VMCOREKIT_SYS_SOURCE_H
#define VMCOREKIT_SYS_SOURCE_H

#include "vmcorekit/source.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VMC_SOURCE_OPS_VERSION 1

struct vmc_source_ops {
	unsigned version;	/* VMC_SOURCE_OPS_VERSION; fields are append-only */
	const char *kind;	/* "fd", "buffer", ... for messages */
	/*
	 * Read exactly @len bytes at @off.  Holes read as zeros; a read past
	 * the end is an error (VMC_ERR_RANGE), never a silent short read.
	 */
	vmc_status (*read_at)(vmc_source *s, uint64_t off, void *buf,
			      size_t len, vmc_error *e);
	uint64_t (*size)(const vmc_source *s);
	/* Optional: first offset >= @off holding data (SEEK_DATA);
	 * VMC_ERR_NOTFOUND when none. */
	vmc_status (*next_data)(vmc_source *s, uint64_t off,
				uint64_t *data_off, vmc_error *e);
	void (*close)(vmc_source *s);
	/* Optional: the plain file behind the source, or -1 (writers use it
	 * for copy_file_range, FICLONERANGE and SEEK_DATA).  The fd travels
	 * with its source, never beside it as a parameter. */
	int (*fd)(const vmc_source *s);
};

/* Implementations embed this as their first member. */
struct vmc_source {
	const struct vmc_source_ops *ops;
};

#ifdef __cplusplus
}
#endif
#endif
