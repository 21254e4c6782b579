// SPDX-License-Identifier: MIT
/* vmcorekit assemble: the kdump kernel's /proc/vmcore from an elfcorehdr
 * and memory images. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "assemble"

struct asm_args {
	const char *hdr_file, *hdr_newmem;
	uint64_t hdr_addr;
	bool have_addr;
	struct dump_out w;
	struct vmc_dump_opts o;
	vmc_physmem *pm;
	struct collect_spec *dd;	/* --device-dump, in order */
	size_t nr_dd;
	uint64_t dd_max;
};

static vmc_status opt_devdump(void *args, const char *arg, vmc_error *e)
{
	struct asm_args *a = args;
	void *p = realloc(a->dd, (a->nr_dd + 1) * sizeof(*a->dd));

	if (!p)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	a->dd = p;
	if (collect_parse(arg, &a->dd[a->nr_dd], e))
		return VMC_ERR_INVALID;
	a->nr_dd++;
	return VMC_OK;
}

/* elfcorehdr= syntax: [SIZE@]ADDR, each with optional K/M/G (memparse). */
static vmc_status opt_hdr_addr(void *args, const char *arg, vmc_error *e)
{
	struct asm_args *a = args;
	const char *at = strrchr(arg, '@');

	a->have_addr = true;
	return vmc_parse_u64(at ? at + 1 : arg, &a->hdr_addr, e);
}

static vmc_status opt_arch(void *args, const char *arg, vmc_error *e)
{
	struct asm_args *a = args;
	struct vmc_elf_id id;
	vmc_status st = vmc_arch_parse(arg, &id, e);

	a->o.machine = id.machine;
	return st;
}

static vmc_status opt_note_align(void *args, const char *arg, vmc_error *e)
{
	struct asm_args *a = args;

	a->o.have_note_align = true;
	return vmc_parse_u64(arg, &a->o.note_align, e);
}

#define T struct asm_args
static const struct opt opts[] = {
	OPT_SEC("Header (at most one of; with none, memory is searched for the "
		"header a\nkexec loader placed and the one valid candidate is "
		"used):"),
	OPT_CALL_("elfcorehdr-addr", "ADDR", opt_hdr_addr,
		  "the header in old memory at ADDR, as elfcorehdr=\n"
		  "gives it: 0x2f000000, 1031540K, [SIZE@]ADDR"),
	OPT_IN_(T, "elfcorehdr", "FILE", hdr_file,
		 "the header in a file (notes still from memory)"),
	OPT_IN_(T, "elfcorehdr-newmem", "FILE", hdr_newmem,
		 "a header built in the capture kernel ('vmcorekit\n"
		 "fadump build'): notes inside the file are read\n"
		 "from it, the others from memory"),
	OPT_SEC("Memory (repeatable; mappings must not overlap):"),
	OPT_INCLUDE_(T, pm, memory_opts),
	OPT_FLAG_(T, "allow-huge-holes", o.allow_huge_holes,
		  "with --allow-holes, even over 1 GiB and 1024 times\n"
		  "the memory the sources cover (else refused)"),
	OPT_SEC("Format:"),
	OPT_U64_(T, "page-size", "N", o.page_size,
		 "4096 (default), 16384 or 65536"),
	OPT_CALL_("arch", "ARCH", opt_arch,
		  "accept only this machine (default: any known)"),
	OPT_CALL_("note-align", "N", opt_note_align,
		  "p_align of the merged PT_NOTE (default: 4, or 0\n"
		  "when VMCOREINFO says Linux < 6.2)"),
	OPT_FLAG_(T, "lenient", o.lenient,
		  "continue where the kernel continues, with\n"
		  "warnings (default: fail with the kernel's reason)"),
	OPT_SEC("Device dumps (NT_VMCOREDD, as drivers add them with "
		"vmcore_add_device_dump;\nrepeatable, in this order, before "
		"the notes):"),
	OPT_CALL_("device-dump", "NAME=FILE|NAME=exec:COMMAND", opt_devdump,
		  "the file's bytes, or what 'sh -c COMMAND' prints\n"
		  "(its exit status is the collector's result:\n"
		  "nonzero adds nothing); NAME: 1 to 43 bytes"),
	OPT_U64_(T, "device-dump-max", "SIZE", dd_max,
		 "largest dump (default 256M)"),
	OPT_SEC("Output:"),
	OPT_OUTPUT_(T, w.path, "write here ('-' for standard output)"),
	OPT_INCLUDE_(T, w, dump_out_opts),
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
	.footer = RANGE_HELP "\n" NUMBER_HELP "\n"
		  "Exit: 0 ok, 1 bad input (the header, a note, uncovered "
		  "memory), 2 usage,\n3 I/O (reading an image, a full disk, "
		  "interrupted).  A failure leaves no\noutput file.",
};

