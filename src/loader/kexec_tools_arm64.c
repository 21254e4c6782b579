// SPDX-License-Identifier: MIT
/*
 * The kexec-tools arm64 row: 2.0.25 `kexec -p` through kexec_load
 * (kexec/arch/arm64/crashdump-arm64.c load_crashdump_segments, with
 * kexec/arch/arm64/kexec-arm64.c for PAGE_OFFSET and PHYS_OFFSET, and the
 * shared kexec/crashdump-elf.c crash_create_elf64_headers in
 * kexec_tools.c).  Checked byte for byte against the header kexec-tools
 * placed on Debian's arm64 6.12 and 6.1 kernels under QEMU virt
 * (tests/kernel/foreign-captures/).  Its rules, each from the function
 * named:
 *  - iomem_range_callback: every /proc/iomem line in file order, nested
 *    or not, matched by name *prefix* (strncmp): "Crash kernel" (at most
 *    CRASH_MAX_RESERVED_RANGES = 2), "System RAM", "Kernel code" (the text
 *    start: its base, less _stext - _text when __init_begin - _stext is
 *    the resource's length, the pre-5.x layout) and "Kernel data" (the text
 *    size reaches its end);
 *  - crash_get_memory_ranges: each crash region cut out of System RAM by
 *    mem_regions_exclude (only a region wholly inside one range is cut; a
 *    split appends the upper part at the end; removing an exact match
 *    skips the next range), then sorted by start (mem_regions_sort,
 *    qsort); the text's p_vaddr is _text (UINT64_MAX without it);
 *  - get_page_offset: UINT64_MAX << VA_BITS (<< VA_BITS - 1 for a kernel
 *    image below that, pre-5.4), VA_BITS from kcore's VMCOREINFO
 *    (arm64_scan_vmcoreinfo) or guessed from _stext (get_va_bits); its
 *    failure is ignored, leaving 0;
 *  - PHYS_OFFSET (get_memory_ranges, set_phys_offset: the signed minimum
 *    of) kcore VMCOREINFO's NUMBER(PHYS_OFFSET) (util_lib/elf_info.c
 *    scan_vmcoreinfo; else get_phys_base_from_pt_load) and the start of
 *    the first System RAM range once the resources inside it are cut out
 *    (to_be_excluded);
 *  - phys_to_virt: p_vaddr = paddr - PHYS_OFFSET + PAGE_OFFSET;
 *  - the header is the first segment added, top-down in the last crash
 *    region (add_buffer_phys_virt, end -1), memsz its size rounded up to
 *    the page; no backup region, no minimum size.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/kexec_tools_priv.h"
#include "base/compiler.h"

#define KT_ARM64_MAX_CRASH 2	/* CRASH_MAX_RESERVED_RANGES */
#define KT_PAGE 4096ull
#define NOT_PADDR UINT64_MAX	/* kexec-arm64.h */

/* strncmp(str, NAME, strlen(NAME)) == 0: kexec-tools matches prefixes */
static bool named(const struct vmc_iomem_entry *x, const char *name)
{
	return strncmp(x->name, name, strlen(name)) == 0;
}

/* mem_regions_exclude (kexec/mem_regions.c), its quirks included. */
static vmc_status mr_exclude(struct kt_list *l, uint64_t start, uint64_t end,
			     vmc_error *e)
{
	for (size_t i = 0; i < l->n; i++) {
		struct kt_range *r = &l->v[i];

		/* "We assume that crash area is fully contained in some
		 * larger memory area": anything else is left alone */
		if (!(r->start <= start && r->end >= end))
			continue;
		if (r->start == start && r->end == end) {
			/* mem_regions_remove; the loop's i++ then skips
			 * the range moved into slot i */
			memmove(r, r + 1, (l->n - i - 1) * sizeof(*r));
			l->n--;
		} else if (r->start == start) {
			r->start = end + 1;
		} else if (r->end == end) {
			r->end = start - 1;
		} else {
			if (l->n == KT_MAX_RANGES)
				return vmc_error_set(e, VMC_ERR_NOSPACE,
						     "more than %d memory ranges",
						     KT_MAX_RANGES);
			l->v[l->n++] = (struct kt_range){ end + 1, r->end,
							  RANGE_RAM };
			r->end = start - 1;
			break;
		}
	}
	return VMC_OK;
}

static int cmp_start(const void *a, const void *b)
{
	const struct kt_range *x = a, *y = b;

	return x->start > y->start ? 1 : x->start < y->start ? -1 : 0;
}

