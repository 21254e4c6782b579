// SPDX-License-Identifier: MIT
/*
 * The elfcorehdr a kexec loader left in memory, found without the kdump
 * command line.  kexec_file_load places it at the lowest free address of
 * the crash kernel region (arch/x86/kernel/crash.c crash_load_segments:
 * top_down = false, ELF_CORE_HEADER_ALIGN); kexec-tools near the region's
 * end (add_buffer, 1 KiB alignment at least).  So every 1 KiB step of
 * memory whose bytes start an ELF core header is a candidate, and a
 * candidate is the header when the crash kernel would accept it and it
 * describes this memory:
 *
 *   - vmc_dump_open takes it as fs/proc/vmcore.c would (notes read from
 *     memory at each PT_NOTE's p_offset, merged; every PT_LOAD inside the
 *     memory given);
 *   - its notes hold at least one "CORE" NT_PRSTATUS (crash_save_cpu);
 *   - its VMCOREINFO note (paddr_vmcoreinfo_note) passes
 *     vmc_guest_kernel_check against its own page tables.
 *
 * The kdump kernel's own copy (elfcorebuf, merged: offsets are vmcore
 * file offsets) and headers of an earlier load fail one of these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/guest_priv.h"
#include "vmcorekit/dump.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"

#define STEP 1024
#define MAX_HDRS 64

struct find {
	vmc_physmem *pm;
	struct vmc_guest_hdr *h;
	size_t nr;
};

static bool elf_core_head(const uint8_t *p, size_t have)
{
	if (have < 20 || memcmp(p, "\177ELF", 4) != 0 ||
	    (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return false;
	/* e_type ET_CORE (4) in the header's byte order */
	return p[5] == 1 ? (p[16] == 4 && p[17] == 0)
			 : (p[16] == 0 && p[17] == 4);
}

/* The notes of the merged segment: NT_PRSTATUS count, VMCOREINFO check. */
static void judge_notes(struct vmc_guest_hdr *h, vmc_dump *d,
			const vmc_physmem *pm)
{
	struct vmc_dump_info info;
	const struct vmc_dump_extent *x = NULL;
	struct vmc_note_iter it;
	struct vmc_note n;
	bool have_vmci = false;

	vmc_dump_get_info(d, &info);
	h->nr_ptload = info.nr_ptload;
	for (size_t i = 0; i < vmc_dump_nr_extents(d); i++)
		if (vmc_dump_extent(d, i)->kind == VMC_EXTENT_NOTES)
			x = vmc_dump_extent(d, i);
	if (!x) {
		snprintf(h->why, sizeof(h->why), "no notes");
		return;
	}
	vmc_notes_iter_init(&it, x->bytes, (size_t)info.notes_real_len,
			    info.id.order);
	while (vmc_notes_next(&it, &n) == VMC_OK) {
		if (vmc_note_name_is(&n, "CORE") && n.type == 1)
			h->nr_prstatus++;
		if (vmc_note_name_is(&n, "VMCOREINFO") && !have_vmci) {
			vmc_guest_kernel *k;
			vmc_error e;

			have_vmci = true;
			if (vmc_guest_kernel_new(&k, pm, (const char *)n.desc,
						 n.descsz, &e) == VMC_OK) {
				snprintf(h->osrelease, sizeof(h->osrelease),
					 "%s", vmc_guest_kernel_osrelease(k));
				if (vmc_guest_kernel_check(k, &e) == VMC_OK)
					h->vmcoreinfo_valid = true;
				vmc_guest_kernel_free(k);
			}
			if (!h->vmcoreinfo_valid)
				snprintf(h->why, sizeof(h->why),
					 "its VMCOREINFO: %.180s", e.msg);
		}
	}
	if (h->nr_prstatus == 0)
		snprintf(h->why, sizeof(h->why), "no CORE NT_PRSTATUS note");
	else if (!have_vmci)
		snprintf(h->why, sizeof(h->why), "no VMCOREINFO note");
	h->valid = h->nr_prstatus && h->vmcoreinfo_valid;
}

static vmc_status candidate(void *arg, uint64_t pa, const uint8_t *head,
			    size_t have, uint64_t map_end, bool *stop,
			    vmc_error *e)
{
	struct find *f = arg;
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	struct vmc_guest_hdr *h;
	vmc_hdr_source *hs;
	vmc_dump *d;
	vmc_error err;
	vmc_status st;

	if (!elf_core_head(head, have))
		return VMC_OK;
	h = &f->h[f->nr++];
	*stop = f->nr == MAX_HDRS;
	memset(h, 0, sizeof(*h));
	h->paddr = pa;
	st = vmc_hdr_source_new_oldmem(&hs, f->pm, pa, e);
	if (st)
		return st;
	vmc_error_clear(&err);
	st = vmc_dump_open(&d, hs, f->pm, &o, &err);
	vmc_hdr_source_close(hs);
	if (st == VMC_ERR_NOMEM)
		return vmc_error_set(e, st, "out of memory");
	if (st) {
		snprintf(h->why, sizeof(h->why), "%.199s", err.msg);
		return VMC_OK;
	}
	judge_notes(h, d, f->pm);
	vmc_dump_free(d);
	(void)map_end;
	return VMC_OK;
}

static int cmp_hdr(const void *a, const void *b)
{
	const struct vmc_guest_hdr *x = a, *y = b;

	if (x->valid != y->valid)
		return x->valid ? -1 : 1;
	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

VMC_EXPORT vmc_status vmc_guest_find_elfcorehdr(struct vmc_guest_hdr **out,
						size_t *nr, vmc_physmem *pm,
						vmc_error *e)
{
	struct find f = { .pm = pm };
	vmc_status st;

	f.h = vmc__calloc(MAX_HDRS, sizeof(*f.h));
	if (!f.h)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc__guest_walk(pm, STEP, 64, candidate, &f, NULL, e);
	if (st) {
		vmc__free(f.h);
		return st;
	}
	qsort(f.h, f.nr, sizeof(*f.h), cmp_hdr);	/* f.h is never NULL */
	*out = f.h;
	*nr = f.nr;
	return VMC_OK;
}

VMC_EXPORT void vmc_guest_hdrs_free(struct vmc_guest_hdr *h)
{
	vmc__free(h);
}
