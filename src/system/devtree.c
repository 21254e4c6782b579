// SPDX-License-Identifier: MIT
/*
 * Device-tree memory nodes as /proc/device-tree exposes them: "reg" is a
 * list of (address, size) pairs of big-endian 32-bit cells, #address-cells
 * and #size-cells of the parent give their widths (powerpc kexec-tools
 * kexec/fs2dt.c and kexec/arch/ppc64/crashdump-ppc64.c read them so).
 */
#include "vmcorekit/iomem.h"
#include "vmcorekit/elf.h"
#include "base/compiler.h"

static uint64_t get_cells(const uint8_t *p, unsigned cells)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < cells; i++)
		v = v << 32 | vmc_get32(VMC_BE, p + 4 * i);
	return v;
}

VMC_EXPORT vmc_status vmc_dt_parse_cells(const void *prop, size_t len,
					 unsigned *out, vmc_error *e)
{
	if (len != 4)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "cells property of %zu bytes (want 4)", len);
	*out = vmc_get32(VMC_BE, prop);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_dt_parse_reg(const void *prop, size_t len,
				       unsigned addr_cells, unsigned size_cells,
				       vmc_ranges *out, vmc_error *e)
{
	const uint8_t *p = prop;
	size_t ent;

	if (addr_cells < 1 || addr_cells > 2 || size_cells < 1 ||
	    size_cells > 2)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "unsupported #address-cells %u / #size-cells %u",
				     addr_cells, size_cells);
	ent = 4 * (size_t)(addr_cells + size_cells);
	if (len % ent)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "reg property of %zu bytes is not a multiple "
				     "of %zu", len, ent);
	for (size_t off = 0; off < len; off += ent) {
		uint64_t a = get_cells(p + off, addr_cells);
		uint64_t s = get_cells(p + off + 4 * addr_cells, size_cells);
		uint64_t end;
		vmc_status st;

		if (add_overflows_u64(a, s, &end))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "reg entry 0x%llx+0x%llx passes 2^64",
					     (unsigned long long)a,
					     (unsigned long long)s);
		st = vmc_ranges_add(out, a, end, e);
		if (st)
			return st;
	}
	return VMC_OK;
}
