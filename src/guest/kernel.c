// SPDX-License-Identifier: MIT
/*
 * A guest kernel from its VMCOREINFO text alone: where its page tables are
 * and whether they describe the memory they lie in.
 *
 * x86_64 facts (arch/x86/kernel/vmcore_info_64.c arch_crash_save_vmcoreinfo,
 * kernel/vmcore_info.c crash_save_vmcoreinfo_init):
 *   SYMBOL(init_top_pgt)  the kernel's top page table (swapper_pg_dir is
 *                         the same symbol on x86_64), a kernel-image address
 *   NUMBER(phys_base)     where the image is in physical memory: an image
 *                         address v is at v - __START_KERNEL_map + phys_base
 *                         (arch/x86/include/asm/page_64.h __phys_addr_symbol)
 *   NUMBER(pgtable_l5_enabled)  5-level paging
 *   NUMBER(sme_mask)      the memory-encryption bit set in page-table entries
 *   SYMBOL(init_uts_ns) + OFFSET(uts_namespace.name)  struct new_utsname,
 *                         whose release[] OSRELEASE was printed from
 */
#include <string.h>

#include "guest/guest_priv.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"

/* arch/x86/include/asm/page_64_types.h */
#define START_KERNEL_MAP 0xffffffff80000000ULL

vmc_status vmc__guest_key(const vmc_guest_kernel *k, const char *key,
			  uint64_t *out, vmc_error *e)
{
	vmc_status st = vmc_vmcoreinfo_get_u64(k->text, k->len, key, out);

	if (st == VMC_ERR_NOTFOUND)
		return vmc_error_set(e, st, "VMCOREINFO has no %s", key);
	if (st)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "VMCOREINFO %s is not a number", key);
	return VMC_OK;
}

/*
 * arm64 (arch/arm64/kernel/vmcore_info.c arch_crash_save_vmcoreinfo):
 *   NUMBER(kimage_voffset)  image address - physical address
 *                           (__pa_symbol, arch/arm64/include/asm/memory.h)
 *   NUMBER(TCR_EL1_T1SZ)    the kernel half's VA size is 64 - T1SZ, read
 *                           from the register (the running VA size, not
 *                           the configured VA_BITS); NUMBER(VA_BITS) when
 *                           absent (kernels before 5.12)
 *   NUMBER(PHYS_OFFSET)     memstart_addr
 *   SYMBOL(swapper_pg_dir)  the kernel's top table (kernel/vmcore_info.c)
 * 4 KiB pages only: a 16 or 64 KiB granule has another walk.
 */
static vmc_status parse_arm64(vmc_guest_kernel *k, vmc_error *e)
{
	uint64_t pgd_sym, t1sz;
	vmc_status st;

	k->arm64 = true;
	st = vmc__guest_key(k, "NUMBER(kimage_voffset)", &k->kimage_voffset, e);
	if (!st)
		st = vmc__guest_key(k, "SYMBOL(swapper_pg_dir)", &pgd_sym, e);
	if (st)
		return st == VMC_ERR_NOTFOUND ? VMC_ERR_CORRUPT : st;
	if (vmc__guest_key(k, "NUMBER(TCR_EL1_T1SZ)", &t1sz, NULL) == VMC_OK)
		t1sz = 64 - t1sz;
	else if ((st = vmc__guest_key(k, "NUMBER(VA_BITS)", &t1sz, e)))
		return st == VMC_ERR_NOTFOUND ? VMC_ERR_CORRUPT : st;
	if (t1sz < 25 || t1sz > 52)	/* T1SZ 12..39 with 4 KiB pages */
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "arm64 kernel VA size %llu bits (from "
				     "TCR_EL1_T1SZ / VA_BITS) is not 25-52",
				     (unsigned long long)t1sz);
	k->va_size = (unsigned)t1sz;
	k->levels = (k->va_size - 12 + 8) / 9;
	if (vmc__guest_key(k, "NUMBER(PHYS_OFFSET)", &k->phys_base, NULL))
		k->phys_base = 0;
	if (vmc__guest_key(k, "KERNELOFFSET", &k->kaslr, NULL))
		k->kaslr = 0;
	k->pgd = pgd_sym - k->kimage_voffset;
	if (k->pgd >> 52 || k->pgd % 4096)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "SYMBOL(swapper_pg_dir) 0x%llx with "
				     "kimage_voffset 0x%llx is no page-aligned "
				     "physical address",
				     (unsigned long long)pgd_sym,
				     (unsigned long long)k->kimage_voffset);
	return VMC_OK;
}

