// SPDX-License-Identifier: MIT
/*
 * vmcorekit mount: serve the vmcore `assemble` would write as a read-only
 * file, without writing it.  This file says what the files are (vmcore,
 * vmcore.json, devdump/NAME) from the public API; mount_fuse.c serves
 * them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mount_fuse.h"
#include "vmcorekit/sys/source.h"

#define CMD "mount"

static void help(void)
{
	printf("Usage: %s mount (--elfcorehdr-addr ADDR | --elfcorehdr FILE |\n"
"                        --elfcorehdr-newmem FILE) --memory FILE@PADDR ...\n"
"                       [options] MOUNTPOINT\n"
"       %s mount --vmcore FILE [--device-dump NAME=FILE ...] MOUNTPOINT\n"
"\n"
"Serve the vmcore that 'vmcorekit assemble' (or 'devdump add' with\n"
"--vmcore) would write, as a read-only FUSE file system, without writing\n"
"it anywhere:\n"
"  MOUNTPOINT/vmcore          the exact bytes assemble writes\n"
"  MOUNTPOINT/vmcore.json     what assemble --json says about it\n"
"  MOUNTPOINT/devdump/NAME    each device dump's payload (devdump extract)\n"
"Unmount with 'fusermount3 -u MOUNTPOINT' (or umount), or send SIGTERM or\n"
"SIGINT to the server: it unmounts and exits 0.\n"
"\n", prog, prog);
	dump_src_help(stdout, true);
	printf("\n"
"Serving:\n"
"  -f, --foreground        stay in the foreground (default: print where it\n"
"                          mounted and the server's pid, then detach)\n"
"  -o OPT[,OPT...]         mount options passed to FUSE (allow_other,\n"
"                          ...; repeatable)\n"
"  --copy                  answer reads by pread into a buffer instead of\n"
"                          splicing from the memory images\n"
"  --threads N             most worker threads (default 8)\n"
"  --readahead KB          the mount's readahead window (default 1024; the\n"
"                          kernel's 128 KiB cap is lifted through sysfs,\n"
"                          root only; 0 leaves it)\n"
"  -d, --debug             libfuse's request trace (implies -f)\n"
"  -h, --help              this text\n"
"\n"
"Exit: 0 unmounted (or detached after mounting), 1 bad input (the header,\n"
"a note, uncovered memory), 2 usage, 3 environment (no /dev/fuse, no\n"
"fusermount3, the mount point missing or busy, an I/O error).\n");
}

enum { M_COPY = 256, M_THREADS, M_READAHEAD };

static const struct option own_opts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "debug", no_argument, NULL, 'd' },
	{ "copy", no_argument, NULL, M_COPY },
	{ "threads", required_argument, NULL, M_THREADS },
	{ "readahead", required_argument, NULL, M_READAHEAD },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

struct margs {
	struct mount_cfg c;
	char *options;		/* -o, joined */
};

static int add_options(struct margs *m, const char *o)
{
	size_t old = m->options ? strlen(m->options) : 0;
	char *p = realloc(m->options, old + strlen(o) + 2);

	if (!p)
		return fail(CMD, &(vmc_error){ .status = VMC_ERR_NOMEM,
					       .msg = "out of memory" });
	if (old)
		p[old++] = ',';
	strcpy(p + old, o);
	m->options = p;
	return EXIT_OK;
}

static int own_option(struct margs *m, int c, const char *arg)
{
	uint64_t n;
	vmc_error e = { 0 };

	switch (c) {
	case 'f': m->c.foreground = true; return EXIT_OK;
	case 'd': m->c.debug = m->c.foreground = true; return EXIT_OK;
	case 'o': return add_options(m, arg);
	case M_COPY: m->c.copy = true; return EXIT_OK;
	case M_THREADS:
		if (vmc_parse_u64(arg, &n, &e) || n < 1 || n > 256)
			return usage_error(CMD, "--threads: want 1 to 256");
		m->c.threads = (unsigned)n;
		return EXIT_OK;
	case M_READAHEAD:
		if (vmc_parse_u64(arg, &n, &e) || n > (1u << 20))
			return usage_error(CMD, "--readahead: want 0 to 1048576 "
					   "(KiB)");
		m->c.readahead_kb = (unsigned)n;
		return EXIT_OK;
	case 'h': help(); return -1;
	}
	return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct dump_src *s,
		      struct margs *m, vmc_error *e)
{
	struct option *longopts = dump_src_longopts(own_opts, true);
	int c, rc = EXIT_OK;

