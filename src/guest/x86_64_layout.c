// SPDX-License-Identifier: MIT
/*
 * x86_64: where the kernel's direct map starts (page_offset_base), found by
 * walking the kernel's own page tables for a pointer VMCOREINFO gives that
 * lies in the direct map (SYMBOL(mem_section): with SPARSEMEM_EXTREME the
 * kernel prints the pointer to the memblock-allocated array,
 * kernel/vmcore_info.c VMCOREINFO_SYMBOL_ARRAY).
 *
 * The page-table root is init_top_pgt (arch/x86/kernel/machine_kexec_64.c
 * arch_crash_save_vmcoreinfo: SYMBOL(init_top_pgt), NUMBER(phys_base),
 * NUMBER(pgtable_l5_enabled)), a kernel-image symbol, so its physical
 * address is  sym - __START_KERNEL_map + phys_base  (arch/x86/include/asm/
 * page_64.h __phys_addr_symbol).  With RANDOMIZE_MEMORY the base is
 * randomised in PUD_SIZE (1 GiB) steps (arch/x86/mm/kaslr.c
 * kernel_randomize_memory), without it 0xffff888000000000: either way
 * 1 GiB aligned, which is checked.
 */
#include <string.h>

#include "vmcorekit/guestcore.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"
#include "base/numparse.h"

#define START_KERNEL_MAP 0xffffffff80000000ull
#define PTE_PRESENT 0x1ull
#define PTE_PSE 0x80ull		/* a 1 GiB or 2 MiB page at PUD/PMD */
#define PTE_ADDR 0x000ffffffffff000ull
#define GIB (1ull << 30)

static vmc_status get_hex(const char *vi, size_t len, const char *key,
			  uint64_t *v, vmc_error *e)
{
	if (vmc_vmcoreinfo_get_u64(vi, len, key, v))
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "VMCOREINFO has no %s", key);
	return VMC_OK;
}

/* NUMBER(phys_base) is a signed long printed in decimal ("%ld"): negative
 * when the kernel runs below its link address. */
static vmc_status get_signed(const char *vi, size_t len, const char *key,
			     uint64_t *v, vmc_error *e)
{
	char buf[32];
	bool neg;
	uint64_t x;

	if (vmc_vmcoreinfo_get(vi, len, key, buf, sizeof(buf)))
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "VMCOREINFO has no %s", key);
	neg = buf[0] == '-';
	if (!vmc__parse_u64_base(buf + neg, 10, &x) || x > INT64_MAX)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "VMCOREINFO %s=%s",
				     key, buf);
	*v = neg ? 0 - x : x;	/* two's complement, as the kernel adds it */
	return VMC_OK;
}

/* Translate @va through the table at @root (levels 5 or 4); *@psize is
 * the size of the page that maps it. */
static vmc_status walk(const vmc_physmem *pm, uint64_t root, int levels,
		       uint64_t va, uint64_t *pa, uint64_t *psize,
		       vmc_error *e)
{
	static const char *const names[] = { "PTE", "PMD", "PUD", "P4D",
					     "PGD" };
#define LVL_NAME(l) names[(levels == 4 && (l) == 3) ? 4 : (l)]
	uint64_t table = root;

	for (int lvl = levels - 1; lvl >= 0; lvl--) {
		unsigned shift = 12 + 9 * (unsigned)lvl;
		uint64_t idx = (va >> shift) & 511, ent;
		uint8_t b[8];
		vmc_status st;

		st = vmc_physmem_read(pm, table + idx * 8, b, 8, e);
		if (st)
			return PREFIXED(st, e, "%s entry of %#llx",
					LVL_NAME(lvl),
					(unsigned long long)va);
		ent = vmc_get64(VMC_LE, b);
		if (!(ent & PTE_PRESENT))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "%#llx not mapped (%s entry %llu "
					     "at %#llx not present)",
					     (unsigned long long)va,
					     LVL_NAME(lvl),
					     (unsigned long long)idx,
					     (unsigned long long)table);
		if ((lvl == 1 || lvl == 2) && (ent & PTE_PSE)) {
			uint64_t mask = (1ull << shift) - 1;

			*pa = (ent & PTE_ADDR & ~mask) | (va & mask);
			*psize = mask + 1;
			return VMC_OK;
		}
		table = ent & PTE_ADDR;
	}
	*pa = table | (va & 0xfff);
	*psize = 4096;
	return VMC_OK;
#undef LVL_NAME
}

