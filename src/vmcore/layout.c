// SPDX-License-Identifier: MIT
/*
 * The layout of /proc/vmcore, as fs/proc/vmcore.c builds it at boot of the
 * kdump kernel (parse_crash_elf_headers and the functions it calls).
 *
 * The kernel works on the raw header bytes in place (elfcorebuf); so does
 * this file, field by field with the header's class and byte order, so that
 * every quirk of the in-place edit is reproduced:
 *
 *   elfcorebuf (read: ehdr + e_phnum * phentsize from elfcorehdr, phdrs
 *               assumed to follow the ehdr, e_phoff ignored)
 *   +--------+-------+-------+--------+--------+-----+
 *   |  ehdr  | NOTE0 | NOTE1 | LOAD0  | LOAD1  | ... |
 *   +--------+-------+-------+--------+--------+-----+
 *            merge_note_headers: merged NOTE written over phdr[0], then
 *            phdr[nr_ptnote..] moved to phdr[1..]; the tail zeroed; elfsz
 *            rounded up to PAGE_SIZE
 *   +--------+-------+--------+--------+-----+-- 0 --+
 *   |  ehdr  | NOTE  | LOAD0  | LOAD1  | ... | pad   |
 *   +--------+-------+--------+--------+-----+-------+
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/compiler.h"
#include "vmcore/dump_priv.h"

struct ctx {
	vmc_dump *d;
	vmc_hdr_source *hs;
	const struct elf_class *c;
	enum vmc_order order;
	uint64_t page;
	uint64_t addr;		/* elfcorehdr_addr */
	uint32_t phnum;		/* e_phnum as read */
	size_t elfsz_orig, elfsz;
	uint32_t nr_ptnote;
	uint64_t notes_sum;
	bool page_auto;		/* no page size given: VMCOREINFO's */
	uint64_t vmci_page;	/* its PAGESIZE, 0 if none */
	uint64_t max_note_memsz;
};

static uint64_t get_w(const struct ctx *x, const uint8_t *p)
{
	return vmc__elf_get_w(x->c, x->order, p);
}

static void put_w(const struct ctx *x, uint8_t *p, uint64_t v)
{
	vmc__elf_put_w(x->c, x->order, p, v);
}

static uint8_t *phdr_at(const struct ctx *x, size_t i)
{
	return x->d->hdr + x->c->ehsz + i * x->c->phsz;
}

