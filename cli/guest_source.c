// SPDX-License-Identifier: MIT
/*
 * Which guest (guest_src_opts): its RAM, vCPU registers and VMCOREINFO, and
 * the vmc_dump `vmcorekit guest` writes from them.  `guest` and
 * `mount guest` include the same rows and open the same dump.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define PREFIXED(st, e, ...) (vmc_error_prefix((e), __VA_ARGS__), (st))

static vmc_status o_memory_elf(void *args, const char *arg, vmc_error *e)
{
	struct guest_src *g = args;

	if (g->elf)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "--memory-elf given twice");
	g->elf = arg;
	return mem_add_elf(g->pm, arg, e);
}

static vmc_status o_vi_addr(void *args, const char *arg, vmc_error *e)
{
	struct guest_src *g = args;

	g->have_vi_addr = true;
	return vmc_parse_u64(arg, &g->vi_addr, e);
}

#define T struct guest_src
const struct opt guest_src_opts[] = {
	OPT_SEC("Memory (repeatable; mappings must not overlap; e.g. QEMU's\n"
		"memory-backend-file, docs/formats.md):"),
	OPT_INCLUDE_(T, pm, memory_image_opts),
	OPT_INCLUDE_(T, pm, vmm_memory_opts),
	OPT_CALL_("memory-elf", "FILE",  o_memory_elf,
		  "an ELF dump (QEMU dump-guest-memory, a\n"
		  "cloud-hypervisor coredump): its memory, its\n"
		  "NT_PRSTATUS registers, its VMCOREINFO if any"),
	OPT_SEC("Guest state:"),
	OPT_IN_(T, "cpu-state", "FILE", cpu_state,
		"vCPU registers: QEMU's HMP 'info registers -a'\n"
		"output, verbatim, or the JSON of docs/formats.md\n"
		"18.2 ({\"vcpus\": [...]}); replaces --memory-elf's"),
	OPT_CALL_("vmcoreinfo-addr", "ADDR", o_vi_addr,
		  "physical address of the kernel's VMCOREINFO\n"
		  "note (/sys/kernel/vmcoreinfo's first field);\n"
		  "default: searched for in memory"),
	OPT_FLAG_(T, "no-direct-map", no_dmap,
		  "PT_LOAD p_vaddr 0 instead of the kernel's direct\n"
		  "map (found by walking the guest's page tables)"),
	{ 0 },
};
#undef T

int guest_src_init(struct guest_src *g, const char *cmd, vmc_error *e)
{
	memset(g, 0, sizeof(*g));
	g->cmd = cmd;
	g->spec = (struct vmc_guestcore_spec)VMC_GUESTCORE_SPEC_INIT;
	if (vmc_physmem_new(&g->pm, e))
		return fail(cmd, e);
	return EXIT_OK;
}

int guest_src_check(const struct guest_src *g)
{
	if (vmc_physmem_nr_maps(g->pm) == 0)
		return usage_error(g->cmd, "no memory: give --memory, "
				   "--memory-map, --memory-elf or "
				   "--cloud-hypervisor-snapshot");
	return EXIT_OK;
}

/* --memory-elf: its NT_PRSTATUS registers and its VMCOREINFO note. */
static vmc_status elf_state(struct guest_src *a, vmc_error *e)
{
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	vmc_status st;

	st = vmc_source_open_file(&src, a->elf, e);
	if (!st)
		st = vmc_elfcore_parse(&c, src, e);
	for (size_t i = 0; !st && i < vmc_elfcore_nr_phdrs(c); i++) {
		struct vmc_note_iter it;
		struct vmc_note n;
		uint8_t *seg;
		size_t len;

		if (vmc_elfcore_phdr(c, i)->type != VMC_PT_NOTE)
			continue;
		st = vmc_elfcore_read_segment(c, i, &seg, &len, e);
		if (st)
			break;
		if (!a->cpus && !a->cpu_state) {
			st = vmc_vcpus_from_notes(&a->cpus, seg, len, e);
			if (st == VMC_ERR_NOTFOUND)
				st = VMC_OK;
		}
		vmc_notes_iter_init(&it, seg, len, VMC_LE);
		while (!st && !a->vi && vmc_notes_next(&it, &n) == VMC_OK) {
			if (!vmc_note_name_is(&n, "VMCOREINFO"))
				continue;
			a->vi = malloc(n.descsz + 1);
			if (!a->vi) {
				st = vmc_error_set(e, VMC_ERR_NOMEM,
						   "out of memory");
				break;
			}
			memcpy(a->vi, n.desc, n.descsz);
			a->vi[n.descsz] = '\0';
			a->vi_len = n.descsz;
			a->vi_from = "the --memory-elf file's VMCOREINFO note";
		}
		vmc_buf_free(seg);
	}
	vmc_elfcore_free(c);
	vmc_source_close(src);
	return st ? PREFIXED(st, e, "--memory-elf %s", a->elf) : VMC_OK;
}

