// SPDX-License-Identifier: MIT
/*
 * The ELF core header the fadump kernel builds for its /proc/vmcore
 * (Linux 6.12 arch/powerpc/kernel/fadump.c):
 *
 *   fadump_init_elfcore_header   ELF64, ELF_DATA, EM_PPC64, ET_CORE,
 *                                e_flags 2 (ELFv2) / 1 (ELFv1) / 0
 *   fadump_populate_elfcorehdr   PT_NOTE  CPU notes (filled in later by
 *                                         fadump_update_elfcore_header)
 *                                PT_NOTE  vmcoreinfo_raddr, vmcoreinfo_size
 *                                PT_LOAD  per boot-memory region:
 *                                         p_paddr = region, p_offset = its
 *                                         copy (boot_mem_dest_addr + sizes
 *                                         of the regions before it)
 *                                PT_LOAD  per memblock range above
 *                                         boot_mem_top, the reserved dump
 *                                         area cut out (two when inside)
 *   rtas_fadump_build_cpu_notes  NT_PRSTATUS "CORE" per CPU of the save
 *                                area in the crashed kernel's cpu_mask,
 *                                the crashing CPU's registers from the
 *                                crash info header; then final_note
 *
 * populate_elf_pt_load: p_flags RWX, p_vaddr = __va(start), p_align 0.
 * A memory range that lies wholly inside the reserved area gets no
 * populate_elf_pt_load call, yet e_phnum is incremented: the kernel leaves
 * a zeroed (PT_NULL) program header.  That is mirrored.
 *
 * fadump_setup_elfcorehdr_buf counts 2 + boot regions + memblock regions
 * and rounds up to a page; a split needs one more, which only the page
 * slack absorbs.  Here the count is exact.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmcorekit/fadump.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"
#include "base/warnings.h"
#include "elf/elf_class.h"

#define PAGE_OFFSET	0xc000000000000000ull	/* ppc64 __va() */
#define RWX		(VMC_PF_R | VMC_PF_W | VMC_PF_X)

/* fadump_init_elfcore_header writes an ELF64 header. */
static const struct elf_class *elf64(void)
{
	return vmc__elf_class(VMC_CLASS_64);
}

/* Pass 1 counts (buf NULL), pass 2 writes. */
struct emit {
	const struct vmc_fadump_build_opts *o;
	struct vmc_elf_id id;
	uint8_t *buf;
	size_t nr;			/* program headers so far */
	struct vmc_fadump_build_info *info;
};

/* A warning of the planning pass (@in NULL: the write pass, which has
 * already warned). */
__attribute__((format(printf, 3, 4)))
static vmc_status warn(struct vmc_fadump_build_info *in, vmc_error *e,
		       const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	if (!in)
		return VMC_OK;
	va_start(ap, fmt);
	st = vmc__vwarn(&in->warnings, 0, SIZE_MAX, e, fmt, ap);
	va_end(ap);
	return st;
}

static vmc_status emit(struct emit *x, const struct vmc_phdr *ph, vmc_error *e)
{
	const struct elf_class *c = elf64();

	if (x->buf) {
		vmc_status st = vmc_elf_encode_phdr(&x->id, ph, x->buf +
						    c->ehsz + x->nr * c->phsz,
						    c->phsz, e);
		if (st)
			return PREFIXED(st, e, "program header %zu", x->nr);
	}
	if (++x->nr >= VMC_PN_XNUM)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "over %u program headers (e_phnum is 16 "
				     "bits)", VMC_PN_XNUM - 1);
	return VMC_OK;
}

static vmc_status emit_load(struct emit *x, uint64_t start, uint64_t end,
			    uint64_t offset, vmc_error *e)
{
	struct vmc_phdr ph = {
		.type = VMC_PT_LOAD, .flags = RWX, .offset = offset,
		.vaddr = start + (x->o->page_offset ? x->o->page_offset
						    : PAGE_OFFSET),
		.paddr = start, .filesz = end - start, .memsz = end - start,
	};

	if (x->info)
		x->info->nr_loads++;
	return emit(x, &ph, e);
}