static vmc_status warn(vmc_dump *d, vmc_error *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static vmc_status warn(vmc_dump *d, vmc_error *e, const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	va_start(ap, fmt);
	st = vmc__vwarn(&d->warn, 0, SIZE_MAX, e, fmt, ap);
	va_end(ap);
	return st;
}

/*
 * Where the kernel carries on past damage: strict mode fails with @st and
 * the message, --lenient records the same message as a warning.
 */
static vmc_status kernel_continues(vmc_dump *d, vmc_error *e, vmc_status st,
				   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static vmc_status kernel_continues(vmc_dump *d, vmc_error *e, vmc_status st,
				   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->o.lenient) {
		st = vmc__vwarn(&d->warn, 0, SIZE_MAX, e, fmt, ap);
	} else if (e) {
		e->status = st;
		e->sys_errno = 0;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	va_end(ap);
	return st;
}

static const char *const not_sane = "Core image elf header is not sane";

/* parse_crash_elf_headers + the ehdr checks of parse_crash_elf64/32. */
static vmc_status read_ehdr(struct ctx *x, vmc_error *e)
{
	uint8_t eh[64];
	const struct elf_class *c;
	uint16_t type, machine, ehsize, phentsize;
	uint32_t version;
	vmc_status st = x->hs->ops->read_header(x->hs, eh, 16, x->addr, e);

	if (st)
		return PREFIXED(st, e, "elfcorehdr at 0x%llx",
					(unsigned long long)x->addr);
	if (memcmp(eh, "\177ELF", 4) != 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "Core image elf header not found (no ELF "
				     "magic at elfcorehdr 0x%llx)",
				     (unsigned long long)x->addr);
	if (eh[4] != 1 && eh[4] != 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "%s (EI_CLASS %u)",
				     not_sane, eh[4]);
	if (eh[5] != 1 && eh[5] != 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "%s (EI_DATA %u)",
				     not_sane, eh[5]);
	x->c = c = vmc__elf_class(eh[4] == 2 ? VMC_CLASS_64 : VMC_CLASS_32);
	x->order = eh[5] == 1 ? VMC_LE : VMC_BE;
	st = x->hs->ops->read_header(x->hs, eh, c->ehsz, x->addr, e);
	if (st)
		return PREFIXED(st, e, "elfcorehdr at 0x%llx",
					(unsigned long long)x->addr);
	type = vmc_get16(x->order, eh + 16);
	machine = vmc_get16(x->order, eh + 18);
	version = vmc_get32(x->order, eh + c->e_version);
	ehsize = vmc_get16(x->order, eh + c->e_ehsize);
	phentsize = vmc_get16(x->order, eh + c->e_phentsize);
	x->phnum = vmc_get16(x->order, eh + c->e_phnum);
	if (type != VMC_ET_CORE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%s (e_type %u, not ET_CORE)", not_sane,
				     type);
	if (x->d->o.machine ? machine != x->d->o.machine
			    : !vmc_machine_name(machine))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%s (e_machine %u not accepted)", not_sane,
				     machine);
	if (eh[6] != VMC_EV_CURRENT || version != VMC_EV_CURRENT)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%s (EI_VERSION %u, e_version %u)",
				     not_sane, eh[6], version);
	if (ehsize != c->ehsz || phentsize != c->phsz)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%s (e_ehsize %u, e_phentsize %u)",
				     not_sane, ehsize, phentsize);
	if (x->phnum == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "%s (e_phnum 0)",
				     not_sane);
	x->d->info.id = (struct vmc_elf_id){ c->cls, x->order,
					     machine };
	return VMC_OK;
}

/* Read all headers into a zeroed, page-rounded elfcorebuf. */
static vmc_status read_headers(struct ctx *x, vmc_error *e)
{
	vmc_dump *d = x->d;
	vmc_status st;

	x->elfsz_orig = x->c->ehsz + (size_t)x->phnum * x->c->phsz;
	d->hdr_cap = (size_t)align_up_u64(x->elfsz_orig, x->page);
	d->hdr = vmc__calloc(1, d->hdr_cap);
	if (!d->hdr)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = x->hs->ops->read_header(x->hs, d->hdr, x->elfsz_orig, x->addr, e);
	if (st)
		return PREFIXED(st, e, "elfcorehdr program headers (%u)",
					x->phnum);
	return VMC_OK;
}

/* kmalloc's largest allocation: 2^MAX_PAGE_ORDER pages (order 10). */
static uint64_t kmalloc_max(const struct ctx *x)
{
	return x->page << 10;
}

