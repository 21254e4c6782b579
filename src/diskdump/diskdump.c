// SPDX-License-Identifier: MIT
/*
 * Opening a kdump-compressed file and reading its pages.
 *
 * File layout (makedumpfile.c write_kdump_header,
 * write_kdump_pages_and_bitmap_cyclic; crash diskdump.c read_dump_header):
 *
 *   block 0                      disk_dump_header
 *   block 1 .. sub_hdr_size      kdump_sub_header, then the note segment
 *                                (offset_note; VMCOREINFO inside it)
 *   then bitmap_blocks           first bitmap (RAM), second (dumped)
 *   then page_desc_t[kept]       one per set bit of the second bitmap
 *   then page data               a shared zero page first (pd_zero), then
 *                                each page as its descriptor says
 *   offset_eraseinfo             makedumpfile --config filter records
 */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/elfcore.h"
#include "vmcorekit/sys/source.h"
#include "base/compiler.h"
#include "diskdump/diskdump_priv.h"

struct vmc_diskdump {
	struct vmc_diskdump_info info;
	vmc_source *src;	/* the (rearranged) file */
	vmc_source *flat;	/* owned when the input is flattened */
	uint8_t *ram_map, *dump_map;	/* bitmap_len bytes each */
	uint64_t *rank;
	void *zstd;
	uint8_t *cbuf;		/* one compressed page */
	uint8_t *page;		/* the last page read */
	uint64_t page_pfn;
	bool page_valid;
	uint64_t stored;	/* bytes of the input (a flattened file's
				 * rearranged size can be far larger) */
};

VMC_EXPORT bool vmc_diskdump_probe(vmc_source *src)
{
	uint8_t sig[13];

	if (vmc_source_size(src) < sizeof(sig) ||
	    vmc_source_read_at(src, 0, sig, sizeof(sig), NULL))
		return false;
	return !memcmp(sig, VMC_DISKDUMP_SIG, 8) ||
	       !memcmp(sig, VMC_DISKDUMP_FLAT_SIG, 13);
}

static vmc_status read_headers(vmc_diskdump *d, vmc_error *e)
{
	struct vmc_diskdump_info *in = &d->info;
	uint8_t h[VMC_DISKDUMP_HDR_MAX] = { 0 }, s[VMC_DISKDUMP_SUB_MAX];
	uint64_t fsize = vmc_source_size(d->src);
	size_t n = fsize < sizeof(h) ? (size_t)fsize : sizeof(h), sn;
	vmc_status st;

	in->file_size = fsize;
	st = vmc_source_read_at(d->src, 0, h, n, e);
	if (st)
		return st;
	if (n >= 8 && !memcmp(h, VMC_DISKDUMP_OLD_SIG, 8))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "a DISKDUMP partition dump (the old "
				     "diskdump driver), not makedumpfile's "
				     "KDUMP format");
	st = vmc__diskdump_decode_header(h, n, in, e);
	if (st)
		return st;
	sn = vmc__diskdump_sub_size(in->abi);
	if (fsize < in->block_size || fsize - in->block_size < sn)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the sub-header at 0x%x is past the end "
				     "of the file (0x%llx bytes)",
				     in->block_size,
				     (unsigned long long)fsize);
	st = vmc_source_read_at(d->src, in->block_size, s, sn, e);
	if (!st)
		st = vmc__diskdump_decode_sub(s, sn, in, e);
	if (!st)
		st = vmc__diskdump_check_layout(in, e);
	return st;
}