static uint64_t boot_mem_top(const struct vmc_fadump_build_opts *o)
{
	const struct vmc_fadump_boot_mem *l = &o->boot_mem[o->nr_boot_mem - 1];

	/* rtas_fadump_get_config: boot_memory_size + hole_size, which is the
	 * end of the last region when they are sorted from 0. */
	return l->start + l->size;
}

/* The memblock loop of fadump_populate_elfcorehdr. */
static vmc_status emit_memory(struct emit *x, vmc_error *e)
{
	const struct vmc_fadump_build_opts *o = x->o;
	const struct vmc_range *r = vmc_ranges_data(o->memory);
	uint64_t top = boot_mem_top(o), ra_start = o->reserved_start;
	uint64_t ra_end = ra_start + o->reserved_size;
	vmc_status st = VMC_OK;

	for (size_t i = 0; !st && i < vmc_ranges_count(o->memory); i++) {
		uint64_t ms = r[i].start, me = r[i].end;

		if (ms < top) {
			if (me <= top)
				continue;
			ms = top;
		}
		if (ra_start < me && ra_end > ms) {
			if (ms < ra_start && me > ra_end) {
				st = emit_load(x, ms, ra_start, ms, e);
				if (!st)
					st = emit_load(x, ra_end, me, ra_end, e);
				if (x->info)
					x->info->nr_splits++;
			} else if (ms < ra_start) {
				st = emit_load(x, ms, ra_start, ms, e);
			} else if (ra_end < me) {
				st = emit_load(x, ra_end, me, ra_end, e);
			} else {
				static const struct vmc_phdr null_ph;

				st = emit(x, &null_ph, e);
				if (x->info)
					x->info->nr_null++;
				if (!st)
					st = warn(x->info, e, "memory "
						  "0x%llx-0x%llx lies inside "
						  "the reserved area: the "
						  "kernel leaves a PT_NULL "
						  "program header for it",
						  (unsigned long long)ms,
						  (unsigned long long)me);
			}
		} else {
			st = emit_load(x, ms, me, ms, e);
		}
	}
	return st;
}

static vmc_status emit_phdrs(struct emit *x, uint64_t notes_off,
			     uint64_t notes_size, vmc_error *e)
{
	const struct vmc_fadump_build_opts *o = x->o;
	struct vmc_phdr cpu = { .type = VMC_PT_NOTE, .offset = notes_off,
				.paddr = notes_off, .filesz = notes_size,
				.memsz = notes_size };
	struct vmc_phdr vi = { .type = VMC_PT_NOTE,
			       .offset = o->hdr->vmcoreinfo_raddr,
			       .paddr = o->hdr->vmcoreinfo_raddr,
			       .filesz = o->hdr->vmcoreinfo_size,
			       .memsz = o->hdr->vmcoreinfo_size };
	uint64_t dest = o->boot_mem_dest;
	vmc_status st = emit(x, &cpu, e);

	if (!st)
		st = emit(x, &vi, e);
	for (size_t i = 0; !st && i < o->nr_boot_mem; i++) {
		const struct vmc_fadump_boot_mem *b = &o->boot_mem[i];

		st = emit_load(x, b->start, b->start + b->size, dest, e);
		dest += b->size;
	}
	return st ? st : emit_memory(x, e);
}

/*
 * Where firmware copies the boot regions: back to back from
 * boot_mem_dest_addr (rtas_fadump_init_mem_struct adds each region's size
 * to the destination); the capture kernel keeps only the destination of
 * the region at 0 (rtas_fadump_get_config) and places the PT_LOADs of
 * the others after it (fadump_populate_elfcorehdr).  A claimed
 * destination anywhere else would make the header point at other memory.
 */
static vmc_status check_dests(const struct vmc_fadump_boot_mem *b, size_t n,
			      uint64_t dest, vmc_error *e)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i].have_dest && b[i].dest != dest)
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "boot memory region %zu: "
					     "destination 0x%llx, but the kernel "
					     "places its copy at 0x%llx (after "
					     "the previous ones)", i,
					     (unsigned long long)b[i].dest,
					     (unsigned long long)dest);
		if (add_overflows_u64(dest, b[i].size, &dest))
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "boot memory copies wrap 2^64");
	}
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_fadump_boot_mem_dest(const struct vmc_fadump_boot_mem *b,
					       size_t n, uint64_t *dest,
					       vmc_error *e)
{
	vmc_status st;

	if (!n || !b[0].have_dest)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "boot memory region 0 needs its "
				     "destination, where firmware copied it");
	st = check_dests(b, n, b[0].dest, e);
	if (!st)
		*dest = b[0].dest;
	return st;
}

