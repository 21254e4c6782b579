// SPDX-License-Identifier: MIT
/*
 * The kdump-compressed reader: the four decompressors against their
 * libraries' compressors, the seed files cut from real makedumpfile
 * output (little and big endian, i386, flattened) read alike, and
 * malformed headers refused with what is wrong.
 *
 * argv[1]: fuzz/seeds/diskdump_header (tests/data/diskdump/
 * make-fuzz-seeds.py made them from makedumpfile -c and -l files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "unit.h"
#include "vmcorekit/vmcorekit.h"
#include "diskdump/diskdump_priv.h"

#define BS 4096

static void fill_page(uint8_t *p)
{
	for (int i = 0; i < BS; i++)
		p[i] = (uint8_t)(i % 7 == 0 ? i * 13 : i / 64);
}

static void test_decompress(void)
{
	uint8_t page[BS], c[2 * BS], out[BS], wrk[LZO1X_1_MEM_COMPRESS];
	size_t n;
	uLongf zn = sizeof(c);
	lzo_uint ln = sizeof(c);
	vmc_error e = { 0 };
	void *ctx = vmc__diskdump_zstd_new();

	fill_page(page);
	t_case("zlib (compress2 level 1, as write_kdump_pages_cyclic)");
	compress2(c, &zn, page, BS, Z_BEST_SPEED);
	memset(out, 0, BS);
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_ZLIB, c, zn, out, BS,
					  NULL, &e), VMC_OK, &e);
	CHECK(!memcmp(out, page, BS), "zlib round trip");
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_ZLIB, c, zn - 1, out,
					  BS, NULL, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "zlib");

	t_case("lzo1x_1");
	lzo_init();
	lzo1x_1_compress(page, BS, c, &ln, wrk);
	memset(out, 0, BS);
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_LZO, c, ln, out, BS,
					  NULL, &e), VMC_OK, &e);
	CHECK(!memcmp(out, page, BS), "lzo round trip");
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_LZO, c, ln, out,
					  BS / 2, NULL, &e), VMC_ERR_CORRUPT,
		 &e);

	t_case("snappy");
	n = sizeof(c);
	snappy_compress((const char *)page, BS, (char *)c, &n);
	memset(out, 0, BS);
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_SNAPPY, c, n, out, BS,
					  NULL, &e), VMC_OK, &e);
	CHECK(!memcmp(out, page, BS), "snappy round trip");
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_SNAPPY, c, n, out,
					  BS * 2 - BS, NULL, &e), VMC_OK, &e);

	t_case("zstd level 1, with and without a context");
	n = ZSTD_compress(c, sizeof(c), page, BS, 1);
	memset(out, 0, BS);
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_ZSTD, c, n, out, BS,
					  ctx, &e), VMC_OK, &e);
	CHECK(!memcmp(out, page, BS), "zstd round trip");
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_ZSTD, c, n / 2, out, BS,
					  NULL, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "zstd");

	t_case("stored and mixed");
	CHECK_ST(vmc__diskdump_decompress(0, page, BS, out, BS, NULL, &e),
		 VMC_OK, &e);
	CHECK_ST(vmc__diskdump_decompress(0, page, BS - 1, out, BS, NULL, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc__diskdump_decompress(VMC_DISKDUMP_ZLIB | VMC_DISKDUMP_LZO,
					  c, n, out, BS, NULL, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "more than one compression");
	vmc__diskdump_zstd_free(ctx);
}

static uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	uint8_t *b;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Open @name and keep its VMCOREINFO and its eight pages. */
static bool read_seed(const char *dir, const char *name, char **vi,
		      uint8_t *pages, struct vmc_diskdump_info *info)
{
	size_t len, vlen;
	uint8_t *f = slurp(dir, name, &len);
	vmc_source *src = NULL;
	vmc_diskdump *d = NULL;
	vmc_error e = { 0 };
	bool ok = false;

	t_case("seed %s", name);
	if (!f) {
		CHECK(0, "cannot read %s/%s", dir, name);
		return false;
	}
	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_diskdump_open(&d, src, &e), VMC_OK, &e);
	if (d) {
		*info = *vmc_diskdump_info(d);
		CHECK_U64(info->kept_pages, 8);
		CHECK_U64(info->ram_pages, 64);
		CHECK_ST(vmc_diskdump_read_vmcoreinfo(d, vi, &vlen, &e), VMC_OK,
			 &e);
		ok = true;
		for (uint64_t p = 0; p < 8; p++) {
			CHECK_ST(vmc_diskdump_read_page(d, p, pages + p * BS,
							&e), VMC_OK, &e);
		}
		CHECK_ST(vmc_diskdump_read_page(d, 8, pages, &e),
			 VMC_ERR_NOTFOUND, &e);
		CHECK_MSG(&e, "excluded (dump level 31: zero,cache,"
			  "cache-private,user,free)");
		CHECK_ST(vmc_diskdump_read_page(d, 64, pages, &e),
			 VMC_ERR_NOTFOUND, &e);
		CHECK_MSG(&e, "past max_mapnr");
		vmc_diskdump_free(d);
	}
	vmc_source_close(src);
	free(f);
	return ok;
}

