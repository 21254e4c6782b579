// SPDX-License-Identifier: MIT
/*
 * The elfcorehdr in its fixed segment, kept current across hotplug events
 * as Linux >= 6.6 does it (kernel/crash_core.c crash_handle_hotplug_event,
 * arch/x86/kernel/crash.c arch_crash_handle_hotplug_event):
 *
 *   - CPU events return early when the image is kexec_file or the header
 *     was already rewritten once: crash_prepare_elf64_headers describes
 *     every possible CPU, so there is nothing to change;
 *   - otherwise the kernel's prepare_elf_headers builds a new header from
 *     the current resources (for a kexec_load image too: from then on the
 *     header has the kernel's layout);
 *   - "elfsz > memsz" is refused and the old header stays;
 *   - the copy is bracketed by xchg(&kexec_crash_image, NULL) and back, so
 *     a panic during it finds no image instead of a torn header;
 *   - memcpy_flushcache copies elfsz bytes only: a shorter header leaves
 *     the old one's tail behind it (harmless: e_phnum bounds the reader).
 *
 * The seed's RFC instead zeroed the rest of the segment and recomputed the
 * purgatory digests (VMC_DIGEST_RECOMPUTE); both are modelled.
 */
#include <string.h>

#include "vmcorekit/hotplug.h"
#include "vmcorekit/elfcore.h"
#include "hotplug/hotplug_priv.h"
#include "base/compiler.h"
#include "elf/elf_class.h"

#define ZERO_CHUNK 4096

struct vmc_hp_update {
	unsigned generation;
	bool changes, cpu_event;
	uint8_t *hdr;
	size_t len;
	vmc_iomem *iomem;		/* the model after the event, or NULL */
	uint64_t hidden[CPU_WORDS];
	struct vmc_digest_table table;	/* RECOMPUTE */
};

vmc_status vmc__hp_alloc(struct vmc_hotplug **out, const struct vmc_hotplug_opts *o,
		    vmc_error *e)
{
	struct vmc_hotplug *hp;
	const struct vmc__loader_ops *loader, *profile;

	if (!o || o->version != VMC_HOTPLUG_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "hotplug options of an unknown version");
	if (vmc__loader_reserving(o->loader, &loader, NULL))
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown loader");
	if (vmc__loader_reserving(o->profile, &profile, NULL))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "hotplug regenerates with the kexec-file "
				     "(the kernel) or kexec-tools profile");
	if (o->policy != VMC_DIGEST_EXCLUDE && o->policy != VMC_DIGEST_RECOMPUTE)
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown digest policy");
	if (o->build && o->build->version != VMC_BUILD_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "build options of an unknown version");
	if (o->build && o->build->ram)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "memory events edit /proc/iomem: an "
				     "explicit RAM list cannot be combined "
				     "with them");
	if (o->capacity > SIZE_MAX / 2)
		return vmc_error_set(e, VMC_ERR_RANGE, "capacity %llu is too "
				     "large", (unsigned long long)o->capacity);
	hp = vmc__calloc(1, sizeof(*hp));
	if (!hp)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (o->build)
		hp->build = *o->build;
	else
		hp->build = (struct vmc_build_opts)VMC_BUILD_OPTS_INIT;
	hp->loader = loader;
	hp->profile = profile;
	hp->policy = o->policy;
	hp->cap = (size_t)o->capacity;
	*out = hp;
	return VMC_OK;
}

VMC_EXPORT void vmc_hotplug_free(vmc_hotplug *hp)
{
	if (!hp)
		return;
	vmc_iomem_free(hp->iomem);
	vmc_system_free(hp->own_sys);
	vmc__free(hp->own_notes);
	vmc__free(hp->segs);
	vmc__free(hp->seg);
	vmc__free(hp);
}

