// SPDX-License-Identifier: MIT
/*
 * The semantic difference of two ELF core headers: header fields, notes
 * paired by position, the kernel-text mapping, and physical memory -- what
 * only one side describes, and ranges one side splits that the other keeps
 * whole (kexec-tools splits at the backup region and keeps the low 1 MiB;
 * kexec_file_load drops the low 1 MiB).
 */
#include <stdio.h>
#include <string.h>

#include "base/compiler.h"
#include "vmcorekit/notes.h"
#include "inspect/diff_priv.h"
#include "inspect/roles.h"

struct vmc_diff {
	struct vmc_diff_item *v;
	size_t n, cap;
};

#define item vmc__diff_item

vmc_status vmc__diff_item(vmc_diff *d, enum vmc_diff_kind k, uint64_t start,
			  uint64_t end, vmc_error *e, const char *fmt, ...)
{
	struct vmc_diff_item *v;
	va_list ap;

	if (!VMC_GROW(d->v, d->cap, d->n + 1, 16))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	v = &d->v[d->n++];
	v->kind = k;
	v->start = start;
	v->end = end;
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
	return VMC_OK;
}

#define U(x) ((unsigned long long)(x))

static vmc_status diff_header(vmc_diff *d, const vmc_elfcore *a,
			      const vmc_elfcore *b, vmc_error *e)
{
	const struct vmc_ehdr *x = vmc_elfcore_ehdr(a), *y = vmc_elfcore_ehdr(b);
	vmc_status st = VMC_OK;

	if (x->id.cls != y->id.cls || x->id.order != y->id.order ||
	    x->id.machine != y->id.machine)
		st = item(d, VMC_DIFF_HEADER, 0, 0, e,
			  "class/byte order/machine differ (%d/%d/%u vs %d/%d/%u)",
			  x->id.cls, x->id.order, x->id.machine, y->id.cls,
			  y->id.order, y->id.machine);
	if (!st && x->phnum != y->phnum)
		st = item(d, VMC_DIFF_HEADER, 0, 0, e,
			  "e_phnum %u vs %u", x->phnum, y->phnum);
	if (!st && x->osabi != y->osabi)
		st = item(d, VMC_DIFF_HEADER, 0, 0, e, "EI_OSABI %u vs %u",
			  x->osabi, y->osabi);
	if (!st && x->flags != y->flags)
		st = item(d, VMC_DIFF_HEADER, 0, 0, e, "e_flags 0x%x vs 0x%x",
			  x->flags, y->flags);
	/* An elfcorehdr's zero tail (segment padding) carries no meaning. */
	/* A vmcore's size follows its layout (a device dump added moves
	 * everything after it): the contents comparison says what changed. */
	return st;
}

static size_t collect(const vmc_elfcore *c, const enum vmc_role *roles,
		      enum vmc_role want, const struct vmc_phdr **out)
{
	size_t n = 0;

	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++)
		if (roles[i] == want)
			out[n++] = vmc_elfcore_phdr(c, i);
	return n;
}

static vmc_status diff_list(vmc_diff *d, const char *what,
			    enum vmc_diff_kind kind,
			    const struct vmc_phdr **pa, size_t na,
			    const struct vmc_phdr **pb, size_t nb,
			    vmc_error *e)
{
	vmc_status st = VMC_OK;

	if (na != nb)
		st = item(d, kind, 0, 0, e, "%s: %zu in A, %zu in B", what, na,
			  nb);
	for (size_t i = 0; !st && i < na && i < nb; i++) {
		const struct vmc_phdr *x = pa[i], *y = pb[i];

		if (x->paddr != y->paddr || x->memsz != y->memsz ||
		    x->vaddr != y->vaddr)
			st = item(d, kind, y->paddr, y->paddr + y->memsz, e,
				  "%s %zu: paddr 0x%llx size 0x%llx vaddr 0x%llx "
				  "-> paddr 0x%llx size 0x%llx vaddr 0x%llx",
				  what, i, U(x->paddr), U(x->memsz), U(x->vaddr),
				  U(y->paddr), U(y->memsz), U(y->vaddr));
	}
	return st;
}

