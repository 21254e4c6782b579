// SPDX-License-Identifier: MIT
/*
 * vmcorekit zfcpdump build|assemble: the ELF core header the s390
 * stand-alone dump kernel builds in its own memory, and the /proc/vmcore it
 * serves with it, from CPU save-area files, the HSA image and memory images
 * (docs/formats.md, "s390 zfcpdump").
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "zfcpdump"

struct zargs {
	bool assemble;
	const char *sa_dir, *hsa, *ranges_file;
	uint64_t hsa_size;
	bool have_hsa_size;
	struct dump_out w;
	vmc_physmem *pm;
	vmc_zfcpdump_cpus *cpus;
	vmc_ranges *ranges;
	struct vmc_zfcpdump_oldmem om;
};

static vmc_status opt_hsa_size(void *args, const char *arg, vmc_error *e)
{
	struct zargs *a = args;

	a->have_hsa_size = true;
	return vmc_parse_u64(arg, &a->hsa_size, e);
}

#define T struct zargs
static const struct opt opts[] = {
	OPT_SEC("Inputs:"),
	OPT_STR_(T, "save-areas", "DIR", sa_dir,
		 "CPU save areas: DIR/cpuN (512-byte store-status\n"
		 "save area, or an 8 KiB lowcore), DIR/cpuN.vx\n"
		 "(512 bytes, vector registers 0-31), N = 0, 1, ..\n"
		 "in the kernel's order; cpu0 is the boot CPU, and\n"
		 "without DIR/cpu0 its save area is read from old\n"
		 "memory at 0x1200 (the absolute lowcore)"),
	OPT_STR_(T, "hsa", "FILE", hsa, "the HSA image: physical [0, hsa-size)"),
	OPT_CALL_("hsa-size", "N", opt_hsa_size,
		  "bytes the HSA holds (default: FILE's size)"),
	OPT_INCLUDE_(T, pm, memory_opts),
	OPT_IN_(T, "ranges", "FILE", ranges_file,
		 "the old system's memory ranges, one RANGE per\n"
		 "line; default: what the memory options and the\n"
		 "HSA cover, merged"),
	OPT_SEC("Output:"),
	OPT_OUTPUT_(T, w.path, "write here ('-' for standard output)"),
	OPT_INCLUDE_(T, w, dump_out_opts),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit zfcpdump build    [inputs] -o ELFCOREHDR [--json]\n"
		 "       vmcorekit zfcpdump assemble [inputs] -o VMCORE "
		 "[output options]",
	.about =
"The s390 stand-alone dump (zfcpdump, NVMe dump) kernel builds the ELF core\n"
"header itself, in its own memory (arch/s390/kernel/crash_dump.c\n"
"elfcorehdr_alloc): a PT_NOTE with a PRPSINFO note, the register notes of\n"
"every CPU with a non-zero prefix and VMCOREINFO (found through os_info or\n"
"the lowcore in old memory), an optional kernel text PT_LOAD and one\n"
"PT_LOAD per memory range.  Physical memory below the HSA size comes from\n"
"the hypervisor save area (HSA), the rest from memory.  'build' writes that\n"
"header; 'assemble' serves /proc/vmcore with it, byte for byte.",
	.opts = opts,
	.footer = RANGE_HELP "\n" NUMBER_HELP "\n"
"--progress, --no-progress, --no-copy-range and --no-sparse are assemble\n"
"options.  Exit: 0 ok, 1 bad input (a save area, an overlap, uncovered\n"
"memory), 2 usage, 3 I/O.  A failure leaves no output file.",
};

static int parse_args(int argc, char **argv, struct zargs *a)
{
	int first, rc = opts_parse(&spec, a, argc, argv, &first);

	if (rc)
		return rc;
	if (first < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[first]);
	if (!a->w.path)
		return usage_error(CMD, "-o FILE is required");
	if (!a->assemble && (a->w.progress >= 0 || a->w.nocfr ||
			     a->w.nosparse))
		return usage_error(CMD, "--progress, --no-progress, "
				   "--no-copy-range and --no-sparse are "
				   "assemble options");
	if (a->have_hsa_size && !a->hsa)
		return usage_error(CMD, "--hsa-size needs --hsa FILE");
	return EXIT_OK;
}

/* The HSA in front of memory: physical [0, hsa_size). */
static vmc_status add_hsa(struct zargs *a, vmc_error *e)
{
	vmc_source *src;
	int fd;
	vmc_status st = mem_open_image(a->pm, a->hsa, &src, &fd, e);

	if (st)
		return st;
	if (!a->have_hsa_size)
		a->hsa_size = vmc_source_size(src);
	if (a->hsa_size == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "--hsa %s: the HSA "
				     "size is 0", a->hsa);
	st = vmc_physmem_overlay(a->pm, 0, a->hsa_size, src, 0, fd, e);
	if (st == VMC_ERR_INVALID || st == VMC_ERR_RANGE)
		e->status = st = VMC_ERR_CORRUPT;
	return st ? vmc_error_prefix(e, "--hsa %s", a->hsa) : VMC_OK;
}

