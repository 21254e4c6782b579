// SPDX-License-Identifier: MIT
/*
 * The VMCOREINFO search and its validation over hostile memory: the input
 * is physical memory from address 0 (page-aligned notes and texts, page
 * tables, init_uts_ns).  Every candidate is judged; the pick, and the log
 * of the picked kernel (rings limited to 64 KiB), run too.  Seeds:
 * tests/unit/guest (planted copies: valid, stale, forged, two kernels).
 */
#include "vmcorekit/vmcorekit.h"

static vmc_status count(void *arg, const struct vmc_guest_log_record *r,
			vmc_error *e)
{
	size_t *n = arg;

	(void)r;
	(void)e;
	return ++*n > 100000 ? VMC_ERR_NOSPACE : VMC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_guest_scan_opts so = VMC_GUEST_SCAN_OPTS_INIT;
	struct vmc_guest_log_opts lo = VMC_GUEST_LOG_OPTS_INIT;
	vmc_physmem *pm = NULL;
	vmc_guest_scan *s = NULL;
	vmc_guest_kernel *k = NULL;
	vmc_source *src;
	vmc_error e;
	char why[200];
	size_t idx, n = 0;

	if (size == 0 || vmc_physmem_new(&pm, &e))
		return 0;
	if (vmc_source_new_buffer(&src, data, size, &e) ||
	    vmc_physmem_own(pm, src, &e) ||
	    vmc_physmem_map(pm, 0, size, src, 0, &e))
		goto out;
	so.max_candidates = 16;
	if (vmc_guest_scan_new(&s, pm, &so, &e))
		goto out;
	for (size_t i = 0; i < vmc_guest_scan_nr(s); i++) {
		const struct vmc_guest_vmci *c = vmc_guest_scan_get(s, i);

		(void)(c->text[c->len] + c->why[0] + c->osrelease[0]);
	}
	if (vmc_guest_scan_pick(s, &idx, why, &e))
		goto out;
	{
		const struct vmc_guest_vmci *c = vmc_guest_scan_get(s, idx);

		if (vmc_guest_kernel_new(&k, pm, c->text, c->len, &e))
			goto out;
	}
	lo.max_bytes = 64u << 10;
	vmc_guest_log_read(k, &lo, NULL, count, &n, &e);
out:
	vmc_guest_kernel_free(k);
	vmc_guest_scan_free(s);
	vmc_physmem_free(pm);
	return 0;
}
