// SPDX-License-Identifier: MIT
/*
 * An elfcorehdr as the crash hotplug model reads it when no system files
 * are given (vmc_hotplug_new_from_header: its notes are the CPUs and
 * VMCOREINFO, its RAM loads /proc/iomem's System RAM), then one memory
 * event and one CPU event regenerated into a 64 KiB segment, and the
 * segment replaced by the input (vmc_hotplug_set_segment).  The event is
 * derived from the input's last 8 bytes, so a real header works as a seed
 * unchanged.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_hotplug_opts o = VMC_HOTPLUG_OPTS_INIT;
	uint8_t t[8] = { 0 };
	struct vmc_hp_event ev;
	vmc_hotplug *hp = NULL;
	uint64_t base;

	if (size > 256 << 10)
		return 0;
	if (size >= 8)
		memcpy(t, data + size - 8, 8);
	o.capacity = 64 << 10;
	if (vmc_hotplug_new_from_header(&hp, data, size, &o, NULL))
		return 0;
	/* 128 MiB-aligned memory up to 2^40, add or remove */
	base = ((uint64_t)(t[0] | t[1] << 8 | (t[2] & 0x7f) << 16)) << 27;
	ev = (struct vmc_hp_event){
		.action = t[3] & 1 ? VMC_HP_REMOVE_MEMORY : VMC_HP_ADD_MEMORY,
		.start = base & ((1ull << 40) - 1),
		.end = (base & ((1ull << 40) - 1)) + (128ull << 20) * (1 + t[4] % 8),
	};
	vmc_hotplug_apply(hp, &ev, NULL);
	ev = (struct vmc_hp_event){ .action = t[5] & 1 ? VMC_HP_ADD_CPU :
				    VMC_HP_REMOVE_CPU, .cpu = t[6] };
	vmc_hotplug_apply(hp, &ev, NULL);
	vmc_hotplug_set_segment(hp, data, size, NULL);
	vmc_hotplug_free(hp);
	return 0;
}