/* The kernel's page-table root (physical), its depth, and phys_base. */
static vmc_status pgt_root(const char *vi, size_t len, uint64_t *root,
			   int *levels, uint64_t *phys_base, vmc_error *e)
{
	uint64_t pgt = 0, l5 = 0;
	vmc_status st;

	st = get_hex(vi, len, "SYMBOL(init_top_pgt)", &pgt, e);
	if (st == VMC_ERR_NOTFOUND)
		st = get_hex(vi, len, "SYMBOL(swapper_pg_dir)", &pgt, e);
	if (!st)
		st = get_signed(vi, len, "NUMBER(phys_base)", phys_base, e);
	if (st)
		return st;
	(void)vmc_vmcoreinfo_get_u64(vi, len, "NUMBER(pgtable_l5_enabled)",
				     &l5);
	if (pgt < START_KERNEL_MAP)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "SYMBOL(init_top_pgt)=%llx is not a "
				     "kernel-image address",
				     (unsigned long long)pgt);
	*root = pgt - START_KERNEL_MAP + *phys_base;
	*levels = l5 ? 5 : 4;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_guestcore_x86_64_direct_map(const vmc_physmem *pm,
						      const char *vi,
						      size_t len,
						      uint64_t *out,
						      vmc_error *e)
{
	uint64_t phys_base = 0, ms = 0, pa = 0, root = 0, psize;
	int levels = 4;
	vmc_status st;

	st = pgt_root(vi, len, &root, &levels, &phys_base, e);
	if (!st)
		st = get_hex(vi, len, "SYMBOL(mem_section)", &ms, e);
	if (st)
		return st;
	st = walk(pm, root, levels, ms, &pa, &psize, e);
	if (st)
		return PREFIXED(st, e, "direct map: page tables at %#llx",
				(unsigned long long)root);
	if (pa > ms || ((ms - pa) & (GIB - 1)))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "direct map: %#llx maps to %#llx, a base "
				     "that is not 1 GiB aligned",
				     (unsigned long long)ms,
				     (unsigned long long)pa);
	*out = ms - pa;
	return VMC_OK;
}

/*
 * The kernel image as the kernel's own elfcorehdr describes it
 * (kernel/crash_core.c crash_prepare_elf64_headers: p_vaddr = _text,
 * p_paddr = __pa_symbol(_text), size _end - _text).  _text is
 * __START_KERNEL + kaslr_offset() (KERNELOFFSET, arch/x86/kernel/
 * machine_kexec_64.c); _end is not in VMCOREINFO, so the extent is what
 * the kernel still maps from _text on, physically contiguous: after
 * cleanup_highmap (arch/x86/mm/init_64.c) that is _text up to _brk_end
 * rounded up to 2 MiB, at most KERNEL_IMAGE_SIZE.
 */
VMC_EXPORT vmc_status vmc_guestcore_x86_64_kernel_text(const vmc_physmem *pm,
						       const char *vi,
						       size_t len,
						       uint64_t *vaddr,
						       uint64_t *paddr,
						       uint64_t *size,
						       vmc_error *e)
{
	uint64_t phys_base = 0, off = 0, root = 0, text, pa, psize, max;
	uint64_t n = 0;
	int levels = 4;
	vmc_status st;

	st = pgt_root(vi, len, &root, &levels, &phys_base, e);
	if (!st)
		st = get_hex(vi, len, "KERNELOFFSET", &off, e);
	if (st)
		return st;
	if (vmc_vmcoreinfo_get_u64(vi, len, "NUMBER(KERNEL_IMAGE_SIZE)", &max) ||
	    max > GIB)
		max = GIB;
	if (off >= max)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "KERNELOFFSET=%llx past the kernel image "
				     "area", (unsigned long long)off);
	text = START_KERNEL_MAP + 0x1000000 + off;
	st = walk(pm, root, levels, text, &pa, &psize, e);
	if (st)
		return PREFIXED(st, e, "kernel text at %#llx",
				(unsigned long long)text);
	if (pa != text - START_KERNEL_MAP + phys_base)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "_text %#llx maps to %#llx, not to "
				     "_text - __START_KERNEL_map + phys_base",
				     (unsigned long long)text,
				     (unsigned long long)pa);
	*vaddr = text;
	*paddr = pa;
	while (text + n - START_KERNEL_MAP < max) {
		uint64_t p, ps;
		vmc_error e2 = { 0 };

		if (walk(pm, root, levels, text + n, &p, &ps, &e2) ||
		    p != pa + n)
			break;
		n += ps - ((text + n) & (ps - 1));
	}
	*size = n;
	return VMC_OK;
}
