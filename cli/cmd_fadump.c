// SPDX-License-Identifier: MIT
/* vmcorekit fadump: the powerpc firmware-assisted dump's capture side --
 * judge a crash info header, decode a register save area, build the
 * elfcorehdr the fadump kernel builds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

#define CMD "fadump"
#define MAX_HEADER (1u << 20)
#define MAX_CPU_STATE (64u << 20)
#define MAX_RANGES (256u << 20)

struct fa_args {
	const char *sub, *header, *ranges, *sysroot, *cpu_state;
	struct dump_out w;	/* build: -o, --force, --no-clobber, --fsync */
	const char *input;		/* check, cpu-state */
	struct vmc_fadump_capture cap;
	struct vmc_fadump_boot_mem boot[VMC_FADUMP_MAX_BOOT_MEM];
	size_t nr_boot;
	uint64_t rsv_start, rsv_size, page_offset;
	bool have_rsv, json;
	enum vmc_fadump_elf_abi abi;
};

/* "A:B" or "A:B:C" of numbers. */
static vmc_status parse_fields(const char *s, uint64_t *v, int min, int max,
			       int *n, vmc_error *e)
{
	char buf[160], *p = buf, *colon;

	if (strlen(s) >= sizeof(buf))
		return vmc_error_set(e, VMC_ERR_INVALID, "'%s' is too long", s);
	strcpy(buf, s);
	for (*n = 0; p; p = colon ? colon + 1 : NULL) {
		colon = strchr(p, ':');
		if (colon)
			*colon = '\0';
		if (*n == max)
			break;
		if (vmc_parse_u64(p, &v[(*n)++], e))
			return vmc_error_prefix(e, "'%s'", s);
	}
	if (p || *n < min)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "'%s': want %s", s, max == 2 ? "START:SIZE"
				     : "START:SIZE[:DEST]");
	return VMC_OK;
}

static vmc_status add_boot_mem(void *args, const char *s, vmc_error *e)
{
	struct fa_args *a = args;
	uint64_t v[3];
	int n;
	vmc_status st = parse_fields(s, v, 2, 3, &n, e);

	if (st)
		return st;
	if (a->nr_boot == VMC_FADUMP_MAX_BOOT_MEM)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "more than %u --boot-mem regions",
				     VMC_FADUMP_MAX_BOOT_MEM);
	a->boot[a->nr_boot++] = (struct vmc_fadump_boot_mem){
		.start = v[0], .size = v[1], .have_dest = n == 3,
		.dest = n == 3 ? v[2] : 0 };
	return VMC_OK;
}

static vmc_status opt_endian(void *args, const char *arg, vmc_error *e)
{
	struct fa_args *a = args;

	if (!strcmp(arg, "little"))
		a->cap.order = VMC_LE;
	else if (!strcmp(arg, "big"))
		a->cap.order = VMC_BE;
	else
		return vmc_error_set(e, VMC_ERR_INVALID, "--endian little|big");
	return VMC_OK;
}

static vmc_status parse_size32(const char *arg, uint32_t *out, vmc_error *e)
{
	uint64_t v;
	vmc_status st = vmc_parse_u64(arg, &v, e);

	if (!st && (v == 0 || v > UINT32_MAX))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%s: size out of range", arg);
	if (!st)
		*out = (uint32_t)v;
	return st;
}

static vmc_status opt_pt_regs(void *args, const char *arg, vmc_error *e)
{
	return parse_size32(arg, &((struct fa_args *)args)->cap.pt_regs_size,
			    e);
}

static vmc_status opt_cpumask(void *args, const char *arg, vmc_error *e)
{
	return parse_size32(arg, &((struct fa_args *)args)->cap.cpumask_size,
			    e);
}

static vmc_status opt_reserved(void *args, const char *arg, vmc_error *e)
{
	struct fa_args *a = args;
	uint64_t v[2];
	int n;
	vmc_status st = parse_fields(arg, v, 2, 2, &n, e);

	a->rsv_start = v[0];
	a->rsv_size = v[1];
	a->have_rsv = true;
	return st;
}

