// SPDX-License-Identifier: MIT
/*
 * Device-tree memory properties as /proc/device-tree exposes them
 * (src/system/devtree.c): "reg" / "linux,usable-memory" cells and the
 * #address-cells / #size-cells words, fed to the system the way
 * vmc_system_read does.  The first byte chooses the cell widths (its low
 * bits include the invalid 0 and 3 so the refusal path runs too); the rest
 * is the property.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned sel = (unsigned)fuzz_take(&in, 1), ac, sc, cells;
	vmc_ranges *r = NULL;
	vmc_system *sys = NULL;

	ac = sel & 0x80 ? sel & 3 : 1 + (sel & 1);
	sc = sel & 0x80 ? (sel >> 2) & 3 : 1 + ((sel >> 1) & 1);
	vmc_dt_parse_cells(in.p, in.n, &cells, NULL);
	if (vmc_ranges_new(&r, NULL) == VMC_OK &&
	    vmc_dt_parse_reg(in.p, in.n, ac, sc, r, NULL) == VMC_OK) {
		vmc_ranges_sort(r);
		vmc_ranges_merge(r);
	}
	vmc_ranges_free(r);
	if (vmc_system_new(&sys, NULL) == VMC_OK &&
	    vmc_system_add_dt_memory(sys, in.p, in.n, ac, sc, NULL) == VMC_OK)
		(void)vmc_system_dt_memory(sys);
	vmc_system_free(sys);
	return 0;
}
