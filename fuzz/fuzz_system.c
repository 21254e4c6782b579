// SPDX-License-Identifier: MIT
/*
 * The first kernel's files as vmc_system_read feeds them
 * (vmc_system_set_file: iomem, kcore's ELF headers, kallsyms, vmcoreinfo,
 * the cpu masks, crash_notes, the hotplug flags, ...), then every profile
 * building a header from whatever parsed, and the header written.
 *
 * Input: records  [u8 file][u16 LE length][bytes]  until the input ends.
 * file < NR_FILES names a file of the table; above, per-CPU files:
 * (file - NR_FILES) / 2 is the CPU, the low bit crash_notes / _size.
 * fuzz/seeds/make-seeds.py packs a captured sysroot in this form.
 */
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"

static const char *const files[] = {
	"proc/iomem",
	"proc/cmdline",
	"proc/kcore",
	"proc/kallsyms",
	"sys/kernel/vmcoreinfo",
	"sys/kernel/kexec_crash_size",
	"sys/kernel/crash_elfcorehdr_size",
	"sys/devices/system/cpu/possible",
	"sys/devices/system/cpu/present",
	"sys/devices/system/cpu/online",
	"sys/devices/system/cpu/crash_hotplug",
	"sys/devices/system/memory/block_size_bytes",
	"sys/devices/system/memory/crash_hotplug",
};
#define NR_FILES (sizeof(files) / sizeof(files[0]))

static void build(const vmc_system *sys, enum vmc_loader p)
{
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_header *h = NULL;
	size_t size, used;

	o.profile = p;
	o.allow_missing = true;
	if (vmc_header_build(&h, sys, &o, NULL))
		return;
	for (size_t i = 0; i < vmc_warnings_count(vmc_header_warnings(h)); i++)
		(void)vmc_warnings_get(vmc_header_warnings(h), i)->msg[0];
	(void)vmc_header_segment_size(h);
	(void)vmc_header_expected_addr(h);
	if (vmc_elfcore_size(vmc_header_spec(h), &size, NULL) == VMC_OK &&
	    size <= (1u << 20)) {
		uint8_t *buf = malloc(size);

		if (buf)
			vmc_elfcore_write(vmc_header_spec(h), buf, size, &used,
					  NULL);
		free(buf);
	}
	vmc_header_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	vmc_system *sys;

	if (vmc_system_new(&sys, NULL))
		return 0;
	while (in.n) {
		unsigned f = (unsigned)fuzz_take(&in, 1);
		size_t len = (size_t)fuzz_take(&in, 2);
		char path[64];

		if (len > in.n)
			len = in.n;
		if (f < NR_FILES)
			snprintf(path, sizeof(path), "%s", files[f]);
		else
			snprintf(path, sizeof(path),
				 "sys/devices/system/cpu/cpu%u/crash_notes%s",
				 (f - (unsigned)NR_FILES) / 2,
				 (f - NR_FILES) % 2 ? "_size" : "");
		if (vmc_system_set_file(sys, path, in.p, len, NULL))
			break;	/* as vmc_system_read stops */
		in.p += len;
		in.n -= len;
	}
	for (int p = VMC_LOADER_KEXEC_FILE; p <= VMC_LOADER_GENERIC; p++)
		build(sys, (enum vmc_loader)p);
	(void)vmc_system_iomem(sys);
	vmc_system_free(sys);
	return 0;
}
