// SPDX-License-Identifier: MIT
/*
 * Adding a device dump to a dump: fs/proc/vmcore.c vmcore_add_device_dump
 * after the vmcore exists (drivers register once /proc/vmcore is up).
 *
 * The dump joins the list (list_add_tail) and the note segment grows at
 * its front, after the dumps already there (__read_vmcore serves
 * [elfcorebuf_sz, + vmcoredd_orig_sz) from the dumps, then the notes):
 *
 *   before  [ hdr ][ dd0 ][ notes | 0 ][ LOAD0 ][ LOAD1 ]...
 *                         ^ dd_at
 *   after   [ hdr ][ dd0 ][ dd1 ][ notes | 0 ][ LOAD0 ][ LOAD1 ]...
 *                                ^ dd_at        every later extent + len
 *
 * vmcoredd_update_size then recomputes elfnotes_sz = roundup(
 * elfnotes_orig_sz, PAGE_SIZE) + vmcoredd_orig_sz, rewrites the program
 * headers (vmcoredd_update_program_headers, below) and moves the vmcore
 * list (set_vmcore_list_offsets), which is the extent shift here.
 */
#include <string.h>

#include "vmcorekit/devdump.h"
#include "vmcorekit/sys/source.h"
#include "base/compiler.h"
#include "vmcore/dump_priv.h"

static uint8_t *phdr_at(const vmc_dump *d, size_t i)
{
	return d->hdr + d->phoff + i * d->cls->phsz;
}

/*
 * fs/proc/vmcore.c vmcoredd_update_program_headers, literally: the
 * PT_NOTE's sizes become elfnotes_orig_sz + vmcoreddsz; every other
 * program header, whatever its type, is re-placed after the note segment
 * from its current p_offset and p_memsz rounded out to pages (a PT_LOAD
 * lands where set_vmcore_list_offsets puts its data; a PT_NULL or other
 * header is moved too, and pushes the later ones, as in the kernel).
 */
static void kernel_update_phdrs(vmc_dump *d)
{
	const struct elf_class *c = d->cls;
	uint64_t page = d->info.page_size;
	uint64_t off = d->info.header_len + d->info.notes_len +
		       d->info.devdump_len;

	for (uint32_t i = 0; i < d->phnum; i++) {
		uint8_t *ph = phdr_at(d, i);
		uint64_t o, start, end;

		if (vmc_get32(d->order, ph + c->p_type) == VMC_PT_NOTE) {
			uint64_t sz = d->info.notes_real_len +
				      d->info.devdump_len;

			vmc__elf_put_w(c, d->order, ph + c->p_memsz, sz);
			vmc__elf_put_w(c, d->order, ph + c->p_filesz, sz);
			continue;
		}
		o = vmc__elf_get_w(c, d->order, ph + c->p_offset);
		start = align_down_u64(o, page);
		end = align_up_u64(o + vmc__elf_get_w(c, d->order, ph + c->p_memsz),
				   page);
		vmc__elf_put_w(c, d->order, ph + c->p_offset, off + (o - start));
		off += end - start;
	}
}

/*
 * An existing vmcore: every offset at or after the insertion point moves
 * by @len and the receiving PT_NOTE grows.  Checked first (ELF32 fields,
 * 2^64), then applied, so a failure changes nothing.
 */
static vmc_status shift_phdrs(vmc_dump *d, uint64_t at, uint64_t len,
			      bool apply, vmc_error *e)
{
	const struct elf_class *c = d->cls;
	uint64_t lim = c->awidth == 8 ? UINT64_MAX : UINT32_MAX;

	for (uint32_t i = 0; i < d->phnum; i++) {
		uint8_t *ph = phdr_at(d, i);
		size_t f[2] = { c->p_filesz, c->p_memsz };
		size_t nf = 2;
		uint64_t v;

		if (i != d->note_phdr) {
			if (vmc__elf_get_w(c, d->order, ph + c->p_offset) < at)
				continue;
			f[0] = c->p_offset;
			nf = 1;
		}
		for (size_t k = 0; k < nf; k++) {
			v = vmc__elf_get_w(c, d->order, ph + f[k]);
			if (!vmc__in_bounds(v, len, lim))
				return vmc_error_set(e, VMC_ERR_RANGE,
					"program header %u: 0x%llx + 0x%llx "
					"does not fit ELFCLASS%d", i,
					(unsigned long long)v,
					(unsigned long long)len,
					c->awidth == 8 ? 64 : 32);
			if (apply)
				vmc__elf_put_w(c, d->order, ph + f[k], v + len);
		}
	}
	if (d->shoff >= at) {
		if (!vmc__in_bounds(d->shoff, len, lim))
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "e_shoff 0x%llx + 0x%llx does not "
					     "fit", (unsigned long long)d->shoff,
					     (unsigned long long)len);
		if (apply) {
			d->shoff += len;
			/* e_shoff: 40 in Elf64_Ehdr, 32 in Elf32_Ehdr */
			vmc__elf_put_w(c, d->order,
				   d->hdr + (c->awidth == 8 ? 40 : 32),
				   d->shoff);
		}
	}
	return VMC_OK;
}

/* Room for the dump and four more extents (a split, and the dump's header,
 * payload and padding), taken before the collector runs so nothing can
 * fail after it. */
