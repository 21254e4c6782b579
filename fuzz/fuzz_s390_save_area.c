// SPDX-License-Identifier: MIT
/*
 * s390 save areas and os_info (src/arch/s390/save_area.c): the input is cut
 * into a save area (512 bytes, or an 8 KiB lowcore when the input is that
 * long), a vector save area and an os_info page, each decoded whatever its
 * length; the decoded CPUs then go through the zfcpdump header builder
 * (src/arch/s390/zfcpdump_hdr.c) with ranges taken from the input's tail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_s390_save_area sa[2];
	struct vmc_s390_os_info oi;
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	struct vmc_range r[4];
	size_t salen = size >= VMC_S390_LOWCORE_SIZE ? VMC_S390_LOWCORE_SIZE
						     : VMC_S390_SA_SIZE;
	size_t nr = 0, len;
	uint8_t *h = NULL;
	vmc_error e;

	memset(sa, 0, sizeof(sa));
	(void)vmc_s390_cksm(data, size, 0);
	(void)vmc_s390_os_info_decode(&oi, data, size, &e);
	(void)vmc_s390_sa_decode(&sa[0], data, size, &e);
	if (size >= salen && vmc_s390_sa_decode(&sa[0], data, salen, &e))
		return 0;
	if (size >= salen + VMC_S390_VX_SA_SIZE)
		(void)vmc_s390_sa_set_vx(&sa[0], data + salen,
					 VMC_S390_VX_SA_SIZE, &e);
	sa[1] = sa[0];
	sa[1].prefix ^= 1;
	/* Ranges from the last bytes: 16 bytes each, kept sorted. */
	for (size_t off = size; off >= 16 && nr < 4; off -= 16) {
		uint64_t a = vmc_get64(VMC_BE, data + off - 16);
		uint64_t b = vmc_get64(VMC_BE, data + off - 8);

		r[nr].start = nr ? r[nr - 1].end + (a & 0xffff) : a;
		r[nr].end = r[nr].start + (b & 0xffffffff);
		if (r[nr].end < r[nr].start)
			break;
		nr++;
	}
	o.cpus = sa;
	o.nr_cpus = 2;
	o.has_vx = sa[0].has_vx;
	o.ranges = r;
	o.nr_ranges = nr;
	if (vmc_zfcpdump_build_size(&o, NULL, &len, &e) == VMC_OK &&
	    (h = malloc(len)) != NULL &&
	    vmc_zfcpdump_build(&o, NULL, h, len, NULL, &e) == VMC_OK) {
		vmc_elfcore *c = NULL;
		vmc_source *s = NULL;

		if (vmc_source_new_buffer(&s, h, len, &e) == VMC_OK &&
		    vmc_elfcore_parse(&c, s, &e) == VMC_OK &&
		    vmc_elfcore_nr_phdrs(c) != 1 + nr)
			abort();	/* the header must parse as built */
		vmc_elfcore_free(c);
		vmc_source_close(s);
	}
	free(h);
	return 0;
}
