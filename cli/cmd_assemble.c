// SPDX-License-Identifier: MIT
/* vmcorekit assemble: the kdump kernel's /proc/vmcore from an elfcorehdr
 * and memory images. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CMD "assemble"

static void help(void)
{
	printf("Usage: %s assemble (--elfcorehdr-addr ADDR | --elfcorehdr FILE)\n"
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
"Output:\n"
"  -o, --output FILE       write here ('-' for standard output)\n"
"  --fsync                 fsync before renaming into place\n"
"  --progress              show progress even when stderr is no terminal\n"
"  --no-progress           never show progress\n"
"  --no-copy-range         do not use copy_file_range\n"
"  --no-sparse             write zeros instead of leaving holes\n"
"  --json                  print a JSON summary\n"
"  -h, --help              this text\n"
"\n"
"Exit: 0 ok, 1 bad input (the header, a note, uncovered memory), 2 usage,\n"
"3 I/O (reading an image, a full disk, interrupted).  A failure leaves no\n"
"output file.\n", prog);
}

enum { A_HDR_ADDR = 256, A_HDR_FILE, A_MEMORY, A_MEMORY_MAP, A_MEMORY_ELF,
       A_ZERO, A_NOT_RAM, A_ALLOW_HOLES, A_PAGE_SIZE, A_ARCH, A_LENIENT,
       A_FSYNC, A_NOTE_ALIGN, A_PROGRESS, A_NO_PROGRESS, A_NO_CFR, A_NO_SPARSE, A_JSON };

static const struct option longopts[] = {
	{ "elfcorehdr-addr", required_argument, NULL, A_HDR_ADDR },
	{ "elfcorehdr", required_argument, NULL, A_HDR_FILE },
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
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

struct asm_args {
	const char *hdr_file, *out;
	uint64_t hdr_addr;
	bool have_addr, fsync, json, nocfr, nosparse;
	int progress;		/* -1 auto, 0 off, 1 on */
	struct vmc_dump_opts o;
	vmc_physmem *pm;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* elfcorehdr= syntax: [SIZE@]ADDR, each with optional K/M/G (memparse). */
static vmc_status parse_hdr_addr(const char *s, uint64_t *addr, vmc_error *e)
{
	const char *at = strrchr(s, '@');

	return vmc_parse_u64(at ? at + 1 : s, addr, e);
}

static vmc_status open_image(vmc_physmem *pm, const char *path,
			     vmc_source **src, int *fd, vmc_error *e)
{
	vmc_status st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return vmc_error_set_errno(e, errno == ENOENT ? VMC_ERR_NOTFOUND
							      : VMC_ERR_IO,
					   errno, "%s: %s", path,
					   strerror(errno));
	st = vmc_source_new_fd(src, *fd, 1, e);
	if (st) {
		close(*fd);
		return vmc_error_prefix(e, "%s", path);
	}
	return vmc_physmem_own(pm, *src, e);
}

/* FILE@PADDR[,offset=N][,size=N] */
static vmc_status add_memory(vmc_physmem *pm, const char *spec, vmc_error *e)
{
	char *buf = strdup(spec), *at, *opt, *save = NULL;
	uint64_t paddr, off = 0, size = UINT64_MAX;
	vmc_source *src;
	vmc_status st = VMC_OK;
	int fd;

	if (!buf)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	at = strrchr(buf, '@');
	if (!at || at == buf) {
		free(buf);
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "'%s': want FILE@PADDR[,offset=N][,size=N]",
				     spec);
	}
	*at++ = '\0';
	opt = strtok_r(at, ",", &save);
	st = vmc_parse_u64(opt ? opt : "", &paddr, e);
	while (!st && (opt = strtok_r(NULL, ",", &save))) {
		if (!strncmp(opt, "offset=", 7))
			st = vmc_parse_u64(opt + 7, &off, e);
		else if (!strncmp(opt, "size=", 5))
			st = vmc_parse_u64(opt + 5, &size, e);
		else
			st = vmc_error_set(e, VMC_ERR_INVALID,
					   "'%s': unknown option '%s'", spec, opt);
	}
	if (st)
		e->status = st = VMC_ERR_INVALID;
	if (!st)
		st = open_image(pm, buf, &src, &fd, e);
	if (!st) {
		uint64_t fsz = vmc_source_size(src);

		if (size == UINT64_MAX)
			size = off < fsz ? fsz - off : 0;
		st = vmc_physmem_map(pm, paddr, size, src, off, fd, e);
		if (st == VMC_ERR_INVALID)	/* overlap: bad input */
			e->status = st = VMC_ERR_CORRUPT;
		if (st)
			vmc_error_prefix(e, "--memory %s", spec);
	}
	free(buf);
	return st;
}

