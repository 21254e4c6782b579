/* SPDX-License-Identifier: MIT */
#ifndef VMC_CLI_H
#define VMC_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"

/* Exit codes (docs/man/vmcorekit.1). */
enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,		/* bad input or data */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_ENV = 3,		/* I/O or environment */
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

extern const char *prog;

/* Print "vmcorekit CMD: msg" and return the exit code for the status. */
int fail(const char *cmd, const vmc_error *e);
/* "vmcorekit CMD: [WHAT: ]warning: MSG" on stderr for each warning of @w
 * (@what may be NULL). */
void print_warnings(const char *cmd, const char *what, const vmc_warnings *w);
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int status_exit_code(vmc_status st);

/* open(@path, O_RDONLY | O_CLOEXEC), retried on EINTR; errors name the
 * path (VMC_ERR_NOTFOUND for ENOENT, else VMC_ERR_IO). */
vmc_status open_ro(const char *path, int *fd, vmc_error *e);
/* Read @fd to its end into a new buffer (free()) of *len bytes plus a NUL
 * not counted; more than @max bytes is VMC_ERR_RANGE naming @what. */
vmc_status read_to_end(int fd, size_t max, const char *what, char **buf,
		       size_t *len, vmc_error *e);
/* Read a whole (small) file; NULL with *e set on failure. */
char *slurp(const char *path, size_t max, size_t *len, vmc_error *e);

/* The system inputs build and hotplug apply share: a sysroot (checked
 * first, so a typo names the directory), then an /proc/iomem file that
 * replaces the sysroot's.  Either may be NULL. */
vmc_status load_system_inputs(vmc_system *sys, const char *sysroot,
			      const char *iomem, vmc_error *e);

/* A minimal streaming JSON writer. */
struct json {
	FILE *f;
	int depth;
	bool first[32];
	bool pretty;
};
void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t n);
/* The messages of @w as strings, inside an open array. */
void json_warning_items(struct json *j, const vmc_warnings *w);

/* Length of the well-formed UTF-8 sequence at @s (<= @n bytes), 0 if none. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/* Write @n bytes of input data for a human: UTF-8 passes, control bytes,
 * backslashes and bytes that are not UTF-8 become \\ and \xHH. */
