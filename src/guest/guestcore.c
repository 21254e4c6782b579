// SPDX-License-Identifier: MIT
/*
 * The ELF core header of a guest vmcore, built outside the guest:
 *
 *   +-------------+--------------------------------+------------------+
 *   | Elf64_Ehdr  | PT_NOTE x (nr_cpus + 1)         | notes:           |
 *   |  ET_CORE    | PT_LOAD x nr_ram                | CORE/NT_PRSTATUS |
 *   |  EM_X86_64  |  (p_offset = p_paddr)           |  per vCPU, then  |
 *   |             |                                 | VMCOREINFO       |
 *   +-------------+--------------------------------+------------------+
 *
 * The kernel's own header (kernel/crash_core.c crash_prepare_elf64_headers)
 * has the same shape: one PT_NOTE per possible CPU (its crash_notes), one
 * for VMCOREINFO, a kernel-text PT_LOAD, then one PT_LOAD per System RAM
 * range with p_vaddr = __va(paddr).  The notes here travel in the buffer
 * (VMC_NOTES_IN_BUFFER), so vmc_dump_open merges them as
 * fs/proc/vmcore.c merge_note_headers_elf64 would.
 */
#include <string.h>

#include "vmcorekit/guestcore.h"
#include "vmcorekit/elfcore.h"
#include "vmcorekit/notes.h"
#include "vmcorekit/prstatus.h"
#include "base/compiler.h"

enum {
	NOTE_NAME_PAD = 12,	/* "VMCOREINFO\0" padded to 4 */
	VMCOREINFO_MAX = 1 << 20,
};

/*
 * struct elf_prstatus for vCPU @c, pr_reg in user_regs_struct order.
 * pr_pid = vCPU index + 1, as QEMU writes it (dump/dump.c write_elf64_notes
 * passes cpu_index + 1 as the id, target/i386/arch_dump.c
 * x86_64_write_elf64_note stores it in pr_pid): the kernel's
 * crash_save_cpu stores the running task's pid, which a hypervisor cannot
 * know; drgn and crash index the notes by CPU, in order.
 */
static vmc_status encode_prstatus(const struct vmc_prstatus_layout *l,
				  uint8_t *d, const struct vmc_vcpu *c,
				  vmc_error *e)
{
	struct vmc_prstatus p = { .pid = (int32_t)(c->index + 1),
				  .nr_regs = VMC_X86_NR_REGS };

	memcpy(p.regs, c->regs, sizeof(c->regs));
	return vmc_prstatus_encode(l, VMC_LE, &p, d, l->size, e);
}

static vmc_status check_spec(const struct vmc_guestcore_spec *s,
			     vmc_error *e)
{
	if (!s || s->version != VMC_GUESTCORE_SPEC_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "guest core spec version mismatch");
	if (s->vmcoreinfo && s->vmcoreinfo_len > VMCOREINFO_MAX)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "VMCOREINFO of %zu bytes (at most %u)",
				     s->vmcoreinfo_len, VMCOREINFO_MAX);
	if (s->nr_ram == 0)
		return vmc_error_set(e, VMC_ERR_INVALID, "no RAM range");
	for (size_t i = 0; i < s->nr_ram; i++) {
		uint64_t a = s->ram[2 * i], b = s->ram[2 * i + 1];

		if (a >= b || (i && a < s->ram[2 * i - 1]))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "RAM range %zu (%#llx-%#llx) empty "
					     "or out of order", i,
					     (unsigned long long)a,
					     (unsigned long long)b);
	}
	return VMC_OK;
}

/* The sizes: program headers, the header, the notes after it. */
struct plan {
	size_t nr_cpu, nr_note, nr_text, nr_ph, hdr_len, total;
};

static vmc_status plan(const struct vmc_guestcore_spec *s,
		       const struct vmc_prstatus_layout *pl, struct plan *p,
		       vmc_error *e)
{
	vmc_status st = check_spec(s, e);

	if (st)
		return st;
	p->nr_cpu = vmc_vcpus_count(s->cpus);
	p->nr_note = p->nr_cpu + (s->vmcoreinfo ? 1 : 0);
	p->nr_text = s->text_size ? 1 : 0;
	p->nr_ph = p->nr_note + p->nr_text + s->nr_ram;
	if (p->nr_ph > 0xfffe || p->nr_cpu > 0xffff)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "%zu program headers (at most 65534)",
				     p->nr_ph);
	p->hdr_len = vmc_elf_ehdr_size(VMC_CLASS_64) +
		     p->nr_ph * vmc_elf_phdr_size(VMC_CLASS_64);
	p->total = p->hdr_len + p->nr_cpu * vmc_note_size(5, pl->size) +
		   (s->vmcoreinfo ?
		    vmc_note_size(11, (uint32_t)s->vmcoreinfo_len) : 0);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_guestcore_header_size(
	const struct vmc_guestcore_spec *s, size_t *size, vmc_error *e)
{
	struct plan p;
	vmc_status st = plan(s, vmc_prstatus_layout(VMC_EM_X86_64,
						    VMC_CLASS_64), &p, e);

	if (!st)
		*size = p.total;
	return st;
}

