// SPDX-License-Identifier: MIT
/* vmcorekit build: the elfcorehdr a loader would place. */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "build"
#define MAX_CPU_NOTES VMC_MAX_CPUS

/* "A:B[:C]" of numbers into @v (@n fields exactly). */
static vmc_status parse_tuple(const char *s, uint64_t *v, int n, vmc_error *e)
{
	char buf[128], *p = buf;

	if (strlen(s) >= sizeof(buf))
		return vmc_error_set(e, VMC_ERR_INVALID, "'%s' is too long", s);
	strcpy(buf, s);
	for (int i = 0; i < n; i++) {
		char *colon = strchr(p, ':');
		vmc_status st;

		if ((i < n - 1) != (colon != NULL))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "'%s': expected %d ':'-separated "
					     "numbers", s, n);
		if (colon)
			*colon = '\0';
		st = vmc_parse_u64(p, &v[i], e);
		if (st)
			return st;
		p = colon + 1;
	}
	return VMC_OK;
}

struct build_args {
	const char *sysroot, *iomem, *ranges;
	struct dump_out w;	/* -o, --force, --no-clobber, --fsync */
	struct vmc_build_opts o;
	struct vmc_span *notes;
	vmc_ranges *exclude;
	uint64_t capacity;
	bool segment, json, cls_set, order_set;
	enum vmc_class cls;
	enum vmc_order order;
};

static vmc_status opt_cpu_note(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;
	uint64_t v[2];
	vmc_status st;

	if (a->o.nr_cpu_notes == MAX_CPU_NOTES)
		return vmc_error_set(e, VMC_ERR_INVALID, "too many --cpu-note");
	st = parse_tuple(arg, v, 2, e);
	a->notes[a->o.nr_cpu_notes++] = (struct vmc_span){ v[0], v[1] };
	return st;
}

static vmc_status opt_vmcoreinfo(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;
	uint64_t v[2];
	vmc_status st = parse_tuple(arg, v, 2, e);

	a->o.have_vmcoreinfo = true;
	a->o.vmcoreinfo = (struct vmc_span){ v[0], v[1] };
	return st;
}

static vmc_status opt_text(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;
	uint64_t v[3];
	vmc_status st = parse_tuple(arg, v, 3, e);

	a->o.have_text = true;
	a->o.text_vaddr = v[0];
	a->o.text_paddr = v[1];
	a->o.text_len = v[2];
	return st;
}

static vmc_status opt_page_offset(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;

	a->o.have_page_offset = true;
	return vmc_parse_u64(arg, &a->o.page_offset, e);
}

static vmc_status opt_backup(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;

	a->o.have_backup = true;
	return vmc_parse_u64(arg, &a->o.backup_addr, e);
}

static vmc_status opt_profile(void *args, const char *arg, vmc_error *e)
{
	return vmc_loader_parse(arg, &((struct build_args *)args)->o.profile,
				 e);
}

static vmc_status opt_arch(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;

	a->o.have_id = true;
	return vmc_arch_parse(arg, &a->o.id, e);
}

static vmc_status opt_class(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;

	if (strcmp(arg, "32") && strcmp(arg, "64"))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "--class takes 32 or 64");
	a->cls_set = true;
	a->cls = arg[0] == '3' ? VMC_CLASS_32 : VMC_CLASS_64;
	return VMC_OK;
}

static vmc_status opt_endian(void *args, const char *arg, vmc_error *e)
{
	struct build_args *a = args;

	if (strcmp(arg, "little") && strcmp(arg, "big"))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "--endian takes little or big");
	a->order_set = true;
	a->order = arg[0] == 'l' ? VMC_LE : VMC_BE;
	return VMC_OK;
}