/* The CPUs in the kernel's order, the boot CPU's save area from old memory
 * when no file gives it (vmc_zfcpdump_cpus_finish). */
static vmc_status collect_cpus(struct zargs *a, vmc_error *e)
{
	vmc_status st = vmc_zfcpdump_cpus_new(&a->cpus, e);

	if (!st && a->sa_dir)
		st = vmc_zfcpdump_cpus_read_dir(a->cpus, a->sa_dir, e);
	if (st)
		return st;
	st = vmc_zfcpdump_cpus_finish(a->cpus, a->pm, e);
	if (st == VMC_ERR_CORRUPT && a->sa_dir)	/* files that do not pair up */
		return vmc_error_prefix(e, "--save-areas %s", a->sa_dir);
	return st;
}

/* --ranges FILE, else every mapping (vmc_zfcpdump_ranges). */
static vmc_status collect_ranges(struct zargs *a, vmc_error *e)
{
	vmc_status st = vmc_ranges_new(&a->ranges, e);
	size_t len;
	char *text;

	if (st)
		return st;
	if (a->ranges_file) {
		text = slurp(a->ranges_file, 16 << 20, &len, e);
		if (!text)
			return e->status;
		st = vmc_parse_ranges_text(text, len, a->ranges, e);
		free(text);
		if (st) {
			e->status = VMC_ERR_CORRUPT;
			return vmc_error_prefix(e, "--ranges %s",
						a->ranges_file);
		}
	}
	return vmc_zfcpdump_ranges(a->ranges, a->ranges_file ? NULL : a->pm,
				   e);
}

static const char *vmci_from(enum vmc_zfcpdump_vmci v)
{
	return v == VMC_ZFCPDUMP_VMCI_OS_INFO ? "os_info"
	     : v == VMC_ZFCPDUMP_VMCI_LOWCORE ? "lowcore" : "none";
}

