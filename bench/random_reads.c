// SPDX-License-Identifier: MIT
/*
 * Random reads of a vmcore through the library vs the real file.
 *
 *   bench-random-reads PHYSMEM ELFCOREHDR_ADDR VMCORE [N [SIZE [LIST]]]
 *
 * Opens the dump the kdump kernel would serve -- PHYSMEM (a guest-RAM
 * image) at physical 0, the elfcorehdr at ELFCOREHDR_ADDR in it -- and
 * picks N random SIZE-byte reads (default 100000 x 4096, page aligned)
 * inside its PT_LOAD windows.  Each read is done three ways in turn, each
 * timed on its own, and the median time per way is printed (a median
 * shrugs off the preemptions of a shared machine; the three ways see the
 * same load because they alternate read by read):
 *
 *   vmc     vmc_dump_read_at(dump, offset)    (extent lookup + pread of
 *                                              the image)
 *   pread   pread(VMCORE, offset)             (the kernel's /proc/vmcore
 *                                              saved to a file, in cache)
 *   image   pread(PHYSMEM, paddr)             (the floor under vmc: the
 *                                              image read directly)
 *
 * and checks that vmc and pread return the same bytes.  With LIST,
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

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), by_value);
	return v[n / 2];
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
	double *tv, *tp, *ti;
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
	    vmc_physmem_map(pm, 0, vmc_source_size(src), src, 0, &e) ||
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
	tv = calloc(n, sizeof(*tv));
	tp = calloc(n, sizeof(*tp));
	ti = calloc(n, sizeof(*ti));
	for (int pass = 0; pass < 2; pass++) {	/* pass 0 warms the cache */
		for (size_t k = 0; k < n; k++) {
			double t0 = now(), t1, t2, t3;

			if (vmc_dump_read_at(d, off[k], a, size, &e))
				die("vmc_dump_read_at", &e);
			t1 = now();
			if (pread(fd, b, size, (off_t)off[k]) != (ssize_t)size)
				die("pread", NULL);
			t2 = now();
			tv[k] = t1 - t0;
			tp[k] = t2 - t1;
			if (memcmp(a, b, size)) {
				fprintf(stderr, "read %zu at 0x%" PRIx64 " differs "
					"from the real vmcore\n", k, off[k]);
				return 1;
			}
			t2 = now();
			/* Another read's page: this one's is now in the CPU
			 * caches, which would flatter the floor. */
			if (pread(ifd, b, size, (off_t)paddr[(k + n / 2) % n]) !=
			    (ssize_t)size)
				die("pread", NULL);
			t3 = now();
			ti[k] = t3 - t2;
		}
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
	printf("vmc_dump_read_at %.3f us/read (median)\n", median(tv, n) * 1e6);
	printf("pread            %.3f us/read (median)\n", median(tp, n) * 1e6);
	printf("image-pread      %.3f us/read (median)\n", median(ti, n) * 1e6);
	free(tv);
	free(tp);
	free(ti);
	free(off);
	free(paddr);
	free(a);
	free(b);
	close(fd);
	vmc_dump_free(d);
	vmc_physmem_free(pm);
	return 0;
}
