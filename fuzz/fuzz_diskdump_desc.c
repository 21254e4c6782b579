// SPDX-License-Identifier: MIT
/*
 * Page descriptors and page data from arbitrary bytes, inside a valid
 * LP64 header whose second bitmap keeps 32 pages: the input (after one
 * byte choosing the byte order) is everything from the descriptor array
 * on -- descriptors, then the data they point into.  Every page is read
 * (errors expected; no crash, no read outside the file).
 */
#include "vmcorekit/vmcorekit.h"

#define BS 4096u
#define NPAGES 32u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	enum vmc_order o = fuzz_take(&in, 1) & 1 ? VMC_BE : VMC_LE;
	size_t flen = 4 * BS + in.n;
	uint8_t *f = calloc(1, flen ? flen : 1), *page;
	vmc_source *src;
	vmc_diskdump *d;

	if (!f)
		return 0;
	memcpy(f, "KDUMP   ", 8);
	vmc_put32(o, f + 8, 6);
	memcpy(f + 12 + 4 * 65, o == VMC_BE ? "s390x" : "x86_64",
	       o == VMC_BE ? 5 : 6);
	vmc_put32(o, f + 428, BS);
	vmc_put32(o, f + 432, 1);
	vmc_put32(o, f + 436, 2);
	vmc_put32(o, f + 440, NPAGES);
	vmc_put64(o, f + BS + 96, NPAGES);
	memset(f + 2 * BS, 0xff, NPAGES / 8);		/* RAM */
	memset(f + 3 * BS, 0xff, NPAGES / 8);		/* kept */
	memcpy(f + 4 * BS, in.p, in.n);
	page = malloc(BS);
	if (page && vmc_source_new_buffer(&src, f, flen, NULL) == VMC_OK) {
		if (vmc_diskdump_open(&d, src, NULL) == VMC_OK) {
			for (uint64_t p = 0; p < NPAGES; p++)
				vmc_diskdump_read_page(d, p, page, NULL);
			vmc_diskdump_read_phys(d, BS - 8, page, 16,
					       VMC_DISKDUMP_MISSING_ERROR,
					       NULL);
			vmc_diskdump_free(d);
		}
		vmc_source_close(src);
	}
	free(page);
	free(f);
	return 0;
}