/* update_note_header_size_elf64/32: p_memsz := real size of the notes. */
static vmc_status update_note_sizes(struct ctx *x, vmc_error *e)
{
	const struct elf_class *c = x->c;

	for (uint32_t i = 0; i < x->phnum; i++) {
		uint8_t *ph = phdr_at(x, i);
		uint64_t max_sz = get_w(x, ph + c->p_memsz);
		uint64_t off = get_w(x, ph + c->p_offset);
		struct vmc_note_iter it;
		struct vmc_note n;
		uint8_t *scratch;
		vmc_status st;

		if (vmc_get32(x->order, ph + c->p_type) != VMC_PT_NOTE)
			continue;
		if (max_sz > kmalloc_max(x))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "PT_NOTE %u: p_memsz 0x%llx is over "
					     "the kernel's kmalloc limit 0x%llx "
					     "(it fails with -ENOMEM)", i,
					     (unsigned long long)max_sz,
					     (unsigned long long)kmalloc_max(x));
		if (max_sz == 0 && !x->d->o.lenient)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "PT_NOTE %u: p_memsz is 0 (the "
					     "kernel reads a note header from "
					     "ZERO_SIZE_PTR)", i);
		scratch = vmc__malloc((size_t)max_sz + 1);
		if (!scratch)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		st = x->hs->ops->read_notes(x->hs, scratch, (size_t)max_sz,
					    off, e);
		if (st) {
			vmc__free(scratch);
			return PREFIXED(st, e, "PT_NOTE %u at 0x%llx", i,
						(unsigned long long)off);
		}
		vmc_notes_iter_init(&it, scratch, (size_t)max_sz, x->order);
		while (vmc_notes_next(&it, &n) == VMC_OK) {
			uint64_t v;

			if (x->page_auto && !x->vmci_page &&
			    vmc_note_name_is(&n, "VMCOREINFO") &&
			    !vmc_vmcoreinfo_get_u64((const char *)n.desc,
						    n.descsz, "PAGESIZE", &v))
				x->vmci_page = v ? v : 1;
		}
		vmc__free(scratch);
		if (max_sz > x->max_note_memsz)
			x->max_note_memsz = max_sz;
		if (it.dropped) {
			st = kernel_continues(x->d, e, VMC_ERR_CORRUPT,
					      "PT_NOTE %u: note exceeded p_memsz, "
					      "dropping PT_NOTE entry n_namesz=0x%x, "
					      "n_descsz=0x%x", i,
					      it.dropped_hdr.namesz,
					      it.dropped_hdr.descsz);
			if (st)
				return st;
		}
		if (it.real_len == 0 &&
		    (st = warn(x->d, e, "PT_NOTE %u: Zero PT_NOTE entries "
			       "found", i)))
			return st;
		put_w(x, ph + c->p_memsz, it.real_len);
		x->nr_ptnote++;
		x->notes_sum += it.real_len;
	}
	return VMC_OK;
}

/* copy_notes_elf64/32 into a zeroed, page-rounded elfnotes_buf. */
static vmc_status copy_notes(struct ctx *x, vmc_error *e)
{
	vmc_dump *d = x->d;
	uint64_t pos = 0;

	d->info.notes_len = align_up_u64(x->notes_sum, x->page);
	d->notes = vmc__calloc(1, (size_t)d->info.notes_len);
	if (!d->notes)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	/*
	 * Device dumps (NT_VMCOREDD, CONFIG_PROC_VMCORE_DEVICE_DUMP) go
	 * before these notes; they become extents of their own ahead of the
	 * VMC_EXTENT_NOTES extent (see build_extents).
	 */
	for (uint32_t i = 0; i < x->phnum; i++) {
		uint8_t *ph = phdr_at(x, i);
		uint64_t len = get_w(x, ph + x->c->p_memsz);
		vmc_status st;

		if (vmc_get32(x->order, ph + x->c->p_type) != VMC_PT_NOTE)
			continue;
		st = x->hs->ops->read_notes(x->hs, d->notes + pos, (size_t)len,
					    get_w(x, ph + x->c->p_offset), e);
		if (st)
			return PREFIXED(st, e, "PT_NOTE %u", i);
		pos += len;
	}
	return VMC_OK;
}

/*
 * p_align of the merged PT_NOTE: 4 since the kernel set it (6.12 does),
 * 0 before (6.1 does); pick by the crashed kernel's OSRELEASE.
 */
static uint64_t note_align(const struct ctx *x)
{
	struct vmc_note_iter it;
	struct vmc_note n;
	char rel[64];
	unsigned maj = 0, min = 0;

	if (x->d->o.have_note_align)
		return x->d->o.note_align;
	vmc_notes_iter_init(&it, x->d->notes, (size_t)x->notes_sum, x->order);
	while (vmc_notes_next(&it, &n) == VMC_OK) {
		if (!vmc_note_name_is(&n, "VMCOREINFO") ||
		    vmc_vmcoreinfo_get((const char *)n.desc, n.descsz,
				       "OSRELEASE", rel, sizeof(rel)))
			continue;
		if (sscanf(rel, "%u.%u", &maj, &min) == 2 &&
		    (maj < 6 || (maj == 6 && min < 2)))
			return 0;
		break;
	}
	return 4;
}

