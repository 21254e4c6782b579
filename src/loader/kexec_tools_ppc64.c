// SPDX-License-Identifier: MIT
/*
 * kexec-tools 2.0.25 `kexec -p` (kexec_load) on ppc64: the memory ranges
 * come from the device tree, not /proc/iomem.  Each rule names the
 * kexec-tools function it mirrors:
 *
 *  - get_crash_memory_ranges (kexec/arch/ppc64/crashdump-ppc64.c): range 0
 *    is the backup source [0, 64 KiB) (BACKUP_SRC_START..BACKUP_SRC_END);
 *    then, in readdir order of /proc/device-tree (kernfs hash order), each
 *    memory node's first reg pair (two be64 whatever #address-cells says;
 *    nodes compatible with "ibm,coherent-device-memory" skipped) and the
 *    assigned LMBs of ibm,dynamic-reconfiguration-memory
 *    (get_dyn_reconf_crash_memory_ranges: reserved (0x80) or unassigned
 *    (!0x8) LMBs skipped, adjacent ones merged), a range starting at 0
 *    moved to 64 KiB, each cut by the crash region (exclude_crash_region:
 *    what lies below and above it, at most two pieces, clipped to
 *    linux,memory-limit);
 *  - then RTAS and OPAL where they overlap the crash region: that part,
 *    its end rounded up to the page size (the kdump kernel must read it);
 *    the RTAS sum is done in 32 bits, as kexec-tools' unsigned ints do;
 *  - load_crashdump_segments: every end made inclusive (end - 1), the
 *    header built by crash_create_elf64_headers with PAGE_OFFSET
 *    0xc000000000000000 (a constant), no kernel text PT_LOAD (elf_info64
 *    has no kern_size), lowmem_limit MAXMEM = 2^60;
 *  - placement (elf_ppc64_load, add_buffer -> locate_hole bottom-up in
 *    the crash region): the kdump kernel first at crash_base, then the
 *    backup segment, then the header, each rounded to the page size.
 */
#include "loader/kexec_tools_priv.h"
#include "base/compiler.h"

#define PPC64_BACKUP_END 0x10000ull		/* BACKUP_SRC_END + 1 */
#define PPC64_PAGE_OFFSET 0xc000000000000000ull	/* crashdump-ppc64.h */
#define PPC64_MAXMEM (1ull << 60)	/* -(KERNELBASE - VMALLOCBASE) */
#define DRCONF_MEM_RESERVED 0x80u
#define DRCONF_MEM_ASSIGNED 0x8u

struct ppc64_walk {
	struct kt_list *l;
	uint64_t cstart, cend;		/* the crash region, half-open */
	uint64_t memory_limit;		/* 0: none */
};

/* Ranges are half-open while collected; load_crashdump_segments makes
 * them inclusive at the end. */
static vmc_status push(struct ppc64_walk *w, uint64_t start, uint64_t end,
		       vmc_error *e)
{
	struct kt_list *l = w->l;

	if (l->n == KT_MAX_RANGES)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "kexec-tools' %d memory-range slots are used",
				     KT_MAX_RANGES);
	l->v[l->n++] = (struct kt_range){ start, end, RANGE_RAM };
	return VMC_OK;
}

/* exclude_crash_region(), exactly. */
static vmc_status exclude_crash_region(struct ppc64_walk *w, uint64_t start,
				       uint64_t end, vmc_error *e)
{
	vmc_status st = VMC_OK;

	if (w->memory_limit) {
		if (start >= w->memory_limit)
			return VMC_OK;
		if (end > w->memory_limit)
			end = w->memory_limit;
	}
	if (!(w->cstart < end && w->cend > start))
		return push(w, start, end, e);
	if (start < w->cstart)
		st = push(w, start, w->cstart, e);
	if (!st && end > w->cend)
		st = push(w, w->cend, end, e);
	return st;
}

/* get_dyn_reconf_crash_memory_ranges: the LMB sets of the file
 * get_dyn_reconf_base_ranges chose (ibm,dynamic-memory, else -v2). */
