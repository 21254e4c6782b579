// SPDX-License-Identifier: MIT
/*
 * An existing ELF core used as physical memory: QEMU dump-guest-memory
 * output, makedumpfile -E output, or another vmcore.  Each PT_LOAD maps
 *
 *   [p_paddr, p_paddr + p_filesz)            -> file [p_offset, +p_filesz)
 *   [p_paddr + p_filesz, p_paddr + p_memsz)  -> zeros (makedumpfile -E
 *                                               drops excluded pages so)
 *
 * A vmcore repeats RAM in its kernel-text PT_LOAD; such self-overlaps are
 * trimmed (the segment with the lower p_paddr, then the earlier one, wins)
 * instead of rejected: both describe the same physical bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/elfcore.h"
#include "vmcorekit/physical_memory.h"
#include "base/compiler.h"

struct seg {
	uint64_t paddr, filesz, memsz, offset;
	size_t index;
};

static int seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Map [start, end) of segment @s, the part not below @floor. */
static vmc_status map_part(vmc_physmem *pm, vmc_source *src,
			   const struct seg *s, uint64_t floor,
			   size_t *nr, vmc_error *e)
{
	uint64_t fend = s->paddr + s->filesz, mend = s->paddr + s->memsz;
	uint64_t a = s->paddr > floor ? s->paddr : floor;
	vmc_status st = VMC_OK;

	if (a < fend) {
		st = vmc_physmem_map(pm, a, fend - a, src,
				     s->offset + (a - s->paddr), e);
		*nr += !st;
		a = fend;
	}
	if (!st && a < mend) {
		st = vmc_physmem_map_zero(pm, a, mend, e);
		*nr += !st;
	}
	if (st)
		vmc_error_prefix(e, "PT_LOAD %zu", s->index);
	return st;
}

VMC_EXPORT vmc_status vmc_physmem_map_elfcore(vmc_physmem *pm,
					      vmc_source *src,
					      size_t *nr_mapped, vmc_error *e)
{
	uint64_t fsize = vmc_source_size(src), floor = 0;
	size_t n = 0, nr = 0;
	vmc_elfcore *c;
	struct seg *segs;
	vmc_status st = vmc_elfcore_parse(&c, src, e);

	if (st)
		return st;
	segs = vmc__calloc(vmc_elfcore_nr_phdrs(c) + 1, sizeof(*segs));
	if (!segs) {
		vmc_elfcore_free(c);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; !st && i < vmc_elfcore_nr_phdrs(c); i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (p->type != VMC_PT_LOAD || p->memsz == 0)
			continue;
		if (p->filesz > p->memsz || p->offset > fsize ||
		    fsize - p->offset < p->filesz ||
		    p->paddr + p->memsz < p->paddr)
			st = vmc_error_set(e, VMC_ERR_CORRUPT,
					   "PT_LOAD %zu (offset 0x%llx, filesz "
					   "0x%llx, memsz 0x%llx) is not inside "
					   "the file (0x%llx bytes)", i,
					   (unsigned long long)p->offset,
					   (unsigned long long)p->filesz,
					   (unsigned long long)p->memsz,
					   (unsigned long long)fsize);
		segs[n++] = (struct seg){ p->paddr, p->filesz, p->memsz,
					  p->offset, i };
	}
	vmc_elfcore_free(c);
	qsort(segs, n, sizeof(*segs), seg_cmp);
	for (size_t i = 0; !st && i < n; i++) {
		uint64_t end = segs[i].paddr + segs[i].memsz;

		if (i && end <= floor)
			continue;	/* wholly repeated */
		st = map_part(pm, src, &segs[i], i ? floor : 0, &nr, e);
		if (!i || end > floor)
			floor = end;
	}
	vmc__free(segs);
	if (!st && nr_mapped)
		*nr_mapped = nr;
	return st;
}
