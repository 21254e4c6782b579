// SPDX-License-Identifier: MIT
/* vmcorekit devdump: device dumps (NT_VMCOREDD) in a vmcore: add, list,
 * extract. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

struct args {
	const char *cmd;	/* "devdump add" ... */
	struct dump_out w;	/* -o, --json; add: the write options */
	uint64_t max, page;
	char **pos;		/* positional arguments */
	int nr_pos;
};

#define T struct args
static const struct opt opts[] = {
	OPT_SEC("add:"),
	OPT_U64_(T, "device-dump-max", "SIZE", max,
		 "largest dump (default 256M)"),
	OPT_U64_(T, "page-size", "N", page,
		 "4096/16384/65536 (default: VMCOREINFO's\n"
		 "PAGESIZE, else 4096)"),
	OPT_SEC("Output (add, extract; --json also list):"),
	OPT_OUTPUT_(T, w.path, "('-' for standard output)"),
	OPT_INCLUDE_(T, w, dump_out_opts),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = "devdump",
	.usage = "vmcorekit devdump add VMCORE NAME=FILE|NAME=exec:COMMAND... "
		 "-o NEW\n       vmcorekit devdump list VMCORE [--json]\n"
		 "       vmcorekit devdump extract VMCORE NAME|#INDEX -o FILE "
		 "[--json]",
	.about =
"Device dumps (NT_VMCOREDD notes): the hardware and firmware logs drivers\n"
"in the kdump kernel add to /proc/vmcore (vmcore_add_device_dump).\n"
"\n"
"add      write NEW: VMCORE with device dumps added, as the kernel adds\n"
"         them (a note of roundup(64 + size, PAGE_SIZE) bytes each, placed\n"
"         after the dumps already there and before the other notes; every\n"
"         later offset moves).  VMCORE is streamed, never changed.\n"
"           NAME=FILE          the file's bytes (NAME: 1 to 43 bytes)\n"
"           NAME=exec:COMMAND  what 'sh -c COMMAND' prints; a nonzero exit\n"
"                              fails the collector and adds nothing\n"
"list     index, name, payload size and payload file offset of each dump\n"
"         (the columns of crash's 'dev -V'), in an ELF vmcore or a\n"
"         makedumpfile kdump-compressed file (-c, -l, -p, -z)\n"
"extract  write one dump's payload: the collector's bytes followed by the\n"
"         kernel's zero padding up to the page (n_descsz - 44 bytes).  A\n"
"         name that several dumps share is refused: use #INDEX.",
	.opts = opts,
	.footer =
"Exit: 0 ok, 1 bad input (a truncated or lying note, a failing collector,\n"
"no such dump), 2 usage (an ambiguous name), 3 I/O.  A failure leaves no\n"
"output file.",
};

static int parse(int argc, char **argv, struct args *a)
{
	struct cmd_spec s = spec;
	int first, rc;

	s.name = a->cmd;
	rc = opts_parse(&s, a, argc, argv, &first);
	if (rc)
		return rc;
	a->pos = argv + first;
	a->nr_pos = argc - first;
	if (a->nr_pos)
		out_input(a->pos[0]);	/* VMCORE */
	if (a->w.path && (rc = out_check(a->cmd, a->w.path)))
		return rc;
	return EXIT_OK;
}

static int open_input(const char *cmd, const char *path, vmc_source **src)
{
	vmc_error e = { 0 };

	if (vmc_source_open_file(src, path, &e))
		return fail(cmd, &e);
	return EXIT_OK;
}

/* ---- list ---- */

static const char *fmt_name(const struct vmc_devdump_list_info *in)
{
	return in->format == VMC_DEVDUMP_FMT_KDUMP ? "kdump-compressed" : "elf";
}

/* The fields list and extract both report for a dump. */
static void json_entry(struct json *j, const struct vmc_devdump_entry *x)
{
	json_u64(j, "index", x->index);
	json_str(j, "name", x->name);
	json_u64(j, "size", x->data_len);
	json_hex(j, "offset", x->data_off);
}

static void list_json(const char *path, const vmc_devdump_list *l)
{
	struct vmc_devdump_list_info in;
	struct json j;

	vmc_devdump_list_get_info(l, &in);
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "file", path);
	json_str(&j, "format", fmt_name(&in));
	json_endian(&j, in.order);
	if (in.format == VMC_DEVDUMP_FMT_KDUMP) {
		json_i64(&j, "header_version", in.header_version);
		json_u64(&j, "block_size", in.block_size);
		json_str(&j, "machine", in.machine_name);
	} else {
		json_elf_class(&j, in.cls);
		json_u64(&j, "note_segments", in.nr_note_segments);
	}
	json_hex(&j, "notes_offset", in.notes_off);
	json_u64(&j, "notes_size", in.notes_len);
	json_arr_begin(&j, "device_dumps");
	for (size_t i = 0; i < vmc_devdump_list_count(l); i++) {
		const struct vmc_devdump_entry *x = vmc_devdump_list_get(l, i);

		json_obj_begin(&j, NULL);
		json_entry(&j, x);
		json_hex(&j, "note_offset", x->note_off);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_done(&j);
}