static int parse_args(int argc, char **argv, struct asm_args *a)
{
	int first, rc = opts_parse(&spec, a, argc, argv, &first);

	if (rc)
		return rc;
	if (first < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[first]);
	if (!a->w.path)
		return usage_error(CMD, "-o FILE is required");
	if (vmc_physmem_nr_maps(a->pm) == 0)	/* --memory*, --zero */
		return usage_error(CMD, "no --memory given (--memory, "
				   "--memory-map, --memory-elf or --zero)");
	if (a->have_addr + !!a->hdr_file + !!a->hdr_newmem > 1)
		return usage_error(CMD, "give at most one of --elfcorehdr-addr ADDR, "
				   "--elfcorehdr FILE and --elfcorehdr-newmem "
				   "FILE");
	return EXIT_OK;
}

/*
 * No header option: the header a kexec loader left in memory
 * (vmc_guest_find_elfcorehdr).  Exactly one valid candidate is used and
 * named; none, or several, is an error listing them.
 */
static int find_header(struct asm_args *a, vmc_error *e)
{
	struct vmc_guest_hdr *h;
	size_t nr, nr_valid = 0;

	if (vmc_guest_find_elfcorehdr(&h, &nr, a->pm, e))
		return fail(CMD, e);
	while (nr_valid < nr && h[nr_valid].valid)
		nr_valid++;
	if (nr_valid == 1) {
		a->hdr_addr = h[0].paddr;
		fprintf(stderr, "%s %s: elfcorehdr found at 0x%llx (%u CPU "
			"notes, %u PT_LOADs, VMCOREINFO of %s); as "
			"--elfcorehdr-addr 0x%llx\n", prog, CMD,
			(unsigned long long)h[0].paddr, h[0].nr_prstatus,
			h[0].nr_ptload, h[0].osrelease,
			(unsigned long long)h[0].paddr);
		vmc_guest_hdrs_free(h);
		return 0;
	}
	fprintf(stderr, "%s %s: %s; give --elfcorehdr-addr. Candidates:\n",
		prog, CMD, nr_valid ? "several valid elfcorehdr candidates"
				    : "no valid elfcorehdr in memory");
	for (size_t i = 0; i < nr && i < 16; i++)
		fprintf(stderr, "  0x%llx %s%s\n",
			(unsigned long long)h[i].paddr,
			h[i].valid ? "valid" : "invalid: ",
			h[i].valid ? "" : h[i].why);
	if (nr == 0)
		fprintf(stderr, "  (no ELF core header at any 1 KiB step)\n");
	vmc_guest_hdrs_free(h);
	return EXIT_DATA;
}

int cmd_assemble(int argc, char **argv)
{
	struct asm_args a = { .o = VMC_DUMP_OPTS_INIT, .w = DUMP_OUT_INIT,
			      .dd_max = COLLECT_MAX_DEFAULT };
	vmc_error e = { 0 };
	vmc_source *hsrc = NULL;
	vmc_hdr_source *hs = NULL;
	char *newmem = NULL;
	size_t newmem_len;
	vmc_dump *d = NULL;
	int rc;

	if (vmc_physmem_new(&a.pm, &e))
		return fail(CMD, &e);
	rc = parse_args(argc, argv, &a);
	if (rc)
		goto out;
	if (!a.have_addr && !a.hdr_file && !a.hdr_newmem) {
		rc = find_header(&a, &e);
		if (rc)
			goto out;
		a.have_addr = true;
	}
	if (a.hdr_newmem) {
		newmem = slurp(a.hdr_newmem, 64 << 20, &newmem_len, &e);
		if (!newmem ||
		    vmc_hdr_source_new_buffer(&hs, newmem, newmem_len,
					      VMC_NOTES_BY_PLACE, a.pm, &e)) {
			rc = fail(CMD, &e);
			goto out;
		}
	} else if (a.hdr_file) {
		if (vmc_source_open_file(&hsrc, a.hdr_file, &e) ||
		    vmc_hdr_source_new_source(&hs, hsrc, a.pm, &e)) {
			rc = fail(CMD, &e);
			goto out;
		}
	} else if (vmc_hdr_source_new_oldmem(&hs, a.pm, a.hdr_addr, &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	if (vmc_dump_open(&d, hs, a.pm, &a.o, &e)) {
		if (e.status == VMC_ERR_INVALID)
			rc = usage_error(CMD, "%s", e.msg);
		else
			rc = fail(CMD, &e);
		goto out;
	}
	for (size_t i = 0; i < a.nr_dd; i++)
		if (collect_add(d, &a.dd[i], a.dd_max, &e)) {
			rc = fail(CMD, &e);
			goto out;
		}
	rc = dump_write_out(CMD, &a.w, d, &e);
out:
	vmc_dump_free(d);
	vmc_hdr_source_close(hs);
	vmc_source_close(hsrc);
	free(newmem);
	vmc_physmem_free(a.pm);
	free(a.dd);
	return rc < 0 ? EXIT_OK : rc;
}