VMC_EXPORT vmc_status vmc_guestcore_header(const struct vmc_guestcore_spec *s,
					   void *out, size_t cap, size_t *len,
					   vmc_error *e)
{
	struct vmc_elfcore_spec es = VMC_ELFCORE_SPEC_INIT;
	/* struct elf_prstatus of x86_64 (the one table, src/elf/prstatus.c) */
	const struct vmc_prstatus_layout *pl =
		vmc_prstatus_layout(VMC_EM_X86_64, VMC_CLASS_64);
	struct vmc_phdr *ph = NULL;
	uint8_t *buf = out, pr[VMC_PRSTATUS_MAX_SIZE];
	size_t used, off;
	struct plan p;
	vmc_status st = plan(s, pl, &p, e);

	if (st)
		return st;
	if (cap < p.total)
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "header needs %zu bytes, capacity is %zu",
				     p.total, cap);
	ph = vmc__calloc(p.nr_ph, sizeof(*ph));
	if (!ph)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memset(buf, 0, p.total);
	/* notes first, to learn each one's offset and size */
	used = p.hdr_len;
	for (size_t i = 0; i < p.nr_cpu; i++) {
		off = used;
		st = encode_prstatus(pl, pr, vmc_vcpus_get(s->cpus, i), e);
		if (!st)
			st = vmc_note_append(buf, p.total, &used, VMC_LE, "CORE",
					     VMC_NT_PRSTATUS, pr, pl->size, e);
		if (st)
			goto out;
		ph[i] = (struct vmc_phdr){ .type = VMC_PT_NOTE, .offset = off,
					   .filesz = used - off,
					   .memsz = used - off };
	}
	if (s->vmcoreinfo) {
		off = used;
		st = vmc_note_append(buf, p.total, &used, VMC_LE, "VMCOREINFO",
				     0, s->vmcoreinfo, s->vmcoreinfo_len, e);
		if (st)
			goto out;
		ph[p.nr_cpu] = (struct vmc_phdr){ .type = VMC_PT_NOTE,
						  .offset = off,
						  .filesz = used - off,
						  .memsz = used - off };
	}
	if (p.nr_text)
		ph[p.nr_note] = (struct vmc_phdr){ .type = VMC_PT_LOAD,
			.flags = VMC_PF_R | VMC_PF_W | VMC_PF_X,
			.offset = s->text_paddr, .paddr = s->text_paddr,
			.vaddr = s->text_vaddr, .filesz = s->text_size,
			.memsz = s->text_size };
	for (size_t i = 0; i < s->nr_ram; i++) {
		uint64_t a = s->ram[2 * i], b = s->ram[2 * i + 1];
		struct vmc_phdr *ld = &ph[p.nr_note + p.nr_text + i];

		*ld = (struct vmc_phdr){ .type = VMC_PT_LOAD,
					 .flags = VMC_PF_R | VMC_PF_W | VMC_PF_X,
					 .offset = a, .paddr = a,
					 .filesz = b - a, .memsz = b - a };
		if (s->have_direct_map &&
		    add_overflows_u64(s->direct_map, a, &ld->vaddr)) {
			st = vmc_error_set(e, VMC_ERR_RANGE,
					   "direct map %#llx + %#llx overflows",
					   (unsigned long long)s->direct_map,
					   (unsigned long long)a);
			goto out;
		}
	}
	es.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	es.phdrs = ph;
	es.nr_phdrs = p.nr_ph;
	st = vmc_elfcore_write(&es, buf, p.hdr_len, &off, e);
	if (!st)
		*len = used;
out:
	vmc__free(ph);
	return st;
}

VMC_EXPORT vmc_status vmc_guestcore_vmcoreinfo_at(const vmc_physmem *pm,
						  uint64_t paddr, char **text,
						  size_t *len, vmc_error *e)
{
	uint8_t h[12 + NOTE_NAME_PAD];
	uint32_t namesz, descsz, type;
	char *t;
	vmc_status st;

	*text = NULL;
	st = vmc_physmem_read(pm, paddr, h, sizeof(h), e);
	if (st)
		return PREFIXED(st, e, "VMCOREINFO note at %#llx",
				(unsigned long long)paddr);
	namesz = vmc_get32(VMC_LE, h);
	descsz = vmc_get32(VMC_LE, h + 4);
	type = vmc_get32(VMC_LE, h + 8);
	/* kernel/vmcore_info.c crash_update_vmcoreinfo_safecopy /
	 * append_elf_note(buf, VMCOREINFO_NOTE_NAME, 0, data, size) */
	if (namesz != 11 || type != 0 || memcmp(h + 12, "VMCOREINFO", 11) ||
	    descsz == 0 || descsz > VMCOREINFO_MAX)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "no VMCOREINFO note at %#llx (n_namesz "
				     "%u, n_descsz %u, n_type %u)",
				     (unsigned long long)paddr, namesz, descsz,
				     type);
	t = vmc__malloc(descsz + 1);
	if (!t)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_physmem_read(pm, paddr + sizeof(h), t, descsz, e);
	if (st) {
		vmc__free(t);
		return PREFIXED(st, e, "VMCOREINFO text at %#llx",
				(unsigned long long)(paddr + sizeof(h)));
	}
	t[descsz] = '\0';
	if (descsz < 11 || memcmp(t, "OSRELEASE=", 10) != 0 ||
	    memchr(t, '\0', descsz)) {
		vmc__free(t);
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the note at %#llx is named VMCOREINFO "
				     "but its text does not start with "
				     "OSRELEASE=", (unsigned long long)paddr);
	}
	*text = t;
	*len = descsz;
	return VMC_OK;
}
