// SPDX-License-Identifier: MIT
/* vmcorekit hotplug: capacity, apply, digest, watch. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "cmd_hotplug.h"

static const struct command subs[] = {
	{ "capacity", "the elfcorehdr reserve for N CPUs and M memory ranges",
	  cmd_hotplug_capacity },
	{ "apply", "the elfcorehdr segment after CPU/memory hotplug events",
	  cmd_hotplug_apply },
	{ "digest", "the purgatory SHA-256 table of a kexec segment set",
	  cmd_hotplug_digest },
	{ "watch", "run a command once per burst of memory/CPU uevents",
	  cmd_hotplug_watch },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s hotplug <subcommand> [options]\n\n"
		"Crash hotplug: the elfcorehdr kept current when memory or CPUs\n"
		"come and go.\n\nSubcommands:\n", prog);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(f, "  %-9s %s\n", subs[i].name, subs[i].summary);
	fprintf(f, "\n'%s hotplug <subcommand> --help' for its options; "
		"man vmcorekit-hotplug for details.\n", prog);
}

int cmd_hotplug(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("hotplug", "give a subcommand: capacity, "
				   "apply, digest or watch");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	return usage_error("hotplug", "unknown subcommand '%s' (capacity, apply, "
			   "digest, watch)", argv[1]);
}

vmc_status hp_loader_parse(const char *name, enum vmc_loader *out,
			   vmc_error *e)
{
	vmc_status st = vmc_loader_parse(name, out, e);

	if (!st && *out == VMC_LOADER_GENERIC)
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown loader '%s' "
				     "(kexec-file, kexec-tools)", name);
	return st;
}

/* ---- capacity ---- */

#define CAP "hotplug capacity"

struct cap_args {
	uint64_t cpus, ranges, size;
	bool have_cpus, have_ranges, json;
	enum vmc_loader one;
};

static vmc_status opt_cpus(void *args, const char *arg, vmc_error *e)
{
	struct cap_args *a = args;

	a->have_cpus = true;
	return vmc_parse_u64(arg, &a->cpus, e);
}

static vmc_status opt_ranges(void *args, const char *arg, vmc_error *e)
{
	struct cap_args *a = args;

	a->have_ranges = true;
	return vmc_parse_u64(arg, &a->ranges, e);
}

static vmc_status opt_cap_loader(void *args, const char *arg, vmc_error *e)
{
	return hp_loader_parse(arg, &((struct cap_args *)args)->one, e);
}

static const struct opt cap_opts[] = {
	OPT_CALL_("max-cpus", "N", opt_cpus, "CPUs the reserve allows for"),
	OPT_CALL_("max-ranges", "M", opt_ranges,
		  "memory ranges the reserve allows for"),
	OPT_U64_(struct cap_args, "elfcorehdr-size", "BYTES", size,
		 "start from the sysfs value instead"),
	OPT_CALL_("loader", "NAME", opt_cap_loader, "one loader (default: both)"),
	OPT_FLAG_(struct cap_args, "json", json, "machine-readable output"),
	{ 0 },
};

static const struct cmd_spec cap_spec = {
	.name = CAP,
	.usage = "vmcorekit hotplug capacity (--max-cpus N --max-ranges M |\n"
		 "           --elfcorehdr-size BYTES) [--loader kexec-file|"
		 "kexec-tools] [--json]",
	.about =
"The elfcorehdr segment reserved for crash hotplug, as each loader sizes it:\n"
"  kexec-file   Linux crash_load_segments: 64 + 56 x (2 + N + M), page-rounded\n"
"  kexec-tools  --hotplug: ALIGN(crash_elfcorehdr_size, 1024), page-rounded\n"
"where crash_elfcorehdr_size = 56 x (2 + N + M) is what\n"
"/sys/kernel/crash_elfcorehdr_size reports (N = CONFIG_NR_CPUS_DEFAULT,\n"
"M = CONFIG_CRASH_MAX_MEMORY_RANGES, 8192 each on Debian).",
	.opts = cap_opts,
	.footer = "Exit: 0 ok, 1 a reserve the kernel refuses (PN_XNUM), "
		  "2 usage.",
};

