// SPDX-License-Identifier: MIT
/* The vCPU list, and vCPUs from an ELF dump's NT_PRSTATUS notes. */
#include <string.h>

#include "vmcorekit/vcpu.h"
#include "base/compiler.h"
#include "guest/vcpu_priv.h"

struct vmc_vcpus *vmc__vcpus_new(void)
{
	return vmc__calloc(1, sizeof(struct vmc_vcpus));
}

vmc_status vmc__vcpus_add(struct vmc_vcpus *l, const struct vmc_vcpu *c,
			  vmc_error *e)
{
	if (!VMC_GROW(l->v, l->cap, l->nr + 1, 8))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	l->v[l->nr++] = *c;
	return VMC_OK;
}

VMC_EXPORT size_t vmc_vcpus_count(const vmc_vcpus *v)
{
	return v ? v->nr : 0;
}

VMC_EXPORT const struct vmc_vcpu *vmc_vcpus_get(const vmc_vcpus *v, size_t i)
{
	return v && i < v->nr ? &v->v[i] : NULL;
}

VMC_EXPORT void vmc_vcpus_free(vmc_vcpus *v)
{
	if (!v)
		return;
	vmc__free(v->v);
	vmc__free(v);
}

/*
 * QEMU (dump/dump.c write_elf64_notes: one NT_PRSTATUS per CPU in CPU
 * order, pr_pid = cpu index + 1) and cloud-hypervisor (vmm/src/coredump.rs,
 * pr_pid = vCPU id from 0) both write one x86_64 NT_PRSTATUS per vCPU in
 * vCPU order; the order, not pr_pid, says which vCPU a note is.
 */
VMC_EXPORT vmc_status vmc_vcpus_from_notes(vmc_vcpus **out, const void *notes,
					   size_t len, vmc_error *e)
{
	const struct vmc_elf_id id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	struct vmc_note_iter it;
	struct vmc_note n;
	struct vmc_vcpus *l;
	vmc_status st = VMC_OK;

	*out = NULL;
	l = vmc__vcpus_new();
	if (!l)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	vmc_notes_iter_init(&it, notes, len, VMC_LE);
	while (vmc_notes_next(&it, &n) == VMC_OK) {
		struct vmc_prstatus pr;
		struct vmc_vcpu c;

		if (n.type != VMC_NT_PRSTATUS || !vmc_note_name_is(&n, "CORE"))
			continue;
		st = vmc_prstatus_decode(&id, n.desc, n.descsz, &pr, e);
		if (st) {
			vmc_error_prefix(e, "NT_PRSTATUS %zu", l->nr);
			goto fail;
		}
		memset(&c, 0, sizeof(c));
		c.index = (uint32_t)l->nr;
		for (unsigned i = 0; i < pr.nr_regs && i < VMC_X86_NR_REGS; i++)
			c.regs[i] = pr.regs[i];
		st = vmc__vcpus_add(l, &c, e);
		if (st)
			goto fail;
	}
	if (l->nr == 0) {
		st = vmc_error_set(e, VMC_ERR_NOTFOUND, "no NT_PRSTATUS note");
		goto fail;
	}
	*out = l;
	return VMC_OK;
fail:
	vmc_vcpus_free(l);
	return st;
}
