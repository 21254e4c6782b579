/* SPDX-License-Identifier: MIT */
/*
 * /proc/iomem and device-tree memory nodes: the architecture-neutral inputs
 * from which memory ranges are taken.
 */
#ifndef VMCOREKIT_IOMEM_H
#define VMCOREKIT_IOMEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/ranges.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vmc_iomem_entry {
	uint64_t start;
	uint64_t last;		/* inclusive, exactly as /proc/iomem prints */
	unsigned depth;		/* nesting level (two spaces per level) */
	const char *name;	/* NUL-terminated, owned by the vmc_iomem */
};

typedef struct vmc_iomem vmc_iomem;

/*
 * Parse /proc/iomem text (@len bytes).  Every line is kept, nested or not,
 * in file order.  Errors: VMC_ERR_CORRUPT (a malformed line; the message
 * names it), VMC_ERR_NOMEM.  All-zero addresses (the file read without
 * CAP_SYS_ADMIN) fail with VMC_ERR_INVALID and say so.
 */
vmc_status vmc_iomem_parse(vmc_iomem **out, const char *text, size_t len,
			   vmc_error *e);
void vmc_iomem_free(vmc_iomem *m);
size_t vmc_iomem_count(const vmc_iomem *m);
const struct vmc_iomem_entry *vmc_iomem_get(const vmc_iomem *m, size_t i);

/* True for the names the kernel gives IORESOURCE_SYSTEM_RAM resources:
 * "System RAM", "System RAM (kmem)", "System RAM (virtio_mem)", ... */
bool vmc_iomem_is_system_ram(const char *name);

/*
 * System RAM as the kernel's walk_system_ram_res() visits it: entries named
 * System RAM at any depth, in address order, children of a match skipped.
 * Appended to @out, boundaries kept (no merging).
 */
vmc_status vmc_iomem_system_ram(const vmc_iomem *m, vmc_ranges *out,
				vmc_error *e);

/* Every entry whose name equals @name (e.g. "Crash kernel"), appended to
 * @out in file order. */
vmc_status vmc_iomem_find(const vmc_iomem *m, const char *name,
			  vmc_ranges *out, vmc_error *e);

/*
 * A device-tree "reg" property (big-endian cells): @addr_cells and
 * @size_cells (1 or 2 each, from the parent's #address-cells/#size-cells)
 * per entry.  Appends [addr, addr+size) to @out.  Errors: VMC_ERR_CORRUPT
 * (length not a multiple of the entry size, 2^64 overflow), VMC_ERR_INVALID
 * (cells not 1 or 2).
 */
vmc_status vmc_dt_parse_reg(const void *prop, size_t len, unsigned addr_cells,
			    unsigned size_cells, vmc_ranges *out, vmc_error *e);

/* A #address-cells style property: one big-endian u32.  */
vmc_status vmc_dt_parse_cells(const void *prop, size_t len, unsigned *out,
			      vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
