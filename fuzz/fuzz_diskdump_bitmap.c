// SPDX-License-Identifier: MIT
/*
 * The two page bitmaps from arbitrary bytes, inside a valid LP64
 * little-endian header: the first 8 input bytes choose max_mapnr, the
 * split flag and range; the rest is the bitmap blocks.  Every pfn's state
 * and descriptor index (the rank index) is checked against a bit-by-bit
 * count; a mismatch aborts.
 */
#include "vmcorekit/vmcorekit.h"
#include "base/compiler.h"
#include "diskdump/diskdump_priv.h"

#define BS 4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint64_t sel = fuzz_take(&in, 8);
	size_t maplen = in.n > 2 * BS * 4 ? 2 * BS * 4 : in.n;
	size_t blocks = (maplen + 2 * BS - 1) / (2 * BS) * 2, flen;
	uint64_t mapnr, start, end;
	uint8_t *f;
	vmc_source *src;
	vmc_diskdump *d;

	if (!blocks)
		blocks = 2;
	mapnr = (sel & 0xffff) % (blocks / 2 * BS * 8 + 1);
	start = (sel >> 16 & 0xffff) % (mapnr + 1);
	end = start + (sel >> 32 & 0xffff) % (mapnr - start + 1);
	flen = (2 + blocks) * BS;
	f = calloc(1, flen);
	if (!f)
		return 0;
	memcpy(f, "KDUMP   ", 8);
	vmc_put32(VMC_LE, f + 8, 6);
	memcpy(f + 12 + 4 * 65, "x86_64", 6);
	vmc_put32(VMC_LE, f + 428, BS);
	vmc_put32(VMC_LE, f + 432, 1);
	vmc_put32(VMC_LE, f + 436, (uint32_t)blocks);
	vmc_put32(VMC_LE, f + 440, (uint32_t)mapnr);
	if ((sel >> 48 & 1) && start < end) {
		vmc_put32(VMC_LE, f + BS + 12, 1);	/* split */
		vmc_put64(VMC_LE, f + BS + 80, start);
		vmc_put64(VMC_LE, f + BS + 88, end);
	}
	vmc_put64(VMC_LE, f + BS + 96, mapnr);
	memcpy(f + 2 * BS, in.p, maplen);
	if (vmc_source_new_buffer(&src, f, flen, NULL) == VMC_OK) {
		if (vmc_diskdump_open(&d, src, NULL) == VMC_OK) {
			const struct vmc_diskdump_info *info =
				vmc_diskdump_info(d);
			const uint8_t *map1 = f + info->bitmap_off;
			const uint8_t *map2 = map1 + info->bitmap_len;
			uint64_t kept = 0, *rank = NULL, total = 0;

			/* The descriptor index of each page the second bitmap
			 * keeps, by the rank index and by counting; a page is
			 * readable when both bitmaps have it. */
			vmc__diskdump_rank_build(map2, info->first_pfn,
						 info->end_pfn_dumped, &rank,
						 &total, NULL);
			for (uint64_t p = 0; p < info->max_mapnr; p++) {
				bool inr = p >= info->first_pfn &&
					  p < info->end_pfn_dumped;
				bool k = inr && vmc__diskdump_bit(map2, p);
				bool readable = k && vmc__diskdump_bit(map1, p);

				if (readable != (vmc_diskdump_page_state(d, p) ==
						 VMC_DISKDUMP_PAGE_KEPT))
					abort();
				if (!k)
					continue;
				if (rank && vmc__diskdump_rank(map2, rank,
						info->first_pfn, p) != kept)
					abort();
				kept++;
			}
			if (kept != info->kept_pages || (rank && total != kept))
				abort();
			vmc__free(rank);
			vmc_diskdump_free(d);
		}
		vmc_source_close(src);
	}
	free(f);
	return 0;
}
