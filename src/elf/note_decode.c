// SPDX-License-Identifier: MIT
/*
 * Decoders for the notes of a Linux crash dump.
 *
 * struct elf_prstatus (include/linux/elfcore.h, 64-bit long):
 *   0 pr_info {si_signo, si_code, si_errno} 12 | 12 pr_cursig 2 | pad 2
 *   16 pr_sigpend 8 | 24 pr_sighold 8 | 32 pr_pid 4 | 36 pr_ppid 4
 *   40 pr_pgrp 4 | 44 pr_sid 4 | 48 four struct timeval (16 each)
 *   112 pr_reg[ELF_NGREG] | then pr_fpvalid 4 (+ pad)
 * With a 32-bit long (i386) sigpend/sighold and timevals shrink to 4-byte
 * words: pr_pid at 24, pr_reg at 72.
 *
 * pr_reg per architecture (arch/<arch>/include/asm/elf.h, ptrace.h):
 *   x86_64: struct user_regs_struct, 27 x u64 (rip #16, rsp #19)
 *   i386:   17 x u32 (eip #12, esp #15)
 *   arm64:  struct user_pt_regs, x0..x30, sp, pc, pstate (34 x u64)
 *   ppc64:  48 x u64: gpr0..31, nip, msr, orig_gpr3, ctr, link, xer, ccr,
 *           softe, trap, dar, dsisr, result, ... (sp is gpr1)
 *   s390x:  s390_regs: psw {mask, addr} u64, gprs[16] u64, acrs[16] u32,
 *           orig_gpr2 u64 (sp is gpr15)
 */
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/compiler.h"

static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};
static const char *const i386_regs[] = {
	"ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs",
	"gs", "orig_eax", "eip", "cs", "eflags", "esp", "ss",
};
static const char *const arm64_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate",
};
static const char *const ppc64_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20",
	"r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30",
	"r31", "nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe",
	"trap", "dar", "dsisr", "result", "r44", "r45", "r46", "r47",
};
static const char *const s390x_regs[] = {
	"psw_mask", "psw_addr", "r0", "r1", "r2", "r3", "r4", "r5", "r6",
	"r7", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11",
	"a12", "a13", "a14", "a15", "orig_gpr2",
};

struct prstatus_layout {
	uint16_t machine;
	enum vmc_class cls;
	const char *const *names;
	unsigned nr;
	unsigned ip, sp;	/* indices into regs */
};

static const struct prstatus_layout layouts[] = {
	{ VMC_EM_X86_64, VMC_CLASS_64, x86_64_regs, ARRAY_SIZE(x86_64_regs), 16, 19 },
	{ VMC_EM_386, VMC_CLASS_32, i386_regs, ARRAY_SIZE(i386_regs), 12, 15 },
	{ VMC_EM_AARCH64, VMC_CLASS_64, arm64_regs, ARRAY_SIZE(arm64_regs), 32, 31 },
	{ VMC_EM_PPC64, VMC_CLASS_64, ppc64_regs, ARRAY_SIZE(ppc64_regs), 32, 1 },
	{ VMC_EM_S390, VMC_CLASS_64, s390x_regs, ARRAY_SIZE(s390x_regs), 1, 17 },
};

VMC_EXPORT vmc_status vmc_prstatus_decode(const struct vmc_elf_id *id,
					  const void *desc, size_t len,
					  struct vmc_prstatus *out,
					  vmc_error *e)
{
	const struct prstatus_layout *l = NULL;
	const uint8_t *b = desc;
	enum vmc_order o = id->order;
	bool w64 = id->cls == VMC_CLASS_64;
	size_t reg_off = w64 ? 112 : 72, need;

	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (layouts[i].machine == id->machine && layouts[i].cls == id->cls)
			l = &layouts[i];
	if (!l)
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "NT_PRSTATUS of machine %u not decoded",
				     id->machine);
	/* s390 access registers are 4 bytes each. */
	need = l->machine == VMC_EM_S390 ? 216 : l->nr * (w64 ? 8u : 4u);
	if (len < reg_off + need)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "NT_PRSTATUS too short (%zu bytes, need %zu)",
				     len, reg_off + need);
	memset(out, 0, sizeof(*out));
	out->signo = (int32_t)vmc_get32(o, b);
	out->cursig = (int16_t)vmc_get16(o, b + 12);
	out->pid = (int32_t)vmc_get32(o, b + (w64 ? 32 : 24));
	out->ppid = (int32_t)vmc_get32(o, b + (w64 ? 36 : 28));
	out->nr_regs = l->nr;
	out->reg_names = l->names;
	b += reg_off;
	for (unsigned i = 0; i < l->nr; i++) {
		if (l->machine == VMC_EM_S390 && i >= 18 && i < 34)
			out->regs[i] = vmc_get32(o, b + 144 + (i - 18) * 4);
		else if (l->machine == VMC_EM_S390 && i == 34)
			out->regs[i] = vmc_get64(o, b + 208);
		else
			out->regs[i] = w64 ? vmc_get64(o, b + i * 8)
					   : vmc_get32(o, b + i * 4);
	}
	out->ip = out->regs[l->ip];
	out->sp = out->regs[l->sp];
	return VMC_OK;
}

