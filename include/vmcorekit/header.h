/* SPDX-License-Identifier: MIT */
/*
 * Building the elfcorehdr of a system exactly as a real loader would: a
 * loader's rules (the "profile", see vmcorekit/loader.h) turn a vmc_system
 * (and explicit overrides) into a header spec.
 *
 *   kexec-file   Linux 6.x kexec_file_load: kernel/crash_core.c
 *                crash_prepare_elf64_headers driven by arch/x86/kernel/crash.c
 *                prepare_elf_headers (x86_64) or arch/arm64/kernel/
 *                machine_kexec_file.c prepare_elf_headers (arm64).
 *   kexec-tools  kexec-tools 2.0.25 `kexec -p` with kexec_load on x86_64:
 *                kexec/arch/i386/crashdump-x86.c load_crashdump_segments and
 *                kexec/crashdump-elf.c crash_create_elf64_headers.
 *   generic      every field given explicitly (or taken from the system
 *                files when present); no exclusions but the ones asked for.
 */
#ifndef VMCOREKIT_HEADER_H
#define VMCOREKIT_HEADER_H

#include "vmcorekit/elfcore.h"
#include "vmcorekit/loader.h"
#include "vmcorekit/ranges.h"
#include "vmcorekit/system.h"
#include "vmcorekit/warnings.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vmc_span {
	uint64_t addr;
	uint64_t len;
};

#define VMC_BUILD_OPTS_VERSION 1

struct vmc_build_opts {
	unsigned version;			/* VMC_BUILD_OPTS_VERSION */
	enum vmc_loader profile;		/* whose rules build it */
	/* Architecture, class and byte order (default: from /proc/kcore,
	 * else x86_64). */
	bool have_id;
	struct vmc_elf_id id;
	/* Overrides of what the system files say. */
	const struct vmc_span *cpu_notes;	/* CPU 0, 1, ... in order */
	size_t nr_cpu_notes;
	bool have_vmcoreinfo;
	struct vmc_span vmcoreinfo;
	bool have_text;				/* kernel text mapping */
	uint64_t text_vaddr, text_paddr, text_len;
	bool no_text;				/* omit it */
	bool have_page_offset;			/* p_vaddr = paddr + this */
	uint64_t page_offset;
	const vmc_ranges *ram;			/* replaces iomem System RAM */
	const vmc_ranges *exclude;		/* extra exclusions */
	bool have_backup;			/* kexec-tools backup segment */
	uint64_t backup_addr;
	/* Build what can be built when inputs are missing (warnings). */
	bool allow_missing;
};
#define VMC_BUILD_OPTS_INIT { .version = VMC_BUILD_OPTS_VERSION, \
			      .profile = VMC_LOADER_KEXEC_FILE }

typedef struct vmc_header vmc_header;

/*
 * Build the header spec for @sys under @opts.  Errors: VMC_ERR_NOTFOUND
 * (a required system file is missing; the message names it and what it
 * means), VMC_ERR_NOSPACE (the kernel's range slots ran out, as
 * crash_exclude_mem_range fails), VMC_ERR_INVALID, VMC_ERR_NOMEM.
 */
vmc_status vmc_header_build(vmc_header **out, const vmc_system *sys,
			    const struct vmc_build_opts *opts, vmc_error *e);
void vmc_header_free(vmc_header *h);

/* The spec (borrowed; valid while @h lives). */
const struct vmc_elfcore_spec *vmc_header_spec(const vmc_header *h);

/*
 * The elfcorehdr segment's size as the loader reserves it (memsz after
 * page rounding), 0 when unknown.  kexec-file with CONFIG_CRASH_HOTPLUG:
 * PAGE_ALIGN(64 + crash_elfcorehdr_size); kexec-tools 2.0.25:
 * PAGE_ALIGN(max(16 KiB, size)).
 */
uint64_t vmc_header_segment_size(const vmc_header *h);

/* Where the loader will place the segment, when the profile can tell
 * (kexec-tools: top-down in the last crash kernel region); 0 if not. */
uint64_t vmc_header_expected_addr(const vmc_header *h);

/* Warnings gathered on the way (missing files tolerated, ...); borrowed,
 * valid while @h lives (warnings.h; NULL: none). */
const vmc_warnings *vmc_header_warnings(const vmc_header *h);

#ifdef __cplusplus
}
#endif
#endif
