/* SPDX-License-Identifier: MIT */
/*
 * Internal to the kexec-tools loader: its inclusive-end range list and the
 * per-architecture row (kexec_tools.c holds the ops, the shared rules and
 * the x86_64 row; kexec_tools_ppc64.c the ppc64 row and its hooks).
 */
#ifndef VMC_LOADER_KEXEC_TOOLS_PRIV_H
#define VMC_LOADER_KEXEC_TOOLS_PRIV_H

#include "loader/loader_priv.h"

#define KT_MAX_RANGES 32768		/* CRASH_MAX_MEMORY_RANGES */

/* kexec/kexec.h: RANGE_RAM is 0, so a zeroed range is RAM. */
enum kt_type { RANGE_RAM, RANGE_RESERVED, RANGE_ACPI, RANGE_ACPI_NVS,
	       RANGE_PMEM, RANGE_PRAM };

struct kt_range {
	uint64_t start, end;	/* inclusive */
	enum kt_type type;
};

struct kt_list {
	struct kt_range v[KT_MAX_RANGES];
	size_t n;
	size_t dropped;		/* ranges past the KT_MAX_RANGES slots */
	uint64_t crash_end;	/* inclusive end of the last crash region */
};

/* elf_info's kernel text map: kern_paddr_start, kern_vaddr_start and
 * kern_size (crash_create_elf64_headers adds its PT_LOAD when size != 0). */
struct kt_text {
	bool have;
	uint64_t paddr, vaddr, size;
};

struct kt_arch {
	struct vmc__loader_arch id;	/* first: the ops point here */
	/* Optional (arm64): the kernel text PT_LOAD by the row's own rule,
	 * instead of text_load's kcore one. */
	vmc_status (*text)(struct vmc_header *h, const vmc_system *s,
			   const struct kt_arch *a, struct kt_text *t,
			   vmc_error *e);
	/* Optional (arm64): phys_to_virt, a RAM range's p_vaddr is
	 * paddr - *phys_offset + *page_offset, instead of the kcore rule
	 * below (phys_offset 0). */
	vmc_status (*direct_map)(struct vmc_header *h, const vmc_system *s,
				 const struct kt_arch *a,
				 uint64_t *page_offset, uint64_t *phys_offset,
				 vmc_error *e);
	/* get_crash_memory_ranges: the memory ranges, the crash regions
	 * excluded, l->crash_end set. */
	vmc_status (*ranges)(struct kt_list *l, const vmc_system *s,
			     const struct vmc_build_opts *o, vmc_error *e);
	/* The direct map: kcore vaddrs rounded down to page_offset_align,
	 * the lowest; page_offset when kcore shows none, or always when
	 * page_offset_align is 0 (a constant in kexec-tools). */
	uint64_t page_offset, page_offset_align;
	/* elf_info kern_size: a kernel text PT_LOAD
	 * (get_kernel_vaddr_and_size: the kcore segment holding _stext, its
	 * start rounded down to kernel_align; without _stext the one inside
	 * [kernel_map, kernel_map + kernel_map_size)). */
	bool text_load;
	uint64_t kernel_map, kernel_map_size, kernel_align;
	/* elf_info lowmem_limit: a PT_LOAD ending at or past it gets p_vaddr
	 * -1 ("HIGHMEM"); 0: none. */
	uint64_t lowmem_limit;
	/* get_backup_area: the first RAM range ending at or below
	 * backup_src_end + 1 is copied to a backup segment; 0 = none. */
	uint64_t backup_src_end;
	/* getpagesize(): 0 = the running kernel's, from /proc/kcore's
	 * PT_LOAD p_align (fs/proc/kcore.c sets PAGE_SIZE), else
	 * default_page. */
	uint64_t page_size, default_page;
	/* The backup segment's address (add_buffer -> locate_hole), given
	 * the page size and the backup source size. */
	vmc_status (*backup_at)(const struct kt_list *l, const vmc_system *s,
				uint64_t page, uint64_t bsize, uint64_t *out,
				vmc_error *e);
	/* The header segment's memsz for @size header bytes and its
	 * address after the backup at @backup. */
	void (*header_at)(uint64_t size, uint64_t page, uint64_t backup,
			  uint64_t bsize, uint64_t *segment, uint64_t *addr);
};

/* exclude_region() of crashdump-x86.c, exactly (inclusive ends, strict
 * overlap, one split per call); also --exclude on other rows. */
vmc_status vmc__kt_exclude(struct kt_list *l, uint64_t start, uint64_t end,
			   vmc_error *e);
/* PAGE_SIZE of the kernel whose /proc/kcore was read (its PT_LOADs'
 * p_align, fs/proc/kcore.c); 0 when unknown. */
uint64_t vmc__kt_kcore_page(const vmc_system *s);

/* The ppc64 row (kexec_tools_ppc64.c) and the arm64 row
 * (kexec_tools_arm64.c). */
extern const struct kt_arch vmc__kt_ppc64;
extern const struct kt_arch vmc__kt_arm64;

/* The explicit RAM ranges (build --ram, half-open) appended as RAM, past
 * KT_MAX_RANGES counted in l->dropped; @ram may be NULL. */
void vmc__kt_add_ram(struct kt_list *l, const vmc_ranges *ram);

#endif
