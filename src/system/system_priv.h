/* SPDX-License-Identifier: MIT */
/* Internal layout of vmc_system, shared by the readers and the profiles. */
#ifndef VMC_CORE_SYSTEM_H
#define VMC_CORE_SYSTEM_H

#include "vmcorekit/system.h"
#include "base/strlist.h"

#define CPU_WORDS (VMC_MAX_CPUS / 64)

struct opt_u64 {
	bool set;
	uint64_t v;
};

struct cpu_note_info {
	struct opt_u64 paddr;	/* cpuN/crash_notes (hex) */
	struct opt_u64 size;	/* cpuN/crash_notes_size (decimal) */
};

struct vmc_system {
	vmc_iomem *iomem;
	bool have_possible, have_present, have_online;
	uint64_t possible[CPU_WORDS], present[CPU_WORDS], online[CPU_WORDS];
	size_t nr_possible_ids;	/* highest possible CPU + 1 */
	struct cpu_note_info cpu[VMC_MAX_CPUS];
	/* /sys/kernel/vmcoreinfo: "%pa %x" -- both hex */
	struct opt_u64 vmcoreinfo_paddr, vmcoreinfo_len;
	struct opt_u64 crash_size, elfcorehdr_size, block_size;
	int hotplug_cpu, hotplug_mem;	/* crash_hotplug files; -1 = absent */
	/* /proc/kcore program headers */
	bool have_kcore;
	struct vmc_elf_id kcore_id;
	struct vmc_phdr *kcore;
	size_t nr_kcore;
	/* /proc/kallsyms */
	struct opt_u64 sym_text, sym_stext, sym_end;
	char *cmdline;
	vmc_ranges *dt_ram;	/* device-tree memory nodes */
	struct strlist missing;
};

static inline bool cpu_in(const uint64_t *mask, size_t cpu)
{
	return cpu < VMC_MAX_CPUS && (mask[cpu / 64] >> (cpu % 64)) & 1;
}

vmc_status vmc__system_note_missing(vmc_system *s, const char *relpath,
			       vmc_error *e);

#endif
