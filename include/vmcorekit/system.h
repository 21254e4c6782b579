/* SPDX-License-Identifier: MIT */
/*
 * What a loader knows about the running (first) kernel: /proc/iomem, the
 * per-CPU crash_notes, VMCOREINFO, /proc/kcore's program headers,
 * kallsyms, and the crash-hotplug sysfs files.  vmc_system_read() fills it
 * from a live system or a captured tree (a "sysroot": the same files at the
 * same relative paths), so a captured system replays like a live one.
 */
#ifndef VMCOREKIT_SYSTEM_H
#define VMCOREKIT_SYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/elf.h"
#include "vmcorekit/iomem.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VMC_MAX_CPUS 8192

typedef struct vmc_system vmc_system;

/* An empty system description.  Free with vmc_system_free. */
vmc_status vmc_system_new(vmc_system **out, vmc_error *e);
void vmc_system_free(vmc_system *s);

/*
 * Read everything available under @sysroot ("/" for the live system).
 * Files that do not exist are recorded as missing, not an error; use
 * vmc_system_missing() to list them.  Malformed files fail with
 * VMC_ERR_CORRUPT naming the file.  Errors: VMC_ERR_IO, VMC_ERR_CORRUPT,
 * VMC_ERR_NOMEM.
 */
vmc_status vmc_system_read(vmc_system *s, const char *sysroot, vmc_error *e);

/* Replace /proc/iomem with the text of another file. */
vmc_status vmc_system_set_iomem_text(vmc_system *s, const char *text,
				     size_t len, vmc_error *e);
/* Feed individual files by their path relative to the sysroot
 * ("proc/iomem", "sys/kernel/vmcoreinfo", "sys/devices/system/cpu/cpu0/"
 * "crash_notes", ...).  Used by vmc_system_read and by tests. */
vmc_status vmc_system_set_file(vmc_system *s, const char *relpath,
			       const void *data, size_t len, vmc_error *e);

/*
 * Add a device-tree memory node's "reg" (or "linux,usable-memory")
 * property: @addr_cells/@size_cells from the root's #address-cells and
 * #size-cells.  vmc_system_read does this for proc/device-tree/memory*.
 * Errors: those of vmc_dt_parse_reg.
 */
vmc_status vmc_system_add_dt_memory(vmc_system *s, const void *prop,
				    size_t len, unsigned addr_cells,
				    unsigned size_cells, vmc_error *e);

/* RAM from device-tree memory nodes, in node order (NULL when none). */
const vmc_ranges *vmc_system_dt_memory(const vmc_system *s);

/* Relative paths that were looked for and not found, in lookup order. */
size_t vmc_system_nr_missing(const vmc_system *s);
const char *vmc_system_missing(const vmc_system *s, size_t i);

/* Borrowed iomem (NULL when none was read). */
const vmc_iomem *vmc_system_iomem(const vmc_system *s);

/* Architecture from /proc/kcore's ELF header; false when unknown. */
bool vmc_system_arch(const vmc_system *s, struct vmc_elf_id *id);

#ifdef __cplusplus
}
#endif
#endif
