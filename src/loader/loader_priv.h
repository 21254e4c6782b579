/* SPDX-License-Identifier: MIT */
/* Internal: the vmc_header under construction, shared by the profiles. */
#ifndef VMC_CORE_HEADER_H
#define VMC_CORE_HEADER_H

#include "vmcorekit/header.h"
#include "base/strlist.h"
#include "system/system_priv.h"

struct vmc_header {
	struct vmc_elfcore_spec spec;
	struct vmc_phdr *ph;
	size_t nr, alloc;
	uint64_t segment_size;
	uint64_t expected_addr;
	struct strlist warn;
};

vmc_status vmc__hdr_push(struct vmc_header *h, const struct vmc_phdr *ph,
		    vmc_error *e);
vmc_status vmc__hdr_push_note(struct vmc_header *h, uint64_t paddr, uint64_t len,
			 vmc_error *e);
vmc_status vmc__hdr_warn(struct vmc_header *h, vmc_error *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Point the spec at the phdrs pushed so far and size it. */
vmc_status vmc__hdr_size(struct vmc_header *h, size_t *size, vmc_error *e);

/* Shared lookups on the system files. */
size_t vmc__sys_nr_possible(const vmc_system *s);
vmc_status vmc__sys_missing(const struct vmc_build_opts *o, struct vmc_header *h,
		       const char *file, const char *meaning, vmc_error *e);

vmc_status vmc__profile_kexec_tools(struct vmc_header *h, const vmc_system *s,
			       const struct vmc_build_opts *o, vmc_error *e);

#endif