static vmc_status read_bitmaps(vmc_diskdump *d, uint64_t stored,
			       vmc_error *e)
{
	struct vmc_diskdump_info *in = &d->info;
	/* check_layout bounded max_mapnr by bitmap_len, inside the file */
	size_t len = (size_t)(in->max_mapnr / 8 + (in->max_mapnr % 8 != 0));
	vmc_status st;

	/* Bitmaps are written in full (write_kdump_bitmap*_buffer): more
	 * than the input holds cannot be real, whatever holes a flattened
	 * stream leaves. */
	if ((uint64_t)len > stored / 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "max_mapnr %llu needs two %zu-byte "
				     "bitmaps, more than the %llu-byte input "
				     "holds", (unsigned long long)in->max_mapnr,
				     len, (unsigned long long)stored);

	/* +8: the popcount reads whole bytes up to max_mapnr. */
	d->ram_map = vmc__calloc(1, len + 8);
	d->dump_map = vmc__calloc(1, len + 8);
	if (!d->ram_map || !d->dump_map)
		return vmc_error_set(e, VMC_ERR_NOMEM,
				     "out of memory for two %zu-byte bitmaps",
				     len);
	st = vmc_source_read_at(d->src, in->bitmap_off, d->ram_map, len, e);
	if (!st)
		st = vmc_source_read_at(d->src, in->bitmap_off + in->bitmap_len,
					d->dump_map, len, e);
	if (st)
		return PREFIXED(st, e, "bitmaps");
	in->ram_pages = vmc__diskdump_popcount(d->ram_map, 0, in->max_mapnr);
	return vmc__diskdump_rank_build(d->dump_map, in->first_pfn,
					in->end_pfn_dumped, &d->rank,
					&in->kept_pages, e);
}

static vmc_status open_any(vmc_diskdump *d, vmc_source *src, vmc_error *e)
{
	uint8_t sig[13] = { 0 };
	uint64_t fsize = vmc_source_size(src);
	vmc_status st = vmc_source_read_at(src, 0, sig,
					   fsize < 13 ? (size_t)fsize : 13, e);

	if (st)
		return st;
	d->src = src;
	d->stored = fsize;
	if (!memcmp(sig, VMC_DISKDUMP_FLAT_SIG, 13)) {
		st = vmc_diskdump_flat_source_new(&d->flat, src, e);
		if (st)
			return st;
		d->src = d->flat;
		d->info.container = VMC_DISKDUMP_FLAT;
	} else {
		d->info.container = VMC_DISKDUMP_PLAIN;
	}
	st = read_headers(d, e);
	if (!st)
		st = read_bitmaps(d, fsize, e);
	if (st)
		return st;
	d->cbuf = vmc__malloc(d->info.block_size);
	d->page = vmc__malloc(d->info.block_size);
	if (!d->cbuf || !d->page)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_diskdump_open(vmc_diskdump **out, vmc_source *src,
					vmc_error *e)
{
	vmc_diskdump *d = vmc__calloc(1, sizeof(*d));
	vmc_status st;

	if (!d)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = open_any(d, src, e);
	if (st) {
		vmc_diskdump_free(d);
		return PREFIXED(st, e, "kdump-compressed");
	}
	*out = d;
	return VMC_OK;
}

VMC_EXPORT void vmc_diskdump_free(vmc_diskdump *d)
{
	if (!d)
		return;
	vmc_source_close(d->flat);
	vmc__free(d->ram_map);
	vmc__free(d->dump_map);
	vmc__free(d->rank);
	vmc__free(d->cbuf);
	vmc__free(d->page);
	if (d->zstd)
		vmc__diskdump_zstd_free(d->zstd);
	vmc__free(d);
}

VMC_EXPORT const struct vmc_diskdump_info *
vmc_diskdump_info(const vmc_diskdump *d)
{
	return &d->info;
}

VMC_EXPORT vmc_source *vmc_diskdump_file(vmc_diskdump *d)
{
	return d->src;
}

static vmc_status read_span(vmc_diskdump *d, uint64_t off, uint64_t len,
			    bool nul, uint8_t **out, size_t *olen,
			    vmc_error *e)
{
	uint8_t *b;
	vmc_status st;

	*out = NULL;
	*olen = 0;
	if (!len)
		return VMC_OK;
	if (len > d->stored)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%llu bytes at 0x%llx: more than the "
				     "%llu-byte input holds",
				     (unsigned long long)len,
				     (unsigned long long)off,
				     (unsigned long long)d->stored);
	if (len > SIZE_MAX - 1)
		return vmc_error_set(e, VMC_ERR_NOMEM, "too large");
	b = vmc__malloc((size_t)len + nul);
	if (!b)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_source_read_at(d->src, off, b, (size_t)len, e);
	if (st) {
		vmc__free(b);
		return st;
	}
	if (nul)
		b[len] = '\0';
	*out = b;
	*olen = (size_t)len;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_diskdump_read_notes(vmc_diskdump *d, uint8_t **out,
					      size_t *len, vmc_error *e)
{
	return read_span(d, d->info.offset_note, d->info.size_note, false, out,
			 len, e);
}

VMC_EXPORT vmc_status vmc_diskdump_read_vmcoreinfo(vmc_diskdump *d,
						   char **out, size_t *len,
						   vmc_error *e)
{
	return read_span(d, d->info.offset_vmcoreinfo, d->info.size_vmcoreinfo,
			 true, (uint8_t **)out, len, e);
}

VMC_EXPORT enum vmc_diskdump_page vmc_diskdump_page_state(const vmc_diskdump *d,
							  uint64_t pfn)
{
	const struct vmc_diskdump_info *in = &d->info;

	if (pfn >= in->max_mapnr)
		return VMC_DISKDUMP_PAGE_OUTSIDE;
	if (!vmc__diskdump_bit(d->ram_map, pfn))
		return VMC_DISKDUMP_PAGE_NOT_RAM;
	if (pfn < in->first_pfn || pfn >= in->end_pfn_dumped)
		return VMC_DISKDUMP_PAGE_OUTSIDE;
	return vmc__diskdump_bit(d->dump_map, pfn) ? VMC_DISKDUMP_PAGE_KEPT
						   : VMC_DISKDUMP_PAGE_EXCLUDED;
}

static vmc_status not_kept(const vmc_diskdump *d, uint64_t pfn,
			   enum vmc_diskdump_page ps, vmc_error *e)
{
	char lv[64];

	switch (ps) {
	case VMC_DISKDUMP_PAGE_OUTSIDE:
		if (pfn >= d->info.max_mapnr)
			return vmc_error_set(e, VMC_ERR_NOTFOUND,
					     "pfn 0x%llx is past max_mapnr "
					     "0x%llx", (unsigned long long)pfn,
					     (unsigned long long)
					     d->info.max_mapnr);
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "pfn 0x%llx is in another file of this "
				     "split dump (this one holds [0x%llx, "
				     "0x%llx))", (unsigned long long)pfn,
				     (unsigned long long)d->info.first_pfn,
				     (unsigned long long)d->info.end_pfn_dumped);
	case VMC_DISKDUMP_PAGE_NOT_RAM:
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "pfn 0x%llx is not RAM (first bitmap)",
				     (unsigned long long)pfn);
	default:
		vmc_diskdump_dump_level_str(d->info.dump_level, lv,
					    sizeof(lv));
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "pfn 0x%llx was excluded (dump level %d: "
				     "%s)", (unsigned long long)pfn,
				     d->info.dump_level, lv);
	}
}

