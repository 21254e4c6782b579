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
 * 1 GiB aligned, which is checked.  The walk is the one every guest reader
 * uses (vtop_x86_64.c vmc_guest_vtop over vmc_guest_kernel_new's root).
 */
#include "guest/guest_priv.h"
#include "vmcorekit/guestcore.h"
#include "base/compiler.h"

#define START_KERNEL_MAP 0xffffffff80000000ull
#define GIB (1ull << 30)

/*
 * The kernel of @vi over @pm (vmc_guest_kernel_new: page-table root,
 * depth, phys_base, sme_mask), with this API's statuses: a key the walk
 * needs missing is NOTFOUND (kernel_new says UNSUPPORTED: "not x86_64").
 */
static vmc_status open_kernel(const vmc_physmem *pm, const char *vi,
			      size_t len, vmc_guest_kernel **k, vmc_error *e)
{
	vmc_status st = vmc_guest_kernel_new(k, pm, vi, len, e);

	if (!st && (*k)->arm64) {
		/* the walks read arm64 too; this layout is x86_64's */
		vmc_guest_kernel_free(*k);
		*k = NULL;
		st = vmc_error_set(e, VMC_ERR_UNSUPPORTED, "not an x86_64 "
				   "kernel (arm64 VMCOREINFO): guest vmcores "
				   "are built for x86_64 only");
	}
	if (st == VMC_ERR_UNSUPPORTED && e)
		e->status = VMC_ERR_NOTFOUND;
	return st == VMC_ERR_UNSUPPORTED ? VMC_ERR_NOTFOUND : st;
}

/* vmc_guest_vtop, an entry not present being bad input here (the kernel
 * itself maps these addresses). */
static vmc_status vtop(const vmc_guest_kernel *k, uint64_t va, uint64_t *pa,
		       uint64_t *left, vmc_error *e)
{
	vmc_status st = vmc_guest_vtop(k, va, pa, left, e);

	if (st == VMC_ERR_NOTFOUND && e)
		e->status = VMC_ERR_CORRUPT;
	return st == VMC_ERR_NOTFOUND ? VMC_ERR_CORRUPT : st;
}

VMC_EXPORT vmc_status vmc_guestcore_x86_64_direct_map(const vmc_physmem *pm,
						      const char *vi,
						      size_t len,
						      uint64_t *out,
						      vmc_error *e)
{
	vmc_guest_kernel *k = NULL;
	uint64_t ms = 0, pa = 0;
	vmc_status st;

	st = open_kernel(pm, vi, len, &k, e);
	if (!st)
		st = vmc__guest_key(k, "SYMBOL(mem_section)", &ms, e);
	if (!st) {
		st = vtop(k, ms, &pa, NULL, e);
		if (st)
			vmc_error_prefix(e, "direct map: page tables at %#llx",
					 (unsigned long long)k->pgd);
	}
	vmc_guest_kernel_free(k);
	if (st)
		return st;
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
	vmc_guest_kernel *k = NULL;
	uint64_t text = 0, pa = 0, max, n = 0, left;
	vmc_status st;

	st = open_kernel(pm, vi, len, &k, e);
	if (st)
		return st;
	if (vmc__guest_key(k, "NUMBER(KERNEL_IMAGE_SIZE)", &max, NULL) ||
	    max > GIB)
		max = GIB;
	if (k->kaslr >= max) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "KERNELOFFSET=%llx past the kernel image "
				   "area", (unsigned long long)k->kaslr);
		goto out;
	}
	text = START_KERNEL_MAP + 0x1000000 + k->kaslr;
	st = vtop(k, text, &pa, &left, e);
	if (st) {
		vmc_error_prefix(e, "kernel text at %#llx",
				 (unsigned long long)text);
		goto out;
	}
	if (pa != text - START_KERNEL_MAP + k->phys_base) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "_text %#llx maps to %#llx, not to "
				   "_text - __START_KERNEL_map + phys_base",
				   (unsigned long long)text,
				   (unsigned long long)pa);
		goto out;
	}
	/* the pages mapped contiguously from _text, page by page */
	while (text + n - START_KERNEL_MAP < max) {
		uint64_t p;

		n += left;
		if (text + n - START_KERNEL_MAP >= max ||
		    vtop(k, text + n, &p, &left, NULL) || p != pa + n)
			break;
	}
	*vaddr = text;
	*paddr = pa;
	*size = n;
out:
	vmc_guest_kernel_free(k);
	return st;
}
