// SPDX-License-Identifier: MIT
/* vmcorekit build: the elfcorehdr a loader would place. */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "build"
#define MAX_CPU_NOTES VMC_MAX_CPUS

static void help(void)
{
	printf("Usage: %s build (--sysroot DIR | --from-system) -o FILE [options]\n"
"\n"
"Build the ELF core header (elfcorehdr) that a kexec loader places for the\n"
"crash kernel, byte for byte as that loader would.\n"
"\n"
"Inputs:\n"
"  --sysroot DIR          read /proc and /sys files below DIR (a capture)\n"
"  --from-system          read the running system (same as --sysroot /)\n"
"  --iomem FILE           use FILE as /proc/iomem\n"
"  --ranges FILE          RAM ranges, one per line (START-END inclusive, or\n"
"                         START+SIZE); replaces System RAM from iomem\n"
"  --exclude START-END    also cut this range out (repeatable)\n"
"  --cpu-note ADDR:SIZE   a CPU's crash notes; repeat for CPU 0, 1, ...\n"
"  --vmcoreinfo ADDR:SIZE the VMCOREINFO note\n"
"  --kernel-text VADDR:PADDR:SIZE   the kernel text mapping\n"
"  --no-kernel-text       omit the kernel text PT_LOAD\n"
"  --page-offset ADDR     p_vaddr = p_paddr + ADDR for RAM\n"
"  --backup-addr ADDR     kexec-tools: where the low-memory backup lives\n"
"  --allow-missing        build what can be built when inputs are missing\n"
"\n"
"Format:\n"
"  --profile NAME         kexec-file (default), kexec-tools, generic\n"
"  --arch ARCH            x86_64, arm64, ppc64, ppc64le, s390x, i386, ppc,\n"
"                         arm, riscv64, loongarch64\n"
"  --class 32|64          ELF class (generic profile)\n"
"  --endian little|big    byte order (generic profile)\n"
"  --capacity BYTES       pad the output with zeros to BYTES; fail if the\n"
"                         header does not fit\n"
"  --segment              pad to the segment size the loader reserves\n"
"\n"
"Output:\n"
"  -o, --output FILE      write here ('-' for standard output)\n"
"  --json                 print a JSON summary on standard output\n"
"  -h, --help             this text\n"
"\n"
"Numbers take 0x hex, decimal, or K/M/G/T (KiB/MiB/GiB/TiB) suffixes.  Exit: 0 ok, 1 bad input,\n"
"2 usage, 3 I/O or a missing system file.\n", prog);
}

enum { O_SYSROOT = 256, O_FROM_SYSTEM, O_IOMEM, O_RANGES, O_EXCLUDE,
       O_CPU_NOTE, O_VMCOREINFO, O_TEXT, O_NO_TEXT, O_PAGE_OFFSET,
       O_BACKUP, O_ALLOW_MISSING, O_PROFILE, O_ARCH, O_CLASS, O_ENDIAN,
       O_CAPACITY, O_SEGMENT, O_JSON };

static const struct option longopts[] = {
	{ "sysroot", required_argument, NULL, O_SYSROOT },
	{ "from-system", no_argument, NULL, O_FROM_SYSTEM },
	{ "iomem", required_argument, NULL, O_IOMEM },
	{ "ranges", required_argument, NULL, O_RANGES },
	{ "exclude", required_argument, NULL, O_EXCLUDE },
	{ "cpu-note", required_argument, NULL, O_CPU_NOTE },
	{ "vmcoreinfo", required_argument, NULL, O_VMCOREINFO },
	{ "kernel-text", required_argument, NULL, O_TEXT },
	{ "no-kernel-text", no_argument, NULL, O_NO_TEXT },
	{ "page-offset", required_argument, NULL, O_PAGE_OFFSET },
	{ "backup-addr", required_argument, NULL, O_BACKUP },
	{ "allow-missing", no_argument, NULL, O_ALLOW_MISSING },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "arch", required_argument, NULL, O_ARCH },
	{ "class", required_argument, NULL, O_CLASS },
	{ "endian", required_argument, NULL, O_ENDIAN },
	{ "capacity", required_argument, NULL, O_CAPACITY },
	{ "segment", no_argument, NULL, O_SEGMENT },
	{ "json", no_argument, NULL, O_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

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
	const char *sysroot, *iomem, *ranges, *out;
	struct vmc_build_opts o;
	struct vmc_span *notes;
	vmc_ranges *exclude;
	uint64_t capacity;
	bool segment, json, cls_set, order_set;
	enum vmc_class cls;
	enum vmc_order order;
};

