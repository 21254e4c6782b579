// SPDX-License-Identifier: MIT
/*
 * The zfcpdump kernel's ELF core header, byte for byte as
 * arch/s390/kernel/crash_dump.c elfcorehdr_alloc builds it in new memory:
 *
 *   0     Elf64_Ehdr    ELF64 MSB EM_S390, e_phnum = loads + text + 1
 *   64    PT_NOTE       p_offset = header address + notes offset
 *   120   [PT_LOAD]     kernel text, when os_info has a KASLR offset
 *   ...   PT_LOAD × n   one per memory range, p_align PAGE_SIZE
 *   notes NT_PRPSINFO "CORE"
 *         per CPU with a non-zero prefix (pr_pid 1, 2, ...):
 *           NT_PRSTATUS, NT_PRFPREG ("CORE"), NT_S390_TIMER, _TODCMP,
 *           _TODPREG, _CTRS, _PREFIX, [_VXRS_HIGH, _VXRS_LOW] ("LINUX")
 *         VMCOREINFO (type 0), when found
 *         an empty note (nt_final): 12 zero bytes
 *   end   = the size the kernel returns (hdr_off), nothing after it
 *
 * The notes follow the program headers directly (ptr = phdr_loads + n).
 */
#include <string.h>

#include "vmcorekit/zfcpdump.h"
#include "vmcorekit/elfcore.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"

/* arch/s390: s390_fp_regs; struct elf_prpsinfo (docs/formats.md section 8).
 * struct elf_prstatus with s390_regs is the s390x row of prstatus.c. */
enum {
	FPREGSET_SIZE = 136,	/* fpc u32, pad u32, fprs[16] */
	PRPSINFO_SIZE = 136,
	PRPSINFO_SNAME = 1,
	PRPSINFO_FNAME = 40,
	PAGE_SIZE = 4096,
};

static const struct vmc_prstatus_layout *prstatus(void)
{
	return vmc_prstatus_layout(VMC_EM_S390, VMC_CLASS_64);
}

static uint64_t cpu_notes_size(bool vx)
{
	uint64_t n = vmc_note_size(5, prstatus()->size) +
		     vmc_note_size(5, FPREGSET_SIZE) +
		     vmc_note_size(6, 8) + vmc_note_size(6, 8) +
		     vmc_note_size(6, 4) + vmc_note_size(6, 128) +
		     vmc_note_size(6, 4);

	if (vx)
		n += vmc_note_size(6, 256) + vmc_note_size(6, 128);
	return n;
}

struct w {
	uint8_t *buf;
	size_t cap, used;
	vmc_error *e;
};

static vmc_status note(struct w *w, const char *name, uint32_t type,
		       const void *desc, size_t len)
{
	return vmc_note_append(w->buf, w->cap, &w->used, VMC_BE, name, type,
			       desc, len, w->e);
}

static vmc_status be32_note(struct w *w, uint32_t type, uint32_t v)
{
	uint8_t b[4];

	vmc_put32(VMC_BE, b, v);
	return note(w, "LINUX", type, b, sizeof(b));
}

static vmc_status be64_note(struct w *w, uint32_t type, uint64_t v)
{
	uint8_t b[8];

	vmc_put64(VMC_BE, b, v);
	return note(w, "LINUX", type, b, sizeof(b));
}

/* fill_cpu_elf_notes: the order and the "CORE"/"LINUX" names (nt_name). */
static vmc_status cpu_notes(struct w *w, uint32_t cpu,
			    const struct vmc_s390_save_area *sa, bool vx)
{
	const struct vmc_prstatus_layout *l = prstatus();
	struct vmc_prstatus p = { .pid = (int32_t)cpu, .nr_regs = 34 };
	uint8_t pr[VMC_PRSTATUS_MAX_SIZE], fp[FPREGSET_SIZE] = { 0 };
	uint8_t b[256];
	vmc_status st;

	/* s390_regs order: psw mask, addr, gprs[16], acrs[16] (orig_gpr2 0) */
	p.regs[0] = sa->psw[0];
	p.regs[1] = sa->psw[1];
	for (int i = 0; i < 16; i++) {
		p.regs[2 + i] = sa->gprs[i];
		p.regs[18 + i] = sa->acrs[i];
		vmc_put64(VMC_BE, fp + 8 + 8 * i, sa->fprs[i]);
	}
	vmc_put32(VMC_BE, fp, sa->fpc);
	st = vmc_prstatus_encode(l, VMC_BE, &p, pr, sizeof(pr), w->e);
	if (!st)
		st = note(w, "CORE", VMC_NT_PRSTATUS, pr, l->size);
	if (!st)
		st = note(w, "CORE", VMC_NT_PRFPREG, fp, sizeof(fp));
	if (!st)
		st = be64_note(w, VMC_NT_S390_TIMER, sa->timer);
	if (!st)
		st = be64_note(w, VMC_NT_S390_TODCMP, sa->todcmp);
	if (!st)
		st = be32_note(w, VMC_NT_S390_TODPREG, sa->todpreg);
	for (int i = 0; !st && i < 16; i++)
		vmc_put64(VMC_BE, b + 8 * i, sa->ctrs[i]);
	if (!st)
		st = note(w, "LINUX", VMC_NT_S390_CTRS, b, 128);
	if (!st)
		st = be32_note(w, VMC_NT_S390_PREFIX, sa->prefix);
	if (st || !vx)
		return st;
	/* HIGH before LOW, as the kernel writes them. */
	for (int i = 0; i < 16; i++) {
		if (sa->has_vx)
			memcpy(b + 16 * i, sa->vxrs_high[i], 16);
		else
			memset(b + 16 * i, 0, 16);
	}
	st = note(w, "LINUX", VMC_NT_S390_VXRS_HIGH, b, 256);
	for (int i = 0; !st && i < 16; i++)
		vmc_put64(VMC_BE, b + 8 * i, sa->has_vx ? sa->vxrs_low[i] : 0);
	if (!st)
		st = note(w, "LINUX", VMC_NT_S390_VXRS_LOW, b, 128);
	return st;
}

