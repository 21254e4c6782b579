// SPDX-License-Identifier: MIT
/* vmcorekit hotplug apply: the elfcorehdr segment after hotplug events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "cmd_hotplug.h"

#define CMD "hotplug apply"
#define MAX_EVENTS 4096

struct event_result {
	bool changed;
	size_t size, phnum;
};

struct apply_args {
	const char *sysroot, *elfcorehdr, *iomem;
	struct dump_out w;	/* -o, --force, --no-clobber, --fsync */
	struct vmc_build_opts b;
	struct vmc_hotplug_opts o;
	vmc_ranges *exclude;
	struct vmc_hp_event *ev;
	const char **ev_text;
	struct event_result *res;
	size_t nr_ev;
	bool json;
};

static vmc_status opt_event(void *args, const char *arg, vmc_error *e)
{
	struct apply_args *a = args;

	if (a->nr_ev == MAX_EVENTS)
		return vmc_error_set(e, VMC_ERR_INVALID, "more than %d events",
				     MAX_EVENTS);
	a->ev_text[a->nr_ev] = arg;
	return vmc_hp_event_parse(arg, &a->ev[a->nr_ev++], e);
}

static vmc_status opt_loader(void *args, const char *arg, vmc_error *e)
{
	return hp_loader_parse(arg, &((struct apply_args *)args)->o.loader, e);
}

static vmc_status opt_profile(void *args, const char *arg, vmc_error *e)
{
	return vmc_loader_parse(arg, &((struct apply_args *)args)->o.profile,
				 e);
}