static int parse_args(int argc, char **argv, struct build_args *a,
		      vmc_error *e)
{
	uint64_t v[3];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		vmc_status st = VMC_OK;

		switch (c) {
		case O_SYSROOT: a->sysroot = optarg; break;
		case O_FROM_SYSTEM: a->sysroot = "/"; break;
		case O_IOMEM: a->iomem = optarg; break;
		case O_RANGES: a->ranges = optarg; break;
		case O_EXCLUDE:
			st = vmc_parse_range(optarg, &v[0], &v[1], e);
			if (!st)
				st = vmc_ranges_add(a->exclude, v[0], v[1], e);
			break;
		case O_CPU_NOTE:
			if (a->o.nr_cpu_notes == MAX_CPU_NOTES)
				return usage_error(CMD, "too many --cpu-note");
			st = parse_tuple(optarg, v, 2, e);
			a->notes[a->o.nr_cpu_notes++] = (struct vmc_span){ v[0], v[1] };
			break;
		case O_VMCOREINFO:
			st = parse_tuple(optarg, v, 2, e);
			a->o.have_vmcoreinfo = true;
			a->o.vmcoreinfo = (struct vmc_span){ v[0], v[1] };
			break;
		case O_TEXT:
			st = parse_tuple(optarg, v, 3, e);
			a->o.have_text = true;
			a->o.text_vaddr = v[0];
			a->o.text_paddr = v[1];
			a->o.text_len = v[2];
			break;
		case O_NO_TEXT: a->o.no_text = true; break;
		case O_PAGE_OFFSET:
			st = vmc_parse_u64(optarg, &a->o.page_offset, e);
			a->o.have_page_offset = true;
			break;
		case O_BACKUP:
			st = vmc_parse_u64(optarg, &a->o.backup_addr, e);
			a->o.have_backup = true;
			break;
		case O_ALLOW_MISSING: a->o.allow_missing = true; break;
		case O_PROFILE: st = vmc_profile_parse(optarg, &a->o.profile, e); break;
		case O_ARCH:
			st = vmc_arch_parse(optarg, &a->o.id, e);
			a->o.have_id = true;
			break;
		case O_CLASS:
			if (strcmp(optarg, "32") && strcmp(optarg, "64"))
				return usage_error(CMD, "--class takes 32 or 64");
			a->cls_set = true;
			a->cls = optarg[0] == '3' ? VMC_CLASS_32 : VMC_CLASS_64;
			break;
		case O_ENDIAN:
			if (strcmp(optarg, "little") && strcmp(optarg, "big"))
				return usage_error(CMD, "--endian takes little or big");
			a->order_set = true;
			a->order = optarg[0] == 'l' ? VMC_LE : VMC_BE;
			break;
		case O_CAPACITY: st = vmc_parse_u64(optarg, &a->capacity, e); break;
		case O_SEGMENT: a->segment = true; break;
		case O_JSON: a->json = true; break;
		case 'o': a->out = optarg; break;
		case 'h': help(); return -1;
		default: return EXIT_USAGE;
		}
		if (st)
			return usage_error(CMD, "%s", e->msg);
	}
	if (optind < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!a->out)
		return usage_error(CMD, "-o FILE is required");
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
			  const vmc_system *sys, size_t size, size_t written)
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
		json_str(&j, "profile", vmc_profile_name(a->o.profile));
		json_str(&j, "arch", vmc_machine_name(sp->id.machine));
		json_str(&j, "output", a->out);
		json_u64(&j, "header_size", size);
		json_u64(&j, "written", written);
		json_u64(&j, "segment_size", vmc_header_segment_size(h));
		if (vmc_header_expected_addr(h))
			json_hex(&j, "expected_addr", vmc_header_expected_addr(h));
		json_u64(&j, "phnum", sp->nr_phdrs);
		json_u64(&j, "pt_note", notes);
		json_u64(&j, "pt_load", loads);
		json_arr_begin(&j, "warnings");
		for (size_t i = 0; i < vmc_header_nr_warnings(h); i++)
			json_str(&j, NULL, vmc_header_warning(h, i));
		json_arr_end(&j);
		json_arr_begin(&j, "missing_files");
		for (size_t i = 0; i < vmc_system_nr_missing(sys); i++)
			json_str(&j, NULL, vmc_system_missing(sys, i));
		json_arr_end(&j);
		json_obj_end(&j);
		json_done(&j);
		return;
	}
	for (size_t i = 0; i < vmc_header_nr_warnings(h); i++)
		fprintf(stderr, "%s build: warning: %s\n", prog,
			vmc_header_warning(h, i));
	if (strcmp(a->out, "-") != 0)
		printf("%s: %zu bytes (%s, %s): %zu PT_NOTE, %zu PT_LOAD; "
		       "segment %llu bytes\n", a->out, written,
		       vmc_profile_name(a->o.profile),
		       vmc_machine_name(sp->id.machine), notes, loads,
		       (unsigned long long)vmc_header_segment_size(h));
}

static int emit(struct build_args *a, const vmc_header *h,
		const vmc_system *sys, vmc_error *e)
{
	const struct vmc_elfcore_spec *sp = vmc_header_spec(h);
	size_t size, used, cap;
	vmc_outfile *out;
	uint8_t *buf;
	vmc_status st = vmc_elfcore_size(sp, &size, e);

	if (st)
		return fail(CMD, e);
	cap = size;
	if (a->segment && vmc_header_segment_size(h) > cap)
		cap = (size_t)vmc_header_segment_size(h);
	if (a->capacity) {
		if (a->capacity < size) {
			vmc_error_set(e, VMC_ERR_NOSPACE,
				      "the header needs %zu bytes, over the "
				      "capacity %llu", size,
				      (unsigned long long)a->capacity);
			return fail(CMD, e);
		}
		cap = (size_t)a->capacity;
	}
	buf = calloc(1, cap);
	if (!buf) {
		vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		return fail(CMD, e);
	}
	st = vmc_elfcore_write(sp, buf, cap, &used, e);
	if (!st)
		st = vmc_outfile_open(&out, a->out, e);
	if (!st) {
		st = vmc_outfile_write(out, buf, cap, e);
		if (st)
			vmc_outfile_abort(out);
		else
			st = vmc_outfile_commit(out, false, e);
	}
	free(buf);
	if (st)
		return fail(CMD, e);
	print_summary(a, h, sys, size, cap);
	return EXIT_OK;
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
	rc = parse_args(argc, argv, &a, &e);
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