/* The crash regions in iomem order (the last is where segments go). */
static size_t crash_regions(const vmc_system *s, struct vmc_range *crash)
{
	size_t n = 0;

	for (size_t i = 0; s->iomem && i < vmc_iomem_count(s->iomem); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(s->iomem, i);

		if (named(x, "Crash kernel") && n < KT_ARM64_MAX_CRASH + 1)
			crash[n++] = (struct vmc_range){ x->start, x->last };
	}
	return n;
}

/* crash_get_memory_ranges: System RAM less the crash regions, sorted. */
static vmc_status kt_ranges_arm64(struct kt_list *l, const vmc_system *s,
				  const struct vmc_build_opts *o, vmc_error *e)
{
	struct vmc_range crash[KT_ARM64_MAX_CRASH + 1];
	size_t nr_crash = crash_regions(s, crash);
	vmc_status st = VMC_OK;

	if (!s->iomem && !o->ram)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/iomem is missing: no memory ranges");
	if (nr_crash == 0)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/iomem has no \"Crash kernel\" "
				     "region: no crashkernel= reservation, so "
				     "kexec -p would refuse to load");
	if (nr_crash > KT_ARM64_MAX_CRASH)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "proc/iomem has more than %d \"Crash "
				     "kernel\" regions, arm64 kexec-tools "
				     "keeps %d", KT_ARM64_MAX_CRASH,
				     KT_ARM64_MAX_CRASH);
	vmc__kt_add_ram(l, o->ram);
	for (size_t i = 0; !o->ram && i < vmc_iomem_count(s->iomem); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(s->iomem, i);

		if (!named(x, "System RAM"))
			continue;
		if (l->n == KT_MAX_RANGES) {
			l->dropped++;
			continue;
		}
		l->v[l->n++] = (struct kt_range){ x->start, x->last,
						  RANGE_RAM };
	}
	for (size_t i = 0; !st && i < nr_crash; i++)
		st = mr_exclude(l, crash[i].start, crash[i].end, e);
	if (!st && o->exclude) {
		const struct vmc_range *x = vmc_ranges_data(o->exclude);

		for (size_t i = 0; !st && i < vmc_ranges_count(o->exclude); i++)
			st = mr_exclude(l, x[i].start, x[i].end - 1, e);
	}
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_start);
	l->crash_end = crash[nr_crash - 1].end;
	return st;
}

/* iomem_range_callback's "Kernel code" / "Kernel data" and
 * crash_get_memory_ranges' kern_vaddr_start. */
static vmc_status kt_text_arm64(struct vmc_header *h, const vmc_system *s,
				const struct kt_arch *a, struct kt_text *t,
				vmc_error *e)
{
	/* get_kernel_sym: 0 when the symbol is not there */
	uint64_t text = s->sym_text.set ? s->sym_text.v : 0;
	uint64_t stext = s->sym_stext.set ? s->sym_stext.v : 0;
	uint64_t init = s->sym_init_begin.set ? s->sym_init_begin.v : 0;
	uint64_t paddr = 0, size = 0;

	(void)a;
	for (size_t i = 0; s->iomem && i < vmc_iomem_count(s->iomem); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(s->iomem, i);
		uint64_t len = x->last - x->start + 1;

		if (named(x, "Kernel code"))
			/* old: the resource starts at _text, new: at _stext
			 * (told apart by __init_begin - _stext == length) */
			paddr = init - stext == len ? x->start - (stext - text)
						    : x->start;
		else if (named(x, "Kernel data"))
			size = x->last + 1 - paddr;
	}
	t->have = size != 0;
	t->paddr = paddr;
	t->size = size;
	t->vaddr = text ? text : UINT64_MAX;
	if (!t->have)
		return vmc__hdr_warn(h, e, "proc/iomem has no \"Kernel data\" "
				     "line: no kernel text PT_LOAD (kexec-tools "
				     "leaves it out too)");
	return VMC_OK;
}

/* strtoul(s, &endp, base) == v with nothing after it (scan_vmcoreinfo's
 * test is strlen(endp) == 0 on a line ending at its '\n'). */