static vmc_status reserve(vmc_dump *d, vmc_error *e)
{
	if (!VMC_GROW(d->ext, d->cap_ext, d->nr_ext + 4, 16) ||
	    !VMC_GROW(d->dd, d->cap_dd, d->nr_dd + 1, 4))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	return VMC_OK;
}

/* Insert the dump's @n extents (offsets relative to the dump) at d->dd_at;
 * later extents move by its size @len.  A file window that straddles dd_at
 * is split first. */
static void insert_extents(vmc_dump *d, const struct vmc_dump_extent *add,
			   size_t n, uint64_t len)
{
	uint64_t at = d->dd_at;
	size_t i = 0;

	while (i < d->nr_ext && d->ext[i].off + d->ext[i].len <= at)
		i++;
	if (i < d->nr_ext && d->ext[i].off < at) {
		struct vmc_dump_extent *x = &d->ext[i];
		uint64_t head = at - x->off;

		/* Only FILE extents straddle: the others end where dumps go. */
		memmove(x + 1, x, (d->nr_ext - i) * sizeof(*x));
		d->nr_ext++;
		x[0].len = head;
		x[1].off += head;
		x[1].len -= head;
		x[1].src_off += head;
		i++;
	}
	for (size_t k = i; k < d->nr_ext; k++)
		d->ext[k].off += len;
	memmove(&d->ext[i + n], &d->ext[i], (d->nr_ext - i) * sizeof(*d->ext));
	for (size_t k = 0; k < n; k++) {
		d->ext[i + k] = add[k];
		d->ext[i + k].off += at;
	}
	d->nr_ext += n;
}

/*
 * The note as extents: built in memory by the collector (one DEVDUMP
 * extent), or streamed from dd->src: the 64-byte header in memory, the
 * payload as a window of the source, the page padding as zeros.
 */
static vmc_status note_extents(vmc_dump *d, const struct vmc_devdump_desc *dd,
			       struct vmc_dump_extent x[3], size_t *n,
			       uint8_t **buf, size_t *len, vmc_error *e)
{
	uint64_t data_size;
	vmc_status st;

	memset(x, 0, 3 * sizeof(*x));
	if (dd->collect || dd->version < 2 || !dd->src) {
		st = vmc_devdump_build(buf, len, dd, d->order,
				       d->info.page_size, e);
		x[0] = (struct vmc_dump_extent){ .kind = VMC_EXTENT_DEVDUMP,
						 .len = *len, .bytes = *buf };
		*n = 1;
		return st;
	}
	*buf = vmc__malloc(VMC_VMCOREDD_HDR_SIZE);
	if (!*buf)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_devdump_header(*buf, &data_size, dd, d->order,
				d->info.page_size, e);
	if (!st && vmc_source_size(dd->src) < dd->size)
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "device dump '%s': the source holds %llu "
				   "bytes, fewer than its size %u", dd->name,
				   (unsigned long long)vmc_source_size(dd->src),
				   dd->size);
	if (st) {
		vmc__free(*buf);
		return st;
	}
	*len = (size_t)data_size;
	x[0] = (struct vmc_dump_extent){ .kind = VMC_EXTENT_DEVDUMP,
					 .len = VMC_VMCOREDD_HDR_SIZE,
					 .bytes = *buf };
	x[1] = (struct vmc_dump_extent){ .kind = VMC_EXTENT_FILE,
					 .off = VMC_VMCOREDD_HDR_SIZE,
					 .len = dd->size, .src = dd->src };
	x[2] = (struct vmc_dump_extent){ .kind = VMC_EXTENT_ZERO,
					 .off = VMC_VMCOREDD_HDR_SIZE + dd->size,
					 .len = data_size - VMC_VMCOREDD_HDR_SIZE -
						dd->size };
	*n = x[2].len ? 3 : 2;
	return VMC_OK;
}

/* A streamed dump's source is the dump's from here on (see devdump.h). */
static vmc_source *streamed_src(const struct vmc_devdump_desc *dd)
{
	return dd && dd->version >= 2 && !dd->collect ? dd->src : NULL;
}

VMC_EXPORT vmc_status vmc_dump_add_device_dump(vmc_dump *d,
					       const struct vmc_devdump_desc *dd,
					       vmc_error *e)
{
	struct vmc_dump_extent x[3];
	uint8_t *buf = NULL;
	size_t len, n;
	vmc_status st = reserve(d, e);

	if (!st)
		st = note_extents(d, dd, x, &n, &buf, &len, e);
	if (st) {
		vmc_source_close(streamed_src(dd));
		return st;
	}
	if (d->size > UINT64_MAX - len)
		st = vmc_error_set(e, VMC_ERR_RANGE,
				   "device dump '%s': the vmcore would pass "
				   "2^64 bytes", dd->name);
	else if (d->src)
		st = shift_phdrs(d, d->dd_at, len, false, e);
	if (st) {
		vmc__free(buf);
		vmc_source_close(streamed_src(dd));
		return PREFIXED(st, e, "device dump '%s'", dd->name);
	}
	insert_extents(d, x, n, len);
	d->dd[d->nr_dd++] = (struct dump_devdump){ buf, len,
						   streamed_src(dd) };
	d->dd_at += len;
	d->size += len;
	d->info.nr_devdumps++;
	d->info.devdump_len += len;
	if (d->src)
		shift_phdrs(d, d->dd_at - len, len, true, NULL);
	else
		kernel_update_phdrs(d);
	return VMC_OK;
}