vmc_status vmc__hp_regen(const struct vmc_hotplug *hp, const vmc_iomem *iomem,
		    const uint64_t *hidden,
		    const struct vmc__loader_ops *profile,
		    uint8_t **hdr, size_t *len, vmc_error *e)
{
	/* The profiles read a vmc_system; a shallow copy with the edited
	 * iomem and CPU notes is the system after the events.  Its pointers
	 * stay the base's: it is freed with vmc__free alone. */
	struct vmc_system *s = vmc__malloc(sizeof(*s));
	struct vmc_build_opts o = hp->build;
	const struct vmc_elfcore_spec *sp;
	vmc_header *h = NULL;
	size_t size = 0, used;
	vmc_status st;

	if (!s)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	*s = *hp->base;
	if (iomem)
		s->iomem = (vmc_iomem *)iomem;
	/* The kernel describes every possible CPU; kexec-tools those with
	 * crash notes (get_crash_notes_per_cpu). */
	for (size_t cpu = 0; !profile->all_possible_cpus &&
	     cpu < VMC_MAX_CPUS; cpu++)
		if (cpu_in(hidden, cpu))
			s->cpu[cpu].paddr.set = false;
	o.profile = profile->id;
	st = vmc_header_build(&h, s, &o, e);
	if (!st) {
		sp = vmc_header_spec(h);
		st = vmc_elfcore_size(sp, &size, e);
	}
	/* arch_crash_handle_hotplug_event's refusal, in its words */
	if (!st && hp->cap && size > hp->cap) {
		const struct elf_class *c = vmc__elf_class(VMC_CLASS_64);

		st = vmc_error_set(e, VMC_ERR_NOSPACE,
				   "update elfcorehdr elfsz %zu > memsz %zu: the "
				   "header needs %zu program headers, the "
				   "segment holds %zu (the old header stays)",
				   size, hp->cap, sp->nr_slots ? sp->nr_slots :
				   sp->nr_phdrs, hp->cap > c->ehsz ?
				   (hp->cap - c->ehsz) / c->phsz : 0);
	}
	if (!st) {
		*hdr = vmc__calloc(1, size);
		if (!*hdr)
			st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	if (!st) {
		st = vmc_elfcore_write(sp, *hdr, size, &used, e);
		if (st)
			vmc__free(*hdr);
	}
	if (!st)
		*len = size;
	vmc_header_free(h);
	vmc__free(s);
	return st;
}

vmc_status vmc__hp_set_initial(struct vmc_hotplug *hp, const void *hdr, size_t len,
			  vmc_error *e)
{
	if (len > hp->cap)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "the load-time header takes %zu bytes, "
				     "over the %zu-byte segment", len, hp->cap);
	hp->seg = vmc__calloc(1, hp->cap ? hp->cap : 1);
	if (!hp->seg)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memcpy(hp->seg, hdr, len);
	hp->hdr_size = len;
	hp->dirty = len;
	return VMC_OK;
}

/* The reserve the loader made, from crash_elfcorehdr_size. */
static vmc_status loader_capacity(const struct vmc_hotplug *hp,
				  const vmc_header *h, size_t *cap,
				  vmc_error *e)
{
	const vmc_system *s = hp->base;
	struct vmc_hp_capacity c;
	vmc_status st;

	if (!s->elfcorehdr_size.set)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "sys/kernel/crash_elfcorehdr_size is "
				     "missing (no CONFIG_CRASH_HOTPLUG?): give "
				     "the segment capacity");
	if (hp->loader->reserve_from_build) {
		/* crash_load_segments, with or without MEMORY_HOTPLUG */
		*cap = (size_t)vmc_header_segment_size(h);
		return VMC_OK;
	}
	st = vmc_hp_capacity_from_sysfs(hp->loader->id, s->elfcorehdr_size.v,
					&c, e);
	if (!st)
		*cap = (size_t)c.segment;
	return st;
}