	if (!longopts)
		return fail(CMD, &(vmc_error){ .status = VMC_ERR_NOMEM,
					       .msg = "out of memory" });
	optind = 1;
	while (!rc &&
	       (c = getopt_long(argc, argv, "fdo:h", longopts, NULL)) != -1) {
		rc = dump_src_option(s, c, optarg, e);
		if (rc == -1)
			rc = own_option(m, c, optarg);
	}
	free(longopts);
	if (rc)
		return rc;
	if (optind != argc - 1)
		return usage_error(CMD, optind < argc ? "one MOUNTPOINT, got "
				   "'%s' too" : "MOUNTPOINT is missing%s",
				   optind < argc ? argv[argc - 1] : "");
	m->c.mountpoint = argv[optind];
	m->c.options = m->options;
	return dump_src_check(s);
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
static char *summary_json(const struct dump_src *s, const struct mount_file *f,
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
	if (s->vmcore)
		json_str(&j, "vmcore", s->vmcore);
	json_dump_fields(&j, s->d);
	json_files(&j, f, n);
	json_obj_end(&j);
	json_done(&j);
	if (fclose(mf)) {
		free(text);
		return NULL;
	}
	return text;
}

static int make_files(struct dump_src *s, struct mount_cfg *c,
		      struct mount_file **out, char **json, vmc_error *e)
{
	struct dump_source ds = { { &ds_ops }, s->d };
	vmc_devdump_list *l = NULL;
	struct mount_file *f;
	size_t nr, json_len;

	if (vmc_devdump_list_open(&l, &ds.base, e))
		return fail(CMD, e);
	nr = vmc_devdump_list_count(l);
	f = calloc(nr + 2, sizeof(*f));
	if (!f) {
		vmc_devdump_list_free(l);
		return fail(CMD, &(vmc_error){ .status = VMC_ERR_NOMEM,
					       .msg = "out of memory" });
	}
	strcpy(f[0].name, "vmcore");
	f[0].size = vmc_dump_size(s->d);
	for (size_t i = 0; i < nr; i++) {
		const struct vmc_devdump_entry *x = vmc_devdump_list_get(l, i);

		dump_file_name(&f[2 + i], l, x);
		f[2 + i].in_dir = true;
		f[2 + i].size = x->data_len;
		f[2 + i].dump_off = x->data_off;
	}
	vmc_devdump_list_free(l);
	strcpy(f[1].name, "vmcore.json");
	*json = summary_json(s, f, nr + 2, &json_len);
	if (!*json) {
		free(f);
		return fail(CMD, &(vmc_error){ .status = VMC_ERR_NOMEM,
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

int cmd_mount(int argc, char **argv)
{
	struct margs m = { .c = { .cmd = CMD, .readahead_kb = 1024 } };
	struct mount_file *files = NULL;
	struct dump_src s;
	vmc_error e = { 0 };
	char *json = NULL;
	int rc = dump_src_init(&s, CMD, &e);

	if (rc)
		return rc;
	s.vmcore_ok = true;
	rc = parse_args(argc, argv, &s, &m, &e);
	if (!rc)
		rc = dump_src_open(&s, &e);
	if (!rc)
		rc = make_files(&s, &m.c, &files, &json, &e);
	for (size_t i = 0; !rc && i < vmc_dump_nr_warnings(s.d); i++)
		fprintf(stderr, "%s %s: warning: %s\n", prog, CMD,
			vmc_dump_warning(s.d, i));
	if (!rc) {
		m.c.d = s.d;
		rc = mount_fuse_serve(&m.c);
	}
	free(files);
	free(json);
	free(m.options);
	dump_src_free(&s);
	return rc < 0 ? EXIT_OK : rc;
}
