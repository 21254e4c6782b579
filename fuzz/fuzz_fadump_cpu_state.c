// SPDX-License-Identifier: MIT
/*
 * The firmware's register save area (RTAS CPU state data):
 * vmc_fadump_cpu_state_parse, then what consumes it -- the capture
 * kernel's CPU notes (a fixed compatible crash info header, CPUs 0-127 in
 * its mask, crashing CPU 1) in a header build, parsed back as an ELF core
 * and its note segment walked.  The input is the raw save area.
 */
#include "vmcorekit/vmcorekit.h"

static void notes(const uint8_t *buf, size_t size)
{
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;

	if (vmc_source_new_buffer(&src, buf, size, NULL) == VMC_OK &&
	    vmc_elfcore_parse(&c, src, NULL) == VMC_OK &&
	    vmc_elfcore_nr_phdrs(c) > 0) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, 0);
		struct vmc_note_iter it;
		struct vmc_note n;

		if (p->offset <= size && p->filesz <= size - p->offset) {
			vmc_notes_iter_init(&it, buf + p->offset,
					    (size_t)p->filesz,
					    vmc_elfcore_ehdr(c)->id.order);
			while (vmc_notes_next(&it, &n) == VMC_OK)
				(void)n.desc[0];
		}
	}
	vmc_elfcore_free(c);
	vmc_source_close(src);
}

static void build(const vmc_fadump_cpu_state *cs)
{
	struct vmc_fadump_build_opts o = VMC_FADUMP_BUILD_OPTS_INIT;
	struct vmc_fadump_boot_mem boot = { .start = 0, .size = 0x10000 };
	struct vmc_fadump_header h = { 0 };
	uint8_t mask[256] = { 0 };
	vmc_ranges *mem = NULL;
	uint8_t *buf = NULL;
	size_t size;

	memset(mask, 0xff, 16);
	h.order = VMC_BE;
	h.magic = VMC_FADUMP_MAGIC;
	h.version = 1;
	h.crashing_cpu = 1;
	h.pt_regs_sz = 384;
	h.cpu_mask_sz = sizeof(mask);
	h.nr_regs = 48;
	h.cpu_mask = mask;
	if (vmc_ranges_new(&mem, NULL) ||
	    vmc_ranges_add(mem, 0, 0x1000000, NULL))
		goto out;
	o.hdr = &h;
	o.boot_mem = &boot;
	o.nr_boot_mem = 1;
	o.boot_mem_dest = 0x800000;
	o.reserved_start = 0x7f0000;
	o.reserved_size = 0x100000;
	o.memory = mem;
	o.cpu_state = cs;
	if (vmc_fadump_build_size(&o, &size, NULL) || !(buf = malloc(size)))
		goto out;
	if (vmc_fadump_build(&o, buf, size, NULL, NULL) == VMC_OK)
		notes(buf, size);
out:
	free(buf);
	vmc_ranges_free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmc_fadump_cpu_state *cs = NULL;

	if (vmc_fadump_cpu_state_parse(&cs, data, size, NULL))
		return 0;
	(void)vmc_fadump_cpu_state_version(cs);
	for (size_t i = 0; i < vmc_fadump_cpu_state_count(cs); i++) {
		const struct vmc_fadump_cpu_regs *r =
			vmc_fadump_cpu_state_get(cs, i);

		(void)(r->regs[0] + r->regs[47] + r->nr_unknown);
	}
	/* Keep one execution short: a save area of thousands of CPUs is
	 * parsed, but only smaller ones are built into notes. */
	if (vmc_fadump_cpu_state_count(cs) <= 256)
		build(cs);
	vmc_fadump_cpu_state_free(cs);
	return 0;
}