static vmc_status drconf_ranges(struct ppc64_walk *w, const vmc_system *s,
				vmc_error *e)
{
	const struct dt_props *d = &s->dt;
	const struct dt_drmem *m = d->drmem_v1.present ? &d->drmem_v1 :
				   &d->drmem_v2;
	uint64_t startrange = 0, endrange = 0;
	vmc_status st = VMC_OK;

	/* Without ibm,lmb-size kexec-tools never learns the set count. */
	if (!d->lmb_size.set || !m->present)
		return VMC_OK;
	for (size_t i = 0; !st && i < m->nr; i++) {
		const struct dt_lmb_set *x = &m->set[i];
		uint64_t size, start = x->base, end;

		if (__builtin_mul_overflow((uint64_t)x->nr_lmbs,
					   d->lmb_size.v, &size) ||
		    add_overflows_u64(start, size, &end))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "ibm,dynamic-memory entry %zu: "
					     "0x%llx + %u LMBs passes 2^64", i,
					     (unsigned long long)start,
					     x->nr_lmbs);
		if (start == 0 && end >= PPC64_BACKUP_END)
			start = PPC64_BACKUP_END;
		if ((x->flags & DRCONF_MEM_RESERVED) ||
		    !(x->flags & DRCONF_MEM_ASSIGNED))
			continue;
		if (start != endrange) {
			if (startrange != endrange)
				st = exclude_crash_region(w, startrange,
							  endrange, e);
			startrange = start;
		}
		endrange = end;
	}
	if (!st && startrange != endrange)
		st = exclude_crash_region(w, startrange, endrange, e);
	return st;
}

/* The part of [base, base + size) inside the crash region, its end
 * rounded up to the page (get_crash_memory_ranges' RTAS and OPAL cases);
 * @end is the caller's sum, in the caller's width. */
static vmc_status firmware_range(struct ppc64_walk *w, uint64_t base,
				 uint64_t end, uint64_t page, vmc_error *e)
{
	uint64_t cs = base, ce = end;

	if (!(w->cstart < end && base < w->cend))
		return VMC_OK;
	if (cs < w->cstart)
		cs = w->cstart;
	if (ce > w->cend)
		ce = w->cend;
	return push(w, cs, align_up_u64(ce, page), e);
}

