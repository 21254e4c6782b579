// SPDX-License-Identifier: MIT
/*
 * An existing ELF vmcore as a dump whose bytes are its file's, so device
 * dumps can be inserted and the whole rewritten as a stream (copy_file_range
 * and holes for the file's part) without loading it.
 *
 *   file   [ ehdr phdrs (shdr0) | ... ][ dd.. ][ notes ][ LOAD data ]...
 *           HEADER (patched copy)  FILE  ^ at     FILE (src_off = at)
 *                                        device dumps are inserted here
 *
 * The dumps go into the first PT_NOTE after the NT_VMCOREDD notes already
 * at its front, which is where fs/proc/vmcore.c would have put them
 * (list_add_tail; __read_vmcore serves the dumps before the notes).  On a
 * vmcore the kernel laid out (PT_NOTE at elfcorebuf_sz, the PT_LOAD
 * windows contiguous after the page-rounded note segment) moving every
 * offset at or after the insertion point by the dump's size is exactly
 * what vmcoredd_update_program_headers computes; on other files
 * (makedumpfile -E, QEMU dump-guest-memory) it keeps every segment on its
 * bytes.
 */
#include <string.h>

#include "vmcorekit/devdump.h"
#include "vmcorekit/elfcore.h"
#include "base/compiler.h"
#include "devdump/devdump_priv.h"
#include "vmcore/dump_priv.h"

#define MAX_HEADER_LEN (64u << 20)
#define MAX_VMCOREINFO (1u << 20)

struct scan {
	vmc_dump *d;
	uint64_t at;		/* end of the leading device dumps */
	bool leading;
	uint64_t pagesize;	/* VMCOREINFO PAGESIZE, 0 if none */
};

static vmc_status vmcoreinfo_pagesize(struct scan *s,
				      const struct src_note *n, vmc_error *e)
{
	char name[12], *text;
	struct vmc_note note = { .namesz = n->nh.namesz, .name = name };
	uint64_t v;
	vmc_status st;

	if (s->pagesize || n->nh.namesz < 10 || n->nh.namesz > sizeof(name) ||
	    n->nh.descsz > MAX_VMCOREINFO)
		return VMC_OK;
	st = vmc_source_read_at(s->d->src, n->off + VMC_ELF_NHDR_SIZE, name,
				n->nh.namesz, e);
	if (st || !vmc_note_name_is(&note, "VMCOREINFO"))
		return st;
	text = vmc__malloc((size_t)n->nh.descsz + 1);
	if (!text)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_source_read_at(s->d->src, n->desc_off, text, n->nh.descsz, e);
	if (!st && !vmc_vmcoreinfo_get_u64(text, n->nh.descsz, "PAGESIZE", &v))
		s->pagesize = v;
	vmc__free(text);
	return st;
}

static vmc_status scan_note(void *arg, const struct src_note *n, bool *stop,
			    vmc_error *e)
{
	struct scan *s = arg;

	(void)stop;
	if (s->leading && n->vmcoredd)
		s->at = n->off + n->size;
	else
		s->leading = false;
	return vmcoreinfo_pagesize(s, n, e);
}

/* Where the ELF tables are: they must precede the insertion point. */
static vmc_status check_tables(vmc_dump *d, const vmc_elfcore *c,
			       uint64_t *hdr_len, vmc_error *e)
{
	const struct vmc_ehdr *eh = vmc_elfcore_ehdr(c);
	uint64_t end = vmc_elfcore_headers_end(c);

	if (end < d->cls->ehsz)
		end = d->cls->ehsz;
	if (end > d->dd_at)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "the program headers end at 0x%llx, after "
				     "the note segment's insertion point 0x%llx",
				     (unsigned long long)end,
				     (unsigned long long)d->dd_at);
	if (end > MAX_HEADER_LEN)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "program headers of 0x%llx bytes",
				     (unsigned long long)end);
	if (eh->shoff && eh->shnum > 1)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "%u section headers (only PN_XNUM's "
				     "section 0 is kept in place)", eh->shnum);
	*hdr_len = end;
	return VMC_OK;
}

/* No segment but the receiving PT_NOTE may span the insertion point. */
static vmc_status check_segments(vmc_dump *d, const vmc_elfcore *c,
				 vmc_error *e)
{
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (i == d->note_phdr || p->filesz == 0)
			continue;
		if (p->offset < d->dd_at && p->offset + p->filesz > d->dd_at)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "segment %zu [0x%llx, +0x%llx) "
					     "overlaps the note segment at "
					     "0x%llx", i,
					     (unsigned long long)p->offset,
					     (unsigned long long)p->filesz,
					     (unsigned long long)d->dd_at);
	}
	return VMC_OK;
}

