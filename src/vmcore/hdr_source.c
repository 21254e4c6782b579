// SPDX-License-Identifier: MIT
/*
 * Header sources: where fs/proc/vmcore.c finds the ELF core header and its
 * notes.  The kernel's weak defaults read both from old memory at
 * elfcorehdr= (elfcorehdr_read/elfcorehdr_read_notes -> read_from_oldmem);
 * s390 and powerpc fadump override the four hooks to build the header in
 * the kdump kernel's own ("new") memory.  Here:
 *
 *   oldmem  header and notes in physical memory (@pm) at elfcorehdr=ADDR
 *   source  header at offset 0 of a source (a file); notes in @pm
 *   newmem  header in a caller's buffer; notes in @pm, in the buffer, or
 *           each from where it lies (enum vmc_notes_at)
 */
#include <string.h>

#include "vmcorekit/dump.h"
#include "vmcorekit/sys/hdr_source.h"
#include "vmcorekit/elf.h"
#include "base/compiler.h"

struct hs_impl {
	vmc_hdr_source base;
	vmc_physmem *pm;
	uint64_t addr;
	vmc_source *src;	/* header bytes (source, newmem) */
	bool own_src;
	enum vmc_notes_at notes;
	uint64_t notes_from;	/* VMC_NOTES_BY_PLACE: end of the phdrs */
};

static vmc_status oldmem_alloc(vmc_hdr_source *h, uint64_t *addr,
			       uint64_t *size, vmc_error *e)
{
	(void)e;
	*addr = ((struct hs_impl *)h)->addr;
	*size = 0;
	return VMC_OK;
}

static vmc_status oldmem_read(vmc_hdr_source *h, void *buf, size_t count,
			      uint64_t pos, vmc_error *e)
{
	return vmc_physmem_read(((struct hs_impl *)h)->pm, pos, buf, count, e);
}

static void hs_close(vmc_hdr_source *h)
{
	struct hs_impl *s = (struct hs_impl *)h;

	if (s->own_src)
		vmc_source_close(s->src);
	vmc__free(s);
}

static const struct vmc_hdr_source_ops oldmem_ops = {
	.version = VMC_HDR_SOURCE_OPS_VERSION,
	.kind = "oldmem",
	.alloc = oldmem_alloc,
	.read_header = oldmem_read,
	.read_notes = oldmem_read,
	.close = hs_close,
};

static vmc_status src_alloc(vmc_hdr_source *h, uint64_t *addr, uint64_t *size,
			    vmc_error *e)
{
	(void)e;
	*addr = 0;
	*size = vmc_source_size(((struct hs_impl *)h)->src);
	return VMC_OK;
}

static vmc_status src_read(vmc_hdr_source *h, void *buf, size_t count,
			   uint64_t pos, vmc_error *e)
{
	struct hs_impl *s = (struct hs_impl *)h;
	uint64_t size = vmc_source_size(s->src);

	if (!vmc__in_bounds(pos, count, size))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the header is 0x%llx bytes; reading "
				     "0x%zx bytes at 0x%llx runs past its end",
				     (unsigned long long)size, count,
				     (unsigned long long)pos);
	return vmc_source_read_at(s->src, pos, buf, count, e);
}

static vmc_status src_read_notes(vmc_hdr_source *h, void *buf, size_t count,
				 uint64_t pos, vmc_error *e)
{
	struct hs_impl *s = (struct hs_impl *)h;

	if (s->notes == VMC_NOTES_IN_BUFFER ||
	    (s->notes == VMC_NOTES_BY_PLACE &&
	     span_inside(pos, count, s->notes_from, vmc_source_size(s->src))))
		return src_read(h, buf, count, pos, e);
	return vmc_physmem_read(s->pm, pos, buf, count, e);
}

static const struct vmc_hdr_source_ops source_ops = {
	.version = VMC_HDR_SOURCE_OPS_VERSION,
	.kind = "file",
	.alloc = src_alloc,
	.read_header = src_read,
	.read_notes = src_read_notes,
	.close = hs_close,
};

static const struct vmc_hdr_source_ops newmem_ops = {
	.version = VMC_HDR_SOURCE_OPS_VERSION,
	.kind = "newmem",
	.alloc = src_alloc,
	.read_header = src_read,
	.read_notes = src_read_notes,
	.close = hs_close,
};

static vmc_status hs_new(vmc_hdr_source **out,
			 const struct vmc_hdr_source_ops *ops,
			 vmc_physmem *pm, vmc_error *e)
{
	struct hs_impl *s = vmc__calloc(1, sizeof(*s));

	if (!s)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	s->base.ops = ops;
	s->pm = pm;
	*out = &s->base;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_hdr_source_new_oldmem(vmc_hdr_source **out,
						vmc_physmem *pm, uint64_t addr,
						vmc_error *e)
{
	vmc_status st = hs_new(out, &oldmem_ops, pm, e);

	if (!st)
		((struct hs_impl *)*out)->addr = addr;
	return st;
}

VMC_EXPORT vmc_status vmc_hdr_source_new_source(vmc_hdr_source **out,
						vmc_source *src,
						vmc_physmem *pm, vmc_error *e)
{
	vmc_status st = hs_new(out, &source_ops, pm, e);

	if (!st)
		((struct hs_impl *)*out)->src = src;
	return st;
}

/* End of the program headers of the ELF header in @buf; @len if it is
 * none (then no note is inside the buffer). */
static uint64_t phdrs_end(const void *buf, size_t len)
{
	struct vmc_ehdr eh;
	uint64_t end;

	if (vmc_elf_decode_ehdr(buf, len, &eh, NULL) != VMC_OK ||
	    add_overflows_u64(eh.phoff, (uint64_t)eh.phnum * eh.phentsize,
			      &end))
		return len;
	return end;
}

VMC_EXPORT vmc_status vmc_hdr_source_new_buffer(vmc_hdr_source **out,
						const void *buf, size_t len,
						enum vmc_notes_at notes,
						vmc_physmem *pm, vmc_error *e)
{
	vmc_source *src;
	struct hs_impl *s;
	vmc_status st;

	if (notes != VMC_NOTES_IN_MEMORY && notes != VMC_NOTES_IN_BUFFER &&
	    notes != VMC_NOTES_BY_PLACE)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "unknown note placement %d", (int)notes);
	st = vmc_source_new_buffer(&src, buf, len, e);
	if (st)
		return st;
	st = hs_new(out, &newmem_ops, pm, e);
	if (st) {
		vmc_source_close(src);
		return st;
	}
	s = (struct hs_impl *)*out;
	s->src = src;
	s->own_src = true;
	s->notes = notes;
	s->notes_from = phdrs_end(buf, len);
	return VMC_OK;
}

VMC_EXPORT void vmc_hdr_source_close(vmc_hdr_source *h)
{
	if (h)
		h->ops->close(h);
}
