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
	struct zfcp_src z;
	struct dump_out w;
};

#define T struct zargs
static const struct opt opts[] = {
	OPT_INCLUDE_(T, z, zfcp_src_opts),
	OPT_INCLUDE_(T, w, dump_write_opts),
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
"header; 'assemble' serves /proc/vmcore with it, byte for byte ('vmcorekit\n"
"mount zfcpdump' serves that file without writing it).",
	.opts = opts,
	.footer = RANGE_HELP "\n" NUMBER_HELP "\n"
"--progress, --no-progress, --no-copy-range and --no-sparse are assemble\n"
"options.  Exit: 0 ok, 1 bad input (a save area, an overlap, uncovered\n"
"memory), 2 usage, 3 I/O.  A failure leaves no output file.",
	.flags = OPTS_NO_OPERANDS | OPTS_NEED_OUTPUT,
};

static int parse_args(int argc, char **argv, struct zargs *a)
{
	int rc = opts_parse(&spec, a, argc, argv, NULL);

	if (rc)
		return rc;
	if (!a->assemble && (a->w.progress >= 0 || a->w.nocfr ||
			     a->w.nosparse))
		return usage_error(CMD, "--progress, --no-progress, "
				   "--no-copy-range and --no-sparse are "
				   "assemble options");
	return zfcp_src_check(&a->z);
}

static const char *vmci_from(enum vmc_zfcpdump_vmci v)
{
	return v == VMC_ZFCPDUMP_VMCI_OS_INFO ? "os_info"
	     : v == VMC_ZFCPDUMP_VMCI_LOWCORE ? "lowcore" : "none";
}

static void build_json(const struct zargs *a, size_t len,
		       const struct vmc_zfcpdump_info *in)
{
	const struct vmc_range *r = vmc_ranges_data(a->z.ranges);
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
	if (a->z.hsa)
		json_hex(&j, "hsa_size", a->z.hsa_size);
	else
		json_null(&j, "hsa_size");
	json_bool(&j, "vector_registers", vmc_zfcpdump_cpus_has_vx(a->z.cpus));
	json_arr_begin(&j, "cpus");
	for (size_t i = 0; i < vmc_zfcpdump_cpus_count(a->z.cpus); i++) {
		const struct vmc_zfcpdump_cpu *c =
			vmc_zfcpdump_cpus_get(a->z.cpus, i);

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
	json_bool(&j, "found", a->z.om.have_os_info);
	if (a->z.om.have_os_info)
		json_hex(&j, "addr", a->z.om.os_info_addr);
	else
		json_str(&j, "why", a->z.om.os_info_why);
	json_obj_end(&j);
	json_obj_begin(&j, "vmcoreinfo");
	json_str(&j, "from", vmci_from(a->z.om.vmci_from));
	if (a->z.om.vmci_from) {
		json_hex(&j, "addr", a->z.om.vmci_addr);
		json_u64(&j, "size", a->z.om.vmci_len);
	} else {
		json_str(&j, "why", a->z.om.vmci_why);
	}
	json_obj_end(&j);
	json_bool(&j, "kernel_text", in->has_text);
	json_hex(&j, "identity_base", in->identity_base);
	json_arr_begin(&j, "ranges");
	for (size_t i = 0; i < vmc_ranges_count(a->z.ranges); i++) {
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
		in->nr_cpu_notes, vmc_zfcpdump_cpus_count(a->z.cpus),
		vmc_zfcpdump_cpus_has_vx(a->z.cpus) ? " (vector)" : "",
		vmci_from(a->z.om.vmci_from));
	fflush(f);
	if (!a->z.om.have_os_info)
		fprintf(stderr, "%s %s: note: %s\n", prog, CMD,
			a->z.om.os_info_why);
	if (!a->z.om.vmci_from)
		fprintf(stderr, "%s %s: warning: no VMCOREINFO note: %s\n",
			prog, CMD, a->z.om.vmci_why);
}

static int write_header(const struct zargs *a, const uint8_t *buf,
			size_t len, vmc_error *e)
{
	(void)e;
	return out_write_all(CMD, &a->w, buf, len);
}

static int run(struct zargs *a, vmc_error *e)
{
	int rc = zfcp_src_build(&a->z, e);

	if (rc)
		return rc;
	/* The one warning of the header itself; the dump's own are counted
	 * by dump_write_out. */
	if (a->w.strict && !a->z.om.vmci_from) {
		fprintf(stderr, "%s %s: warning: no VMCOREINFO note: %s\n",
			prog, CMD, a->z.om.vmci_why);
		return strict_fail(CMD, 1, a->w.path);
	}
	if (a->assemble) {
		if (!a->w.json)
			build_text(a, a->z.hdr_len, &a->z.info);
		rc = zfcp_src_open_dump(&a->z, e);
		if (!rc)
			rc = dump_write_out(CMD, &a->w, a->z.d, e);
		return rc;
	}
	rc = write_header(a, a->z.hdr, a->z.hdr_len, e);
	if (!rc && a->w.json)
		build_json(a, a->z.hdr_len, &a->z.info);
	else if (!rc)
		build_text(a, a->z.hdr_len, &a->z.info);
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
	rc = zfcp_src_init(&a.z, CMD, &e);
	if (rc)
		return rc;
	rc = parse_args(argc - 1, argv + 1, &a);
	if (!rc)
		rc = run(&a, &e);
	zfcp_src_free(&a.z);
	return rc < 0 ? EXIT_OK : rc;
}