/* merge_note_headers_elf64/32, the in-place edit of elfcorebuf. */
static vmc_status merge_notes(struct ctx *x, vmc_error *e)
{
	const struct elf_class *c = x->c;
	uint8_t *ph0 = phdr_at(x, 0);
	uint64_t note_off;
	size_t i;

	for (uint32_t k = 0; k < x->nr_ptnote; k++) {
		if (vmc_get32(x->order, phdr_at(x, k) + c->p_type) ==
		    VMC_PT_NOTE)
			continue;
		vmc_status st = kernel_continues(x->d, e, VMC_ERR_CORRUPT,
				"the PT_NOTE program headers are not first: "
				"merge_note_headers overwrites phdr %u (type %u)",
				k, vmc_get32(x->order, phdr_at(x, k)));

		if (st)
			return st;
		break;
	}
	note_off = c->ehsz + (uint64_t)(x->phnum - x->nr_ptnote + 1) * c->phsz;
	memset(ph0, 0, c->phsz);
	vmc_put32(x->order, ph0 + c->p_type, VMC_PT_NOTE);
	vmc_put32(x->order, ph0 + c->p_flags, 0);
	put_w(x, ph0 + c->p_offset, align_up_u64(note_off, x->page));
	put_w(x, ph0 + c->p_vaddr, 0);
	put_w(x, ph0 + c->p_paddr, 0);
	put_w(x, ph0 + c->p_filesz, x->notes_sum);
	put_w(x, ph0 + c->p_memsz, x->notes_sum);
	put_w(x, ph0 + c->p_align, note_align(x));

	i = (size_t)(x->nr_ptnote - 1) * c->phsz;
	x->elfsz = x->elfsz_orig - i;
	memmove(ph0 + c->phsz, ph0 + c->phsz + i,
		x->elfsz - c->ehsz - c->phsz);
	memset(x->d->hdr + x->elfsz, 0, i);
	x->elfsz = (size_t)align_up_u64(x->elfsz, x->page);
	vmc_put16(x->order, x->d->hdr + c->e_phnum,
		  (uint16_t)(x->phnum - x->nr_ptnote + 1));
	return VMC_OK;
}

vmc_status vmc__dump_add_extent(vmc_dump *d, const struct vmc_dump_extent *x,
			   vmc_error *e)
{
	if (x->len == 0)
		return VMC_OK;
	if (!VMC_GROW(d->ext, d->cap_ext, d->nr_ext + 1, 16))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	d->ext[d->nr_ext++] = *x;
	return VMC_OK;
}

/* process_ptload_program_headers + set_vmcore_list_offsets. */
static vmc_status layout_loads(struct ctx *x, vmc_error *e)
{
	const struct elf_class *c = x->c;
	vmc_dump *d = x->d;
	uint32_t phnum = x->phnum - x->nr_ptnote + 1;
	uint64_t off = x->elfsz + d->info.notes_len;
	vmc_status st = VMC_OK;

	for (uint32_t i = 0; !st && i < phnum; i++) {
		uint8_t *ph = phdr_at(x, i);
		uint64_t paddr, memsz, start, end, newoff;

		if (vmc_get32(x->order, ph + c->p_type) != VMC_PT_LOAD)
			continue;
		paddr = get_w(x, ph + c->p_offset);
		memsz = get_w(x, ph + c->p_memsz);
		if (paddr + memsz < paddr ||
		    paddr + memsz > UINT64_MAX - (x->page - 1))
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "PT_LOAD %u: 0x%llx + 0x%llx wraps "
					     "past 2^64", i,
					     (unsigned long long)paddr,
					     (unsigned long long)memsz);
		start = align_down_u64(paddr, x->page);
		end = align_up_u64(paddr + memsz, x->page);
		newoff = off + (paddr - start);
		if (c->awidth == 4 && newoff > UINT32_MAX) {
			st = kernel_continues(d, e, VMC_ERR_RANGE,
					      "PT_LOAD %u: file offset 0x%llx "
					      "does not fit ELF32; the kernel "
					      "truncates it", i,
					      (unsigned long long)newoff);
			if (st)
				return st;
		}
		put_w(x, ph + c->p_offset, newoff);
		if (!st)
			st = vmc__dump_add_extent(d, &(struct vmc_dump_extent){
				.kind = VMC_EXTENT_MEMORY, .off = off,
				.len = end - start, .paddr = start,
				.phdr_index = i }, e);
		d->info.nr_ptload++;
		d->info.memory_len += end - start;
		if (off + (end - start) < off)
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "the vmcore is larger than 2^64");
		off += end - start;
	}
	d->size = off;
	d->info.phnum_out = phnum;
	return st;
}

