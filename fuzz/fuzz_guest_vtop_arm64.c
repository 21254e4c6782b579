// SPDX-License-Identifier: MIT
/*
 * The arm64 page walk (src/guest/vtop_arm64.c) over hostile tables: input =
 * a flags byte (bits 0-1 pick TCR_EL1_T1SZ 12, 16, 25 or 29: 52-bit LPA2
 * with 5 levels, 48 with 4, 39 with 3, 35), eight little-endian virtual
 * addresses, then physical memory from address 0 whose page 2 is the top
 * table (SYMBOL(swapper_pg_dir) = kimage_voffset + 0x2000).  Each address
 * is translated and read (crossing pages), and the uts check runs with
 * init_uts_ns at the first address.  Seeds: fuzz/seeds/guest_vtop_arm64
 * (python in docs/robustness.md's row: one table per level mapping a page,
 * a 2 MiB and a 1 GiB block).
 */
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"
#include "guest_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned t1sz[] = { 12, 16, 25, 29 };
	struct fuzz_in in = { data, size };
	unsigned flags;
	uint64_t va[8];
	char text[512];
	int n;

	if (!fuzz_guest_walk_header(&in, &flags, va))
		return 0;
	n = snprintf(text, sizeof(text),
		     "OSRELEASE=6.12.0-test\nPAGESIZE=4096\n"
		     "SYMBOL(init_uts_ns)=%llx\n"
		     "SYMBOL(swapper_pg_dir)=ffff800080002000\n"
		     "NUMBER(VA_BITS)=52\n"
		     "NUMBER(kimage_voffset)=0xffff800080000000\n"
		     "NUMBER(PHYS_OFFSET)=0x0\nNUMBER(TCR_EL1_T1SZ)=0x%x\n",
		     (unsigned long long)va[0], t1sz[flags & 3]);
	fuzz_guest_walk(in.p, in.n, text, (size_t)n, va);
	return 0;
}
