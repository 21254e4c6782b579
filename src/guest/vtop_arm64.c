// SPDX-License-Identifier: MIT
/*
 * arm64 virtual-to-physical translation of kernel (TTBR1) addresses
 * through the kernel's own tables, 4 KiB granule, as the MMU does and as
 * makedumpfile's arch/arm64.c vaddr_to_paddr_arm64 / crash's arm64_vtop_4k
 * walk it:
 *
 *   va_size = 64 - TCR_EL1.T1SZ (NUMBER(TCR_EL1_T1SZ); else NUMBER(VA_BITS))
 *   vaddr [63 .. va_size | top level | 47..39 | 38..30 | 29..21 | 20..12 | 11..0]
 *          all ones       L-1 / L0    L0       L1       L2       L3       offset
 *   levels = ceil((va_size - 12) / 9): 39 bits 3, 48 bits 4, 52 bits 5
 *   (the top table indexes what is left: 4 bits at 52)
 *
 * A descriptor (ARM ARM D8.3): bits[1:0] 0b11 a table (a page at level 3),
 * 0b01 a block at level 1 (1 GiB) or 2 (2 MiB), anything else invalid
 * (not mapped). The output address is bits[47:12]; with 52-bit VAs the
 * kernel runs with FEAT_LPA2 (arch/arm64/include/asm/pgtable-hwdef.h
 * PTE_ADDR_HIGH_SHIFT), where it is bits[49:12] and bits[9:8] hold
 * OA[51:50]. The root is swapper_pg_dir at its physical address,
 * SYMBOL(swapper_pg_dir) - NUMBER(kimage_voffset) (__pa_symbol).
 * As on x86_64 the depth is fixed and a table seen twice in one walk is a
 * loop (an error), as is a table outside memory.
 */
#include "guest/guest_priv.h"
#include "base/compiler.h"

#define DESC_TYPE 0x3ULL
#define DESC_TABLE 0x3ULL	/* a table, or a page at level 3 */
#define DESC_BLOCK 0x1ULL
#define OA_48 0x0000fffffffff000ULL
#define OA_LPA2 0x0003fffffffff000ULL
#define OA_LPA2_HI 0x300ULL	/* bits[9:8] = OA[51:50] */

static uint64_t out_addr(const vmc_guest_kernel *k, uint64_t d)
{
	if (k->va_size == 52)
		return (d & OA_LPA2) | (d & OA_LPA2_HI) << 42;
	return d & OA_48;
}

vmc_status vmc__guest_vtop_arm64(const vmc_guest_kernel *k, uint64_t vaddr,
				 uint64_t *paddr, uint64_t *page_len,
				 vmc_error *e)
{
	unsigned nbits = k->va_size - 12, levels = k->levels;
	uint64_t table = k->pgd;
	uint64_t walked[5];
	unsigned nr_walked = 0;

	/* TTBR1: bits 63..va_size all ones */
	if (k->va_size < 64 && vaddr >> k->va_size != UINT64_MAX >> k->va_size)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "0x%llx is no kernel (TTBR1) address with "
				     "%u-bit VAs", (unsigned long long)vaddr,
				     k->va_size);
	for (int lvl = (int)levels - 1; lvl >= 0; lvl--) {
		unsigned shift = 12 + 9 * (unsigned)lvl;
		unsigned width = lvl == (int)levels - 1 ? nbits - 9 * (levels - 1)
							: 9;
		uint64_t idx = (vaddr >> shift) & ((1ULL << width) - 1);
		uint64_t at = table + idx * 8, d, type;
		uint8_t raw[8];
		vmc_status st = vmc_physmem_read(k->pm, at, raw, 8, e);

		if (st == VMC_ERR_RANGE)
			return PREFIXED(VMC_ERR_CORRUPT, e,
					"0x%llx: level %d table at 0x%llx "
					"outside memory",
					(unsigned long long)vaddr, 3 - lvl,
					(unsigned long long)table);
		if (st)
			return st;
		d = guest_le64(raw);
		type = d & DESC_TYPE;
		if ((lvl == 1 || lvl == 2) && type == DESC_BLOCK) {
			uint64_t size = 1ULL << shift;

			*paddr = (out_addr(k, d) & ~(size - 1)) |
				 (vaddr & (size - 1));
			if (page_len)
				*page_len = size - (vaddr & (size - 1));
			return VMC_OK;
		}
		if (type != DESC_TABLE)
			return vmc_error_set(e, VMC_ERR_NOTFOUND,
					     "0x%llx is not mapped (level %d "
					     "descriptor 0x%llx at 0x%llx)",
					     (unsigned long long)vaddr, 3 - lvl,
					     (unsigned long long)d,
					     (unsigned long long)at);
		if (lvl == 0) {
			*paddr = out_addr(k, d) | (vaddr & 4095);
			if (page_len)
				*page_len = 4096 - (vaddr & 4095);
			return VMC_OK;
		}
		walked[nr_walked++] = table;
		table = out_addr(k, d);
		for (unsigned i = 0; i < nr_walked; i++)
			if (walked[i] == table)
				return vmc_error_set(e, VMC_ERR_CORRUPT,
						     "0x%llx: page-table loop "
						     "(level %d descriptor at "
						     "0x%llx points back at "
						     "table 0x%llx)",
						     (unsigned long long)vaddr,
						     3 - lvl,
						     (unsigned long long)at,
						     (unsigned long long)table);
	}
	return vmc_error_set(e, VMC_ERR_CORRUPT, "page walk fell through");
}
