/* SPDX-License-Identifier: MIT */
/*
 * Kernel uevents for crash hotplug, and the coalescing of a burst of them
 * into one action.  Hot-adding a 1 GiB DIMM alone sends eight memory-block
 * "add" and eight "online" uevents; a udev rule that reloads kdump on each
 * one reloads it sixteen times (openSUSE kdump #13, kdump-utils PR #6).
 * `vmcorekit hotplug watch` reads the events and runs one command per
 * burst.
 */
#ifndef VMCOREKIT_UEVENT_H
#define VMCOREKIT_UEVENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vmc_uevent {
	char action[16];	/* add, remove, online, offline, change, ... */
	char devpath[256];	/* /devices/system/memory/memory32 */
	char subsystem[32];	/* memory, cpu, ... ("" when absent) */
	uint64_t seqnum;
	bool have_seqnum;
};

/*
 * One uevent as the kernel multicasts it on NETLINK_KOBJECT_UEVENT
 * (lib/kobject_uevent.c kobject_uevent_env): "ACTION@DEVPATH", then
 * KEY=VALUE fields (ACTION, DEVPATH, SUBSYSTEM, SEQNUM, ...), each ended
 * by a NUL.  A newline ends a field too, so records can be written as
 * text.  Errors: VMC_ERR_CORRUPT (no "ACTION@DEVPATH" header, a field
 * without '=', ACTION or DEVPATH disagreeing with the header, an overlong
 * value, a bad SEQNUM), VMC_ERR_UNSUPPORTED (a udev daemon's message,
 * which starts "libudev").
 */
vmc_status vmc_uevent_parse(const void *msg, size_t len,
			    struct vmc_uevent *out, vmc_error *e);

enum vmc_hp_subsys {
	VMC_HP_SUBSYS_MEMORY = 1,	/* bit values */
	VMC_HP_SUBSYS_CPU = 2,
};

/*
 * Does this event change what the elfcorehdr describes?  memory and cpu
 * devices being added, removed, onlined or offlined (the actions the
 * distributions' kdump udev rules react to).  Sets *@which.
 */
bool vmc_uevent_is_hotplug(const struct vmc_uevent *u,
			   enum vmc_hp_subsys *which);

/* A burst: events until @settle_ms of quiet. */
struct vmc_coalesce {
	uint64_t settle_ms;
	bool pending;
	uint64_t last_ms;	/* time of the burst's latest event */
	uint64_t nr;		/* events in the burst */
	unsigned subsys;	/* enum vmc_hp_subsys bits seen */
};

void vmc_coalesce_init(struct vmc_coalesce *c, uint64_t settle_ms);
/* An event of @which at @now_ms (times never go backwards). */
void vmc_coalesce_add(struct vmc_coalesce *c, uint64_t now_ms,
		      enum vmc_hp_subsys which);
/* Milliseconds until the burst is due at @now_ms: 0 when it is due,
 * UINT64_MAX when nothing is pending. */
uint64_t vmc_coalesce_wait(const struct vmc_coalesce *c, uint64_t now_ms);
/* Take the due burst (its count and subsystems) and start over. */
void vmc_coalesce_take(struct vmc_coalesce *c, uint64_t *nr,
		       unsigned *subsys);

#ifdef __cplusplus
}
#endif
#endif
