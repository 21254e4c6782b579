// SPDX-License-Identifier: MIT
/*
 * The dump layout (vmc_dump_open: fs/proc/vmcore.c parse_crash_elf_headers,
 * merge_note_headers, process_ptload_program_headers) over a synthetic
 * physical memory, then reads of every extent.  The input is the header
 * with its notes, tried two ways:
 *
 *   new memory  a buffer header source, PT_NOTE p_offset = offsets into the
 *               input (as s390 and fadump build it); strict, 4 KiB pages
 *   old memory  the input mapped at physical 0, elfcorehdr=0, notes read
 *               from it; --lenient
 *
 * (4 KiB pages both ways: a PT_NOTE may be as large as kmalloc allows, 1024
 * pages, and the layout reads all of it -- 64 MiB with 64 KiB pages would
 * slow every execution down for no new code.)
 *
 * Memory: the input at 0, a declared zero range, a not-RAM range, holes
 * allowed elsewhere -- so every span kind is read.
 */
#include "vmcorekit/vmcorekit.h"

static void read_dump(vmc_dump *d)
{
	struct vmc_dump_info info;
	uint8_t b[64];

	vmc_dump_get_info(d, &info);
	for (size_t i = 0; i < vmc_warnings_count(vmc_dump_warnings(d)); i++)
		(void)vmc_warnings_get(vmc_dump_warnings(d), i)->msg[0];
	for (size_t i = 0; i < vmc_dump_nr_extents(d); i++) {
		const struct vmc_dump_extent *x = vmc_dump_extent(d, i);
		size_t n = x->len < sizeof(b) ? (size_t)x->len : sizeof(b);
		struct vmc_mem_span s;

		vmc_dump_read_at(d, x->off, b, n, NULL);
		vmc_dump_read_at(d, x->off + x->len - n, b, n, NULL);
		vmc_dump_map(d, x->off + x->len / 2, x->len, &s, NULL);
	}
	/* Past the end must fail cleanly. */
	vmc_dump_read_at(d, vmc_dump_size(d), b, 1, NULL);
}

static vmc_physmem *memory(const uint8_t *data, size_t size, vmc_source **src)
{
	vmc_physmem *pm;

	if (vmc_physmem_new(&pm, NULL))
		return NULL;
	if (vmc_source_new_buffer(src, data, size, NULL) ||
	    (size && vmc_physmem_map(pm, 0, size, *src, 0, NULL)) ||
	    vmc_physmem_map_zero(pm, 0x100000, 0x200000, NULL) ||
	    vmc_physmem_add_not_ram(pm, 0x1000, 0x3000, NULL)) {
		vmc_physmem_free(pm);
		vmc_source_close(*src);
		*src = NULL;
		return NULL;
	}
	vmc_physmem_set_allow_holes(pm, true);
	return pm;
}

static void try(const uint8_t *data, size_t size, bool oldmem)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_source *src = NULL;
	vmc_physmem *pm = memory(data, size, &src);
	vmc_hdr_source *hs = NULL;
	vmc_dump *d = NULL;
	vmc_status st;

	if (!pm)
		return;
	if (oldmem) {
		o.lenient = true;
		st = vmc_hdr_source_new_oldmem(&hs, pm, 0, NULL);
	} else {
		st = vmc_hdr_source_new_buffer(&hs, data, size,
					       VMC_NOTES_IN_BUFFER, pm, NULL);
	}
	if (!st && vmc_dump_open(&d, hs, pm, &o, NULL) == VMC_OK)
		read_dump(d);
	vmc_dump_free(d);
	vmc_hdr_source_close(hs);
	vmc_physmem_free(pm);
	vmc_source_close(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try(data, size, false);
	try(data, size, true);
	return 0;
}