static vmc_status parse_keys(vmc_guest_kernel *k, vmc_error *e)
{
	uint64_t pgd_sym, v;
	vmc_status st;

	st = vmc_vmcoreinfo_get(k->text, k->len, "OSRELEASE", k->osrelease,
				sizeof(k->osrelease));
	if (st)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "VMCOREINFO has no OSRELEASE of at most "
				     "64 bytes");
	if (vmc__guest_key(k, "PAGESIZE", &v, NULL) == VMC_OK && v != 4096)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "PAGESIZE %llu: only 4096 (x86_64, arm64 "
				     "with 4 KiB pages) is handled",
				     (unsigned long long)v);
	if (vmc_vmcoreinfo_get(k->text, k->len, "NUMBER(kimage_voffset)",
			       NULL, 0) != VMC_ERR_NOTFOUND)
		return parse_arm64(k, e);
	st = vmc__guest_key(k, "SYMBOL(init_top_pgt)", &pgd_sym, NULL);
	if (st == VMC_ERR_NOTFOUND)
		st = vmc__guest_key(k, "SYMBOL(swapper_pg_dir)", &pgd_sym,
				    NULL);
	if (st == VMC_ERR_NOTFOUND ||
	    vmc_vmcoreinfo_get(k->text, k->len, "NUMBER(phys_base)", NULL,
			       0) == VMC_ERR_NOTFOUND)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "not an x86_64 kernel (VMCOREINFO has no "
				     "SYMBOL(init_top_pgt) and "
				     "NUMBER(phys_base))");
	if (st)
		return vmc_error_set(e, st, "SYMBOL(init_top_pgt) malformed");
	/* printed with %ld: negative when KASLR moved the image further in
	 * virtual than in physical memory; the sums below wrap as the
	 * kernel's unsigned long arithmetic does. */
	if (vmc_vmcoreinfo_get_s64(k->text, k->len, "NUMBER(phys_base)",
				   &k->phys_base))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "VMCOREINFO NUMBER(phys_base) is not a "
				     "number");
	if (vmc__guest_key(k, "KERNELOFFSET", &k->kaslr, NULL))
		k->kaslr = 0;
	if (vmc__guest_key(k, "NUMBER(sme_mask)", &k->sme_mask, NULL))
		k->sme_mask = 0;
	k->levels = 4;
	if (vmc__guest_key(k, "NUMBER(pgtable_l5_enabled)", &v, NULL) ==
		    VMC_OK && v)
		k->levels = 5;
	k->pgd = pgd_sym - START_KERNEL_MAP + k->phys_base;
	/* 52 bits: the most x86_64 physical addresses have
	 * (MAX_PHYSMEM_BITS with 5-level paging). */
	if (pgd_sym < START_KERNEL_MAP || k->pgd >> 52 || k->pgd % 4096)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "SYMBOL(init_top_pgt) 0x%llx with "
				     "phys_base 0x%llx is no page-aligned "
				     "kernel-image address",
				     (unsigned long long)pgd_sym,
				     (unsigned long long)k->phys_base);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_guest_kernel_new(vmc_guest_kernel **out,
					   const vmc_physmem *pm,
					   const char *text, size_t len,
					   vmc_error *e)
{
	vmc_guest_kernel *k;
	vmc_status st;

	if (len == SIZE_MAX)
		return vmc_error_set(e, VMC_ERR_INVALID, "text too long");
	k = vmc__calloc(1, sizeof(*k));
	if (!k || !(k->text = vmc__malloc(len + 1))) {
		vmc__free(k);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	memcpy(k->text, text, len);
	k->text[len] = '\0';
	k->len = len;
	k->pm = pm;
	st = parse_keys(k, e);
	if (st) {
		vmc_guest_kernel_free(k);
		return st;
	}
	*out = k;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_guest_vtop(const vmc_guest_kernel *k,
				     uint64_t vaddr, uint64_t *paddr,
				     uint64_t *page_len, vmc_error *e)
{
	if (k->arm64)
		return vmc__guest_vtop_arm64(k, vaddr, paddr, page_len, e);
	return vmc__guest_vtop_x86_64(k, vaddr, paddr, page_len, e);
}

VMC_EXPORT void vmc_guest_kernel_free(vmc_guest_kernel *k)
{
	if (!k)
		return;
	vmc__free(k->text);
	vmc__free(k);
}

VMC_EXPORT const char *vmc_guest_kernel_vmcoreinfo(const vmc_guest_kernel *k,
						   size_t *len)
{
	if (len)
		*len = k->len;
	return k->text;
}

VMC_EXPORT const char *vmc_guest_kernel_osrelease(const vmc_guest_kernel *k)
{
	return k->osrelease;
}

VMC_EXPORT uint64_t vmc_guest_kernel_pgd(const vmc_guest_kernel *k)
{
	return k->pgd;
}

VMC_EXPORT uint64_t vmc_guest_kernel_phys_base(const vmc_guest_kernel *k)
{
	return k->phys_base;
}

VMC_EXPORT uint64_t vmc_guest_kernel_kaslr_offset(const vmc_guest_kernel *k)
{
	return k->kaslr;
}

VMC_EXPORT unsigned vmc_guest_kernel_levels(const vmc_guest_kernel *k)
{
	return k->levels;
}

/*
 * struct new_utsname { char sysname[65], nodename[65], release[65]; ... }
 * (include/uapi/linux/utsname.h).  Kernels before OFFSET(uts_namespace.name)
 * was exported had a struct kref (4 bytes) first: try 0 then 4.
 */
VMC_EXPORT vmc_status vmc_guest_kernel_check(const vmc_guest_kernel *k,
					     vmc_error *e)
{
	static const uint64_t guesses[] = { 0, 4 };
	uint64_t uts, off;
	char rel[GUEST_UTS_LEN];
	size_t nr_off = 1;
	vmc_status st;

	st = vmc__guest_key(k, "SYMBOL(init_uts_ns)", &uts, e);
	if (st)
		return st == VMC_ERR_NOTFOUND ? VMC_ERR_CORRUPT : st;
	if (vmc__guest_key(k, "OFFSET(uts_namespace.name)", &off, NULL))
		nr_off = ARRAY_SIZE(guesses);
	for (size_t i = 0; i < nr_off; i++) {
		uint64_t at = uts + (nr_off > 1 ? guesses[i] : off) +
			      2 * GUEST_UTS_LEN;

		st = vmc_guest_read(k, at, rel, sizeof(rel), e);
		if (st)
			return PREFIXED(st == VMC_ERR_NOTFOUND ? VMC_ERR_CORRUPT
							       : st,
					e, "init_uts_ns 0x%llx",
					(unsigned long long)uts);
		rel[sizeof(rel) - 1] = '\0';
		if (strcmp(rel, k->osrelease) == 0)
			return VMC_OK;
	}
	for (size_t i = 0; rel[i]; i++)
		if (rel[i] < 0x20 || rel[i] > 0x7e)
			rel[i] = '?';
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "init_uts_ns release is \"%.64s\", not OSRELEASE "
			     "\"%s\"", rel, k->osrelease);
}
