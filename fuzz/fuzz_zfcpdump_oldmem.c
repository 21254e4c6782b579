// SPDX-License-Identifier: MIT
/*
 * The zfcpdump kernel's reads of old memory (src/arch/s390/zfcpdump_oldmem.c,
 * os_info_old_init + nt_vmcoreinfo): the input is physical memory from 0;
 * the first byte, when the input is long enough, chooses an HSA overlay
 * size over it (the HSA being the input reversed), so the lookups follow
 * pointers across the HSA edge.  Found VMCOREINFO goes into a header, which
 * is then assembled and read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	struct vmc_dump_opts dopts = VMC_DUMP_OPTS_INIT;
	struct vmc_zfcpdump_oldmem om;
	struct vmc_s390_save_area sa;
	struct vmc_range r;
	vmc_physmem *pm = NULL;
	vmc_source *ms = NULL, *hs = NULL;
	vmc_hdr_source *hsrc = NULL;
	vmc_dump *d = NULL;
	uint8_t *rev = NULL, *h = NULL, buf[64];
	size_t len;
	vmc_error e;

	if (size < 2 || vmc_physmem_new(&pm, &e))
		goto out;
	vmc_physmem_set_allow_holes(pm, data[0] & 1);
	if (vmc_source_new_buffer(&ms, data, size, &e) ||
	    vmc_physmem_own(pm, ms, &e) ||
	    vmc_physmem_map(pm, 0, size, ms, 0, &e))
		goto out;
	if (data[0] & 2) {
		size_t hsa = ((size_t)data[1] << 8) % size + 1;

		rev = malloc(size);
		if (!rev)
			goto out;
		for (size_t i = 0; i < size; i++)
			rev[i] = data[size - 1 - i];
		if (vmc_source_new_buffer(&hs, rev, size, &e) ||
		    vmc_physmem_own(pm, hs, &e) ||
		    vmc_physmem_overlay(pm, 0, hsa, hs, 0, &e))
			goto out;
	}
	if (vmc_zfcpdump_read_oldmem(&om, pm, &e))
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.prefix = 1;
	r.start = 0;
	r.end = size;
	o.cpus = &sa;
	o.nr_cpus = 1;
	o.ranges = &r;
	o.nr_ranges = 1;
	if (!vmc_zfcpdump_build_size(&o, &om, &len, &e) &&
	    (h = malloc(len)) != NULL &&
	    !vmc_zfcpdump_build(&o, &om, h, len, NULL, &e) &&
	    !vmc_hdr_source_new_buffer(&hsrc, h, len, VMC_NOTES_IN_BUFFER, pm,
				       &e) &&
	    !vmc_dump_open(&d, hsrc, pm, &dopts, &e)) {
		uint64_t end = vmc_dump_size(d);

		for (uint64_t off = 0; off < end; off += 4093)
			(void)vmc_dump_read_at(d, off, buf,
					       end - off < sizeof(buf)
						       ? (size_t)(end - off)
						       : sizeof(buf), &e);
	}
	vmc_zfcpdump_oldmem_free(&om);
out:
	vmc_dump_free(d);
	vmc_hdr_source_close(hsrc);
	free(h);
	vmc_physmem_free(pm);
	free(rev);
	return 0;
}
