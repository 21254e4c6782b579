// SPDX-License-Identifier: MIT
/*
 * vmcorekit mount: serve the vmcore `assemble` would write as a read-only
 * file, without writing it.  This file says what the files are (vmcore,
 * vmcore.json, devdump/NAME) from the public API; mount_fuse.c serves
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mount_fuse.h"
#include "opts.h"
#include "vmcorekit/sys/source.h"

#define CMD "mount"

/* Which command's vmcore: the word after `mount` (none: assemble's, or
 * devdump add's with --vmcore). */
enum src_kind { SRC_ASSEMBLE, SRC_GUEST, SRC_ZFCPDUMP };
static const char *const src_word[] = { "assemble", "guest", "zfcpdump" };

struct margs {
	struct mount_cfg c;
	char *options;		/* -o, joined */
	uint64_t threads, readahead_kb;
	enum src_kind kind;
	struct dump_src s;
	struct guest_src g;
	struct zfcp_src z;
};

static vmc_status o_option(void *args, const char *o, vmc_error *e)
{
	struct margs *m = args;
	size_t old = m->options ? strlen(m->options) : 0;
	char *p = realloc(m->options, old + strlen(o) + 2);

	if (!p)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (old)
		p[old++] = ',';
	strcpy(p + old, o);
	m->options = p;
	return VMC_OK;
}

#define T struct margs
static const struct opt serve_opts[] = {
	OPT_SEC("Serving:"),
	{ .kind = OPT_FLAG, .name = "foreground", .short_name = 'f',
	  .off = offsetof(T, c.foreground),
	  .help = "stay in the foreground (default: print where it\n"
		  "mounted and the server's pid, then detach)" },
	{ .kind = OPT_CALL, .name = "option", .short_name = 'o',
	  .metavar = "OPT[,OPT...]", .fn = o_option,
	  .help = "mount options passed to FUSE (allow_other,\n"
		  "...; repeatable)" },
	OPT_FLAG_(T, "splice", c.splice,
		  "hand image data to libfuse to splice from the\n"
		  "images' page cache (default: pread into a\n"
		  "buffer, measured as fast; docs/performance.md)"),
	OPT_U64_(T, "threads", "N", threads,
		 "most worker threads (default 8, at most 256)"),
	OPT_U64_(T, "readahead", "KB", readahead_kb,
		 "the mount's readahead window (default 8192; the\n"
		 "kernel's 128 KiB cap is lifted through sysfs,\n"
		 "root only; 0 leaves it)"),
	{ .kind = OPT_FLAG, .name = "debug", .short_name = 'd',
	  .off = offsetof(T, c.debug),
	  .help = "libfuse's request trace (implies -f)" },
	{ 0 },
};

static const struct opt assemble_opts[] = {
	OPT_INCLUDE_(T, s, dump_src_opts),
	OPT_SEC("Or an existing vmcore (devdump add's input):"),
	OPT_IN_(T, "vmcore", "FILE", s.vmcore,
		"any ELF core with its notes in the file; no\n"
		"header or memory options, --device-dump adds"),
	{ .kind = OPT_INCLUDE, .sub = serve_opts },
	{ 0 },
};

static const struct opt guest_opts[] = {
	OPT_INCLUDE_(T, g, guest_src_opts),
	{ .kind = OPT_INCLUDE, .sub = serve_opts },
	{ 0 },
};

static const struct opt zfcpdump_opts[] = {
	OPT_INCLUDE_(T, z, zfcp_src_opts),
	{ .kind = OPT_INCLUDE, .sub = serve_opts },
	{ 0 },
};
#undef T

#define FILES \
"  MOUNTPOINT/vmcore          the exact bytes the command writes\n" \
"  MOUNTPOINT/vmcore.json     what assemble --json says about it\n" \
"  MOUNTPOINT/devdump/NAME    each device dump's payload (devdump extract)\n" \
"Unmount with 'fusermount3 -u MOUNTPOINT' (or umount), or send SIGTERM or\n" \
"SIGINT to the server: it unmounts and exits 0."
#define FOOTER \
NUMBER_HELP "\n" \
"Exit: 0 unmounted (or detached after mounting), 1 bad input (the header,\n" \
"a note, uncovered memory), 2 usage, 3 environment (no /dev/fuse, no\n" \
"fusermount3, the mount point missing or busy, an I/O error)."