static vmc_status add_memory_map(vmc_physmem *pm, const char *path,
				 vmc_error *e)
{
	size_t len, lineno = 0;
	char *text = slurp(path, 16 << 20, &len, e), *line, *save = NULL;
	vmc_status st = VMC_OK;

	if (!text)
		return e->status;
	for (line = strtok_r(text, "\n", &save); !st && line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *end;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
				   end[-1] == '\r'))
			*--end = '\0';
		if (!*p || *p == '#')
			continue;
		/* Relative image names are relative to the map file. */
		if (*p != '/' && strrchr(path, '/')) {
			int dl = (int)(strrchr(path, '/') - path);
			char *full = malloc((size_t)dl + strlen(p) + 2);

			if (!full) {
				st = vmc_error_set(e, VMC_ERR_NOMEM,
						   "out of memory");
				break;
			}
			sprintf(full, "%.*s/%s", dl, path, p);
			st = add_memory(pm, full, e);
			free(full);
		} else {
			st = add_memory(pm, p, e);
		}
		if (st)
			vmc_error_prefix(e, "%s:%zu", path, lineno);
	}
	free(text);
	return st;
}

static vmc_status add_range(vmc_physmem *pm, const char *s, bool zero,
			    vmc_error *e)
{
	uint64_t a, b;
	vmc_status st = vmc_parse_range(s, &a, &b, e);

	if (st)
		return e->status = VMC_ERR_INVALID;
	st = zero ? vmc_physmem_map_zero(pm, a, b, e)
		  : vmc_physmem_add_not_ram(pm, a, b, e);
	if (st == VMC_ERR_INVALID)	/* overlap: bad input */
		e->status = st = VMC_ERR_CORRUPT;
	return st;
}

static vmc_status add_memory_elf(vmc_physmem *pm, const char *path,
				 vmc_error *e)
{
	vmc_source *src;
	int fd;
	vmc_status st = open_image(pm, path, &src, &fd, e);

	if (!st)
		st = vmc_physmem_map_elfcore(pm, src, fd, NULL, e);
	if (st == VMC_ERR_INVALID)
		e->status = st = VMC_ERR_CORRUPT;
	if (st)
		vmc_error_prefix(e, "--memory-elf %s", path);
	return st;
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
		case A_MEMORY:
			st = add_memory(a->pm, optarg, e);
			break;
		case A_MEMORY_MAP: st = add_memory_map(a->pm, optarg, e); break;
		case A_MEMORY_ELF: st = add_memory_elf(a->pm, optarg, e); break;
		case A_ZERO: st = add_range(a->pm, optarg, true, e); break;
		case A_NOT_RAM: st = add_range(a->pm, optarg, false, e); break;
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
		case A_FSYNC: a->fsync = true; break;
		case A_PROGRESS: a->progress = 1; break;
		case A_NO_PROGRESS: a->progress = 0; break;
		case A_NO_CFR: a->nocfr = true; break;
		case A_NO_SPARSE: a->nosparse = true; break;
		case A_JSON: a->json = true; break;
		case 'o': a->out = optarg; break;
		case 'h': help(); return -1;
		default: return EXIT_USAGE;
		}
		if (st == VMC_ERR_INVALID ||
		    (st && (c == A_HDR_ADDR || c == A_PAGE_SIZE || c == A_ARCH ||
			    c == A_NOTE_ALIGN)))
			return usage_error(CMD, "%s", e->msg);
		if (st)
			return fail(CMD, e);
	}
	if (optind < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!a->out)
		return usage_error(CMD, "-o FILE is required");
	if (a->have_addr == !!a->hdr_file)
		return usage_error(CMD, "give one of --elfcorehdr-addr ADDR and "
				   "--elfcorehdr FILE");
	return EXIT_OK;
}

struct progress {
	struct timespec t0;
	double last;
	bool shown;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	double t = now_s(), el = t - ((double)p->t0.tv_sec +
				      (double)p->t0.tv_nsec / 1e9);
	double rate = el > 0 ? (double)done / el : 0;
	double eta = rate > 0 ? (double)(total - done) / rate : 0;

	if (done < total && t - p->last < 0.2)
		return;
	p->last = t;
	p->shown = true;
	fprintf(stderr, "\r%3d%%  %llu / %llu MiB  %.1f MB/s  ETA %d:%02d ",
		total ? (int)(done * 100 / total) : 100,
		(unsigned long long)(done >> 20),
		(unsigned long long)(total >> 20), rate / 1e6,
		(int)eta / 60, (int)eta % 60);
	fflush(stderr);
}

static const char *extent_kind(enum vmc_extent_kind k)
{
	return k == VMC_EXTENT_HEADER ? "header"
	     : k == VMC_EXTENT_NOTES ? "notes" : "memory";
}