static vmc_status kt_ranges_ppc64(struct kt_list *l, const vmc_system *s,
				  const struct vmc_build_opts *o, vmc_error *e)
{
	const struct dt_props *d = &s->dt;
	struct ppc64_walk w = { .l = l };
	uint64_t page = vmc__kt_kcore_page(s);
	vmc_status st;

	if (!d->crash_base.set || !d->crash_size.set)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/device-tree/chosen has no "
				     "linux,crashkernel-base/-size: no "
				     "crashkernel= reservation, so kexec -p "
				     "would refuse to load "
				     "(is_crashkernel_mem_reserved)");
	if (add_overflows_u64(d->crash_base.v, d->crash_size.v, &w.cend) ||
	    d->crash_size.v == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "crash region 0x%llx+0x%llx is empty or "
				     "passes 2^64",
				     (unsigned long long)d->crash_base.v,
				     (unsigned long long)d->crash_size.v);
	if (!page)
		page = vmc__kt_ppc64.default_page;
	w.cstart = d->crash_base.v;
	w.memory_limit = d->memory_limit.set ? d->memory_limit.v : 0;
	l->crash_end = w.cend - 1;
	/* create a separate program header for the backup region */
	st = push(&w, 0, PPC64_BACKUP_END, e);
	if (o->ram) {
		const struct vmc_range *r = vmc_ranges_data(o->ram);

		for (size_t i = 0; !st && i < vmc_ranges_count(o->ram); i++) {
			uint64_t start = r[i].start;

			if (start == 0 && r[i].end >= PPC64_BACKUP_END)
				start = PPC64_BACKUP_END;
			st = exclude_crash_region(&w, start, r[i].end, e);
		}
	}
	for (size_t i = 0; !st && !o->ram && i < d->nr_node; i++) {
		const struct dt_node *n = &d->node[i];
		uint64_t start, end;

		if (n->drconf) {
			st = drconf_ranges(&w, s, e);
			continue;
		}
		if (n->coherent || !n->reg_len)
			continue;
		if (!n->have_reg)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "proc/device-tree/%s/reg: %zu bytes, "
					     "kexec-tools reads a be64 address "
					     "and size", n->name, n->reg_len);
		start = n->reg_start;
		if (add_overflows_u64(start, n->reg_size, &end))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "proc/device-tree/%s/reg passes 2^64",
					     n->name);
		if (start == 0 && end >= PPC64_BACKUP_END)
			start = PPC64_BACKUP_END;
		st = exclude_crash_region(&w, start, end, e);
	}
	if (!st && d->rtas_base.set && d->rtas_size.set)
		st = firmware_range(&w, d->rtas_base.v,
				    (uint32_t)(d->rtas_base.v + d->rtas_size.v),
				    page, e);
	if (!st && d->opal_base.set && d->opal_size.set)
		st = firmware_range(&w, d->opal_base.v,
				    d->opal_base.v + d->opal_size.v, page, e);
	/* load_crashdump_segments: "adjust the end value" to inclusive,
	 * wrapping as its unsigned arithmetic does. */
	for (size_t i = 0; !st && i < l->n; i++)
		l->v[i].end -= 1;
	if (!st && o->exclude) {
		const struct vmc_range *x = vmc_ranges_data(o->exclude);

		for (size_t i = 0; !st && i < vmc_ranges_count(o->exclude); i++)
			st = vmc__kt_exclude(l, x[i].start, x[i].end - 1, e);
	}
	return st;
}

/*
 * elf_ppc64_load: the kdump kernel is placed first, at the lowest hole of
 * the crash region (crash_base), its segment rounded to the page; the
 * kernel is taken to be the running one, whose end chosen/linux,kernel-end
 * gives (give --backup-addr otherwise).  load_crashdump_segments then adds
 * the backup buffer, bottom-up again, right after it.
 */
static vmc_status kt_backup_ppc64(const struct kt_list *l, const vmc_system *s,
				  uint64_t page, uint64_t bsize, uint64_t *out,
				  vmc_error *e)
{
	const struct dt_props *d = &s->dt;
	uint64_t kend, at;

	(void)bsize;
	if (!d->kernel_end.set)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/device-tree/chosen/linux,kernel-end "
				     "is missing: the kdump kernel's size is "
				     "unknown (give --backup-addr)");
	kend = align_up_u64(d->kernel_end.v, page);
	at = align_up_u64(d->crash_base.v + kend, page);
	if (at < d->crash_base.v || at > l->crash_end)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "a %#llx-byte kernel does not leave room "
				     "in the crash region",
				     (unsigned long long)kend);
	*out = at;
	return VMC_OK;
}

static void kt_header_ppc64(uint64_t size, uint64_t page, uint64_t backup,
			    uint64_t bsize, uint64_t *segment, uint64_t *addr)
{
	*segment = align_up_u64(size, page);
	*addr = backup + align_up_u64(align_up_u64(bsize, 1024), page);
}

const struct kt_arch vmc__kt_ppc64 = {
	{ "ppc64", VMC_EM_PPC64, VMC_CLASS_64, VMC_LE },
	.ranges = kt_ranges_ppc64,
	.page_offset = PPC64_PAGE_OFFSET,
	.page_offset_align = 0,
	.text_load = false,
	.lowmem_limit = PPC64_MAXMEM,
	.backup_src_end = PPC64_BACKUP_END - 1,
	.page_size = 0,
	/* CONFIG_PPC_64K_PAGES, as Debian, Fedora and SUSE build ppc64le */
	.default_page = 64u << 10,
	.backup_at = kt_backup_ppc64,
	.header_at = kt_header_ppc64,
};
