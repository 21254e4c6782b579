/* SPDX-License-Identifier: MIT */
/* Internal: the vCPU list shared by the register parsers (src/guest/). */
#ifndef VMC_GUEST_VCPU_PRIV_H
#define VMC_GUEST_VCPU_PRIV_H

#include "vmcorekit/vcpu.h"

struct vmc_vcpus {
	struct vmc_vcpu *v;
	size_t nr, cap;
};

/* An empty list, or NULL when out of memory. */
struct vmc_vcpus *vmc__vcpus_new(void);
/* Append a copy of @c.  Errors: VMC_ERR_NOMEM. */
vmc_status vmc__vcpus_add(struct vmc_vcpus *l, const struct vmc_vcpu *c,
			  vmc_error *e);

#endif
