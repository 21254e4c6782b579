// SPDX-License-Identifier: MIT
/*
 * The kexec-tools loader: 2.0.25, `kexec -p` through kexec_load
 * (kexec/crashdump-elf.c crash_create_elf64_headers, kexec/crashdump.c
 * get_crash_notes_per_cpu, and per architecture
 * kexec/arch/<arch>/crashdump-<arch>.c load_crashdump_segments).  What
 * differs between architectures is a row of kt_arches[] (x86_64 today:
 * kexec/arch/i386/crashdump-x86.c); the rules below are x86_64's where a
 * row does not say otherwise.
 *
 * Its rules differ from the kernel's on purpose and in detail; each one is
 * mirrored here, quirks included, because the goal is the same bytes:
 *  - every /proc/iomem line counts, nested or not, in file order; RAM is
 *    any name containing "System RAM"; ACPI, NVS, PMEM and reserved lines
 *    are collected too (they take header slots but get no PT_LOAD);
 *  - exclusions use inclusive ends with a strict overlap test, split at
 *    most once per call, and an exactly covered range is left as the empty
 *    [end+1, end] instead of being removed (exclude_region);
 *  - the first RAM range ending at or below 0xa0000 is copied to a backup
 *    segment and its PT_LOAD's p_offset points there (get_backup_area);
 *  - CPUs are 0 .. N-1 with N the number of possible CPUs
 *    (sysconf(_SC_NPROCESSORS_CONF)); a CPU without crash_notes is skipped
 *    but its slot still counts; note size crash_notes_size, else 1024;
 *  - the kernel text PT_LOAD: p_paddr from iomem "Kernel code", p_vaddr
 *    the 1 MiB-aligned start of the /proc/kcore segment holding _stext,
 *    size page-aligned (get_kernel_paddr, get_kernel_vaddr_and_size);
 *  - page offset: the lowest 1 GiB-aligned kcore vaddr;
 *  - size rounded to 1024; the segment is at least 16 KiB.
 */
#include <string.h>

#include "loader/kexec_tools_priv.h"
#include "base/compiler.h"

#define MAX_NOTE_BYTES 1024		/* kexec/crashdump.h */
#define KT_ALIGN 1024			/* ELF_CORE_HEADER_ALIGN */
#define KT_MAX_CRASH 8			/* CRASH_RESERVED_MEM_NR */
#define KT_MIN_SEGMENT (16u << 10)
#define PAGE_4K 4096ull

static vmc_status kt_ranges_x86(struct kt_list *l, const vmc_system *s,
				const struct vmc_build_opts *o, vmc_error *e);

static vmc_status kt_backup_x86(const struct kt_list *l, const vmc_system *s,
				uint64_t page, uint64_t bsize, uint64_t *out,
				vmc_error *e);
static void kt_header_x86(uint64_t size, uint64_t page, uint64_t backup,
			  uint64_t bsize, uint64_t *segment, uint64_t *addr);

/* kexec/arch/i386/crashdump-x86.c (x86_64: X86_64_PAGE_OFFSET,
 * X86_64__START_KERNEL_map, the 512 MiB kernel image window of
 * get_kernel_vaddr_and_size, BACKUP_SRC_END) */
static const struct kt_arch kt_x86_64 = {
	{ "x86_64", VMC_EM_X86_64, VMC_CLASS_64, VMC_LE },
	.ranges = kt_ranges_x86,
	.page_offset = 0xffff888000000000ull,
	.page_offset_align = 1ull << 30,
	.text_load = true,
	.kernel_map = 0xffffffff80000000ull,
	.kernel_map_size = 512ull << 20,
	.kernel_align = 1u << 20,
	.backup_src_end = 0x9ffffull,
	.page_size = PAGE_4K,
	.backup_at = kt_backup_x86,
	.header_at = kt_header_x86,
};

static const struct vmc__loader_arch *const kt_arches[] = {
	&kt_x86_64.id,
	&vmc__kt_ppc64.id,
	&vmc__kt_arm64.id,
};

/*
 * locate_hole top-down in the last crash region (load_crashdump_segments
 * adds the backup first, then the header below it): the backup copy of
 * low memory, then the header, whose segment is at least 16 KiB
 * (crashdump-x86.c: memsz of the elfcorehdr buffer).
 */
static vmc_status kt_backup_x86(const struct kt_list *l, const vmc_system *s,
				uint64_t page, uint64_t bsize, uint64_t *out,
				vmc_error *e)
{
	(void)s;
	(void)e;
	*out = align_down_u64(l->crash_end + 1 -
			      align_up_u64(align_up_u64(bsize, 1024), page),
			      page);
	return VMC_OK;
}

