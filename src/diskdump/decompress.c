// SPDX-License-Identifier: MIT
/*
 * One page through its compression, as crash's diskdump.c cache_page
 * undoes what makedumpfile.c write_kdump_pages_cyclic did: zlib
 * (compress2 level 1), lzo1x_1, snappy, zstd level 1, or stored when
 * compressing did not make the page smaller (flags 0, size = page).
 * Every decoder must give exactly one page.  Pure computation: the
 * libraries allocate through malloc, never do I/O.
 */
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "base/compiler.h"
#include "diskdump/diskdump_priv.h"

void *vmc__diskdump_zstd_new(void)
{
	ZSTD_DCtx *c = ZSTD_createDCtx();

	/* One page per frame (ZSTD_compressCCtx of info->page_size bytes):
	 * a frame asking for a larger window is not makedumpfile's, and
	 * honouring it would allocate up to 128 MiB. */
	if (c && ZSTD_isError(ZSTD_DCtx_setParameter(c, ZSTD_d_windowLogMax,
						     20))) {
		ZSTD_freeDCtx(c);
		return NULL;
	}
	return c;
}

void vmc__diskdump_zstd_free(void *ctx)
{
	ZSTD_freeDCtx(ctx);
}

static vmc_status short_page(const char *how, size_t got, size_t want,
			     vmc_error *e)
{
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "%s gave %zu bytes, not one %zu-byte page", how,
			     got, want);
}

static vmc_status do_zlib(const uint8_t *src, size_t slen, uint8_t *dst,
			  size_t dlen, vmc_error *e)
{
	uLongf out = (uLongf)dlen;
	int rc = uncompress(dst, &out, src, (uLong)slen);

	if (rc != Z_OK)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "zlib uncompress failed (%d)", rc);
	return out == dlen ? VMC_OK : short_page("zlib", out, dlen, e);
}

static vmc_status do_lzo(const uint8_t *src, size_t slen, uint8_t *dst,
			 size_t dlen, vmc_error *e)
{
	lzo_uint out = dlen;
	int rc = lzo1x_decompress_safe(src, slen, dst, &out, NULL);

	if (rc != LZO_E_OK)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "lzo1x_decompress_safe failed (%d)", rc);
	return out == dlen ? VMC_OK : short_page("lzo", out, dlen, e);
}

static vmc_status do_snappy(const uint8_t *src, size_t slen, uint8_t *dst,
			    size_t dlen, vmc_error *e)
{
	size_t out = 0;

	if (snappy_uncompressed_length((const char *)src, slen, &out) !=
	    SNAPPY_OK)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "snappy: no uncompressed length");
	if (out != dlen)
		return short_page("snappy", out, dlen, e);
	if (snappy_uncompress((const char *)src, slen, (char *)dst, &out) !=
	    SNAPPY_OK)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "snappy_uncompress failed");
	return out == dlen ? VMC_OK : short_page("snappy", out, dlen, e);
}

static vmc_status do_zstd(const uint8_t *src, size_t slen, uint8_t *dst,
			  size_t dlen, void *ctx, vmc_error *e)
{
	void *own = ctx ? NULL : vmc__diskdump_zstd_new();
	size_t out;

	if (!ctx && !own)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	out = ZSTD_decompressDCtx(ctx ? ctx : own, dst, dlen, src, slen);
	if (own)
		vmc__diskdump_zstd_free(own);

	if (ZSTD_isError(out))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "zstd: %s", ZSTD_getErrorName(out));
	return out == dlen ? VMC_OK : short_page("zstd", out, dlen, e);
}

vmc_status vmc__diskdump_decompress(uint32_t flags, const uint8_t *src,
				    size_t slen, uint8_t *dst, size_t dlen,
				    void *zstd_ctx, vmc_error *e)
{
	switch (flags & VMC_DISKDUMP_COMPRESSION_MASK) {
	case 0:
		if (slen != dlen)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "stored page of %zu bytes, not "
					     "%zu", slen, dlen);
		memcpy(dst, src, dlen);
		return VMC_OK;
	case VMC_DISKDUMP_ZLIB:
		return do_zlib(src, slen, dst, dlen, e);
	case VMC_DISKDUMP_LZO:
		return do_lzo(src, slen, dst, dlen, e);
	case VMC_DISKDUMP_SNAPPY:
		return do_snappy(src, slen, dst, dlen, e);
	case VMC_DISKDUMP_ZSTD:
		return do_zstd(src, slen, dst, dlen, zstd_ctx, e);
	}
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "page flags 0x%x name more than one compression",
			     flags);
}
