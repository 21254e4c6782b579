/* SPDX-License-Identifier: MIT */
/*
 * The body both page-walk targets share (fuzz_guest_vtop.c for x86_64,
 * fuzz_guest_vtop_arm64.c): the input after its header bytes is physical
 * memory from 0, @text the VMCOREINFO the target wrote for its
 * architecture; eight addresses are translated and read, then the
 * kernel check runs.  Only the VMCOREINFO differs between the two.
 */
#ifndef VMC_FUZZ_GUEST_WALK_H
#define VMC_FUZZ_GUEST_WALK_H

#include "vmcorekit/vmcorekit.h"

/* The header both targets read: a flags byte, then the eight addresses;
 * false when no memory is left after it. */
static inline bool fuzz_guest_walk_header(struct fuzz_in *in,
					  unsigned *flags, uint64_t va[8])
{
	*flags = (unsigned)fuzz_take(in, 1);
	for (int i = 0; i < 8; i++)
		va[i] = fuzz_take(in, 8);
	return in->n != 0;
}

static inline void fuzz_guest_walk(const uint8_t *mem, size_t len,
				   const char *text, size_t tlen,
				   const uint64_t va[8])
{
	vmc_physmem *pm;
	vmc_source *src;
	vmc_guest_kernel *k = NULL;
	vmc_error e = { 0 };

	if (vmc_physmem_new(&pm, &e))
		return;
	if (vmc_source_new_buffer(&src, mem, len, &e) ||
	    vmc_physmem_own(pm, src, &e) ||
	    vmc_physmem_map(pm, 0, len, src, 0, &e) ||
	    vmc_guest_kernel_new(&k, pm, text, tlen, &e))
		goto out;
	for (int i = 0; i < 8; i++) {
		uint64_t pa, room;
		uint8_t buf[256];

		if (vmc_guest_vtop(k, va[i], &pa, &room, &e) == VMC_OK)
			(void)(pa + room);
		vmc_guest_read(k, va[i], buf, 100 + (size_t)(va[i] & 127), &e);
	}
	vmc_guest_kernel_check(k, &e);
out:
	vmc_guest_kernel_free(k);
	vmc_physmem_free(pm);
}

#endif
