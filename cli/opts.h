/* SPDX-License-Identifier: MIT */
/*
 * One option table per command: each row names an option once and drives
 * both getopt_long parsing and the --help text (the shape of libgit2's
 * src/cli/opt.h cli_opt_spec tables).  Plain options store into the
 * command's argument struct by offset; the rest call a small function.
 */
#ifndef VMC_CLI_OPTS_H
#define VMC_CLI_OPTS_H

#include <stddef.h>
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"

enum opt_kind {
	OPT_END = 0,
	OPT_SECTION,	/* a heading line in --help ("Inputs:") */
	OPT_FLAG,	/* bool at @off = true */
	OPT_STR,	/* const char * at @off = the argument (or @value) */
	OPT_U64,	/* uint64_t at @off = vmc_parse_u64(argument) */
	OPT_INT,	/* int at @off = @ival */
	OPT_CALL,	/* @fn(args, argument, e) */
	OPT_RANGES,	/* vmc_parse_range(argument) added to the vmc_ranges * at @off */
	OPT_INCLUDE,	/* the rows of @sub, their struct at @off */
};

/*
 * A handler's status: VMC_ERR_INVALID and VMC_ERR_RANGE (a value that does
 * not parse, a number too large) are usage errors (exit 2); any other
 * error is reported as fail() does.  A handler that reads a file turns
 * what is wrong inside it into another status (dump_cli.c: CORRUPT).
 */
typedef vmc_status (*opt_fn)(void *args, const char *arg, vmc_error *e);

struct opt {
	enum opt_kind kind;
	const char *name;	/* long name, or the heading of OPT_SECTION */
	char short_name;	/* 'o', or 0 */
	const char *metavar;	/* "FILE"; NULL: no argument */
	const char *help;	/* lines separated by '\n' */
	size_t off;		/* into the argument struct */
	opt_fn fn;
	const char *value;	/* OPT_STR without an argument */
	int ival;		/* OPT_INT */
	const struct opt *sub;	/* OPT_INCLUDE */
	bool input;		/* the argument is a file the command reads */
};

#define OPT_SEC(title) { .kind = OPT_SECTION, .name = (title) }
#define OPT_FLAG_(T, n, f, h) \
	{ .kind = OPT_FLAG, .name = (n), .help = (h), .off = offsetof(T, f) }
#define OPT_STR_(T, n, mv, f, h) \
	{ .kind = OPT_STR, .name = (n), .metavar = (mv), .help = (h), \
	  .off = offsetof(T, f) }
#define OPT_IN_(T, n, mv, f, h) \
	{ .kind = OPT_STR, .name = (n), .metavar = (mv), .help = (h), \
	  .off = offsetof(T, f), .input = true }
#define OPT_CONST_(T, n, f, v, h) \
	{ .kind = OPT_STR, .name = (n), .help = (h), .off = offsetof(T, f), \
	  .value = (v) }
#define OPT_U64_(T, n, mv, f, h) \
	{ .kind = OPT_U64, .name = (n), .metavar = (mv), .help = (h), \
	  .off = offsetof(T, f) }
#define OPT_INT_(T, n, f, v, h) \
	{ .kind = OPT_INT, .name = (n), .help = (h), .off = offsetof(T, f), \
	  .ival = (v) }
#define OPT_CALL_(n, mv, fn_, h) \
	{ .kind = OPT_CALL, .name = (n), .metavar = (mv), .help = (h), \
	  .fn = (fn_) }
#define OPT_RANGES_(T, n, f, h) \
	{ .kind = OPT_RANGES, .name = (n), .metavar = "RANGE", .help = (h), \
	  .off = offsetof(T, f) }
#define OPT_INCLUDE_(T, f, table) \
	{ .kind = OPT_INCLUDE, .off = offsetof(T, f), .sub = (table) }
#define OPT_OUTPUT_(T, f, h) \
	{ .kind = OPT_STR, .name = "output", .short_name = 'o', \
	  .metavar = "FILE", .help = (h), .off = offsetof(T, f) }

/* Rows several commands share (dump_cli.c): the options of struct
 * dump_out but -o, and the memory options over a vmc_physmem * field. */
extern const struct opt dump_out_opts[];
/* "Output:", -o FILE ('-': standard output) and dump_out_opts, over
 * struct dump_out: the output rows of every command that writes a dump. */
extern const struct opt dump_write_opts[];
/* --force, --no-clobber, --fsync over struct dump_out (output.c). */
extern const struct opt output_opts[];
extern const struct opt memory_opts[];
/* --memory and --memory-map alone (guest: its --memory-elf is its own). */
extern const struct opt memory_image_opts[];
/* Which vmcore (dump_source.c): header, memory, format, device dumps and
 * --vmcore, over struct dump_src (assemble's options; mount's default). */
extern const struct opt dump_src_opts[];
/* A guest's RAM and state (guest_source.c), over struct guest_src. */
extern const struct opt guest_src_opts[];
/* zfcpdump's inputs (zfcpdump_source.c), over struct zfcp_src. */
extern const struct opt zfcp_src_opts[];
/* A VMM snapshot as guest memory (cloud-hypervisor; guest, dmesg). */
extern const struct opt vmm_memory_opts[];

/* Footer lines the commands share. */
#define RANGE_HELP "RANGE is START-END (END inclusive, as /proc/iomem prints it) or START+SIZE."
#define NUMBER_HELP "Numbers take 0x hex, decimal, or K/M/G/T (KiB/MiB/GiB/TiB) suffixes."

/* What opts_parse checks after the options (usage errors). */
enum {
	OPTS_NO_OPERANDS = 1 << 0,	/* an operand: "unexpected argument" */
	OPTS_NEED_OUTPUT = 1 << 1,	/* no -o: "-o FILE is required" */
	OPTS_ONE_OPERAND = 1 << 2,	/* a second operand: "unexpected argument" */
};

/* A command: "Usage: " + @usage, @about, the table (+ -h, --help), then
 * @footer. */
struct cmd_spec {
	const char *name;	/* "build", "hotplug apply" */
	const char *usage;	/* lines after "Usage: " (first) and indented */
	const char *about;
	const struct opt *opts;
	const char *footer;
	unsigned flags;		/* OPTS_* */
};

void opts_help(const struct cmd_spec *c, FILE *f);

/*
 * Parse @argv (argv[0] is the command name) into @args.  Returns 0 with
 * *@first the index of the first operand (operands are permuted to the
 * end, as getopt_long does; @first may be NULL with OPTS_NO_OPERANDS), -1
 * when --help was printed (exit 0), or an exit code after printing the
 * message (usage errors as usage_error(): "vmcorekit CMD: ..." and "Try
 * --help").  @c->flags adds the checks every writing command makes.
 */
int opts_parse(const struct cmd_spec *c, void *args, int argc, char **argv,
	       int *first);

#endif