static const struct cmd_spec specs[] = {
	[SRC_ASSEMBLE] = {
		.name = CMD,
		.usage = "vmcorekit mount [--elfcorehdr-addr ADDR | "
			 "--elfcorehdr FILE |\n"
			 "                         --elfcorehdr-newmem FILE] "
			 "--memory FILE@PADDR ... MOUNTPOINT\n"
			 "       vmcorekit mount --vmcore FILE "
			 "[--device-dump NAME=FILE ...] MOUNTPOINT\n"
			 "       vmcorekit mount guest [guest's inputs] "
			 "MOUNTPOINT\n"
			 "       vmcorekit mount zfcpdump [zfcpdump's inputs] "
			 "MOUNTPOINT",
		.about =
"Serve the vmcore that 'vmcorekit assemble' (or 'devdump add' with --vmcore,\n"
"'guest' after the word guest, 'zfcpdump assemble' after zfcpdump) would\n"
"write, as a read-only FUSE file system, without writing it anywhere:\n"
FILES "\n'vmcorekit mount guest --help' and 'mount zfcpdump --help' list "
"those inputs.",
		.opts = assemble_opts,
		.footer = RANGE_HELP "\n" FOOTER,
	},
	[SRC_GUEST] = {
		.name = "mount guest",
		.usage = "vmcorekit mount guest (--memory FILE@PADDR ... | "
			 "--memory-elf FILE)\n"
			 "                       [--cpu-state FILE] "
			 "[--vmcoreinfo-addr ADDR] MOUNTPOINT",
		.about =
"Serve the vmcore 'vmcorekit guest' would write from the same inputs, as a\n"
"read-only FUSE file system, without writing it:\n" FILES,
		.opts = guest_opts,
		.footer = FOOTER,
	},
	[SRC_ZFCPDUMP] = {
		.name = "mount zfcpdump",
		.usage = "vmcorekit mount zfcpdump [--save-areas DIR] [--hsa "
			 "FILE] --memory FILE@PADDR ...\n"
			 "                       MOUNTPOINT",
		.about =
"Serve the vmcore 'vmcorekit zfcpdump assemble' would write from the same\n"
"inputs, as a read-only FUSE file system, without writing it:\n" FILES,
		.opts = zfcpdump_opts,
		.footer = RANGE_HELP "\n" FOOTER,
	},
};

static int parse_args(int argc, char **argv, struct margs *m)
{
	const struct cmd_spec *spec = &specs[m->kind];
	int first, rc = opts_parse(spec, m, argc, argv, &first);

	if (rc)
		return rc;
	if (first != argc - 1)
		return usage_error(spec->name, first < argc ? "one MOUNTPOINT, "
				   "got '%s' too" : "MOUNTPOINT is missing%s",
				   first < argc ? argv[argc - 1] : "");
	if (m->threads > 256)
		return usage_error(spec->name, "--threads: want 1 to 256");
	if (m->readahead_kb > (1u << 20))
		return usage_error(spec->name, "--readahead: want 0 to 1048576 "
				   "(KiB)");
	m->c.threads = (unsigned)m->threads;
	m->c.readahead_kb = (unsigned)m->readahead_kb;
	m->c.foreground |= m->c.debug;
	m->c.mountpoint = argv[first];
	m->c.options = m->options;
	m->c.cmd = spec->name;
	return m->kind == SRC_GUEST ? guest_src_check(&m->g)
	     : m->kind == SRC_ZFCPDUMP ? zfcp_src_check(&m->z)
	     : dump_src_check(&m->s);
}

/* ---- the files ---- */

/* The dump as a vmc_source, so the device-dump listing reads it as it
 * reads any vmcore file. */
struct dump_source {
	struct vmc_source base;
	vmc_dump *d;
};

static vmc_status ds_read_at(vmc_source *src, uint64_t off, void *buf,
			     size_t len, vmc_error *e)
{
	return vmc_dump_read_at(((struct dump_source *)src)->d, off, buf, len,
				e);
}

static uint64_t ds_size(const vmc_source *src)
{
	return vmc_dump_size(((const struct dump_source *)src)->d);
}

static void ds_close(vmc_source *src)
{
	(void)src;	/* on the stack */
}

static const struct vmc_source_ops ds_ops = {
	.version = VMC_SOURCE_OPS_VERSION,
	.kind = "dump",
	.read_at = ds_read_at,
	.size = ds_size,
	.close = ds_close,
};

/* devdump/NAME: a repeated name gets "#INDEX", '/' becomes '_'. */
static void dump_file_name(struct mount_file *f, const vmc_devdump_list *l,
			   const struct vmc_devdump_entry *x)
{
	size_t i, dup = 0;

	for (i = 0; i < x->index; i++)
		dup += !strcmp(vmc_devdump_list_get(l, i)->name, x->name);
	if (dup)
		snprintf(f->name, sizeof(f->name), "%s#%zu", x->name, x->index);
	else
		snprintf(f->name, sizeof(f->name), "%s", x->name);
	for (char *p = f->name; *p; p++)
		if (*p == '/')
			*p = '_';
	if (!f->name[0] || !strcmp(f->name, ".") || !strcmp(f->name, ".."))
		snprintf(f->name, sizeof(f->name), "#%zu", x->index);
}

