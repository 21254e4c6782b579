// SPDX-License-Identifier: MIT
/*
 * The header source for an elfcorehdr built in the capture kernel's own
 * memory, as fadump builds it: the header and the CPU notes are new
 * memory (here: the file vmc_fadump_build wrote), the VMCOREINFO note is
 * old memory (the crashed kernel's, at vmcoreinfo_raddr).  The fadump
 * kernel reads both through the default elfcorehdr_read_notes, i.e.
 * physical memory; a file has no physical address, so a PT_NOTE that
 * lies wholly inside the file after the program headers is taken from the
 * file, any other from old memory.  (vmc_hdr_source_new_buffer takes all
 * notes from one place or all from the other, which fits neither.)
 */
#include <string.h>

#include "vmcorekit/fadump.h"
#include "core/compiler.h"

struct fadump_hs {
	vmc_hdr_source base;
	const uint8_t *buf;
	size_t len;
	uint64_t notes_from;	/* end of the program headers */
	vmc_physmem *pm;
};

static vmc_status fhs_alloc(vmc_hdr_source *h, uint64_t *addr,
			    uint64_t *size, vmc_error *e)
{
	(void)e;
	*addr = 0;
	*size = ((struct fadump_hs *)h)->len;
	return VMC_OK;
}

static vmc_status fhs_read_header(vmc_hdr_source *h, void *buf, size_t count,
				  uint64_t pos, vmc_error *e)
{
	struct fadump_hs *s = (struct fadump_hs *)h;

	if (pos > s->len || s->len - pos < count)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the header is 0x%zx bytes; reading "
				     "0x%zx bytes at 0x%llx runs past its end",
				     s->len, count, (unsigned long long)pos);
	memcpy(buf, s->buf + pos, count);
	return VMC_OK;
}

static vmc_status fhs_read_notes(vmc_hdr_source *h, void *buf, size_t count,
				 uint64_t pos, vmc_error *e)
{
	struct fadump_hs *s = (struct fadump_hs *)h;

	if (pos >= s->notes_from && pos <= s->len && s->len - pos >= count)
		return fhs_read_header(h, buf, count, pos, e);
	return vmc_physmem_read(s->pm, pos, buf, count, e);
}

static void fhs_close(vmc_hdr_source *h)
{
	vmc__free(h);
}

static const struct vmc_hdr_source_ops fadump_ops = {
	.version = VMC_HDR_SOURCE_OPS_VERSION,
	.kind = "newmem",
	.alloc = fhs_alloc,
	.read_header = fhs_read_header,
	.read_notes = fhs_read_notes,
	.close = fhs_close,
};

VMC_EXPORT vmc_status vmc_fadump_hdr_source_new(vmc_hdr_source **out,
						const void *buf, size_t len,
						vmc_physmem *pm, vmc_error *e)
{
	struct fadump_hs *s = vmc__calloc(1, sizeof(*s));
	struct vmc_ehdr eh;

	if (!s)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	s->base.ops = &fadump_ops;
	s->buf = buf;
	s->len = len;
	s->pm = pm;
	/* A header that does not decode has no notes in the file; the dump
	 * then fails on it with the kernel's reason. */
	s->notes_from = len;
	if (vmc_elf_decode_ehdr(buf, len, &eh, NULL) == VMC_OK &&
	    add_overflows_u64(eh.phoff, (uint64_t)eh.phnum * eh.phentsize,
			      &s->notes_from))
		s->notes_from = len;
	*out = &s->base;
	return VMC_OK;
}
