// SPDX-License-Identifier: MIT
/* vmcorekit hotplug: capacity, apply, digest, watch. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s hotplug: unknown subcommand '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- capacity ---- */

#define CAP "hotplug capacity"

static const char *const cap_source[] = {
	[VMC_LOADER_KEXEC_FILE] = "arch/x86/kernel/crash.c crash_load_segments",
	[VMC_LOADER_KEXEC_TOOLS] = "kexec-tools kexec/arch/i386/crashdump-x86.c "
				   "load_crashdump_segments",
};

static void cap_help(void)
{
	printf("Usage: %s hotplug capacity (--max-cpus N --max-ranges M |\n"
"           --elfcorehdr-size BYTES) [--loader kexec-file|kexec-tools] [--json]\n"
"\n"
"The elfcorehdr segment reserved for crash hotplug, as each loader sizes it:\n"
"  kexec-file   Linux crash_load_segments: 64 + 56 x (2 + N + M), page-rounded\n"
"  kexec-tools  --hotplug: ALIGN(crash_elfcorehdr_size, 1024), page-rounded\n"
"where crash_elfcorehdr_size = 56 x (2 + N + M) is what\n"
"/sys/kernel/crash_elfcorehdr_size reports (N = CONFIG_NR_CPUS_DEFAULT,\n"
"M = CONFIG_CRASH_MAX_MEMORY_RANGES, 8192 each on Debian).\n"
"\n"
"  --max-cpus N             CPUs the reserve allows for\n"
"  --max-ranges M           memory ranges the reserve allows for\n"
"  --elfcorehdr-size BYTES  start from the sysfs value instead\n"
"  --loader NAME            one loader (default: both)\n"
"  --json                   machine-readable output\n"
"  -h, --help               this text\n"
"\n"
"Exit: 0 ok, 1 a reserve the kernel refuses (PN_XNUM), 2 usage.\n", prog);
}

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
		json_str(j, "source", cap_source[l]);
		json_obj_end(j);
		return;
	}
	printf("%-12s crash_elfcorehdr_size %llu, memsz %llu, segment %llu "
	       "bytes (%llu program headers) [%s]\n", vmc_loader_name(l),
	       (unsigned long long)c->elfcorehdr_size,
	       (unsigned long long)c->memsz, (unsigned long long)c->segment,
	       (unsigned long long)c->max_phdrs, cap_source[l]);
}

int cmd_hotplug_capacity(int argc, char **argv)
{
	enum { O_CPUS = 256, O_RANGES, O_SIZE, O_LOADER, O_JSON };
	static const struct option longopts[] = {
		{ "max-cpus", required_argument, NULL, O_CPUS },
		{ "max-ranges", required_argument, NULL, O_RANGES },
		{ "elfcorehdr-size", required_argument, NULL, O_SIZE },
		{ "loader", required_argument, NULL, O_LOADER },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t cpus = 0, ranges = 0, size = 0;
	bool have_cpus = false, have_ranges = false, json = false;
	enum vmc_loader one = 0;
	struct vmc_hp_capacity c[2];
	vmc_error e = { 0 };
	struct json j;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		vmc_status st = VMC_OK;

		switch (opt) {
		case O_CPUS: st = vmc_parse_u64(optarg, &cpus, &e);
			have_cpus = true; break;
		case O_RANGES: st = vmc_parse_u64(optarg, &ranges, &e);
			have_ranges = true; break;
		case O_SIZE: st = vmc_parse_u64(optarg, &size, &e); break;
		case O_LOADER: st = vmc_loader_parse(optarg, &one, &e); break;
		case O_JSON: json = true; break;
		case 'h': cap_help(); return EXIT_OK;
		default: return EXIT_USAGE;
		}
		if (st)
			return usage_error(CAP, "%s", e.msg);
	}
	if (optind < argc)
		return usage_error(CAP, "unexpected argument '%s'", argv[optind]);
	if (!size && !(have_cpus && have_ranges))
		return usage_error(CAP, "give --max-cpus N and --max-ranges M, "
				   "or --elfcorehdr-size BYTES");
	if (size && (have_cpus || have_ranges))
		return usage_error(CAP, "--elfcorehdr-size replaces --max-cpus "
				   "and --max-ranges");
	for (int l = VMC_LOADER_KEXEC_FILE; l <= VMC_LOADER_KEXEC_TOOLS; l++) {
		vmc_status st;

		if (one && (int)one != l)
			continue;
		st = size ? vmc_hp_capacity_from_sysfs(l, size, &c[l - 1], &e)
			  : vmc_hp_capacity(l, cpus, ranges, &c[l - 1], &e);
		if (st)
			return fail(CAP, &e);
	}
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		if (!size) {
			json_u64(&j, "max_cpus", cpus);
			json_u64(&j, "max_ranges", ranges);
		}
		json_arr_begin(&j, "loaders");
	}
	for (int l = VMC_LOADER_KEXEC_FILE; l <= VMC_LOADER_KEXEC_TOOLS; l++)
		if (!one || (int)one == l)
			cap_print(json ? &j : NULL, l, &c[l - 1]);
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_done(&j);
	}
	return EXIT_OK;
}