VMC_EXPORT vmc_status vmc_hotplug_new(vmc_hotplug **out, const vmc_system *sys,
				      const struct vmc_hotplug_opts *o,
				      vmc_error *e)
{
	struct vmc_hotplug *hp;
	struct vmc_build_opts b;
	vmc_header *h = NULL;
	uint8_t *hdr = NULL;
	size_t len = 0, used;
	vmc_status st = vmc__hp_alloc(&hp, o, e);

	if (st)
		return st;
	hp->base = sys;
	b = hp->build;
	b.profile = hp->loader->id;	/* the load-time header is the loader's */
	st = vmc_header_build(&h, sys, &b, e);
	if (!st)
		st = vmc_elfcore_size(vmc_header_spec(h), &len, e);
	if (!st && !hp->cap)
		st = loader_capacity(hp, h, &hp->cap, e);
	if (!st) {
		hdr = vmc__calloc(1, len);
		if (!hdr)
			st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	if (!st)
		st = vmc_elfcore_write(vmc_header_spec(h), hdr, len, &used, e);
	if (!st)
		st = vmc__hp_set_initial(hp, hdr, len, e);
	vmc__free(hdr);
	vmc_header_free(h);
	if (st) {
		vmc_hotplug_free(hp);
		return PREFIXED(st, e, "load-time header (%s)",
				vmc_loader_name(o->loader));
	}
	*out = hp;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_hotplug_set_segment(vmc_hotplug *hp,
					      const void *bytes, size_t len,
					      vmc_error *e)
{
	vmc_source *src;
	vmc_elfcore *c = NULL;
	size_t end;
	vmc_status st;

	/* A segment read whole may be page-rounded past the capacity given
	 * (921600 for a memsz of 917680): zeros there are no header. */
	while (len > hp->cap && ((const uint8_t *)bytes)[len - 1] == 0)
		len--;
	if (len > hp->cap)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "%zu bytes of header, over the %zu-byte "
				     "segment", len, hp->cap);
	st = vmc_source_new_buffer(&src, bytes, len, e);
	if (st)
		return st;
	st = vmc_elfcore_parse(&c, src, e);
	end = st ? 0 : (size_t)vmc_elfcore_headers_end(c);
	vmc_elfcore_free(c);
	vmc_source_close(src);
	if (st)
		return st;
	memset(hp->seg, 0, hp->dirty);	/* the rest is zero already */
	memcpy(hp->seg, bytes, len);
	hp->dirty = len;
	/* The header's size as its loader allocated it is not recorded in
	 * it; the tables' end is the part that must stay. */
	hp->hdr_size = end;
	return VMC_OK;
}

/* hp's segment as the elfcorehdr's digest input */
static vmc_status digest_with(const struct vmc_hotplug *hp, const uint8_t *seg,
			      struct vmc_digest_table *t, vmc_error *e)
{
	struct vmc_kexec_segment v[VMC_SHA_REGIONS];

	memcpy(v, hp->segs, hp->nr_segs * sizeof(v[0]));
	v[hp->hdr_seg].buf = seg;
	v[hp->hdr_seg].bufsz = hp->cap;
	return vmc_kexec_digest(v, hp->nr_segs, hp->loader->id, hp->policy, t,
				e);
}

VMC_EXPORT vmc_status vmc_hotplug_set_segments(vmc_hotplug *hp,
					       const struct vmc_kexec_segment *seg,
					       size_t n, vmc_error *e)
{
	struct vmc_kexec_segment *v, *old = hp->segs;
	size_t hdr = SIZE_MAX, old_n = hp->nr_segs, old_hdr = hp->hdr_seg;
	vmc_status st;

	if (n > VMC_SHA_REGIONS)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%zu segments: at most %d "
				     "(KEXEC_SEGMENT_MAX)", n, VMC_SHA_REGIONS);
	for (size_t i = 0; i < n; i++)
		if (seg[i].role == VMC_SEG_ELFCOREHDR)
			hdr = i;
	if (hdr == SIZE_MAX)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "no segment has the elfcorehdr role");
	if (seg[hdr].memsz < hp->cap)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "the elfcorehdr segment's memsz %llu is "
				     "below the capacity %zu",
				     (unsigned long long)seg[hdr].memsz, hp->cap);
	v = vmc__reallocarray(NULL, n ? n : 1, sizeof(*v));
	if (!v)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memcpy(v, seg, n * sizeof(*v));
	hp->segs = v;
	hp->nr_segs = n;
	hp->hdr_seg = hdr;
	st = digest_with(hp, hp->seg, &hp->table, e);
	if (st) {
		hp->segs = old;
		hp->nr_segs = old_n;
		hp->hdr_seg = old_hdr;
		vmc__free(v);
		return st;
	}
	vmc__free(old);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_hotplug_digest(const vmc_hotplug *hp,
					 struct vmc_digest_table *out,
					 vmc_error *e)
{
	if (!hp->segs)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "the image's segments are not known");
	*out = hp->table;
	return VMC_OK;
}

VMC_EXPORT void vmc_hp_update_free(vmc_hp_update *u)
{
	if (!u)
		return;
	vmc_iomem_free(u->iomem);
	vmc__free(u->hdr);
	vmc__free(u);
}

static vmc_status check_cpu(const struct vmc_hotplug *hp, uint32_t cpu,
			    vmc_error *e)
{
	const vmc_system *s = hp->base;
	bool possible = hp->own_sys ? cpu < hp->nr_header_cpus :
			!s->have_possible || cpu_in(s->possible, cpu);

	if (!possible)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "CPU %u is not possible: x86 fixes the "
				     "possible CPUs at boot", cpu);
	return VMC_OK;
}

/*
 * A memory block going online or offline within an existing "System RAM"
 * resource (memory_block_online/offline -> MEM_ONLINE/MEM_OFFLINE): the
 * resource stays, and x86's arch_crash_handle_hotplug_event rebuilds the
 * header from walk_system_ram_res without looking at the range
 * (kernel/crash_core.c crash_memhp_notifier; seen in 612-hotplug-remove:
 * the header after offlining the DIMM still has it).  So the model is
 * unchanged and the header regenerated; the range must be System RAM.
 */