static void kt_header_x86(uint64_t size, uint64_t page, uint64_t backup,
			  uint64_t bsize, uint64_t *segment, uint64_t *addr)
{
	(void)bsize;
	*segment = align_up_u64(size > KT_MIN_SEGMENT ? size : KT_MIN_SEGMENT,
				page);
	*addr = backup - *segment;
}

/* get_crash_memory_ranges' classification of one iomem name. */
static int classify(const char *name, enum kt_type *t)
{
	static const struct { const char *n; enum kt_type t; } exact[] = {
		{ "ACPI Tables", RANGE_ACPI },
		{ "ACPI Non-volatile Storage", RANGE_ACPI_NVS },
		{ "Persistent Memory (legacy)", RANGE_PRAM },
		{ "Persistent Memory", RANGE_PMEM },
		{ "reserved", RANGE_RESERVED },
		{ "Reserved", RANGE_RESERVED },
	};

	if (strstr(name, "System RAM")) {
		*t = RANGE_RAM;
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++) {
		if (strcmp(name, exact[i].n) == 0) {
			*t = exact[i].t;
			return 1;
		}
	}
	return 0;
}

/* exclude_region(), exactly (inclusive ends, strict overlap, one split). */
vmc_status vmc__kt_exclude(struct kt_list *l, uint64_t start, uint64_t end,
			    vmc_error *e)
{
	struct kt_range temp = { 0 };
	size_t tidx = SIZE_MAX;

	for (size_t i = 0; i < l->n; i++) {
		uint64_t mstart = l->v[i].start, mend = l->v[i].end;

		if (!(start < mend && end > mstart))
			continue;
		if (start != mstart && end != mend) {
			l->v[i].end = start - 1;
			temp.start = end + 1;
			temp.end = mend;
			temp.type = RANGE_RAM;
			tidx = i + 1;
		} else if (start != mstart) {
			l->v[i].end = start - 1;
		} else {
			l->v[i].start = end + 1;
		}
	}
	if (tidx == SIZE_MAX)
		return VMC_OK;
	if (l->n == KT_MAX_RANGES)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "kexec-tools' %d memory-range slots are used",
				     KT_MAX_RANGES);
	memmove(&l->v[tidx + 1], &l->v[tidx], (l->n - tidx) * sizeof(l->v[0]));
	l->v[tidx] = temp;
	l->n++;
	return VMC_OK;
}

void vmc__kt_add_ram(struct kt_list *l, const vmc_ranges *ram)
{
	const struct vmc_range *r = ram ? vmc_ranges_data(ram) : NULL;

	for (size_t i = 0; ram && i < vmc_ranges_count(ram); i++) {
		if (l->n == KT_MAX_RANGES) {
			l->dropped++;
			continue;
		}
		l->v[l->n++] = (struct kt_range){ r[i].start, r[i].end - 1,
						  RANGE_RAM };
	}
}

/* get_crash_memory_ranges (crashdump-x86.c): every classified iomem line,
 * minus the crash regions and the GART aperture. */
static vmc_status kt_ranges_x86(struct kt_list *l, const vmc_system *s,
				const struct vmc_build_opts *o, vmc_error *e)
{
	const vmc_iomem *m = s->iomem;
	struct vmc_range crash[KT_MAX_CRASH];
	size_t nr_crash = 0;
	bool gart = false;
	uint64_t gart_start = 0, gart_end = 0;
	vmc_status st = VMC_OK;

	vmc__kt_add_ram(l, o->ram);
	for (size_t i = 0; m && i < vmc_iomem_count(m); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(m, i);
		enum kt_type t;

		if (strcmp(x->name, "Crash kernel") == 0 && nr_crash < KT_MAX_CRASH)
			crash[nr_crash++] = (struct vmc_range){ x->start, x->last };
		if (strcmp(x->name, "GART") == 0) {
			gart = true;
			gart_start = x->start;
			gart_end = x->last;
			continue;
		}
		if (!o->ram && classify(x->name, &t) && l->n >= KT_MAX_RANGES)
			l->dropped++;
		if (o->ram || !classify(x->name, &t) || l->n >= KT_MAX_RANGES)
			continue;
		l->v[l->n++] = (struct kt_range){ x->start, x->last, t };
	}
	if (!m && !o->ram)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/iomem is missing: no memory ranges");
	for (size_t i = 0; !st && i < nr_crash; i++)
		st = vmc__kt_exclude(l, crash[i].start, crash[i].end, e);
	if (!st && gart)
		st = vmc__kt_exclude(l, gart_start, gart_end, e);
	if (!st && o->exclude) {
		const struct vmc_range *x = vmc_ranges_data(o->exclude);

		for (size_t i = 0; !st && i < vmc_ranges_count(o->exclude); i++)
			st = vmc__kt_exclude(l, x[i].start, x[i].end - 1, e);
	}
	if (!st && nr_crash == 0 && !o->have_backup)
		st = vmc_error_set(e, VMC_ERR_NOTFOUND,
				   "proc/iomem has no \"Crash kernel\" region: "
				   "no crashkernel= reservation, so kexec -p "
				   "would refuse to load (give --backup-addr to "
				   "build anyway)");
	/* The loader places segments top-down in the last crash region. */
	if (nr_crash)
		l->crash_end = crash[nr_crash - 1].end;
	return st;
}