static vmc_status find_note(vmc_dump *d, const vmc_elfcore *c, vmc_error *e)
{
	struct scan s = { .d = d, .leading = true };
	const struct vmc_phdr *p = NULL;
	vmc_status st;

	if (vmc_elfcore_kind(c) == VMC_KIND_ELFCOREHDR)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "an elfcorehdr, not a vmcore (its notes "
				     "are in old memory): assemble the vmcore "
				     "with --device-dump instead");
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *q = vmc_elfcore_phdr(c, i);

		if (q->type == VMC_PT_LOAD)
			d->info.nr_ptload++;
		if (q->type != VMC_PT_NOTE)
			continue;
		if (d->info.nr_ptnote++ == 0) {	/* the first receives */
			d->note_phdr = i;
			p = q;
		}
	}
	if (!p)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "no PT_NOTE to hold device dumps");
	s.at = p->offset;
	st = vmc__devdump_walk_notes(d->src, d->order, p->offset, p->filesz,
				scan_note, &s, e);
	if (st)
		return PREFIXED(st, e, "PT_NOTE %zu", d->note_phdr);
	d->dd_at = s.at;
	if (!d->info.page_size)
		d->info.page_size = s.pagesize ? s.pagesize : 4096;
	if (d->info.page_size < 4096 || d->info.page_size > 65536 ||
	    (d->info.page_size & (d->info.page_size - 1)))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "VMCOREINFO PAGESIZE=%llu",
				     (unsigned long long)d->info.page_size);
	d->info.notes_real_len = p->filesz;
	d->info.notes_len = p->filesz;
	return VMC_OK;
}

static vmc_status build(vmc_dump *d, const vmc_elfcore *c, vmc_error *e)
{
	const struct vmc_ehdr *eh = vmc_elfcore_ehdr(c);
	uint64_t hdr_len = 0, fsize = vmc_source_size(d->src);
	vmc_status st;

	d->cls = vmc__elf_class(eh->id.cls);
	d->order = eh->id.order;
	d->phoff = eh->phoff;
	d->phnum = eh->phnum;
	d->shoff = eh->shoff;
	d->info.id = eh->id;
	d->info.phnum_in = d->info.phnum_out = eh->phnum;
	st = find_note(d, c, e);
	if (!st)
		st = check_tables(d, c, &hdr_len, e);
	if (!st)
		st = check_segments(d, c, e);
	if (st)
		return st;
	d->hdr_cap = (size_t)hdr_len;
	d->hdr = vmc__malloc(d->hdr_cap);
	if (!d->hdr)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_source_read_at(d->src, 0, d->hdr, d->hdr_cap, e);
	if (st)
		return st;
	d->info.header_len = hdr_len;
	d->size = fsize;
	st = vmc__dump_add_extent(d, &(struct vmc_dump_extent){
		.kind = VMC_EXTENT_HEADER, .off = 0, .len = hdr_len,
		.bytes = d->hdr }, e);
	if (!st)
		st = vmc__dump_add_extent(d, &(struct vmc_dump_extent){
			.kind = VMC_EXTENT_FILE, .off = hdr_len,
			.len = fsize - hdr_len, .src_off = hdr_len }, e);
	return st;
}

VMC_EXPORT vmc_status vmc_dump_open_vmcore(vmc_dump **out, vmc_source *src,
					   const struct vmc_dump_opts *opts,
					   vmc_error *e)
{
	vmc_elfcore *c;
	vmc_dump *d;
	vmc_status st;

	if (!opts || opts->version != VMC_DUMP_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID, "bad dump options");
	if (opts->page_size && (opts->page_size < 4096 ||
				opts->page_size > 65536 ||
				(opts->page_size & (opts->page_size - 1))))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "page size %llu: want 4096, 16384 or "
				     "65536", (unsigned long long)opts->page_size);
	st = vmc_elfcore_parse(&c, src, e);
	if (st)
		return st;
	d = vmc__calloc(1, sizeof(*d));
	if (!d) {
		vmc_elfcore_free(c);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	d->o = *opts;
	d->src = src;
	d->src_fd = vmc_source_fd(src);
	d->info.page_size = opts->page_size;
	st = build(d, c, e);
	vmc_elfcore_free(c);
	if (st) {
		vmc_dump_free(d);
		return st;
	}
	*out = d;
	return VMC_OK;
}