static vmc_status opt_abi(void *args, const char *arg, vmc_error *e)
{
	struct fa_args *a = args;

	if (!strcmp(arg, "v1"))
		a->abi = VMC_FADUMP_ABI_V1;
	else if (!strcmp(arg, "v2"))
		a->abi = VMC_FADUMP_ABI_V2;
	else if (!strcmp(arg, "none"))
		a->abi = VMC_FADUMP_ABI_NONE;
	else
		return vmc_error_set(e, VMC_ERR_INVALID, "--elf-abi v1|v2|none");
	return VMC_OK;
}

#define T struct fa_args
static const struct opt opts[] = {
	OPT_SEC("Capture kernel (check, build):"),
	OPT_CALL_("endian", "little|big", opt_endian,
		  "its byte order; a header in the other order is\n"
		  "rejected (default: detect it from the magic)"),
	OPT_CALL_("capture-pt-regs-size", "N", opt_pt_regs,
		  "its sizeof(struct pt_regs) (default 384)"),
	OPT_CALL_("capture-cpumask-size", "N", opt_cpumask,
		  "its sizeof(struct cpumask) (default 256,\nNR_CPUS 2048)"),
	OPT_STR_(T, "capture-release", "R", cap.release,
		 "its release (uname -r)"),
	OPT_STR_(T, "crashed-release", "R", cap.crashed_release,
		 "the crashed kernel's; a difference warns"),
	OPT_SEC("Build inputs:"),
	OPT_IN_(T, "header", "FILE", header, "the crash info header"),
	OPT_CALL_("boot-mem", "START:SIZE[:DEST]", add_boot_mem,
		  "a boot memory region and where firmware\n"
		  "copied it (repeatable, in order, the first at\n"
		  "0 with DEST; later copies follow the earlier)"),
	OPT_CALL_("reserved", "START:SIZE", opt_reserved,
		  "the reserved dump area"),
	OPT_IN_(T, "ranges", "FILE", ranges,
		 "memory ranges (memblock), one RANGE per line"),
	OPT_STR_(T, "sysroot", "DIR", sysroot,
		 "memory from DIR/proc/device-tree memory nodes,\n"
		 "else DIR/proc/iomem System RAM (merged)"),
	OPT_IN_(T, "cpu-state", "FILE", cpu_state,
		 "the register save area (default: only the\n"
		 "crashing CPU, from the header)"),
	OPT_CALL_("elf-abi", "v1|v2|none", opt_abi,
		  "e_flags 1, 2 or 0 (default: v2 little-endian,\n"
		  "v1 big-endian)"),
	OPT_U64_(T, "page-offset", "ADDR", page_offset,
		 "p_vaddr = p_paddr + ADDR (0xc000000000000000)"),
	OPT_SEC("Output:"),
	OPT_OUTPUT_(T, w.path, "build: write here ('-' for standard output)"),
	OPT_INCLUDE_(T, w, output_opts),
	OPT_FLAG_(T, "json", json, "print a JSON report"),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage =
"vmcorekit fadump check HEADER [options]\n"
"       vmcorekit fadump cpu-state FILE [--json]\n"
"       vmcorekit fadump build --header FILE --boot-mem START:SIZE[:DEST] ...\n"
"                         --reserved START:SIZE (--ranges FILE | --sysroot DIR)\n"
"                         [--cpu-state FILE] -o ELFCOREHDR [options]",
	.about =
"powerpc firmware-assisted dump, the capture (fadump) kernel's side\n"
"(arch/powerpc/kernel/fadump.c, Linux >= 6.9).\n"
"\n"
"check: decode the crash info header (struct fadump_crash_info_header,\n"
"version 1 \"FADMPSIG\" or version 0 \"FADMPINF\") and judge it as\n"
"is_fadump_header_compatible does.  Exit 0 compatible, 1 rejected.\n"
"cpu-state: decode the firmware's register save area (RTAS CPU state data).\n"
"build: write the ELF core header the fadump kernel builds, with the CPU\n"
"notes inside the file; 'vmcorekit assemble --elfcorehdr-newmem' reads it.",
	.opts = opts,
	.flags = OPTS_ONE_OPERAND,
	.footer = RANGE_HELP "\n"
		  "Exit: 0 ok, 1 bad input or a rejected header, 2 usage, "
		  "3 I/O.",
};

