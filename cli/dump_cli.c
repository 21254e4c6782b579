// SPDX-License-Identifier: MIT
/*
 * What the commands that assemble a vmcore share: memory options
 * (--memory FILE@PADDR, --memory-map, --memory-elf, --zero, --not-ram)
 * and writing the dump (temp file + rename, progress, signals, summary).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "opts.h"

vmc_status mem_open_image(vmc_physmem *pm, const char *path,
			     vmc_source **src, vmc_error *e)
{
	struct stat sb;
	vmc_status st;

	out_input(path);
	/* Memory is read at the offsets the header asks for: a stream has
	 * none (and opening a FIFO would wait for a writer). */
	if (stat(path, &sb) == 0 && (S_ISFIFO(sb.st_mode) ||
				     S_ISSOCK(sb.st_mode)))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "%s: a %s cannot be a memory image", path,
				     S_ISFIFO(sb.st_mode) ? "FIFO" : "socket");
	st = vmc_source_open_file(src, path, e);
	if (st)
		return st;
	return vmc_physmem_own(pm, *src, e);
}

/*
 * The window [off, off + size) of an image of @fsz bytes: without size=,
 * the rest of the file.  An empty file, an offset past the end and an
 * explicit size the file does not hold are errors, not zeros.
 */
static vmc_status mem_image_window(uint64_t fsz, uint64_t off, uint64_t *size,
				   bool explicit_size, vmc_error *e)
{
	if (fsz == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "empty image");
	if (off >= fsz)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "offset=0x%llx is past the end of the file "
				     "(0x%llx bytes)", (unsigned long long)off,
				     (unsigned long long)fsz);
	if (!explicit_size)
		*size = fsz - off;
	else if (*size > fsz - off)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "size=0x%llx is larger than the file holds "
				     "past offset 0x%llx (0x%llx bytes)",
				     (unsigned long long)*size,
				     (unsigned long long)off,
				     (unsigned long long)(fsz - off));
	return VMC_OK;
}

/* FILE@PADDR[,offset=N][,size=N] */
vmc_status mem_add_image(vmc_physmem *pm, const char *spec, vmc_error *e)
{
	char *buf = strdup(spec), *at, *opt, *save = NULL;
	uint64_t paddr, off = 0, size = UINT64_MAX;
	vmc_source *src = NULL;
	vmc_status st = VMC_OK;
	bool has_size = false;

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
		else if (!strncmp(opt, "size=", 5) && (has_size = true))
			st = vmc_parse_u64(opt + 5, &size, e);
		else
			st = vmc_error_set(e, VMC_ERR_INVALID,
					   "'%s': unknown option '%s'", spec, opt);
	}
	if (st)
		e->status = st = VMC_ERR_INVALID;
	if (!st && (st = mem_open_image(pm, buf, &src, e)) == VMC_OK &&
	    (st = mem_image_window(vmc_source_size(src), off, &size, has_size,
				   e)) == VMC_OK) {
		st = vmc_physmem_map(pm, paddr, size, src, off, e);
		if (st == VMC_ERR_INVALID)	/* overlap: bad input */
			e->status = st = VMC_ERR_CORRUPT;
	}
	if (st && st != VMC_ERR_INVALID)
		vmc_error_prefix(e, "--memory %s", spec);
	free(buf);
	return st;
}

vmc_status mem_add_map_file(vmc_physmem *pm, const char *path, vmc_error *e)
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
		/* '#' starts a comment at the start of a line or after a
		 * blank, so "img@0  # low memory" works and "a#b@0" is a name. */
		for (end = p; *end; end++)
			if (*end == '#' && (end == p || end[-1] == ' ' ||
					    end[-1] == '\t')) {
				*end = '\0';
				break;
			}
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
			st = mem_add_image(pm, full, e);
			free(full);
		} else {
			st = mem_add_image(pm, p, e);
		}
		if (st == VMC_ERR_INVALID)	/* the file's content, not usage */
			e->status = st = VMC_ERR_CORRUPT;
		if (st)
			vmc_error_prefix(e, "%s:%zu", path, lineno);
	}
	free(text);
	return st;
}

