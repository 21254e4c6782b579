/* SPDX-License-Identifier: MIT */
/*
 * vCPU registers of a guest, as a hypervisor reports them: QEMU's HMP
 * `info registers -a` text taken verbatim, or the NT_PRSTATUS notes of an
 * existing ELF dump (QEMU dump-guest-memory, cloud-hypervisor coredump).
 * They become the NT_PRSTATUS notes of a guest vmcore (guestcore.h).
 */
#ifndef VMCOREKIT_VCPU_H
#define VMCOREKIT_VCPU_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"
#include "vmcorekit/notes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Registers of x86_64 struct user_regs_struct, the pr_reg order of an
 * x86_64 NT_PRSTATUS (arch/x86/include/asm/user_64.h). */
enum vmc_x86_64_reg {
	VMC_X86_R15, VMC_X86_R14, VMC_X86_R13, VMC_X86_R12, VMC_X86_RBP,
	VMC_X86_RBX, VMC_X86_R11, VMC_X86_R10, VMC_X86_R9, VMC_X86_R8,
	VMC_X86_RAX, VMC_X86_RCX, VMC_X86_RDX, VMC_X86_RSI, VMC_X86_RDI,
	VMC_X86_ORIG_RAX, VMC_X86_RIP, VMC_X86_CS, VMC_X86_EFLAGS,
	VMC_X86_RSP, VMC_X86_SS, VMC_X86_FS_BASE, VMC_X86_GS_BASE,
	VMC_X86_DS, VMC_X86_ES, VMC_X86_FS, VMC_X86_GS,
	VMC_X86_NR_REGS
};

/* One vCPU. */
struct vmc_vcpu {
	uint32_t index;		/* the hypervisor's CPU number (CPU#N) */
	uint64_t regs[VMC_X86_NR_REGS];	/* enum vmc_x86_64_reg order */
	bool have_cr3;
	uint64_t cr3;		/* the page-table root the vCPU ran on */
	bool halted;		/* HLT=1 in QEMU's text */
};

typedef struct vmc_vcpus vmc_vcpus;

/*
 * Parse QEMU's HMP `info registers -a` text (x86_64 guests; QEMU
 * target/i386/cpu-dump.c x86_cpu_dump_state): one "CPU#N" block per vCPU
 * with "RAX=... RBX=..." lines, "RIP=... RFL=...", the segment lines
 * "CS =SEL BASE LIMIT FLAGS" and "CR0=... CR3=...".  Every general
 * register, RIP, RFL, CS and SS must be present in every block, CPU
 * numbers must rise from 0 without gaps; anything else is an error naming
 * the CPU and the line (a truncated or edited file is never taken as
 * right).  A 32-bit guest's text (EAX=...) is refused.
 * Errors: VMC_ERR_CORRUPT, VMC_ERR_NOMEM.  Free with vmc_vcpus_free.
 */
vmc_status vmc_vcpus_parse_qemu(vmc_vcpus **out, const char *text,
				size_t len, vmc_error *e);

/*
 * Parse the documented JSON vCPU state (docs/formats.md 18.2; src/guest/
 * vcpu_json.c): {"vcpus": [{"rip": "0x...", "rsp": ..., ...}, ...]}, one
 * object per vCPU in vCPU order, keys the x86_64 user_regs_struct names
 * plus "cr3", values integers or "0x" strings; rip, rsp, cs and ss
 * required, unknown keys refused.  Errors: VMC_ERR_CORRUPT, VMC_ERR_NOMEM,
 * VMC_ERR_UNSUPPORTED (the library was built without json-c).
 */
vmc_status vmc_vcpus_parse_json(vmc_vcpus **out, const char *text,
				size_t len, vmc_error *e);

/*
 * The vCPUs of the x86_64 NT_PRSTATUS notes in @notes (a PT_NOTE segment of
 * @len bytes, little-endian), in note order: vCPU i is the i-th NT_PRSTATUS
 * whatever its pr_pid (QEMU writes cpu + 1, cloud-hypervisor cpu).
 * Errors: VMC_ERR_NOTFOUND (no NT_PRSTATUS), VMC_ERR_CORRUPT, VMC_ERR_NOMEM.
 */
vmc_status vmc_vcpus_from_notes(vmc_vcpus **out, const void *notes,
				size_t len, vmc_error *e);

size_t vmc_vcpus_count(const vmc_vcpus *v);
/* vCPU @i (0 <= i < count), borrowed. */
const struct vmc_vcpu *vmc_vcpus_get(const vmc_vcpus *v, size_t i);
void vmc_vcpus_free(vmc_vcpus *v);

#ifdef __cplusplus
}
#endif
#endif
