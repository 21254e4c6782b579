// SPDX-License-Identifier: MIT
/*
 * The kernel log reader over hostile rings: input = u16 length, that many
 * bytes of VMCOREINFO text, then physical memory from address 0 (page
 * tables, the printk ring or log_buf).  Every record is formatted as
 * dmesg prints it.  Rings are limited to 256 KiB so one run stays fast.
 * Seeds: tests/unit/guest (lockless ring and log_buf guests).
 */
#include "vmcorekit/vmcorekit.h"

static vmc_status fmt(void *arg, const struct vmc_guest_log_record *r,
		      vmc_error *e)
{
	char buf[256];
	size_t *total = arg;

	*total += vmc_guest_log_format(r, true, buf, sizeof(buf));
	*total += vmc_guest_log_format(r, false, NULL, 0);
	(void)e;
	return *total > (64u << 20) ? VMC_ERR_NOSPACE : VMC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t tlen = (size_t)fuzz_take(&in, 2), total = 0;
	struct vmc_guest_log_opts o = VMC_GUEST_LOG_OPTS_INIT;
	vmc_physmem *pm = NULL;
	vmc_source *src;
	vmc_guest_kernel *k = NULL;
	vmc_error e;

	if (tlen > in.n)
		return 0;
	if (vmc_physmem_new(&pm, &e))
		return 0;
	if (in.n > tlen &&
	    (vmc_source_new_buffer(&src, in.p + tlen, in.n - tlen, &e) ||
	     vmc_physmem_own(pm, src, &e) ||
	     vmc_physmem_map(pm, 0, in.n - tlen, src, 0, &e)))
		goto out;
	if (vmc_guest_kernel_new(&k, pm, (const char *)in.p, tlen, &e))
		goto out;
	vmc_guest_kernel_check(k, &e);
	o.max_bytes = 256u << 10;
	vmc_guest_log_read(k, &o, NULL, fmt, &total, &e);
out:
	vmc_guest_kernel_free(k);
	vmc_physmem_free(pm);
	return 0;
}