/* ---- digest ---- */

#define DIG "hotplug digest"

static void dig_help(void)
{
	printf("Usage: %s hotplug digest --segment MEM:MEMSZ[:ROLE][=FILE] ...\n"
"           [--loader kexec-file|kexec-tools] [--policy exclude|recompute] [--json]\n"
"\n"
"The SHA-256 table purgatory checks before it starts the crash kernel, for a\n"
"kexec segment set, as the kernel (kexec_calculate_store_digests: load\n"
"order) or kexec-tools (update_purgatory: address order) computes it.\n"
"Purgatory is never digested; the kernel skips the IMA buffer; under\n"
"'exclude' (Linux >= 6.6 with CONFIG_CRASH_HOTPLUG, kexec-tools --hotplug)\n"
"the elfcorehdr is left out too.  Each digested segment counts its bytes,\n"
"then zeros up to MEMSZ.\n"
"\n"
"  --segment MEM:MEMSZ[:ROLE][=FILE]  a segment in load order; ROLE is data\n"
"                         (default), purgatory, elfcorehdr or ima; FILE holds\n"
"                         its bytes (bufsz = the file's size; none: all zero)\n"
"  --loader NAME          kexec-file (default) or kexec-tools\n"
"  --policy NAME          exclude (default) or recompute\n"
"  --json                 machine-readable output\n"
"  -h, --help             this text\n"
"\n"
"Exit: 0 ok, 1 a bad segment set, 2 usage, 3 I/O.\n", prog);
}

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
		for (size_t i = 0; i < t->nr; i++)
			printf("  region %zu: 0x%llx + 0x%llx\n", i,
			       (unsigned long long)t->region[i].start,
			       (unsigned long long)t->region[i].len);
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
		json_hex(&j, "start", t->region[i].start);
		json_u64(&j, "len", t->region[i].len);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_done(&j);
}

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

int cmd_hotplug_digest(int argc, char **argv)
{
	enum { O_SEGMENT = 256, O_LOADER, O_POLICY, O_JSON };
	static const struct option longopts[] = {
		{ "segment", required_argument, NULL, O_SEGMENT },
		{ "loader", required_argument, NULL, O_LOADER },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vmc_kexec_segment seg[MAX_SEGS];
	char *bufs[MAX_SEGS] = { 0 };
	enum vmc_loader loader = VMC_LOADER_KEXEC_FILE;
	enum vmc_digest_policy policy = VMC_DIGEST_EXCLUDE;
	struct vmc_digest_table t;
	vmc_error e = { 0 };
	bool json = false;
	size_t n = 0;
	int opt, rc = EXIT_OK;

	memset(seg, 0, sizeof(seg));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		vmc_status st = VMC_OK;

		switch (opt) {
		case O_SEGMENT:
			if (n == MAX_SEGS) {
				rc = usage_error(DIG, "too many segments");
				goto out;
			}
			st = dig_segment(optarg, &seg[n], &bufs[n], &e);
			n++;
			if (st && (e.status == VMC_ERR_IO ||
				   e.status == VMC_ERR_NOTFOUND ||
				   e.status == VMC_ERR_NOMEM)) {
				rc = fail(DIG, &e);
				goto out;
			}
			break;
		case O_LOADER: st = vmc_loader_parse(optarg, &loader, &e); break;
		case O_POLICY:
			st = vmc_digest_policy_parse(optarg, &policy, &e);
			break;
		case O_JSON: json = true; break;
		case 'h': dig_help(); goto out;
		default: rc = EXIT_USAGE; goto out;
		}
		if (st) {
			rc = usage_error(DIG, "%s", e.msg);
			goto out;
		}
	}
	if (optind < argc || n == 0) {
		rc = usage_error(DIG, optind < argc ? "unexpected argument" :
				 "give at least one --segment");
		goto out;
	}
	if (vmc_kexec_digest(seg, n, loader, policy, &t, &e))
		rc = fail(DIG, &e);
	else
		dig_print(&t, loader, policy, json);
out:
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	return rc;
}