#define T struct build_args
static const struct opt opts[] = {
	OPT_SEC("Inputs:"),
	OPT_STR_(T, "sysroot", "DIR", sysroot,
		 "read /proc and /sys files below DIR (a capture)"),
	OPT_CONST_(T, "from-system", sysroot, "/",
		   "read the running system (same as --sysroot /)"),
	OPT_IN_(T, "iomem", "FILE", iomem, "use FILE as /proc/iomem"),
	OPT_IN_(T, "ranges", "FILE", ranges,
		 "RAM ranges, one RANGE per line; replaces System\n"
		 "RAM from iomem"),
	OPT_RANGES_(T, "exclude", exclude,
		    "also cut this range out (repeatable)"),
	OPT_CALL_("cpu-note", "ADDR:SIZE", opt_cpu_note,
		  "a CPU's crash notes; repeat for CPU 0, 1, ..."),
	OPT_CALL_("vmcoreinfo", "ADDR:SIZE", opt_vmcoreinfo,
		  "the VMCOREINFO note"),
	OPT_CALL_("kernel-text", "VADDR:PADDR:SIZE", opt_text,
		  "the kernel text mapping"),
	OPT_FLAG_(T, "no-kernel-text", o.no_text,
		  "omit the kernel text PT_LOAD"),
	OPT_CALL_("page-offset", "ADDR", opt_page_offset,
		  "p_vaddr = p_paddr + ADDR for RAM"),
	OPT_CALL_("backup-addr", "ADDR", opt_backup,
		  "kexec-tools: where the low-memory backup lives"),
	OPT_FLAG_(T, "allow-missing", o.allow_missing,
		  "build what can be built when inputs are missing"),
	OPT_SEC("Format:"),
	OPT_CALL_("profile", "NAME", opt_profile,
		  "kexec-file (default), kexec-tools, generic"),
	OPT_CALL_("arch", "ARCH", opt_arch,
		  "x86_64, arm64, ppc64, ppc64le, s390x, i386, ppc,\n"
		  "arm, riscv64, loongarch64"),
	OPT_CALL_("class", "32|64", opt_class, "ELF class (generic profile)"),
	OPT_CALL_("endian", "little|big", opt_endian,
		  "byte order (generic profile)"),
	OPT_U64_(T, "capacity", "BYTES", capacity,
		 "pad the output with zeros to BYTES; fail if the\n"
		 "header does not fit"),
	OPT_FLAG_(T, "segment", segment,
		  "pad to the segment size the loader reserves"),
	OPT_SEC("Output:"),
	OPT_OUTPUT_(T, w.path, "write here ('-' for standard output)"),
	OPT_INCLUDE_(T, w, output_opts),
	OPT_FLAG_(T, "json", json, "print a JSON summary on standard output"),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit build (--sysroot DIR | --from-system) -o FILE "
		 "[options]",
	.about = "Build the ELF core header (elfcorehdr) that a kexec loader "
		 "places for the\ncrash kernel, byte for byte as that loader "
		 "would.",
	.opts = opts,
	.flags = OPTS_NO_OPERANDS | OPTS_NEED_OUTPUT,
	.footer = RANGE_HELP "\n" NUMBER_HELP "\nExit: 0 ok, 1 bad input, "
		  "2 usage, 3 I/O or a missing system file.",
};

static int parse_args(int argc, char **argv, struct build_args *a)
{
	int rc = opts_parse(&spec, a, argc, argv, NULL);

	if (rc)
		return rc;
	if (!a->sysroot && !a->iomem && !a->ranges)
		return usage_error(CMD, "give --sysroot DIR, --from-system, "
				   "--iomem or --ranges");
	return EXIT_OK;
}

static vmc_status load_inputs(struct build_args *a, vmc_system *sys,
			      vmc_ranges **ram, vmc_error *e)
{
	vmc_status st = load_system_inputs(sys, a->sysroot, a->iomem, e);
	size_t len;
	char *text;

	if (!st && a->ranges) {
		text = slurp(a->ranges, 256 << 20, &len, e);
		if (!text)
			return e->status;
		st = vmc_ranges_new(ram, e);
		if (!st)
			st = vmc_parse_ranges_text(text, len, *ram, e);
		free(text);
		if (st)
			return vmc_error_prefix(e, "%s", a->ranges);
	}
	return st;
}