static void summary(const struct asm_args *a, const vmc_dump *d,
		    const struct vmc_dump_write_stats *ws, double secs)
{
	struct vmc_dump_info in;
	FILE *f = strcmp(a->out, "-") ? stdout : stderr;

	vmc_dump_get_info(d, &in);
	for (size_t i = 0; !a->json && i < vmc_dump_nr_warnings(d); i++)
		fprintf(stderr, "%s %s: warning: %s\n", prog, CMD,
			vmc_dump_warning(d, i));
	if (a->json) {
		struct json j;

		json_init(&j, f);
		json_obj_begin(&j, NULL);
		json_str(&j, "output", a->out);
		json_u64(&j, "size", vmc_dump_size(d));
		json_str(&j, "class", in.id.cls == VMC_CLASS_64 ? "ELF64"
								: "ELF32");
		json_str(&j, "endian", in.id.order == VMC_LE ? "little" : "big");
		json_str(&j, "arch", vmc_machine_name(in.id.machine));
		json_u64(&j, "page_size", in.page_size);
		json_hex(&j, "elfcorehdr_addr", in.elfcorehdr_addr);
		json_u64(&j, "phnum_in", in.phnum_in);
		json_u64(&j, "phnum_out", in.phnum_out);
		json_u64(&j, "pt_note_in", in.nr_ptnote);
		json_u64(&j, "pt_load", in.nr_ptload);
		json_u64(&j, "header_size", in.header_len);
		json_u64(&j, "notes_size", in.notes_real_len);
		json_u64(&j, "memory_size", in.memory_len);
		json_arr_begin(&j, "extents");
		for (size_t i = 0; i < vmc_dump_nr_extents(d); i++) {
			const struct vmc_dump_extent *x = vmc_dump_extent(d, i);

			json_obj_begin(&j, NULL);
			json_str(&j, "kind", extent_kind(x->kind));
			json_hex(&j, "offset", x->off);
			json_u64(&j, "size", x->len);
			if (x->kind == VMC_EXTENT_MEMORY)
				json_hex(&j, "paddr", x->paddr);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_u64(&j, "bytes_copied", ws->copied);
		json_u64(&j, "bytes_written", ws->written);
		json_u64(&j, "bytes_sparse", ws->sparse);
		json_u64(&j, "zero_filled", ws->zero_filled);
		json_u64(&j, "not_ram", in.not_ram_len);
		json_arr_begin(&j, "warnings");
		for (size_t i = 0; i < vmc_dump_nr_warnings(d); i++)
			json_str(&j, NULL, vmc_dump_warning(d, i));
		json_arr_end(&j);
		json_f64(&j, "seconds", secs);
		json_obj_end(&j);
		json_done(&j);
		return;
	}
	if (f == stderr)
		return;
	printf("%s: %llu bytes, %u PT_LOAD, notes %llu bytes; copied %llu, "
	       "written %llu, holes %llu, zero-filled %llu; %.2f s\n",
	       a->out, (unsigned long long)vmc_dump_size(d), in.nr_ptload,
	       (unsigned long long)in.notes_real_len,
	       (unsigned long long)ws->copied,
	       (unsigned long long)ws->written,
	       (unsigned long long)ws->sparse,
	       (unsigned long long)ws->zero_filled, secs);
}

static int write_out(struct asm_args *a, vmc_dump *d, vmc_error *e)
{
	struct vmc_dump_write_opts wo = VMC_DUMP_WRITE_OPTS_INIT;
	struct vmc_dump_write_stats ws;
	struct sigaction sa = { .sa_handler = on_signal };
	struct progress p = { 0 };
	vmc_outfile *out;
	double t0 = now_s();
	vmc_status st;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	wo.cancel = &interrupted;
	wo.no_copy_range = a->nocfr;
	wo.no_sparse = a->nosparse;
	if (a->progress == 1 || (a->progress < 0 && isatty(STDERR_FILENO))) {
		clock_gettime(CLOCK_MONOTONIC, &p.t0);
		wo.progress = on_progress;
		wo.arg = &p;
	}
	st = vmc_outfile_open(&out, a->out, e);
	if (st)
		return fail(CMD, e);
	st = vmc_dump_write_fd(d, vmc_outfile_fd(out), &wo, &ws, e);
	if (p.shown)
		fputc('\n', stderr);
	if (st || interrupted) {
		vmc_outfile_abort(out);
		if (interrupted && e->status == VMC_OK)
			vmc_error_set(e, VMC_ERR_IO, "interrupted");
		if (interrupted)
			vmc_error_prefix(e, "stopped by a signal, %s removed",
					 strcmp(a->out, "-") ? a->out : "nothing");
		return fail(CMD, e);
	}
	st = vmc_outfile_commit(out, a->fsync, e);
	if (st)
		return fail(CMD, e);
	summary(a, d, &ws, now_s() - t0);
	return EXIT_OK;
}

int cmd_assemble(int argc, char **argv)
{
	struct asm_args a = { .o = VMC_DUMP_OPTS_INIT, .progress = -1 };
	vmc_error e = { 0 };
	vmc_source *hsrc = NULL;
	vmc_hdr_source *hs = NULL;
	vmc_dump *d = NULL;
	int rc;

	if (vmc_physmem_new(&a.pm, &e))
		return fail(CMD, &e);
	rc = parse_args(argc, argv, &a, &e);
	if (rc)
		goto out;
	if (a.hdr_file) {
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
	rc = write_out(&a, d, &e);
out:
	vmc_dump_free(d);
	vmc_hdr_source_close(hs);
	vmc_source_close(hsrc);
	vmc_physmem_free(a.pm);
	return rc < 0 ? EXIT_OK : rc;
}