static int parse_args(int argc, char **argv, struct fa_args *a)
{
	int first, rc = opts_parse(&spec, a, argc, argv, &first);

	if (rc)
		return rc;
	if (first < argc)
		a->input = argv[first];
	return EXIT_OK;
}

/* ---- check ---- */


static void json_regs(struct json *j, const char *key, const uint64_t *r,
		      unsigned n)
{
	const struct vmc_prstatus_layout *l =
		vmc_prstatus_layout(VMC_EM_PPC64, VMC_CLASS_64);

	json_obj_begin(j, key);
	for (unsigned i = 0; i < n && i < l->nr_regs; i++)
		json_hex(j, l->names[i], r[i]);
	json_obj_end(j);
}

static const char *order_name(enum vmc_order o)
{
	return o == VMC_LE ? "little" : "big";
}

static void check_json(const struct fa_args *a, const struct vmc_fadump_check *c)
{
	const struct vmc_fadump_header *h = &c->hdr;
	char cpus[4096];
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "file", a->input);
	json_str(&j, "verdict", vmc_fadump_verdict_name(c->verdict));
	json_bool(&j, "compatible", c->verdict == VMC_FADUMP_COMPATIBLE);
	json_str(&j, "message", c->message);
	if (c->order_known)
		json_str(&j, "endian", order_name(c->order));
	else
		json_null(&j, "endian");
	json_bool(&j, "endian_detected", c->order_detected);
	if (c->order_known)
		json_hex(&j, "magic", h->magic);
	json_bool(&j, "decoded", c->decoded);
	if (c->order_known && (c->decoded ||
			       c->verdict == VMC_FADUMP_SIZE_MISMATCH)) {
		json_u64(&j, "version", h->version);
		if (h->crashing_cpu == VMC_FADUMP_CPU_UNKNOWN)
			json_null(&j, "crashing_cpu");
		else
			json_u64(&j, "crashing_cpu", h->crashing_cpu);
		if (h->version == 0) {
			json_hex(&j, "elfcorehdr_addr", h->elfcorehdr_addr);
		} else {
			json_hex(&j, "vmcoreinfo_raddr", h->vmcoreinfo_raddr);
			json_u64(&j, "vmcoreinfo_size", h->vmcoreinfo_size);
		}
		json_u64(&j, "pt_regs_sz", h->pt_regs_sz);
		json_u64(&j, "cpu_mask_sz", h->cpu_mask_sz);
	}
	if (c->decoded) {
		json_u64(&j, "size", h->size);
		vmc_fadump_cpu_list(h, cpus, sizeof(cpus));
		json_str(&j, "cpus", cpus);
		json_regs(&j, "regs", h->regs, h->nr_regs);
	}
	json_arr_begin(&j, "warnings");
	json_warning_items(&j, c->warnings);
	json_arr_end(&j);
	json_obj_end(&j);
	json_done(&j);
}

static void check_text(const struct fa_args *a, const struct vmc_fadump_check *c)
{
	const struct vmc_fadump_header *h = &c->hdr;
	char cpus[4096];

	printf("%s: ", a->input);
	if (!c->order_known)
		printf("no fadump crash info header magic\n");
	else
		printf("fadump crash info header, magic %s, %s-endian%s\n",
		       h->magic == VMC_FADUMP_MAGIC_OLD ? "FADMPINF (version 0)"
		       : "FADMPSIG", order_name(c->order),
		       c->order_detected ? " (detected)" : "");
	if (c->decoded) {
		vmc_fadump_cpu_list(h, cpus, sizeof(cpus));
		printf("  version %u, %zu bytes, crashing CPU ", h->version,
		       h->size);
		if (h->crashing_cpu == VMC_FADUMP_CPU_UNKNOWN)
			printf("unknown");
		else
			printf("%u", h->crashing_cpu);
		printf(", CPUs %s\n", cpus[0] ? cpus : "none");
		if (h->version == 0)
			printf("  elfcorehdr at 0x%llx (built by the crashed "
			       "kernel)\n",
			       (unsigned long long)h->elfcorehdr_addr);
		else
			printf("  vmcoreinfo at 0x%llx, %llu bytes\n",
			       (unsigned long long)h->vmcoreinfo_raddr,
			       (unsigned long long)h->vmcoreinfo_size);
		printf("  pt_regs %u bytes, cpumask %u bytes; nip 0x%llx, "
		       "r1 0x%llx, msr 0x%llx\n", h->pt_regs_sz,
		       h->cpu_mask_sz, (unsigned long long)h->regs[32],
		       (unsigned long long)h->regs[1],
		       (unsigned long long)h->regs[33]);
	}
	printf("verdict: %s%s%s\n", vmc_fadump_verdict_name(c->verdict),
	       c->verdict == VMC_FADUMP_COMPATIBLE ? "" : ": ",
	       c->verdict == VMC_FADUMP_COMPATIBLE ? "" : c->message);
	for (size_t i = 0; i < vmc_warnings_count(c->warnings); i++)
		printf("warning: %s\n", vmc_warnings_get(c->warnings, i)->msg);
}