static vmc_status check_opts(const struct vmc_fadump_build_opts *o,
			     vmc_error *e)
{
	uint64_t prev_end = 0, total = 0, end;
	vmc_status st;
	const struct vmc_range *r;

	if (!o || o->version != VMC_FADUMP_BUILD_OPTS_VERSION || !o->hdr ||
	    !o->memory || (o->nr_boot_mem && !o->boot_mem))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "bad fadump build options");
	if (o->hdr->version < 1 || o->hdr->magic != VMC_FADUMP_MAGIC)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "the crash info header is not FADMPSIG "
				     "version >= 1 (the crashed kernel "
				     "built its own elfcorehdr)");
	if (!o->nr_boot_mem || o->nr_boot_mem > VMC_FADUMP_MAX_BOOT_MEM)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%zu boot memory regions; want 1 to %u",
				     o->nr_boot_mem, VMC_FADUMP_MAX_BOOT_MEM);
	if (o->boot_mem[0].start != 0)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "boot memory region 0 starts at 0x%llx; "
				     "the kernel takes boot_mem_dest_addr from "
				     "the region at 0",
				     (unsigned long long)o->boot_mem[0].start);
	for (size_t i = 0; i < o->nr_boot_mem; i++) {
		const struct vmc_fadump_boot_mem *b = &o->boot_mem[i];

		if (!b->size || b->start < prev_end)
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "boot memory region %zu (0x%llx, "
					     "0x%llx bytes): empty, unsorted "
					     "or overlapping", i,
					     (unsigned long long)b->start,
					     (unsigned long long)b->size);
		if (add_overflows_u64(b->start, b->size, &prev_end) ||
		    add_overflows_u64(total, b->size, &total))
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "boot memory region %zu wraps "
					     "2^64", i);
	}
	if (add_overflows_u64(o->boot_mem_dest, total, &end))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "boot memory copies wrap 2^64");
	st = check_dests(o->boot_mem, o->nr_boot_mem, o->boot_mem_dest, e);
	if (st)
		return st;
	if (!o->reserved_size)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "the reserved dump area is empty");
	if (add_overflows_u64(o->reserved_start, o->reserved_size, &end))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "the reserved dump area wraps 2^64");
	r = vmc_ranges_data(o->memory);
	for (size_t i = 1; i < vmc_ranges_count(o->memory); i++)
		if (r[i].start < r[i - 1].end)
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "memory ranges are not sorted and "
					     "disjoint (0x%llx after 0x%llx)",
					     (unsigned long long)r[i].start,
					     (unsigned long long)r[i - 1].end);
	if (o->abi > VMC_FADUMP_ABI_V2)
		return vmc_error_set(e, VMC_ERR_INVALID, "bad ELF ABI %d",
				     (int)o->abi);
	return VMC_OK;
}

/* Is the CPU-state entry @c written, and with which registers? */
static const uint64_t *cpu_regs(const struct vmc_fadump_header *h,
				const struct vmc_fadump_cpu_regs *c)
{
	if (!vmc_fadump_cpu_in_mask(h, c->cpu))
		return NULL;
	return h->crashing_cpu == c->cpu ? h->regs : c->regs;
}