/*
 * struct elf_prpsinfo (include/linux/elfcore.h; 64-bit): pr_state 1,
 * pr_sname 1, pr_zomb 1, pr_nice 1, pad 4, pr_flag 8, pr_uid 4, pr_gid 4,
 * pr_pid 4 @24, pr_ppid 4, pr_pgrp 4, pr_sid 4, pr_fname[16] @40,
 * pr_psargs[80] @56 (136 bytes).  32-bit: pr_flag is 4 bytes; uid/gid are
 * __kernel_uid_t, 16-bit on i386 and arm (pid @12, fname @28) and 32-bit
 * elsewhere, e.g. ppc32 (pid @16, fname @32).
 */
VMC_EXPORT vmc_status vmc_prpsinfo_decode(const struct vmc_elf_id *id,
					  const void *desc, size_t len,
					  struct vmc_prpsinfo *out,
					  vmc_error *e)
{
	const uint8_t *b = desc;
	bool w64 = id->cls == VMC_CLASS_64;
	bool uid16 = id->machine == VMC_EM_386 || id->machine == VMC_EM_ARM;
	size_t pid_off = w64 ? 24 : uid16 ? 12 : 16;
	size_t fname_off = pid_off + 16, need = fname_off + 96;

	if (len < need)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "NT_PRPSINFO too short (%zu bytes)", len);
	memset(out, 0, sizeof(*out));
	out->state = (char)b[0];
	out->sname = (char)b[1];
	out->pid = (int32_t)vmc_get32(id->order, b + pid_off);
	out->ppid = (int32_t)vmc_get32(id->order, b + pid_off + 4);
	memcpy(out->fname, b + fname_off, 16);
	memcpy(out->psargs, b + fname_off + 16, 80);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_vmcoredd_decode(const struct vmc_note *n,
					  struct vmc_vmcoredd *out,
					  vmc_error *e)
{
	if (n->type != VMC_NT_VMCOREDD || !vmc_note_name_is(n, "LINUX"))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "not an NT_VMCOREDD note");
	if (n->descsz < VMC_VMCOREDD_NAME_MAX)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "NT_VMCOREDD note desc of %u bytes is shorter "
				     "than its %d-byte dump name", n->descsz,
				     VMC_VMCOREDD_NAME_MAX);
	memset(out, 0, sizeof(*out));
	memcpy(out->name, n->desc, VMC_VMCOREDD_NAME_MAX);
	out->data = n->desc + VMC_VMCOREDD_NAME_MAX;
	out->data_len = n->descsz - VMC_VMCOREDD_NAME_MAX;
	return VMC_OK;
}

VMC_EXPORT const char *vmc_note_type_name(const struct vmc_note *n)
{
	if (vmc_note_name_is(n, "VMCOREINFO"))
		return "VMCOREINFO";
	if (vmc_note_name_is(n, "LINUX") && n->type == VMC_NT_VMCOREDD)
		return "NT_VMCOREDD";
	if (vmc_note_name_is(n, "CORE")) {
		switch (n->type) {
		case VMC_NT_PRSTATUS: return "NT_PRSTATUS";
		case VMC_NT_PRFPREG: return "NT_PRFPREG";
		case VMC_NT_PRPSINFO: return "NT_PRPSINFO";
		case VMC_NT_TASKSTRUCT: return "NT_TASKSTRUCT";
		}
	}
	if (vmc_note_name_is(n, "LINUX")) {
		switch (n->type) {
		case 0x300: return "NT_S390_HIGH_GPRS";
		case 0x301: return "NT_S390_TIMER";
		case 0x302: return "NT_S390_TODCMP";
		case 0x303: return "NT_S390_TODPREG";
		case 0x304: return "NT_S390_CTRS";
		case 0x305: return "NT_S390_PREFIX";
		case 0x309: return "NT_S390_VXRS_LOW";
		case 0x30a: return "NT_S390_VXRS_HIGH";
		case 0x202: return "NT_X86_XSTATE";
		}
	}
	if (vmc_note_name_is(n, "QEMU"))
		return "QEMU_CPU_STATE";
	if (vmc_note_name_is(n, "Xen"))
		return "XEN";
	return NULL;
}