static vmc_status all_notes(struct w *w, const struct vmc_zfcpdump_opts *o,
			    const struct vmc_zfcpdump_oldmem *om)
{
	uint8_t ps[PRPSINFO_SIZE] = { 0 };
	uint32_t cpu = 1;
	vmc_status st;

	/* nt_prpsinfo */
	ps[PRPSINFO_SNAME] = 'R';
	memcpy(ps + PRPSINFO_FNAME, "vmlinux", 7);
	st = note(w, "CORE", VMC_NT_PRPSINFO, ps, sizeof(ps));
	for (size_t i = 0; !st && i < o->nr_cpus; i++)
		if (o->cpus[i].prefix)
			st = cpu_notes(w, cpu++, &o->cpus[i], o->has_vx);
	if (!st && om && om->vmci_from != VMC_ZFCPDUMP_VMCI_NONE)
		st = note(w, "VMCOREINFO", 0, om->vmci, om->vmci_len);
	if (!st && w->cap - w->used >= VMC_ELF_NHDR_SIZE) {
		/* nt_final: the buffer is zeroed */
		w->used += VMC_ELF_NHDR_SIZE;
	} else if (!st) {
		st = vmc_error_set(w->e, VMC_ERR_NOSPACE, "no room for the "
				   "final note");
	}
	return st;
}

static uint64_t os_value(const struct vmc_zfcpdump_oldmem *om, int nr)
{
	return om && om->have_os_info ? om->os_info.entry[nr].addr : 0;
}

static vmc_status check_opts(const struct vmc_zfcpdump_opts *o, vmc_error *e)
{
	if (!o || o->version != VMC_ZFCPDUMP_OPTS_VERSION ||
	    (o->nr_cpus && !o->cpus) || (o->nr_ranges && !o->ranges))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "invalid zfcpdump options");
	if (!o->nr_ranges)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "no memory ranges for the PT_LOADs");
	for (size_t i = 0; i < o->nr_ranges; i++) {
		const struct vmc_range *r = &o->ranges[i];

		if (r->end <= r->start || (i && r->start < r[-1].end))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "memory range %zu [0x%llx, 0x%llx) "
					     "is empty, unsorted or overlaps", i,
					     (unsigned long long)r->start,
					     (unsigned long long)r->end);
	}
	if (o->nr_ranges >= VMC_PN_XNUM - 2)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "%zu memory ranges do not fit e_phnum",
				     o->nr_ranges);
	return VMC_OK;
}

/* ehdr_init, text_init, loads_init; the PT_NOTE is filled later. */
static void fill_phdrs(struct vmc_phdr *ph, const struct vmc_zfcpdump_opts *o,
		       const struct vmc_zfcpdump_oldmem *om, bool text)
{
	uint64_t base = text ? os_value(om, VMC_S390_OS_INFO_IDENTITY_BASE)
			     : 0;
	size_t n = 1;

	ph[0].type = VMC_PT_NOTE;
	if (text) {
		uint64_t start = os_value(om, VMC_S390_OS_INFO_IMAGE_START);
		uint64_t end = os_value(om, VMC_S390_OS_INFO_IMAGE_END);
		uint64_t phys = os_value(om, VMC_S390_OS_INFO_IMAGE_PHYS);

		/* end - start as the kernel computes it, even backwards. */
		ph[n++] = (struct vmc_phdr){
			.type = VMC_PT_LOAD,
			.flags = VMC_PF_R | VMC_PF_W | VMC_PF_X,
			.offset = phys, .vaddr = start, .paddr = phys,
			.filesz = end - start, .memsz = end - start,
			.align = PAGE_SIZE,
		};
	}
	for (size_t i = 0; i < o->nr_ranges; i++) {
		const struct vmc_range *r = &o->ranges[i];

		ph[n++] = (struct vmc_phdr){
			.type = VMC_PT_LOAD,
			.flags = VMC_PF_R | VMC_PF_W | VMC_PF_X,
			.offset = r->start, .vaddr = base + r->start,
			.paddr = r->start,
			.filesz = r->end - r->start, .memsz = r->end - r->start,
			.align = PAGE_SIZE,
		};
	}
}

