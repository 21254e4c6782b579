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

/* A node of the device tree's root that kexec-tools ppc64 walks
 * (src/system/devtree_props.c): a memory node or the dynamic
 * reconfiguration node. */
struct dt_node {
	char name[64];
	bool drconf;			/* ibm,dynamic-reconfiguration-memory */
	bool have_reg;			/* memory@X/reg: its first be64 pair */
	size_t reg_len;			/* bytes of reg (< 16: unusable) */
	uint64_t reg_start, reg_size;
	bool coherent;			/* compatible ibm,coherent-device-memory */
};

/* One entry of ibm,dynamic-memory (nr_lmbs 1) or -v2. */
struct dt_lmb_set {
	uint32_t nr_lmbs;
	uint64_t base;
	uint32_t flags;
};

struct dt_drmem {
	bool present;
	struct dt_lmb_set *set;
	size_t nr;
};

/* The /proc/device-tree properties kexec-tools ppc64 reads. */
struct dt_props {
	struct opt_u64 crash_base, crash_size, memory_limit, kernel_end;
	struct opt_u64 rtas_base, rtas_size, opal_base, opal_size, lmb_size;
	struct dt_drmem drmem_v1, drmem_v2;
	struct dt_node *node;		/* in readdir (kernfs) order */
	size_t nr_node, cap_node;
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
	/* the text of kcore's VMCOREINFO note, if within the bytes given
	 * (arm64 kexec-tools reads VA_BITS and PHYS_OFFSET there) */
	char *kcore_vmcoreinfo;
	size_t kcore_vmcoreinfo_len;
	/* /proc/kallsyms */
	struct opt_u64 sym_text, sym_stext, sym_end, sym_init_begin;
	char *cmdline;
	vmc_ranges *dt_ram;	/* device-tree memory nodes */
	struct dt_props dt;	/* what kexec-tools ppc64 reads there */
	struct strlist missing;
};

static inline bool cpu_in(const uint64_t *mask, size_t cpu)
{
	return cpu < VMC_MAX_CPUS && (mask[cpu / 64] >> (cpu % 64)) & 1;
}

/* A file below proc/device-tree/ (@path relative to it). */
vmc_status vmc__system_set_dt(vmc_system *s, const char *path,
			      const void *data, size_t len, vmc_error *e);
void vmc__system_free_dt(struct dt_props *d);
/* kernfs_name_hash(name, NULL) and the order readdir() lists a sysfs or
 * /proc/device-tree directory in (fs/kernfs/dir.c kernfs_sd_compare). */
uint32_t vmc__kernfs_name_hash(const char *name);
int vmc__kernfs_order(const char *a, const char *b);

vmc_status vmc__system_note_missing(vmc_system *s, const char *relpath,
			       vmc_error *e);

#endif