static vmc_status load_page(vmc_diskdump *d, uint64_t pfn, uint8_t *buf,
			    vmc_error *e)
{
	const struct vmc_diskdump_info *in = &d->info;
	uint64_t idx = vmc__diskdump_rank(d->dump_map, d->rank, in->first_pfn,
					  pfn);
	uint64_t at = in->desc_off + idx * VMC_DISKDUMP_DESC_SIZE;
	uint8_t raw[VMC_DISKDUMP_DESC_SIZE];
	struct vmc__diskdump_desc pd;
	bool incomplete = in->status & VMC_DISKDUMP_INCOMPLETE;
	vmc_status st;

	if (!span_inside(at, sizeof(raw), 0, in->file_size))
		return vmc_error_set(e, incomplete ? VMC_ERR_NOTFOUND
						   : VMC_ERR_CORRUPT,
				     "descriptor %llu at 0x%llx is past the "
				     "end of the file%s",
				     (unsigned long long)idx,
				     (unsigned long long)at,
				     incomplete ? " (an incomplete dump: the "
				     "page was never written)" : "");
	st = vmc_source_read_at(d->src, at, raw, sizeof(raw), e);
	if (st)
		return st;
	vmc__diskdump_decode_desc(in, raw, &pd);
	/* cache_page: offset 0 is a page an incomplete dump never wrote. */
	if (pd.offset == 0)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "descriptor %llu has offset 0: the page "
				     "was never written (incomplete dump)",
				     (unsigned long long)idx);
	if (pd.offset < 0 || pd.size == 0 || pd.size > in->block_size ||
	    !span_inside((uint64_t)pd.offset, pd.size, 0, in->file_size))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "descriptor %llu at 0x%llx: offset "
				     "0x%llx size %u is outside the file or "
				     "larger than a page",
				     (unsigned long long)idx,
				     (unsigned long long)at,
				     (unsigned long long)pd.offset, pd.size);
	st = vmc_source_read_at(d->src, (uint64_t)pd.offset, d->cbuf, pd.size,
				e);
	if (st)
		return st;
	if ((pd.flags & VMC_DISKDUMP_ZSTD) && !d->zstd) {
		d->zstd = vmc__diskdump_zstd_new();
		if (!d->zstd)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	st = vmc__diskdump_decompress(pd.flags, d->cbuf, pd.size, buf,
				      in->block_size, d->zstd, e);
	return st ? PREFIXED(st, e, "descriptor %llu (offset 0x%llx, size "
			     "%u, flags 0x%x)", (unsigned long long)idx,
			     (unsigned long long)pd.offset, pd.size,
			     pd.flags) : VMC_OK;
}

