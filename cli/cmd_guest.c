// SPDX-License-Identifier: MIT
/* vmcorekit guest: a vmcore from a guest's RAM and vCPU registers, with no
 * kdump kernel in the guest. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "guest"
#define PREFIXED(st, e, ...) (vmc_error_prefix((e), __VA_ARGS__), (st))

static void help(void)
{
	printf("Usage: %s guest (--memory FILE@PADDR ... | --memory-elf FILE)\n"
"                       [--cpu-state FILE] [--vmcoreinfo-addr ADDR] -o OUT\n"
"\n"
"Write an ELF vmcore that crash and drgn open from what a hypervisor holds\n"
"of a crashed or paused guest: its RAM and its vCPU registers. The guest\n"
"needs no crashkernel= reservation and no kdump kernel.\n"
"\n"
"Memory (repeatable; mappings must not overlap):\n"
"  --memory FILE@PADDR[,offset=N][,size=N]\n"
"                          a raw image mapped at physical PADDR, from file\n"
"                          offset N (default 0), N bytes (default: the rest);\n"
"                          e.g. QEMU's memory-backend-file (docs/formats.md)\n"
"  --memory-map FILE       one --memory spec per line ('#' comments)\n"
"  --memory-elf FILE       an ELF dump (QEMU dump-guest-memory, a\n"
"                          cloud-hypervisor coredump): its memory, its\n"
"                          NT_PRSTATUS registers, its VMCOREINFO if any\n"
"\n"
"Guest state:\n"
"  --cpu-state FILE        vCPU registers: QEMU's HMP 'info registers -a'\n"
"                          output, verbatim, or the JSON of docs/formats.md\n"
"                          18.2 ({\"vcpus\": [...]}); replaces --memory-elf's\n"
"  --vmcoreinfo-addr ADDR  physical address of the kernel's VMCOREINFO\n"
"                          note (/sys/kernel/vmcoreinfo's first field)\n"
"  --no-direct-map         PT_LOAD p_vaddr 0 instead of the kernel's direct\n"
"                          map (found by walking the guest's page tables)\n"
"\n"
"Output:\n"
"  -o, --output FILE       write here ('-' for standard output)\n"
"  --fsync                 fsync before renaming into place\n"
"  --progress | --no-progress\n"
"  --no-copy-range         do not use copy_file_range (nor splice)\n"
"  --no-sparse             write zeros instead of leaving holes\n"
"  --json                  print a JSON summary\n"
"  -h, --help              this text\n"
"\n"
"The vmcore has one NT_PRSTATUS per vCPU in vCPU order with pr_pid =\n"
"vCPU + 1 (as QEMU writes it), the VMCOREINFO note, and one PT_LOAD per\n"
"memory range, its data at the copy limit (holes kept).\n"
"\n"
"Exit: 0 ok, 1 bad input (registers, no VMCOREINFO, page tables), 2 usage,\n"
"3 I/O.  A failure leaves no output file.\n", prog);
}

enum { G_MEMORY = 256, G_MEMORY_MAP, G_MEMORY_ELF, G_CPU_STATE, G_VI_ADDR,
       G_NO_DMAP, G_FSYNC, G_PROGRESS, G_NO_PROGRESS, G_NO_CFR, G_NO_SPARSE,
       G_JSON };

static const struct option longopts[] = {
	{ "memory", required_argument, NULL, G_MEMORY },
	{ "memory-map", required_argument, NULL, G_MEMORY_MAP },
	{ "memory-elf", required_argument, NULL, G_MEMORY_ELF },
	{ "cpu-state", required_argument, NULL, G_CPU_STATE },
	{ "vmcoreinfo-addr", required_argument, NULL, G_VI_ADDR },
	{ "no-direct-map", no_argument, NULL, G_NO_DMAP },
	{ "fsync", no_argument, NULL, G_FSYNC },
	{ "progress", no_argument, NULL, G_PROGRESS },
	{ "no-progress", no_argument, NULL, G_NO_PROGRESS },
	{ "no-copy-range", no_argument, NULL, G_NO_CFR },
	{ "no-sparse", no_argument, NULL, G_NO_SPARSE },
	{ "json", no_argument, NULL, G_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

struct guest_args {
	vmc_physmem *pm;
	const char *elf, *cpu_state;
	uint64_t vi_addr;
	bool have_vi_addr, no_dmap;
	struct dump_out w;
	/* what was found */
	vmc_vcpus *cpus;
	char *vi;		/* VMCOREINFO text */
	size_t vi_len;
	const char *vi_from;
	uint64_t *ram;
	size_t nr_ram;
};

