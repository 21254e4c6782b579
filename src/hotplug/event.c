// SPDX-License-Identifier: MIT
/*
 * Hotplug events as the command line writes them.  An event's memory range
 * is a range as every option takes it (vmc_parse_range): START-END with END
 * inclusive, as /proc/iomem prints the resource, or START+SIZE; it is held
 * half-open [start, end) like the kernel's pfn range (struct memory_notify
 * start_pfn, nr_pages).  Memory comes and goes in whole pages (sections, in
 * fact), so an unaligned range is refused with a hint rather than silently
 * taken.
 */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/hotplug.h"
#include "vmcorekit/parse.h"
#include "base/compiler.h"

#define PAGE_4K 4096ull
#define MAX_TEXT 128

static const struct {
	const char *name;
	enum vmc_hp_action action;
} actions[] = {
	{ "add-memory", VMC_HP_ADD_MEMORY },
	{ "remove-memory", VMC_HP_REMOVE_MEMORY },
	{ "online-memory", VMC_HP_ONLINE_MEMORY },
	{ "offline-memory", VMC_HP_OFFLINE_MEMORY },
	{ "add-cpu", VMC_HP_ADD_CPU },
	{ "remove-cpu", VMC_HP_REMOVE_CPU },
};

static vmc_status parse_mem(const char *arg, const char *s,
			    struct vmc_hp_event *ev, vmc_error *e)
{
	uint64_t x, y;
	vmc_status st = vmc_parse_range(arg, &x, &y, e);

	if (st)
		return PREFIXED(st, e, "event '%s'", s);
	if (y <= x)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "event '%s': empty memory range", s);
	if (x % PAGE_4K || y % PAGE_4K)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "event '%s': memory comes in whole pages%s",
				     s, (y - 1) % PAGE_4K == 0 &&
				     strchr(arg, '-') ?
				     " (END is inclusive, as /proc/iomem "
				     "prints it: write END-1, or START+SIZE)"
				     : "");
	ev->start = x;
	ev->end = y;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_hp_event_parse(const char *s,
					 struct vmc_hp_event *out,
					 vmc_error *e)
{
	const char *colon = strchr(s, ':');
	struct vmc_hp_event ev = { 0 };
	size_t nlen;
	uint64_t cpu;
	vmc_status st;

	if (strlen(s) >= MAX_TEXT)
		return vmc_error_set(e, VMC_ERR_INVALID, "event '%.40s...' is "
				     "too long", s);
	nlen = colon ? (size_t)(colon - s) : strlen(s);
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (strlen(actions[i].name) == nlen &&
		    memcmp(actions[i].name, s, nlen) == 0)
			ev.action = actions[i].action;
	if (!ev.action || !colon)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "event '%s': add-memory:START-END, "
				     "remove-memory:START-END, "
				     "online-memory:START-END, "
				     "offline-memory:START-END, add-cpu:N or "
				     "remove-cpu:N", s);
	if (ev.action != VMC_HP_ADD_CPU && ev.action != VMC_HP_REMOVE_CPU) {
		st = parse_mem(colon + 1, s, &ev, e);
	} else {
		st = vmc_parse_u64(colon + 1, &cpu, e);
		if (!st && cpu >= VMC_MAX_CPUS)
			st = vmc_error_set(e, VMC_ERR_RANGE,
					   "CPU %llu: at most %d CPUs",
					   (unsigned long long)cpu,
					   VMC_MAX_CPUS);
		if (st)
			return PREFIXED(st, e, "event '%s'", s);
		ev.cpu = (uint32_t)cpu;
	}
	if (st)
		return st;
	*out = ev;
	return VMC_OK;
}

VMC_EXPORT int vmc_hp_event_format(const struct vmc_hp_event *ev, char *buf,
				   size_t len)
{
	const char *name = "unknown";

	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].action == ev->action)
			name = actions[i].name;
	if (ev->action == VMC_HP_ADD_CPU || ev->action == VMC_HP_REMOVE_CPU)
		return snprintf(buf, len, "%s:%u", name, ev->cpu);
	return snprintf(buf, len, "%s:0x%llx-0x%llx", name,
			(unsigned long long)ev->start,
			(unsigned long long)ev->end - 1);	/* inclusive */
}