void text_escaped(FILE *f, const char *s, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_hex(struct json *j, const char *key, uint64_t v);
void json_f64(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
void json_done(struct json *j);
/* The shared keys (docs/json.md): a half-open range [@start, @end) as
 * "start" (hex string), "size" (number) and "range" (START-END, END
 * inclusive); "class" "ELF32"/"ELF64"; "endian" "little"/"big". */
void json_range(struct json *j, uint64_t start, uint64_t end);
void json_elf_class(struct json *j, enum vmc_class cls);
void json_endian(struct json *j, enum vmc_order order);
/* [@start, @end) as text: START-END with END inclusive (/proc/iomem). */
char *range_text(char *buf, size_t len, uint64_t start, uint64_t end);

/* A semantic diff (vmc_diff), as diff and hotplug apply report it: the
 * "differences" array, or one "KIND text" line per item.  @d may be NULL
 * (no items). */
void json_diff_items(struct json *j, const vmc_diff *d);
void print_diff_items(FILE *f, const vmc_diff *d);

/* ---- assembling a vmcore (dump_cli.c), shared by assemble and
 * zfcpdump assemble ---- */

/*
 * Open @path as a file source owned by @pm (its fd serves copy_file_range
 * through vmc_source_fd).  Errors: VMC_ERR_NOTFOUND, VMC_ERR_IO, VMC_ERR_NOMEM.
 */
vmc_status mem_open_image(vmc_physmem *pm, const char *path,
			  vmc_source **src, vmc_error *e);
/* --memory FILE@PADDR[,offset=N][,size=N].  Errors: VMC_ERR_INVALID (the
 * spec), VMC_ERR_CORRUPT (overlap), those of mem_open_image. */
vmc_status mem_add_image(vmc_physmem *pm, const char *spec, vmc_error *e);
/* --memory-map FILE: one --memory spec per line, relative to the file. */
vmc_status mem_add_map_file(vmc_physmem *pm, const char *path, vmc_error *e);
/* A cloud-hypervisor snapshot directory's memory: DIR/state.json's
 * memory_ranges mapped onto DIR/memory-ranges (cli/vmm_memory.c). */
vmc_status mem_add_ch_snapshot(vmc_physmem *pm, const char *dir, vmc_error *e);
/* --memory-elf FILE: an ELF core's PT_LOADs as memory. */
vmc_status mem_add_elf(vmc_physmem *pm, const char *path, vmc_error *e);
/* --zero (@zero) or --not-ram START-END. */
vmc_status mem_add_range(vmc_physmem *pm, const char *s, bool zero,
			 vmc_error *e);

struct dump_out {
	const char *path;	/* -o; "-" for standard output */
	bool fsync, json, nocfr, nosparse;
	enum vmc_copy_path copy_path;	/* --copy-path (assemble) */
	int progress;		/* -1 auto, 0 off, 1 on */
	int clobber;		/* enum vmc_clobber: --force, --no-clobber */
	bool strict;		/* --strict: any warning is exit 1 */
};
#define DUMP_OUT_INIT { .progress = -1 }

/* ---- the output of every writing command (output.c) ---- */

/* Remember a file the command reads: the output must not be one. */
void out_input(const char *path);
/* An output that is one of the inputs so far (same st_dev and st_ino):
 * a usage error (exit 2, the message printed); else 0. */
int out_check(const char *cmd, const char *path);
/*
 * Open o->path for writing (vmc_outfile_open_opts): first refuse an output
 * that is one of the inputs (exit 2), then make SIGINT/SIGTERM/SIGHUP
 * remove the temporary file and exit 3.  Returns the exit code (0: *@f is
 * open).
 */
int out_open(const char *cmd, const struct dump_out *o, vmc_outfile **f);
/* Commit (fsync with o->fsync); the exit code. */
int out_commit(const char *cmd, const struct dump_out *o, vmc_outfile *f);
void out_abort(vmc_outfile *f);
/*
 * --strict found @nr warnings (already printed): "N warnings (--strict)",
 * naming @path as not written when there is one; EXIT_DATA.  Every
 * command that reports warnings has --strict (docs/robustness.md, "Errors
 * and warnings"); a writing command checks before it opens its output.
 */
int strict_fail(const char *cmd, size_t nr, const char *path);
/* out_open, one write, out_commit: the exit code. */
int out_write_all(const char *cmd, const struct dump_out *o, const void *buf,
		  size_t len);
/* The same, @buf's all-zero 64 KiB chunks and then @pad zero bytes written
 * as holes (vmc_outfile_pad): a 16 GiB --capacity allocates nothing. */
int out_write_padded(const char *cmd, const struct dump_out *o,
		     const void *buf, size_t len, uint64_t pad);
/* fail(), except that EPIPE (the reader went away) ends the process
 * quietly by SIGPIPE, as it ends cat. */
int out_fail(const char *cmd, const vmc_error *e);
/* Flush and close standard output: a failed write of a text or JSON
 * report is exit 3 with a message (EPIPE: quietly, as out_fail). */
int out_finish_stdout(const char *cmd, int rc);

/*
 * Write @d to o->path through out_open (SIGINT/SIGTERM/SIGHUP stop it
 * and remove the temp file), then print the summary (or --json).  Returns
 * the exit code.
 */
int dump_write_out(const char *cmd, const struct dump_out *o, vmc_dump *d,
		   vmc_error *e);

/* The keys that describe an assembled dump (size, class, ..., extents,
 * not_ram, warnings), as assemble --json and mount's vmcore.json give
 * them. */
void json_dump_fields(struct json *j, const vmc_dump *d);

/* A device-dump collector of the command line (collect.c):
 * NAME=FILE or NAME=exec:COMMAND. */
struct collect_spec {
	const char *arg;	/* as given */
	char name[VMC_VMCOREDD_NAME_MAX];
	const char *file;	/* NAME=FILE */
	const char *cmd;	/* NAME=exec:COMMAND */
};
/* Default of --device-dump-max. */
#define COLLECT_MAX_DEFAULT (256ull << 20)
/* 0, or -1 with @e set (a usage error). */
int collect_parse(const char *arg, struct collect_spec *out, vmc_error *e);
/* Run the collector and add its dump to @d (nothing added on error). */
vmc_status collect_add(vmc_dump *d, const struct collect_spec *s,
		       uint64_t max, vmc_error *e);

/* ---- which vmcore (dump_source.c): the header, memory, format and
 * device-dump options (dump_src_opts in opts.h) ---- */

struct dump_src {
	const char *cmd;
	const char *hdr_file, *hdr_newmem, *vmcore;
	uint64_t hdr_addr;
	bool have_addr;
	bool vmcore_ok;			/* the command takes --vmcore */
	bool search_ok;			/* no header option: search memory */
	struct vmc_dump_opts o;
	vmc_physmem *pm;
	struct collect_spec *dd;	/* --device-dump, in order */
	size_t nr_dd;
	uint64_t dd_max;
	/* dump_src_open */
	vmc_source *hsrc, *vsrc;
	vmc_hdr_source *hs;
	char *newmem;
	size_t newmem_len;
	int fd;				/* --vmcore's descriptor */
	vmc_dump *d;
};

/* 0, or the exit code (a message printed). */
int dump_src_init(struct dump_src *s, const char *cmd, vmc_error *e);
/* After parsing: exactly one header, no memory with --vmcore. */
int dump_src_check(const struct dump_src *s);
/* Open the header, the dump (s->d) and add the device dumps. */
int dump_src_open(struct dump_src *s, vmc_error *e);
void dump_src_free(struct dump_src *s);

/* ---- which guest (guest_source.c, guest_src_opts in opts.h): what
 * `guest` writes and `mount guest` serves ---- */
struct guest_src {
	const char *cmd;
	vmc_physmem *pm;
	const char *elf, *cpu_state;	/* --memory-elf, --cpu-state */
	uint64_t vi_addr;
	bool have_vi_addr, no_dmap;
	/* guest_src_open: what was found, and the dump */
	vmc_vcpus *cpus;
	char *vi;			/* VMCOREINFO text */
	size_t vi_len;
	const char *vi_from;
	char vi_found[80];		/* vi_from after a search */
	uint64_t *ram;			/* [start, end) pairs */
	size_t nr_ram;
	struct vmc_guestcore_spec spec;
	uint8_t *hdr;
	size_t hdr_len;
	vmc_hdr_source *hs;
	vmc_dump *d;
};
/* 0, or the exit code (a message printed). */
int guest_src_init(struct guest_src *g, const char *cmd, vmc_error *e);
/* After parsing: some memory.  0 or the exit code. */
int guest_src_check(const struct guest_src *g);
/* Registers, VMCOREINFO, the page-table walk, the header and the dump
 * (g->d); says what it found on stderr unless @quiet.  0 or the exit
 * code (a message printed). */
int guest_src_open(struct guest_src *g, bool quiet, vmc_error *e);
void guest_src_free(struct guest_src *g);

/* ---- which s390 dump (zfcpdump_source.c, zfcp_src_opts in opts.h):
 * what `zfcpdump build|assemble` write and `mount zfcpdump` serves ---- */
struct zfcp_src {
	const char *cmd;
	const char *sa_dir, *hsa, *ranges_file;
	uint64_t hsa_size;
	bool have_hsa_size;
	vmc_physmem *pm;
	/* zfcp_src_build */
	vmc_zfcpdump_cpus *cpus;
	vmc_ranges *ranges;
	struct vmc_zfcpdump_oldmem om;
	struct vmc_zfcpdump_info info;
	uint8_t *hdr;
	size_t hdr_len;
	vmc_dump *d;			/* zfcp_src_open_dump */
};
int zfcp_src_init(struct zfcp_src *z, const char *cmd, vmc_error *e);
/* After parsing: --hsa-size needs --hsa.  0 or the exit code. */
int zfcp_src_check(const struct zfcp_src *z);
/* The HSA overlay, the CPUs, the ranges, old memory, then the header the
 * stand-alone dump kernel builds (z->hdr).  0 or the exit code. */
int zfcp_src_build(struct zfcp_src *z, vmc_error *e);
/* The /proc/vmcore it serves with that header (z->d).  0 or the exit
 * code. */
int zfcp_src_open_dump(struct zfcp_src *z, vmc_error *e);
void zfcp_src_free(struct zfcp_src *z);

int cmd_build(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_assemble(int argc, char **argv);
int cmd_zfcpdump(int argc, char **argv);
int cmd_hotplug(int argc, char **argv);
int cmd_devdump(int argc, char **argv);
int cmd_fadump(int argc, char **argv);
int cmd_guest(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_mount(int argc, char **argv);

#endif
