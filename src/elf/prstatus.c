// SPDX-License-Identifier: MIT
/*
 * The NT_PRSTATUS table: one row per architecture, read by decode, by
 * every encoder and by the CLI.
 *
 * struct elf_prstatus (include/linux/elfcore.h, 64-bit long):
 *   0 pr_info {si_signo, si_code, si_errno} 12 | 12 pr_cursig 2 | pad 2
 *   16 pr_sigpend 8 | 24 pr_sighold 8 | 32 pr_pid 4 | 36 pr_ppid 4
 *   40 pr_pgrp 4 | 44 pr_sid 4 | 48 four struct timeval (16 each)
 *   112 pr_reg[ELF_NGREG] | then pr_fpvalid 4 (+ pad to 8)
 * With a 32-bit long (i386) sigpend/sighold and timevals shrink to 4-byte
 * words: pr_pid at 24, pr_reg at 72.
 *
 * pr_reg is elf_gregset_t, filled by elf_core_copy_regs (ELF_CORE_COPY_REGS
 * of arch/<arch>/include/asm/elf.h) from the kernel's pt_regs.
 */
#include <string.h>

#include "vmcorekit/prstatus.h"
#include "base/compiler.h"

enum {
	PR_CURSIG = 12,
	PR_REG_64 = 112,	/* offsetof(struct elf_prstatus, pr_reg) */
	PR_REG_32 = 72,
	PR_PID_64 = 32,
	PR_PID_32 = 24,
	PR_TAIL = 8,		/* pr_fpvalid (int) padded to the word */
	PR_TAIL_32 = 4,
};

/* arch/x86/include/asm/user_64.h struct user_regs_struct (ELF_NGREG =
 * sizeof / 8 = 27, arch/x86/include/asm/elf.h). */
static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};
/* arch/x86/include/asm/user_32.h struct user_regs_struct (17 longs). */
static const char *const i386_regs[] = {
	"ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs",
	"gs", "orig_eax", "eip", "cs", "eflags", "esp", "ss",
};
/* arch/arm64/include/uapi/asm/ptrace.h struct user_pt_regs: regs[31], sp,
 * pc, pstate (ELF_NGREG = sizeof / 8 = 34). */
static const char *const arm64_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate",
};
/*
 * ppc64: ELF_NGREG 48 (arch/powerpc/include/uapi/asm/elf.h).
 * PPC_ELF_CORE_COPY_REGS (asm/elf.h) copies min(sizeof(struct pt_regs) / 8,
 * ELF_NGREG) longs of the kernel's struct pt_regs (asm/ptrace.h): the uapi
 * user_pt_regs (gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe,
 * trap, dar, dsisr, result: 44 longs) then, on CONFIG_PPC64, the union of
 * { ppr, exit_result, kuap|amr, iamr } and __pad[4]: 48 longs.  Slot 46 is
 * kuap with CONFIG_PPC_KUAP and amr with only CONFIG_PPC_PKEY.
 */
static const char *const ppc64_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20",
	"r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30",
	"r31", "nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe",
	"trap", "dar", "dsisr", "result", "ppr", "exit_result", "kuap", "iamr",
};
/* arch/s390/include/uapi/asm/ptrace.h s390_regs (elf_gregset_t itself,
 * arch/s390/include/asm/elf.h): psw {mask, addr}, gprs[16] longs,
 * acrs[16] unsigned ints, orig_gpr2: 216 bytes. */
static const char *const s390x_regs[] = {
	"psw_mask", "psw_addr", "r0", "r1", "r2", "r3", "r4", "r5", "r6",
	"r7", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11",
	"a12", "a13", "a14", "a15", "orig_gpr2",
};
static const uint8_t s390x_widths[] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8,
};

#define ROW64(m, a, names, regsz, widths, ip, sp)                        \
	{ m, VMC_CLASS_64, a, PR_REG_64 + (regsz) + PR_TAIL, PR_PID_64,    \
	  PR_REG_64, regsz, 8, ARRAY_SIZE(names), names, widths, ip, sp }

