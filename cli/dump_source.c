// SPDX-License-Identifier: MIT
/*
 * The options that say which vmcore to serve (header, memory, format,
 * device dumps, --vmcore) and opening it, for `mount`: assemble's options
 * and behaviour, as a getopt table (assemble's own rows are in cli/opts.c
 * form; folding these into shared opts.c rows is the next step).  A
 * command appends its own options with dump_src_longopts.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { S_HDR_ADDR = DUMP_SRC_OPT_FIRST, S_HDR_FILE, S_HDR_NEWMEM, S_MEMORY,
       S_MEMORY_MAP, S_MEMORY_ELF, S_ZERO, S_NOT_RAM, S_ALLOW_HOLES,
       S_PAGE_SIZE, S_ARCH, S_LENIENT, S_NOTE_ALIGN, S_DEVDUMP,
       S_DEVDUMP_MAX, S_VMCORE, S_END };

static const struct option src_opts[] = {
	{ "elfcorehdr-addr", required_argument, NULL, S_HDR_ADDR },
	{ "elfcorehdr", required_argument, NULL, S_HDR_FILE },
	{ "elfcorehdr-newmem", required_argument, NULL, S_HDR_NEWMEM },
	{ "memory", required_argument, NULL, S_MEMORY },
	{ "memory-map", required_argument, NULL, S_MEMORY_MAP },
	{ "memory-elf", required_argument, NULL, S_MEMORY_ELF },
	{ "zero", required_argument, NULL, S_ZERO },
	{ "not-ram", required_argument, NULL, S_NOT_RAM },
	{ "allow-holes", no_argument, NULL, S_ALLOW_HOLES },
	{ "page-size", required_argument, NULL, S_PAGE_SIZE },
	{ "arch", required_argument, NULL, S_ARCH },
	{ "lenient", no_argument, NULL, S_LENIENT },
	{ "note-align", required_argument, NULL, S_NOTE_ALIGN },
	{ "device-dump", required_argument, NULL, S_DEVDUMP },
	{ "device-dump-max", required_argument, NULL, S_DEVDUMP_MAX },
	{ "vmcore", required_argument, NULL, S_VMCORE },
};
#define NR_SRC_OPTS (sizeof(src_opts) / sizeof(src_opts[0]))

void dump_src_help(FILE *f, bool vmcore)
{
	fprintf(f,
"Header (one of):\n"
"  --elfcorehdr-addr ADDR  the header in old memory at ADDR, as elfcorehdr=\n"
"                          gives it: 0x2f000000, 1031540K, [SIZE@]ADDR\n"
"  --elfcorehdr FILE       the header in a file (notes still from memory)\n"
"  --elfcorehdr-newmem FILE  a header built in the capture kernel ('vmcorekit\n"
"                          fadump build'): notes inside the file are read\n"
"                          from it, the others from memory\n");
	if (vmcore)
		fprintf(f,
"  --vmcore FILE           an existing vmcore (any ELF core with its notes\n"
"                          in the file), as 'devdump add' reads it; no\n"
"                          memory options\n");
	fprintf(f,
"\n"
"Memory (repeatable; mappings must not overlap):\n"
"  --memory FILE@PADDR[,offset=N][,size=N]\n"
"                          a raw image mapped at physical PADDR, from file\n"
"                          offset N (default 0), N bytes (default: the rest)\n"
"  --memory-map FILE       one --memory spec per line ('#' comments)\n"
"  --memory-elf FILE       an ELF core as memory (QEMU dump-guest-memory,\n"
"                          makedumpfile -E, a vmcore): PT_LOAD paddr -> file\n"
"  --zero START-END        physical range of zeros (END inclusive, or\n"
"                          START+SIZE)\n"
"  --not-ram START-END     reads as zeros like pages pfn_is_ram() rejects\n"
"  --allow-holes           memory no source covers reads as zeros (counted)\n"
"\n"
"Format:\n"
"  --page-size N           4096 (default), 16384 or 65536\n"
"  --arch ARCH             accept only this machine (default: any known)\n"
"  --note-align N          p_align of the merged PT_NOTE (default: 4, or 0\n"
"                          when VMCOREINFO says Linux < 6.2)\n"
"  --lenient               continue where the kernel continues, with\n"
"                          warnings (default: fail with the kernel's reason)\n"
"\n"
"Device dumps (NT_VMCOREDD, as drivers add them with vmcore_add_device_dump;\n"
"repeatable, in this order, before the notes):\n"
"  --device-dump NAME=FILE the file's bytes (NAME: 1 to 43 bytes)\n"
"  --device-dump NAME=exec:COMMAND\n"
"                          what 'sh -c COMMAND' prints; its exit status is\n"
"                          the collector's result (nonzero: nothing added)\n"
"  --device-dump-max SIZE  largest dump (default 256M)\n");
}

struct option *dump_src_longopts(const struct option *own, bool vmcore)
{
	size_t n = 0, k = 0;
	struct option *all;

	while (own[n].name)
		n++;
	all = calloc(n + NR_SRC_OPTS + 1, sizeof(*all));
	if (!all)
		return NULL;
	for (size_t i = 0; i < NR_SRC_OPTS; i++)
		if (vmcore || src_opts[i].val != S_VMCORE)
			all[k++] = src_opts[i];
	memcpy(all + k, own, n * sizeof(*all));
	return all;
}

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

static vmc_status add_devdump_spec(struct dump_src *s, const char *arg,
				   vmc_error *e)
{
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
static vmc_status parse_hdr_addr(const char *s, uint64_t *addr, vmc_error *e)
{
	const char *at = strrchr(s, '@');

	return vmc_parse_u64(at ? at + 1 : s, addr, e);
}

int dump_src_option(struct dump_src *s, int c, const char *arg, vmc_error *e)
{
	struct vmc_elf_id id;
	vmc_status st = VMC_OK;

	switch (c) {
	case S_HDR_ADDR:
		st = parse_hdr_addr(arg, &s->hdr_addr, e);
		s->have_addr = true;
		break;
	case S_HDR_FILE: s->hdr_file = arg; break;
	case S_HDR_NEWMEM: s->hdr_newmem = arg; break;
	case S_VMCORE: s->vmcore = arg; break;
	case S_MEMORY: st = mem_add_image(s->pm, arg, e); break;
	case S_MEMORY_MAP: st = mem_add_map_file(s->pm, arg, e); break;
	case S_MEMORY_ELF: st = mem_add_elf(s->pm, arg, e); break;
	case S_ZERO: st = mem_add_range(s->pm, arg, true, e); break;
	case S_NOT_RAM: st = mem_add_range(s->pm, arg, false, e); break;
	case S_ALLOW_HOLES: vmc_physmem_set_allow_holes(s->pm, true); break;
	case S_PAGE_SIZE: st = vmc_parse_u64(arg, &s->o.page_size, e); break;
	case S_ARCH:
		st = vmc_arch_parse(arg, &id, e);
		s->o.machine = id.machine;
		break;
	case S_LENIENT: s->o.lenient = true; break;
	case S_NOTE_ALIGN:
		st = vmc_parse_u64(arg, &s->o.note_align, e);
		s->o.have_note_align = true;
		break;
	case S_DEVDUMP: st = add_devdump_spec(s, arg, e); break;
	case S_DEVDUMP_MAX: st = vmc_parse_u64(arg, &s->dd_max, e); break;
	default:
		return -1;	/* not ours */
	}
	s->memory |= c == S_MEMORY || c == S_MEMORY_MAP || c == S_MEMORY_ELF ||
		     c == S_ZERO || c == S_NOT_RAM || c == S_ALLOW_HOLES;
	if (st == VMC_ERR_INVALID ||
	    (st && (c == S_HDR_ADDR || c == S_PAGE_SIZE || c == S_ARCH ||
		    c == S_NOTE_ALIGN || c == S_DEVDUMP_MAX)))
		return usage_error(s->cmd, "%s", e->msg);
	if (st)
		return fail(s->cmd, e);
	return EXIT_OK;
}

int dump_src_check(const struct dump_src *s)
{
	if (s->have_addr + !!s->hdr_file + !!s->hdr_newmem + !!s->vmcore != 1)
		return usage_error(s->cmd, "give one of --elfcorehdr-addr ADDR, "
				   "--elfcorehdr FILE%s and --elfcorehdr-newmem "
				   "FILE", s->vmcore_ok ? ", --vmcore FILE" : "");
	if (s->vmcore && s->memory)
		return usage_error(s->cmd, "--vmcore takes no memory options "
				   "(the vmcore holds its memory)");
	return EXIT_OK;
}

static int open_header(struct dump_src *s, vmc_error *e)
{
	if (s->vmcore) {
		if (vmc_source_open_file(&s->vsrc, s->vmcore, e))
			return fail(s->cmd, e);
		s->fd = vmc_source_fd(s->vsrc);
		return EXIT_OK;
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
	st = s->vmcore ? vmc_dump_open_vmcore(&s->d, s->vsrc, s->fd, &s->o, e)
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