/* Every window must be backed by memory (or holes allowed): fail early. */
/*
 * Allowed holes read as zeros; a window orders of magnitude over the memory
 * the sources cover is a corrupt p_memsz (an exabyte of zeros into a pipe
 * never ends), so it needs its own option.
 */
#define HUGE_HOLES_MIN (1ull << 30)
#define HUGE_HOLES_RATIO 1024

static vmc_status check_huge_holes(const vmc_dump *d, vmc_error *e)
{
	uint64_t holes = d->info.hole_len;
	uint64_t covered = d->info.memory_len - holes;

	if (d->o.allow_huge_holes || holes <= HUGE_HOLES_MIN ||
	    holes / HUGE_HOLES_RATIO <= covered)
		return VMC_OK;
	return vmc_error_set(e, VMC_ERR_RANGE,
			     "the PT_LOAD windows hold 0x%llx bytes no memory "
			     "source covers, over %u times the 0x%llx bytes "
			     "the sources cover (a corrupt p_memsz?); "
			     "assemble --allow-huge-holes writes it",
			     (unsigned long long)holes, HUGE_HOLES_RATIO,
			     (unsigned long long)covered);
}

static vmc_status check_coverage(vmc_dump *d, vmc_error *e)
{
	for (size_t i = 0; i < d->nr_ext; i++) {
		const struct vmc_dump_extent *x = &d->ext[i];
		uint64_t p = x->paddr, left = x->len;

		while (x->kind == VMC_EXTENT_MEMORY && left) {
			struct vmc_mem_span s;
			vmc_status st = vmc_physmem_lookup(d->pm, p, left, &s,
							   e);

			if (st)
				return PREFIXED(st, e, "PT_LOAD %zu window "
					"[0x%llx, 0x%llx)", x->phdr_index,
					(unsigned long long)x->paddr,
					(unsigned long long)(x->paddr + x->len));
			if (s.kind == VMC_SPAN_HOLE)
				d->info.hole_len += s.len;
			else if (s.kind == VMC_SPAN_ZERO)
				d->info.not_ram_len += s.len;
			p += s.len;
			left -= s.len;
		}
	}
	return check_huge_holes(d, e);
}

/*
 * The crashed kernel's PAGE_SIZE rounds /proc/vmcore's layout (the header
 * and note buffers, every PT_LOAD window: fs/proc/vmcore.c); without an
 * explicit page size it is VMCOREINFO's PAGESIZE (ppc64 kernels mostly run
 * 64 KiB pages), else 4096.  The kmalloc limit of the notes, checked with
 * the largest page meanwhile, is checked again with the real one.
 */
static vmc_status page_from_vmcoreinfo(struct ctx *x, vmc_error *e)
{
	vmc_dump *d = x->d;
	size_t cap;

	if (!x->page_auto)
		return VMC_OK;
	x->page = x->vmci_page ? x->vmci_page : 4096;
	if (x->page < 4096 || x->page > 65536 || (x->page & (x->page - 1)))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "VMCOREINFO PAGESIZE=%llu: want 4096, "
				     "16384 or 65536 (or give a page size)",
				     (unsigned long long)x->page);
	d->info.page_size = x->page;
	if (x->max_note_memsz > kmalloc_max(x))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "a PT_NOTE's p_memsz 0x%llx is over the "
				     "kernel's kmalloc limit 0x%llx (it fails "
				     "with -ENOMEM)",
				     (unsigned long long)x->max_note_memsz,
				     (unsigned long long)kmalloc_max(x));
	cap = (size_t)align_up_u64(x->elfsz_orig, x->page);
	if (cap > d->hdr_cap) {
		uint8_t *h = vmc__realloc(d->hdr, cap);

		if (!h)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		memset(h + d->hdr_cap, 0, cap - d->hdr_cap);
		d->hdr = h;
		d->hdr_cap = cap;
	}
	return VMC_OK;
}

