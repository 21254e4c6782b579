// SPDX-License-Identifier: MIT
/* vmcorekit diff: the semantic difference of two ELF core headers. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "diff"

struct diff_args {
	bool json;
};

static const struct opt opts[] = {
	OPT_FLAG_(struct diff_args, "json", json, "machine-readable output"),
	{ 0 },
};

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit diff A B [--json]",
	.about =
"Explain how two ELF core headers (elfcorehdrs or vmcores) differ: header\n"
"fields, notes moved or resized, the kernel text mapping, physical memory\n"
"described by only one side, ranges one side splits, p_offset changes (of\n"
"elfcorehdrs: a vmcore's p_offset is only file placement).  For vmcores and\n"
"makedumpfile's kdump-compressed or flattened files, also what the notes\n"
"say, in show's words: VMCOREINFO keys added, removed or changed, the CPU\n"
"count and each CPU's registers, device dumps by name and size, and which\n"
"notes each note segment holds.",
	.opts = opts,
	.footer =
"Exit: 0 same, 1 different, 2 usage, 3 I/O; a malformed file exits 1 with\n"
"a message.",
};

/* The notes of one side for vmc_diff_new_notes: a kdump-compressed
 * file's note copy, or an ELF core's PT_NOTE segments. */
struct side_notes {
	uint8_t *seg[64];
	size_t len[64];
	struct vmc_diff_notes n;
};

static vmc_status side_notes(const char *path, vmc_source *s,
			     struct side_notes *sn, vmc_error *e)
{
	vmc_status st;

	sn->n.seg = (const uint8_t *const *)sn->seg;
	sn->n.seg_len = sn->len;
	if (vmc_diskdump_probe(s)) {
		vmc_diskdump *d;

		st = vmc_diskdump_open(&d, s, e);
		if (!st) {
			sn->n.id = vmc_diskdump_info(d)->id;
			st = vmc_diskdump_read_notes(d, &sn->seg[0], &sn->len[0],
						     e);
			sn->n.nr_segments = st ? 0 : 1;
			vmc_diskdump_free(d);
		}
	} else {
		vmc_elfcore *c;

		st = vmc_elfcore_parse(&c, s, e);
		if (!st) {
			sn->n.id = vmc_elfcore_ehdr(c)->id;
			for (size_t i = 0; !st && i < vmc_elfcore_nr_phdrs(c) &&
			     sn->n.nr_segments < 64; i++)
				if (vmc_elfcore_phdr(c, i)->type == VMC_PT_NOTE &&
				    !(st = vmc_elfcore_read_segment(c, i,
					&sn->seg[sn->n.nr_segments],
					&sn->len[sn->n.nr_segments], e)))
					sn->n.nr_segments++;
			vmc_elfcore_free(c);
		}
	}
	if (st)
		vmc_error_prefix(e, "%s", path);
	return st;
}

/* Either side kdump-compressed: compare what the notes say. */
static vmc_status diff_kdump(const char *pa, const char *pb, vmc_diff **d,
			     vmc_error *e)
{
	struct side_notes *x = calloc(2, sizeof(*x));
	vmc_source *sa = NULL, *sb = NULL;
	vmc_status st;

	if (!x)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_source_open_file(&sa, pa, e);
	if (!st)
		st = vmc_source_open_file(&sb, pb, e);
	if (!st)
		st = side_notes(pa, sa, &x[0], e);
	if (!st)
		st = side_notes(pb, sb, &x[1], e);
	if (!st)
		st = vmc_diff_new_notes(d, &x[0].n, &x[1].n, e);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < x[k].n.nr_segments; i++)
			vmc_buf_free(x[k].seg[i]);
	free(x);
	vmc_source_close(sa);
	vmc_source_close(sb);
	return st;
}

static bool is_kdump(const char *path)
{
	vmc_source *s;
	bool yes;

	if (vmc_source_open_file(&s, path, NULL))
		return false;
	yes = vmc_diskdump_probe(s);
	vmc_source_close(s);
	return yes;
}

static vmc_status open_core(const char *path, vmc_source **s, vmc_elfcore **c,
			    vmc_error *e)
{
	vmc_status st = vmc_source_open_file(s, path, e);

	if (st)
		return st;	/* the message names the path already */
	st = vmc_elfcore_parse(c, *s, e);
	if (st)
		vmc_error_prefix(e, "%s", path);
	return st;
}

int cmd_diff(int argc, char **argv)
{
	vmc_source *sa = NULL, *sb = NULL;
	vmc_elfcore *a = NULL, *b = NULL;
	vmc_diff *d = NULL;
	vmc_error e = { 0 };
	struct diff_args args = { 0 };
	int first, rc;

	rc = opts_parse(&spec, &args, argc, argv, &first);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (first != argc - 2)
		return usage_error(CMD, "expected two files A and B");
	if (is_kdump(argv[first]) || is_kdump(argv[first + 1])) {
		if (diff_kdump(argv[first], argv[first + 1], &d, &e)) {
			rc = fail(CMD, &e);
			goto out;
		}
	} else if (open_core(argv[first], &sa, &a, &e) ||
	    open_core(argv[first + 1], &sb, &b, &e) ||
	    vmc_diff_new(&d, a, b, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	if (args.json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "a", argv[first]);
		json_str(&j, "b", argv[first + 1]);
		json_bool(&j, "same", vmc_diff_count(d) == 0);
		json_diff_items(&j, d);
		json_obj_end(&j);
		json_done(&j);
	} else if (vmc_diff_count(d) == 0) {
		printf("same: no semantic difference\n");
	} else {
		print_diff_items(stdout, d);
	}
	rc = vmc_diff_count(d) ? EXIT_DATA : EXIT_OK;
out:
	vmc_diff_free(d);
	vmc_elfcore_free(a);
	vmc_elfcore_free(b);
	vmc_source_close(sa);
	vmc_source_close(sb);
	return rc;
}