/* The sizes get_elfcorehdr_size computes, exactly (no slack): the
 * program headers' bytes and the notes'. */
struct plan {
	struct vmc_elfcore_spec spec;	/* its phdrs: ph */
	struct vmc_phdr *ph;		/* allocated: the caller frees it */
	bool text;		/* os_info has a KASLR offset */
	size_t cpus;		/* CPUs with a non-zero prefix */
	size_t nr_ph, hdr_len;
	uint64_t notes_len, total;
};

static vmc_status plan(const struct vmc_zfcpdump_opts *o,
		       const struct vmc_zfcpdump_oldmem *om, struct plan *p,
		       vmc_error *e)
{
	struct vmc_phdr *ph;
	vmc_status st = check_opts(o, e);

	if (st)
		return st;
	*p = (struct plan){
		.spec = VMC_ELFCORE_SPEC_INIT,
		.text = os_value(om, VMC_S390_OS_INFO_KASLR_OFFSET) != 0 };
	for (size_t i = 0; i < o->nr_cpus; i++)
		p->cpus += o->cpus[i].prefix != 0;
	p->nr_ph = 1 + p->text + o->nr_ranges;
	p->notes_len = vmc_note_size(5, PRPSINFO_SIZE) + VMC_ELF_NHDR_SIZE;
	if (p->cpus > UINT32_MAX || p->cpus > (UINT64_MAX >> 20))
		return vmc_error_set(e, VMC_ERR_RANGE, "too many CPUs");
	p->notes_len += p->cpus * cpu_notes_size(o->has_vx);
	if (om && om->vmci_from != VMC_ZFCPDUMP_VMCI_NONE)
		p->notes_len += vmc_note_size(11, (uint32_t)om->vmci_len);
	ph = vmc__calloc(p->nr_ph, sizeof(*ph));
	if (!ph)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	p->spec.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_BE, VMC_EM_S390 };
	p->spec.nr_phdrs = p->nr_ph;
	p->spec.phdrs = p->ph = ph;
	fill_phdrs(ph, o, om, p->text);
	st = vmc_elfcore_size(&p->spec, &p->hdr_len, e);
	if (!st && (add_overflows_u64(p->hdr_len, p->notes_len, &p->total) ||
		    p->total > SIZE_MAX || p->total > UINT64_MAX - o->hdr_addr))
		st = vmc_error_set(e, VMC_ERR_RANGE, "header too large");
	if (st) {
		vmc__free(ph);
		return st;
	}
	ph[0].offset = o->hdr_addr + p->hdr_len;
	ph[0].filesz = ph[0].memsz = p->notes_len;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_zfcpdump_build_size(
	const struct vmc_zfcpdump_opts *o, const struct vmc_zfcpdump_oldmem *om,
	size_t *size, vmc_error *e)
{
	struct plan p;
	vmc_status st = plan(o, om, &p, e);

	if (st)
		return st;
	vmc__free(p.ph);
	*size = (size_t)p.total;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_zfcpdump_build(const struct vmc_zfcpdump_opts *o,
					 const struct vmc_zfcpdump_oldmem *om,
					 void *buf, size_t cap,
					 struct vmc_zfcpdump_info *info,
					 vmc_error *e)
{
	struct w w = { .buf = buf, .e = e };
	struct plan p;
	vmc_status st = plan(o, om, &p, e);

	if (st)
		return st;
	if (cap < p.total) {
		st = vmc_error_set(e, VMC_ERR_NOSPACE, "header needs %llu "
				   "bytes, capacity is %zu",
				   (unsigned long long)p.total, cap);
		goto out;
	}
	w.cap = (size_t)p.total;
	memset(buf, 0, w.cap);
	st = vmc_elfcore_write(&p.spec, w.buf, w.cap, &w.used, e);
	if (!st)
		st = all_notes(&w, o, om);
	if (!st && w.used != w.cap)
		st = vmc_error_set(e, VMC_ERR_RANGE, "header sized %zu bytes, "
				   "wrote %zu", w.cap, w.used);
out:
	vmc__free(p.ph);
	if (st || !info)
		return st;
	info->nr_cpu_notes = p.cpus;
	info->nr_phdrs = p.nr_ph;
	info->has_text = p.text;
	info->identity_base =
		p.text ? os_value(om, VMC_S390_OS_INFO_IDENTITY_BASE) : 0;
	info->notes_off = p.hdr_len;
	info->notes_len = (size_t)p.notes_len;
	return VMC_OK;
}
