// SPDX-License-Identifier: MIT
/*
 * The difference of what two dumps' notes say, in show's words:
 * VMCOREINFO keys added, removed or changed; the CPU count and each
 * CPU's pid/ip/sp (NT_PRSTATUS, the library's per-arch table); device
 * dumps (NT_VMCOREDD) by name and size; and how the other notes are laid
 * out in note segments.  The notes come as buffers, so an ELF vmcore and
 * a kdump-compressed file's note copy compare alike.
 */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/compiler.h"
#include "inspect/diff_priv.h"

#define U(x) ((unsigned long long)(x))

struct side {
	const struct vmc_diff_notes *in;
	const char *vi;
	size_t vi_len;
	size_t nr_cpus, nr_dd;
};

static void scan(struct side *s)
{
	for (size_t k = 0; k < s->in->nr_segments; k++) {
		struct vmc_note_iter it;
		struct vmc_note n;

		vmc_notes_iter_init(&it, s->in->seg[k], s->in->seg_len[k],
				    s->in->id.order);
		while (vmc_notes_next(&it, &n) == VMC_OK) {
			const char *tn = vmc_note_type_name(&n);

			if (!tn)
				continue;
			if (!strcmp(tn, "NT_PRSTATUS"))
				s->nr_cpus++;
			else if (!strcmp(tn, "NT_VMCOREDD"))
				s->nr_dd++;
			else if (!strcmp(tn, "VMCOREINFO") && !s->vi) {
				s->vi = (const char *)n.desc;
				s->vi_len = n.descsz;
			}
		}
	}
}

/* Visit the notes of @s whose type name is @type, in order. */
typedef vmc_status (*note_fn)(void *arg, size_t idx, const struct vmc_note *n,
			      vmc_error *e);

static vmc_status each(const struct side *s, const char *type, note_fn fn,
		       void *arg, vmc_error *e)
{
	size_t idx = 0;
	vmc_status st = VMC_OK;

	for (size_t k = 0; !st && k < s->in->nr_segments; k++) {
		struct vmc_note_iter it;
		struct vmc_note n;

		vmc_notes_iter_init(&it, s->in->seg[k], s->in->seg_len[k],
				    s->in->id.order);
		while (!st && vmc_notes_next(&it, &n) == VMC_OK) {
			const char *tn = vmc_note_type_name(&n);

			if (tn && !strcmp(tn, type))
				st = fn(arg, idx++, &n, e);
		}
	}
	return st;
}

/* ---- VMCOREINFO: KEY=VALUE lines ---- */

struct kv {
	const char *k, *v;
	size_t kl, vl;
};

/* The @i-th KEY=VALUE line at or after *@pos; false at the end. */
static bool next_kv(const char *t, size_t len, size_t *pos, struct kv *out)
{
	while (*pos < len) {
		const char *p = t + *pos;
		const char *nl = memchr(p, '\n', len - *pos);
		size_t ll = nl ? (size_t)(nl - p) : len - *pos;
		const char *eq = memchr(p, '=', ll);

		*pos += ll + 1;
		if (eq && eq > p) {
			out->k = p;
			out->kl = (size_t)(eq - p);
			out->v = eq + 1;
			out->vl = ll - out->kl - 1;
			return true;
		}
	}
	return false;
}

static bool find_kv(const char *t, size_t len, const struct kv *key,
		    struct kv *out)
{
	size_t pos = 0;

	while (next_kv(t, len, &pos, out))
		if (out->kl == key->kl && !memcmp(out->k, key->k, key->kl))
			return true;
	return false;
}

/* Is @x's key the first with its name in @t?  (Repeated keys compare
 * their first value only, as vmc_vmcoreinfo_get reads.) */
static bool first_of_key(const char *t, size_t len, const struct kv *x)
{
	struct kv f;

	return find_kv(t, len, x, &f) && f.k == x->k;
}