static int run_check(struct fa_args *a, vmc_error *e)
{
	struct vmc_fadump_check c;
	size_t len, nr_warn;
	char *buf;

	if (!a->input)
		return usage_error(CMD, "check: give the header file");
	buf = slurp(a->input, MAX_HEADER, &len, e);
	if (!buf)
		return fail(CMD, e);
	if (vmc_fadump_check(buf, len, &a->cap, &c, e)) {
		free(buf);
		return usage_error(CMD, "%s", e->msg);
	}
	if (a->json)
		check_json(a, &c);
	else
		check_text(a, &c);
	free(buf);
	nr_warn = vmc_warnings_count(c.warnings);
	vmc_warnings_free(c.warnings);
	if (c.verdict != VMC_FADUMP_COMPATIBLE)
		return EXIT_DATA;
	return a->w.strict && nr_warn ? strict_fail(CMD, nr_warn, NULL)
				      : EXIT_OK;
}

/* ---- cpu-state ---- */

static int run_cpu_state(struct fa_args *a, vmc_error *e)
{
	vmc_fadump_cpu_state *s;
	size_t len, n;
	char *buf;
	struct json j;

	if (!a->input)
		return usage_error(CMD, "cpu-state: give the save-area file");
	buf = slurp(a->input, MAX_CPU_STATE, &len, e);
	if (!buf)
		return fail(CMD, e);
	if (vmc_fadump_cpu_state_parse(&s, buf, len, e)) {
		free(buf);
		vmc_error_prefix(e, "%s", a->input);
		return fail(CMD, e);
	}
	n = vmc_fadump_cpu_state_count(s);
	if (a->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "file", a->input);
		json_u64(&j, "version", vmc_fadump_cpu_state_version(s));
		json_arr_begin(&j, "cpus");
	} else {
		printf("%s: register save area version %u, %zu CPUs\n",
		       a->input, vmc_fadump_cpu_state_version(s), n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct vmc_fadump_cpu_regs *c =
			vmc_fadump_cpu_state_get(s, i);

		if (!a->json) {
			printf("  CPU %u: %u entries (%u ignored); nip 0x%llx, "
			       "r1 0x%llx, msr 0x%llx, lr 0x%llx\n", c->cpu,
			       c->nr_entries, c->nr_unknown,
			       (unsigned long long)c->regs[32],
			       (unsigned long long)c->regs[1],
			       (unsigned long long)c->regs[33],
			       (unsigned long long)c->regs[36]);
			continue;
		}
		json_obj_begin(&j, NULL);
		json_u64(&j, "cpu", c->cpu);
		json_u64(&j, "entries", c->nr_entries);
		json_u64(&j, "ignored", c->nr_unknown);
		json_regs(&j, "regs", c->regs, VMC_FADUMP_NR_REGS);
		json_obj_end(&j);
	}
	if (a->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_done(&j);
	}
	vmc_fadump_cpu_state_free(s);
	free(buf);
	return EXIT_OK;
}

/* ---- build ---- */

struct build_in {
	char *hdr_buf, *cs_buf;
	size_t hdr_len, cs_len;
	struct vmc_fadump_check chk;
	vmc_fadump_cpu_state *cs;
	vmc_ranges *mem;
	vmc_system *sys;
};

