// SPDX-License-Identifier: MIT
/* Roles, memory summary and lint of one ELF core. */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/warnings.h"
#include "base/compiler.h"
#include "base/numparse.h"
#include "inspect/roles.h"

struct vmc_report {
	enum vmc_layout layout;
	enum vmc_role *roles;
	size_t nr_roles;
	struct vmc_memory_summary sum;
	vmc_warnings *lints;	/* code: enum vmc_lint_code, index: phdr */
};

uint64_t vmc__classify_loads(const vmc_elfcore *c, enum vmc_role *roles)
{
	size_t n = vmc_elfcore_nr_phdrs(c);
	uint64_t delta = 0;

	/* The last load is RAM in every loader's order (the text mapping
	 * comes right after the notes), so its offset is the direct map's. */
	for (size_t i = n; i-- > 0;) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (p->type == VMC_PT_LOAD) {
			delta = p->vaddr - p->paddr;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (p->type == VMC_PT_NOTE)
			roles[i] = VMC_ROLE_NOTE;
		else if (p->type != VMC_PT_LOAD)
			roles[i] = VMC_ROLE_OTHER;
		else if (p->vaddr - p->paddr == delta || p->vaddr == 0 ||
			 p->vaddr == UINT64_MAX)
			roles[i] = VMC_ROLE_RAM;
		else
			roles[i] = VMC_ROLE_MAPPING;
	}
	return delta;
}

vmc_status vmc__ram_ranges(const vmc_elfcore *c, const enum vmc_role *roles,
		      vmc_ranges **out, vmc_error *e)
{
	vmc_status st = vmc_ranges_new(out, e);

	if (st)
		return st;
	for (size_t i = 0; !st && i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
		uint64_t end;

		if (roles[i] != VMC_ROLE_RAM || p->memsz == 0)
			continue;
		if (add_overflows_u64(p->paddr, p->memsz, &end))
			end = UINT64_MAX;
		st = vmc_ranges_add(*out, p->paddr, end, e);
	}
	if (st) {
		vmc_ranges_free(*out);
		*out = NULL;
	}
	return st;
}