static void list_text(const char *path, const vmc_devdump_list *l)
{
	struct vmc_devdump_list_info in;
	size_t n = vmc_devdump_list_count(l);

	vmc_devdump_list_get_info(l, &in);
	printf("%s: %s, note segment at 0x%llx (%llu bytes), %zu device "
	       "dump%s\n", path,
	       in.format == VMC_DEVDUMP_FMT_KDUMP ? "kdump-compressed"
	       : in.cls == VMC_CLASS_64 ? "ELF64 core" : "ELF32 core",
	       (unsigned long long)in.notes_off,
	       (unsigned long long)in.notes_len, n, n == 1 ? "" : "s");
	if (n)
		printf("INDEX  OFFSET              SIZE        NAME\n");
	for (size_t i = 0; i < n; i++) {
		const struct vmc_devdump_entry *x = vmc_devdump_list_get(l, i);

		printf("%5zu  0x%016llx  %-10llu  ", x->index,
		       (unsigned long long)x->data_off,
		       (unsigned long long)x->data_len);
		text_escaped(stdout, x->name, strlen(x->name));
		putchar('\n');
	}
}

static int do_list(struct args *a)
{
	vmc_error e = { 0 };
	vmc_devdump_list *l;
	vmc_source *src;
	int rc;

	if (a->nr_pos != 1)
		return usage_error(a->cmd, "want one VMCORE");
	if (a->w.path)
		return usage_error(a->cmd, "-o is for add and extract");
	rc = open_input(a->cmd, a->pos[0], &src);
	if (rc)
		return rc;
	if (vmc_devdump_list_open(&l, src, &e)) {
		vmc_error_prefix(&e, "%s", a->pos[0]);
		rc = fail(a->cmd, &e);
	} else {
		if (a->w.json)
			list_json(a->pos[0], l);
		else
			list_text(a->pos[0], l);
		vmc_devdump_list_free(l);
	}
	vmc_source_close(src);
	return rc;
}

/* ---- extract ---- */

/* NAME or #INDEX -> an entry; an exit code on failure. */
static int select_entry(struct args *a, const vmc_devdump_list *l,
			const char *sel, size_t *index)
{
	vmc_error e = { 0 };
	size_t n = vmc_devdump_list_count(l);

	if (sel[0] == '#') {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(sel + 1, &end, 10);
		if (!sel[1] || *end || errno)
			return usage_error(a->cmd, "'%s': want #INDEX", sel);
		if (v >= n) {
			vmc_error_set(&e, VMC_ERR_NOTFOUND, "%s: no device dump "
				      "%s (%zu in the file)", a->pos[0], sel, n);
			fail(a->cmd, &e);
			return EXIT_DATA;
		}
		*index = (size_t)v;
		return EXIT_OK;
	}
	if (vmc_devdump_list_find(l, sel, index, &e) == VMC_ERR_INVALID)
		return usage_error(a->cmd, "%s", e.msg);
	if (e.status) {
		vmc_error_prefix(&e, "%s", a->pos[0]);
		fail(a->cmd, &e);
		return EXIT_DATA;
	}
	return EXIT_OK;
}

static vmc_status copy_out(vmc_source *src, const struct vmc_devdump_entry *x,
			   vmc_outfile *o, vmc_error *e)
{
	size_t chunk = 1u << 20;
	uint8_t *buf = malloc(chunk);
	uint64_t off = x->data_off, left = x->data_len;
	vmc_status st = VMC_OK;

	if (!buf)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	while (!st && left) {
		size_t n = left < chunk ? (size_t)left : chunk;

		st = vmc_source_read_at(src, off, buf, n, e);
		if (!st)
			st = vmc_outfile_write(o, buf, n, e);
		off += n;
		left -= n;
	}
	free(buf);
	return st;
}