static vmc_status build(struct ctx *x, vmc_error *e)
{
	vmc_dump *d = x->d;
	vmc_status st = read_ehdr(x, e);

	if (!st)
		st = read_headers(x, e);
	if (st)
		return st;
	d->info.phnum_in = x->phnum;
	st = update_note_sizes(x, e);
	if (!st)
		st = page_from_vmcoreinfo(x, e);
	if (st)
		return st;
	if (x->nr_ptnote == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the elfcorehdr has no PT_NOTE (the "
				     "kernel's merge_note_headers corrupts its "
				     "buffer then)");
	if (x->notes_sum == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "every PT_NOTE is empty: the kernel fails "
				     "(vmcore_alloc_buf(0) returns NULL)");
	st = copy_notes(x, e);
	if (!st)
		st = merge_notes(x, e);
	if (st)
		return st;
	d->info.nr_ptnote = x->nr_ptnote;
	d->info.notes_real_len = x->notes_sum;
	d->info.header_len = x->elfsz;
	st = vmc__dump_add_extent(d, &(struct vmc_dump_extent){
		.kind = VMC_EXTENT_HEADER, .off = 0, .len = x->elfsz,
		.bytes = d->hdr }, e);
	/* vmc_dump_add_device_dump inserts device dumps here, ahead of the
	 * notes (dump_devdump.c). */
	d->cls = x->c;
	d->order = x->order;
	d->phoff = x->c->ehsz;	/* the kernel assumes it */
	d->phnum = x->phnum - x->nr_ptnote + 1;
	d->dd_at = x->elfsz;
	if (!st)
		st = vmc__dump_add_extent(d, &(struct vmc_dump_extent){
			.kind = VMC_EXTENT_NOTES, .off = x->elfsz,
			.len = d->info.notes_len, .bytes = d->notes }, e);
	if (!st)
		st = layout_loads(x, e);
	if (!st)
		st = check_coverage(d, e);
	return st;
}

VMC_EXPORT vmc_status vmc_dump_open(vmc_dump **out, vmc_hdr_source *hs,
				    vmc_physmem *pm,
				    const struct vmc_dump_opts *opts,
				    vmc_error *e)
{
	struct ctx x = { .hs = hs };
	uint64_t hsize = 0;
	vmc_status st;
	vmc_dump *d;

	if (!opts || opts->version != VMC_DUMP_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID, "bad dump options");
	/* 0: VMCOREINFO's PAGESIZE once the notes are read; the largest
	 * page meanwhile (the note limit check) */
	x.page_auto = opts->page_size == 0;
	x.page = opts->page_size ? opts->page_size : 65536;
	if (x.page < 4096 || x.page > 65536 || (x.page & (x.page - 1)))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "page size %llu: want 4096, 16384 or "
				     "65536", (unsigned long long)x.page);
	/* ELF: p_align 0 and 1 mean none, otherwise a power of two. */
	if (opts->have_note_align &&
	    (opts->note_align & (opts->note_align - 1)))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "note alignment %llu: want 0 or a power of "
				     "two", (unsigned long long)opts->note_align);
	d = vmc__calloc(1, sizeof(*d));
	if (!d)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	d->pm = pm;
	d->o = *opts;
	d->info.page_size = x.page;
	x.d = d;
	st = hs->ops->alloc(hs, &x.addr, &hsize, e);
	if (!st) {
		d->info.elfcorehdr_addr = x.addr;
		st = build(&x, e);
		if (hs->ops->free)
			hs->ops->free(hs, x.addr);
	}
	if (st) {
		vmc_dump_free(d);
		return st;
	}
	*out = d;
	return VMC_OK;
}

VMC_EXPORT void vmc_dump_free(vmc_dump *d)
{
	if (!d)
		return;
	vmc_warnings_free(d->warn);
	for (size_t i = 0; i < d->nr_dd; i++) {
		vmc__free(d->dd[i].buf);
		vmc_source_close(d->dd[i].src);
	}
	vmc__free(d->dd);
	vmc__free(d->ext);
	vmc__free(d->notes);
	vmc__free(d->hdr);
	vmc__free(d);
}
