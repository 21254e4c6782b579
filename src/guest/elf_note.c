// SPDX-License-Identifier: MIT
/*
 * VMCOREINFO from an ELF core's notes: a vmcore (fs/proc/vmcore.c merges
 * the crashed kernel's VMCOREINFO note into its one PT_NOTE) or a QEMU
 * dump-guest-memory file made with -device vmcoreinfo (QEMU dump/dump.c
 * copies the guest's note).
 */
#include <string.h>

#include "guest/guest_priv.h"
#include "vmcorekit/elfcore.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"

/* A PT_NOTE larger than this is not read (the kernel's are a few KiB per
 * CPU). */
#define MAX_NOTE_SEGMENT (64u << 20)

static vmc_status find_in(const uint8_t *seg, size_t len, enum vmc_order ord,
			  char **text, size_t *tlen, vmc_error *e)
{
	struct vmc_note_iter it;
	struct vmc_note n;

	vmc_notes_iter_init(&it, seg, len, ord);
	while (vmc_notes_next(&it, &n) == VMC_OK) {
		if (!vmc_note_name_is(&n, "VMCOREINFO"))
			continue;
		*text = vmc__malloc((size_t)n.descsz + 1);
		if (!*text)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		memcpy(*text, n.desc, n.descsz);
		(*text)[n.descsz] = '\0';
		*tlen = strnlen(*text, n.descsz);
		return VMC_OK;
	}
	return VMC_ERR_NOTFOUND;
}

VMC_EXPORT vmc_status vmc_guest_elf_vmcoreinfo(char **text, size_t *len,
					       vmc_source *src, vmc_error *e)
{
	vmc_elfcore *c;
	vmc_status st = vmc_elfcore_parse(&c, src, e);

	if (st)
		return st;
	st = VMC_ERR_NOTFOUND;
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c) && st == VMC_ERR_NOTFOUND;
	     i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
		uint8_t *seg;

		if (p->type != 4 /* PT_NOTE */ || p->filesz == 0)
			continue;
		if (p->filesz > MAX_NOTE_SEGMENT) {
			st = vmc_error_set(e, VMC_ERR_CORRUPT,
					   "PT_NOTE %zu: %llu bytes", i,
					   (unsigned long long)p->filesz);
			break;
		}
		seg = vmc__malloc((size_t)p->filesz);
		if (!seg) {
			st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
			break;
		}
		st = vmc_source_read_at(src, p->offset, seg, (size_t)p->filesz,
					e);
		if (st)
			st = PREFIXED(VMC_ERR_CORRUPT, e, "PT_NOTE %zu", i);
		else
			st = find_in(seg, (size_t)p->filesz,
				     vmc_elfcore_ehdr(c)->id.order, text, len,
				     e);
		vmc__free(seg);
	}
	vmc_elfcore_free(c);
	if (st == VMC_ERR_NOTFOUND)
		return vmc_error_set(e, st, "no VMCOREINFO note");
	return st;
}
