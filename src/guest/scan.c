// SPDX-License-Identifier: MIT
/*
 * Find VMCOREINFO in guest-physical memory and tell the live copies from
 * the stale ones.
 *
 * kernel/vmcore_info.c crash_save_vmcoreinfo_init (a subsys_initcall, so
 * present without kdump whenever CONFIG_VMCORE_INFO is on):
 *   vmcoreinfo_data = get_zeroed_page()        the text, page aligned:
 *       "OSRELEASE=<release>\nBUILD-ID=...\nPAGESIZE=...\n..."
 *   vmcoreinfo_note = alloc_pages_exact(VMCOREINFO_NOTE_SIZE)
 *       update_vmcoreinfo_note → append_elf_note, page aligned:
 *       +0 n_namesz 11 | +4 n_descsz | +8 n_type 0 | +12 "VMCOREINFO\0\0"
 *       +24 the text (n_descsz bytes, at most VMCOREINFO_BYTES = PAGE_SIZE)
 * Other copies: the kexec safe copy in the crash kernel region
 * (kimage_crash_copy_vmcoreinfo, crash_update_vmcoreinfo_safecopy: a
 * control page), the note a crashing kernel rewrites with CRASHTIME=
 * (crash_save_vmcoreinfo, called from __crash_kexec), a kdump kernel's own
 * pair once it runs, and any of these left by an earlier boot.
 *
 * Each candidate is checked by walking its own page tables to its
 * init_uts_ns (vmc_guest_kernel_check): only the kernel that owns the
 * memory passes.  Copies of one kernel (same page table, phys_base and
 * KASLR offset) are one kernel.
 */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>

#include "guest/guest_priv.h"
#include "vmcorekit/notes.h"
#include "base/array.h"
#include "base/compiler.h"

#define PAGE 4096u
#define NOTE_HEAD 24u		/* 12-byte Elf64_Nhdr + "VMCOREINFO\0\0" */
#define HEAD_NEED (NOTE_HEAD + 10)
#define DEFAULT_MAX 256

struct cand {
	struct vmc_guest_vmci pub;	/* first: vmc_guest_scan_get returns it */
	uint64_t pgd, kaslr;
	size_t group;			/* first candidate of its kernel */
	bool group_crashed;
};

struct vmc_guest_scan {
	struct cand *c;
	size_t nr, cap, max;
	size_t nr_kernels;
	uint64_t bytes;
	bool full;
};

/* The 24 bytes append_elf_note (kernel/crash_core.c) writes first. */
static bool note_head(const uint8_t *p, uint32_t *descsz)
{
	if (guest_le32(p) != 11 || guest_le32(p + 8) != 0 ||
	    memcmp(p + 12, "VMCOREINFO\0\0", 12) != 0 ||
	    memcmp(p + NOTE_HEAD, "OSRELEASE=", 10) != 0)
		return false;
	*descsz = guest_le32(p + 4);
	return true;
}

static void judge(struct cand *c, const vmc_physmem *pm)
{
	vmc_guest_kernel *k = NULL;
	vmc_error err;
	vmc_status st;

	vmc_error_clear(&err);
	st = vmc_guest_kernel_new(&k, pm, c->pub.text, c->pub.len, &err);
	if (!st)
		st = vmc_guest_kernel_check(k, &err);
	if (st) {
		c->pub.verdict = VMC_GUEST_VMCI_STALE;
		snprintf(c->pub.why, sizeof(c->pub.why), "%.199s", err.msg);
	} else {
		c->pub.verdict = VMC_GUEST_VMCI_VALID;
		c->pub.phys_base = k->phys_base;
		c->pgd = k->pgd;
		c->kaslr = k->kaslr;
	}
	vmc_guest_kernel_free(k);
}

