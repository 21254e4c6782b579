// SPDX-License-Identifier: MIT
/*
 * Editing /proc/iomem for a memory event (src/hotplug/iomem_edit.c): the
 * first 17 bytes choose add or remove and the range [start, end), the rest
 * is iomem text.  The edited text must parse again (it is rendered and
 * reparsed inside), and an added range must then be System RAM.
 */
#include "vmcorekit/vmcorekit.h"
#include "hotplug/hotplug_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vmc_hp_event ev = { 0 };
	vmc_iomem *m = NULL, *out = NULL;
	vmc_ranges *ram = NULL;

	ev.action = fuzz_take(&in, 1) & 1 ? VMC_HP_REMOVE_MEMORY
					  : VMC_HP_ADD_MEMORY;
	ev.start = fuzz_take(&in, 8);
	ev.end = fuzz_take(&in, 8);
	if (vmc_iomem_parse(&m, (const char *)in.p, in.n, NULL))
		return 0;
	if (vmc__hp_iomem_edit(m, &ev, &out, NULL) == VMC_OK &&
	    ev.action == VMC_HP_ADD_MEMORY && vmc_ranges_new(&ram, NULL) == VMC_OK &&
	    vmc_iomem_system_ram(out, ram, NULL) == VMC_OK &&
	    !vmc_ranges_contains(ram, ev.start))
		abort();
	vmc_ranges_free(ram);
	vmc_iomem_free(out);
	vmc_iomem_free(m);
	return 0;
}