static void test_seeds(const char *dir)
{
	static const char *const names[] = { "be-s390x.kdump", "i386.kdump",
					     "flat.kdump" };
	uint8_t *ref = calloc(8, BS), *got = calloc(8, BS);
	struct vmc_diskdump_info ri, gi;
	char *rvi = NULL, *gvi = NULL;

	if (!read_seed(dir, "le-zlib-lzo.kdump", &rvi, ref, &ri))
		goto out;
	CHECK(ri.order == VMC_LE && ri.abi == VMC_DISKDUMP_LP64, "LE LP64");
	CHECK(ri.id.machine == VMC_EM_X86_64, "x86_64");
	CHECK(rvi && strstr(rvi, "OSRELEASE=6.12"), "VMCOREINFO");
	CHECK_U64(ri.header_version, 6);
	for (size_t i = 0; i < 3; i++) {
		memset(got, 0, 8 * BS);
		if (!read_seed(dir, names[i], &gvi, got, &gi))
			continue;
		CHECK(!memcmp(ref, got, 8 * BS), "same pages as the LE file");
		CHECK(gvi && !strcmp(gvi, rvi), "same VMCOREINFO");
		CHECK_STR(gi.release, ri.release);
		CHECK_U64(gi.tv_sec, ri.tv_sec);
		CHECK_U64(gi.offset_note, ri.offset_note);
		vmc_buf_free(gvi);
		gvi = NULL;
	}
	CHECK(gi.container == VMC_DISKDUMP_FLAT, "flat last");
out:
	vmc_buf_free(rvi);
	free(ref);
	free(got);
}

static void test_malformed(const char *dir)
{
	size_t len;
	uint8_t *f = slurp(dir, "le-zlib-lzo.kdump", &len), *g;
	vmc_source *src;
	vmc_diskdump *d = NULL;
	vmc_error e = { 0 };
	static const struct {
		size_t off, width;
		uint64_t val;
		vmc_status st;
		const char *msg;
	} bad[] = {
		{ 8, 4, 0x12345678, VMC_ERR_CORRUPT, "header_version" },
		{ 428, 4, 1000, VMC_ERR_CORRUPT, "block_size 1000" },
		{ 436, 4, 3, VMC_ERR_CORRUPT, "bitmap_blocks 3" },
		{ 432, 4, 0, VMC_ERR_CORRUPT, "sub_hdr_size is 0" },
		{ 432, 4, 1u << 20, VMC_ERR_CORRUPT, "the bitmaps" },
		{ 4096 + 96, 8, 1u << 20, VMC_ERR_CORRUPT, "max_mapnr 1048576" },
		{ 4096 + 56, 8, 1u << 30, VMC_ERR_CORRUPT, "size_note" },
		{ 4096 + 12, 4, 1, VMC_ERR_CORRUPT, "split file" },
		{ 272, 4, 0x6b6e7a, VMC_ERR_UNSUPPORTED, "unknown machine" },
		{ 0, 8, 0x504d55444b534944ull, VMC_ERR_UNSUPPORTED,
		  "DISKDUMP" },
	};

	if (!f)
		return;
	g = malloc(len);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_case("malformed: %s", bad[i].msg);
		memcpy(g, f, len);
		if (bad[i].width == 4)
			vmc_put32(VMC_LE, g + bad[i].off, (uint32_t)bad[i].val);
		else
			vmc_put64(VMC_LE, g + bad[i].off, bad[i].val);
		vmc_source_new_buffer(&src, g, len, NULL);
		CHECK_ST(vmc_diskdump_open(&d, src, &e), bad[i].st, &e);
		CHECK_MSG(&e, bad[i].msg);
		vmc_source_close(src);
	}
	t_case("a descriptor pointing past the end");
	memcpy(g, f, len);
	vmc_put64(VMC_LE, g + 4 * 4096 + 24 * 2, len);	/* pfn 2 */
	vmc_source_new_buffer(&src, g, len, NULL);
	CHECK_ST(vmc_diskdump_open(&d, src, &e), VMC_OK, &e);
	if (d) {
		uint8_t page[BS];

		CHECK_ST(vmc_diskdump_read_page(d, 2, page, &e),
			 VMC_ERR_CORRUPT, &e);
		CHECK_MSG(&e, "outside the file");
		CHECK_ST(vmc_diskdump_read_page(d, 1, page, &e), VMC_OK, &e);
		vmc_diskdump_free(d);
	}
	vmc_source_close(src);
	t_case("flattened: truncated stream");
	free(f);
	f = slurp(dir, "flat.kdump", &len);
	if (f) {
		vmc_source_new_buffer(&src, f, len - 16, NULL);
		CHECK_ST(vmc_diskdump_open(&d, src, &e), VMC_ERR_CORRUPT, &e);
		CHECK_MSG(&e, "without its end record");
		vmc_source_close(src);
	}
	free(g);
	free(f);
}

int main(int argc, char **argv)
{
	char lv[80];

	test_decompress();
	t_case("dump level names");
	vmc_diskdump_dump_level_str(17, lv, sizeof(lv));
	CHECK_STR(lv, "zero,free");
	vmc_diskdump_dump_level_str(0, lv, sizeof(lv));
	CHECK_STR(lv, "none");
	if (argc > 1) {
		test_seeds(argv[1]);
		test_malformed(argv[1]);
	}
	return t_finish();
}