static int do_extract(struct args *a)
{
	vmc_error e = { 0 };
	vmc_devdump_list *l = NULL;
	const struct vmc_devdump_entry *x;
	vmc_outfile *o;
	vmc_source *src;
	size_t idx = 0;
	int rc;

	if (a->nr_pos != 2)
		return usage_error(a->cmd, "want VMCORE and NAME or #INDEX");
	if (!a->w.path)
		return usage_error(a->cmd, "-o FILE is required");
	rc = open_input(a->cmd, a->pos[0], &src);
	if (rc)
		return rc;
	if (vmc_devdump_list_open(&l, src, &e)) {
		vmc_error_prefix(&e, "%s", a->pos[0]);
		rc = fail(a->cmd, &e);
		goto out;
	}
	rc = select_entry(a, l, a->pos[1], &idx);
	if (rc)
		goto out;
	x = vmc_devdump_list_get(l, idx);
	rc = out_open(a->cmd, &a->w, &o);
	if (rc)
		goto out;
	if (copy_out(src, x, o, &e)) {
		out_abort(o);
		rc = out_fail(a->cmd, &e);
		goto out;
	}
	rc = out_commit(a->cmd, &a->w, o);
	if (rc)
		goto out;
	if (a->w.json) {
		struct json j;

		json_init(&j, strcmp(a->w.path, "-") ? stdout : stderr);
		json_obj_begin(&j, NULL);
		json_str(&j, "output", a->w.path);
		json_entry(&j, x);
		json_obj_end(&j);
		json_done(&j);
	} else if (strcmp(a->w.path, "-")) {
		printf("%s: device dump #%zu '", a->w.path, x->index);
		text_escaped(stdout, x->name, strlen(x->name));
		printf("', %llu bytes\n", (unsigned long long)x->data_len);
	}
out:
	vmc_devdump_list_free(l);
	vmc_source_close(src);
	return rc;
}

/* ---- add ---- */

static int do_add(struct args *a)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	struct collect_spec *specs;
	vmc_error e = { 0 };
	vmc_dump *d = NULL;
	vmc_source *src;
	int rc;

	if (a->nr_pos < 2)
		return usage_error(a->cmd, "want VMCORE and NAME=FILE...");
	if (!a->w.path)
		return usage_error(a->cmd, "-o NEW is required");
	specs = calloc((size_t)a->nr_pos, sizeof(*specs));
	if (!specs)
		return fail(a->cmd, &(vmc_error){ VMC_ERR_NOMEM, 0,
						  "out of memory" });
	for (int i = 1; i < a->nr_pos; i++)
		if (collect_parse(a->pos[i], &specs[i], &e)) {
			free(specs);
			return usage_error(a->cmd, "%s", e.msg);
		}
	o.page_size = a->page;
	rc = open_input(a->cmd, a->pos[0], &src);
	if (rc) {
		free(specs);
		return rc;
	}
	if (vmc_dump_open_vmcore(&d, src, &o, &e)) {
		/*
		 * Not an ELF core: a kdump-compressed file keeps its notes
		 * in a copy inside the sub-header (offset_note/size_note,
		 * docs/formats.md section 10); a dump there grows the
		 * sub-header, which moves both bitmaps, the page descriptors
		 * and every page's data, and each descriptor holds its page's
		 * absolute offset (makedumpfile's write_kdump_pages).  That is
		 * rewriting the whole file, not streaming it with notes
		 * inserted, so add refuses and says how to get the same
		 * result.  (Asked only after the ELF parse failed, so an I/O
		 * error in the probe cannot hide one.)
		 */
		if (e.status == VMC_ERR_CORRUPT && vmc_diskdump_probe(src)) {
			vmc_error_set(&e, VMC_ERR_UNSUPPORTED,
				      "%s: kdump-compressed: add writes ELF "
				      "vmcores only (a dump grows the "
				      "sub-header's note copy and moves every "
				      "page); add it to the ELF vmcore, then "
				      "run makedumpfile, which keeps it",
				      a->pos[0]);
			rc = fail(a->cmd, &e);
			goto out;
		}
		vmc_error_prefix(&e, "%s", a->pos[0]);
		rc = e.status == VMC_ERR_INVALID ? usage_error(a->cmd, "%s",
							       e.msg)
						 : fail(a->cmd, &e);
		goto out;
	}
	for (int i = 1; !rc && i < a->nr_pos; i++)
		if (collect_add(d, &specs[i], a->max, &e))
			rc = fail(a->cmd, &e);
	if (!rc)
		rc = dump_write_out(a->cmd, &a->w, d, &e);
out:
	vmc_dump_free(d);
	vmc_source_close(src);
	free(specs);
	return rc;
}

int cmd_devdump(int argc, char **argv)
{
	struct args a = { .max = COLLECT_MAX_DEFAULT, .w = DUMP_OUT_INIT };
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
		opts_help(&spec, stdout);
		return EXIT_OK;
	}
	if (!strcmp(sub, "add"))
		a.cmd = "devdump add";
	else if (!strcmp(sub, "list"))
		a.cmd = "devdump list";
	else if (!strcmp(sub, "extract"))
		a.cmd = "devdump extract";
	else
		return usage_error("devdump", "want add, list or extract");
	rc = parse(argc - 1, argv + 1, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!strcmp(sub, "add"))
		return do_add(&a);
	if (!strcmp(sub, "list"))
		return do_list(&a);
	return do_extract(&a);
}