static vmc_status add_lint(vmc_report *r, enum vmc_lint_code code,
			   size_t phdr, vmc_error *e, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static bool layout_normal(enum vmc_layout l, enum vmc_lint_code code);

static vmc_status add_lint(vmc_report *r, enum vmc_lint_code code,
			   size_t phdr, vmc_error *e, const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	if (layout_normal(r->layout, code))
		return VMC_OK;
	va_start(ap, fmt);
	st = vmc__vwarn(&r->lints, (int)code, phdr, e, fmt, ap);
	va_end(ap);
	return st;
}

static vmc_status summarize(vmc_report *r, const vmc_elfcore *c,
			    vmc_error *e)
{
	vmc_ranges *ram = NULL;
	const struct vmc_range *v;
	size_t n;
	vmc_status st = vmc__ram_ranges(c, r->roles, &ram, e);

	if (st)
		return st;
	vmc_ranges_sort(ram);
	v = vmc_ranges_data(ram);
	n = vmc_ranges_count(ram);
	for (size_t i = 1; !st && i < n; i++) {
		if (v[i].start < v[i - 1].end)
			st = add_lint(r, VMC_LINT_OVERLAP, SIZE_MAX, e,
				      "RAM loads overlap: 0x%llx-0x%llx and "
				      "0x%llx-0x%llx",
				      (unsigned long long)v[i - 1].start,
				      (unsigned long long)v[i - 1].end - 1,
				      (unsigned long long)v[i].start,
				      (unsigned long long)v[i].end - 1);
	}
	r->sum.nr_ram = n;
	vmc_ranges_merge(ram);
	v = vmc_ranges_data(ram);
	n = vmc_ranges_count(ram);
	r->sum.ram_bytes = vmc_ranges_total(ram);
	if (n) {
		r->sum.lowest = v[0].start;
		r->sum.highest = v[n - 1].end;
	}
	for (size_t i = 1; i < n; i++) {
		r->sum.nr_holes++;
		r->sum.hole_bytes += v[i].start - v[i - 1].end;
	}
	vmc_ranges_free(ram);
	return st;
}

/*
 * One note's own checks.  An NT_VMCOREDD note carries a 44-byte,
 * NUL-terminated dump name before the data (include/uapi/linux/vmcore.h,
 * struct vmcoredd_header; fs/proc/vmcore.c vmcore_add_device_dump copies
 * it with strscpy_pad); readers (makedumpfile, crash) print the name as a C
 * string, so an unterminated or missing one is reported.
 */
static vmc_status lint_note(vmc_report *r, size_t i, size_t nr,
			    const struct vmc_note *n, vmc_error *e)
{
	if (n->type != VMC_NT_VMCOREDD || !vmc_note_name_is(n, "LINUX"))
		return VMC_OK;
	if (n->descsz < VMC_VMCOREDD_NAME_MAX)
		return add_lint(r, VMC_LINT_VMCOREDD, i, e,
				"PT_NOTE %zu: note %zu: NT_VMCOREDD desc of %u "
				"bytes is shorter than its %d-byte name header",
				i, nr, n->descsz, VMC_VMCOREDD_NAME_MAX);
	if (!memchr(n->desc, 0, VMC_VMCOREDD_NAME_MAX))
		return add_lint(r, VMC_LINT_VMCOREDD, i, e,
				"PT_NOTE %zu: note %zu: NT_VMCOREDD dump name "
				"has no NUL in its %d bytes", i, nr,
				VMC_VMCOREDD_NAME_MAX);
	return VMC_OK;
}

static vmc_status lint_notes(vmc_report *r, const vmc_elfcore *c, size_t i,
			     vmc_error *e)
{
	const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
	struct vmc_note_iter it;
	struct vmc_note n;
	size_t count = 0, len;
	uint8_t *buf;
	vmc_status st = vmc_elfcore_read_segment(c, i, &buf, &len, e);

	if (st == VMC_ERR_CORRUPT || st == VMC_ERR_RANGE)
		return add_lint(r, VMC_LINT_PAST_EOF, i, e, "PT_NOTE %zu: %s",
				i, e ? e->msg : "unreadable");
	if (st)
		return st;
	vmc_notes_iter_init(&it, buf, len, vmc_elfcore_ehdr(c)->id.order);
	while (!st && vmc_notes_next(&it, &n) == VMC_OK)
		st = lint_note(r, i, count++, &n, e);
	vmc__free(buf);
	if (st)
		return st;
	if (it.dropped)
		st = add_lint(r, VMC_LINT_NOTE_DROPPED, i, e,
			      "PT_NOTE %zu: note %zu (n_namesz 0x%x, n_descsz "
			      "0x%x) exceeds p_filesz; the kernel drops it", i,
			      count, it.dropped_hdr.namesz,
			      it.dropped_hdr.descsz);
	else if (!it.terminated && it.real_len < p->filesz &&
		 p->filesz - it.real_len >= 4)
		st = add_lint(r, VMC_LINT_NOTE_TRUNCATED, i, e,
			      "PT_NOTE %zu: notes end at 0x%zx of 0x%llx bytes",
			      i, it.real_len, (unsigned long long)p->filesz);
	if (!st && count == 0)
		st = add_lint(r, VMC_LINT_NO_NOTES, i, e,
			      "PT_NOTE %zu holds no notes", i);
	return st;
}

/* Does the first PT_NOTE hold a note named "QEMU"?  QEMU's
 * dump-guest-memory (dump/dump.c, a QEMUCPUState note per CPU after its
 * NT_PRSTATUS) and cloud-hypervisor's coredump (vmm/src/coredump.rs
 * cpu_write_vmm_note, the same CPU-state note) write one. */
static vmc_status has_qemu_note(const vmc_elfcore *c, bool *yes,
				vmc_error *e)
{
	*yes = false;
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++) {
		struct vmc_note_iter it;
		struct vmc_note n;
		uint8_t *buf;
		size_t len;
		vmc_status st;

		if (vmc_elfcore_phdr(c, i)->type != VMC_PT_NOTE)
			continue;
		/* An unreadable segment is lint_notes' to report. */
		st = vmc_elfcore_read_segment(c, i, &buf, &len, e);
		if (st == VMC_ERR_NOMEM)
			return st;
		if (st)
			return VMC_OK;
		vmc_notes_iter_init(&it, buf, len,
				    vmc_elfcore_ehdr(c)->id.order);
		while (!*yes && vmc_notes_next(&it, &n) == VMC_OK)
			*yes = vmc_note_name_is(&n, "QEMU");
		vmc__free(buf);
		return VMC_OK;
	}
	return VMC_OK;
}

