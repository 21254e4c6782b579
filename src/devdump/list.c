// SPDX-License-Identifier: MIT
/*
 * Finding device dumps (NT_VMCOREDD notes) in a file without loading it:
 * only note headers, names and dump names are read through the source.
 *
 * Two containers:
 *
 * - An ELF core: every PT_NOTE segment, [p_offset, p_offset + p_filesz).
 *
 * - makedumpfile's kdump-compressed file: the note segment its sub-header
 *   names (offset_note/size_note), read by src/diskdump/ (the one parser
 *   of that format).  The segment is the vmcore's whole PT_NOTE copied
 *   (makedumpfile.c write_kdump_header), so device dumps keep their order
 *   and bytes; crash(8) computes the same offsets (diskdump.c
 *   diskdump_device_dump_info: offset_note + note position + 64).
 */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/diskdump.h"
#include "vmcorekit/elfcore.h"
#include "base/compiler.h"
#include "devdump/devdump_priv.h"

struct vmc_devdump_list {
	struct vmc_devdump_list_info info;
	struct vmc_devdump_entry *v;
	size_t n, cap;
	vmc_source *src;	/* during vmc_devdump_list_open only */
};

/* Does the note's name read "LINUX" (NUL padding allowed)? */
static vmc_status name_is_linux(vmc_source *src, uint64_t off,
				uint32_t namesz, bool *yes, vmc_error *e)
{
	char name[16];
	struct vmc_note n = { .namesz = namesz, .name = name };
	vmc_status st;

	*yes = false;
	if (namesz < 5 || namesz > sizeof(name))
		return VMC_OK;
	st = vmc_source_read_at(src, off, name, namesz, e);
	if (!st)
		*yes = vmc_note_name_is(&n, "LINUX");
	return st;
}

vmc_status vmc__devdump_walk_notes(vmc_source *src, enum vmc_order order,
			      uint64_t off, uint64_t len, src_note_fn fn,
			      void *arg, vmc_error *e)
{
	uint64_t fsize = vmc_source_size(src), pos = 0;
	bool stop = false;

	if (!vmc__in_bounds(off, len, fsize))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "note segment [0x%llx, +0x%llx) runs past "
				     "the end of the file (0x%llx bytes)",
				     (unsigned long long)off,
				     (unsigned long long)len,
				     (unsigned long long)fsize);
	while (!stop && pos < len) {
		uint8_t raw[VMC_ELF_NHDR_SIZE] = { 0 };
		uint64_t left = len - pos;
		struct src_note n = { .off = off + pos };
		bool linux_name;
		vmc_status st;

		if (left < VMC_ELF_NHDR_SIZE) {
			st = vmc_source_read_at(src, n.off, raw, (size_t)left,
						e);
			if (st)
				return st;
			for (size_t i = 0; i < left; i++)
				if (raw[i])
					return vmc_error_set(e, VMC_ERR_CORRUPT,
						"truncated note header at file "
						"offset 0x%llx (%llu bytes left "
						"in the segment)",
						(unsigned long long)n.off,
						(unsigned long long)left);
			break;
		}
		st = vmc_source_read_at(src, n.off, raw, sizeof(raw), e);
		if (st)
			return st;
		vmc_elf_decode_nhdr(order, raw, &n.nh);
		if (n.nh.namesz == 0)
			break;	/* the terminator after the crash notes */
		n.size = vmc_note_size(n.nh.namesz, n.nh.descsz);
		n.desc_off = n.off + VMC_ELF_NHDR_SIZE +
			     (((uint64_t)n.nh.namesz + 3) & ~3ull);
		if (n.size > left)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
				"note at file offset 0x%llx (n_namesz %u, "
				"n_descsz %u, type 0x%x) runs 0x%llx bytes past "
				"the end of its segment", (unsigned long long)n.off,
				n.nh.namesz, n.nh.descsz, n.nh.type,
				(unsigned long long)(n.size - left));
		st = name_is_linux(src, n.off + VMC_ELF_NHDR_SIZE,
				   n.nh.namesz, &linux_name, e);
		if (st)
			return st;
		n.vmcoredd = linux_name && n.nh.type == VMC_NT_VMCOREDD;
		if (n.vmcoredd && n.nh.descsz < VMC_VMCOREDD_NAME_MAX)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
				"NT_VMCOREDD note at file offset 0x%llx: "
				"n_descsz %u is shorter than its %d-byte dump "
				"name", (unsigned long long)n.off, n.nh.descsz,
				VMC_VMCOREDD_NAME_MAX);
		st = fn(arg, &n, &stop, e);
		if (st)
			return st;
		pos += n.size;
	}
	return VMC_OK;
}

static vmc_status collect_entry(void *arg, const struct src_note *n,
				bool *stop, vmc_error *e)
{
	struct vmc_devdump_list *l = arg;
	struct vmc_devdump_entry *x;
	vmc_status st;

	(void)stop;
	if (!n->vmcoredd)
		return VMC_OK;
	if (!VMC_GROW(l->v, l->cap, l->n + 1, 8))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	x = &l->v[l->n];
	memset(x, 0, sizeof(*x));
	st = vmc_source_read_at(l->src, n->desc_off, x->name,
				VMC_VMCOREDD_NAME_MAX, e);
	if (st)
		return st;
	x->index = l->n;
	x->note_off = n->off;
	x->data_off = n->desc_off + VMC_VMCOREDD_NAME_MAX;
	x->data_len = n->nh.descsz - VMC_VMCOREDD_NAME_MAX;
	x->namesz = n->nh.namesz;
	l->n++;
	return VMC_OK;
}