/* get_kernel_vaddr_and_size: the kcore PT_LOAD that holds _stext. */
static bool kt_text(const vmc_system *s, const struct kt_arch *a,
		    uint64_t *vaddr, uint64_t *size)
{
	if (!s->have_kcore)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->nr_kcore; i++) {
			const struct vmc_phdr *p = &s->kcore[i];
			bool hit;

			if (p->type != VMC_PT_LOAD)
				continue;
			if (pass == 0)
				hit = s->sym_stext.set && s->sym_stext.v &&
				      p->vaddr <= s->sym_stext.v &&
				      s->sym_stext.v < p->vaddr + p->memsz;
			else
				hit = p->vaddr >= a->kernel_map &&
				      p->vaddr + p->memsz <=
				      a->kernel_map + a->kernel_map_size;
			if (!hit)
				continue;
			*vaddr = align_down_u64(p->vaddr, a->kernel_align);
			*size = align_up_u64(p->vaddr + p->memsz - *vaddr,
					     PAGE_4K);
			return true;
		}
		if (s->sym_stext.set && s->sym_stext.v)
			break;	/* the fallback runs only without _stext */
	}
	return false;
}

static uint64_t kt_page_offset(const vmc_system *s, const struct kt_arch *a)
{
	uint64_t lowest = 0;

	for (size_t i = 0; a->page_offset_align && s->have_kcore &&
	     i < s->nr_kcore; i++) {
		uint64_t v = align_down_u64(s->kcore[i].vaddr,
					    a->page_offset_align);

		if (s->kcore[i].type != VMC_PT_LOAD)
			continue;
		if (lowest == 0 || lowest > v)
			lowest = v;
	}
	return lowest ? lowest : a->page_offset;
}

static vmc_status kt_kernel_code(const vmc_system *s, uint64_t *paddr,
				 vmc_error *e)
{
	size_t hits = 0;

	for (size_t i = 0; s->iomem && i < vmc_iomem_count(s->iomem); i++) {
		const struct vmc_iomem_entry *x = vmc_iomem_get(s->iomem, i);

		if (strcmp(x->name, "Kernel code") == 0) {
			*paddr = x->start;
			hits++;
		}
	}
	if (hits != 1)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "proc/iomem has %zu \"Kernel code\" lines "
				     "(kexec-tools needs exactly one)", hits);
	return VMC_OK;
}

static vmc_status kt_cpu_notes(struct vmc_header *h, const vmc_system *s,
			       const struct vmc_build_opts *o, size_t *nr,
			       vmc_error *e)
{
	vmc_status st = VMC_OK;

	if (o->nr_cpu_notes) {
		for (size_t i = 0; !st && i < o->nr_cpu_notes; i++)
			st = vmc__hdr_push_note(h, o->cpu_notes[i].addr,
					   o->cpu_notes[i].len, e);
		*nr = o->nr_cpu_notes;
		return st;
	}
	if (!s->have_possible)
		return vmc__sys_missing(o, h, "sys/devices/system/cpu/possible",
				   "the CPU count is unknown", e);
	*nr = vmc__sys_nr_possible(s);
	for (size_t cpu = 0; !st && cpu < *nr; cpu++) {
		const struct cpu_note_info *c = &s->cpu[cpu];

		if (!c->paddr.set)
			continue;
		st = vmc__hdr_push_note(h, c->paddr.v,
				   c->size.set ? c->size.v : MAX_NOTE_BYTES, e);
	}
	return st;
}

