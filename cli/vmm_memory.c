// SPDX-License-Identifier: MIT
/*
 * Memory of a virtual machine monitor's snapshot as physical memory:
 * cloud-hypervisor's snapshot directory (state.json says which guest
 * ranges memory-ranges holds, back to back; vmc_guest_ch_ranges reads it).
 * Firecracker's memory file needs no code: its regions are back to back in
 * guest-physical order, a --memory-map (docs/formats.md 18.4).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* DIR/NAME, malloc'd. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

vmc_status mem_add_ch_snapshot(vmc_physmem *pm, const char *dir, vmc_error *e)
{
	char *state = join(dir, "state.json"), *mem = join(dir, "memory-ranges");
	struct vmc_guest_range *r = NULL;
	char *json = NULL;
	vmc_source *src;
	size_t len, nr = 0;
	uint64_t need;
	vmc_status st = VMC_OK;

	if (!state || !mem) {
		st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		goto out;
	}
	json = slurp(state, 256u << 20, &len, e);
	if (!json) {
		st = e->status;
		goto out;
	}
	st = vmc_guest_ch_ranges(&r, &nr, json, len, e);
	if (st) {
		vmc_error_prefix(e, "%s", state);
		goto out;
	}
	st = mem_open_image(pm, mem, &src, e);
	if (st)
		goto out;
	/* send() sizes the file to the sum of the lengths first, so a
	 * shorter one is a truncated copy. */
	need = r[nr - 1].file_off + r[nr - 1].len;
	if (vmc_source_size(src) < need) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT, "%s: %llu bytes, but the "
				   "%zu ranges of state.json need %llu "
				   "(truncated?)", mem,
				   (unsigned long long)vmc_source_size(src), nr,
				   (unsigned long long)need);
		goto out;
	}
	for (size_t i = 0; !st && i < nr; i++) {
		st = vmc_physmem_map(pm, r[i].paddr, r[i].len, src,
				     r[i].file_off, e);
		if (st == VMC_ERR_INVALID)	/* overlap: bad input */
			e->status = st = VMC_ERR_CORRUPT;
		if (st)
			vmc_error_prefix(e, "%s: memory_ranges[%zu]", state, i);
	}
out:
	vmc_guest_ranges_free(r);
	free(json);
	free(state);
	free(mem);
	return st;
}
