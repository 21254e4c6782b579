// SPDX-License-Identifier: MIT
/*
 * diskdump_pages KDUMP-FILE ELF-VMCORE: every page the kdump-compressed
 * (or flattened) file kept must read back as the same bytes as the ELF
 * vmcore it was made from (PT_LOAD p_paddr; bytes past p_filesz are
 * zeros).  Prints the counts and the throughput of the diskdump reads.
 * Exit 0 when every kept page matches, 1 on a difference, 3 on errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmcorekit/vmcorekit.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fill @buf with physical page @paddr from the ELF core; false if no
 * PT_LOAD covers it. */
static bool elf_page(vmc_source *src, const vmc_elfcore *c, uint64_t paddr,
		     uint8_t *buf, size_t bs)
{
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
		uint64_t rel, n;

		if (p->type != VMC_PT_LOAD || paddr < p->paddr ||
		    paddr - p->paddr >= p->memsz)
			continue;
		rel = paddr - p->paddr;
		memset(buf, 0, bs);
		n = rel < p->filesz ? p->filesz - rel : 0;
		if (n > bs)
			n = bs;
		if (n && vmc_source_read_at(src, p->offset + rel, buf,
					    (size_t)n, NULL))
			return false;
		return true;
	}
	return false;
}

/* --list: the kept pfns, one per line, then read them all and print the
 * throughput on stderr (bench/diskdump-read.sh). */
static int list_kept(const char *path)
{
	vmc_source *ks;
	vmc_diskdump *d;
	vmc_error e = { 0 };
	uint64_t n = 0;
	uint8_t *a;
	double t;

	if (vmc_source_open_file(&ks, path, &e) ||
	    vmc_diskdump_open(&d, ks, &e)) {
		fprintf(stderr, "diskdump_pages: %s\n", e.msg);
		return 3;
	}
	a = malloc(vmc_diskdump_info(d)->block_size);
	t = now();
	for (uint64_t pfn = 0; a && pfn < vmc_diskdump_info(d)->max_mapnr;
	     pfn++) {
		if (vmc_diskdump_page_state(d, pfn) != VMC_DISKDUMP_PAGE_KEPT)
			continue;
		if (vmc_diskdump_read_page(d, pfn, a, &e)) {
			fprintf(stderr, "diskdump_pages: %s\n", e.msg);
			return 3;
		}
		printf("%" PRIu64 "\n", pfn);
		n++;
	}
	t = now() - t;
	fprintf(stderr, "vmcorekit: %" PRIu64 " pages in %.3f s, %.1f MiB/s\n",
		n, t, n * (double)vmc_diskdump_info(d)->block_size / t / 1048576);
	free(a);
	vmc_diskdump_free(d);
	vmc_source_close(ks);
	return 0;
}

int main(int argc, char **argv)
{
	vmc_source *ks = NULL, *es = NULL;
	vmc_diskdump *d = NULL;
	vmc_elfcore *c = NULL;
	vmc_error e = { 0 };
	uint64_t kept = 0, same = 0, diff = 0, nomap = 0;
	uint8_t *a, *b;
	double t, tread = 0;
	size_t bs;

	if (argc == 3 && !strcmp(argv[2], "--list"))
		return list_kept(argv[1]);
	if (argc != 3) {
		fprintf(stderr, "usage: %s KDUMP-FILE ELF-VMCORE|--list\n",
			argv[0]);
		return 2;
	}
	if (vmc_source_open_file(&ks, argv[1], &e) ||
	    vmc_diskdump_open(&d, ks, &e) ||
	    vmc_source_open_file(&es, argv[2], &e) ||
	    vmc_elfcore_parse(&c, es, &e)) {
		fprintf(stderr, "diskdump_pages: %s\n", e.msg);
		return 3;
	}
	bs = vmc_diskdump_info(d)->block_size;
	a = malloc(bs);
	b = malloc(bs);
	if (!a || !b)
		return 3;
	for (uint64_t pfn = 0; pfn < vmc_diskdump_info(d)->max_mapnr; pfn++) {
		if (vmc_diskdump_page_state(d, pfn) != VMC_DISKDUMP_PAGE_KEPT)
			continue;
		kept++;
		t = now();
		if (vmc_diskdump_read_page(d, pfn, a, &e)) {
			fprintf(stderr, "diskdump_pages: %s\n", e.msg);
			return 3;
		}
		tread += now() - t;
		if (!elf_page(es, c, pfn * bs, b, bs)) {
			if (nomap++ < 5)
				fprintf(stderr, "pfn 0x%" PRIx64 " is kept but "
					"in no PT_LOAD\n", pfn);
			continue;
		}
		if (memcmp(a, b, bs)) {
			if (diff++ < 5)
				fprintf(stderr, "pfn 0x%" PRIx64 " differs\n",
					pfn);
		} else {
			same++;
		}
	}
	printf("%s: %" PRIu64 " kept pages, %" PRIu64 " equal, %" PRIu64
	       " differ, %" PRIu64 " outside the ELF; read %.1f MiB/s "
	       "(%s)\n", argv[1], kept, same, diff, nomap,
	       tread > 0 ? kept * (double)bs / tread / 1048576 : 0.0,
	       vmc_diskdump_compression_name(vmc_diskdump_info(d)->status));
	free(a);
	free(b);
	vmc_elfcore_free(c);
	vmc_diskdump_free(d);
	vmc_source_close(es);
	vmc_source_close(ks);
	return diff || nomap || !kept ? 1 : 0;
}