/* get_backup_area: the first RAM range ending at or below 0xa0000. */
static void kt_backup_src(const struct kt_list *l, const struct kt_arch *a,
			  uint64_t *start, uint64_t *size)
{
	*start = 0;
	*size = a->backup_src_end ? a->backup_src_end + 1 : 0;
	for (size_t i = 0; a->backup_src_end && i < l->n; i++) {
		if (l->v[i].type == RANGE_RAM &&
		    l->v[i].end <= a->backup_src_end + 1) {
			*start = l->v[i].start;
			*size = l->v[i].end - l->v[i].start + 1;
			return;
		}
	}
}

static vmc_status kt_loads(struct vmc_header *h, const vmc_system *s,
			   const struct vmc_build_opts *o,
			   const struct kt_arch *a, const struct kt_list *l,
			   uint64_t backup_start, vmc_error *e)
{
	uint64_t page_offset = 0, phys_offset = 0;
	uint64_t bsrc, bsize;
	vmc_status st = VMC_OK;

	if (o->have_page_offset)
		page_offset = o->page_offset;	/* p_vaddr = paddr + it */
	else if (a->direct_map)
		st = a->direct_map(h, s, a, &page_offset, &phys_offset, e);
	else
		page_offset = kt_page_offset(s, a);

	kt_backup_src(l, a, &bsrc, &bsize);
	for (size_t i = 0; !st && i < l->n; i++) {
		const struct kt_range *r = &l->v[i];
		struct vmc_phdr ph = { .type = VMC_PT_LOAD,
				       .flags = VMC_PF_R | VMC_PF_W | VMC_PF_X };

		if (r->type != RANGE_RAM || (r->start == 0 && r->end == 0))
			continue;
		ph.offset = ph.paddr = r->start;
		if (bsize && r->start == bsrc && r->end - r->start + 1 == bsize)
			ph.offset = backup_start;
		ph.vaddr = r->start - phys_offset + page_offset;
		ph.filesz = ph.memsz = r->end - r->start + 1;
		/* crash_create_elf64_headers: "HIGMEM has a virtual address
		 * of -1" */
		if (a->lowmem_limit && r->end > a->lowmem_limit - 1)
			ph.vaddr = UINT64_MAX;
		st = vmc__hdr_push(h, &ph, e);
	}
	return st;
}

uint64_t vmc__kt_kcore_page(const vmc_system *s)
{
	for (size_t i = 0; s->have_kcore && i < s->nr_kcore; i++) {
		uint64_t al = s->kcore[i].align;

		if (s->kcore[i].type == VMC_PT_LOAD && al >= 4096 &&
		    (al & (al - 1)) == 0)
			return al;
	}
	return 0;
}

/* getpagesize() of the system kexec ran on: the row's, else /proc/kcore's
 * PT_LOAD alignment (PAGE_SIZE), else the row's default, said. */
static vmc_status kt_page_size(struct vmc_header *h, const vmc_system *s,
			       const struct kt_arch *a, uint64_t *page,
			       vmc_error *e)
{
	*page = a->page_size ? a->page_size : vmc__kt_kcore_page(s);
	if (*page)
		return VMC_OK;
	*page = a->default_page;
	return vmc__hdr_warn(h, e, "no proc/kcore: assuming %llu-byte pages "
			     "(kexec-tools rounds segments to getpagesize())",
			     (unsigned long long)*page);
}

