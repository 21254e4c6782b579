// SPDX-License-Identifier: MIT
/*
 * What `vmcorekit build --sysroot` does, end to end: read a captured
 * sysroot (src/io/sysread.c, sysroot.c), build the kexec-file header, write
 * it through vmc_outfile, open the file again (vmc_source_open_file) and
 * parse and inspect it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "failalloc_scenario.h"

FAILALLOC_SCENARIO(build_sysroot)
{
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	char root[4096], out[4096];
	vmc_system *sys = NULL;
	vmc_header *h = NULL;
	vmc_outfile *f = NULL;
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	vmc_report *r = NULL;
	uint8_t *buf = NULL;
	size_t size, used;
	vmc_status st;

	snprintf(root, sizeof(root), "%s/tests/kernel/captures/612-file-4cpu/"
		 "sysroot", fa_root);
	snprintf(out, sizeof(out), "%s/build.bin", fa_tmp);
	st = vmc_system_new(&sys, e);
	if (!st)
		st = vmc_system_read(sys, root, e);
	if (!st)
		st = vmc_header_build(&h, sys, &o, e);
	if (!st)
		st = vmc_elfcore_size(vmc_header_spec(h), &size, e);
	if (!st && !(buf = calloc(1, size)))
		st = vmc_error_set(e, VMC_ERR_INVALID, "test: calloc");
	if (!st)
		st = vmc_elfcore_write(vmc_header_spec(h), buf, size, &used, e);
	if (!st)
		st = vmc_outfile_open(&f, out, e);
	if (!st) {
		st = vmc_outfile_write(f, buf, size, e);
		if (st)
			vmc_outfile_abort(f);
		else
			st = vmc_outfile_commit(f, false, e);
	}
	if (!st)
		st = vmc_source_open_file(&src, out, e);
	if (!st)
		st = vmc_elfcore_parse(&c, src, e);
	if (!st)
		st = vmc_inspect(&r, c, 4096, e);
	vmc_report_free(r);
	vmc_elfcore_free(c);
	vmc_source_close(src);
	free(buf);
	vmc_header_free(h);
	vmc_system_free(sys);
	remove(out);
	return st;
}