static void cap_print(struct json *j, enum vmc_loader l,
		      const struct vmc_hp_capacity *c)
{
	if (j) {
		json_obj_begin(j, NULL);
		json_str(j, "loader", vmc_loader_name(l));
		json_u64(j, "elfcorehdr_size", c->elfcorehdr_size);
		json_u64(j, "memsz", c->memsz);
		json_u64(j, "segment", c->segment);
		json_u64(j, "max_phdrs", c->max_phdrs);
		json_str(j, "source", c->source);
		json_obj_end(j);
		return;
	}
	printf("%-12s crash_elfcorehdr_size %llu, memsz %llu, segment %llu "
	       "bytes (%llu program headers) [%s]\n", vmc_loader_name(l),
	       (unsigned long long)c->elfcorehdr_size,
	       (unsigned long long)c->memsz, (unsigned long long)c->segment,
	       (unsigned long long)c->max_phdrs, c->source);
}

int cmd_hotplug_capacity(int argc, char **argv)
{
	struct cap_args a = { 0 };
	struct vmc_hp_capacity c[2];
	vmc_error e = { 0 };
	struct json j;
	int first, rc;

	rc = opts_parse(&cap_spec, &a, argc, argv, &first);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (first < argc)
		return usage_error(CAP, "unexpected argument '%s'", argv[first]);
	if (!a.size && !(a.have_cpus && a.have_ranges))
		return usage_error(CAP, "give --max-cpus N and --max-ranges M, "
				   "or --elfcorehdr-size BYTES");
	if (a.size && (a.have_cpus || a.have_ranges))
		return usage_error(CAP, "--elfcorehdr-size replaces --max-cpus "
				   "and --max-ranges");
	for (int l = VMC_LOADER_KEXEC_FILE; l <= VMC_LOADER_KEXEC_TOOLS; l++) {
		vmc_status st;

		if (a.one && (int)a.one != l)
			continue;
		st = a.size ? vmc_hp_capacity_from_sysfs(l, a.size, &c[l - 1],
							   &e)
			    : vmc_hp_capacity(l, a.cpus, a.ranges, &c[l - 1],
					      &e);
		if (st)
			return fail(CAP, &e);
	}
	if (a.json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		if (!a.size) {
			json_u64(&j, "max_cpus", a.cpus);
			json_u64(&j, "max_ranges", a.ranges);
		}
		json_arr_begin(&j, "loaders");
	}
	for (int l = VMC_LOADER_KEXEC_FILE; l <= VMC_LOADER_KEXEC_TOOLS; l++)
		if (!a.one || (int)a.one == l)
			cap_print(a.json ? &j : NULL, l, &c[l - 1]);
	if (a.json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_done(&j);
	}
	return EXIT_OK;
}

/* ---- digest ---- */

#define DIG "hotplug digest"

#define MAX_SEGS 64

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void dig_print(const struct vmc_digest_table *t, enum vmc_loader l,
		      enum vmc_digest_policy p, bool json)
{
	char d[2 * VMC_SHA256_LEN + 1];
	struct json j;

