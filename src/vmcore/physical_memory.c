// SPDX-License-Identifier: MIT
/*
 * A physical address space over memory sources.
 *
 *   maps:     sorted, non-overlapping [start, end) -> source window or zeros
 *   not_ram:  sorted, merged [start, end) that read as zeros (pfn_is_ram)
 *
 * A lookup is two binary searches; a span never crosses a map or not-RAM
 * boundary, so callers can treat it as one uniform stretch.
 */
#include <string.h>

#include "vmcorekit/physical_memory.h"
#include "vmcorekit/sys/source.h"
#include "base/compiler.h"

struct pmap {
	uint64_t start, end;
	vmc_source *src;	/* NULL: zeros */
	uint64_t src_off;
	int fd;
};

struct prange {
	uint64_t start, end;
};

struct vmc_physmem {
	struct pmap *maps;
	size_t nr_maps, cap_maps;
	struct prange *not_ram;
	size_t nr_not_ram, cap_not_ram;
	vmc_source **owned;
	size_t nr_owned, cap_owned;
	bool allow_holes;
};

VMC_EXPORT vmc_status vmc_physmem_new(vmc_physmem **out, vmc_error *e)
{
	vmc_physmem *pm = vmc__calloc(1, sizeof(*pm));

	if (!pm)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	*out = pm;
	return VMC_OK;
}

VMC_EXPORT void vmc_physmem_free(vmc_physmem *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nr_owned; i++)
		vmc_source_close(pm->owned[i]);
	vmc__free(pm->owned);
	vmc__free(pm->maps);
	vmc__free(pm->not_ram);
	vmc__free(pm);
}

VMC_EXPORT vmc_status vmc_physmem_own(vmc_physmem *pm, vmc_source *src,
				      vmc_error *e)
{
	if (!VMC_GROW(pm->owned, pm->cap_owned, pm->nr_owned + 1, 16)) {
		vmc_source_close(src);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	pm->owned[pm->nr_owned++] = src;
	return VMC_OK;
}

VMC_EXPORT void vmc_physmem_set_allow_holes(vmc_physmem *pm, bool allow)
{
	pm->allow_holes = allow;
}

/* First map with end > paddr (maps are sorted and disjoint). */
static size_t map_search(const vmc_physmem *pm, uint64_t paddr)
{
	size_t lo = 0, hi = pm->nr_maps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->maps[mid].end <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static vmc_status insert_map(vmc_physmem *pm, const struct pmap *m,
			     vmc_error *e)
{
	size_t i;

	if (m->end <= m->start)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "empty or wrapping physical range at "
				     "0x%llx", (unsigned long long)m->start);
	i = map_search(pm, m->start);
	if (i < pm->nr_maps && pm->maps[i].start < m->end)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "physical range [0x%llx, 0x%llx) overlaps "
				     "the mapping [0x%llx, 0x%llx)",
				     (unsigned long long)m->start,
				     (unsigned long long)m->end,
				     (unsigned long long)pm->maps[i].start,
				     (unsigned long long)pm->maps[i].end);
	if (!VMC_GROW(pm->maps, pm->cap_maps, pm->nr_maps + 1, 16))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memmove(&pm->maps[i + 1], &pm->maps[i],
		(pm->nr_maps - i) * sizeof(*pm->maps));
	pm->maps[i] = *m;
	pm->nr_maps++;
	return VMC_OK;
}

/* A window of @src for physical [paddr, paddr+len): @what names the
 * caller in the message ("mapping", "overlaying"). */
