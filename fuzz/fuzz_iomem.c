// SPDX-License-Identifier: MIT
/*
 * /proc/iomem text (kernel/resource.c r_show: "%*s%0*llx-%0*llx : %s\n",
 * two spaces of indent per level): vmc_iomem_parse and what the profiles
 * take from it -- System RAM as walk_system_ram_res visits it, the
 * "Crash kernel" entries, and the kernel's exclusion of one from the other.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmc_iomem *m = NULL;
	vmc_ranges *ram = NULL, *crash = NULL;

	if (vmc_iomem_parse(&m, (const char *)data, size, NULL))
		return 0;
	for (size_t i = 0; i < vmc_iomem_count(m); i++)
		(void)vmc_iomem_is_system_ram(vmc_iomem_get(m, i)->name);
	if (vmc_ranges_new(&ram, NULL) || vmc_ranges_new(&crash, NULL))
		goto out;
	if (vmc_iomem_system_ram(m, ram, NULL) ||
	    vmc_iomem_find(m, "Crash kernel", crash, NULL))
		goto out;
	for (size_t i = 0; i < vmc_ranges_count(crash); i++)
		if (vmc_ranges_exclude(ram, vmc_ranges_data(crash)[i].start,
				       vmc_ranges_data(crash)[i].end, NULL))
			break;
	(void)vmc_ranges_total(ram);
out:
	vmc_ranges_free(ram);
	vmc_ranges_free(crash);
	vmc_iomem_free(m);
	return 0;
}