/*
 * The writer, from the layout:
 *  - makedumpfile -E (makedumpfile.c write_elf_header): the note segment
 *    right after the program headers, at sizeof(ehdr) + phnum *
 *    sizeof(phdr), unpadded; the loads packed after it
 *    (write_elf_pages_cyclic), each load's excluded tail left out
 *    (p_filesz < p_memsz) and a wholly excluded load at p_offset 0.
 *  - the kernel's /proc/vmcore (fs/proc/vmcore.c merge_note_headers_elf64
 *    and process_ptload_program_headers_elf64): notes and every load at
 *    page-aligned offsets, p_offset = p_paddr modulo the page.
 */
static enum vmc_layout detect_layout(const vmc_elfcore *c, uint64_t page,
				     bool qemu)
{
	const struct vmc_ehdr *eh = vmc_elfcore_ehdr(c);
	size_t n = vmc_elfcore_nr_phdrs(c);
	const struct vmc_phdr *p0 = n ? vmc_elfcore_phdr(c, 0) : NULL;
	bool aligned = true;

	if (vmc_elfcore_kind(c) == VMC_KIND_ELFCOREHDR)
		return VMC_LAYOUT_ELFCOREHDR;
	if (qemu)
		return VMC_LAYOUT_HYPERVISOR;
	for (size_t i = 0; i < n; i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (p->type == VMC_PT_LOAD && p->filesz &&
		    p->offset % page != p->paddr % page)
			aligned = false;
	}
	if (p0 && p0->type == VMC_PT_NOTE && p0->offset % page &&
	    p0->offset == eh->phoff + (uint64_t)n * eh->phentsize)
		return VMC_LAYOUT_MAKEDUMPFILE;
	if (p0 && p0->type == VMC_PT_NOTE && p0->offset % page == 0 && aligned)
		return VMC_LAYOUT_KERNEL;
	return VMC_LAYOUT_UNKNOWN;
}

/* Is @code the normal layout of @l rather than a fault? */
static bool layout_normal(enum vmc_layout l, enum vmc_lint_code code)
{
	switch (l) {
	case VMC_LAYOUT_MAKEDUMPFILE:
		return code == VMC_LINT_UNALIGNED ||
		       code == VMC_LINT_FILESZ_LT_MEMSZ;
	case VMC_LAYOUT_HYPERVISOR:
		/* memory follows the notes unpadded (QEMU dump.c
		 * write_elf_loads, cloud-hypervisor mem_offset) */
		return code == VMC_LINT_UNALIGNED;
	default:
		return false;
	}
}

static vmc_status lint_phdr(vmc_report *r, const vmc_elfcore *c, size_t i,
			    bool vmcore, uint64_t page, vmc_error *e)
{
	const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
	uint64_t fsize = vmc_elfcore_file_size(c);
	vmc_status st = VMC_OK;

	if (p->type == VMC_PT_LOAD && p->memsz == 0)
		st = add_lint(r, VMC_LINT_EMPTY_LOAD, i, e,
			      "PT_LOAD %zu at 0x%llx is empty (p_memsz 0)", i,
			      (unsigned long long)p->paddr);
	if (!st && p->type == VMC_PT_LOAD && p->filesz < p->memsz)
		st = add_lint(r, VMC_LINT_FILESZ_LT_MEMSZ, i, e,
			      "PT_LOAD %zu: p_filesz 0x%llx < p_memsz 0x%llx "
			      "(the rest reads as zeros)", i,
			      (unsigned long long)p->filesz,
			      (unsigned long long)p->memsz);
	if (st || !vmcore)
		return st;
	if (!vmc__in_bounds(p->offset, p->filesz, fsize))
		return add_lint(r, VMC_LINT_PAST_EOF, i, e,
				"segment %zu (0x%llx bytes at offset 0x%llx) "
				"passes the end of the file (0x%llx): truncated",
				i, (unsigned long long)p->filesz,
				(unsigned long long)p->offset,
				(unsigned long long)fsize);
	if (p->type == VMC_PT_LOAD && p->offset % page != p->paddr % page)
		st = add_lint(r, VMC_LINT_UNALIGNED, i, e,
			      "PT_LOAD %zu: p_offset 0x%llx and p_paddr 0x%llx "
			      "differ modulo the page size (no mmap)", i,
			      (unsigned long long)p->offset,
			      (unsigned long long)p->paddr);
	if (!st && p->type == VMC_PT_NOTE)
		st = lint_notes(r, c, i, e);
	return st;
}