static vmc_status check_window(uint64_t paddr, uint64_t len,
			       const vmc_source *src, uint64_t src_off,
			       const char *what, vmc_error *e)
{
	uint64_t size = vmc_source_size(src);

	if (len == 0 || paddr + len < paddr)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "bad physical range 0x%llx + 0x%llx",
				     (unsigned long long)paddr,
				     (unsigned long long)len);
	if (!vmc__in_bounds(src_off, len, size))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "the %s source has 0x%llx bytes; %s "
				     "[0x%llx, 0x%llx) needs 0x%llx bytes from "
				     "offset 0x%llx (truncated image?)",
				     vmc_source_kind(src),
				     (unsigned long long)size, what,
				     (unsigned long long)paddr,
				     (unsigned long long)(paddr + len),
				     (unsigned long long)len,
				     (unsigned long long)src_off);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_physmem_map(vmc_physmem *pm, uint64_t paddr,
				      uint64_t len, vmc_source *src,
				      uint64_t src_off, vmc_error *e)
{
	struct pmap m = { paddr, paddr + len, src, src_off,
			  vmc_source_fd(src) };
	vmc_status st = check_window(paddr, len, src, src_off, "mapping", e);

	return st ? st : insert_map(pm, &m, e);
}

VMC_EXPORT vmc_status vmc_physmem_map_zero(vmc_physmem *pm, uint64_t start,
					   uint64_t end, vmc_error *e)
{
	struct pmap m = { start, end, NULL, 0, -1 };

	return insert_map(pm, &m, e);
}

/*
 * Maps i..j-1 meet [start, end): they become [left part of i] [new]
 * [right part of j-1]; a right part keeps its source position.
 */
