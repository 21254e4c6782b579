// SPDX-License-Identifier: MIT
/*
 * kdump-compressed and flattened files from arbitrary bytes: the input is
 * the whole file (a "makedumpfile" signature makes it flattened).  Open
 * (header, sub-header, layout, bitmaps), read the note and VMCOREINFO
 * copies, walk the notes, and read the first and last kept page and one
 * byte of physical memory through the physical source.
 *
 * Seeds (fuzz/make-diskdump-seeds.py): small kdump-compressed files whose
 * header and sub-header blocks are real makedumpfile output of the
 * 6.12 capture, little and big endian, LP64 and i386, flattened.
 */
#include "vmcorekit/vmcorekit.h"

static void pages(vmc_diskdump *d)
{
	const struct vmc_diskdump_info *in = vmc_diskdump_info(d);
	uint8_t *page = malloc(in->block_size), b;
	uint64_t first = UINT64_MAX, last = UINT64_MAX;
	vmc_source *ps;

	if (!page)
		return;
	for (uint64_t pfn = 0; pfn < in->max_mapnr && pfn < 1u << 16; pfn++)
		if (vmc_diskdump_page_state(d, pfn) == VMC_DISKDUMP_PAGE_KEPT) {
			if (first == UINT64_MAX)
				first = pfn;
			last = pfn;
		}
	if (first != UINT64_MAX) {
		vmc_diskdump_read_page(d, first, page, NULL);
		vmc_diskdump_read_page(d, last, page, NULL);
	}
	if (vmc_diskdump_phys_source_new(&ps, d, VMC_DISKDUMP_MISSING_ZERO,
					 NULL) == VMC_OK) {
		if (vmc_source_size(ps))
			vmc_source_read_at(ps, vmc_source_size(ps) - 1, &b, 1,
					   NULL);
		vmc_source_close(ps);
	}
	free(page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmc_source *src;
	vmc_diskdump *d;
	uint8_t *notes;
	char *vi, val[64];
	size_t len, vlen;

	if (vmc_source_new_buffer(&src, data, size, NULL))
		return 0;
	if (vmc_diskdump_open(&d, src, NULL) == VMC_OK) {
		if (vmc_diskdump_read_notes(d, &notes, &len, NULL) == VMC_OK) {
			struct vmc_note_iter it;
			struct vmc_note n;

			vmc_notes_iter_init(&it, notes, len,
					    vmc_diskdump_info(d)->order);
			while (vmc_notes_next(&it, &n) == VMC_OK)
				;
			vmc_buf_free(notes);
		}
		if (vmc_diskdump_read_vmcoreinfo(d, &vi, &vlen, NULL) ==
		    VMC_OK) {
			if (vi)
				vmc_vmcoreinfo_get(vi, vlen, "OSRELEASE", val,
						   sizeof(val));
			vmc_buf_free(vi);
		}
		pages(d);
		vmc_diskdump_free(d);
	}
	vmc_source_close(src);
	return 0;
}