static vmc_status kt_build(struct vmc_header *h, const vmc_system *s,
			   const struct vmc_build_opts *o,
			   const struct vmc__loader_arch *arch, vmc_error *e)
{
	const struct kt_arch *a = (const struct kt_arch *)arch;
	struct kt_list *l;
	uint64_t text_paddr = 0, text_vaddr = 0, text_size = 0;
	uint64_t backup_start = 0, bsrc = 0, bsize = 0, page = PAGE_4K;
	size_t nr_cpus = 0, size;
	bool text = false;
	vmc_status st;

	l = vmc__calloc(1, sizeof(*l));
	if (!l)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = a->ranges(l, s, o, e);
	/* What kexec-tools leaves out is still left out (the header stays
	 * byte-identical), but said: get_crash_memory_ranges stops at
	 * CRASH_MAX_MEMORY_RANGES; without VMCOREINFO the dump has none. */
	if (!st && l->dropped)
		st = vmc__hdr_warn(h, e, "kexec-tools keeps %d memory ranges "
				   "(CRASH_MAX_MEMORY_RANGES): %zu more are not "
				   "in the header", KT_MAX_RANGES, l->dropped);
	if (!st) {
		size_t nr_ram = 0;

		for (size_t i = 0; i < l->n; i++)
			nr_ram += l->v[i].type == RANGE_RAM;
		st = vmc__in_no_ram(h, o, nr_ram, e);
	}
	if (!st && !o->have_vmcoreinfo && !s->vmcoreinfo_paddr.set)
		st = vmc__hdr_warn(h, e, "no VMCOREINFO: the header has no "
				   "VMCOREINFO note (crash and makedumpfile "
				   "need it)");
	if (!st)
		st = kt_cpu_notes(h, s, o, &nr_cpus, e);
	if (!st && (o->have_vmcoreinfo || s->vmcoreinfo_paddr.set))
		st = vmc__hdr_push_note(h, o->have_vmcoreinfo ? o->vmcoreinfo.addr :
				   s->vmcoreinfo_paddr.v, o->have_vmcoreinfo ?
				   o->vmcoreinfo.len : s->vmcoreinfo_len.v, e);
	if (!st && o->have_text) {
		text = !o->no_text;
		text_paddr = o->text_paddr;
		text_vaddr = o->text_vaddr;
		text_size = o->text_len;
	} else if (!st && !o->no_text && a->text) {
		struct kt_text t = { 0 };

		st = a->text(h, s, a, &t, e);
		text = !st && t.have;
		text_paddr = t.paddr;
		text_vaddr = t.vaddr;
		text_size = t.size;
	} else if (!st && !o->no_text && a->text_load) {
		st = kt_kernel_code(s, &text_paddr, e);
		if (!st && !kt_text(s, a, &text_vaddr, &text_size))
			st = vmc_error_set(e, VMC_ERR_NOTFOUND,
					   "can't find the kernel text map area "
					   "in proc/kcore");
		text = !st;
	}
	if (!st && text) {
		struct vmc_phdr ph = {
			.type = VMC_PT_LOAD,
			.flags = VMC_PF_R | VMC_PF_W | VMC_PF_X,
			.offset = text_paddr, .paddr = text_paddr,
			.vaddr = text_vaddr,
			.filesz = text_size, .memsz = text_size,
		};

		st = vmc__hdr_push(h, &ph, e);
	}
	if (!st)
		st = kt_page_size(h, s, a, &page, e);
	if (!st) {
		/* Where add_buffer (locate_hole) puts the backup copy of
		 * low memory: the row's rule, unless given. */
		kt_backup_src(l, a, &bsrc, &bsize);
		if (o->have_backup)
			backup_start = o->backup_addr;
		else
			st = a->backup_at(l, s, page, bsize, &backup_start, e);
	}
	if (!st)
		st = kt_loads(h, s, o, a, l, backup_start, e);
	if (!st) {
		h->spec.nr_slots = nr_cpus + (o->have_vmcoreinfo ||
					      s->vmcoreinfo_paddr.set) +
				   l->n + text;
		h->spec.align = KT_ALIGN;
		st = vmc__hdr_size(h, &size, e);
	}
	if (!st)
		a->header_at(size, page, backup_start, bsize, &h->segment_size,
			     &h->expected_addr);
	vmc__free(l);
	return st;
}

/*
 * kexec-tools >= 2.0.28 --hotplug (kexec/kexec.c reads
 * /sys/kernel/crash_elfcorehdr_size; crashdump-x86.c
 * load_crashdump_segments): memsz = _ALIGN(size, align = 1024), no room
 * added for the ELF header.
 */
static vmc_status kt_reserve(uint64_t size, uint64_t *memsz, vmc_error *e)
{
	*memsz = align_up_u64(size, KT_ALIGN);
	return VMC_OK;
}

const struct vmc__loader_ops vmc__loader_kexec_tools = {
	.id = VMC_LOADER_KEXEC_TOOLS,
	.name = "kexec-tools",
	.builder = "kexec-tools",
	.arch = kt_arches,
	.nr_arch = ARRAY_SIZE(kt_arches),
	.build = kt_build,
	.reserve = kt_reserve,
	.reserve_source = "kexec-tools kexec/arch/i386/crashdump-x86.c "
			  "load_crashdump_segments",
	.refuses_pn_xnum = false,
	.reserve_from_build = false,
	/* get_crash_notes_per_cpu: CPUs whose crash_notes it can read */
	.all_possible_cpus = false,
	/* it counts /proc/iomem lines a header does not show */
	.regen_from_header = false,
	/* sort_segments before update_purgatory; the IMA buffer counts */
	.digest_address_order = true,
	.digest_skips_ima = false,
};
