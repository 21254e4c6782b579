// SPDX-License-Identifier: MIT
/*
 * Random reads of a vmcore through the library vs the real file.
 *
 *   bench-random-reads PHYSMEM ELFCOREHDR_ADDR VMCORE [N [SIZE [LIST]]]
 *
 * Opens the dump the kdump kernel would serve -- PHYSMEM (a guest-RAM
 * image) at physical 0, the elfcorehdr at ELFCOREHDR_ADDR in it -- and
 * picks N random SIZE-byte reads (default 100000 x 4096, page aligned)
 * inside its PT_LOAD windows.  Then, best of 3 passes each:
 *
 *   vmc     vmc_dump_read_at(dump, offset)    (extent lookup + pread of
 *                                              the image)
 *   pread   pread(VMCORE, offset)             (the kernel's /proc/vmcore
 *                                              saved to a file, in cache)
 *   image   pread(PHYSMEM, paddr)             (the floor under vmc: the
 *                                              same bytes from the image)
 *
 * and checks that both return the same bytes for every read.  With LIST,
 * writes "offset paddr" per read for bench/random-reads.sh, which times
 * drgn and libkdumpfile on the same physical addresses.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmcorekit/vmcorekit.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void die(const char *what, const vmc_error *e)
{
	fprintf(stderr, "bench-random-reads: %s: %s\n", what, e ? e->msg : "");
	exit(1);
}

int main(int argc, char **argv)
{
	size_t n = argc > 4 ? strtoul(argv[4], NULL, 0) : 100000;
	size_t size = argc > 5 ? strtoul(argv[5], NULL, 0) : 4096;
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	uint64_t addr, *off, *paddr, total = 0;
	vmc_physmem *pm;
	vmc_source *src;
	vmc_hdr_source *hs;
	vmc_dump *d;
	vmc_error e;
	uint8_t *a, *b;
	double best_vmc = 1e9, best_pread = 1e9, best_image = 1e9;
	int fd, ifd;

	if (argc < 4) {
		fprintf(stderr, "usage: %s PHYSMEM ELFCOREHDR_ADDR VMCORE "
			"[N [SIZE [LIST]]]\n", argv[0]);
		return 2;
	}
	if (vmc_parse_u64(argv[2], &addr, &e))
		die("address", &e);
	if (vmc_physmem_new(&pm, &e) ||
	    vmc_source_open_file(&src, argv[1], &e) ||
	    vmc_physmem_own(pm, src, &e) ||
	    vmc_physmem_map(pm, 0, vmc_source_size(src), src, 0,
			    vmc_source_fd(src), &e) ||
	    vmc_hdr_source_new_oldmem(&hs, pm, addr, &e) ||
	    vmc_dump_open(&d, hs, pm, &o, &e))
		die(argv[1], &e);
	vmc_hdr_source_close(hs);
	fd = open(argv[3], O_RDONLY);
	ifd = vmc_source_fd(src);
	if (fd < 0)
		die(argv[3], NULL);

	/* Page-aligned reads, uniformly over the bytes of the PT_LOADs. */
	for (size_t i = 0; i < vmc_dump_nr_extents(d); i++)
		if (vmc_dump_extent(d, i)->kind == VMC_EXTENT_MEMORY)
			total += vmc_dump_extent(d, i)->len / size;
	off = calloc(n, sizeof(*off));
	paddr = calloc(n, sizeof(*paddr));
	a = malloc(size);
	b = malloc(size);
	for (size_t k = 0; k < n; k++) {
		uint64_t pick = next() % total;

		for (size_t i = 0; i < vmc_dump_nr_extents(d); i++) {
			const struct vmc_dump_extent *x = vmc_dump_extent(d, i);
			uint64_t pages = x->len / size;

			if (x->kind != VMC_EXTENT_MEMORY)
				continue;
			if (pick < pages) {
				off[k] = x->off + pick * size;
				paddr[k] = x->paddr + pick * size;
				break;
			}
			pick -= pages;
		}
	}
	/* Same bytes, read by read (untimed; also warms both files). */
	for (size_t k = 0; k < n; k++) {
		if (vmc_dump_read_at(d, off[k], a, size, &e))
			die("vmc_dump_read_at", &e);
		if (pread(fd, b, size, (off_t)off[k]) != (ssize_t)size)
			die("pread", NULL);
		if (memcmp(a, b, size)) {
			fprintf(stderr, "read %zu at 0x%" PRIx64 " differs from "
				"the real vmcore\n", k, off[k]);
			return 1;
		}
	}
	for (int pass = 0; pass < 3; pass++) {
		double t0 = now(), t1, t2, t3;

		for (size_t k = 0; k < n; k++)
			vmc_dump_read_at(d, off[k], a, size, NULL);
		t1 = now();
		for (size_t k = 0; k < n; k++)
			if (pread(fd, b, size, (off_t)off[k]) < 0)
				die("pread", NULL);
		t2 = now();
		for (size_t k = 0; k < n; k++)
			if (pread(ifd, b, size, (off_t)paddr[k]) < 0)
				die("pread", NULL);
		t3 = now();
		if (t3 - t2 < best_image)
			best_image = t3 - t2;
		if (t1 - t0 < best_vmc)
			best_vmc = t1 - t0;
		if (t2 - t1 < best_pread)
			best_pread = t2 - t1;
	}
	if (argc > 6) {
		FILE *f = fopen(argv[6], "w");

		for (size_t k = 0; f && k < n; k++)
			fprintf(f, "%" PRIu64 " %" PRIu64 "\n", off[k], paddr[k]);
		if (f)
			fclose(f);
	}
	printf("dump %" PRIu64 " bytes, %zu extents; %zu reads of %zu bytes, "
	       "all equal to the real vmcore\n", vmc_dump_size(d),
	       vmc_dump_nr_extents(d), n, size);
	printf("vmc_dump_read_at %.3f us/read\n", best_vmc / (double)n * 1e6);
	printf("pread            %.3f us/read\n", best_pread / (double)n * 1e6);
	printf("image-pread      %.3f us/read\n", best_image / (double)n * 1e6);
	free(off);
	free(paddr);
	free(a);
	free(b);
	close(fd);
	vmc_dump_free(d);
	vmc_physmem_free(pm);
	return 0;
}