vmc_status mem_add_range(vmc_physmem *pm, const char *s, bool zero,
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

vmc_status mem_add_elf(vmc_physmem *pm, const char *path, vmc_error *e)
{
	vmc_source *src;
	vmc_status st = mem_open_image(pm, path, &src, e);

	if (!st)
		st = vmc_physmem_map_elfcore(pm, src, NULL, e);
	if (st == VMC_ERR_INVALID)
		e->status = st = VMC_ERR_CORRUPT;
	if (st)
		vmc_error_prefix(e, "--memory-elf %s", path);
	return st;
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
	     : k == VMC_EXTENT_NOTES ? "notes"
	     : k == VMC_EXTENT_DEVDUMP ? "devdump"
	     : k == VMC_EXTENT_FILE ? "file" : "memory";
}

void json_dump_fields(struct json *j, const vmc_dump *d)
{
	struct vmc_dump_info in;

	vmc_dump_get_info(d, &in);
	json_u64(j, "size", vmc_dump_size(d));
	json_elf_class(j, in.id.cls);
	json_endian(j, in.id.order);
	json_str(j, "arch", vmc_machine_name(in.id.machine));
	json_u64(j, "page_size", in.page_size);
	json_hex(j, "elfcorehdr_addr", in.elfcorehdr_addr);
	json_u64(j, "phnum_in", in.phnum_in);
	json_u64(j, "phnum_out", in.phnum_out);
	json_u64(j, "pt_note_in", in.nr_ptnote);
	json_u64(j, "pt_load", in.nr_ptload);
	json_u64(j, "header_size", in.header_len);
	json_u64(j, "notes_size", in.notes_real_len);
	json_u64(j, "memory_size", in.memory_len);
	json_u64(j, "device_dumps", in.nr_devdumps);
	json_u64(j, "device_dumps_size", in.devdump_len);
	json_arr_begin(j, "extents");
	for (size_t i = 0; i < vmc_dump_nr_extents(d); i++) {
		const struct vmc_dump_extent *x = vmc_dump_extent(d, i);

		json_obj_begin(j, NULL);
		json_str(j, "kind", extent_kind(x->kind));
		json_hex(j, "offset", x->off);
		json_u64(j, "size", x->len);
		if (x->kind == VMC_EXTENT_MEMORY)
			json_hex(j, "paddr", x->paddr);
		if (x->kind == VMC_EXTENT_FILE)
			json_hex(j, "source_offset", x->src_off);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_u64(j, "not_ram", in.not_ram_len);
	json_arr_begin(j, "warnings");
	json_warning_items(j, vmc_dump_warnings(d));
	json_arr_end(j);
}

static void summary(const char *cmd, const struct dump_out *a,
		    const vmc_dump *d, const struct vmc_dump_write_stats *ws,
		    double secs)
{
	struct vmc_dump_info in;
	FILE *f = strcmp(a->path, "-") ? stdout : stderr;

	vmc_dump_get_info(d, &in);
	if (!a->json)
		print_warnings(cmd, NULL, vmc_dump_warnings(d));
	if (a->json) {
		struct json j;

		json_init(&j, f);
		json_obj_begin(&j, NULL);
		json_str(&j, "output", a->path);
		json_dump_fields(&j, d);
		json_str(&j, "copy_path", vmc_copy_path_name(ws->path));
		json_u64(&j, "bytes_cloned", ws->cloned);
		json_u64(&j, "bytes_copied", ws->copied);
		json_u64(&j, "bytes_written", ws->written);
		json_u64(&j, "bytes_sparse", ws->sparse);
		json_u64(&j, "zero_filled", ws->zero_filled);
		json_f64(&j, "seconds", secs);
		json_obj_end(&j);
		json_done(&j);
		return;
	}
	if (f == stderr)
		return;
	if (in.nr_devdumps)
		printf("%s: %u device dump%s added, %llu bytes, before the "
		       "notes\n", a->path, in.nr_devdumps,
		       in.nr_devdumps == 1 ? "" : "s",
		       (unsigned long long)in.devdump_len);
	printf("%s: %llu bytes, %u PT_LOAD, notes %llu bytes; %s: cloned "
	       "%llu, copied %llu, written %llu, holes %llu, zero-filled %llu; "
	       "%.2f s\n",
	       a->path, (unsigned long long)vmc_dump_size(d), in.nr_ptload,
	       (unsigned long long)in.notes_real_len,
	       vmc_copy_path_name(ws->path), (unsigned long long)ws->cloned,
	       (unsigned long long)ws->copied,
	       (unsigned long long)ws->written,
	       (unsigned long long)ws->sparse,
	       (unsigned long long)ws->zero_filled, secs);
}

int dump_write_out(const char *cmd, const struct dump_out *a, vmc_dump *d,
		   vmc_error *e)
{
	struct vmc_dump_write_opts wo = VMC_DUMP_WRITE_OPTS_INIT;
	struct vmc_dump_write_stats ws;
	struct progress p = { 0 };
	vmc_outfile *out;
	double t0 = now_s();
	vmc_status st;
	int rc;

	wo.no_copy_range = a->nocfr;
	wo.path = a->copy_path;
	wo.no_sparse = a->nosparse;
	wo.name = strcmp(a->path, "-") ? a->path : "standard output";
	if (a->progress == 1 || (a->progress < 0 && isatty(STDERR_FILENO))) {
		clock_gettime(CLOCK_MONOTONIC, &p.t0);
		wo.progress = on_progress;
		wo.arg = &p;
	}
	/* The warnings are all known once the layout is: --strict stops
	 * before anything is written. */
	if (a->strict && vmc_warnings_count(vmc_dump_warnings(d))) {
		const vmc_warnings *w = vmc_dump_warnings(d);

		print_warnings(cmd, NULL, w);
		return strict_fail(cmd, vmc_warnings_count(w), a->path);
	}
	rc = out_open(cmd, a, &out);
	if (rc)
		return rc;
	st = vmc_dump_write_fd(d, vmc_outfile_fd(out), &wo, &ws, e);
	if (p.shown)
		fputc('\n', stderr);
	if (st) {
		out_abort(out);
		return out_fail(cmd, e);
	}
	rc = out_commit(cmd, a, out);
	if (rc)
		return rc;
	summary(cmd, a, d, &ws, now_s() - t0);
	return EXIT_OK;
}

/* ---- the option rows assemble, zfcpdump and devdump share ---- */

/* A bad spec is a usage error; what is wrong in a file it names is bad
 * data (exit 1), whatever its status (a truncated image is RANGE). */
static vmc_status data_status(vmc_status st, vmc_error *e)
{
	if (st == VMC_ERR_RANGE)
		e->status = st = VMC_ERR_CORRUPT;
	return st;
}

static vmc_status o_memory(void *pm, const char *arg, vmc_error *e)
{
	return data_status(mem_add_image(*(vmc_physmem **)pm, arg, e), e);
}

/* A bad line of a map file is bad data, as in a --ranges file. */
static vmc_status o_memory_map(void *pm, const char *arg, vmc_error *e)
{
	vmc_status st = mem_add_map_file(*(vmc_physmem **)pm, arg, e);

	if (st == VMC_ERR_INVALID)
		e->status = st = VMC_ERR_CORRUPT;
	return data_status(st, e);
}

static vmc_status o_memory_elf(void *pm, const char *arg, vmc_error *e)
{
	return data_status(mem_add_elf(*(vmc_physmem **)pm, arg, e), e);
}

static vmc_status o_ch_snapshot(void *pm, const char *arg, vmc_error *e)
{
	return data_status(mem_add_ch_snapshot(*(vmc_physmem **)pm, arg, e),
			   e);
}

static vmc_status o_zero(void *pm, const char *arg, vmc_error *e)
{
	return data_status(mem_add_range(*(vmc_physmem **)pm, arg, true, e),
			   e);
}

static vmc_status o_not_ram(void *pm, const char *arg, vmc_error *e)
{
	return data_status(mem_add_range(*(vmc_physmem **)pm, arg, false, e),
			   e);
}

static vmc_status o_allow_holes(void *pm, const char *arg, vmc_error *e)
{
	(void)arg;
	(void)e;
	vmc_physmem_set_allow_holes(*(vmc_physmem **)pm, true);
	return VMC_OK;
}

const struct opt memory_image_opts[] = {
	OPT_CALL_("memory", "FILE@PADDR[,offset=N][,size=N]", o_memory,
		  "a raw image mapped at physical PADDR, from file\n"
		  "offset N (default 0), N bytes (default: the rest)"),
	{ .kind = OPT_CALL, .name = "memory-map", .metavar = "FILE",
	  .fn = o_memory_map, .input = true,
	  .help = "one --memory spec per line ('#' comments)" },
	{ 0 },
};

const struct opt memory_opts[] = {
	{ .kind = OPT_INCLUDE, .sub = memory_image_opts },	/* same field */
	OPT_CALL_("memory-elf", "FILE", o_memory_elf,
		  "an ELF core as memory (QEMU dump-guest-memory,\n"
		  "makedumpfile -E, a vmcore): PT_LOAD paddr -> file"),
	OPT_CALL_("zero", "RANGE", o_zero, "physical range of zeros"),
	OPT_CALL_("not-ram", "RANGE", o_not_ram,
		  "reads as zeros like pages pfn_is_ram() rejects"),
	{ .kind = OPT_CALL, .name = "allow-holes", .fn = o_allow_holes,
	  .help = "memory no source covers reads as zeros (counted)" },
	{ 0 },
};

/* A VMM's snapshot as guest memory (guest, dmesg). */
const struct opt vmm_memory_opts[] = {
	{ .kind = OPT_CALL, .name = "cloud-hypervisor-snapshot",
	  .metavar = "DIR", .fn = o_ch_snapshot, .input = true,
	  .help = "a cloud-hypervisor snapshot: DIR/memory-ranges\n"
		  "at the ranges DIR/state.json lists" },
	{ 0 },
};

static vmc_status o_copy_path(void *w, const char *arg, vmc_error *e)
{
	return vmc_copy_path_parse(arg, &((struct dump_out *)w)->copy_path, e);
}

#define T struct dump_out
const struct opt dump_out_opts[] = {
	{ .kind = OPT_INCLUDE, .sub = output_opts },	/* same struct */
	OPT_INT_(T, "progress", progress, 1,
		 "show progress even when stderr is no terminal"),
	OPT_INT_(T, "no-progress", progress, 0, "never show progress"),
	OPT_CALL_("copy-path", "PATH", o_copy_path,
		  "how image data reaches a regular file: auto\n"
		  "(default: clone on XFS/btrfs, else copy-range),\n"
		  "read-write (4 MiB pread/pwrite), copy-range\n"
		  "(copy_file_range), clone (FICLONERANGE per\n"
		  "aligned extent)"),
	OPT_FLAG_(T, "no-copy-range", nocfr,
		  "read-write, and no splice to a pipe"),
	OPT_FLAG_(T, "no-sparse", nosparse,
		  "write zeros instead of leaving holes"),
	OPT_FLAG_(T, "json", json, "print a JSON summary"),
	{ 0 },
};

const struct opt dump_write_opts[] = {
	OPT_SEC("Output:"),
	OPT_OUTPUT_(T, path, "write here ('-' for standard output)"),
	{ .kind = OPT_INCLUDE, .sub = dump_out_opts },	/* same struct */
	{ 0 },
};
#undef T
