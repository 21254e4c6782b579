// SPDX-License-Identifier: MIT
/*
 * Which s390 dump (zfcp_src_opts): CPU save areas, the HSA and memory, the
 * header the stand-alone dump kernel builds from them and the /proc/vmcore
 * it serves.  `zfcpdump build|assemble` and `mount zfcpdump` include the
 * same rows and build the same header.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

static vmc_status o_hsa_size(void *args, const char *arg, vmc_error *e)
{
	struct zfcp_src *z = args;

	z->have_hsa_size = true;
	return vmc_parse_u64(arg, &z->hsa_size, e);
}

#define T struct zfcp_src
const struct opt zfcp_src_opts[] = {
	OPT_SEC("Inputs:"),
	OPT_STR_(T, "save-areas", "DIR", sa_dir,
		 "CPU save areas: DIR/cpuN (512-byte store-status\n"
		 "save area, or an 8 KiB lowcore), DIR/cpuN.vx\n"
		 "(512 bytes, vector registers 0-31), N = 0, 1, ..\n"
		 "in the kernel's order; cpu0 is the boot CPU, and\n"
		 "without DIR/cpu0 its save area is read from old\n"
		 "memory at 0x1200 (the absolute lowcore)"),
	OPT_STR_(T, "hsa", "FILE", hsa, "the HSA image: physical [0, hsa-size)"),
	OPT_CALL_("hsa-size", "N", o_hsa_size,
		  "bytes the HSA holds (default: FILE's size)"),
	OPT_INCLUDE_(T, pm, memory_opts),
	OPT_IN_(T, "ranges", "FILE", ranges_file,
		 "the old system's memory ranges, one RANGE per\n"
		 "line; default: what the memory options and the\n"
		 "HSA cover, merged"),
	{ 0 },
};
#undef T

int zfcp_src_init(struct zfcp_src *z, const char *cmd, vmc_error *e)
{
	memset(z, 0, sizeof(*z));
	z->cmd = cmd;
	if (vmc_physmem_new(&z->pm, e))
		return fail(cmd, e);
	return EXIT_OK;
}

int zfcp_src_check(const struct zfcp_src *z)
{
	if (z->have_hsa_size && !z->hsa)
		return usage_error(z->cmd, "--hsa-size needs --hsa FILE");
	return EXIT_OK;
}

/* The HSA in front of memory: physical [0, hsa_size). */
static vmc_status add_hsa(struct zfcp_src *a, vmc_error *e)
{
	vmc_source *src;
	vmc_status st = mem_open_image(a->pm, a->hsa, &src, e);

	if (st)
		return st;
	if (!a->have_hsa_size)
		a->hsa_size = vmc_source_size(src);
	if (a->hsa_size == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "--hsa %s: the HSA "
				     "size is 0", a->hsa);
	st = vmc_physmem_overlay(a->pm, 0, a->hsa_size, src, 0, e);
	if (st == VMC_ERR_INVALID || st == VMC_ERR_RANGE)
		e->status = st = VMC_ERR_CORRUPT;
	return st ? vmc_error_prefix(e, "--hsa %s", a->hsa) : VMC_OK;
}

/* The CPUs in the kernel's order, the boot CPU's save area from old memory
 * when no file gives it (vmc_zfcpdump_cpus_finish). */
static vmc_status collect_cpus(struct zfcp_src *a, vmc_error *e)
{
	vmc_status st = vmc_zfcpdump_cpus_new(&a->cpus, e);

	if (!st && a->sa_dir)
		st = vmc_zfcpdump_cpus_read_dir(a->cpus, a->sa_dir, e);
	if (st)
		return st;
	st = vmc_zfcpdump_cpus_finish(a->cpus, a->pm, e);
	if (st == VMC_ERR_CORRUPT && a->sa_dir)	/* files that do not pair up */
		return vmc_error_prefix(e, "--save-areas %s", a->sa_dir);
	return st;
}

/* --ranges FILE, else every mapping (vmc_zfcpdump_ranges). */
static vmc_status collect_ranges(struct zfcp_src *a, vmc_error *e)
{
	vmc_status st = vmc_ranges_new(&a->ranges, e);
	size_t len;
	char *text;

	if (st)
		return st;
	if (a->ranges_file) {
		text = slurp(a->ranges_file, 16 << 20, &len, e);
		if (!text)
			return e->status;
		st = vmc_parse_ranges_text(text, len, a->ranges, e);
		free(text);
		if (st) {
			e->status = VMC_ERR_CORRUPT;
			return vmc_error_prefix(e, "--ranges %s",
						a->ranges_file);
		}
	}
	return vmc_zfcpdump_ranges(a->ranges, a->ranges_file ? NULL : a->pm,
				   e);
}

int zfcp_src_build(struct zfcp_src *a, vmc_error *e)
{
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;

	if ((a->hsa && add_hsa(a, e)) || collect_cpus(a, e) ||
	    collect_ranges(a, e) || vmc_zfcpdump_read_oldmem(&a->om, a->pm, e))
		return e->status == VMC_ERR_INVALID
		       ? usage_error(a->cmd, "%s", e->msg) : fail(a->cmd, e);
	vmc_zfcpdump_cpus_opts(a->cpus, &o);
	o.ranges = vmc_ranges_data(a->ranges);
	o.nr_ranges = vmc_ranges_count(a->ranges);
	/* two passes: the exact size, then the header into our buffer */
	if (vmc_zfcpdump_build_size(&o, &a->om, &a->hdr_len, e) ||
	    (!(a->hdr = malloc(a->hdr_len)) &&
	     vmc_error_set(e, VMC_ERR_NOMEM, "out of memory")) ||
	    vmc_zfcpdump_build(&o, &a->om, a->hdr, a->hdr_len, &a->info, e))
		return fail(a->cmd, e);
	return EXIT_OK;
}

int zfcp_src_open_dump(struct zfcp_src *a, vmc_error *e)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_hdr_source *hs = NULL;
	int rc = EXIT_OK;

	o.machine = VMC_EM_S390;
	if (vmc_hdr_source_new_buffer(&hs, a->hdr, a->hdr_len,
				      VMC_NOTES_IN_BUFFER, a->pm, e) ||
	    vmc_dump_open(&a->d, hs, a->pm, &o, e))
		rc = fail(a->cmd, e);
	/* Parsed: the kernel frees its header here (elfcorehdr_free). */
	vmc_hdr_source_close(hs);
	return rc;
}

void zfcp_src_free(struct zfcp_src *a)
{
	vmc_dump_free(a->d);
	free(a->hdr);
	vmc_zfcpdump_oldmem_free(&a->om);
	vmc_ranges_free(a->ranges);
	vmc_zfcpdump_cpus_free(a->cpus);
	vmc_physmem_free(a->pm);
	memset(a, 0, sizeof(*a));
}
