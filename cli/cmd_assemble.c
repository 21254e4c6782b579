// SPDX-License-Identifier: MIT
/* vmcorekit assemble: the kdump kernel's /proc/vmcore from an elfcorehdr
 * and memory images. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "assemble"

static void help(void)
{
	printf("Usage: %s assemble (--elfcorehdr-addr ADDR | --elfcorehdr FILE |\n"
"                           --elfcorehdr-newmem FILE)\n"
"                          --memory FILE@PADDR ... -o OUT [options]\n"
"\n"
"Assemble the kdump kernel's /proc/vmcore, byte for byte as\n"
"fs/proc/vmcore.c would serve it, from the ELF core header a kexec loader\n"
"placed and images of the crashed system's physical memory.\n"
"\n"
"Header (one of):\n"
"  --elfcorehdr-addr ADDR  the header in old memory at ADDR, as elfcorehdr=\n"
"                          gives it: 0x2f000000, 1031540K, [SIZE@]ADDR\n"
"  --elfcorehdr FILE       the header in a file (notes still from memory)\n"
"  --elfcorehdr-newmem FILE  a header built in the capture kernel ('vmcorekit\n"
"                          fadump build'): notes inside the file are read\n"
"                          from it, the others from memory\n"
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
"  --device-dump-max SIZE  largest dump (default 256M)\n"
"\n"
"Output:\n"
"  -o, --output FILE       write here ('-' for standard output)\n"
"  --fsync                 fsync before renaming into place\n"
"  --progress              show progress even when stderr is no terminal\n"
"  --no-progress           never show progress\n"
"  --no-copy-range         do not use copy_file_range (nor splice to a pipe)\n"
"  --no-sparse             write zeros instead of leaving holes\n"
"  --json                  print a JSON summary\n"
"  -h, --help              this text\n"
"\n"
"Exit: 0 ok, 1 bad input (the header, a note, uncovered memory), 2 usage,\n"
"3 I/O (reading an image, a full disk, interrupted).  A failure leaves no\n"
"output file.\n", prog);
}

enum { A_HDR_ADDR = 256, A_HDR_FILE, A_HDR_NEWMEM, A_MEMORY, A_MEMORY_MAP, A_MEMORY_ELF,
       A_ZERO, A_NOT_RAM, A_ALLOW_HOLES, A_PAGE_SIZE, A_ARCH, A_LENIENT,
       A_FSYNC, A_NOTE_ALIGN, A_PROGRESS, A_NO_PROGRESS, A_NO_CFR, A_NO_SPARSE, A_JSON,
       A_DEVDUMP, A_DEVDUMP_MAX };

static const struct option longopts[] = {
	{ "elfcorehdr-addr", required_argument, NULL, A_HDR_ADDR },
	{ "elfcorehdr", required_argument, NULL, A_HDR_FILE },
	{ "elfcorehdr-newmem", required_argument, NULL, A_HDR_NEWMEM },
	{ "memory", required_argument, NULL, A_MEMORY },
	{ "memory-map", required_argument, NULL, A_MEMORY_MAP },
	{ "memory-elf", required_argument, NULL, A_MEMORY_ELF },
	{ "zero", required_argument, NULL, A_ZERO },
	{ "not-ram", required_argument, NULL, A_NOT_RAM },
	{ "allow-holes", no_argument, NULL, A_ALLOW_HOLES },
	{ "page-size", required_argument, NULL, A_PAGE_SIZE },
	{ "arch", required_argument, NULL, A_ARCH },
	{ "lenient", no_argument, NULL, A_LENIENT },
	{ "note-align", required_argument, NULL, A_NOTE_ALIGN },
	{ "fsync", no_argument, NULL, A_FSYNC },
	{ "progress", no_argument, NULL, A_PROGRESS },
	{ "no-progress", no_argument, NULL, A_NO_PROGRESS },
	{ "no-copy-range", no_argument, NULL, A_NO_CFR },
	{ "no-sparse", no_argument, NULL, A_NO_SPARSE },
	{ "json", no_argument, NULL, A_JSON },
	{ "device-dump", required_argument, NULL, A_DEVDUMP },
	{ "device-dump-max", required_argument, NULL, A_DEVDUMP_MAX },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

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

static vmc_status add_devdump_spec(struct asm_args *a, const char *arg,
				   vmc_error *e)
{
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
static vmc_status parse_hdr_addr(const char *s, uint64_t *addr, vmc_error *e)
{
	const char *at = strrchr(s, '@');

	return vmc_parse_u64(at ? at + 1 : s, addr, e);
}

static int parse_args(int argc, char **argv, struct asm_args *a, vmc_error *e)
{
	struct vmc_elf_id id;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		vmc_status st = VMC_OK;

		switch (c) {
		case A_HDR_ADDR:
			st = parse_hdr_addr(optarg, &a->hdr_addr, e);
			a->have_addr = true;
			break;
		case A_HDR_FILE: a->hdr_file = optarg; break;
		case A_HDR_NEWMEM: a->hdr_newmem = optarg; break;
		case A_MEMORY:
			st = mem_add_image(a->pm, optarg, e);
			break;
		case A_MEMORY_MAP: st = mem_add_map_file(a->pm, optarg, e); break;
		case A_MEMORY_ELF: st = mem_add_elf(a->pm, optarg, e); break;
		case A_ZERO: st = mem_add_range(a->pm, optarg, true, e); break;
		case A_NOT_RAM: st = mem_add_range(a->pm, optarg, false, e); break;
		case A_ALLOW_HOLES: vmc_physmem_set_allow_holes(a->pm, true); break;
		case A_PAGE_SIZE: st = vmc_parse_u64(optarg, &a->o.page_size, e); break;
		case A_ARCH:
			st = vmc_arch_parse(optarg, &id, e);
			a->o.machine = id.machine;
			break;
		case A_LENIENT: a->o.lenient = true; break;
		case A_NOTE_ALIGN:
			st = vmc_parse_u64(optarg, &a->o.note_align, e);
			a->o.have_note_align = true;
			break;
		case A_FSYNC: a->w.fsync = true; break;
		case A_PROGRESS: a->w.progress = 1; break;
		case A_NO_PROGRESS: a->w.progress = 0; break;
		case A_NO_CFR: a->w.nocfr = true; break;
		case A_NO_SPARSE: a->w.nosparse = true; break;
		case A_JSON: a->w.json = true; break;
		case A_DEVDUMP: st = add_devdump_spec(a, optarg, e); break;
		case A_DEVDUMP_MAX:
			st = vmc_parse_u64(optarg, &a->dd_max, e);
			break;
		case 'o': a->w.path = optarg; break;
		case 'h': help(); return -1;
		default: return EXIT_USAGE;
		}
		if (st == VMC_ERR_INVALID ||
		    (st && (c == A_HDR_ADDR || c == A_PAGE_SIZE || c == A_ARCH ||
			    c == A_NOTE_ALIGN || c == A_DEVDUMP_MAX)))
			return usage_error(CMD, "%s", e->msg);
		if (st)
			return fail(CMD, e);
	}
	if (optind < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!a->w.path)
		return usage_error(CMD, "-o FILE is required");
	if (a->have_addr + !!a->hdr_file + !!a->hdr_newmem != 1)
		return usage_error(CMD, "give one of --elfcorehdr-addr ADDR, "
				   "--elfcorehdr FILE and --elfcorehdr-newmem "
				   "FILE");
	return EXIT_OK;
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
	rc = parse_args(argc, argv, &a, &e);
	if (rc)
		goto out;
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
