// SPDX-License-Identifier: MIT
/*
 * One page through each decompressor from arbitrary bytes: the first
 * byte chooses the descriptor flags (stored, zlib, lzo, snappy, zstd or a
 * mixture) and the page size, the rest is the compressed page.  The
 * output must be exactly one page; nothing may write past it.
 */
#include "vmcorekit/vmcorekit.h"
#include "diskdump/diskdump_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t flags[] = { 0, VMC_DISKDUMP_ZLIB,
		VMC_DISKDUMP_LZO, VMC_DISKDUMP_SNAPPY, VMC_DISKDUMP_ZSTD,
		VMC_DISKDUMP_ZLIB | VMC_DISKDUMP_LZO, VMC_DISKDUMP_ZSTD, 0 };
	struct fuzz_in in = { data, size };
	unsigned sel = (unsigned)fuzz_take(&in, 1);
	size_t page = (sel & 0x10) ? 16384 : 4096;
	uint8_t *out = malloc(page), *src = malloc(in.n ? in.n : 1);
	void *ctx = (sel & 0x20) ? vmc__diskdump_zstd_new() : NULL;

	if (out && src) {
		/* A copy of exactly in.n bytes, so ASan sees overreads. */
		memcpy(src, in.p, in.n);
		vmc__diskdump_decompress(flags[sel & 7], src, in.n, out, page,
					 ctx, NULL);
	}
	if (ctx)
		vmc__diskdump_zstd_free(ctx);
	free(src);
	free(out);
	return 0;
}
