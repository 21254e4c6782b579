// SPDX-License-Identifier: MIT
/* vmcorekit guest: a vmcore from a guest's RAM and vCPU registers, with no
 * kdump kernel in the guest (the inputs: guest_source.c). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "guest"

struct guest_args {
	struct guest_src g;
	struct dump_out w;
};

#define T struct guest_args
static const struct opt opts[] = {
	OPT_INCLUDE_(T, g, guest_src_opts),
	OPT_INCLUDE_(T, w, dump_write_opts),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit guest (--memory FILE@PADDR ... | --memory-elf "
		 "FILE)\n                       [--cpu-state FILE] "
		 "[--vmcoreinfo-addr ADDR] -o OUT",
	.about =
"Write an ELF vmcore that crash and drgn open from what a hypervisor holds\n"
"of a crashed or paused guest: its RAM and its vCPU registers. The guest\n"
"needs no crashkernel= reservation and no kdump kernel.  'vmcorekit mount\n"
"guest' serves the same file without writing it.",
	.opts = opts,
	.flags = OPTS_NO_OPERANDS | OPTS_NEED_OUTPUT,
	.footer =
"The vmcore has one NT_PRSTATUS per vCPU in vCPU order with pr_pid =\n"
"vCPU + 1 (as QEMU writes it), the VMCOREINFO note, and one PT_LOAD per\n"
"memory range, its data at the copy limit (holes kept).\n"
"\n"
NUMBER_HELP "\n"
"Exit: 0 ok, 1 bad input (registers, no VMCOREINFO, page tables), 2 usage,\n"
"3 I/O.  A failure leaves no output file.",
};

static int parse_args(int argc, char **argv, struct guest_args *a)
{
	int rc = opts_parse(&spec, a, argc, argv, NULL);

	return rc ? rc : guest_src_check(&a->g);
}

int cmd_guest(int argc, char **argv)
{
	struct guest_args a = { .w = DUMP_OUT_INIT };
	vmc_error e = { 0 };
	int rc = guest_src_init(&a.g, CMD, &e);

	if (rc)
		return rc;
	rc = parse_args(argc, argv, &a);
	if (!rc)
		rc = guest_src_open(&a.g, a.w.json, &e);
	/* guest_src_open said "no vCPU registers": a warning --strict counts */
	if (!rc && a.w.strict && vmc_vcpus_count(a.g.cpus) == 0)
		rc = strict_fail(CMD, 1, a.w.path);
	if (!rc)
		rc = dump_write_out(CMD, &a.w, a.g.d, &e);
	guest_src_free(&a.g);
	return rc < 0 ? EXIT_OK : rc;
}