#define T struct apply_args
static const struct opt opts[] = {
	OPT_SEC("Events:"),
	OPT_CALL_("event", "EVENT", opt_event,
		  "repeatable, applied in order: add-memory:RANGE\n"
		  "(a \"System RAM\" resource appears and goes\n"
		  "online), remove-memory:RANGE (it goes away),\n"
		  "offline-memory:RANGE (its blocks go offline,\n"
		  "the resource stays), online-memory:RANGE (blocks\n"
		  "of an existing resource go online),\n"
		  "add-cpu:N, remove-cpu:N (CPU N onlined/offlined)"),
	OPT_SEC("Inputs:"),
	OPT_STR_(T, "sysroot", "DIR", sysroot,
		 "the system before the events (a capture, or '/')"),
	OPT_CONST_(T, "from-system", sysroot, "/",
		   "the running system (same as --sysroot /)"),
	OPT_IN_(T, "elfcorehdr", "FILE", elfcorehdr,
		 "the segment's bytes before the events (default:\n"
		 "the header the loader builds from the sysroot);\n"
		 "alone, the header itself describes the system"),
	OPT_IN_(T, "iomem", "FILE", iomem, "use FILE as /proc/iomem"),
	OPT_RANGES_(T, "exclude", exclude,
		    "also cut this range out (repeatable)"),
	OPT_FLAG_(T, "allow-missing", b.allow_missing,
		  "build what can be built when inputs are missing"),
	OPT_SEC("Model:"),
	OPT_CALL_("loader", "NAME", opt_loader,
		  "kexec-file (default) or kexec-tools: who loaded"),
	OPT_CALL_("profile", "NAME", opt_profile,
		  "who regenerates: kexec-file (default, the kernel,\n"
		  "for both loaders) or kexec-tools (its rules)"),
	OPT_U64_(T, "capacity", "BYTES", o.capacity,
		 "the segment size (default: the loader's reserve\n"
		 "from sys/kernel/crash_elfcorehdr_size)"),
	OPT_SEC("Output:"),
	OPT_OUTPUT_(T, w.path, "the segment after the events, capacity bytes"),
	OPT_INCLUDE_(T, w, output_opts),
	OPT_FLAG_(T, "json", json, "print a JSON summary on standard output"),
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit hotplug apply (--sysroot DIR | --elfcorehdr FILE "
		 "[inputs])\n           --event EVENT ... [--capacity BYTES] "
		 "-o NEW [options]",
	.about =
"Regenerate the elfcorehdr after CPU or memory hotplug events, inside the\n"
"fixed segment the loader reserved, as Linux >= 6.6 does\n"
"(arch_crash_handle_hotplug_event), and write the segment's new bytes.\n"
"Each event is applied in turn; one that does not fit fails the run\n"
"(\"elfsz > memsz\") and nothing is written.  Prints the semantic diff.",
	.opts = opts,
	.footer = RANGE_HELP "\n"
		  "Exit: 0 ok, 1 bad input or an event that does not fit, "
		  "2 usage, 3 I/O or\na missing system file.",
	.flags = OPTS_NO_OPERANDS | OPTS_NEED_OUTPUT,
};

static int parse_args(int argc, char **argv, struct apply_args *a)
{
	int rc = opts_parse(&spec, a, argc, argv, NULL);

	if (rc)
		return rc;
	if (!a->nr_ev)
		return usage_error(CMD, "give at least one --event");
	if (a->json && strcmp(a->w.path, "-") == 0)
		return usage_error(CMD, "--json and -o - both use standard "
				   "output");
	if (!a->sysroot && !a->elfcorehdr && !a->iomem)
		return usage_error(CMD, "give --sysroot DIR, --from-system or "
				   "--elfcorehdr FILE");
	return EXIT_OK;
}

/* The model: from the system (and the old bytes, if given) or from the
 * header alone. */
static vmc_status open_model(struct apply_args *a, vmc_system *sys,
			     vmc_hotplug **hp, vmc_error *e)
{
	char *hdr = NULL;
	size_t len = 0;
	vmc_status st;

	if (a->elfcorehdr) {
		hdr = slurp(a->elfcorehdr, 256 << 20, &len, e);
		if (!hdr)
			return e->status;
	}
	if (a->sysroot || a->iomem) {
		st = load_system_inputs(sys, a->sysroot, a->iomem, e);
		if (!st)
			st = vmc_hotplug_new(hp, sys, &a->o, e);
		if (!st && hdr) {
			st = vmc_hotplug_set_segment(*hp, hdr, len, e);
			if (st)
				vmc_error_prefix(e, "%s", a->elfcorehdr);
		}
	} else {
		st = vmc_hotplug_new_from_header(hp, hdr, len, &a->o, e);
		if (st)
			vmc_error_prefix(e, "%s", a->elfcorehdr);
	}
	free(hdr);
	return st;
}

static size_t phnum_of(const uint8_t *seg, size_t len)
{
	vmc_source *src;
	vmc_elfcore *c;
	size_t n = 0;

	if (vmc_source_new_buffer(&src, seg, len, NULL))
		return 0;
	if (!vmc_elfcore_parse(&c, src, NULL)) {
		n = vmc_elfcore_nr_phdrs(c);
		vmc_elfcore_free(c);
	}
	vmc_source_close(src);
	return n;
}

static vmc_status run_events(struct apply_args *a, vmc_hotplug *hp,
			     vmc_error *e)
{
	for (size_t i = 0; i < a->nr_ev; i++) {
		vmc_hp_update *u;
		const uint8_t *seg;
		size_t len;
		vmc_status st = vmc_hotplug_prepare(&u, hp, &a->ev[i], e);

		if (st) {
			vmc_error_prefix(e, "event %zu", i + 1);
			return st;
		}
		a->res[i].changed = vmc_hp_update_changes(u);
		st = vmc_hotplug_commit(hp, u, NULL, e);
		if (st)
			return st;
		seg = vmc_hotplug_segment(hp, &len);
		a->res[i].size = vmc_hotplug_header_size(hp);
		a->res[i].phnum = phnum_of(seg, len);
	}
	return VMC_OK;
}

static void report(const struct apply_args *a, const vmc_hotplug *hp,
		   size_t old_size, const vmc_diff *d)
{
	size_t cap;
	FILE *f;

	vmc_hotplug_segment(hp, &cap);
	if (a->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "loader", vmc_loader_name(a->o.loader));
		json_str(&j, "profile", vmc_loader_name(a->o.profile));
		json_u64(&j, "capacity", cap);
		json_u64(&j, "old_header_size", old_size);
		json_u64(&j, "header_size", vmc_hotplug_header_size(hp));
		json_str(&j, "output", a->w.path);
		json_arr_begin(&j, "events");
		for (size_t i = 0; i < a->nr_ev; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "event", a->ev_text[i]);
			json_bool(&j, "changed", a->res[i].changed);
			json_u64(&j, "header_size", a->res[i].size);
			json_u64(&j, "phnum", a->res[i].phnum);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_diff_items(&j, d);
		json_obj_end(&j);
		json_done(&j);
		return;
	}
	/* With the segment on standard output, the report goes to stderr. */
	f = strcmp(a->w.path, "-") ? stdout : stderr;
	for (size_t i = 0; i < a->nr_ev; i++) {
		if (a->res[i].changed)
			fprintf(f, "%s: header %zu bytes, %zu program headers\n",
				a->ev_text[i], a->res[i].size, a->res[i].phnum);
		else
			fprintf(f, "%s: unchanged (every possible CPU is "
				"described already)\n", a->ev_text[i]);
	}
	print_diff_items(f, d);
	if (d && vmc_diff_count(d) == 0)
		fprintf(f, "same: no semantic difference\n");
	if (f == stdout)
		printf("%s: %zu bytes (%s segment, header %zu bytes)\n", a->w.path,
		       cap, vmc_loader_name(a->o.loader),
		       vmc_hotplug_header_size(hp));
}