static void build_json(const struct zargs *a, size_t len,
		       const struct vmc_zfcpdump_info *in)
{
	const struct vmc_range *r = vmc_ranges_data(a->ranges);
	FILE *f = strcmp(a->w.path, "-") ? stdout : stderr;
	uint32_t pid = 1;
	struct json j;

	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "output", a->w.path);
	json_u64(&j, "size", len);
	json_u64(&j, "phnum", in->nr_phdrs);
	json_u64(&j, "notes_offset", in->notes_off);
	json_u64(&j, "notes_size", in->notes_len);
	if (a->hsa)
		json_hex(&j, "hsa_size", a->hsa_size);
	else
		json_null(&j, "hsa_size");
	json_bool(&j, "vector_registers", vmc_zfcpdump_cpus_has_vx(a->cpus));
	json_arr_begin(&j, "cpus");
	for (size_t i = 0; i < vmc_zfcpdump_cpus_count(a->cpus); i++) {
		const struct vmc_zfcpdump_cpu *c =
			vmc_zfcpdump_cpus_get(a->cpus, i);

		json_obj_begin(&j, NULL);
		json_u64(&j, "index", c->n);
		json_str(&j, "source", c->src);
		json_hex(&j, "prefix", c->sa.prefix);
		if (c->sa.prefix)
			json_u64(&j, "pr_pid", pid++);
		else
			json_null(&j, "pr_pid");
		json_hex(&j, "psw_mask", c->sa.psw[0]);
		json_hex(&j, "psw_addr", c->sa.psw[1]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "os_info");
	json_bool(&j, "found", a->om.have_os_info);
	if (a->om.have_os_info)
		json_hex(&j, "addr", a->om.os_info_addr);
	else
		json_str(&j, "why", a->om.os_info_why);
	json_obj_end(&j);
	json_obj_begin(&j, "vmcoreinfo");
	json_str(&j, "from", vmci_from(a->om.vmci_from));
	if (a->om.vmci_from) {
		json_hex(&j, "addr", a->om.vmci_addr);
		json_u64(&j, "size", a->om.vmci_len);
	} else {
		json_str(&j, "why", a->om.vmci_why);
	}
	json_obj_end(&j);
	json_bool(&j, "kernel_text", in->has_text);
	json_hex(&j, "identity_base", in->identity_base);
	json_arr_begin(&j, "ranges");
	for (size_t i = 0; i < vmc_ranges_count(a->ranges); i++) {
		json_obj_begin(&j, NULL);
		json_hex(&j, "start", r[i].start);
		json_hex(&j, "end", r[i].end);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_done(&j);
}

static void build_text(const struct zargs *a, size_t len,
		       const struct vmc_zfcpdump_info *in)
{
	FILE *f = strcmp(a->w.path, "-") ? stdout : stderr;

	fprintf(f, "%s: %zu bytes (zfcpdump, s390x): 1 PT_NOTE, %zu PT_LOAD; "
		"%zu of %zu CPUs with notes%s; VMCOREINFO from %s\n",
		a->assemble ? "header" : a->w.path, len, in->nr_phdrs - 1,
		in->nr_cpu_notes, vmc_zfcpdump_cpus_count(a->cpus),
		vmc_zfcpdump_cpus_has_vx(a->cpus) ? " (vector)" : "",
		vmci_from(a->om.vmci_from));
	fflush(f);
	if (!a->om.have_os_info)
		fprintf(stderr, "%s %s: note: %s\n", prog, CMD,
			a->om.os_info_why);
	if (!a->om.vmci_from)
		fprintf(stderr, "%s %s: warning: no VMCOREINFO note: %s\n",
			prog, CMD, a->om.vmci_why);
}

static int write_header(const struct zargs *a, const uint8_t *buf,
			size_t len, vmc_error *e)
{
	(void)e;
	return out_write_all(CMD, &a->w, buf, len);
}

static int assemble(const struct zargs *a, const uint8_t *hdr, size_t len,
		    vmc_error *e)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_hdr_source *hs = NULL;
	vmc_dump *d = NULL;
	int rc;

	o.machine = VMC_EM_S390;
	if (vmc_hdr_source_new_buffer(&hs, hdr, len, VMC_NOTES_IN_BUFFER,
				      a->pm, e) ||
	    vmc_dump_open(&d, hs, a->pm, &o, e)) {
		rc = fail(CMD, e);
		goto out;
	}
	/* Parsed: the kernel frees its header here (elfcorehdr_free). */
	vmc_hdr_source_close(hs);
	hs = NULL;
	rc = dump_write_out(CMD, &a->w, d, e);
out:
	vmc_dump_free(d);
	vmc_hdr_source_close(hs);
	return rc;
}

static int run(struct zargs *a, vmc_error *e)
{
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	struct vmc_zfcpdump_info in;
	uint8_t *hdr = NULL;
	size_t len;
	int rc;

	if ((a->hsa && add_hsa(a, e)) || collect_cpus(a, e) ||
	    collect_ranges(a, e) || vmc_zfcpdump_read_oldmem(&a->om, a->pm, e))
		return e->status == VMC_ERR_INVALID ? usage_error(CMD, "%s",
								  e->msg)
						    : fail(CMD, e);
	vmc_zfcpdump_cpus_opts(a->cpus, &o);
	o.ranges = vmc_ranges_data(a->ranges);
	o.nr_ranges = vmc_ranges_count(a->ranges);
	if (vmc_zfcpdump_build(&o, &a->om, &hdr, &len, &in, e))
		return fail(CMD, e);
	if (a->assemble) {
		if (!a->w.json)
			build_text(a, len, &in);
		rc = assemble(a, hdr, len, e);
	} else {
		rc = write_header(a, hdr, len, e);
		if (!rc && a->w.json)
			build_json(a, len, &in);
		else if (!rc)
			build_text(a, len, &in);
	}
	vmc_buf_free(hdr);
	return rc;
}

int cmd_zfcpdump(int argc, char **argv)
{
	struct zargs a = { .w = DUMP_OUT_INIT };
	vmc_error e = { 0 };
	int rc;

	if (argc < 2)
		return usage_error(CMD, "give a subcommand: build or assemble");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		opts_help(&spec, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "assemble"))
		a.assemble = true;
	else if (strcmp(argv[1], "build"))
		return usage_error(CMD, "unknown subcommand '%s' (build, "
				   "assemble)", argv[1]);
	if (vmc_physmem_new(&a.pm, &e))
		return fail(CMD, &e);
	rc = parse_args(argc - 1, argv + 1, &a);
	if (!rc)
		rc = run(&a, &e);
	vmc_zfcpdump_oldmem_free(&a.om);
	vmc_ranges_free(a.ranges);
	vmc_zfcpdump_cpus_free(a.cpus);
	vmc_physmem_free(a.pm);
	return rc < 0 ? EXIT_OK : rc;
}