	hex(d, t->digest, VMC_SHA256_LEN);
	if (!json) {
		printf("sha256 %s (%s, %s, %zu regions)\n", d,
		       vmc_loader_name(l), vmc_digest_policy_name(p), t->nr);
		for (size_t i = 0; i < t->nr; i++) {
			char r[64];

			printf("  region %zu: %s (%llu bytes)\n", i,
			       range_text(r, sizeof(r), t->region[i].start,
					  t->region[i].start + t->region[i].len),
			       (unsigned long long)t->region[i].len);
		}
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "loader", vmc_loader_name(l));
	json_str(&j, "policy", vmc_digest_policy_name(p));
	json_str(&j, "sha256", d);
	json_arr_begin(&j, "regions");
	for (size_t i = 0; i < t->nr; i++) {
		json_obj_begin(&j, NULL);
		json_range(&j, t->region[i].start,
			   t->region[i].start + t->region[i].len);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_done(&j);
}

struct dig_args {
	struct vmc_kexec_segment seg[MAX_SEGS];
	char *bufs[MAX_SEGS];
	size_t n;
	enum vmc_loader loader;
	enum vmc_digest_policy policy;
	bool json;
};

static vmc_status dig_segment(const char *arg, struct vmc_kexec_segment *s,
			      char **buf, vmc_error *e)
{
	const char *eq = strchr(arg, '=');
	char spec[128];
	size_t len;
	vmc_status st;

	if ((eq ? (size_t)(eq - arg) : strlen(arg)) >= sizeof(spec))
		return vmc_error_set(e, VMC_ERR_INVALID, "segment '%.60s' is "
				     "too long", arg);
	snprintf(spec, sizeof(spec), "%.*s",
		 (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
	st = vmc_kexec_segment_parse(spec, s, e);
	if (st || !eq)
		return st;
	*buf = slurp(eq + 1, (size_t)1 << 32, &len, e);
	if (!*buf)
		return e->status;
	s->buf = *buf;
	s->bufsz = len;
	return VMC_OK;
}

static vmc_status opt_segment(void *args, const char *arg, vmc_error *e)
{
	struct dig_args *a = args;

	if (a->n == MAX_SEGS)
		return vmc_error_set(e, VMC_ERR_INVALID, "too many segments");
	a->n++;
	return dig_segment(arg, &a->seg[a->n - 1], &a->bufs[a->n - 1], e);
}

static vmc_status opt_dig_loader(void *args, const char *arg, vmc_error *e)
{
	return hp_loader_parse(arg, &((struct dig_args *)args)->loader, e);
}

static vmc_status opt_policy(void *args, const char *arg, vmc_error *e)
{
	return vmc_digest_policy_parse(arg, &((struct dig_args *)args)->policy,
				       e);
}

static const struct opt dig_opts[] = {
	OPT_CALL_("segment", "MEM:MEMSZ[:ROLE][=FILE]", opt_segment,
		  "a segment in load order; ROLE is data\n"
		  "(default), purgatory, elfcorehdr or ima; FILE holds\n"
		  "its bytes (bufsz = the file's size; none: all zero)"),
	OPT_CALL_("loader", "NAME", opt_dig_loader,
		  "kexec-file (default) or kexec-tools"),
	OPT_CALL_("policy", "NAME", opt_policy,
		  "exclude (default) or recompute"),
	OPT_FLAG_(struct dig_args, "json", json, "machine-readable output"),
	{ 0 },
};

static const struct cmd_spec dig_spec = {
	.name = DIG,
	.usage = "vmcorekit hotplug digest --segment MEM:MEMSZ[:ROLE][=FILE] "
		 "...\n           [--loader kexec-file|kexec-tools] [--policy "
		 "exclude|recompute] [--json]",
	.about =
"The SHA-256 table purgatory checks before it starts the crash kernel, for a\n"
"kexec segment set, as the kernel (kexec_calculate_store_digests: load\n"
"order) or kexec-tools (update_purgatory: address order) computes it.\n"
"Purgatory is never digested; the kernel skips the IMA buffer; under\n"
"'exclude' (Linux >= 6.6 with CONFIG_CRASH_HOTPLUG, kexec-tools --hotplug)\n"
"the elfcorehdr is left out too.  Each digested segment counts its bytes,\n"
"then zeros up to MEMSZ.",
	.opts = dig_opts,
	.footer = "Exit: 0 ok, 1 a bad segment set, 2 usage, 3 I/O.",
};

int cmd_hotplug_digest(int argc, char **argv)
{
	struct dig_args *a = calloc(1, sizeof(*a));
	struct vmc_digest_table t;
	vmc_error e = { 0 };
	int first, rc;

	if (!a)
		return EXIT_ENV;
	a->loader = VMC_LOADER_KEXEC_FILE;
	a->policy = VMC_DIGEST_EXCLUDE;
	rc = opts_parse(&dig_spec, a, argc, argv, &first);
	if (rc) {
		rc = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	if (first < argc || a->n == 0) {
		rc = usage_error(DIG, first < argc ? "unexpected argument" :
				 "give at least one --segment");
		goto out;
	}
	if (vmc_kexec_digest(a->seg, a->n, a->loader, a->policy, &t, &e))
		rc = fail(DIG, &e);
	else
		dig_print(&t, a->loader, a->policy, a->json);
out:
	for (size_t i = 0; i < a->n; i++)
		free(a->bufs[i]);
	free(a);
	return rc;
}
