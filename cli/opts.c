// SPDX-License-Identifier: MIT
/* Option tables: getopt_long and --help from one row per option. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define MAX_OPTS 64
#define MAX_COL 28	/* a longer option puts its help on the next line */

static const struct opt help_row = {
	.kind = OPT_FLAG, .name = "help", .short_name = 'h',
	.help = "this text",
};

static size_t left_len(const struct opt *o)
{
	return 2 + (o->short_name ? 4 : 0) + 2 + strlen(o->name) +
	       (o->metavar ? 1 + strlen(o->metavar) : 0);
}

static void print_row(FILE *f, const struct opt *o, size_t col)
{
	const char *h = o->help ? o->help : "", *nl;
	size_t n = left_len(o);

	fputs("  ", f);
	if (o->short_name)
		fprintf(f, "-%c, ", o->short_name);
	fprintf(f, "--%s%s%s", o->name, o->metavar ? " " : "",
		o->metavar ? o->metavar : "");
	if (n + 2 > col) {
		fputc('\n', f);
		n = 0;
	}
	for (;;) {
		nl = strchr(h, '\n');
		fprintf(f, "%*s%.*s\n", (int)(col - n), "",
			(int)(nl ? (size_t)(nl - h) : strlen(h)), h);
		if (!nl)
			break;
		h = nl + 1;
		n = 0;
	}
}

struct row {
	const struct opt *o;
	size_t off;
};

/* The table flattened (includes expanded); the count, or -1 if too long. */
static int flatten(const struct opt *t, size_t off, struct row *r, int n,
		   bool sections)
{
	for (const struct opt *o = t; n >= 0 && o->kind != OPT_END; o++) {
		if (o->kind == OPT_INCLUDE) {
			n = flatten(o->sub, off + o->off, r, n, sections);
			continue;
		}
		if (o->kind == OPT_SECTION && !sections)
			continue;
		if (n == MAX_OPTS)
			return -1;
		r[n++] = (struct row){ o, off + o->off };
	}
	return n;
}

void opts_help(const struct cmd_spec *c, FILE *f)
{
	struct row r[MAX_OPTS];
	int n = flatten(c->opts, 0, r, 0, true);
	size_t col = left_len(&help_row) + 2;

	for (int i = 0; i < n; i++)
		if (r[i].o->kind != OPT_SECTION &&
		    left_len(r[i].o) + 2 <= MAX_COL &&
		    left_len(r[i].o) + 2 > col)
			col = left_len(r[i].o) + 2;
	for (int i = 0; i < n; i++)	/* one too long: keep the others wide */
		if (r[i].o->kind != OPT_SECTION &&
		    left_len(r[i].o) + 2 > MAX_COL && col < MAX_COL - 4)
			col = MAX_COL - 4;
	fprintf(f, "Usage: %s\n", c->usage);
	if (c->about)
		fprintf(f, "\n%s\n", c->about);
	if (n == 0 || r[0].o->kind != OPT_SECTION)
		fputc('\n', f);
	for (int i = 0; i < n; i++) {
		if (r[i].o->kind == OPT_SECTION)
			fprintf(f, "\n%s\n", r[i].o->name);
		else
			print_row(f, r[i].o, col);
	}
	print_row(f, &help_row, col);
	if (c->footer)
		fprintf(f, "\n%s\n", c->footer);
}

static int store(const struct cmd_spec *c, const struct row *r, void *args,
		 const char *arg)
{
	const struct opt *o = r->o;
	char *base = (char *)args + r->off;
	vmc_error e = { 0 };
	vmc_status st = VMC_OK;

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)base = true;
		return 0;
	case OPT_STR:
		*(const char **)base = o->metavar ? arg : o->value;
		break;
	case OPT_INT:
		*(int *)base = o->ival;
		return 0;
	case OPT_U64:
		st = vmc_parse_u64(arg, (uint64_t *)base, &e);
		if (st)
			return usage_error(c->name, "--%s: %s", o->name, e.msg);
		break;
	case OPT_CALL:
		st = o->fn(base, arg, &e);
		break;
	case OPT_RANGES: {
		uint64_t s, t;

		st = vmc_parse_range(arg, &s, &t, &e);
		if (!st)
			st = vmc_ranges_add(*(vmc_ranges **)base, s, t, &e);
		break;
	}
	default:
		break;
	}
	if (!st) {
		if (o->input)
			out_input(arg);
		return 0;
	}
	if (st == VMC_ERR_INVALID || st == VMC_ERR_RANGE)
		return usage_error(c->name, "%s",
				   e.msg[0] ? e.msg : vmc_status_name(st));
	return fail(c->name, &e);
}

int opts_parse(const struct cmd_spec *c, void *args, int argc, char **argv,
	       int *first)
{
	struct option lo[MAX_OPTS + 2];
	char so[2 * MAX_OPTS + 4] = ":";
	struct row rows[MAX_OPTS];
	int n = flatten(c->opts, 0, rows, 0, false), ch, rc;
	const char *output = NULL;

	if (n < 0)
		abort();	/* a table too long: a programming error */
	for (int i = 0; i < n; i++) {
		const struct opt *o = rows[i].o;

		lo[i] = (struct option){ o->name, o->metavar ? required_argument
							     : no_argument,
					 NULL, 256 + i };
		if (o->short_name) {
			size_t l = strlen(so);

			so[l] = o->short_name;
			so[l + 1] = o->metavar ? ':' : '\0';
			so[l + 2] = '\0';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ 0 };
	strcat(so, "h");
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct row *r = NULL;

		if (ch == 'h') {
			opts_help(c, stdout);
			return -1;
		}
		if (ch == '?' && optopt > 0 && optopt < 256)
			return usage_error(c->name, "unknown option '-%c'",
					   optopt);
		if (ch == '?' && optopt >= 256)
			return usage_error(c->name, "option '--%s' takes no "
					   "argument", lo[optopt - 256].name);
		if (ch == '?' || ch == ':')
			return usage_error(c->name, ch == ':'
					   ? "option '%s' needs an argument"
					   : "unknown option '%s'",
					   argv[optind - 1]);
		if (ch >= 256)
			r = &rows[ch - 256];
		for (int i = 0; i < n && !r; i++)
			if (rows[i].o->short_name == ch)
				r = &rows[i];
		if (!r)
			return usage_error(c->name, "unknown option '-%c'", ch);
		rc = store(c, r, args, optarg);
		if (rc)
			return rc;
		if (!strcmp(r->o->name, "output"))
			output = optarg;
	}
	if ((c->flags & OPTS_NO_OPERANDS) && optind < argc)
		return usage_error(c->name, "unexpected argument '%s'",
				   argv[optind]);
	if ((c->flags & OPTS_ONE_OPERAND) && optind + 1 < argc)
		return usage_error(c->name, "unexpected argument '%s'",
				   argv[optind + 1]);
	if ((c->flags & OPTS_NEED_OUTPUT) && !output)
		return usage_error(c->name, "-o FILE is required");
	/* Refuse to overwrite an input before anything else is done. */
	if (output && (rc = out_check(c->name, output)))
		return rc;
	if (first)
		*first = optind;
	return 0;
}