/* How many CPU notes; warnings on the counting pass. */
static vmc_status count_cpus(const struct vmc_fadump_build_opts *o,
			     struct vmc_fadump_build_info *in, size_t *n,
			     vmc_error *e)
{
	const struct vmc_fadump_header *h = o->hdr;
	size_t cnt = vmc_fadump_cpu_state_count(o->cpu_state), k = 0;
	bool crashing_seen = false;

	for (size_t i = 0; i < cnt; i++) {
		const struct vmc_fadump_cpu_regs *c =
			vmc_fadump_cpu_state_get(o->cpu_state, i);

		if (c->cpu >= (uint64_t)h->cpu_mask_sz * 8 &&
		    warn(in, e, "save-area CPU %u is beyond the %u-bit "
			 "cpu_mask: skipped", c->cpu, h->cpu_mask_sz * 8))
			return VMC_ERR_NOMEM;
		if (!cpu_regs(h, c))
			continue;
		crashing_seen |= c->cpu == h->crashing_cpu;
		k++;
	}
	if (h->crashing_cpu != VMC_FADUMP_CPU_UNKNOWN && !crashing_seen &&
	    warn(in, e, "crashing CPU %u is not among the save area's CPUs "
		 "in cpu_mask: it has no note", h->crashing_cpu))
		return VMC_ERR_NOMEM;
	*n = k;
	return VMC_OK;
}

static vmc_status nr_cpu_notes(const struct vmc_fadump_build_opts *o,
			       struct vmc_fadump_build_info *in, size_t *n,
			       vmc_error *e)
{
	if (o->cpu_state)
		return count_cpus(o, in, n, e);
	/* opal_fadump_build_cpu_notes' fallback when CPU data is missing:
	 * the crashing CPU alone, or nothing to dump. */
	if (o->hdr->crashing_cpu == VMC_FADUMP_CPU_UNKNOWN)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "no CPU state data, and the crash info "
				     "header names no crashing CPU");
	if (warn(in, e, "no CPU state data: only the crashing CPU's "
		 "registers (from the crash info header)"))
		return VMC_ERR_NOMEM;
	*n = 1;
	return VMC_OK;
}

static const struct vmc_prstatus_layout *prstatus(void)
{
	return vmc_prstatus_layout(VMC_EM_PPC64, VMC_CLASS_64);
}

/* fadump_regs_to_elf_notes: a zero prstatus but pr_reg (ELF_CORE_COPY_REGS
 * copies min(sizeof(pt_regs) / 8, ELF_NGREG) longs, zeroes the rest). */
static vmc_status put_note(uint8_t *notes, size_t cap, size_t *used,
			   enum vmc_order order, const uint64_t *regs,
			   unsigned nr_regs, vmc_error *e)
{
	const struct vmc_prstatus_layout *l = prstatus();
	uint8_t desc[VMC_PRSTATUS_MAX_SIZE];
	struct vmc_prstatus p = { .nr_regs = nr_regs };
	vmc_status st;

	for (unsigned i = 0; i < nr_regs && i < VMC_FADUMP_NR_REGS; i++)
		p.regs[i] = regs[i];
	st = vmc_prstatus_encode(l, order, &p, desc, sizeof(desc), e);
	if (st)
		return st;
	return vmc_note_append(notes, cap, used, order, "CORE",
			       VMC_NT_PRSTATUS, desc, l->size, e);
}

static vmc_status write_notes(const struct vmc_fadump_build_opts *o,
			      uint8_t *notes, size_t cap, vmc_error *e)
{
	const struct vmc_fadump_header *h = o->hdr;
	enum vmc_order order = h->order;
	size_t used = 0, cnt;
	vmc_status st = VMC_OK;

	if (!o->cpu_state)
		return put_note(notes, cap, &used, order, h->regs, h->nr_regs,
				e);
	cnt = vmc_fadump_cpu_state_count(o->cpu_state);
	for (size_t i = 0; !st && i < cnt; i++) {
		const struct vmc_fadump_cpu_regs *c =
			vmc_fadump_cpu_state_get(o->cpu_state, i);
		const uint64_t *r = cpu_regs(h, c);

		if (r)
			st = put_note(notes, cap, &used, order, r,
				      r == h->regs ? h->nr_regs
						   : VMC_FADUMP_NR_REGS, e);
	}
	return st;
}

static vmc_status plan(const struct vmc_fadump_build_opts *o,
		       struct vmc_fadump_build_info *in, vmc_error *e)
{
	struct emit x = { .o = o, .info = in };
	size_t ncpu = 0;
	vmc_status st = check_opts(o, e);