/* The p_offset of the RAM load of @c at @paddr when it is not @paddr: an
 * elfcorehdr load read from a relocated copy (kexec-tools' backup region,
 * fadump's boot memory). 0 when there is none. */
static uint64_t relocated_at(const vmc_elfcore *c, const enum vmc_role *roles,
			     uint64_t paddr)
{
	if (vmc_elfcore_kind(c) != VMC_KIND_ELFCOREHDR)
		return 0;
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (roles[i] == VMC_ROLE_RAM && p->paddr <= paddr &&
		    paddr - p->paddr < p->memsz && p->offset != p->paddr)
			return p->offset;
	}
	return 0;
}

/* Ranges of @x not covered by @y, reported as @kind. */
static vmc_status only_in(vmc_diff *d, const vmc_ranges *x,
			  const vmc_ranges *y, enum vmc_diff_kind kind,
			  const vmc_elfcore *c, const enum vmc_role *roles,
			  vmc_error *e)
{
	vmc_ranges *left;
	vmc_status st = vmc_ranges_copy(&left, x, e);
	const struct vmc_range *v;

	if (st)
		return st;
	vmc_ranges_merge(left);
	st = vmc_ranges_exclude_set(left, y, e);
	v = vmc_ranges_data(left);
	for (size_t i = 0; !st && i < vmc_ranges_count(left); i++) {
		uint64_t rel = relocated_at(c, roles, v[i].start);
		char extra[64] = "";

		if (rel)
			snprintf(extra, sizeof(extra),
				 ", read from a copy at 0x%llx", U(rel));
		st = item(d, kind, v[i].start, v[i].end, e,
			  "RAM 0x%llx-0x%llx (%llu KiB) only in %c%s",
			  U(v[i].start), U(v[i].end - 1),
			  U((v[i].end - v[i].start) >> 10),
			  kind == VMC_DIFF_RAM_ONLY_A ? 'A' : 'B', extra);
	}
	vmc_ranges_free(left);
	return st;
}

/* Members of sorted @x that overlap two or more members of sorted @y. */
static vmc_status splits(vmc_diff *d, const vmc_ranges *x,
			 const vmc_ranges *y, enum vmc_diff_kind kind,
			 vmc_error *e)
{
	const struct vmc_range *a = vmc_ranges_data(x), *b = vmc_ranges_data(y);
	size_t nb = vmc_ranges_count(y), j = 0;
	vmc_status st = VMC_OK;

	for (size_t i = 0; !st && i < vmc_ranges_count(x); i++) {
		size_t hits = 0;

		while (j < nb && b[j].end <= a[i].start)
			j++;
		for (size_t k = j; k < nb && b[k].start < a[i].end; k++)
			hits++;
		if (hits >= 2)
			st = item(d, kind, a[i].start, a[i].end, e,
				  kind == VMC_DIFF_RAM_SPLIT ?
				  "RAM 0x%llx-0x%llx in A is %zu ranges in B" :
				  "RAM 0x%llx-0x%llx in B is %zu ranges in A",
				  U(a[i].start), U(a[i].end - 1), hits);
	}
	return st;
}

static vmc_status diff_ram(vmc_diff *d, const vmc_elfcore *a,
			   const enum vmc_role *ra, const vmc_elfcore *b,
			   const enum vmc_role *rb, vmc_error *e)
{
	vmc_ranges *x = NULL, *y = NULL;
	vmc_status st = vmc__ram_ranges(a, ra, &x, e);

	if (!st)
		st = vmc__ram_ranges(b, rb, &y, e);
	if (!st) {
		vmc_ranges_sort(x);
		vmc_ranges_sort(y);
		st = only_in(d, x, y, VMC_DIFF_RAM_ONLY_A, a, ra, e);
	}
	if (!st)
		st = only_in(d, y, x, VMC_DIFF_RAM_ONLY_B, b, rb, e);
	if (!st)
		st = splits(d, x, y, VMC_DIFF_RAM_SPLIT, e);
	if (!st)
		st = splits(d, y, x, VMC_DIFF_RAM_JOINED, e);
	vmc_ranges_free(x);
	vmc_ranges_free(y);
	return st;
}

