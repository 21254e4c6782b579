// SPDX-License-Identifier: MIT
/*
 * diskdump_recompress IN OUT zstd|snappy: rewrite the pages of an
 * uncompressed kdump-compressed file (makedumpfile -d N without -c/-l/-p/-z)
 * as makedumpfile -z / -p would have written them.  Debian's makedumpfile
 * is built without zstd and snappy ("-z option will be ignored"), so this
 * is how the tests get such files from a real vmcore.
 *
 * What makedumpfile does (makedumpfile.c write_kdump_pages_cyclic and
 * write_kdump_page): each kept page is compressed; when the result is
 * smaller than the page it is stored with the descriptor flag
 * DUMP_DH_COMPRESSED_ZSTD (0x20) or _SNAPPY (0x4) and its size, else stored
 * raw (flags 0, size = page); pages that share data (the zero page written
 * first) share it; disk_dump_header.status gets the same flag.  Everything
 * before the descriptor array (headers, VMCOREINFO, notes, bitmaps) is
 * copied unchanged; page descriptors are 24 bytes (offset u64, size u32,
 * flags u32, page_flags u64), little-endian here.  Exit 0 done, 1 bad
 * input, 3 I/O.
 */
#include <inttypes.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "vmcorekit/vmcorekit.h"

#define DESC 24
#define STATUS_OFF 424	/* disk_dump_header.status, LP64 */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int main(int argc, char **argv)
{
	vmc_source *src = NULL;
	vmc_diskdump *d = NULL;
	vmc_error e = { 0 };
	const struct vmc_diskdump_info *in;
	uint8_t *head = NULL, *desc = NULL, *page = NULL, *cbuf = NULL;
	uint64_t *old_off = NULL, *new_desc = NULL, n, data, at, nseen = 0;
	size_t bs, cap;
	int zstd;
	FILE *out = NULL;

	if (argc != 4 || (strcmp(argv[3], "zstd") && strcmp(argv[3], "snappy"))) {
		fprintf(stderr, "usage: diskdump_recompress IN OUT zstd|snappy\n");
		return 2;
	}
	zstd = !strcmp(argv[3], "zstd");
	if (vmc_source_open_file(&src, argv[1], &e) ||
	    vmc_diskdump_open(&d, src, &e)) {
		fprintf(stderr, "diskdump_recompress: %s\n", e.msg);
		return 3;
	}
	in = vmc_diskdump_info(d);
	if (in->container != VMC_DISKDUMP_PLAIN || in->order != VMC_LE ||
	    in->size_eraseinfo) {
		fprintf(stderr, "diskdump_recompress: want a little-endian, "
			"non-flattened file without eraseinfo\n");
		return 1;
	}
	bs = in->block_size;
	n = in->kept_pages;
	data = in->desc_off + n * DESC;
	cap = zstd ? ZSTD_compressBound(bs) : snappy_max_compressed_length(bs);
	head = malloc(in->desc_off);
	desc = malloc(n * DESC);
	page = malloc(bs);
	cbuf = malloc(cap);
	old_off = calloc(n + 1, sizeof(*old_off));
	new_desc = calloc(2 * (n + 1), sizeof(*new_desc));
	out = fopen(argv[2], "wb");
	if (!head || !desc || !page || !cbuf || !old_off || !new_desc || !out ||
	    vmc_source_read_at(src, 0, head, in->desc_off, &e) ||
	    vmc_source_read_at(src, in->desc_off, desc, n * DESC, &e)) {
		fprintf(stderr, "diskdump_recompress: %s\n",
			e.msg[0] ? e.msg : "out of memory or cannot write");
		return 3;
	}
	put_le(head + STATUS_OFF, le64(head + STATUS_OFF) & 0xffffffffu &
	       ~0x27u, 4);
	head[STATUS_OFF] |= zstd ? 0x20 : 0x04;
	fwrite(head, 1, in->desc_off, out);
	at = data;
	for (uint64_t i = 0; i < n; i++) {
		uint8_t *p = desc + i * DESC;
		uint64_t off = le64(p), lo = 0, hi = nseen;
		uint32_t size = (uint32_t)le64(p + 8), flags = (uint32_t)(le64(p + 8) >> 32);
		size_t clen = cap;

		if (flags || size != bs) {
			fprintf(stderr, "diskdump_recompress: page %" PRIu64
				" is already compressed\n", i);
			return 1;
		}
		/* data shared with an earlier descriptor (the zero page) */
		while (lo < hi) {
			uint64_t mid = (lo + hi) / 2;

			if (old_off[mid] < off)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nseen && old_off[lo] == off) {
			put_le(p, new_desc[2 * lo], 8);
			put_le(p + 8, new_desc[2 * lo + 1], 8);
			continue;
		}
		if (nseen && off < old_off[nseen - 1]) {
			fprintf(stderr, "diskdump_recompress: data out of order\n");
			return 1;
		}
		if (vmc_source_read_at(src, off, page, bs, &e)) {
			fprintf(stderr, "diskdump_recompress: %s\n", e.msg);
			return 3;
		}
		if (zstd) {
			size_t r = ZSTD_compress(cbuf, cap, page, bs, 1);

			clen = ZSTD_isError(r) ? bs : r;
		} else if (snappy_compress((const char *)page, bs,
					   (char *)cbuf, &clen) != SNAPPY_OK) {
			clen = bs;
		}
		if (clen < bs) {
			fseeko(out, (off_t)at, SEEK_SET);
			fwrite(cbuf, 1, clen, out);
			flags = zstd ? 0x20 : 0x04;
			size = (uint32_t)clen;
		} else {
			fseeko(out, (off_t)at, SEEK_SET);
			fwrite(page, 1, bs, out);
			size = (uint32_t)bs;
		}
		put_le(p, at, 8);
		put_le(p + 8, (uint64_t)flags << 32 | size, 8);
		old_off[nseen] = off;
		new_desc[2 * nseen] = at;
		new_desc[2 * nseen + 1] = (uint64_t)flags << 32 | size;
		nseen++;
		at += size;
	}
	fseeko(out, (off_t)in->desc_off, SEEK_SET);
	fwrite(desc, 1, n * DESC, out);
	if (fclose(out)) {
		perror(argv[2]);
		return 3;
	}
	printf("%s: %" PRIu64 " pages, %" PRIu64 " data, %" PRIu64 " bytes\n",
	       argv[2], n, nseen, at);
	vmc_diskdump_free(d);
	vmc_source_close(src);
	free(head);
	free(desc);
	free(page);
	free(cbuf);
	free(old_off);
	free(new_desc);
	return 0;
}