/* VMCOREINFO's PAGESIZE from the notes in the file (*page 0 without
 * one).  Unreadable segments are lint_notes' to report; NOMEM is ours. */
static vmc_status vmcoreinfo_page_size(const vmc_elfcore *c, uint64_t *page,
				       vmc_error *e)
{
	*page = 0;
	for (size_t i = 0; !*page && i < vmc_elfcore_nr_phdrs(c); i++) {
		struct vmc_note_iter it;
		struct vmc_note n;
		char val[32];
		uint8_t *buf;
		size_t len;
		vmc_status st;

		if (vmc_elfcore_phdr(c, i)->type != VMC_PT_NOTE ||
		    !vmc_elfcore_segment_in_file(c, i))
			continue;
		st = vmc_elfcore_read_segment(c, i, &buf, &len, e);
		if (st == VMC_ERR_NOMEM)
			return st;
		if (st)
			continue;
		vmc_notes_iter_init(&it, buf, len,
				    vmc_elfcore_ehdr(c)->id.order);
		while (vmc_notes_next(&it, &n) == VMC_OK)
			if (vmc_note_name_is(&n, "VMCOREINFO") &&
			    !vmc_vmcoreinfo_get((const char *)n.desc, n.descsz,
						"PAGESIZE", val, sizeof(val)) &&
			    vmc__parse_u64_base(val, 10, page))
				break;
		vmc__free(buf);
	}
	return VMC_OK;
}

/* The page size the alignment lint uses; a given one that disagrees with
 * VMCOREINFO's PAGESIZE (the crashed kernel's) is itself a warning. */
static vmc_status pick_page_size(vmc_report *r, const vmc_elfcore *c,
				 uint64_t *page, vmc_error *e)
{
	uint64_t info;
	vmc_status st = vmcoreinfo_page_size(c, &info, e);

	if (st)
		return st;
	if (*page && info && *page != info)
		return add_lint(r, VMC_LINT_PAGE_SIZE, SIZE_MAX, e,
				"page size %llu disagrees with VMCOREINFO's "
				"PAGESIZE=%llu", (unsigned long long)*page,
				(unsigned long long)info);
	if (!*page)
		*page = info && !(info & (info - 1)) ? info : 4096;
	return VMC_OK;
}

/*
 * In a vmcore every byte of the file belongs to one segment; two PT_LOADs
 * whose file windows overlap give the same bytes two physical addresses.
 */