static vmc_status diff_vmcoreinfo(vmc_diff *d, const struct side *a,
				  const struct side *b, vmc_error *e)
{
	struct kv x, y;
	size_t pos = 0;
	vmc_status st = VMC_OK;

	if (!a->vi != !b->vi)
		return vmc__diff_item(d, VMC_DIFF_VMCOREINFO, 0, 0, e,
				      "VMCOREINFO only in %c", a->vi ? 'A' : 'B');
	if (!a->vi)
		return VMC_OK;
	while (!st && next_kv(a->vi, a->vi_len, &pos, &x)) {
		if (!first_of_key(a->vi, a->vi_len, &x))
			continue;
		if (!find_kv(b->vi, b->vi_len, &x, &y))
			st = vmc__diff_item(d, VMC_DIFF_VMCOREINFO, 0, 0, e,
				"VMCOREINFO %.*s removed (was %.*s)",
				(int)x.kl, x.k, (int)x.vl, x.v);
		else if (x.vl != y.vl || memcmp(x.v, y.v, x.vl))
			st = vmc__diff_item(d, VMC_DIFF_VMCOREINFO, 0, 0, e,
				"VMCOREINFO %.*s: %.*s -> %.*s", (int)x.kl,
				x.k, (int)x.vl, x.v, (int)y.vl, y.v);
	}
	pos = 0;
	while (!st && next_kv(b->vi, b->vi_len, &pos, &y)) {
		if (!first_of_key(b->vi, b->vi_len, &y) ||
		    find_kv(a->vi, a->vi_len, &y, &x))
			continue;
		st = vmc__diff_item(d, VMC_DIFF_VMCOREINFO, 0, 0, e,
				    "VMCOREINFO %.*s added: %.*s", (int)y.kl,
				    y.k, (int)y.vl, y.v);
	}
	return st;
}

/* ---- CPUs ---- */

struct cpu_pass {
	vmc_diff *d;
	const struct side *other;
	const struct vmc_elf_id *id;
	size_t want;
	bool found;
	struct vmc_prstatus pr;
	bool ok;
};

static vmc_status grab_cpu(void *arg, size_t idx, const struct vmc_note *n,
			   vmc_error *e)
{
	struct cpu_pass *p = arg;

	(void)e;
	if (idx == p->want) {
		p->found = true;
		p->ok = vmc_prstatus_decode(p->id, n->desc, n->descsz, &p->pr,
					    NULL) == VMC_OK;
	}
	return VMC_OK;
}

static vmc_status diff_cpus(vmc_diff *d, const struct side *a,
			    const struct side *b, vmc_error *e)
{
	vmc_status st = VMC_OK;

	if (a->nr_cpus != b->nr_cpus)
		st = vmc__diff_item(d, VMC_DIFF_CPU, 0, 0, e,
				    "CPUs (NT_PRSTATUS notes): %zu in A, %zu "
				    "in B", a->nr_cpus, b->nr_cpus);
	for (size_t i = 0; !st && i < a->nr_cpus && i < b->nr_cpus; i++) {
		struct cpu_pass x = { .id = &a->in->id, .want = i };
		struct cpu_pass y = { .id = &b->in->id, .want = i };

		each(a, "NT_PRSTATUS", grab_cpu, &x, NULL);
		each(b, "NT_PRSTATUS", grab_cpu, &y, NULL);
		if (!x.ok || !y.ok || (x.pr.pid == y.pr.pid &&
				       x.pr.ip == y.pr.ip &&
				       x.pr.sp == y.pr.sp &&
				       !memcmp(x.pr.regs, y.pr.regs,
					       sizeof(x.pr.regs))))
			continue;
		st = vmc__diff_item(d, VMC_DIFF_CPU, 0, 0, e,
				    "CPU %zu: pid %d ip 0x%llx sp 0x%llx -> "
				    "pid %d ip 0x%llx sp 0x%llx", i, x.pr.pid,
				    U(x.pr.ip), U(x.pr.sp), y.pr.pid,
				    U(y.pr.ip), U(y.pr.sp));
	}
	return st;
}

/* ---- device dumps, matched by name (then order) ---- */

struct dd_pass {
	vmc_diff *d;
	const struct side *other;
	char side;
	bool *used;		/* per device dump of the other side */
	struct vmc_vmcoredd want;
	size_t want_idx;
	bool hit;
	size_t hit_size;
};

static vmc_status match_dd(void *arg, size_t idx, const struct vmc_note *n,
			   vmc_error *e)
{
	struct dd_pass *p = arg;
	struct vmc_vmcoredd dd;

	(void)e;
	if (p->hit || p->used[idx] || vmc_vmcoredd_decode(n, &dd, NULL) ||
	    strcmp(dd.name, p->want.name))
		return VMC_OK;
	p->hit = true;
	p->used[idx] = true;
	p->hit_size = dd.data_len;
	return VMC_OK;
}

