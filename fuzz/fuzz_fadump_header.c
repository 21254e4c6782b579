// SPDX-License-Identifier: MIT
/*
 * The fadump crash info header: vmc_fadump_check (decode + verdict) with
 * the capture order detected, little and big; a few capture sizes (the
 * layout of version 0 and the size rule of version 1 depend on them).
 * What decodes is consumed: the cpumask is probed, and a compatible
 * header goes on to a capture-kernel header build (no save area: the
 * crashing CPU's note from the header) and that header's source.
 */
#include "vmcorekit/vmcorekit.h"
#include "vmcorekit/sys/hdr_source.h"

static void build(const struct vmc_fadump_header *h)
{
	struct vmc_fadump_build_opts o = VMC_FADUMP_BUILD_OPTS_INIT;
	struct vmc_fadump_boot_mem boot = { .start = 0, .size = 0x10000000 };
	vmc_ranges *mem = NULL;
	vmc_hdr_source *hs = NULL;
	uint8_t *buf = NULL;
	size_t size;

	if (vmc_ranges_new(&mem, NULL) ||
	    vmc_ranges_add(mem, 0, 0x80000000, NULL))
		goto out;
	o.hdr = h;
	o.boot_mem = &boot;
	o.nr_boot_mem = 1;
	o.boot_mem_dest = 0x30010000;
	o.reserved_start = 0x30000000;
	o.reserved_size = 0x12000000;
	o.memory = mem;
	if (vmc_fadump_build_size(&o, &size, NULL) || !(buf = malloc(size)))
		goto out;
	if (vmc_fadump_build(&o, buf, size, NULL, NULL) == VMC_OK &&
	    vmc_hdr_source_new_buffer(&hs, buf, size, VMC_NOTES_BY_PLACE, NULL,
				      NULL) == VMC_OK) {
		uint64_t addr, len;

		hs->ops->alloc(hs, &addr, &len, NULL);
	}
out:
	vmc_hdr_source_close(hs);
	free(buf);
	vmc_ranges_free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t sizes[][2] = { { 0, 0 }, { 376, 128 },
					     { 384, 1024 } };

	for (int o = 0; o <= VMC_BE; o++) {
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			struct vmc_fadump_capture cap = VMC_FADUMP_CAPTURE_INIT;
			struct vmc_fadump_check c;

			cap.order = (enum vmc_order)o;
			cap.pt_regs_size = sizes[k][0];
			cap.cpumask_size = sizes[k][1];
			cap.release = "6.12.0";
			cap.crashed_release = "6.12.1";
			if (vmc_fadump_check(data, size, &cap, &c, NULL))
				continue;
			(void)vmc_fadump_verdict_name(c.verdict);
			for (uint32_t cpu = 0; c.decoded && cpu < 80; cpu += 7)
				(void)vmc_fadump_cpu_in_mask(&c.hdr, cpu);
			if (c.decoded)
				(void)vmc_fadump_cpu_in_mask(&c.hdr,
							     c.hdr.crashing_cpu);
			if (c.decoded && c.verdict == VMC_FADUMP_COMPATIBLE &&
			    k == 0)
				build(&c.hdr);
			vmc_warnings_free(c.warnings);
		}
	}
	return 0;
}