static const struct vmc_prstatus_layout layouts[] = {
	ROW64(VMC_EM_X86_64, "x86_64", x86_64_regs, 27 * 8, NULL, 16, 19),
	ROW64(VMC_EM_AARCH64, "arm64", arm64_regs, 34 * 8, NULL, 32, 31),
	ROW64(VMC_EM_PPC64, "ppc64", ppc64_regs, 48 * 8, NULL, 32, 1),
	ROW64(VMC_EM_S390, "s390x", s390x_regs, 16 + 16 * 8 + 16 * 4 + 8,
	      s390x_widths, 1, 17),
	{ VMC_EM_386, VMC_CLASS_32, "i386", PR_REG_32 + 17 * 4 + PR_TAIL_32,
	  PR_PID_32, PR_REG_32, 17 * 4, 4, ARRAY_SIZE(i386_regs), i386_regs,
	  NULL, 12, 15 },
};

VMC_EXPORT const struct vmc_prstatus_layout *vmc_prstatus_layouts(size_t *n)
{
	*n = ARRAY_SIZE(layouts);
	return layouts;
}

VMC_EXPORT const struct vmc_prstatus_layout *
vmc_prstatus_layout(uint16_t machine, enum vmc_class cls)
{
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (layouts[i].machine == machine && layouts[i].cls == cls)
			return &layouts[i];
	return NULL;
}

static unsigned reg_width(const struct vmc_prstatus_layout *l, unsigned i)
{
	return l->widths ? l->widths[i] : l->word;
}

static uint64_t get_reg(enum vmc_order o, const uint8_t *p, unsigned w)
{
	return w == 8 ? vmc_get64(o, p) : vmc_get32(o, p);
}

static void put_reg(enum vmc_order o, uint8_t *p, unsigned w, uint64_t v)
{
	if (w == 8)
		vmc_put64(o, p, v);
	else
		vmc_put32(o, p, (uint32_t)v);
}

VMC_EXPORT vmc_status vmc_prstatus_decode(const struct vmc_elf_id *id,
					  const void *desc, size_t len,
					  struct vmc_prstatus *out,
					  vmc_error *e)
{
	const struct vmc_prstatus_layout *l;
	const uint8_t *b = desc;
	enum vmc_order o = id->order;
	size_t off;

	l = vmc_prstatus_layout(id->machine, id->cls);
	if (!l)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "NT_PRSTATUS of machine %u not decoded",
				     id->machine);
	if (len < (size_t)l->reg_off + l->reg_size)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "NT_PRSTATUS too short (%zu bytes, need %zu)",
				     len, (size_t)l->reg_off + l->reg_size);
	memset(out, 0, sizeof(*out));
	out->signo = (int32_t)vmc_get32(o, b);
	out->cursig = (int16_t)vmc_get16(o, b + PR_CURSIG);
	out->pid = (int32_t)vmc_get32(o, b + l->pid_off);
	out->ppid = (int32_t)vmc_get32(o, b + l->pid_off + 4);
	out->nr_regs = l->nr_regs;
	out->reg_names = l->names;
	off = l->reg_off;
	for (unsigned i = 0; i < l->nr_regs; i++) {
		out->regs[i] = get_reg(o, b + off, reg_width(l, i));
		off += reg_width(l, i);
	}
	out->ip = out->regs[l->ip];
	out->sp = out->regs[l->sp];
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_prstatus_encode(const struct vmc_prstatus_layout *l,
					  enum vmc_order order,
					  const struct vmc_prstatus *in,
					  void *desc, size_t len, vmc_error *e)
{
	uint8_t *b = desc;
	size_t off = l->reg_off;

	if (len < l->size)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%zu bytes for a %s NT_PRSTATUS of %u",
				     len, l->arch, l->size);
	memset(b, 0, l->size);
	vmc_put32(order, b, (uint32_t)in->signo);
	vmc_put16(order, b + PR_CURSIG, (uint16_t)in->cursig);
	vmc_put32(order, b + l->pid_off, (uint32_t)in->pid);
	vmc_put32(order, b + l->pid_off + 4, (uint32_t)in->ppid);
	for (unsigned i = 0; i < in->nr_regs && i < l->nr_regs; i++) {
		put_reg(order, b + off, reg_width(l, i), in->regs[i]);
		off += reg_width(l, i);
	}
	return VMC_OK;
}
