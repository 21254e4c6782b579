// SPDX-License-Identifier: MIT
/*
 * Editing /proc/iomem for memory events.  The edited list is written back
 * as iomem text (kernel/resource.c r_show: two spaces per level,
 * "START-LAST : name") and parsed again, so every profile reads it exactly
 * as it reads a captured file -- kexec-tools counts every line, the kernel
 * walks System RAM at any depth.
 */
#include <stdio.h>
#include <string.h>

#include "hotplug/hotplug_priv.h"
#include "base/compiler.h"

struct ent {
	uint64_t start, last;	/* inclusive, as iomem */
	unsigned depth;
	const char *name;
};

struct edit {
	struct ent *v;
	size_t n, cap;
};

static const char system_ram[] = "System RAM";

static vmc_status push(struct edit *x, uint64_t start, uint64_t last,
		       unsigned depth, const char *name, vmc_error *e)
{
	if (!VMC_GROW(x->v, x->cap, x->n + 1, 64))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	x->v[x->n++] = (struct ent){ start, last, depth, name };
	return VMC_OK;
}

static vmc_status render(const struct edit *x, vmc_iomem **out, vmc_error *e)
{
	size_t len = 1, pos = 0;
	char *text;
	vmc_status st;

	for (size_t i = 0; i < x->n; i++)
		len += 2 * (size_t)x->v[i].depth + 40 + strlen(x->v[i].name);
	text = vmc__malloc(len);
	if (!text)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < x->n; i++)
		pos += (size_t)snprintf(text + pos, len - pos, "%*s%llx-%llx : %s\n",
					(int)(2 * x->v[i].depth), "",
					(unsigned long long)x->v[i].start,
					(unsigned long long)x->v[i].last,
					x->v[i].name);
	st = vmc_iomem_parse(out, text, pos, e);
	vmc__free(text);
	return st;
}

static bool overlaps(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
	return s1 <= l2 && s2 <= l1;
}

static vmc_status add_memory(const vmc_iomem *in, uint64_t s, uint64_t l,
			     struct edit *x, vmc_error *e)
{
	size_t n = in ? vmc_iomem_count(in) : 0, at = n;
	vmc_status st = VMC_OK;

	for (size_t i = 0; i < n; i++) {
		const struct vmc_iomem_entry *r = vmc_iomem_get(in, i);

		if (!overlaps(r->start, r->last, s, l))
			continue;
		if (vmc_iomem_is_system_ram(r->name))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "0x%llx-0x%llx is already System "
					     "RAM (%llx-%llx)",
					     (unsigned long long)s,
					     (unsigned long long)l,
					     (unsigned long long)r->start,
					     (unsigned long long)r->last);
		if (r->depth == 0)
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "0x%llx-0x%llx conflicts with "
					     "\"%s\" %llx-%llx (the kernel's "
					     "register_memory_resource fails)",
					     (unsigned long long)s,
					     (unsigned long long)l, r->name,
					     (unsigned long long)r->start,
					     (unsigned long long)r->last);
	}
	for (size_t i = 0; i < n; i++) {
		const struct vmc_iomem_entry *r = vmc_iomem_get(in, i);

		if (r->depth == 0 && r->start > s) {
			at = i;
			break;
		}
	}
	for (size_t i = 0; !st && i <= n; i++) {
		const struct vmc_iomem_entry *r = i < n ? vmc_iomem_get(in, i)
							: NULL;

		if (i == at)
			st = push(x, s, l, 0, system_ram, e);
		if (!st && r)
			st = push(x, r->start, r->last, r->depth, r->name, e);
	}
	return st;
}

/* Push what is left of RAM resource @r (index @i) outside [s, l], with the
 * children that still fit; returns the index past its subtree. */
static vmc_status trim_ram(const vmc_iomem *in, size_t i, uint64_t s,
			   uint64_t l, struct edit *x, size_t *next,
			   vmc_error *e)
{
	const struct vmc_iomem_entry *r = vmc_iomem_get(in, i);
	size_t n = vmc_iomem_count(in), end = i + 1;
	uint64_t piece[2][2];
	size_t np = 0;
	vmc_status st = VMC_OK;

	while (end < n && vmc_iomem_get(in, end)->depth > r->depth)
		end++;
	if (r->start < s)
		piece[np][0] = r->start, piece[np++][1] = s - 1;
	if (r->last > l)
		piece[np][0] = l + 1, piece[np++][1] = r->last;
	for (size_t p = 0; !st && p < np; p++) {
		unsigned skip = 0;	/* depth below which a dropped child's
					 * subtree is skipped; 0 = none */

		st = push(x, piece[p][0], piece[p][1], r->depth, r->name, e);
		for (size_t c = i + 1; !st && c < end; c++) {
			const struct vmc_iomem_entry *ch = vmc_iomem_get(in, c);

			if (skip && ch->depth > skip)
				continue;
			skip = 0;
			if (ch->start < piece[p][0] || ch->last > piece[p][1]) {
				skip = ch->depth;
				continue;
			}
			st = push(x, ch->start, ch->last, ch->depth, ch->name, e);
		}
	}
	*next = end;
	return st;
}

static vmc_status remove_memory(const vmc_iomem *in, uint64_t s, uint64_t l,
				struct edit *x, vmc_error *e)
{
	size_t n = in ? vmc_iomem_count(in) : 0, hits = 0;
	vmc_status st = VMC_OK;

	for (size_t i = 0; !st && i < n;) {
		const struct vmc_iomem_entry *r = vmc_iomem_get(in, i);

		if (vmc_iomem_is_system_ram(r->name) &&
		    overlaps(r->start, r->last, s, l)) {
			hits++;
			st = trim_ram(in, i, s, l, x, &i, e);
			continue;
		}
		st = push(x, r->start, r->last, r->depth, r->name, e);
		i++;
	}
	if (!st && hits == 0)
		st = vmc_error_set(e, VMC_ERR_INVALID,
				   "no System RAM in 0x%llx-0x%llx to remove",
				   (unsigned long long)s,
				   (unsigned long long)l + 1);
	return st;
}

vmc_status vmc__hp_iomem_edit(const vmc_iomem *in, const struct vmc_hp_event *ev,
			 vmc_iomem **out, vmc_error *e)
{
	struct edit x = { 0 };
	vmc_status st;

	if (ev->end <= ev->start)
		return vmc_error_set(e, VMC_ERR_INVALID, "empty memory range");
	if (ev->action == VMC_HP_ADD_MEMORY)
		st = add_memory(in, ev->start, ev->end - 1, &x, e);
	else if (ev->action == VMC_HP_REMOVE_MEMORY)
		st = remove_memory(in, ev->start, ev->end - 1, &x, e);
	else
		st = vmc_error_set(e, VMC_ERR_INVALID, "not a memory event");
	if (!st)
		st = render(&x, out, e);
	vmc__free(x.v);
	return st;
}

vmc_status vmc__hp_iomem_from_ranges(const vmc_ranges *ram, vmc_iomem **out,
				vmc_error *e)
{
	const struct vmc_range *r = vmc_ranges_data(ram);
	struct edit x = { 0 };
	vmc_status st = VMC_OK;

	for (size_t i = 0; !st && i < vmc_ranges_count(ram); i++)
		st = push(&x, r[i].start, r[i].end - 1, 0, system_ram, e);
	if (!st)
		st = render(&x, out, e);
	vmc__free(x.v);
	return st;
}