static void json_files(struct json *j, const struct mount_file *f, size_t n)
{
	json_arr_begin(j, "device_dump_files");
	for (size_t i = 0; i < n; i++) {
		if (!f[i].in_dir)
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "file", f[i].name);
		json_hex(j, "offset", f[i].dump_off);
		json_u64(j, "size", f[i].size);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* vmcore.json: assemble --json's description of the dump, and the
 * device-dump files. */
static char *summary_json(const struct margs *m, const struct mount_file *f,
			  size_t n, size_t *len)
{
	char *text = NULL;
	FILE *mf = open_memstream(&text, len);
	struct json j;

	if (!mf)
		return NULL;
	json_init(&j, mf);
	json_obj_begin(&j, NULL);
	json_str(&j, "file", "vmcore");
	json_str(&j, "source", m->kind == SRC_ASSEMBLE && m->s.vmcore
			       ? "devdump add" : src_word[m->kind]);
	if (m->kind == SRC_ASSEMBLE && m->s.vmcore)
		json_str(&j, "vmcore", m->s.vmcore);
	json_dump_fields(&j, m->c.d);
	json_files(&j, f, n);
	json_obj_end(&j);
	json_done(&j);
	if (fclose(mf)) {
		free(text);
		return NULL;
	}
	return text;
}

static int make_files(struct margs *m, struct mount_file **out, char **json,
		      vmc_error *e)
{
	struct mount_cfg *c = &m->c;
	struct dump_source ds = { { &ds_ops }, c->d };
	vmc_devdump_list *l = NULL;
	struct mount_file *f;
	size_t nr, json_len;

	if (vmc_devdump_list_open(&l, &ds.base, e))
		return fail(c->cmd, e);
	nr = vmc_devdump_list_count(l);
	f = calloc(nr + 2, sizeof(*f));
	if (!f) {
		vmc_devdump_list_free(l);
		return fail(c->cmd, &(vmc_error){ .status = VMC_ERR_NOMEM,
					       .msg = "out of memory" });
	}
	strcpy(f[0].name, "vmcore");
	f[0].size = vmc_dump_size(c->d);
	for (size_t i = 0; i < nr; i++) {
		const struct vmc_devdump_entry *x = vmc_devdump_list_get(l, i);

		dump_file_name(&f[2 + i], l, x);
		f[2 + i].in_dir = true;
		f[2 + i].size = x->data_len;
		f[2 + i].dump_off = x->data_off;
	}
	vmc_devdump_list_free(l);
	strcpy(f[1].name, "vmcore.json");
	*json = summary_json(m, f, nr + 2, &json_len);
	if (!*json) {
		free(f);
		return fail(c->cmd, &(vmc_error){ .status = VMC_ERR_NOMEM,
					       .msg = "out of memory" });
	}
	f[1].bytes = (const uint8_t *)*json;
	f[1].size = json_len;
	c->files = f;
	c->nr_files = nr + 2;
	c->have_dir = nr > 0;
	*out = f;
	return EXIT_OK;
}

/* Open the chosen source's dump (m->c.d): 0 or the exit code. */
static int open_dump(struct margs *m, vmc_error *e)
{
	int rc;

	switch (m->kind) {
	case SRC_GUEST:
		rc = guest_src_open(&m->g, false, e);
		m->c.d = m->g.d;
		break;
	case SRC_ZFCPDUMP:
		rc = zfcp_src_build(&m->z, e);
		if (!rc)
			rc = zfcp_src_open_dump(&m->z, e);
		m->c.d = m->z.d;
		break;
	default:
		rc = dump_src_open(&m->s, e);
		m->c.d = m->s.d;
		break;
	}
	return rc;
}

int cmd_mount(int argc, char **argv)
{
	struct margs m = { .readahead_kb = 8192 };
	struct mount_file *files = NULL;
	vmc_error e = { 0 };
	char *json = NULL;
	int rc;

	for (int k = SRC_GUEST; argc > 1 && k <= SRC_ZFCPDUMP; k++)
		if (!strcmp(argv[1], src_word[k])) {
			m.kind = (enum src_kind)k;
			argc--;
			argv++;
			break;
		}
	m.c.cmd = specs[m.kind].name;
	rc = m.kind == SRC_GUEST ? guest_src_init(&m.g, m.c.cmd, &e)
	   : m.kind == SRC_ZFCPDUMP ? zfcp_src_init(&m.z, m.c.cmd, &e)
	   : dump_src_init(&m.s, m.c.cmd, &e);
	if (rc)
		return rc;
	m.s.vmcore_ok = true;
	rc = parse_args(argc, argv, &m);
	if (!rc)
		rc = open_dump(&m, &e);
	if (!rc)
		rc = make_files(&m, &files, &json, &e);
	if (!rc)
		print_warnings(m.c.cmd, NULL, vmc_dump_warnings(m.c.d));
	if (!rc)
		rc = mount_fuse_serve(&m.c);
	free(files);
	free(json);
	free(m.options);
	if (m.kind == SRC_GUEST)
		guest_src_free(&m.g);
	else if (m.kind == SRC_ZFCPDUMP)
		zfcp_src_free(&m.z);
	else
		dump_src_free(&m.s);
	return rc < 0 ? EXIT_OK : rc;
}
