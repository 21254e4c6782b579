// SPDX-License-Identifier: MIT
/*
 * Finding device dumps (NT_VMCOREDD notes) in a file without loading it:
 * only note headers, names and dump names are read through the source.
 *
 * Two containers:
 *
 * - An ELF core: every PT_NOTE segment, [p_offset, p_offset + p_filesz).
 *
 * - makedumpfile's kdump-compressed file (makedumpfile diskdump_mod.h,
 *   struct disk_dump_header and struct kdump_sub_header; written by
 *   makedumpfile.c write_kdump_header, native layout of the dumping host,
 *   LP64 here):
 *
 *     disk_dump_header at 0              kdump_sub_header at 1 block
 *       0 signature[8] "KDUMP   "          0 phys_base      8
 *       8 header_version  int              8 dump_level     int
 *      12 utsname 6 x 65 (machine @272)   12 split          int
 *     408 timestamp (struct timeval 16)   16 start_pfn, 24 end_pfn
 *     424 status          u32             32 offset_vmcoreinfo  off_t (v3)
 *     428 block_size      int             40 size_vmcoreinfo
 *     432 sub_hdr_size    int (blocks)    48 offset_note        off_t (v4)
 *     ...                                 56 size_note
 *     464 end                             ...  104 end (v6)
 *
 *   The note segment is the vmcore's whole PT_NOTE (p_filesz bytes)
 *   copied to offset_note, so device dumps keep their order and bytes.
 *   crash(8) computes the same offsets (diskdump.c
 *   diskdump_device_dump_info: offset_note + note position + 64).
 */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/elfcore.h"
#include "base/compiler.h"
#include "devdump/devdump_priv.h"

#define KDUMP_SIG "KDUMP   "
#define KDUMP_MACHINE_OFF 272	/* 12 + 4 * 65: utsname.machine */
#define KDUMP_BLOCK_SIZE_OFF 428
#define KDUMP_HDR_LEN 464
#define KSUB_OFFSET_NOTE 48
#define KSUB_SIZE_NOTE 56
#define KSUB_LEN 64		/* the fields up to size_note */

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

	if (off > fsize || fsize - off < len)
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
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		void *p = vmc__reallocarray(l->v, ncap, sizeof(*l->v));

		if (!p)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		l->v = p;
		l->cap = ncap;
	}
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

static bool machine_is_lp64(const char *m)
{
	return strstr(m, "64") || !strcmp(m, "s390x") || !strcmp(m, "alpha");
}

static vmc_status list_kdump(struct vmc_devdump_list *l, const uint8_t *h,
			     vmc_error *e)
{
	uint64_t fsize = vmc_source_size(l->src);
	struct vmc_devdump_list_info *in = &l->info;
	uint8_t sub[KSUB_LEN];
	int32_t ver = (int32_t)vmc_get32(VMC_LE, h + 8);
	vmc_status st;

	/* Native byte order of the host that ran makedumpfile: the one in
	 * which header_version is small. */
	in->order = VMC_LE;
	if (ver < 1 || ver > 64) {
		in->order = VMC_BE;
		ver = (int32_t)vmc_get32(VMC_BE, h + 8);
	}
	if (ver < 1 || ver > 64)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "kdump-compressed: header_version 0x%x in "
				     "either byte order", vmc_get32(VMC_LE, h + 8));
	in->format = VMC_DEVDUMP_FMT_KDUMP;
	in->header_version = ver;
	memcpy(in->machine_name, h + KDUMP_MACHINE_OFF, 65);
	in->machine_name[65] = '\0';
	if (!machine_is_lp64(in->machine_name))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "kdump-compressed: machine '%s' looks "
				     "32-bit; only the LP64 header layout is "
				     "read", in->machine_name);
	in->block_size = vmc_get32(in->order, h + KDUMP_BLOCK_SIZE_OFF);
	if (in->block_size < 512 || in->block_size > (1u << 20) ||
	    (in->block_size & (in->block_size - 1)))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "kdump-compressed: block_size %u",
				     in->block_size);
	if (ver < 4)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "kdump-compressed: header_version %d has "
				     "no note segment (offset_note came with "
				     "version 4)", ver);
	if (fsize < in->block_size || fsize - in->block_size < sizeof(sub))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "kdump-compressed: the sub-header at 0x%x "
				     "is past the end of the file (0x%llx "
				     "bytes)", in->block_size,
				     (unsigned long long)fsize);
	st = vmc_source_read_at(l->src, in->block_size, sub, sizeof(sub), e);
	if (st)
		return st;
	in->nr_note_segments = 1;
	in->notes_off = vmc_get64(in->order, sub + KSUB_OFFSET_NOTE);
	in->notes_len = vmc_get64(in->order, sub + KSUB_SIZE_NOTE);
	st = vmc__devdump_walk_notes(l->src, in->order, in->notes_off,
				in->notes_len, collect_entry, l, e);
	return st ? PREFIXED(st, e, "kdump-compressed sub-header offset_note "
			     "0x%llx size_note 0x%llx",
			     (unsigned long long)in->notes_off,
			     (unsigned long long)in->notes_len) : VMC_OK;
}

static vmc_status list_any(struct vmc_devdump_list *l, vmc_error *e)
{
	uint64_t fsize = vmc_source_size(l->src);
	uint8_t h[KDUMP_HDR_LEN] = { 0 };
	size_t n = fsize < sizeof(h) ? (size_t)fsize : sizeof(h);
	vmc_status st = vmc_source_read_at(l->src, 0, h, n, e);

	if (st)
		return st;
	if (n >= 4 && !memcmp(h, "\177ELF", 4))
		return list_elf(l, e);
	if (n >= 12 && !memcmp(h, "makedumpfile", 12))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "makedumpfile flattened format (-F): "
				     "rearrange it with makedumpfile -R first");
	if (n >= 8 && !memcmp(h, "DISKDUMP", 8))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "a diskdump file (DISKDUMP) has no note "
				     "segment");
	if (n >= 8 && !memcmp(h, KDUMP_SIG, 8)) {
		if (n < sizeof(h))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "kdump-compressed: the header is "
					     "truncated (%zu of %zu bytes)", n,
					     sizeof(h));
		return list_kdump(l, h, e);
	}
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