VMC_EXPORT vmc_status vmc_diskdump_read_page(vmc_diskdump *d, uint64_t pfn,
					     void *buf, vmc_error *e)
{
	enum vmc_diskdump_page ps = vmc_diskdump_page_state(d, pfn);
	vmc_status st;

	if (ps != VMC_DISKDUMP_PAGE_KEPT)
		return not_kept(d, pfn, ps, e);
	if (!(d->page_valid && d->page_pfn == pfn)) {
		d->page_valid = false;
		st = load_page(d, pfn, d->page, e);
		if (st)
			return PREFIXED(st, e, "pfn 0x%llx",
					(unsigned long long)pfn);
		d->page_valid = true;
		d->page_pfn = pfn;
	}
	memcpy(buf, d->page, d->info.block_size);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_diskdump_read_phys(vmc_diskdump *d, uint64_t paddr,
					     void *buf, size_t len,
					     enum vmc_diskdump_missing missing,
					     vmc_error *e)
{
	uint64_t bs = d->info.block_size;
	uint8_t *out = buf;

	while (len) {
		uint64_t pfn = paddr / bs, in_page = paddr % bs;
		size_t n = bs - in_page < len ? (size_t)(bs - in_page) : len;
		enum vmc_diskdump_page ps = vmc_diskdump_page_state(d, pfn);

		if (ps != VMC_DISKDUMP_PAGE_KEPT) {
			if (missing != VMC_DISKDUMP_MISSING_ZERO)
				return PREFIXED(not_kept(d, pfn, ps, e), e,
						"physical address 0x%llx",
						(unsigned long long)paddr);
			memset(out, 0, n);
		} else {
			vmc_status st = vmc_diskdump_read_page(d, pfn, d->cbuf,
							       e);

			if (st)
				return PREFIXED(st, e, "physical address "
						"0x%llx",
						(unsigned long long)paddr);
			memcpy(out, d->cbuf + in_page, n);
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return VMC_OK;
}

struct phys_source {
	vmc_source base;
	vmc_diskdump *d;
	enum vmc_diskdump_missing missing;
};

static vmc_status phys_read_at(vmc_source *s, uint64_t off, void *buf,
			       size_t len, vmc_error *e)
{
	struct phys_source *p = (struct phys_source *)s;

	return vmc_diskdump_read_phys(p->d, off, buf, len, p->missing, e);
}

static uint64_t phys_size(const vmc_source *s)
{
	const struct vmc_diskdump_info *in =
		&((const struct phys_source *)s)->d->info;

	return in->max_mapnr > UINT64_MAX / in->block_size
	       ? UINT64_MAX : in->max_mapnr * in->block_size;
}

static void phys_close(vmc_source *s)
{
	vmc__free(s);
}

static const struct vmc_source_ops phys_ops = {
	.version = VMC_SOURCE_OPS_VERSION,
	.kind = "kdump-compressed physical memory",
	.read_at = phys_read_at,
	.size = phys_size,
	.close = phys_close,
};

VMC_EXPORT vmc_status vmc_diskdump_phys_source_new(vmc_source **out,
						   vmc_diskdump *d,
						   enum vmc_diskdump_missing
						   missing, vmc_error *e)
{
	struct phys_source *p = vmc__calloc(1, sizeof(*p));

	if (!p)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	p->base.ops = &phys_ops;
	p->d = d;
	p->missing = missing;
	*out = &p->base;
	return VMC_OK;
}