/* Semantic diff of two segment images. */
static vmc_status diff_segments(const uint8_t *a, size_t alen,
				const uint8_t *b, size_t blen, vmc_diff **d,
				vmc_error *e)
{
	vmc_source *sa = NULL, *sb = NULL;
	vmc_elfcore *ca = NULL, *cb = NULL;
	vmc_status st = vmc_source_new_buffer(&sa, a, alen, e);

	if (!st)
		st = vmc_source_new_buffer(&sb, b, blen, e);
	if (!st)
		st = vmc_elfcore_parse(&ca, sa, e);
	if (!st)
		st = vmc_elfcore_parse(&cb, sb, e);
	if (!st)
		st = vmc_diff_new(d, ca, cb, e);
	vmc_elfcore_free(ca);
	vmc_elfcore_free(cb);
	vmc_source_close(sa);
	vmc_source_close(sb);
	return st;
}

static int apply(struct apply_args *a, vmc_error *e)
{
	vmc_system *sys = NULL;
	vmc_hotplug *hp = NULL;
	vmc_diff *d = NULL;
	uint8_t *old = NULL;
	const uint8_t *seg;
	size_t len, old_size = 0;
	vmc_status st = vmc_system_new(&sys, e);
	int rc;

	if (!st)
		st = open_model(a, sys, &hp, e);
	/* Only the headers are compared: a copy of the whole segment (the
	 * capacity, 1 GiB if asked) would cost that much memory. */
	if (!st) {
		seg = vmc_hotplug_segment(hp, &len);
		old_size = vmc_hotplug_header_size(hp);
		old = malloc(old_size ? old_size : 1);
		if (!old)
			st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		else
			memcpy(old, seg, old_size);
	}
	if (!st)
		st = run_events(a, hp, e);
	if (!st) {
		seg = vmc_hotplug_segment(hp, &len);
		st = diff_segments(old, old_size, seg,
				   vmc_hotplug_header_size(hp), &d, e);
	}
	rc = st ? fail(CMD, e) : out_write_all(CMD, &a->w, seg, len);
	if (!rc)
		report(a, hp, old_size, d);
	vmc_diff_free(d);
	free(old);
	vmc_hotplug_free(hp);
	vmc_system_free(sys);
	return rc;
}

int cmd_hotplug_apply(int argc, char **argv)
{
	struct apply_args a = {
		.b = VMC_BUILD_OPTS_INIT,
		.o = VMC_HOTPLUG_OPTS_INIT,
	};
	vmc_error e = { 0 };
	int rc = EXIT_ENV;

	a.ev = calloc(MAX_EVENTS, sizeof(*a.ev));
	a.ev_text = calloc(MAX_EVENTS, sizeof(*a.ev_text));
	a.res = calloc(MAX_EVENTS, sizeof(*a.res));
	if (!a.ev || !a.ev_text || !a.res || vmc_ranges_new(&a.exclude, &e))
		goto out;
	rc = parse_args(argc, argv, &a);
	if (rc)
		goto out;
	a.b.exclude = a.exclude;
	a.o.build = &a.b;
	rc = apply(&a, &e);
out:
	vmc_ranges_free(a.exclude);
	free(a.ev);
	free(a.ev_text);
	free(a.res);
	return rc < 0 ? EXIT_OK : rc;
}
