// SPDX-License-Identifier: MIT
/*
 * Decoders for the notes of a Linux crash dump.
 *
 * NT_PRSTATUS lives in prstatus.c with its per-architecture table.
 */
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/compiler.h"

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
