// SPDX-License-Identifier: MIT
/*
 * Parsing ELF core headers through a source.  Every table is bounds
 * checked with the overflow-safe idiom before it is read:
 *   n > SIZE_MAX / entsz || off > size || size - off < n * entsz
 */
#include <string.h>

#include "vmcorekit/elfcore.h"
#include "vmcorekit/sys/source.h"
#include "base/compiler.h"

#define MAX_SEGMENT_READ (1ull << 30)

struct vmc_elfcore {
	vmc_source *src;
	struct vmc_ehdr eh;
	struct vmc_phdr *ph;
	uint64_t size;
};

static bool table_fits(uint64_t off, uint64_t n, uint64_t entsz,
		       uint64_t size)
{
	return !(n > UINT64_MAX / entsz || off > size || size - off < n * entsz);
}

static vmc_status read_phdrs(vmc_elfcore *c, vmc_error *e)
{
	size_t entsz = vmc_elf_phdr_size(c->eh.id.cls);
	uint8_t *tab;
	vmc_status st;
	size_t bytes;

	if (!table_fits(c->eh.phoff, c->eh.phnum, entsz, c->size))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "program header table (%u x %zu bytes at "
				     "0x%llx) runs past the end of the file "
				     "(0x%llx bytes)", c->eh.phnum, entsz,
				     (unsigned long long)c->eh.phoff,
				     (unsigned long long)c->size);
	bytes = (size_t)c->eh.phnum * entsz;
	tab = vmc__malloc(bytes);
	c->ph = vmc__reallocarray(NULL, c->eh.phnum, sizeof(*c->ph));
	if (!tab || !c->ph) {
		vmc__free(tab);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	st = vmc_source_read_at(c->src, c->eh.phoff, tab, bytes, e);
	for (size_t i = 0; !st && i < c->eh.phnum; i++)
		st = vmc_elf_decode_phdr(&c->eh.id, tab + i * entsz, entsz,
					 &c->ph[i], e);
	vmc__free(tab);
	return st;
}

/* Does [start, start + len) run past 2^64?  (A span ending exactly at 2^64
 * is representable: its last byte is 2^64 - 1.) */
static bool span_wraps(uint64_t start, uint64_t len)
{
	return len && start > UINT64_MAX - (len - 1);
}

/*
 * A segment whose end passes 2^64 is not a truncated segment but a corrupt
 * one: a naive "offset + filesz <= size" check passes after the wrap, and
 * no reader can give its bytes a place (issue 14: an error in every command
 * that parses, never a "past EOF, truncated" warning).  p_paddr
 * UINT64_MAX is /proc/kcore's "no physical address" (fs/proc/kcore.c,
 * elf_kcore_store_hdr), not an address.
 */
static vmc_status check_spans(const vmc_elfcore *c, vmc_error *e)
{
	for (size_t i = 0; i < c->eh.phnum; i++) {
		const struct vmc_phdr *p = &c->ph[i];
		const char *t = p->type == VMC_PT_NOTE ? "PT_NOTE" : "PT_LOAD";

		if (p->type != VMC_PT_NOTE && p->type != VMC_PT_LOAD)
			continue;
		if (span_wraps(p->offset, p->filesz))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "%s %zu: p_offset 0x%llx + p_filesz "
					     "0x%llx passes 2^64", t, i,
					     (unsigned long long)p->offset,
					     (unsigned long long)p->filesz);
		if (p->paddr != UINT64_MAX && span_wraps(p->paddr, p->memsz))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "%s %zu: p_paddr 0x%llx + p_memsz "
					     "0x%llx passes 2^64", t, i,
					     (unsigned long long)p->paddr,
					     (unsigned long long)p->memsz);
	}
	return VMC_OK;
}

static vmc_status resolve_xnum(vmc_elfcore *c, vmc_error *e)
{
	size_t shsz = vmc_elf_shdr_size(c->eh.id.cls);
	uint8_t sh[64];
	vmc_status st;

	if (c->eh.raw_phnum != VMC_PN_XNUM)
		return VMC_OK;
	if (c->eh.shoff == 0 || !table_fits(c->eh.shoff, 1, shsz, c->size))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "e_phnum is PN_XNUM but section header 0 "
				     "(at 0x%llx) is not in the file",
				     (unsigned long long)c->eh.shoff);
	st = vmc_source_read_at(c->src, c->eh.shoff, sh, shsz, e);
	if (!st)
		st = vmc_elf_resolve_xnum(&c->eh, sh, shsz, e);
	return st;
}

/*
 * Name the dump formats users hand us instead of an ELF core, rather than
 * "bad magic": makedumpfile's kdump-compressed file starts "KDUMP   ", its
 * older diskdump "DISKDUMP" (makedumpfile diskdump_mod.h, KDUMP_SIGNATURE
 * and DISK_DUMP_SIGNATURE).
 */
