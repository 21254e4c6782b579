// SPDX-License-Identifier: MIT
/*
 * Kernel uevent messages (lib/kobject_uevent.c kobject_uevent_env):
 *
 *   "add@/devices/system/memory/memory32\0"      header: ACTION@DEVPATH
 *   "ACTION=add\0"
 *   "DEVPATH=/devices/system/memory/memory32\0"
 *   "SUBSYSTEM=memory\0"
 *   "SEQNUM=1871\0"                                 ... more KEY=VALUE
 *
 * at most UEVENT_BUFFER_SIZE (2048) bytes of fields.  udevd re-sends
 * events on its own netlink group with a binary header starting "libudev";
 * those are not kernel events.
 */
#include <string.h>

#include "vmcorekit/uevent.h"
#include "base/compiler.h"
#include "base/numparse.h"

static vmc_status copy_val(char *dst, size_t cap, const char *v, size_t n,
			   const char *what, vmc_error *e)
{
	if (n >= cap)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "uevent %s is %zu bytes, over %zu", what,
				     n, cap - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
	return VMC_OK;
}

static bool same(const char *have, const char *v, size_t n)
{
	return strlen(have) == n && memcmp(have, v, n) == 0;
}

/* One KEY=VALUE field [f, f+n). */
static vmc_status field(struct vmc_uevent *u, const char *f, size_t n,
			vmc_error *e)
{
	const char *eq = memchr(f, '=', n);
	size_t k, vn;
	const char *v;

	if (!eq || eq == f)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "uevent field '%.*s' is not KEY=VALUE",
				     (int)(n > 60 ? 60 : n), f);
	k = (size_t)(eq - f);
	v = eq + 1;
	vn = n - k - 1;
	if (k == 6 && memcmp(f, "ACTION", 6) == 0 && !same(u->action, v, vn))
		return vmc_error_set(e, VMC_ERR_CORRUPT, "uevent ACTION= "
				     "disagrees with its header '%s@'",
				     u->action);
	if (k == 7 && memcmp(f, "DEVPATH", 7) == 0 && !same(u->devpath, v, vn))
		return vmc_error_set(e, VMC_ERR_CORRUPT, "uevent DEVPATH= "
				     "disagrees with its header '@%s'",
				     u->devpath);
	if (k == 9 && memcmp(f, "SUBSYSTEM", 9) == 0)
		return copy_val(u->subsystem, sizeof(u->subsystem), v, vn,
				"SUBSYSTEM", e);
	if (k == 6 && memcmp(f, "SEQNUM", 6) == 0) {
		if (!vmc__parse_u64_n(v, vn, 10, &u->seqnum))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "uevent SEQNUM '%.*s' is not a "
					     "number", (int)(vn > 30 ? 30 : vn),
					     v);
		u->have_seqnum = true;
	}
	return VMC_OK;
}

static vmc_status header(struct vmc_uevent *u, const char *f, size_t n,
			 vmc_error *e)
{
	const char *at = memchr(f, '@', n);
	vmc_status st;

	if (!at || at == f || at + 1 == f + n)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "uevent header '%.*s' is not "
				     "ACTION@DEVPATH", (int)(n > 60 ? 60 : n),
				     f);
	st = copy_val(u->action, sizeof(u->action), f, (size_t)(at - f),
		      "action", e);
	if (!st)
		st = copy_val(u->devpath, sizeof(u->devpath), at + 1,
			      (size_t)(f + n - at - 1), "DEVPATH", e);
	return st;
}

VMC_EXPORT vmc_status vmc_uevent_parse(const void *msg, size_t len,
				       struct vmc_uevent *out, vmc_error *e)
{
	const char *p = msg, *end = p + len;
	struct vmc_uevent u;
	bool first = true;
	vmc_status st = VMC_OK;

	memset(&u, 0, sizeof(u));
	if (len >= 8 && memcmp(p, "libudev", 8) == 0)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "a udev daemon message, not a kernel "
				     "uevent");
	while (!st && p < end) {
		const char *q = p;

		while (q < end && *q != '\0' && *q != '\n')
			q++;
		if (q > p)
			st = first ? header(&u, p, (size_t)(q - p), e)
				   : field(&u, p, (size_t)(q - p), e);
		if (q > p)
			first = false;
		p = q + 1;
	}
	if (!st && first)
		st = vmc_error_set(e, VMC_ERR_CORRUPT, "empty uevent");
	if (st)
		return st;
	*out = u;
	return VMC_OK;
}

VMC_EXPORT bool vmc_uevent_is_hotplug(const struct vmc_uevent *u,
				      enum vmc_hp_subsys *which)
{
	static const char *const actions[] = { "add", "remove", "online",
					       "offline" };
	bool act = false;

	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		act |= strcmp(u->action, actions[i]) == 0;
	if (!act)
		return false;
	if (strcmp(u->subsystem, "memory") == 0)
		*which = VMC_HP_SUBSYS_MEMORY;
	else if (strcmp(u->subsystem, "cpu") == 0)
		*which = VMC_HP_SUBSYS_CPU;
	else
		return false;
	return true;
}

VMC_EXPORT void vmc_coalesce_init(struct vmc_coalesce *c, uint64_t settle_ms)
{
	memset(c, 0, sizeof(*c));
	c->settle_ms = settle_ms;
}

VMC_EXPORT void vmc_coalesce_add(struct vmc_coalesce *c, uint64_t now_ms,
				 enum vmc_hp_subsys which)
{
	c->pending = true;
	if (now_ms > c->last_ms || c->nr == 0)
		c->last_ms = now_ms;
	c->nr++;
	c->subsys |= (unsigned)which;
}

VMC_EXPORT uint64_t vmc_coalesce_wait(const struct vmc_coalesce *c,
				      uint64_t now_ms)
{
	uint64_t due;

	if (!c->pending)
		return UINT64_MAX;
	if (add_overflows_u64(c->last_ms, c->settle_ms, &due))
		due = UINT64_MAX;
	return now_ms >= due ? 0 : due - now_ms;
}

VMC_EXPORT void vmc_coalesce_take(struct vmc_coalesce *c, uint64_t *nr,
				  unsigned *subsys)
{
	*nr = c->nr;
	*subsys = c->subsys;
	c->pending = false;
	c->nr = 0;
	c->subsys = 0;
}
