// SPDX-License-Identifier: MIT
/* vmcorekit: a subcommand table. */
#include <string.h>

#include "cli.h"

static const struct command commands[] = {
	{ "build", "build the elfcorehdr a loader would place for crash kdump",
	  cmd_build },
	{ "show", "describe an elfcorehdr or vmcore: headers, notes, memory, lint",
	  cmd_show },
	{ "diff", "semantic difference of two ELF core headers", cmd_diff },
	{ "assemble", "the kdump kernel's /proc/vmcore from an elfcorehdr and "
	  "memory images", cmd_assemble },
	{ "zfcpdump", "s390 stand-alone dump: the header the dump kernel "
	  "builds, and its vmcore", cmd_zfcpdump },
	{ "hotplug", "crash hotplug: header capacity, regeneration after "
	  "events, digests, uevent watch", cmd_hotplug },
	{ "devdump", "device dumps (NT_VMCOREDD) in a vmcore: add, list, "
	  "extract", cmd_devdump },
	{ "dmesg", "the kernel log of a vmcore or of guest memory, without "
	  "vmlinux", cmd_dmesg },
	{ "fadump", "powerpc fadump: judge a crash info header, build the "
	  "capture kernel's elfcorehdr", cmd_fadump },
	{ "guest", "a vmcore from a guest's RAM and vCPU registers (no kdump in "
	  "the guest)", cmd_guest },
	{ "mount", "serve the assembled vmcore as a read-only FUSE file, "
	  "without writing it", cmd_mount },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s <command> [options]\n\n"
		"Linux crash-dump ELF cores in user space.\n\nCommands:\n", prog);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'%s <command> --help' for a command's options; "
		"man vmcorekit-<command> for details.\n"
		"Exit codes: 0 ok, 1 bad input or data, 2 usage, "
		"3 I/O or environment.\n", prog);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return out_finish_stdout("help", EXIT_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vmcorekit %s\n", VMCOREKIT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return out_finish_stdout(argv[1], commands[i].run(
					argc - 1, argv + 1));
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
