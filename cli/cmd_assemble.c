// SPDX-License-Identifier: MIT
/* vmcorekit assemble: the kdump kernel's /proc/vmcore from an elfcorehdr
 * and memory images. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "assemble"

struct asm_args {
	struct dump_src s;	/* header, memory, format, device dumps */
	struct dump_out w;
};

#define T struct asm_args
static const struct opt opts[] = {
	OPT_INCLUDE_(T, s, dump_src_opts),
	OPT_INCLUDE_(T, w, dump_write_opts),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit assemble [--elfcorehdr-addr ADDR | --elfcorehdr "
		 "FILE |\n                          --elfcorehdr-newmem FILE]\n"
		 "                          --memory FILE@PADDR ... -o OUT "
		 "[options]",
	.about = "Assemble the kdump kernel's /proc/vmcore, byte for byte as\n"
		 "fs/proc/vmcore.c would serve it, from the ELF core header a "
		 "kexec loader\nplaced and images of the crashed system's "
		 "physical memory.",
	.opts = opts,
	.flags = OPTS_NO_OPERANDS | OPTS_NEED_OUTPUT,
	.footer = RANGE_HELP "\n" NUMBER_HELP "\n"
		  "Exit: 0 ok, 1 bad input (the header, a note, uncovered "
		  "memory), 2 usage,\n3 I/O (reading an image, a full disk, "
		  "interrupted).  A failure leaves no\noutput file.",
};

static int parse_args(int argc, char **argv, struct asm_args *a)
{
	int rc = opts_parse(&spec, a, argc, argv, NULL);

	return rc ? rc : dump_src_check(&a->s);
}

int cmd_assemble(int argc, char **argv)
{
	struct asm_args a = { .w = DUMP_OUT_INIT };
	vmc_error e = { 0 };
	int rc = dump_src_init(&a.s, CMD, &e);

	if (rc)
		return rc;
	a.s.search_ok = true;
	rc = parse_args(argc, argv, &a);
	if (!rc)
		rc = dump_src_open(&a.s, &e);
	if (!rc)
		rc = dump_write_out(CMD, &a.w, a.s.d, &e);
	dump_src_free(&a.s);
	return rc < 0 ? EXIT_OK : rc;
}