static vmc_status check_block(const vmc_iomem *cur,
			      const struct vmc_hp_event *ev, vmc_error *e)
{
	vmc_ranges *ram;
	vmc_status st = vmc_ranges_new(&ram, e);
	bool inside = false;

	if (st)
		return st;
	st = vmc_iomem_system_ram(cur, ram, e);
	if (!st) {
		const struct vmc_range *r;

		vmc_ranges_sort(ram);
		vmc_ranges_merge(ram);
		r = vmc_ranges_data(ram);
		for (size_t i = 0; i < vmc_ranges_count(ram); i++)
			if (r[i].start <= ev->start && ev->end <= r[i].end)
				inside = true;
		if (!inside)
			st = vmc_error_set(e, VMC_ERR_INVALID,
					   "0x%llx-0x%llx is not System RAM "
					   "in /proc/iomem: a block goes "
					   "online or offline inside memory "
					   "already added (add-memory)",
					   (unsigned long long)ev->start,
					   (unsigned long long)ev->end);
	}
	vmc_ranges_free(ram);
	return st;
}

/* What the event does to the model (u->iomem, u->hidden). */
static vmc_status model_event(const struct vmc_hotplug *hp,
			      const struct vmc_hp_event *ev,
			      struct vmc_hp_update *u, vmc_error *e)
{
	const vmc_iomem *cur = hp->iomem ? hp->iomem : hp->base->iomem;
	uint64_t bit;

	switch (ev->action) {
	case VMC_HP_ADD_MEMORY:
	case VMC_HP_REMOVE_MEMORY:
		return vmc__hp_iomem_edit(cur, ev, &u->iomem, e);
	case VMC_HP_ONLINE_MEMORY:
	case VMC_HP_OFFLINE_MEMORY:
		return check_block(cur, ev, e);
	case VMC_HP_ADD_CPU:
	case VMC_HP_REMOVE_CPU:
		u->cpu_event = true;
		if (ev->cpu >= VMC_MAX_CPUS)
			return vmc_error_set(e, VMC_ERR_RANGE, "CPU %u", ev->cpu);
		bit = 1ull << (ev->cpu % 64);
		if (ev->action == VMC_HP_REMOVE_CPU)
			u->hidden[ev->cpu / 64] |= bit;
		else
			u->hidden[ev->cpu / 64] &= ~bit;
		return check_cpu(hp, ev->cpu, e);
	}
	return vmc_error_set(e, VMC_ERR_INVALID, "unknown event");
}

static vmc_status check_known_notes(const struct vmc_hotplug *hp,
				    const struct vmc_hp_event *ev, vmc_error *e)
{
	const struct cpu_note_info *c;

	if (ev->action != VMC_HP_ADD_CPU || hp->own_sys ||
	    hp->profile->all_possible_cpus || hp->build.nr_cpu_notes)
		return VMC_OK;
	c = &hp->base->cpu[ev->cpu];
	if (!c->paddr.set)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "sys/devices/system/cpu/cpu%u/crash_notes "
				     "is unknown: kexec-tools cannot describe "
				     "CPU %u", ev->cpu, ev->cpu);
	return VMC_OK;
}

static vmc_status prepare_digest(const struct vmc_hotplug *hp,
				 struct vmc_hp_update *u, vmc_error *e)
{
	uint8_t *img;
	vmc_status st;

	if (!hp->segs)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "the recompute policy needs the image's "
				     "segments");
	/* The RFC copies the header and zeroes the rest of the segment. */
	img = vmc__calloc(1, hp->cap ? hp->cap : 1);
	if (!img)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memcpy(img, u->hdr, u->len);
	st = digest_with(hp, img, &u->table, e);
	vmc__free(img);
	return st;
}

VMC_EXPORT vmc_status vmc_hotplug_prepare(vmc_hp_update **out,
					  const vmc_hotplug *hp,
					  const struct vmc_hp_event *ev,
					  vmc_error *e)
{
	struct vmc_hp_update *u = vmc__calloc(1, sizeof(*u));
	vmc_status st;

	if (!u)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	u->generation = hp->generation;
	memcpy(u->hidden, hp->hidden, sizeof(u->hidden));
	st = model_event(hp, ev, u, e);
	if (!st)
		st = check_known_notes(hp, ev, e);
	if (!st && u->cpu_event && hp->profile->all_possible_cpus &&
	    (hp->loader->all_possible_cpus || hp->updated)) {
		/* every possible CPU is described already */
		*out = u;
		return VMC_OK;
	}
	if (!st)
		st = vmc__hp_regen(hp, u->iomem ? u->iomem : hp->iomem, u->hidden,
			      hp->profile, &u->hdr, &u->len, e);
	if (!st && hp->policy == VMC_DIGEST_RECOMPUTE)
		st = prepare_digest(hp, u, e);
	if (st) {
		char buf[96];

		vmc_hp_update_free(u);
		vmc_hp_event_format(ev, buf, sizeof(buf));
		return PREFIXED(st, e, "%s", buf);
	}
	u->changes = true;
	*out = u;
	return VMC_OK;
}