static vmc_status report_dd(void *arg, size_t idx, const struct vmc_note *n,
			    vmc_error *e)
{
	struct dd_pass *p = arg;

	(void)idx;
	if (vmc_vmcoredd_decode(n, &p->want, NULL))
		return VMC_OK;
	p->hit = false;
	each(p->other, "NT_VMCOREDD", match_dd, p, NULL);
	if (!p->hit)
		return vmc__diff_item(p->d, VMC_DIFF_DEVDUMP, 0, 0, e,
				      "device dump '%s' (%zu bytes) only in %c",
				      p->want.name, p->want.data_len, p->side);
	if (p->side == 'A' && p->hit_size != p->want.data_len)
		return vmc__diff_item(p->d, VMC_DIFF_DEVDUMP, 0, 0, e,
				      "device dump '%s': %zu -> %llu bytes",
				      p->want.name, p->want.data_len,
				      U(p->hit_size));
	return VMC_OK;
}

static vmc_status diff_devdumps(vmc_diff *d, const struct side *a,
				const struct side *b, vmc_error *e)
{
	bool *ua = vmc__calloc(a->nr_dd + 1, sizeof(bool));
	bool *ub = vmc__calloc(b->nr_dd + 1, sizeof(bool));
	struct dd_pass p = { .d = d };
	vmc_status st;

	if (!ua || !ub) {
		st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* A against B marks B's matches; B against A then reports what A
	 * lacks (A's marks are fresh: nothing of A is used yet). */
	p.other = b;
	p.side = 'A';
	p.used = ub;
	st = each(a, "NT_VMCOREDD", report_dd, &p, e);
	if (!st) {
		memset(ub, 0, (b->nr_dd + 1) * sizeof(bool));
		p.other = a;
		p.side = 'B';
		p.used = ua;
		st = each(b, "NT_VMCOREDD", report_dd, &p, e);
	}
out:
	vmc__free(ua);
	vmc__free(ub);
	return st;
}

/* ---- the other notes' placement: per segment, the sequence of note
 * names and types, device dumps left out (reported above) ---- */

static void layout(const struct side *s, size_t k, char *buf, size_t cap)
{
	struct vmc_note_iter it;
	struct vmc_note n;
	size_t used = 0, count = 0;

	buf[0] = '\0';
	vmc_notes_iter_init(&it, s->in->seg[k], s->in->seg_len[k],
			    s->in->id.order);
	while (vmc_notes_next(&it, &n) == VMC_OK) {
		const char *tn = vmc_note_type_name(&n);
		int w;

		if (tn && !strcmp(tn, "NT_VMCOREDD"))
			continue;
		count++;
		if (used + 1 >= cap)
			continue;
		w = snprintf(buf + used, cap - used, "%s%s", used ? "," : "",
			     tn ? tn : "?");
		if (w > 0)
			used += (size_t)w < cap - used ? (size_t)w
						       : cap - used - 1;
	}
}

static vmc_status diff_placement(vmc_diff *d, const struct side *a,
				 const struct side *b, vmc_error *e)
{
	char la[160], lb[160];
	vmc_status st = VMC_OK;

	if (a->in->nr_segments != b->in->nr_segments)
		return vmc__diff_item(d, VMC_DIFF_NOTE, 0, 0, e,
				      "note segments: %zu in A, %zu in B",
				      a->in->nr_segments, b->in->nr_segments);
	for (size_t k = 0; !st && k < a->in->nr_segments; k++) {
		layout(a, k, la, sizeof(la));
		layout(b, k, lb, sizeof(lb));
		if (strcmp(la, lb))
			st = vmc__diff_item(d, VMC_DIFF_NOTE, 0, 0, e,
					    "note segment %zu: %s -> %s", k,
					    la[0] ? la : "(none)",
					    lb[0] ? lb : "(none)");
	}
	return st;
}

vmc_status vmc__diff_contents(vmc_diff *d, const struct vmc_diff_notes *na,
			      const struct vmc_diff_notes *nb, vmc_error *e)
{
	struct side a = { .in = na }, b = { .in = nb };
	vmc_status st;

	scan(&a);
	scan(&b);
	st = diff_vmcoreinfo(d, &a, &b, e);
	if (!st)
		st = diff_cpus(d, &a, &b, e);
	if (!st)
		st = diff_devdumps(d, &a, &b, e);
	if (!st && na->placement && nb->placement)
		st = diff_placement(d, &a, &b, e);
	return st;
}
