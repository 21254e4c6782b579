// SPDX-License-Identifier: MIT
/* vmcorekit diff: the semantic difference of two ELF core headers. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

#define CMD "diff"

static void help(void)
{
	printf("Usage: %s diff A B [--json]\n"
"\n"
"Explain how two ELF core headers (elfcorehdrs or vmcores) differ: header\n"
"fields, notes moved or resized, the kernel text mapping, physical memory\n"
"described by only one side, ranges one side splits, p_offset changes.\n"
"\n"
"  --json       machine-readable output\n"
"  -h, --help   this text\n"
"\n"
"Exit: 0 same, 1 different, 2 usage, 3 I/O; a malformed file exits 1 with\n"
"a message.\n", prog);
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
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	vmc_source *sa = NULL, *sb = NULL;
	vmc_elfcore *a = NULL, *b = NULL;
	vmc_diff *d = NULL;
	vmc_error e = { 0 };
	bool json = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'h': help(); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc - 2)
		return usage_error(CMD, "expected two files A and B");
	if (open_core(argv[optind], &sa, &a, &e) ||
	    open_core(argv[optind + 1], &sb, &b, &e) ||
	    vmc_diff_new(&d, a, b, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "a", argv[optind]);
		json_str(&j, "b", argv[optind + 1]);
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
