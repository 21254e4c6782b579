// SPDX-License-Identifier: MIT
/*
 * makedumpfile's flattened format (-F, for writing to a pipe), read in
 * place as the file makedumpfile -R would rearrange it.
 *
 * makedumpfile.h struct makedumpfile_header in a 4096-byte block
 * (MAX_SIZE_MDF_HEADER): signature "makedumpfile" padded to 16, int64
 * type (TYPE_FLAT_HEADER 1), int64 version; then records of struct
 * makedumpfile_data_header (int64 offset, int64 buf_size) each followed
 * by buf_size bytes for that offset, ended by offset = buf_size = -1
 * (END_FLAG_FLAT_HEADER).  Every int64 is big-endian whatever the host
 * (makedumpfile.c write_start_flat_header, write_buffer,
 * write_end_flat_header).  rearrange_dumpdata writes the records in file
 * order, so where two overlap the later one wins; unwritten gaps are
 * holes, read as zeros.
 */
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/sys/source.h"
#include "base/array.h"
#include "base/compiler.h"
#include "diskdump/diskdump_priv.h"

#define FLAT_HDR_BLOCK 4096
#define FLAT_TYPE 1

struct rec {
	uint64_t off, len, at;	/* rearranged offset, length, file offset */
	uint64_t seq;		/* order in the stream */
	uint64_t maxend;	/* max(off + len) of this and earlier (sorted) */
};

struct flat_source {
	vmc_source base;
	vmc_source *in;
	struct rec *r;
	size_t n;
	uint64_t size;
};

static int by_off(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_seq(const void *a, const void *b)
{
	const struct rec *const *x = a, *const *y = b;

	return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

/* First record whose maxend is past @off (maxend is non-decreasing). */
static size_t first_reaching(const struct flat_source *f, uint64_t off)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->r[mid].maxend > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static vmc_status flat_read_at(vmc_source *s, uint64_t off, void *buf,
			       size_t len, vmc_error *e)
{
	struct flat_source *f = (struct flat_source *)s;
	uint64_t end = off + len;
	const struct rec *stack[16], **hit = stack;
	size_t nhit = 0, cap = ARRAY_SIZE(stack);
	vmc_status st = VMC_OK;

	memset(buf, 0, len);
	for (size_t i = first_reaching(f, off); i < f->n && f->r[i].off < end;
	     i++) {
		if (f->r[i].off + f->r[i].len <= off)
			continue;
		if (nhit == cap) {
			const struct rec **p;

			p = vmc__reallocarray(hit == stack ? NULL : hit,
					      cap * 2, sizeof(*p));
			if (!p) {
				st = vmc_error_set(e, VMC_ERR_NOMEM,
						   "out of memory");
				goto out;
			}
			if (hit == stack)
				memcpy(p, stack, sizeof(stack));
			hit = p;
			cap *= 2;
		}
		hit[nhit++] = &f->r[i];
	}
	if (nhit > 1)
		qsort(hit, nhit, sizeof(*hit), by_seq);
	for (size_t k = 0; k < nhit && !st; k++) {
		const struct rec *r = hit[k];
		uint64_t a = r->off > off ? r->off : off;
		uint64_t b = r->off + r->len < end ? r->off + r->len : end;

		st = vmc_source_read_at(f->in, r->at + (a - r->off),
					(uint8_t *)buf + (a - off),
					(size_t)(b - a), e);
	}
out:
	if (hit != stack)
		vmc__free(hit);
	return st;
}

static uint64_t flat_size(const vmc_source *s)
{
	return ((const struct flat_source *)s)->size;
}

static void flat_close(vmc_source *s)
{
	struct flat_source *f = (struct flat_source *)s;

	vmc__free(f->r);
	vmc__free(f);
}

static const struct vmc_source_ops flat_ops = {
	.version = VMC_SOURCE_OPS_VERSION,
	.kind = "flattened",
	.read_at = flat_read_at,
	.size = flat_size,
	.close = flat_close,
};

static vmc_status check_header(vmc_source *in, vmc_error *e)
{
	uint8_t h[32];
	vmc_status st;

	if (vmc_source_size(in) < FLAT_HDR_BLOCK)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "flattened: shorter than its %d-byte "
				     "header block", FLAT_HDR_BLOCK);
	st = vmc_source_read_at(in, 0, h, sizeof(h), e);
	if (st)
		return st;
	if (memcmp(h, VMC_DISKDUMP_FLAT_SIG, 12) || h[12])
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "flattened: no \"makedumpfile\" "
				     "signature");
	/* read_start_flat_header checks the type only. */
	if (vmc_get64(VMC_BE, h + 16) != FLAT_TYPE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "flattened: type %llu, not 1 "
				     "(TYPE_FLAT_HEADER)",
				     (unsigned long long)vmc_get64(VMC_BE,
								   h + 16));
	return VMC_OK;
}

static vmc_status scan(struct flat_source *f, vmc_error *e)
{
	uint64_t fsize = vmc_source_size(f->in), pos = FLAT_HDR_BLOCK;
	size_t cap = 0;

	for (;;) {
		uint8_t dh[16];
		int64_t off, len;
		vmc_status st;

		if (fsize - pos < sizeof(dh))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "flattened: the stream ends at "
					     "0x%llx without its end record "
					     "(truncated?)",
					     (unsigned long long)pos);
		st = vmc_source_read_at(f->in, pos, dh, sizeof(dh), e);
		if (st)
			return st;
		off = (int64_t)vmc_get64(VMC_BE, dh);
		len = (int64_t)vmc_get64(VMC_BE, dh + 8);
		pos += sizeof(dh);
		if (off == -1 && len == -1)
			return VMC_OK;
		/* rearrange_dumpdata: 0 <= offset and 0 < buf_size. */
		if (off < 0 || len <= 0 || (uint64_t)len > fsize - pos ||
		    (uint64_t)off > UINT64_MAX - (uint64_t)len)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "flattened: record at 0x%llx "
					     "(offset %lld, buf_size %lld) is "
					     "invalid or runs past the end of "
					     "the file",
					     (unsigned long long)(pos - 16),
					     (long long)off, (long long)len);
		if (!VMC_GROW(f->r, cap, f->n + 1, 256))
			return vmc_error_set(e, VMC_ERR_NOMEM,
					     "out of memory");
		f->r[f->n] = (struct rec){ .off = (uint64_t)off,
					   .len = (uint64_t)len, .at = pos,
					   .seq = f->n };
		f->n++;
		pos += (uint64_t)len;
	}
}

VMC_EXPORT vmc_status vmc_diskdump_flat_source_new(vmc_source **out,
						   vmc_source *inner,
						   vmc_error *e)
{
	struct flat_source *f;
	vmc_status st = check_header(inner, e);
	uint64_t maxend = 0;

	if (st)
		return st;
	f = vmc__calloc(1, sizeof(*f));
	if (!f)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	f->base.ops = &flat_ops;
	f->in = inner;
	st = scan(f, e);
	if (st) {
		flat_close(&f->base);
		return st;
	}
	if (f->n > 1)
		qsort(f->r, f->n, sizeof(*f->r), by_off);
	for (size_t i = 0; i < f->n; i++) {
		if (f->r[i].off + f->r[i].len > maxend)
			maxend = f->r[i].off + f->r[i].len;
		f->r[i].maxend = maxend;
	}
	f->size = maxend;
	*out = &f->base;
	return VMC_OK;
}
