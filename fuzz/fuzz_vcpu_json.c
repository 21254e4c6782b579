// SPDX-License-Identifier: MIT
/*
 * The JSON vCPU state (docs/formats.md 18.2): vmc_vcpus_parse_json, then
 * the guest core header built from what it returned.  The input is the
 * JSON text.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint64_t ram[] = { 0, 0x100000 };
	struct vmc_guestcore_spec s = VMC_GUESTCORE_SPEC_INIT;
	vmc_vcpus *v = NULL;
	uint8_t *buf = NULL;
	size_t len;

	if (vmc_vcpus_parse_json(&v, (const char *)data, size, NULL) ==
	    VMC_OK) {
		s.cpus = v;
		s.ram = ram;
		s.nr_ram = 1;
		if (vmc_guestcore_header_size(&s, &len, NULL) == VMC_OK &&
		    (buf = malloc(len)) != NULL)
			(void)vmc_guestcore_header(&s, buf, len, &len, NULL);
		free(buf);
	}
	vmc_vcpus_free(v);
	return 0;
}