static vmc_status not_elf(const uint8_t *hdr, size_t n, vmc_error *e)
{
	if (n >= 8 && (!memcmp(hdr, "KDUMP   ", 8) ||
		       !memcmp(hdr, "DISKDUMP", 8)))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "a makedumpfile kdump-compressed file: not "
				     "an ELF core (makedumpfile -E writes an "
				     "ELF one; devdump list reads this one)");
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_elfcore_parse(vmc_elfcore **out, vmc_source *src,
					vmc_error *e)
{
	vmc_elfcore *c = vmc__calloc(1, sizeof(*c));
	uint8_t hdr[64] = { 0 };
	size_t n;
	vmc_status st;

	if (!c)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	c->src = src;
	c->size = vmc_source_size(src);
	n = c->size < sizeof(hdr) ? (size_t)c->size : sizeof(hdr);
	st = vmc_source_read_at(src, 0, hdr, n, e);
	if (!st)
		st = not_elf(hdr, n, e);
	if (!st)
		st = vmc_elf_decode_ehdr(hdr, n, &c->eh, e);
	if (!st && c->eh.type != VMC_ET_CORE)
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "not an ELF core file (e_type %u, want "
				   "ET_CORE 4)", c->eh.type);
	if (!st && c->eh.phnum && c->eh.phentsize !=
	    vmc_elf_phdr_size(c->eh.id.cls))
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "e_phentsize %u does not match ELFCLASS%d",
				   c->eh.phentsize,
				   c->eh.id.cls == VMC_CLASS_64 ? 64 : 32);
	if (!st)
		st = resolve_xnum(c, e);
	if (!st)
		st = read_phdrs(c, e);
	if (!st)
		st = check_spans(c, e);
	if (st) {
		vmc_elfcore_free(c);
		return st;
	}
	*out = c;
	return VMC_OK;
}

VMC_EXPORT void vmc_elfcore_free(vmc_elfcore *c)
{
	if (!c)
		return;
	vmc__free(c->ph);
	vmc__free(c);
}

VMC_EXPORT const struct vmc_ehdr *vmc_elfcore_ehdr(const vmc_elfcore *c)
{
	return &c->eh;
}

VMC_EXPORT size_t vmc_elfcore_nr_phdrs(const vmc_elfcore *c)
{
	return c->eh.phnum;
}

VMC_EXPORT const struct vmc_phdr *vmc_elfcore_phdr(const vmc_elfcore *c,
						   size_t i)
{
	return i < c->eh.phnum ? &c->ph[i] : NULL;
}

VMC_EXPORT uint64_t vmc_elfcore_file_size(const vmc_elfcore *c)
{
	return c->size;
}

VMC_EXPORT uint64_t vmc_elfcore_headers_end(const vmc_elfcore *c)
{
	return c->eh.phoff + (uint64_t)c->eh.phnum *
	       vmc_elf_phdr_size(c->eh.id.cls);
}

/*
 * An elfcorehdr describes old memory: each PT_NOTE and PT_LOAD has
 * p_offset == p_paddr (both loaders write them so) and at least one of them
 * points past the end of this (small) file.  Some keep p_offset !=
 * p_paddr: the backup region of kexec-tools (one load), the boot memory
 * powerpc fadump's firmware moved (p_offset is where the copy is, one load
 * per boot-memory region); so one mismatch, or a minority of them, is
 * tolerated.  In a vmcore p_offset == p_paddr only by coincidence.
 */
VMC_EXPORT enum vmc_elfcore_kind vmc_elfcore_kind(const vmc_elfcore *c)
{
	size_t segs = 0, same = 0, beyond = 0;

	for (size_t i = 0; i < c->eh.phnum; i++) {
		const struct vmc_phdr *p = &c->ph[i];

		if (p->type != VMC_PT_NOTE && p->type != VMC_PT_LOAD)
			continue;
		segs++;
		same += p->offset == p->paddr;
		if (!vmc__in_bounds(p->offset, p->filesz, c->size))
			beyond++;
	}
	if (segs == 0)
		return VMC_KIND_UNKNOWN;
	if (beyond && (same + 1 >= segs || 2 * same > segs))
		return VMC_KIND_ELFCOREHDR;
	return VMC_KIND_VMCORE;
}

VMC_EXPORT bool vmc_elfcore_segment_in_file(const vmc_elfcore *c, size_t i)
{
	return i < c->eh.phnum &&
	       span_inside(c->ph[i].offset, c->ph[i].filesz,
			   vmc_elfcore_headers_end(c), c->size);
}

VMC_EXPORT vmc_status vmc_elfcore_read_segment(const vmc_elfcore *c,
					       size_t i, uint8_t **out,
					       size_t *len, vmc_error *e)
{
	const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);
	uint8_t *buf;
	vmc_status st;

	if (!p)
		return vmc_error_set(e, VMC_ERR_INVALID, "no program header %zu",
				     i);
	if (!vmc__in_bounds(p->offset, p->filesz, c->size))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "segment %zu (offset 0x%llx, size 0x%llx) "
				     "lies past the end of the file (0x%llx)", i,
				     (unsigned long long)p->offset,
				     (unsigned long long)p->filesz,
				     (unsigned long long)c->size);
	if (p->filesz > MAX_SEGMENT_READ)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "segment %zu is too large to load (0x%llx)",
				     i, (unsigned long long)p->filesz);
	buf = vmc__malloc((size_t)p->filesz);
	if (!buf)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_source_read_at(c->src, p->offset, buf, (size_t)p->filesz, e);
	if (st) {
		vmc__free(buf);
		return st;
	}
	*out = buf;
	*len = (size_t)p->filesz;
	return VMC_OK;
}

VMC_EXPORT void vmc_buf_free(void *p)
{
	vmc__free(p);
}