/*
 * VMCOREINFO that was given (--vmcoreinfo-addr, the --memory-elf note)
 * must describe this memory: its own page tables reach init_uts_ns and
 * the release there is its OSRELEASE.  A stale copy (an earlier boot) or
 * a forged page would otherwise give a vmcore that looks right and is not.
 */
static vmc_status check_vmcoreinfo(struct guest_src *a, vmc_error *e)
{
	vmc_guest_kernel *k = NULL;
	vmc_status st = vmc_guest_kernel_new(&k, a->pm, a->vi, a->vi_len, e);

	if (!st)
		st = vmc_guest_kernel_check(k, e);
	vmc_guest_kernel_free(k);
	return st ? PREFIXED(st, e, "VMCOREINFO from %s does not describe "
			     "this memory", a->vi_from) : VMC_OK;
}

/*
 * No VMCOREINFO given: search memory for it (vmc_guest_scan_new: every
 * page-aligned note or text copy, each checked against its own page
 * tables) and take the crashed kernel's (vmc_guest_scan_pick).
 */
static vmc_status scan_vmcoreinfo(struct guest_src *a, vmc_error *e)
{
	struct vmc_guest_scan_opts so = VMC_GUEST_SCAN_OPTS_INIT;
	const struct vmc_guest_vmci *c;
	vmc_guest_scan *s;
	char several[200];
	size_t idx;
	vmc_status st = vmc_guest_scan_new(&s, a->pm, &so, e);

	if (st)
		return PREFIXED(st, e, "searching memory for VMCOREINFO");
	st = vmc_guest_scan_pick(s, &idx, several, e);
	if (st) {
		vmc_guest_scan_free(s);
		return PREFIXED(st, e, "no usable VMCOREINFO in memory (give "
				"--vmcoreinfo-addr, or see vmcorekit dmesg "
				"--list)");
	}
	c = vmc_guest_scan_get(s, idx);
	if (several[0])
		fprintf(stderr, "%s %s: several kernels in memory: %s; using "
			"the crashed one\n", prog, a->cmd, several);
	a->vi = malloc(c->len + 1);
	if (!a->vi) {
		vmc_guest_scan_free(s);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	memcpy(a->vi, c->text, c->len + 1);
	a->vi_len = c->len;
	snprintf(a->vi_found, sizeof(a->vi_found), "a search of memory (%s "
		 "at 0x%llx)", c->form == VMC_GUEST_VMCI_NOTE ? "note" : "text",
		 (unsigned long long)c->paddr);
	a->vi_from = a->vi_found;
	vmc_guest_scan_free(s);
	return VMC_OK;
}

static vmc_status load_state(struct guest_src *a, vmc_error *e)
{
	vmc_status st;

	if (a->cpu_state) {
		size_t len, i = 0;
		char *t = slurp(a->cpu_state, 64 << 20, &len, e);

		if (!t)
			return e->status;
		while (i < len && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t'))
			i++;
		/* JSON (docs/formats.md 18.2) or QEMU's HMP text */
		if (i < len && t[i] == '{')
			st = vmc_vcpus_parse_json(&a->cpus, t, len, e);
		else
			st = vmc_vcpus_parse_qemu(&a->cpus, t, len, e);
		free(t);
		if (st)
			return PREFIXED(st, e, "--cpu-state %s", a->cpu_state);
	}
	if (a->elf && (st = elf_state(a, e)))
		return st;
	if (a->have_vi_addr) {
		char *t;
		size_t len;

		st = vmc_guestcore_vmcoreinfo_at(a->pm, a->vi_addr, &t, &len, e);
		if (st)
			return PREFIXED(st, e, "--vmcoreinfo-addr");
		free(a->vi);
		a->vi = malloc(len + 1);
		if (!a->vi) {
			vmc_buf_free(t);
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		}
		memcpy(a->vi, t, len + 1);
		vmc_buf_free(t);
		a->vi_len = len;
		a->vi_from = "--vmcoreinfo-addr";
	}
	if (!a->vi)
		return scan_vmcoreinfo(a, e);
	return check_vmcoreinfo(a, e);
}

/* Not found in the data (no VMCOREINFO, an unmapped address, a missing
 * key) is bad input, exit 1; a missing file (errno set) stays exit 3. */
static int data_fail(const char *cmd, vmc_error *e)
{
	if (e->status == VMC_ERR_NOTFOUND && !e->sys_errno)
		e->status = VMC_ERR_CORRUPT;
	return fail(cmd, e);
}

/* The memory mappings as RAM ranges, adjacent ones merged. */
static vmc_status ram_ranges(struct guest_src *a, vmc_error *e)
{
	size_t n = vmc_physmem_nr_maps(a->pm);

	a->ram = calloc(2 * n, sizeof(*a->ram));
	if (!a->ram)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		uint64_t s, t;
		bool zero;

		vmc_physmem_get_map(a->pm, i, &s, &t, &zero);
		if (a->nr_ram && a->ram[2 * a->nr_ram - 1] == s) {
			a->ram[2 * a->nr_ram - 1] = t;
			continue;
		}
		a->ram[2 * a->nr_ram] = s;
		a->ram[2 * a->nr_ram + 1] = t;
		a->nr_ram++;
	}
	return VMC_OK;
}

static void report(const struct guest_src *a)
{
	const struct vmc_guestcore_spec *s = &a->spec;
	char rel[80] = "?";

	vmc_vmcoreinfo_get(a->vi, a->vi_len, "OSRELEASE", rel, sizeof(rel));
	fprintf(stderr, "%s %s: Linux %s, VMCOREINFO from %s; %zu vCPU%s; "
		"%zu memory range%s", prog, a->cmd, rel, a->vi_from,
		vmc_vcpus_count(a->cpus), vmc_vcpus_count(a->cpus) == 1 ? "" : "s",
		a->nr_ram, a->nr_ram == 1 ? "" : "s");
	if (s->have_direct_map)
		fprintf(stderr, "; direct map at %#llx; kernel text %#llx+%#llx "
			"at %#llx\n", (unsigned long long)s->direct_map,
			(unsigned long long)s->text_vaddr,
			(unsigned long long)s->text_size,
			(unsigned long long)s->text_paddr);
	else
		fprintf(stderr, "; no direct map (p_vaddr 0)\n");
}

/* The direct map and kernel text, found by walking the guest's page
 * tables (unless --no-direct-map). */
static vmc_status find_maps(struct guest_src *a, vmc_error *e)
{
	struct vmc_guestcore_spec *s = &a->spec;

	if (a->no_dmap)
		return VMC_OK;
	if (vmc_guestcore_x86_64_direct_map(a->pm, a->vi, a->vi_len,
					    &s->direct_map, e))
		return e->status;
	s->have_direct_map = true;
	return vmc_guestcore_x86_64_kernel_text(a->pm, a->vi, a->vi_len,
						&s->text_vaddr, &s->text_paddr,
						&s->text_size, e);
}

int guest_src_open(struct guest_src *a, bool quiet, vmc_error *e)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;

	if (load_state(a, e) || ram_ranges(a, e))
		return data_fail(a->cmd, e);
	if (vmc_vcpus_count(a->cpus) == 0)
		fprintf(stderr, "%s %s: warning: no vCPU registers (give "
			"--cpu-state): the vmcore has no NT_PRSTATUS\n", prog,
			a->cmd);
	if (find_maps(a, e))
		return data_fail(a->cmd, e);
	a->spec.cpus = a->cpus;
	a->spec.vmcoreinfo = a->vi;
	a->spec.vmcoreinfo_len = a->vi_len;
	a->spec.ram = a->ram;
	a->spec.nr_ram = a->nr_ram;
	if (!quiet)
		report(a);
	o.machine = VMC_EM_X86_64;
	/* two passes: the size, then the header into our buffer */
	if (vmc_guestcore_header_size(&a->spec, &a->hdr_len, e) ||
	    (!(a->hdr = malloc(a->hdr_len)) &&
	     vmc_error_set(e, VMC_ERR_NOMEM, "out of memory")) ||
	    vmc_guestcore_header(&a->spec, a->hdr, a->hdr_len, &a->hdr_len,
				 e) ||
	    vmc_hdr_source_new_buffer(&a->hs, a->hdr, a->hdr_len,
				      VMC_NOTES_IN_BUFFER, a->pm, e) ||
	    vmc_dump_open(&a->d, a->hs, a->pm, &o, e))
		return fail(a->cmd, e);
	return EXIT_OK;
}

void guest_src_free(struct guest_src *a)
{
	vmc_dump_free(a->d);
	vmc_hdr_source_close(a->hs);
	free(a->hdr);
	vmc_vcpus_free(a->cpus);
	free(a->vi);
	free(a->ram);
	vmc_physmem_free(a->pm);
	memset(a, 0, sizeof(*a));
}
