// SPDX-License-Identifier: MIT
/*
 * The page bitmaps: bit pfn & 7 of byte pfn >> 3, set for a page the
 * first bitmap calls RAM and the second calls dumped (makedumpfile.c
 * set_bitmap; crash diskdump.c page_is_ram, page_is_dumpable).
 *
 * The page descriptors hold one entry per set bit of the second bitmap,
 * in pfn order, from the file's first pfn (start_pfn of a split file,
 * else 0).  Finding a page's descriptor is a rank query: crash keeps the
 * count per BITMAP_SECT_LEN pfns (read_dump_header's valid_pages) and
 * counts the rest bit by bit (pfn_to_pos); so does this, per
 * VMC_DISKDUMP_SECT_BITS pfns and byte by byte.
 */
#include "base/compiler.h"
#include "diskdump/diskdump_priv.h"

uint64_t vmc__diskdump_popcount(const uint8_t *map, uint64_t from,
				uint64_t to)
{
	uint64_t n = 0, pfn = from;

	while (pfn < to && (pfn & 7))
		n += vmc__diskdump_bit(map, pfn++);
	for (; pfn + 64 <= to; pfn += 64) {
		const uint8_t *p = map + (pfn >> 3);
		uint64_t w = 0;

		for (unsigned i = 0; i < 8; i++)
			w |= (uint64_t)p[i] << (8 * i);
		n += (uint64_t)__builtin_popcountll(w);
	}
	for (; pfn + 8 <= to; pfn += 8)
		n += (uint64_t)__builtin_popcount(map[pfn >> 3]);
	while (pfn < to)
		n += vmc__diskdump_bit(map, pfn++);
	return n;
}

vmc_status vmc__diskdump_rank_build(const uint8_t *map, uint64_t first,
				    uint64_t end, uint64_t **rank,
				    uint64_t *total, vmc_error *e)
{
	uint64_t nsect = (end - first + VMC_DISKDUMP_SECT_BITS - 1) /
			 VMC_DISKDUMP_SECT_BITS;
	uint64_t *r;

	if (nsect + 1 > SIZE_MAX / sizeof(*r))
		return vmc_error_set(e, VMC_ERR_NOMEM, "bitmap too large");
	r = vmc__calloc((size_t)nsect + 1, sizeof(*r));
	if (!r)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (uint64_t i = 0; i < nsect; i++) {
		uint64_t a = first + i * VMC_DISKDUMP_SECT_BITS;
		uint64_t b = end - a < VMC_DISKDUMP_SECT_BITS
			     ? end : a + VMC_DISKDUMP_SECT_BITS;

		r[i + 1] = r[i] + vmc__diskdump_popcount(map, a, b);
	}
	*total = r[nsect];
	*rank = r;
	return VMC_OK;
}

uint64_t vmc__diskdump_rank(const uint8_t *map, const uint64_t *rank,
			    uint64_t first, uint64_t pfn)
{
	uint64_t sect = (pfn - first) / VMC_DISKDUMP_SECT_BITS;
	uint64_t from = first + sect * VMC_DISKDUMP_SECT_BITS;

	return rank[sect] + vmc__diskdump_popcount(map, from, pfn);
}
