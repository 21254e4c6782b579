// SPDX-License-Identifier: MIT
/*
 * The x86_64 page walk over hostile page tables: input = flags byte (bit 0
 * 5-level, bit 1 an SME bit 47), eight little-endian virtual addresses,
 * then physical memory from address 0 whose page 2 is the top table
 * (SYMBOL(init_top_pgt) = __START_KERNEL_map + 0x2000, phys_base 0).  Each
 * address is translated and read (crossing pages), and the uts check runs
 * with init_uts_ns at the first address.  Seeds: tests/unit/guest.
 */
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"
#include "guest_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned flags;
	uint64_t va[8];
	char text[512];
	int n;

	if (!fuzz_guest_walk_header(&in, &flags, va))
		return 0;
	n = snprintf(text, sizeof(text),
		     "OSRELEASE=6.12.0-test\nPAGESIZE=4096\n"
		     "SYMBOL(init_uts_ns)=%llx\nSYMBOL(init_top_pgt)="
		     "ffffffff80002000\nNUMBER(phys_base)=0\n"
		     "NUMBER(pgtable_l5_enabled)=%u\nNUMBER(sme_mask)=%llu\n",
		     (unsigned long long)va[0], flags & 1,
		     flags & 2 ? 1ULL << 47 : 0ULL);
	fuzz_guest_walk(in.p, in.n, text, (size_t)n, va);
	return 0;
}
