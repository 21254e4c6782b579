// SPDX-License-Identifier: MIT
/*
 * Kernel uevent messages as NETLINK_KOBJECT_UEVENT delivers them
 * (lib/kobject_uevent.c: "ACTION@DEVPATH\0KEY=VALUE\0..."), and as
 * `hotplug watch --uevents` reads them (newlines also end fields):
 * vmc_uevent_parse, then vmc_uevent_is_hotplug and a burst fed with the
 * result at times taken from the input.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_uevent u;
	enum vmc_hp_subsys w;
	struct vmc_coalesce c;
	uint64_t nr, now = 0;
	unsigned sub;

	if (vmc_uevent_parse(data, size, &u, NULL) != VMC_OK)
		return 0;
	if (!memchr(u.action, '\0', sizeof(u.action)) ||
	    !memchr(u.devpath, '\0', sizeof(u.devpath)) ||
	    !memchr(u.subsystem, '\0', sizeof(u.subsystem)))
		abort();
	if (!vmc_uevent_is_hotplug(&u, &w))
		return 0;
	vmc_coalesce_init(&c, u.have_seqnum ? u.seqnum : 1000);
	for (size_t i = 0; i < size && i < 64; i++) {
		now += data[i];
		if (vmc_coalesce_wait(&c, now) == 0)
			vmc_coalesce_take(&c, &nr, &sub);
		vmc_coalesce_add(&c, now, w);
	}
	vmc_coalesce_take(&c, &nr, &sub);
	return 0;
}
