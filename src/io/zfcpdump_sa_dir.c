// SPDX-License-Identifier: MIT
/*
 * The save-area directory of `vmcorekit zfcpdump`: DIR/cpuN (a 512-byte
 * store-status save area or an 8 KiB lowcore) and DIR/cpuN.vx (the vector
 * save area), as a dump tool would copy them out of the HSA or SCLP.  The
 * files are read here; src/arch/s390/zfcpdump_cpus.c decodes and orders.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/zfcpdump.h"
#include "io/sysroot.h"
#include "base/compiler.h"

#define MAX_CPU_NR (1ul << 20)

/* "cpuN" or "cpuN.vx"; false for any other name. */
static bool sa_name(const char *name, unsigned long *n, bool *vx)
{
	char *end;

	if (strncmp(name, "cpu", 3) || name[3] < '0' || name[3] > '9')
		return false;
	errno = 0;
	*n = strtoul(name + 3, &end, 10);
	if (errno || *n > MAX_CPU_NR)
		return false;
	*vx = !strcmp(end, ".vx");
	return *vx || !*end;
}

static vmc_status sa_file(vmc_zfcpdump_cpus *c, const char *dir,
			  const char *name, unsigned long n, bool vx,
			  vmc_error *e)
{
	char *buf = NULL;
	size_t len;
	vmc_status st = vmc__sysroot_read(dir, name, VMC_S390_LOWCORE_SIZE,
					  false, &buf, &len, e);

	if (st == VMC_ERR_NOTFOUND)	/* gone since readdir */
		return vmc_error_set(e, VMC_ERR_NOTFOUND, "%s/%s: no such "
				     "file", dir, name);
	if (st == VMC_ERR_RANGE) {	/* larger than a lowcore */
		st = VMC_ERR_CORRUPT;
		if (e)
			e->status = st;
	}
	if (st)
		return st;
	st = vmc_zfcpdump_cpus_add(c, n, vx, buf, len, name, e);
	vmc__free(buf);
	return st ? PREFIXED(st, e, "%s/%s", dir, name) : VMC_OK;
}

VMC_EXPORT vmc_status vmc_zfcpdump_cpus_read_dir(vmc_zfcpdump_cpus *c,
						 const char *dir, vmc_error *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	vmc_status st = VMC_OK;

	if (!d)
		return vmc_error_set_errno(e, errno == ENOENT ? VMC_ERR_NOTFOUND
							      : VMC_ERR_IO,
					   errno, "save-area directory %s: %s",
					   dir, strerror(errno));
	errno = 0;
	while (!st && (de = readdir(d))) {
		unsigned long n;
		bool vx;

		if (sa_name(de->d_name, &n, &vx))
			st = sa_file(c, dir, de->d_name, n, vx, e);
		errno = 0;
	}
	if (!st && errno)
		st = vmc_error_set_errno(e, VMC_ERR_IO, errno,
					 "save-area directory %s: %s", dir,
					 strerror(errno));
	closedir(d);
	return st;
}
