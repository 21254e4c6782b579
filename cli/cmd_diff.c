// SPDX-License-Identifier: MIT
/* vmcorekit diff: the semantic difference of two ELF core headers. */
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
"described by only one side, ranges one side splits, p_offset changes.",
	.opts = opts,
	.footer =
"Exit: 0 same, 1 different, 2 usage, 3 I/O; a malformed file exits 1 with\n"
"a message.",
};

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
	if (open_core(argv[first], &sa, &a, &e) ||
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
