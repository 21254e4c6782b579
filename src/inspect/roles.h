/* SPDX-License-Identifier: MIT */
/* Internal: classifying PT_LOADs as RAM or as re-mappings of RAM. */
#ifndef VMC_CORE_ROLES_H
#define VMC_CORE_ROLES_H

#include "vmcorekit/inspect.h"
#include "vmcorekit/ranges.h"

/*
 * RAM loads share one p_vaddr - p_paddr (the direct map; kexec-tools and
 * the kernel both write __va(paddr)).  A load with another offset -- the
 * kernel text at __START_KERNEL_map -- re-maps RAM.  @roles has one entry
 * per phdr.  Returns the common offset.
 */
uint64_t vmc__classify_loads(const vmc_elfcore *c, enum vmc_role *roles);

/* The RAM loads' physical ranges, in phdr order (boundaries kept). */
vmc_status vmc__ram_ranges(const vmc_elfcore *c, const enum vmc_role *roles,
		      vmc_ranges **out, vmc_error *e);

#endif
