// SPDX-License-Identifier: MIT
/*
 * Read every mapped byte of a physical address space once, in large
 * chunks, and look at fixed steps: the VMCOREINFO search (4 KiB pages) and
 * the elfcorehdr search (1 KiB: kexec-tools' add_buffer alignment) share
 * it.  Holes of sparse files are skipped with the source's next_data
 * (SEEK_DATA), so a 64 GiB image that is mostly holes costs its data only.
 */
#include <string.h>

#include "guest/guest_priv.h"
#include "vmcorekit/sys/source.h"
#include "base/compiler.h"

#define WALK_CHUNK (2u << 20)

/* Bytes of holes at the start of a source span (0: data, or unknown). */
static uint64_t data_skip(const struct vmc_mem_span *sp)
{
	uint64_t d;

	if (!sp->src->ops->next_data)
		return 0;
	switch (sp->src->ops->next_data(sp->src, sp->src_off, &d, NULL)) {
	case VMC_OK:
		return d <= sp->src_off ? 0 : d - sp->src_off;
	case VMC_ERR_NOTFOUND:
		return sp->len;
	default:
		return 0;
	}
}

struct walk {
	const vmc_physmem *pm;
	uint64_t step;
	size_t head;
	vmc__guest_walk_fn fn;
	void *arg;
	uint8_t *buf;
	size_t chunk;
	uint64_t bytes;
	bool stop;
};

static vmc_status walk_map(struct walk *w, uint64_t start, uint64_t end,
			   vmc_error *e)
{
	uint64_t addr = align_up_u64(start, w->step);

	if (addr < start)
		return VMC_OK;	/* wrapped */
	while (addr < end && !w->stop) {
		struct vmc_mem_span sp;
		uint64_t skip, n;
		vmc_status st = vmc_physmem_lookup(w->pm, addr, end - addr, &sp,
						   e);

		if (st)
			return st;
		skip = sp.kind == VMC_SPAN_SOURCE ? data_skip(&sp) : sp.len;
		if (skip >= 4096 || skip >= sp.len) {
			skip = skip >= sp.len ? sp.len : align_down_u64(skip, 4096);
			if (end - addr <= skip)
				break;
			addr = align_up_u64(addr + skip, w->step);
			continue;
		}
		n = sp.len < w->chunk ? sp.len : w->chunk;
		if (n > 4096)
			n = align_down_u64(n, 4096);
		st = vmc_physmem_read(w->pm, addr, w->buf, (size_t)n, e);
		if (st)
			return st;
		w->bytes += n;
		for (uint64_t off = 0; off < n && !w->stop; off += w->step) {
			size_t have = n - off < w->head ? (size_t)(n - off)
							 : w->head;

			st = w->fn(w->arg, addr + off, w->buf + off, have, end,
				   &w->stop, e);
			if (st)
				return st;
		}
		if (end - addr <= n)
			break;
		addr = align_up_u64(addr + n, w->step);
	}
	return VMC_OK;
}

vmc_status vmc__guest_walk(const vmc_physmem *pm, uint64_t step, size_t head,
			   vmc__guest_walk_fn fn, void *arg, uint64_t *bytes,
			   vmc_error *e)
{
	struct walk w = { .pm = pm, .step = step, .head = head, .fn = fn,
			  .arg = arg, .chunk = 4096 };
	vmc_status st = VMC_OK;

	/* The chunk buffer: no bigger than the memory there is. */
	for (size_t i = 0; i < vmc_physmem_nr_maps(pm); i++) {
		uint64_t start, end;
		bool zero;

		vmc_physmem_get_map(pm, i, &start, &end, &zero);
		if (!zero && end - start > w.chunk)
			w.chunk = end - start >= WALK_CHUNK
					  ? WALK_CHUNK
					  : (size_t)align_up_u64(end - start,
								 4096);
	}
	w.buf = vmc__malloc(w.chunk);
	if (!w.buf)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < vmc_physmem_nr_maps(pm) && !st && !w.stop; i++) {
		uint64_t start, end;
		bool zero;

		vmc_physmem_get_map(pm, i, &start, &end, &zero);
		if (!zero)
			st = walk_map(&w, start, end, e);
	}
	vmc__free(w.buf);
	if (bytes)
		*bytes = w.bytes;
	return st;
}