VMC_EXPORT vmc_status vmc_physmem_overlay(vmc_physmem *pm, uint64_t paddr,
					  uint64_t len, vmc_source *src,
					  uint64_t src_off, vmc_error *e)
{
	uint64_t end = paddr + len;
	struct pmap m = { paddr, end, src, src_off, vmc_source_fd(src) };
	struct pmap left, right;
	size_t i, j, k = 0;
	bool has_left, has_right;
	vmc_status st = check_window(paddr, len, src, src_off, "overlaying",
				     e);

	if (st)
		return st;
	if (!VMC_GROW(pm->maps, pm->cap_maps, pm->nr_maps + 2, 16))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	i = map_search(pm, paddr);
	for (j = i; j < pm->nr_maps && pm->maps[j].start < end; j++)
		;
	has_left = i < j && pm->maps[i].start < paddr;
	has_right = i < j && pm->maps[j - 1].end > end;
	if (has_left) {
		left = pm->maps[i];
		left.end = paddr;
	}
	if (has_right) {
		right = pm->maps[j - 1];
		if (right.src)
			right.src_off += end - right.start;
		right.start = end;
	}
	k = has_left + 1 + has_right;
	memmove(&pm->maps[i + k], &pm->maps[j],
		(pm->nr_maps - j) * sizeof(*pm->maps));
	pm->nr_maps = pm->nr_maps - (j - i) + k;
	if (has_left)
		pm->maps[i++] = left;
	pm->maps[i++] = m;
	if (has_right)
		pm->maps[i] = right;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_physmem_add_not_ram(vmc_physmem *pm, uint64_t start,
					      uint64_t end, vmc_error *e)
{
	size_t i = 0, j;

	if (end <= start)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "empty not-RAM range at 0x%llx",
				     (unsigned long long)start);
	/* Merge with every range it touches, keep the list sorted. */
	while (i < pm->nr_not_ram && pm->not_ram[i].end < start)
		i++;
	j = i;
	while (j < pm->nr_not_ram && pm->not_ram[j].start <= end) {
		if (pm->not_ram[j].start < start)
			start = pm->not_ram[j].start;
		if (pm->not_ram[j].end > end)
			end = pm->not_ram[j].end;
		j++;
	}
	if (j == i) {
		if (!VMC_GROW(pm->not_ram, pm->cap_not_ram,
			      pm->nr_not_ram + 1, 16))
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		memmove(&pm->not_ram[i + 1], &pm->not_ram[i],
			(pm->nr_not_ram - i) * sizeof(*pm->not_ram));
		pm->nr_not_ram++;
	} else if (j > i + 1) {
		memmove(&pm->not_ram[i + 1], &pm->not_ram[j],
			(pm->nr_not_ram - j) * sizeof(*pm->not_ram));
		pm->nr_not_ram -= j - i - 1;
	}
	pm->not_ram[i] = (struct prange){ start, end };
	return VMC_OK;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

VMC_EXPORT vmc_status vmc_physmem_lookup(const vmc_physmem *pm,
					 uint64_t paddr, uint64_t maxlen,
					 struct vmc_mem_span *out, vmc_error *e)
{
	size_t lo = 0, hi = pm->nr_not_ram, i;
	const struct pmap *m;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	out->paddr = paddr;
	/* No mapping reaches the byte at 2^64-1 (ends are exclusive), so it
	 * is a span of its own; a span of 0 bytes would stall every caller's
	 * loop (found by fuzz/fuzz_dump: a PT_NOTE at 0xffffffffffffff00). */
	if (maxlen > UINT64_MAX - paddr)
		maxlen = paddr == UINT64_MAX ? 1 : UINT64_MAX - paddr;
	/* Not RAM first: it wins over any mapping. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->not_ram[mid].end <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pm->nr_not_ram) {
		const struct prange *r = &pm->not_ram[lo];

		if (r->start <= paddr) {
			out->kind = VMC_SPAN_ZERO;
			out->len = min64(maxlen, r->end - paddr);
			return VMC_OK;
		}
		maxlen = min64(maxlen, r->start - paddr);
	}
	i = map_search(pm, paddr);
	m = i < pm->nr_maps ? &pm->maps[i] : NULL;
	if (m && m->start <= paddr) {
		out->len = min64(maxlen, m->end - paddr);
		if (!m->src) {
			out->kind = VMC_SPAN_ZERO;
			return VMC_OK;
		}
		out->kind = VMC_SPAN_SOURCE;
		out->src = m->src;
		out->src_off = m->src_off + (paddr - m->start);
		out->fd = m->fd;
		return VMC_OK;
	}
	out->len = m ? min64(maxlen, m->start - paddr) : maxlen;
	if (!pm->allow_holes)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "physical memory [0x%llx, 0x%llx) is not "
				     "covered by any memory source",
				     (unsigned long long)paddr,
				     (unsigned long long)(paddr + out->len));
	out->kind = VMC_SPAN_HOLE;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_mem_span_read(const struct vmc_mem_span *s,
					void *buf, vmc_error *e)
{
	vmc_status st;

	switch (s->kind) {
	case VMC_SPAN_SOURCE:
		st = vmc_source_read_at(s->src, s->src_off, buf, (size_t)s->len,
					e);
		return st ? PREFIXED(st, e, "physical 0x%llx",
				     (unsigned long long)s->paddr) : VMC_OK;
	case VMC_SPAN_BYTES:
		memcpy(buf, s->bytes, (size_t)s->len);
		return VMC_OK;
	default:
		memset(buf, 0, (size_t)s->len);
		return VMC_OK;
	}
}

VMC_EXPORT vmc_status vmc_physmem_read(const vmc_physmem *pm, uint64_t paddr,
				       void *buf, size_t len, vmc_error *e)
{
	uint8_t *p = buf;

	if (len && paddr + len - 1 < paddr)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "read of %zu bytes at 0x%llx wraps", len,
				     (unsigned long long)paddr);
	while (len) {
		struct vmc_mem_span s;
		vmc_status st = vmc_physmem_lookup(pm, paddr, len, &s, e);

		if (!st)
			st = vmc_mem_span_read(&s, p, e);
		if (st)
			return st;
		p += s.len;
		paddr += s.len;
		len -= (size_t)s.len;
	}
	return VMC_OK;
}

VMC_EXPORT size_t vmc_physmem_nr_maps(const vmc_physmem *pm)
{
	return pm->nr_maps;
}

VMC_EXPORT void vmc_physmem_get_map(const vmc_physmem *pm, size_t i,
				    uint64_t *start, uint64_t *end,
				    bool *is_zero)
{
	*start = pm->maps[i].start;
	*end = pm->maps[i].end;
	*is_zero = pm->maps[i].src == NULL;
}