/* Same RAM range on both sides, other p_offset (kexec-tools' backup). */
static vmc_status diff_fields(vmc_diff *d, const struct vmc_phdr **pa,
			      size_t na, const struct vmc_phdr **pb, size_t nb,
			      vmc_error *e)
{
	vmc_status st = VMC_OK;

	for (size_t i = 0; !st && i < na; i++)
		for (size_t j = 0; !st && j < nb; j++)
			if (pa[i]->paddr == pb[j]->paddr &&
			    pa[i]->memsz == pb[j]->memsz &&
			    (pa[i]->offset != pb[j]->offset ||
			     pa[i]->vaddr != pb[j]->vaddr ||
			     pa[i]->flags != pb[j]->flags))
				st = item(d, VMC_DIFF_LOAD_FIELD, pa[i]->paddr,
					  pa[i]->paddr + pa[i]->memsz, e,
					  "RAM 0x%llx: p_offset 0x%llx vaddr "
					  "0x%llx -> p_offset 0x%llx vaddr 0x%llx",
					  U(pa[i]->paddr), U(pa[i]->offset),
					  U(pa[i]->vaddr), U(pb[j]->offset),
					  U(pb[j]->vaddr));
	return st;
}

static bool both_vmcores(const vmc_elfcore *a, const vmc_elfcore *b)
{
	return vmc_elfcore_kind(a) == VMC_KIND_VMCORE &&
	       vmc_elfcore_kind(b) == VMC_KIND_VMCORE;
}

#define MAX_NOTE_SEGS 64

struct note_bufs {
	uint8_t *seg[MAX_NOTE_SEGS];
	size_t len[MAX_NOTE_SEGS];
	struct vmc_diff_notes n;
};

static vmc_status read_notes(const vmc_elfcore *c, struct note_bufs *nb,
			     vmc_error *e)
{
	nb->n.id = vmc_elfcore_ehdr(c)->id;
	nb->n.seg = (const uint8_t *const *)nb->seg;
	nb->n.seg_len = nb->len;
	nb->n.placement = true;
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++) {
		vmc_status st;

		if (vmc_elfcore_phdr(c, i)->type != VMC_PT_NOTE)
			continue;
		if (nb->n.nr_segments == MAX_NOTE_SEGS)
			return vmc_error_set(e, VMC_ERR_NOSPACE,
					     "more than %d PT_NOTE segments",
					     MAX_NOTE_SEGS);
		st = vmc_elfcore_read_segment(c, i,
					      &nb->seg[nb->n.nr_segments],
					      &nb->len[nb->n.nr_segments], e);
		if (st)
			return PREFIXED(st, e, "PT_NOTE %zu", i);
		nb->n.nr_segments++;
	}
	return VMC_OK;
}

static vmc_status diff_vmcore_notes(vmc_diff *d, const vmc_elfcore *a,
				    const vmc_elfcore *b, vmc_error *e)
{
	struct note_bufs *x = vmc__calloc(2, sizeof(*x));
	vmc_status st;

	if (!x)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = read_notes(a, &x[0], e);
	if (st)
		vmc_error_prefix(e, "A");
	if (!st && (st = read_notes(b, &x[1], e)))
		vmc_error_prefix(e, "B");
	if (!st)
		st = vmc__diff_contents(d, &x[0].n, &x[1].n, e);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < x[k].n.nr_segments; i++)
			vmc_buf_free(x[k].seg[i]);
	vmc__free(x);
	return st;
}