static void build_in_free(struct build_in *b)
{
	free(b->hdr_buf);
	free(b->cs_buf);
	vmc_fadump_cpu_state_free(b->cs);
	vmc_ranges_free(b->mem);
	vmc_system_free(b->sys);
	vmc_warnings_free(b->chk.warnings);
}

static vmc_status load_memory(const struct fa_args *a, struct build_in *b,
			      vmc_error *e)
{
	size_t len;
	char *text;
	vmc_status st = vmc_ranges_new(&b->mem, e);

	if (!st && a->ranges) {
		text = slurp(a->ranges, MAX_RANGES, &len, e);
		if (!text)
			return e->status;
		st = vmc_parse_ranges_text(text, len, b->mem, e);
		free(text);
		if (st)
			return vmc_error_prefix(e, "%s", a->ranges);
		vmc_ranges_sort(b->mem);
		return VMC_OK;
	}
	if (!st && access(a->sysroot, R_OK | X_OK) != 0)
		return vmc_error_set_errno(e, VMC_ERR_NOTFOUND, errno,
					   "sysroot %s: %s", a->sysroot,
					   strerror(errno));
	if (!st)
		st = vmc_system_new(&b->sys, e);
	if (!st)
		st = vmc_system_read(b->sys, a->sysroot, e);
	if (st)
		return st;
	vmc_ranges_free(b->mem);
	b->mem = NULL;
	st = vmc_fadump_memory(&b->mem, b->sys, e);
	return st == VMC_ERR_NOTFOUND ? vmc_error_prefix(e, "%s", a->sysroot)
				      : st;
}

static int load_build_inputs(struct fa_args *a, struct build_in *b,
			     vmc_error *e)
{
	b->hdr_buf = slurp(a->header, MAX_HEADER, &b->hdr_len, e);
	if (!b->hdr_buf)
		return fail(CMD, e);
	if (vmc_fadump_check(b->hdr_buf, b->hdr_len, &a->cap, &b->chk, e))
		return usage_error(CMD, "%s", e->msg);
	if (!a->json)
		print_warnings(CMD, a->header, b->chk.warnings);
	if (b->chk.verdict != VMC_FADUMP_COMPATIBLE) {
		fprintf(stderr, "%s %s: %s: rejected (%s): %s\n", prog, CMD,
			a->header, vmc_fadump_verdict_name(b->chk.verdict),
			b->chk.message);
		return EXIT_DATA;
	}
	if (a->cpu_state) {
		b->cs_buf = slurp(a->cpu_state, MAX_CPU_STATE, &b->cs_len, e);
		if (!b->cs_buf)
			return fail(CMD, e);
		if (vmc_fadump_cpu_state_parse(&b->cs, b->cs_buf, b->cs_len, e)) {
			vmc_error_prefix(e, "%s", a->cpu_state);
			return fail(CMD, e);
		}
	}
	if (load_memory(a, b, e))
		return fail(CMD, e);
	return EXIT_OK;
}

static void build_report(const struct fa_args *a, const struct build_in *b,
			 const struct vmc_fadump_build_info *in)
{
	FILE *f = strcmp(a->w.path, "-") ? stdout : stderr;
	const char *arch = b->chk.hdr.order == VMC_LE ? "ppc64le" : "ppc64";
	struct json j;

	if (!a->json) {
		print_warnings(CMD, NULL, in->warnings);
		if (f == stdout)
			printf("%s: %zu bytes (fadump, %s): 2 PT_NOTE, %zu "
			       "PT_LOAD%s; %zu CPU notes; e_flags %u\n",
			       a->w.path, in->size, arch, in->nr_loads,
			       in->nr_null ? ", PT_NULL for ranges inside "
					     "the reserved area" : "",
			       in->nr_cpu_notes, in->e_flags);
		return;
	}
	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "output", a->w.path);
	json_u64(&j, "size", in->size);
	json_str(&j, "arch", arch);
	json_str(&j, "endian", order_name(b->chk.hdr.order));
	json_u64(&j, "e_flags", in->e_flags);
	json_u64(&j, "phnum", in->nr_phdrs);
	json_u64(&j, "pt_load", in->nr_loads);
	json_u64(&j, "pt_null", in->nr_null);
	json_u64(&j, "splits", in->nr_splits);
	json_u64(&j, "kernel_phdr_slots", in->kernel_phdr_slots);
	json_u64(&j, "memory_ranges", vmc_ranges_count(b->mem));
	json_u64(&j, "cpu_notes", in->nr_cpu_notes);
	json_hex(&j, "notes_offset", in->notes_offset);
	json_u64(&j, "notes_size", in->notes_size);
	json_hex(&j, "vmcoreinfo_raddr", b->chk.hdr.vmcoreinfo_raddr);
	json_arr_begin(&j, "warnings");
	json_warning_items(&j, b->chk.warnings);
	json_warning_items(&j, in->warnings);
	json_arr_end(&j);
	json_obj_end(&j);
	json_done(&j);
}

