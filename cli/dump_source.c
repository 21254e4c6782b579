// SPDX-License-Identifier: MIT
/*
 * Which vmcore (header, memory, format, device dumps, --vmcore) and opening
 * it: assemble's options as opts.c rows (dump_src_opts), which `mount`
 * includes next to its own; `mount guest` and `mount zfcpdump` include
 * guest_src_opts and zfcp_src_opts the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

static vmc_status o_devdump(void *args, const char *arg, vmc_error *e)
{
	struct dump_src *s = args;
	void *p = realloc(s->dd, (s->nr_dd + 1) * sizeof(*s->dd));

	if (!p)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	s->dd = p;
	if (collect_parse(arg, &s->dd[s->nr_dd], e))
		return VMC_ERR_INVALID;
	s->nr_dd++;
	return VMC_OK;
}

/* elfcorehdr= syntax: [SIZE@]ADDR, each with optional K/M/G (memparse). */
static vmc_status o_hdr_addr(void *args, const char *arg, vmc_error *e)
{
	struct dump_src *s = args;
	const char *at = strrchr(arg, '@');

	s->have_addr = true;
	return vmc_parse_u64(at ? at + 1 : arg, &s->hdr_addr, e);
}

static vmc_status o_arch(void *args, const char *arg, vmc_error *e)
{
	struct dump_src *s = args;
	struct vmc_elf_id id;
	vmc_status st = vmc_arch_parse(arg, &id, e);

	s->o.machine = id.machine;
	return st;
}

static vmc_status o_note_align(void *args, const char *arg, vmc_error *e)
{
	struct dump_src *s = args;

	s->o.have_note_align = true;
	return vmc_parse_u64(arg, &s->o.note_align, e);
}

#define T struct dump_src
const struct opt dump_src_opts[] = {
	OPT_SEC("Header (one of; with none, assemble searches memory for the "
		"header a\nkexec loader placed and uses the one valid "
		"candidate):"),
	OPT_CALL_("elfcorehdr-addr", "ADDR", o_hdr_addr,
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
	OPT_CALL_("arch", "ARCH", o_arch,
		  "accept only this machine (default: any known)"),
	OPT_CALL_("note-align", "N", o_note_align,
		  "p_align of the merged PT_NOTE (default: 4, or 0\n"
		  "when VMCOREINFO says Linux < 6.2)"),
	OPT_FLAG_(T, "lenient", o.lenient,
		  "continue where the kernel continues, with\n"
		  "warnings (default: fail with the kernel's reason)"),
	OPT_SEC("Device dumps (NT_VMCOREDD, as drivers add them with "
		"vmcore_add_device_dump;\nrepeatable, in this order, before "
		"the notes):"),
	OPT_CALL_("device-dump", "NAME=FILE|NAME=exec:COMMAND", o_devdump,
		  "the file's bytes, or what 'sh -c COMMAND' prints\n"
		  "(its exit status is the collector's result:\n"
		  "nonzero adds nothing); NAME: 1 to 43 bytes"),
	OPT_U64_(T, "device-dump-max", "SIZE", dd_max,
		 "largest dump (default 256M)"),
	{ 0 },
};
#undef T

int dump_src_init(struct dump_src *s, const char *cmd, vmc_error *e)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->o = (struct vmc_dump_opts)VMC_DUMP_OPTS_INIT;
	s->dd_max = COLLECT_MAX_DEFAULT;
	s->fd = -1;
	if (vmc_physmem_new(&s->pm, e))
		return fail(cmd, e);
	return EXIT_OK;
}

int dump_src_check(const struct dump_src *s)
{
	if (s->vmcore && vmc_physmem_nr_maps(s->pm))
		return usage_error(s->cmd, "--vmcore takes no memory options "
				   "(the vmcore holds its memory)");
	if (!s->vmcore && vmc_physmem_nr_maps(s->pm) == 0) /* --memory*, --zero */
		return usage_error(s->cmd, "no --memory given (--memory, "
				   "--memory-map, --memory-elf or --zero)");
	int nr = s->have_addr + !!s->hdr_file + !!s->hdr_newmem + !!s->vmcore;

	if (nr > 1 || (nr == 0 && !s->search_ok))
		return usage_error(s->cmd, "give %s of --elfcorehdr-addr "
				   "ADDR, --elfcorehdr FILE%s and "
				   "--elfcorehdr-newmem FILE",
				   s->search_ok ? "at most one" : "one",
				   s->vmcore_ok ? ", --vmcore FILE" : "");
	return EXIT_OK;
}

