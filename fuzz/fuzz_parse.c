// SPDX-License-Identifier: MIT
/*
 * The command line's number and range syntax (vmc_parse_u64: 0x, decimal,
 * K/M/G/T suffixes; vmc_parse_range: START-END and START+SIZE), a ranges
 * file (--ranges, vmc_parse_ranges_text), CPU lists as sysfs prints them
 * (vmc_parse_cpulist), and the names --arch and --profile take.  Each
 * parser gets the whole input.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	uint64_t v, a, b, mask[VMC_MAX_CPUS / 64] = { 0 }, small[1] = { 0 };
	size_t nr;
	vmc_ranges *r = NULL;
	struct vmc_elf_id id;
	enum vmc_loader p;

	if (!s)
		return 0;
	vmc_parse_u64(s, &v, NULL);
	vmc_parse_range(s, &a, &b, NULL);
	vmc_parse_cpulist((const char *)data, size, mask, VMC_MAX_CPUS, &nr,
			  NULL);
	vmc_parse_cpulist((const char *)data, size, small, 64, &nr, NULL);
	if (vmc_ranges_new(&r, NULL) == VMC_OK)
		vmc_parse_ranges_text((const char *)data, size, r, NULL);
	vmc_ranges_free(r);
	vmc_arch_parse(s, &id, NULL);
	vmc_loader_parse(s, &p, NULL);
	free(s);
	return 0;
}