/* Read the text of a candidate at @tpa (at most @cap bytes) and judge it. */
static vmc_status add(vmc_guest_scan *s, const vmc_physmem *pm,
		      enum vmc_guest_vmci_form form, uint64_t paddr,
		      uint64_t tpa, size_t cap, vmc_error *e)
{
	struct cand *c;
	char *text;
	vmc_status st;

	if (s->nr == s->max) {
		s->full = true;
		return VMC_OK;
	}
	if (!VMC_GROW(s->c, s->cap, s->nr + 1, 8))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	text = vmc__malloc(cap + 1);
	if (!text)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	c = &s->c[s->nr++];
	memset(c, 0, sizeof(*c));
	c->pub.form = form;
	c->pub.paddr = paddr;
	c->pub.text_paddr = tpa;
	c->pub.kernel = VMC_GUEST_NONE;
	c->pub.text = text;
	st = vmc_physmem_read(pm, tpa, text, cap, e);
	if (st == VMC_ERR_NOMEM)
		return st;
	if (st) {
		c->pub.verdict = VMC_GUEST_VMCI_STALE;
		snprintf(c->pub.why, sizeof(c->pub.why),
			 "its %zu bytes of text are not all in memory", cap);
		text[0] = '\0';
		return VMC_OK;
	}
	text[cap] = '\0';
	c->pub.len = strlen(text);
	for (size_t i = 0; i < c->pub.len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if ((ch < 0x20 || ch > 0x7e) && ch != '\n') {
			c->pub.verdict = VMC_GUEST_VMCI_STALE;
			snprintf(c->pub.why, sizeof(c->pub.why),
				 "byte 0x%02x at +%zu is not VMCOREINFO text",
				 ch, i);
			c->pub.len = i;
			text[i] = '\0';
			return VMC_OK;
		}
	}
	c->pub.crashtime = strstr(text, "\nCRASHTIME=") != NULL;
	if (vmc_vmcoreinfo_get(text, c->pub.len, "OSRELEASE",
			       c->pub.osrelease, sizeof(c->pub.osrelease)))
		c->pub.osrelease[0] = '\0';
	judge(c, pm);
	return VMC_OK;
}

struct walk_arg {
	vmc_guest_scan *s;
	const vmc_physmem *pm;
};

/* Test the page at @pa whose first @have bytes are @head. */
static vmc_status page(void *arg, uint64_t pa, const uint8_t *head,
		       size_t have, uint64_t map_end, bool *stop,
		       vmc_error *e)
{
	struct walk_arg *w = arg;
	vmc_guest_scan *s = w->s;
	const vmc_physmem *pm = w->pm;
	uint8_t tmp[HEAD_NEED];
	uint32_t descsz;
	uint64_t room = map_end - pa;
	vmc_status st = VMC_OK;

	if (have < HEAD_NEED) {
		if (room < 10)
			return VMC_OK;
		memset(tmp, 0, sizeof(tmp));
		if (vmc_physmem_read(pm, pa, tmp,
				     room < HEAD_NEED ? (size_t)room
						      : HEAD_NEED, NULL))
			return VMC_OK;
		head = tmp;
	}
	if (head[0] == 11 && note_head(head, &descsz)) {
		if (descsz > PAGE)
			descsz = PAGE;	/* VMCOREINFO_BYTES: the rest is junk */
		st = add(s, pm, VMC_GUEST_VMCI_NOTE, pa, pa + NOTE_HEAD,
			 descsz, e);
	} else if (head[0] == 'O' && memcmp(head, "OSRELEASE=", 10) == 0) {
		st = add(s, pm, VMC_GUEST_VMCI_TEXT, pa, pa,
			 room < PAGE ? (size_t)room : PAGE, e);
	}
	*stop = s->full;
	return st;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

#define KEY(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
#define KEY_DESC(f) if (x->f != y->f) return x->f ? -1 : 1
	KEY(pub.verdict);
	if (x->pub.verdict == VMC_GUEST_VMCI_VALID) {
		KEY_DESC(group_crashed);
		KEY(group);
		KEY_DESC(pub.crashtime);
		KEY(pub.form);
	}
	KEY(pub.paddr);
	return 0;
#undef KEY
#undef KEY_DESC
}