static int write_build(struct fa_args *a, struct build_in *b,
		       const struct vmc_fadump_build_opts *o, vmc_error *e)
{
	struct vmc_fadump_build_info in;
	size_t size, nr_warn;
	uint8_t *buf;
	int rc;

	if (vmc_fadump_build_size(o, &size, e))
		return fail(CMD, e);
	buf = malloc(size);
	if (!buf) {
		vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		return fail(CMD, e);
	}
	if (vmc_fadump_build(o, buf, size, &in, e)) {
		free(buf);
		return fail(CMD, e);
	}
	nr_warn = vmc_warnings_count(b->chk.warnings) +
		  vmc_warnings_count(in.warnings);
	if (a->w.strict && nr_warn) {
		if (a->json)
			print_warnings(CMD, a->header, b->chk.warnings);
		print_warnings(CMD, NULL, in.warnings);
		rc = strict_fail(CMD, nr_warn, a->w.path);
		free(buf);
		vmc_warnings_free(in.warnings);
		return rc;
	}
	rc = out_write_all(CMD, &a->w, buf, size);
	free(buf);
	if (!rc)
		build_report(a, b, &in);
	vmc_warnings_free(in.warnings);
	return rc;
}

static int run_build(struct fa_args *a, vmc_error *e)
{
	struct vmc_fadump_build_opts o = VMC_FADUMP_BUILD_OPTS_INIT;
	struct build_in b = { 0 };
	int rc;

	if (a->input)
		return usage_error(CMD, "unexpected argument '%s'", a->input);
	if (!a->header || !a->nr_boot || !a->have_rsv || !a->w.path)
		return usage_error(CMD, "build needs --header, --boot-mem, "
				   "--reserved and -o");
	if (!a->ranges == !a->sysroot)
		return usage_error(CMD, "give one of --ranges FILE and "
				   "--sysroot DIR");
	if (vmc_fadump_boot_mem_dest(a->boot, a->nr_boot, &o.boot_mem_dest, e))
		return e->status == VMC_ERR_INVALID ?
		       usage_error(CMD, "--boot-mem: %s", e->msg) : fail(CMD, e);
	rc = load_build_inputs(a, &b, e);
	if (!rc) {
		o.hdr = &b.chk.hdr;
		o.boot_mem = a->boot;
		o.nr_boot_mem = a->nr_boot;
		o.reserved_start = a->rsv_start;
		o.reserved_size = a->rsv_size;
		o.memory = b.mem;
		o.cpu_state = b.cs;
		o.abi = a->abi;
		o.page_offset = a->page_offset;
		rc = write_build(a, &b, &o, e);
	}
	build_in_free(&b);
	return rc;
}

int cmd_fadump(int argc, char **argv)
{
	struct fa_args a = { .cap = VMC_FADUMP_CAPTURE_INIT };
	vmc_error e = { 0 };
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "-h") ||
				  !strcmp(argv[1], "--help"))) {
			opts_help(&spec, stdout);
			return EXIT_OK;
		}
		return usage_error(CMD, "give a subcommand: check, cpu-state "
				   "or build");
	}
	a.sub = argv[1];
	rc = parse_args(argc - 1, argv + 1, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!strcmp(a.sub, "check"))
		return run_check(&a, &e);
	if (!strcmp(a.sub, "cpu-state"))
		return run_cpu_state(&a, &e);
	if (!strcmp(a.sub, "build"))
		return run_build(&a, &e);
	return usage_error(CMD, "unknown subcommand '%s'", a.sub);
}