VMC_EXPORT bool vmc_hp_update_changes(const vmc_hp_update *u)
{
	return u->changes;
}

VMC_EXPORT const uint8_t *vmc_hp_update_header(const vmc_hp_update *u,
					       size_t *len)
{
	*len = u->len;
	return u->hdr;
}

static vmc_status hook_write(const struct vmc_hp_commit_ops *ops,
			     enum vmc_hp_target t, uint64_t off,
			     const void *buf, size_t len, vmc_error *e)
{
	if (!ops || !ops->store || len == 0)
		return VMC_OK;
	return ops->store(ops->ctx, t, off, buf, len, e);
}

/* The copy between invalidate and validate. */
static vmc_status copy_out(const struct vmc_hotplug *hp,
			   const struct vmc_hp_update *u,
			   const struct vmc_hp_commit_ops *ops, vmc_error *e)
{
	static const uint8_t zeros[ZERO_CHUNK];
	uint8_t regions[VMC_SHA_REGIONS * 16], digest[VMC_SHA256_LEN];
	vmc_status st = hook_write(ops, VMC_HP_TARGET_ELFCOREHDR, 0, u->hdr,
				   u->len, e);

	if (st || hp->policy != VMC_DIGEST_RECOMPUTE)
		return st;
	for (size_t off = u->len; !st && off < hp->cap;) {
		size_t c = hp->cap - off > ZERO_CHUNK ? ZERO_CHUNK
						      : hp->cap - off;

		st = hook_write(ops, VMC_HP_TARGET_ELFCOREHDR, off, zeros, c, e);
		off += c;
	}
	vmc_digest_table_encode(&u->table, regions, digest);
	if (!st)
		st = hook_write(ops, VMC_HP_TARGET_DIGEST_REGIONS, 0, regions,
				sizeof(regions), e);
	if (!st)
		st = hook_write(ops, VMC_HP_TARGET_DIGEST, 0, digest,
				sizeof(digest), e);
	return st;
}

VMC_EXPORT vmc_status vmc_hotplug_commit(vmc_hotplug *hp, vmc_hp_update *u,
					 const struct vmc_hp_commit_ops *ops,
					 vmc_error *e)
{
	vmc_status st = VMC_OK;

	if (u->generation != hp->generation) {
		vmc_hp_update_free(u);
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "the update was prepared against an "
				     "earlier state");
	}
	if (u->changes) {
		if (ops && ops->invalidate)
			st = ops->invalidate(ops->ctx, e);
		if (!st)
			st = copy_out(hp, u, ops, e);
		if (!st && ops && ops->validate)
			st = ops->validate(ops->ctx, e);
	}
	if (st) {
		vmc_hp_update_free(u);
		return PREFIXED(st, e, "commit");
	}
	if (u->changes) {
		memcpy(hp->seg, u->hdr, u->len);
		if (hp->policy == VMC_DIGEST_RECOMPUTE && hp->dirty > u->len)
			memset(hp->seg + u->len, 0, hp->dirty - u->len);
		if (hp->policy == VMC_DIGEST_RECOMPUTE || u->len > hp->dirty)
			hp->dirty = u->len;
		hp->hdr_size = u->len;
		hp->table = u->table;
	}
	if (u->iomem) {
		vmc_iomem_free(hp->iomem);
		hp->iomem = u->iomem;
		u->iomem = NULL;
	}
	memcpy(hp->hidden, u->hidden, sizeof(hp->hidden));
	hp->updated = true;
	hp->generation++;
	vmc_hp_update_free(u);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_hotplug_apply(vmc_hotplug *hp,
					const struct vmc_hp_event *ev,
					vmc_error *e)
{
	vmc_hp_update *u;
	vmc_status st = vmc_hotplug_prepare(&u, hp, ev, e);

	if (st)
		return st;
	return vmc_hotplug_commit(hp, u, NULL, e);
}

VMC_EXPORT const uint8_t *vmc_hotplug_segment(const vmc_hotplug *hp,
					      size_t *len)
{
	*len = hp->cap;
	return hp->seg;
}

VMC_EXPORT size_t vmc_hotplug_header_size(const vmc_hotplug *hp)
{
	return hp->hdr_size;
}
