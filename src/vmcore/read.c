// SPDX-License-Identifier: MIT
/*
 * Random access to an assembled dump: a binary search over the sorted
 * extent map, then the bytes (header, notes) or the physical memory behind
 * a PT_LOAD window (fs/proc/vmcore.c __read_vmcore).  The file writer, the
 * tests and any other consumer go through vmc_dump_map.  Device dumps are
 * bytes like the header (fs/proc/vmcore.c vmcoredd_copy_dumps); the
 * extents of an existing vmcore are windows of its file.
 */
#include <string.h>

#include "base/compiler.h"
#include "vmcore/dump_priv.h"

static size_t find_extent(const vmc_dump *d, uint64_t off)
{
	size_t lo = 0, hi = d->nr_ext;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->ext[mid].off + d->ext[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

VMC_EXPORT vmc_status vmc_dump_map(const vmc_dump *d, uint64_t off,
				   uint64_t maxlen, struct vmc_mem_span *out,
				   vmc_error *e)
{
	const struct vmc_dump_extent *x;
	size_t i;
	uint64_t in, len;

	if (off >= d->size)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "offset 0x%llx is past the end of the "
				     "dump (0x%llx bytes)",
				     (unsigned long long)off,
				     (unsigned long long)d->size);
	i = find_extent(d, off);
	x = &d->ext[i];
	in = off - x->off;
	len = x->len - in < maxlen ? x->len - in : maxlen;
	if (x->kind == VMC_EXTENT_MEMORY)
		return vmc_physmem_lookup(d->pm, x->paddr + in, len, out, e);
	memset(out, 0, sizeof(*out));
	out->len = len;
	if (x->kind == VMC_EXTENT_FILE) {
		/* An existing vmcore's own bytes (vmc_dump_open_vmcore), or a
		 * streamed device dump's payload: no fd, so the writer reads
		 * it in chunks and keeps its zero pages as holes. */
		out->kind = VMC_SPAN_SOURCE;
		out->src = x->src ? x->src : d->src;
		out->src_off = x->src_off + in;
		out->fd = x->src ? -1 : d->src_fd;
		return VMC_OK;
	}
	if (x->kind == VMC_EXTENT_ZERO) {
		out->kind = VMC_SPAN_ZERO;
		out->fd = -1;
		return VMC_OK;
	}
	out->kind = VMC_SPAN_BYTES;
	out->bytes = x->bytes + in;
	out->fd = -1;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_dump_read_at(vmc_dump *d, uint64_t off, void *buf,
				       size_t len, vmc_error *e)
{
	uint8_t *p = buf;

	if (!vmc__in_bounds(off, len, d->size))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "read of %zu bytes at 0x%llx is past the "
				     "end of the dump (0x%llx bytes)", len,
				     (unsigned long long)off,
				     (unsigned long long)d->size);
	while (len) {
		struct vmc_mem_span s;
		vmc_status st = vmc_dump_map(d, off, len, &s, e);

		if (!st)
			st = vmc_mem_span_read(&s, p, e);
		if (st)
			return st;
		p += s.len;
		off += s.len;
		len -= (size_t)s.len;
	}
	return VMC_OK;
}

VMC_EXPORT uint64_t vmc_dump_size(const vmc_dump *d)
{
	return d->size;
}

VMC_EXPORT size_t vmc_dump_nr_extents(const vmc_dump *d)
{
	return d->nr_ext;
}

VMC_EXPORT const struct vmc_dump_extent *vmc_dump_extent(const vmc_dump *d,
							 size_t i)
{
	return i < d->nr_ext ? &d->ext[i] : NULL;
}

VMC_EXPORT const vmc_warnings *vmc_dump_warnings(const vmc_dump *d)
{
	return d->warn;
}

VMC_EXPORT void vmc_dump_get_info(const vmc_dump *d, struct vmc_dump_info *out)
{
	*out = d->info;
}
