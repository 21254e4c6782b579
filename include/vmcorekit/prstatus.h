/* SPDX-License-Identifier: MIT */
/*
 * NT_PRSTATUS per architecture: one table (src/elf/prstatus.c) says where
 * struct elf_prstatus keeps pr_reg, how big it is, the registers' names in
 * the kernel's elf_gregset_t order and which one is the instruction and
 * the stack pointer.  Note decoding, every encoder that writes a prstatus
 * (fadump, zfcpdump) and the CLI's register names read it.
 */
#ifndef VMCOREKIT_PRSTATUS_H
#define VMCOREKIT_PRSTATUS_H

#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/elf.h"
#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	VMC_PRSTATUS_MAX_REGS = 64,	/* >= every layout's nr_regs */
	VMC_PRSTATUS_MAX_SIZE = 512,	/* >= every layout's size */
};

/* struct elf_prstatus of one architecture (include/linux/elfcore.h). */
struct vmc_prstatus_layout {
	uint16_t machine;	/* VMC_EM_* */
	enum vmc_class cls;
	const char *arch;	/* "x86_64", "arm64", "ppc64", "s390x", "i386" */
	uint32_t size;		/* sizeof(struct elf_prstatus) */
	uint32_t pid_off;	/* offsetof(pr_pid); pr_ppid follows it */
	uint32_t reg_off;	/* offsetof(pr_reg) */
	uint32_t reg_size;	/* sizeof(elf_gregset_t) */
	unsigned word;		/* sizeof(elf_greg_t): 8 or 4 */
	unsigned nr_regs;
	const char *const *names;	/* nr_regs names, elf_gregset_t order */
	const uint8_t *widths;	/* bytes per register; NULL: all @word */
	unsigned ip, sp;	/* indices of the instruction/stack pointer */
};

/* The layout for @machine in @cls, or NULL when it is not known. */
const struct vmc_prstatus_layout *vmc_prstatus_layout(uint16_t machine,
						      enum vmc_class cls);
/* Every known layout, *n of them. */
const struct vmc_prstatus_layout *vmc_prstatus_layouts(size_t *n);

/* Decoded NT_PRSTATUS (struct elf_prstatus of the architecture). */
struct vmc_prstatus {
	int32_t signo;
	int32_t cursig;
	int32_t pid;
	int32_t ppid;
	uint64_t ip;		/* rip / pc / nip / psw.addr / eip */
	uint64_t sp;		/* rsp / sp / r1 / r15 / esp */
	unsigned nr_regs;
	uint64_t regs[VMC_PRSTATUS_MAX_REGS]; /* pr_reg, in the arch's order */
	const char *const *reg_names; /* nr_regs names, static */
};

/*
 * Decode an NT_PRSTATUS desc for @id (x86_64, i386, arm64, ppc64(le),
 * s390x).  Errors: VMC_ERR_UNSUPPORTED (arch), VMC_ERR_CORRUPT (size).
 */
vmc_status vmc_prstatus_decode(const struct vmc_elf_id *id, const void *desc,
			       size_t len, struct vmc_prstatus *out,
			       vmc_error *e);

/*
 * Write @in as a struct elf_prstatus of @l into @desc (@len >= l->size;
 * l->size bytes are written): si_signo, pr_cursig, pr_pid, pr_ppid and the
 * first in->nr_regs registers (at most l->nr_regs), every other byte zero,
 * as fill_prstatus/elf_core_copy_regs leave them.  Registers narrower than
 * 8 bytes keep their low bits.  Errors: VMC_ERR_INVALID (@len too small).
 */
vmc_status vmc_prstatus_encode(const struct vmc_prstatus_layout *l,
			       enum vmc_order order,
			       const struct vmc_prstatus *in, void *desc,
			       size_t len, vmc_error *e);

#ifdef __cplusplus
}
#endif

#endif
