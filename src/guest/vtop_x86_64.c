// SPDX-License-Identifier: MIT
/*
 * x86_64 virtual-to-physical translation through a kernel's own page
 * tables, as the MMU (and makedumpfile's arch/x86_64.c vtop4_x86_64) does:
 *
 *   vaddr  [63..57|56..48 |47..39|38..30|29..21|20..12|11..0]
 *           sign   pgd(l5) p4d/pgd  pud    pmd    pte   offset
 *
 * An entry: bit 0 present, bit 7 PSE (a 1 GiB page in a pud, 2 MiB in a
 * pmd), bits 12..51 the next table or page (arch/x86/include/asm/
 * pgtable_types.h PTE_PFN_MASK with __PHYSICAL_MASK_SHIFT 52), bit 63 NX;
 * with SME the encryption bit (NUMBER(sme_mask)) is cleared first
 * (__sme_clr).  The walk has a fixed depth, so it always ends; an entry
 * pointing back at a table this walk already went through (a loop: Linux
 * never shares a table between levels, so only a forged or overwritten
 * table does that) is an error, as is a table outside memory.  The page
 * a last-level entry maps may be a page table (the direct map maps them
 * all), so only the tables walked through are compared.
 */
#include <string.h>

#include "guest/guest_priv.h"
#include "base/compiler.h"

#define PTE_PRESENT 0x1ULL
#define PTE_PSE 0x80ULL
#define PTE_ADDR 0x000ffffffffff000ULL

static const char *const level_name[] = { "pte", "pmd", "pud", "p4d", "pgd" };

vmc_status vmc__guest_vtop_x86_64(const vmc_guest_kernel *k, uint64_t vaddr,
				  uint64_t *paddr, uint64_t *page_len,
				  vmc_error *e)
{
	unsigned top = k->levels == 5 ? 56 : 47;
	uint64_t table = k->pgd, sign = vaddr >> top;
	uint64_t walked[5];
	unsigned nr_walked = 0;

	/* Canonical: bits 63..top all equal. */
	if (sign != 0 && sign != (UINT64_MAX >> top))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "0x%llx is no canonical %u-level address",
				     (unsigned long long)vaddr, k->levels);
	for (int lvl = (int)k->levels - 1; lvl >= 0; lvl--) {
		unsigned shift = 12 + 9 * (unsigned)lvl;
		uint64_t at = table + ((vaddr >> shift) & 511) * 8, ent;
		const char *name = k->levels == 4 && lvl == 3
					   ? "pgd" : level_name[lvl];
		uint8_t raw[8];
		vmc_status st = vmc_physmem_read(k->pm, at, raw, 8, e);

		if (st == VMC_ERR_RANGE)
			return PREFIXED(VMC_ERR_CORRUPT, e,
					"0x%llx: %s table at 0x%llx outside "
					"memory", (unsigned long long)vaddr,
					name, (unsigned long long)table);
		if (st)
			return st;
		ent = guest_le64(raw) & ~k->sme_mask;
		if (!(ent & PTE_PRESENT))
			return vmc_error_set(e, VMC_ERR_NOTFOUND,
					     "0x%llx is not mapped (%s entry "
					     "at 0x%llx not present)",
					     (unsigned long long)vaddr, name,
					     (unsigned long long)at);
		if (lvl == 0 || ((lvl == 1 || lvl == 2) && (ent & PTE_PSE))) {
			uint64_t size = 1ULL << shift;

			*paddr = (ent & PTE_ADDR & ~(size - 1)) |
				 (vaddr & (size - 1));
			if (page_len)
				*page_len = size - (vaddr & (size - 1));
			return VMC_OK;
		}
		walked[nr_walked++] = table;
		table = ent & PTE_ADDR;
		for (unsigned i = 0; i < nr_walked; i++)
			if (walked[i] == table)
				return vmc_error_set(e, VMC_ERR_CORRUPT,
						     "0x%llx: page-table loop "
						     "(the %s entry at 0x%llx "
						     "points back at table "
						     "0x%llx)",
						     (unsigned long long)vaddr,
						     name,
						     (unsigned long long)at,
						     (unsigned long long)table);
	}
	return vmc_error_set(e, VMC_ERR_CORRUPT, "page walk fell through");
}

VMC_EXPORT vmc_status vmc_guest_read(const vmc_guest_kernel *k,
				     uint64_t vaddr, void *buf, size_t len,
				     vmc_error *e)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t pa, room;
		size_t n;
		vmc_status st = vmc_guest_vtop(k, vaddr, &pa, &room, e);

		if (st)
			return st;
		n = room < len ? (size_t)room : len;
		st = vmc_physmem_read(k->pm, pa, p, n, e);
		if (st)
			return PREFIXED(st, e, "virtual 0x%llx",
					(unsigned long long)vaddr);
		p += n;
		len -= n;
		if (len && add_overflows_u64(vaddr, n, &vaddr))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "read wraps past 2^64");
	}
	return VMC_OK;
}