static void print_summary(const struct build_args *a, const vmc_header *h,
			  const vmc_system *sys, size_t size, uint64_t written)
{
	const struct vmc_elfcore_spec *sp = vmc_header_spec(h);
	size_t notes = 0, loads = 0;

	for (size_t i = 0; i < sp->nr_phdrs; i++) {
		notes += sp->phdrs[i].type == VMC_PT_NOTE;
		loads += sp->phdrs[i].type == VMC_PT_LOAD;
	}
	if (a->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "profile", vmc_loader_name(a->o.profile));
		json_str(&j, "arch", vmc_machine_name(sp->id.machine));
		json_str(&j, "output", a->w.path);
		json_u64(&j, "header_size", size);
		json_u64(&j, "written", written);
		json_u64(&j, "segment_size", vmc_header_segment_size(h));
		if (vmc_header_expected_addr(h))
			json_hex(&j, "expected_addr", vmc_header_expected_addr(h));
		json_u64(&j, "phnum", sp->nr_phdrs);
		json_u64(&j, "pt_note", notes);
		json_u64(&j, "pt_load", loads);
		json_arr_begin(&j, "warnings");
		json_warning_items(&j, vmc_header_warnings(h));
		json_arr_end(&j);
		json_arr_begin(&j, "missing_files");
		for (size_t i = 0; i < vmc_system_nr_missing(sys); i++)
			json_str(&j, NULL, vmc_system_missing(sys, i));
		json_arr_end(&j);
		json_obj_end(&j);
		json_done(&j);
		return;
	}
	print_warnings(CMD, NULL, vmc_header_warnings(h));
	if (strcmp(a->w.path, "-") != 0)
		printf("%s: %llu bytes (%s, %s): %zu PT_NOTE, %zu PT_LOAD; "
		       "segment %llu bytes\n", a->w.path,
		       (unsigned long long)written,
		       vmc_loader_name(a->o.profile),
		       vmc_machine_name(sp->id.machine), notes, loads,
		       (unsigned long long)vmc_header_segment_size(h));
}

static int emit(struct build_args *a, const vmc_header *h,
		const vmc_system *sys, vmc_error *e)
{
	const struct vmc_elfcore_spec *sp = vmc_header_spec(h);
	const vmc_warnings *warns = vmc_header_warnings(h);
	size_t size, used;
	uint64_t cap;
	uint8_t *buf;
	int rc;
	vmc_status st = vmc_elfcore_size(sp, &size, e);

	if (st)
		return fail(CMD, e);
	/* The segment the summary reports must hold the header: the loader
	 * would reserve no more (crash_load_segments, locate_hole). */
	if (vmc_header_segment_size(h) && size > vmc_header_segment_size(h)) {
		vmc_error_set(e, VMC_ERR_NOSPACE,
			      "the header needs %zu bytes, over the %llu-byte "
			      "segment the loader reserves", size,
			      (unsigned long long)vmc_header_segment_size(h));
		return fail(CMD, e);
	}
	cap = size;
	if (a->segment && vmc_header_segment_size(h) > cap)
		cap = vmc_header_segment_size(h);
	if (a->capacity) {
		if (a->capacity < size) {
			vmc_error_set(e, VMC_ERR_NOSPACE,
				      "the header needs %zu bytes, over the "
				      "capacity %llu", size,
				      (unsigned long long)a->capacity);
			return fail(CMD, e);
		}
		cap = a->capacity;
	}
	if (a->w.strict && vmc_warnings_count(warns)) {
		print_warnings(CMD, NULL, warns);
		return strict_fail(CMD, vmc_warnings_count(warns), a->w.path);
	}
	/* Only the header is in memory; the padding is a hole. */
	buf = calloc(1, size);
	if (!buf) {
		vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		return fail(CMD, e);
	}
	st = vmc_elfcore_write(sp, buf, size, &used, e);
	rc = st ? fail(CMD, e)
		: out_write_padded(CMD, &a->w, buf, size, cap - size);
	free(buf);
	if (!rc)
		print_summary(a, h, sys, size, cap);
	return rc;
}

int cmd_build(int argc, char **argv)
{
	struct build_args a = { .o = VMC_BUILD_OPTS_INIT };
	vmc_error e = { 0 };
	vmc_system *sys = NULL;
	vmc_ranges *ram = NULL;
	vmc_header *h = NULL;
	int rc;

	a.notes = calloc(MAX_CPU_NOTES, sizeof(*a.notes));
	if (!a.notes || vmc_ranges_new(&a.exclude, &e)) {
		free(a.notes);
		return EXIT_ENV;
	}
	rc = parse_args(argc, argv, &a);
	if (rc)
		goto out;
	a.o.cpu_notes = a.notes;
	a.o.exclude = a.exclude;
	if (a.cls_set || a.order_set) {
		if (!a.o.have_id)
			a.o.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE,
						      VMC_EM_X86_64 };
		a.o.have_id = true;
		if (a.cls_set)
			a.o.id.cls = a.cls;
		if (a.order_set)
			a.o.id.order = a.order;
	}
	if (vmc_system_new(&sys, &e) || load_inputs(&a, sys, &ram, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	a.o.ram = ram;
	if (vmc_header_build(&h, sys, &a.o, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	rc = emit(&a, h, sys, &e);
out:
	vmc_header_free(h);
	vmc_ranges_free(ram);
	vmc_ranges_free(a.exclude);
	vmc_system_free(sys);
	free(a.notes);
	return rc < 0 ? EXIT_OK : rc;
}
