// SPDX-License-Identifier: MIT
/*
 * The device-tree files kexec-tools' ppc64 loader reads
 * (src/system/devtree_props.c: chosen, rtas, OPAL, memory nodes' reg and
 * compatible, ibm,dynamic-memory[-v2] and ibm,lmb-size) fed through
 * vmc_system_set_file with the CPU and VMCOREINFO files, then the
 * kexec-tools ppc64 header built (src/loader/kexec_tools_ppc64.c) and
 * written.
 *
 * Input: records  [u8 file][u16 LE length][bytes]  until the input ends;
 * file indexes the table below (modulo its size).  The kernfs order of the
 * memory nodes and the crash-region cuts run on whatever parsed.
 * fuzz/seeds/make-seeds.py packs a captured ppc64 sysroot in this form.
 */
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"

static const char *const files[] = {
	"proc/device-tree/chosen/linux,crashkernel-base",
	"proc/device-tree/chosen/linux,crashkernel-size",
	"proc/device-tree/chosen/linux,memory-limit",
	"proc/device-tree/chosen/linux,kernel-end",
	"proc/device-tree/rtas/linux,rtas-base",
	"proc/device-tree/rtas/rtas-size",
	"proc/device-tree/ibm,opal/opal-base-address",
	"proc/device-tree/ibm,opal/opal-runtime-size",
	"proc/device-tree/ibm,dynamic-reconfiguration-memory/ibm,lmb-size",
	"proc/device-tree/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory",
	"proc/device-tree/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2",
	"proc/device-tree/memory@0/reg",
	"proc/device-tree/memory@0/compatible",
	"proc/device-tree/memory@40000000/reg",
	"proc/device-tree/memory@80000000/reg",
	"proc/device-tree/memory/reg",
	"proc/device-tree/memory@100000000/compatible",
	"proc/kcore",
	"sys/kernel/vmcoreinfo",
	"sys/devices/system/cpu/possible",
	"sys/devices/system/cpu/cpu0/crash_notes",
	"sys/devices/system/cpu/cpu0/crash_notes_size",
	"sys/devices/system/cpu/cpu1/crash_notes",
};
#define NR_FILES (sizeof(files) / sizeof(files[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	vmc_system *sys;
	vmc_header *h = NULL;
	size_t hsize, used;

	if (vmc_system_new(&sys, NULL))
		return 0;
	while (in.n) {
		unsigned f = (unsigned)fuzz_take(&in, 1) % NR_FILES;
		size_t len = (size_t)fuzz_take(&in, 2);

		if (len > in.n)
			len = in.n;
		/* a refused file leaves the rest as it was: go on */
		(void)vmc_system_set_file(sys, files[f], in.p, len, NULL);
		in.p += len;
		in.n -= len;
	}
	o.profile = VMC_LOADER_KEXEC_TOOLS;
	o.have_id = true;
	o.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_PPC64 };
	o.allow_missing = true;
	if (vmc_header_build(&h, sys, &o, NULL) == VMC_OK) {
		const vmc_warnings *w = vmc_header_warnings(h);

		for (size_t i = 0; i < vmc_warnings_count(w); i++)
			(void)vmc_warnings_get(w, i)->msg[0];
		(void)vmc_header_segment_size(h);
		(void)vmc_header_expected_addr(h);
		if (vmc_elfcore_size(vmc_header_spec(h), &hsize, NULL) ==
			    VMC_OK && hsize <= (1u << 20)) {
			uint8_t *buf = malloc(hsize);

			if (buf)
				vmc_elfcore_write(vmc_header_spec(h), buf,
						  hsize, &used, NULL);
			free(buf);
		}
		vmc_header_free(h);
	}
	vmc_system_free(sys);
	return 0;
}
