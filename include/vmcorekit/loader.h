/* SPDX-License-Identifier: MIT */
/*
 * Who builds the elfcorehdr: the loaders whose rules vmcorekit mirrors.
 * One name serves `build --profile` (whose rules build a header) and the
 * hotplug model (who loaded the crash kernel, who regenerates its header).
 *
 *   kexec-file   Linux kexec_file_load (kexec -s): the kernel builds the
 *                header (kernel/crash_core.c crash_prepare_elf64_headers).
 *   kexec-tools  kexec-tools 2.0.25 `kexec -p` with kexec_load (kexec -c):
 *                user space builds it (kexec/crashdump-elf.c
 *                crash_create_elf64_headers).
 *   generic      no loader: every field given explicitly (or taken from the
 *                system files when present), no exclusions but the ones
 *                asked for.  It reserves no segment, so the hotplug calls
 *                refuse it.
 */
#ifndef VMCOREKIT_LOADER_H
#define VMCOREKIT_LOADER_H

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vmc_loader {
	VMC_LOADER_KEXEC_FILE = 1,	/* kexec_file_load (kexec -s) */
	VMC_LOADER_KEXEC_TOOLS,		/* kexec_load by kexec-tools (kexec -c) */
	VMC_LOADER_GENERIC,		/* no loader: everything explicit */
};

/* "kexec-file", "kexec-tools", "generic" -> enum.  Errors: INVALID. */
vmc_status vmc_loader_parse(const char *name, enum vmc_loader *out,
			    vmc_error *e);
/* The name above; "unknown" for any other value. */
const char *vmc_loader_name(enum vmc_loader l);

#ifdef __cplusplus
}
#endif
#endif