static vmc_status list_elf(struct vmc_devdump_list *l, vmc_error *e)
{
	vmc_elfcore *c;
	vmc_status st = vmc_elfcore_parse(&c, l->src, e);

	if (st)
		return st;
	l->info.format = VMC_DEVDUMP_FMT_ELF;
	l->info.order = vmc_elfcore_ehdr(c)->id.order;
	l->info.cls = vmc_elfcore_ehdr(c)->id.cls;
	l->info.machine = vmc_elfcore_ehdr(c)->id.machine;
	if (vmc_elfcore_kind(c) == VMC_KIND_ELFCOREHDR)
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "an elfcorehdr, not a vmcore: its notes are "
				   "in the crashed kernel's memory, not in "
				   "the file");
	for (size_t i = 0; !st && i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (p->type != VMC_PT_NOTE)
			continue;
		if (l->info.nr_note_segments++ == 0) {
			l->info.notes_off = p->offset;
			l->info.notes_len = p->filesz;
		}
		st = vmc__devdump_walk_notes(l->src, l->info.order, p->offset,
					p->filesz, collect_entry, l, e);
		if (st)
			vmc_error_prefix(e, "PT_NOTE %zu", i);
	}
	vmc_elfcore_free(c);
	return st;
}

static vmc_status list_kdump(struct vmc_devdump_list *l, vmc_error *e)
{
	struct vmc_devdump_list_info *in = &l->info;
	const struct vmc_diskdump_info *di;
	vmc_diskdump *d;
	vmc_status st = vmc_diskdump_open(&d, l->src, e);

	if (st)
		return st;
	di = vmc_diskdump_info(d);
	in->format = VMC_DEVDUMP_FMT_KDUMP;
	in->order = di->order;
	in->cls = di->id.cls;
	in->machine = di->id.machine;
	in->header_version = di->header_version;
	in->block_size = di->block_size;
	memcpy(in->machine_name, di->machine, sizeof(in->machine_name));
	if (di->header_version < 4) {
		vmc_diskdump_free(d);
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "kdump-compressed: header_version %d has "
				     "no note segment (offset_note came with "
				     "version 4)", in->header_version);
	}
	in->nr_note_segments = 1;
	in->notes_off = di->offset_note;
	in->notes_len = di->size_note;
	st = vmc__devdump_walk_notes(l->src, in->order, in->notes_off,
				     in->notes_len, collect_entry, l, e);
	vmc_diskdump_free(d);
	return st ? PREFIXED(st, e, "kdump-compressed sub-header offset_note "
			     "0x%llx size_note 0x%llx",
			     (unsigned long long)in->notes_off,
			     (unsigned long long)in->notes_len) : VMC_OK;
}

static vmc_status list_any(struct vmc_devdump_list *l, vmc_error *e)
{
	uint64_t fsize = vmc_source_size(l->src);
	uint8_t h[12] = { 0 };
	size_t n = fsize < sizeof(h) ? (size_t)fsize : sizeof(h);
	vmc_status st = vmc_source_read_at(l->src, 0, h, n, e);

	if (st)
		return st;
	if (n >= 4 && !memcmp(h, "\177ELF", 4))
		return list_elf(l, e);
	if (n >= 12 && !memcmp(h, "makedumpfile", 12))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "makedumpfile flattened format (-F): open "
				     "it through vmc_diskdump_flat_source_new");
	if (n >= 8 && (!memcmp(h, "KDUMP   ", 8) || !memcmp(h, "DISKDUMP", 8)))
		return list_kdump(l, e);
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "neither an ELF core nor a makedumpfile "
			     "kdump-compressed file");
}

VMC_EXPORT vmc_status vmc_devdump_list_open(vmc_devdump_list **out,
					    vmc_source *src, vmc_error *e)
{
	struct vmc_devdump_list *l = vmc__calloc(1, sizeof(*l));
	vmc_status st;

	if (!l)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	l->src = src;
	st = list_any(l, e);
	l->src = NULL;
	if (st) {
		vmc_devdump_list_free(l);
		return st;
	}
	*out = l;
	return VMC_OK;
}

VMC_EXPORT void vmc_devdump_list_free(vmc_devdump_list *l)
{
	if (!l)
		return;
	vmc__free(l->v);
	vmc__free(l);
}

VMC_EXPORT size_t vmc_devdump_list_count(const vmc_devdump_list *l)
{
	return l->n;
}

VMC_EXPORT const struct vmc_devdump_entry *
vmc_devdump_list_get(const vmc_devdump_list *l, size_t i)
{
	return i < l->n ? &l->v[i] : NULL;
}

VMC_EXPORT void vmc_devdump_list_get_info(const vmc_devdump_list *l,
					  struct vmc_devdump_list_info *out)
{
	*out = l->info;
}

VMC_EXPORT vmc_status vmc_devdump_list_find(const vmc_devdump_list *l,
					    const char *name, size_t *index,
					    vmc_error *e)
{
	char which[160] = "";
	size_t hits = 0, used = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].name, name) != 0)
			continue;
		if (hits++ == 0)
			*index = i;
		if (used < sizeof(which) - 24) {
			int w = snprintf(which + used, sizeof(which) - used,
					 "%s#%zu", hits > 1 ? ", " : "", i);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	if (hits == 0)
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "no device dump named '%s' (%zu in the "
				     "file)", name, l->n);
	if (hits > 1)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%zu device dumps are named '%s': choose "
				     "one by index: %s%s", hits, name, which,
				     used >= sizeof(which) - 24 ? ", ..." : "");
	return VMC_OK;
}