static int parse_args(int argc, char **argv, struct guest_args *a,
		      vmc_error *e)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		vmc_status st = VMC_OK;

		switch (c) {
		case G_MEMORY: st = mem_add_image(a->pm, optarg, e); break;
		case G_MEMORY_MAP: st = mem_add_map_file(a->pm, optarg, e); break;
		case G_MEMORY_ELF:
			if (a->elf)
				return usage_error(CMD, "--memory-elf given twice");
			a->elf = optarg;
			st = mem_add_elf(a->pm, optarg, e);
			break;
		case G_CPU_STATE: a->cpu_state = optarg; break;
		case G_VI_ADDR:
			st = vmc_parse_u64(optarg, &a->vi_addr, e);
			a->have_vi_addr = true;
			break;
		case G_NO_DMAP: a->no_dmap = true; break;
		case G_FSYNC: a->w.fsync = true; break;
		case G_PROGRESS: a->w.progress = 1; break;
		case G_NO_PROGRESS: a->w.progress = 0; break;
		case G_NO_CFR: a->w.nocfr = true; break;
		case G_NO_SPARSE: a->w.nosparse = true; break;
		case G_JSON: a->w.json = true; break;
		case 'o': a->w.path = optarg; break;
		case 'h': help(); return -1;
		default: return EXIT_USAGE;
		}
		if (st == VMC_ERR_INVALID || (st && c == G_VI_ADDR))
			return usage_error(CMD, "%s", e->msg);
		if (st)
			return fail(CMD, e);
	}
	if (optind < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!a->w.path)
		return usage_error(CMD, "-o FILE is required");
	if (vmc_physmem_nr_maps(a->pm) == 0)
		return usage_error(CMD, "no memory: give --memory, --memory-map "
				   "or --memory-elf");
	return EXIT_OK;
}

/* --memory-elf: its NT_PRSTATUS registers and its VMCOREINFO note. */
static vmc_status elf_state(struct guest_args *a, vmc_error *e)
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

static vmc_status load_state(struct guest_args *a, vmc_error *e)
{
	vmc_status st;

	if (a->cpu_state) {
		size_t len;
		char *t = slurp(a->cpu_state, 64 << 20, &len, e);

		if (!t)
			return e->status;
		size_t i = 0;

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
		return vmc_error_set(e, VMC_ERR_NOTFOUND,
				     "no VMCOREINFO: give --vmcoreinfo-addr "
				     "ADDR (the guest's /sys/kernel/vmcoreinfo)");
	return VMC_OK;
}

/* The memory mappings as RAM ranges, adjacent ones merged. */
static vmc_status ram_ranges(struct guest_args *a, vmc_error *e)
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

static void report(const struct guest_args *a, const struct vmc_guestcore_spec *s)
{
	char rel[80] = "?";

	if (a->w.json)
		return;
	vmc_vmcoreinfo_get(a->vi, a->vi_len, "OSRELEASE", rel, sizeof(rel));
	fprintf(stderr, "%s %s: Linux %s, VMCOREINFO from %s; %zu vCPU%s; "
		"%zu memory range%s", prog, CMD, rel, a->vi_from,
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

int cmd_guest(int argc, char **argv)
{
	struct guest_args a = { .w = DUMP_OUT_INIT };
	struct vmc_guestcore_spec spec = VMC_GUESTCORE_SPEC_INIT;
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_error e = { 0 };
	vmc_hdr_source *hs = NULL;
	vmc_dump *d = NULL;
	uint8_t *hdr = NULL;
	size_t hdr_len;
	int rc;

	if (vmc_physmem_new(&a.pm, &e))
		return fail(CMD, &e);
	rc = parse_args(argc, argv, &a, &e);
	if (rc)
		goto out;
	if (load_state(&a, &e) || ram_ranges(&a, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	if (vmc_vcpus_count(a.cpus) == 0)
		fprintf(stderr, "%s %s: warning: no vCPU registers (give "
			"--cpu-state): the vmcore has no NT_PRSTATUS\n", prog,
			CMD);
	if (!a.no_dmap) {
		if (vmc_guestcore_x86_64_direct_map(a.pm, a.vi, a.vi_len,
						    &spec.direct_map, &e)) {
			rc = fail(CMD, &e);
			goto out;
		}
		spec.have_direct_map = true;
		if (vmc_guestcore_x86_64_kernel_text(a.pm, a.vi, a.vi_len,
						     &spec.text_vaddr,
						     &spec.text_paddr,
						     &spec.text_size, &e)) {
			rc = fail(CMD, &e);
			goto out;
		}
	}
	spec.cpus = a.cpus;
	spec.vmcoreinfo = a.vi;
	spec.vmcoreinfo_len = a.vi_len;
	spec.ram = a.ram;
	spec.nr_ram = a.nr_ram;
	report(&a, &spec);
	o.machine = VMC_EM_X86_64;
	if (vmc_guestcore_header(&spec, &hdr, &hdr_len, &e) ||
	    vmc_hdr_source_new_buffer(&hs, hdr, hdr_len, VMC_NOTES_IN_BUFFER,
				      a.pm, &e) ||
	    vmc_dump_open(&d, hs, a.pm, &o, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	rc = dump_write_out(CMD, &a.w, d, &e);
out:
	vmc_dump_free(d);
	vmc_hdr_source_close(hs);
	vmc_buf_free(hdr);
	vmc_vcpus_free(a.cpus);
	free(a.vi);
	free(a.ram);
	vmc_physmem_free(a.pm);
	return rc < 0 ? EXIT_OK : rc;
}