static bool whole_number(const char *p, size_t n, int base, uint64_t *v)
{
	size_t i = 0;
	bool neg = false, any = false;
	uint64_t x = 0;

	while (i < n && (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r')))
		i++;
	if (i < n && (p[i] == '+' || p[i] == '-'))
		neg = p[i++] == '-';
	if (base == 16 && n - i >= 3 && p[i] == '0' &&
	    (p[i + 1] == 'x' || p[i + 1] == 'X'))
		i += 2;
	for (; i < n; i++) {
		unsigned d = p[i] >= '0' && p[i] <= '9' ? (unsigned)(p[i] - '0') :
			     p[i] >= 'a' && p[i] <= 'f' ? (unsigned)(p[i] - 'a' + 10) :
			     p[i] >= 'A' && p[i] <= 'F' ? (unsigned)(p[i] - 'A' + 10) :
			     99;

		if (d >= (unsigned)base)
			return false;
		/* strtoul saturates at ULONG_MAX */
		x = x > (UINT64_MAX - d) / (uint64_t)base ? UINT64_MAX :
		    x * (uint64_t)base + d;
		any = true;
	}
	*v = neg ? 0 - x : x;
	return any;
}

/* kcore's VMCOREINFO as kexec-tools scans it: NUMBER(VA_BITS)= (strtoul
 * base 10, the last one wins) and NUMBER(PHYS_OFFSET)= (base 10, else 16;
 * a value neither reads whole stops the scan). */
static void scan_kcore_vmcoreinfo(const vmc_system *s, int *va_bits,
				  bool *have_phys, uint64_t *phys)
{
	static const char vb[] = "NUMBER(VA_BITS)=";
	static const char po[] = "NUMBER(PHYS_OFFSET)=";
	const char *t = s->kcore_vmcoreinfo;
	size_t len = s->kcore_vmcoreinfo_len, pos = 0;

	while (t && pos < len) {
		const char *p = t + pos, *nl = memchr(p, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - p) : len - pos;
		uint64_t v;

		pos += l + 1;
		if (l >= sizeof(po) - 1 && memcmp(p, po, sizeof(po) - 1) == 0) {
			const char *q = p + sizeof(po) - 1;
			size_t ql = l - (sizeof(po) - 1);

			if ((!whole_number(q, ql, 10, &v) &&
			     !whole_number(q, ql, 16, &v)) ||
			    v == (uint64_t)INT64_MAX)
				return;	/* "Invalid data": the scan stops */
			*have_phys = v != UINT64_MAX;
			*phys = v;
		}
		if (l >= sizeof(vb) - 1 && memcmp(p, vb, sizeof(vb) - 1) == 0) {
			const char *q = p + sizeof(vb) - 1;
			size_t ql = l - (sizeof(vb) - 1), k = 0;

			/* strtoul(.., NULL, 10): the leading digits */
			while (k < ql && q[k] >= '0' && q[k] <= '9')
				k++;
			*va_bits = whole_number(q, k, 10, &v) && v <= 64 ?
				   (int)v : 0;
		}
	}
}

/* get_va_bits without kcore's VMCOREINFO (kernels before 4.19): from
 * _stext's top bits, in kexec-tools' order. */
static int va_bits_from_stext(uint64_t stext)
{
	static const int bits[] = { 36, 39, 42, 47, 48 };

	for (size_t i = 0; stext && i < ARRAY_SIZE(bits); i++) {
		uint64_t m = UINT64_MAX << bits[i];

		if ((stext & m) == m)
			return bits[i];
	}
	return 0;
}

static void set_phys_offset(bool *have, int64_t *cur, int64_t v)
{
	if (!*have || v < *cur) {	/* signed, as arm64_mem.phys_offset */
		*cur = v;
		*have = true;
	}
}

/* get_memory_ranges' first System RAM start, the resources inside the
 * last range cut out as it reads them (to_be_excluded). */
static vmc_status first_ram_start(const vmc_system *s, uint64_t crash_start,
				  uint64_t crash_end, struct kt_list *l,
				  bool *found, uint64_t *out, vmc_error *e)
{
	vmc_status st = VMC_OK;

	l->n = 0;
	for (size_t i = 0; !st && s->iomem && i < vmc_iomem_count(s->iomem);
	     i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(s->iomem, i);
		const struct kt_range *last = l->n ? &l->v[l->n - 1] : NULL;

		if (named(x, "System RAM")) {
			if (l->n < KT_MAX_RANGES)
				l->v[l->n++] = (struct kt_range){
					x->start, x->last, RANGE_RAM };
			continue;
		}
		if (named(x, "Kernel code") || named(x, "Kernel data") ||
		    (named(x, "Crash kernel") && x->start == crash_start &&
		     x->last == crash_end))
			continue;	/* not to be excluded */
		if (!last || last->end < x->start || x->last < last->start)
			continue;
		st = mr_exclude(l, x->start, x->last, e);
	}
	*out = l->n ? l->v[0].start : 0;
	*found = l->n != 0;
	return st;
}

/* phys_to_virt's PAGE_OFFSET (get_page_offset) and PHYS_OFFSET. */
static vmc_status kt_direct_map_arm64(struct vmc_header *h, const vmc_system *s,
				      const struct kt_arch *a,
				      uint64_t *page_offset,
				      uint64_t *phys_offset, vmc_error *e)
{
	struct vmc_range crash[KT_ARM64_MAX_CRASH + 1];
	size_t nr_crash = crash_regions(s, crash);
	uint64_t text = s->sym_text.set ? s->sym_text.v : 0;
	uint64_t stext = s->sym_stext.set ? s->sym_stext.v : 0;
	uint64_t kphys = 0, ram0 = 0;
	bool have_kphys = false, have = false, found = false;
	int64_t cur = 0;
	int va_bits = -1;
	struct kt_list *l;
	vmc_status st = VMC_OK;

	(void)a;
	scan_kcore_vmcoreinfo(s, &va_bits, &have_kphys, &kphys);
	if (va_bits < 0)
		va_bits = va_bits_from_stext(stext);
	*page_offset = 0;
	if (va_bits > 0 && text) {
		uint64_t mid = UINT64_MAX << (va_bits - 1);

		*page_offset = text < mid ? mid : va_bits < 64 ?
			       UINT64_MAX << va_bits : 0;
	} else {
		st = vmc__hdr_warn(h, e, "no VA_BITS (kcore VMCOREINFO, or "
				   "_stext) or no _text: kexec-tools' "
				   "get_page_offset fails, PAGE_OFFSET 0");
	}
	if (!st && have_kphys) {
		set_phys_offset(&have, &cur, (int64_t)kphys);
	} else if (!st && *page_offset) {
		/* get_phys_base_from_pt_load: the last kcore PT_LOAD in the
		 * linear map with a physical address */
		for (size_t i = 0; s->have_kcore && i < s->nr_kcore; i++) {
			const struct vmc_phdr *p = &s->kcore[i];

			if (p->type == VMC_PT_LOAD && p->vaddr &&
			    p->vaddr >= *page_offset && p->paddr != NOT_PADDR) {
				kphys = p->paddr - (p->vaddr & ~*page_offset);
				have_kphys = true;
			}
		}
		if (have_kphys)
			set_phys_offset(&have, &cur, (int64_t)kphys);
	}
	l = st ? NULL : vmc__calloc(1, sizeof(*l));
	if (!st && !l)
		st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (!st && nr_crash)
		st = first_ram_start(s, crash[nr_crash - 1].start,
				     crash[nr_crash - 1].end, l, &found, &ram0,
				     e);
	if (!st && found)
		set_phys_offset(&have, &cur, (int64_t)ram0);
	vmc__free(l);
	if (!st && !have)
		st = vmc_error_set(e, VMC_ERR_NOTFOUND,
				   "no PHYS_OFFSET: neither kcore's VMCOREINFO "
				   "nor proc/iomem gives one");
	*phys_offset = (uint64_t)cur;
	return st;
}

/* No backup region: the "backup address" the build passes on to
 * header_at is the top of the last crash region, where the header, the
 * first segment added, goes (add_buffer_phys_virt(..., end = -1)). */
static vmc_status kt_top_arm64(const struct kt_list *l, const vmc_system *s,
			       uint64_t page, uint64_t bsize, uint64_t *out,
			       vmc_error *e)
{
	(void)s;
	(void)page;
	(void)bsize;
	(void)e;
	*out = l->crash_end + 1;
	return VMC_OK;
}

/* memsz rounded up to the page, top-down below @top; no minimum size. */
static void kt_header_arm64(uint64_t size, uint64_t page, uint64_t top,
			    uint64_t bsize, uint64_t *segment, uint64_t *addr)
{
	(void)bsize;
	*segment = align_up_u64(size, page);
	*addr = align_down_u64(top - *segment, page);
}

/* kexec/arch/arm64/crashdump-arm64.c (elf_info: ELFCLASS64, EM_AARCH64,
 * the byte order kexec-tools was built for: Debian's arm64 is LE) */
const struct kt_arch vmc__kt_arm64 = {
	{ "arm64", VMC_EM_AARCH64, VMC_CLASS_64, VMC_LE },
	.ranges = kt_ranges_arm64,
	.text = kt_text_arm64,
	.direct_map = kt_direct_map_arm64,
	.backup_src_end = 0,
	/* getpagesize(): kcore's PT_LOAD alignment, else 4 KiB (Debian) */
	.page_size = 0,
	.default_page = KT_PAGE,
	.backup_at = kt_top_arm64,
	.header_at = kt_header_arm64,
};