/* Group the valid copies by kernel, sort, number the kernels. */
static void rank(vmc_guest_scan *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		struct cand *c = &s->c[i];

		c->group = i;
		if (c->pub.verdict != VMC_GUEST_VMCI_VALID)
			continue;
		for (size_t j = 0; j < i; j++) {
			struct cand *o = &s->c[j];

			if (o->pub.verdict == VMC_GUEST_VMCI_VALID &&
			    o->pgd == c->pgd && o->kaslr == c->kaslr &&
			    o->pub.phys_base == c->pub.phys_base) {
				c->group = o->group;
				break;
			}
		}
		if (c->pub.crashtime)
			s->c[c->group].group_crashed = true;
	}
	for (size_t i = 0; i < s->nr; i++)
		s->c[i].group_crashed = s->c[s->c[i].group].group_crashed;
	if (s->nr)	/* qsort(NULL, 0) is undefined */
		qsort(s->c, s->nr, sizeof(*s->c), cmp_cand);
	for (size_t i = 0; i < s->nr; i++) {
		struct cand *c = &s->c[i];

		if (c->pub.verdict != VMC_GUEST_VMCI_VALID)
			break;
		if (i == 0 || s->c[i - 1].group != c->group)
			s->nr_kernels++;
		c->pub.kernel = s->nr_kernels - 1;
	}
}

VMC_EXPORT vmc_status vmc_guest_scan_new(vmc_guest_scan **out,
					 const vmc_physmem *pm,
					 const struct vmc_guest_scan_opts *opts,
					 vmc_error *e)
{
	struct walk_arg w;
	vmc_guest_scan *s;
	vmc_status st;

	if (opts && opts->version != VMC_GUEST_SCAN_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "unknown scan options version %u",
				     opts->version);
	s = vmc__calloc(1, sizeof(*s));
	if (!s)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	s->max = opts && opts->max_candidates ? opts->max_candidates
					      : DEFAULT_MAX;
	w.s = s;
	w.pm = pm;
	st = vmc__guest_walk(pm, PAGE, HEAD_NEED, page, &w, &s->bytes, e);
	if (st) {
		vmc_guest_scan_free(s);
		return st;
	}
	rank(s);
	*out = s;
	return VMC_OK;
}

VMC_EXPORT void vmc_guest_scan_free(vmc_guest_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr; i++)
		vmc__free((char *)s->c[i].pub.text);
	vmc__free(s->c);
	vmc__free(s);
}

VMC_EXPORT size_t vmc_guest_scan_nr(const vmc_guest_scan *s)
{
	return s->nr;
}

VMC_EXPORT const struct vmc_guest_vmci *
vmc_guest_scan_get(const vmc_guest_scan *s, size_t i)
{
	return i < s->nr ? &s->c[i].pub : NULL;
}

VMC_EXPORT size_t vmc_guest_scan_nr_kernels(const vmc_guest_scan *s)
{
	return s->nr_kernels;
}

VMC_EXPORT uint64_t vmc_guest_scan_bytes(const vmc_guest_scan *s)
{
	return s->bytes;
}

VMC_EXPORT vmc_status vmc_guest_scan_pick(const vmc_guest_scan *s,
					  size_t *index, char *why_several,
					  vmc_error *e)
{
	size_t crashed = 0, len = 0;

	if (why_several)
		why_several[0] = '\0';
	if (s->nr_kernels == 0) {
		if (s->nr == 0)
			return vmc_error_set(e, VMC_ERR_NOTFOUND,
					     "no VMCOREINFO in memory");
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "%zu VMCOREINFO cop%s, none valid; at "
				     "0x%llx: %s", s->nr,
				     s->nr == 1 ? "y" : "ies",
				     (unsigned long long)s->c[0].pub.paddr,
				     s->c[0].pub.why);
	}
	*index = 0;
	if (s->nr_kernels == 1)
		return VMC_OK;
	for (size_t i = 0; i < s->nr; i++) {
		const struct cand *c = &s->c[i];

		if (c->pub.verdict != VMC_GUEST_VMCI_VALID ||
		    (i && s->c[i - 1].group == c->group))
			continue;
		crashed += c->group_crashed;
		if (why_several && len < 199)
			len += (size_t)snprintf(
				why_several + len, 200 - len,
				"%s%s at phys_base 0x%llx (%s)", len ? "; " : "",
				c->pub.osrelease,
				(unsigned long long)c->pub.phys_base,
				c->group_crashed ? "crashed: has CRASHTIME"
						 : "running: a kdump kernel?");
	}
	if (crashed != 1)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%zu kernels in memory and %zu with "
				     "CRASHTIME: choose one", s->nr_kernels,
				     crashed);
	return VMC_OK;
}