/*
 * No header option: the header a kexec loader left in memory
 * (vmc_guest_find_elfcorehdr).  Exactly one valid candidate is used and
 * named; none, or several, is an error listing them.
 */
static int find_header(struct dump_src *s, vmc_error *e)
{
	struct vmc_guest_hdr *h;
	size_t nr, nr_valid = 0;

	if (vmc_guest_find_elfcorehdr(&h, &nr, s->pm, e))
		return fail(s->cmd, e);
	while (nr_valid < nr && h[nr_valid].valid)
		nr_valid++;
	if (nr_valid == 1) {
		s->hdr_addr = h[0].paddr;
		s->have_addr = true;
		fprintf(stderr, "%s %s: elfcorehdr found at 0x%llx (%u CPU "
			"notes, %u PT_LOADs, VMCOREINFO of %s); as "
			"--elfcorehdr-addr 0x%llx\n", prog, s->cmd,
			(unsigned long long)h[0].paddr, h[0].nr_prstatus,
			h[0].nr_ptload, h[0].osrelease,
			(unsigned long long)h[0].paddr);
		vmc_guest_hdrs_free(h);
		return 0;
	}
	fprintf(stderr, "%s %s: %s; give --elfcorehdr-addr. Candidates:\n",
		prog, s->cmd, nr_valid ? "several valid elfcorehdr candidates"
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

static int open_header(struct dump_src *s, vmc_error *e)
{
	if (s->vmcore) {
		if (vmc_source_open_file(&s->vsrc, s->vmcore, e))
			return fail(s->cmd, e);
		s->fd = vmc_source_fd(s->vsrc);
		return EXIT_OK;
	}
	if (!s->have_addr && !s->hdr_file && !s->hdr_newmem) {
		int rc = find_header(s, e);

		if (rc)
			return rc;
	}
	if (s->hdr_newmem) {
		s->newmem = slurp(s->hdr_newmem, 64 << 20, &s->newmem_len, e);
		if (!s->newmem ||
		    vmc_hdr_source_new_buffer(&s->hs, s->newmem, s->newmem_len,
					      VMC_NOTES_BY_PLACE, s->pm, e))
			return fail(s->cmd, e);
	} else if (s->hdr_file) {
		if (vmc_source_open_file(&s->hsrc, s->hdr_file, e) ||
		    vmc_hdr_source_new_source(&s->hs, s->hsrc, s->pm, e))
			return fail(s->cmd, e);
	} else if (vmc_hdr_source_new_oldmem(&s->hs, s->pm, s->hdr_addr, e)) {
		return fail(s->cmd, e);
	}
	return EXIT_OK;
}

int dump_src_open(struct dump_src *s, vmc_error *e)
{
	vmc_status st;
	int rc = open_header(s, e);

	if (rc)
		return rc;
	st = s->vmcore ? vmc_dump_open_vmcore(&s->d, s->vsrc, &s->o, e)
		       : vmc_dump_open(&s->d, s->hs, s->pm, &s->o, e);
	if (st)
		return st == VMC_ERR_INVALID ? usage_error(s->cmd, "%s", e->msg)
					     : fail(s->cmd, e);
	for (size_t i = 0; i < s->nr_dd; i++)
		if (collect_add(s->d, &s->dd[i], s->dd_max, e))
			return fail(s->cmd, e);
	return EXIT_OK;
}

void dump_src_free(struct dump_src *s)
{
	vmc_dump_free(s->d);
	vmc_hdr_source_close(s->hs);
	vmc_source_close(s->hsrc);
	vmc_source_close(s->vsrc);
	free(s->newmem);
	vmc_physmem_free(s->pm);
	free(s->dd);
	memset(s, 0, sizeof(*s));
}