	memset(in, 0, sizeof(*in));
	if (!st)
		st = nr_cpu_notes(o, in, &ncpu, e);
	if (!st)
		st = emit_phdrs(&x, 0, 0, e);
	if (st) {
		vmc_warnings_free(in->warnings);
		in->warnings = NULL;
		return st;
	}
	in->nr_phdrs = x.nr;
	in->nr_cpu_notes = ncpu;
	in->notes_offset = elf64()->ehsz + (uint64_t)x.nr * elf64()->phsz;
	/* One NT_PRSTATUS per CPU ("CORE" as in vmc_note_size), a terminator. */
	in->notes_size = (uint64_t)ncpu * vmc_note_size(5, prstatus()->size) +
			  VMC_ELF_NHDR_SIZE;
	in->size = (size_t)(in->notes_offset + in->notes_size);
	in->kernel_phdr_slots = 2 + o->nr_boot_mem +
				vmc_ranges_count(o->memory);
	in->e_flags = o->abi == VMC_FADUMP_ABI_V1 ? 1
		    : o->abi == VMC_FADUMP_ABI_V2 ? 2
		    : o->abi == VMC_FADUMP_ABI_NONE ? 0
		    : o->hdr->order == VMC_LE ? 2 : 1;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_fadump_build_size(const struct vmc_fadump_build_opts *o,
					    size_t *size, vmc_error *e)
{
	struct vmc_fadump_build_info in;
	vmc_status st = plan(o, &in, e);

	if (st)
		return st;
	vmc_warnings_free(in.warnings);	/* the build pass gives them */
	*size = in.size;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_fadump_build(const struct vmc_fadump_build_opts *o,
				       void *buf, size_t cap,
				       struct vmc_fadump_build_info *info,
				       vmc_error *e)
{
	struct vmc_fadump_build_info in;
	struct vmc_ehdr eh = { 0 };
	struct emit x = { .o = o, .buf = buf };
	vmc_status st = plan(o, &in, e);

	if (st)
		return st;
	if (!buf || cap < in.size) {
		vmc_warnings_free(in.warnings);
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "the header needs %zu bytes, capacity is "
				     "%zu", in.size, cap);
	}
	memset(buf, 0, in.size);
	x.id = (struct vmc_elf_id){ VMC_CLASS_64, o->hdr->order,
				    VMC_EM_PPC64 };
	eh.id = x.id;
	eh.type = VMC_ET_CORE;
	eh.version = VMC_EV_CURRENT;
	eh.phoff = elf64()->ehsz;
	eh.flags = in.e_flags;
	eh.ehsize = elf64()->ehsz;
	eh.phentsize = elf64()->phsz;
	eh.phnum = (uint32_t)in.nr_phdrs;
	st = vmc_elf_encode_ehdr(&eh, buf, cap, e);
	if (!st)
		st = emit_phdrs(&x, in.notes_offset, in.notes_size, e);
	/* final_note: the zero header after the notes is already there. */
	if (!st)
		st = write_notes(o, (uint8_t *)buf + in.notes_offset,
				 (size_t)in.notes_size, e);
	if (st) {
		memset(buf, 0, in.size);
		vmc_warnings_free(in.warnings);
		return st;
	}
	if (info)
		*info = in;
	else
		vmc_warnings_free(in.warnings);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_fadump_memory(vmc_ranges **out,
					const vmc_system *sys, vmc_error *e)
{
	const vmc_ranges *dt = vmc_system_dt_memory(sys);
	vmc_status st;

	/* memblock memory comes from the device tree on powerpc
	 * (early_init_dt_scan_memory); /proc/iomem's System RAM stands in
	 * for a system without one.  Adjacent regions merge (memblock_add). */
	if (dt && vmc_ranges_count(dt)) {
		st = vmc_ranges_copy(out, dt, e);
	} else if (vmc_system_iomem(sys)) {
		st = vmc_ranges_new(out, e);
		if (!st)
			st = vmc_iomem_system_ram(vmc_system_iomem(sys), *out, e);
		if (st) {
			vmc_ranges_free(*out);
			*out = NULL;
		}
	} else {
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "no device-tree memory nodes and no "
				     "proc/iomem");
	}
	if (!st)
		vmc_ranges_merge(*out);
	return st;
}