static vmc_status lint_file_overlap(vmc_report *r, const vmc_elfcore *c,
				    vmc_error *e)
{
	size_t n = vmc_elfcore_nr_phdrs(c);

	for (size_t i = 0; i < n; i++) {
		const struct vmc_phdr *a = vmc_elfcore_phdr(c, i);

		if (a->type != VMC_PT_LOAD || !a->filesz)
			continue;
		for (size_t j = i + 1; j < n; j++) {
			const struct vmc_phdr *b = vmc_elfcore_phdr(c, j);

			if (b->type != VMC_PT_LOAD || !b->filesz ||
			    !(b->offset >= a->offset
				      ? b->offset - a->offset < a->filesz
				      : a->offset - b->offset < b->filesz))
				continue;
			return add_lint(r, VMC_LINT_FILE_OVERLAP, j, e,
					"PT_LOAD %zu and %zu share file bytes "
					"(offsets 0x%llx and 0x%llx)", i, j,
					(unsigned long long)a->offset,
					(unsigned long long)b->offset);
		}
	}
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_inspect(vmc_report **out, const vmc_elfcore *c,
				  uint64_t page_size, vmc_error *e)
{
	size_t n = vmc_elfcore_nr_phdrs(c);
	bool vmcore = vmc_elfcore_kind(c) == VMC_KIND_VMCORE, qemu = false;
	vmc_report *r = vmc__calloc(1, sizeof(*r));
	vmc_status st = VMC_OK;

	if (!r || !(r->roles = vmc__calloc(n ? n : 1, sizeof(*r->roles)))) {
		vmc__free(r);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	r->nr_roles = n;
	if (vmc_elfcore_kind(c) != VMC_KIND_ELFCOREHDR)
		st = has_qemu_note(c, &qemu, e);
	r->layout = detect_layout(c, page_size ? page_size : 4096, qemu);
	r->sum.direct_map_offset = vmc__classify_loads(c, r->roles);
	for (size_t i = 0; i < n; i++)
		r->sum.nr_mappings += r->roles[i] == VMC_ROLE_MAPPING;
	if (!st && n < 2)
		st = add_lint(r, VMC_LINT_FEW_PHDRS, SIZE_MAX, e,
			      "only %zu program header(s); a crash dump has a "
			      "PT_NOTE and at least one PT_LOAD", n);
	if (!st && n && vmc_elfcore_phdr(c, 0)->type != VMC_PT_NOTE)
		st = add_lint(r, VMC_LINT_NOTE_NOT_FIRST, 0, e,
			      "program header 0 is not PT_NOTE (crash requires "
			      "the notes first)");
	if (!st && vmcore)
		st = pick_page_size(r, c, &page_size, e);
	if (!page_size)
		page_size = 4096;
	for (size_t i = 0; !st && i < n; i++)
		st = lint_phdr(r, c, i, vmcore, page_size, e);
	if (!st && vmcore)
		st = lint_file_overlap(r, c, e);
	if (!st)
		st = summarize(r, c, e);
	if (st) {
		vmc_report_free(r);
		return st;
	}
	*out = r;
	return VMC_OK;
}

VMC_EXPORT void vmc_report_free(vmc_report *r)
{
	if (!r)
		return;
	vmc__free(r->roles);
	vmc_warnings_free(r->lints);
	vmc__free(r);
}

VMC_EXPORT enum vmc_role vmc_report_role(const vmc_report *r, size_t phdr)
{
	return phdr < r->nr_roles ? r->roles[phdr] : VMC_ROLE_OTHER;
}

VMC_EXPORT const struct vmc_memory_summary *
vmc_report_summary(const vmc_report *r)
{
	return &r->sum;
}

VMC_EXPORT const vmc_warnings *vmc_report_lints(const vmc_report *r)
{
	return r->lints;
}

VMC_EXPORT enum vmc_layout vmc_report_layout(const vmc_report *r)
{
	return r->layout;
}

VMC_EXPORT const char *vmc_layout_name(enum vmc_layout l)
{
	switch (l) {
	case VMC_LAYOUT_ELFCOREHDR: return "elfcorehdr";
	case VMC_LAYOUT_KERNEL: return "kernel";
	case VMC_LAYOUT_MAKEDUMPFILE: return "makedumpfile-E";
	case VMC_LAYOUT_HYPERVISOR: return "hypervisor";
	default: return "unknown";
	}
}

VMC_EXPORT const char *vmc_lint_name(enum vmc_lint_code c)
{
	switch (c) {
	case VMC_LINT_FEW_PHDRS: return "few-phdrs";
	case VMC_LINT_NOTE_NOT_FIRST: return "note-not-first";
	case VMC_LINT_OVERLAP: return "overlap";
	case VMC_LINT_FILESZ_LT_MEMSZ: return "filesz-lt-memsz";
	case VMC_LINT_EMPTY_LOAD: return "empty-load";
	case VMC_LINT_PAST_EOF: return "past-eof";
	case VMC_LINT_UNALIGNED: return "unaligned";
	case VMC_LINT_NOTE_DROPPED: return "note-dropped";
	case VMC_LINT_NOTE_TRUNCATED: return "note-truncated";
	case VMC_LINT_NO_NOTES: return "no-notes";
	case VMC_LINT_VMCOREDD: return "vmcoredd";
	case VMC_LINT_PAGE_SIZE: return "page-size";
	case VMC_LINT_FILE_OVERLAP: return "file-overlap";
	}
	return "unknown";
}