VMC_EXPORT vmc_status vmc_diff_new_notes(vmc_diff **out,
					 const struct vmc_diff_notes *a,
					 const struct vmc_diff_notes *b,
					 vmc_error *e)
{
	vmc_diff *d = vmc__calloc(1, sizeof(*d));
	vmc_status st;

	if (!d)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc__diff_contents(d, a, b, e);
	if (st) {
		vmc_diff_free(d);
		return st;
	}
	*out = d;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_diff_new(vmc_diff **out, const vmc_elfcore *a,
				   const vmc_elfcore *b, vmc_error *e)
{
	size_t na = vmc_elfcore_nr_phdrs(a), nb = vmc_elfcore_nr_phdrs(b);
	enum vmc_role *ra = vmc__calloc(na + 1, sizeof(*ra));
	enum vmc_role *rb = vmc__calloc(nb + 1, sizeof(*rb));
	const struct vmc_phdr **pa = vmc__calloc(na + 1, sizeof(*pa));
	const struct vmc_phdr **pb = vmc__calloc(nb + 1, sizeof(*pb));
	vmc_diff *d = vmc__calloc(1, sizeof(*d));
	vmc_status st;
	size_t xa, xb;

	if (!ra || !rb || !pa || !pb || !d) {
		st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		goto out;
	}
	vmc__classify_loads(a, ra);
	vmc__classify_loads(b, rb);
	st = diff_header(d, a, b, e);
	xa = collect(a, ra, VMC_ROLE_NOTE, pa);
	xb = collect(b, rb, VMC_ROLE_NOTE, pb);
	/* Both loaders put VMCOREINFO last, after the CPU notes. */
	if (!st && xa > 1 && xb > 1 &&
	    vmc_elfcore_kind(a) == VMC_KIND_ELFCOREHDR &&
	    vmc_elfcore_kind(b) == VMC_KIND_ELFCOREHDR) {
		st = diff_list(d, "VMCOREINFO", VMC_DIFF_NOTE, pa + xa - 1, 1,
			       pb + xb - 1, 1, e);
		xa--;
		xb--;
	}
	/* A vmcore's notes are merged into one PT_NOTE at p_paddr 0: what
	 * they hold is compared below, not their headers. */
	if (!st && !both_vmcores(a, b))
		st = diff_list(d, "CPU note", VMC_DIFF_NOTE, pa, xa, pb, xb, e);
	xa = collect(a, ra, VMC_ROLE_MAPPING, pa);
	xb = collect(b, rb, VMC_ROLE_MAPPING, pb);
	if (!st)
		st = diff_list(d, "mapping", VMC_DIFF_MAPPING, pa, xa, pb, xb, e);
	if (!st)
		st = diff_ram(d, a, ra, b, rb, e);
	xa = collect(a, ra, VMC_ROLE_RAM, pa);
	xb = collect(b, rb, VMC_ROLE_RAM, pb);
	/* A vmcore's p_offset is file placement, not a physical address. */
	if (!st && !both_vmcores(a, b) && (uint64_t)xa * xb <= 1u << 24)
		st = diff_fields(d, pa, xa, pb, xb, e);
	if (!st && both_vmcores(a, b))
		st = diff_vmcore_notes(d, a, b, e);
out:
	vmc__free(ra);
	vmc__free(rb);
	vmc__free(pa);
	vmc__free(pb);
	if (st) {
		vmc_diff_free(d);
		return st;
	}
	*out = d;
	return VMC_OK;
}

VMC_EXPORT void vmc_diff_free(vmc_diff *d)
{
	if (!d)
		return;
	vmc__free(d->v);
	vmc__free(d);
}

VMC_EXPORT size_t vmc_diff_count(const vmc_diff *d)
{
	return d->n;
}

VMC_EXPORT const struct vmc_diff_item *vmc_diff_get(const vmc_diff *d,
						    size_t i)
{
	return i < d->n ? &d->v[i] : NULL;
}

VMC_EXPORT const char *vmc_diff_kind_name(enum vmc_diff_kind k)
{
	switch (k) {
	case VMC_DIFF_HEADER: return "header";
	case VMC_DIFF_NOTE: return "note";
	case VMC_DIFF_RAM_ONLY_A: return "ram-only-a";
	case VMC_DIFF_RAM_ONLY_B: return "ram-only-b";
	case VMC_DIFF_RAM_SPLIT: return "ram-split";
	case VMC_DIFF_RAM_JOINED: return "ram-joined";
	case VMC_DIFF_MAPPING: return "mapping";
	case VMC_DIFF_LOAD_FIELD: return "load-field";
	case VMC_DIFF_VMCOREINFO: return "vmcoreinfo";
	case VMC_DIFF_CPU: return "cpu";
	case VMC_DIFF_DEVDUMP: return "device-dump";
	}
	return "unknown";
}
