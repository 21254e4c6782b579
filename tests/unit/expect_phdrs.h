/* SPDX-License-Identifier: MIT */
/* The unit tests' check of a built header's program headers against a
 * hand-written list (test_system.c, test_kexec_tools_ppc64.c). */
#ifndef VMC_TEST_EXPECT_PHDRS_H
#define VMC_TEST_EXPECT_PHDRS_H

#include "unit.h"
#include "vmcorekit/elfcore.h"

__attribute__((unused))
static void expect_phdrs(const struct vmc_elfcore_spec *sp,
			 const struct vmc_phdr *want, size_t n)
{
	CHECK_U64(sp->nr_phdrs, n);
	for (size_t i = 0; i < n && i < sp->nr_phdrs; i++) {
		const struct vmc_phdr *g = &sp->phdrs[i], *w = &want[i];

		CHECK(g->type == w->type && g->flags == w->flags &&
		      g->offset == w->offset && g->vaddr == w->vaddr &&
		      g->paddr == w->paddr && g->filesz == w->filesz &&
		      g->memsz == w->memsz && g->align == w->align,
		      "phdr %zu: got type %u flags %u off 0x%" PRIx64 " vaddr 0x%"
		      PRIx64 " paddr 0x%" PRIx64 " filesz 0x%" PRIx64 " memsz 0x%"
		      PRIx64 " align 0x%" PRIx64 "; want type %u flags %u off 0x%"
		      PRIx64 " vaddr 0x%" PRIx64 " paddr 0x%" PRIx64 " size 0x%"
		      PRIx64, i, g->type, g->flags, g->offset, g->vaddr, g->paddr,
		      g->filesz, g->memsz, g->align, w->type, w->flags, w->offset,
		      w->vaddr, w->paddr, w->memsz);
	}
}

#endif
