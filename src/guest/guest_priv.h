/* SPDX-License-Identifier: MIT */
/* Internal to src/guest/: the kernel context and little-endian helpers. */
#ifndef VMC_GUEST_PRIV_H
#define VMC_GUEST_PRIV_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmcorekit/guest.h"

/* __NEW_UTS_LEN + 1 (include/uapi/linux/utsname.h) */
#define GUEST_UTS_LEN 65

struct vmc_guest_kernel {
	const vmc_physmem *pm;
	char *text;		/* NUL-terminated copy */
	size_t len;
	char osrelease[GUEST_UTS_LEN];
	uint64_t pgd;		/* physical address of init_top_pgt */
	uint64_t phys_base;
	uint64_t kaslr;		/* KERNELOFFSET */
	uint64_t sme_mask;	/* NUMBER(sme_mask): the encryption bit */
	unsigned levels;	/* x86_64: 4 or 5; arm64: 3 to 5 */
	bool arm64;		/* VMCOREINFO has NUMBER(kimage_voffset) */
	unsigned va_size;	/* arm64: 64 - TCR_EL1.T1SZ */
	uint64_t kimage_voffset;	/* arm64 */
};

/* The walks behind vmc_guest_vtop (vtop_x86_64.c, vtop_arm64.c). */
vmc_status vmc__guest_vtop_x86_64(const vmc_guest_kernel *k, uint64_t vaddr,
				  uint64_t *paddr, uint64_t *page_len,
				  vmc_error *e);
vmc_status vmc__guest_vtop_arm64(const vmc_guest_kernel *k, uint64_t vaddr,
				 uint64_t *paddr, uint64_t *page_len,
				 vmc_error *e);

/*
 * A VMCOREINFO key of @k as a number (vmc_vmcoreinfo_get_u64, the one
 * parser).  VMC_ERR_NOTFOUND when absent; VMC_ERR_CORRUPT naming the key
 * when malformed.
 */
vmc_status vmc__guest_key(const vmc_guest_kernel *k, const char *key,
			  uint64_t *out, vmc_error *e);

/*
 * Called for every @step-aligned physical address of every mapping with
 * the first @have (<= the walk's @head) bytes there; *@stop ends the walk.
 */
typedef vmc_status (*vmc__guest_walk_fn)(void *arg, uint64_t paddr,
					 const uint8_t *head, size_t have,
					 uint64_t map_end, bool *stop,
					 vmc_error *e);

/*
 * Read all memory @pm maps (zero mappings, allowed holes and the holes of
 * sparse files skipped) in large chunks and call @fn at every @step-aligned
 * address (@step a power of two <= 4096) with @head bytes when the chunk
 * has them.  *@bytes gets the bytes read.  Errors: VMC_ERR_NOMEM, errors
 * of the sources and of @fn.
 */
vmc_status vmc__guest_walk(const vmc_physmem *pm, uint64_t step, size_t head,
			   vmc__guest_walk_fn fn, void *arg, uint64_t *bytes,
			   vmc_error *e);

static inline uint64_t guest_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline uint32_t guest_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint16_t guest_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
