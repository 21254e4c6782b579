// SPDX-License-Identifier: MIT
/*
 * A cloud-hypervisor snapshot's state.json (docs/formats.md 18.4):
 * vmc_guest_ch_ranges, then the ranges mapped into a physical memory map
 * over a small buffer, as `guest --cloud-hypervisor-snapshot` maps them
 * onto memory-ranges (overlaps and windows past the buffer refused).  The
 * input is the JSON text.
 */
#include <assert.h>

#include "vmcorekit/vmcorekit.h"

static uint8_t mem[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_guest_range *r = NULL;
	vmc_physmem *pm = NULL;
	vmc_source *src = NULL;
	size_t nr = 0;
	uint64_t off = 0;

	if (vmc_guest_ch_ranges(&r, &nr, (const char *)data, size, NULL) !=
	    VMC_OK)
		return 0;
	assert(nr > 0);
	for (size_t i = 0; i < nr; i++) {
		/* dense: each range right after the one before it */
		assert(r[i].file_off == off && r[i].len > 0);
		off += r[i].len;
	}
	/* own() closes the source itself when it fails */
	if (vmc_physmem_new(&pm, NULL) == VMC_OK &&
	    vmc_source_new_buffer(&src, mem, sizeof(mem), NULL) == VMC_OK &&
	    vmc_physmem_own(pm, src, NULL) == VMC_OK)
		for (size_t i = 0; i < nr; i++)
			if (vmc_physmem_map(pm, r[i].paddr, r[i].len, src,
					    r[i].file_off, NULL) != VMC_OK)
				break;
	vmc_physmem_free(pm);
	vmc_guest_ranges_free(r);
	return 0;
}
