// SPDX-License-Identifier: MIT
/*
 * ELF core headers, both kinds (an elfcorehdr: p_offset are physical
 * addresses; a vmcore: notes and memory in the file): vmc_elfcore_parse,
 * then everything that reads the parsed headers -- the note segments of a
 * vmcore and their walk, vmc_inspect (roles, summary, lint), vmc_diff, and
 * vmc_physmem_map_elfcore (the same file as --memory-elf).
 */
#include "vmcorekit/vmcorekit.h"

static void walk_segment(const vmc_elfcore *c, size_t i)
{
	struct vmc_note_iter it;
	struct vmc_note n;
	uint8_t *seg;
	size_t len;

	if (vmc_elfcore_read_segment(c, i, &seg, &len, NULL))
		return;
	vmc_notes_iter_init(&it, seg, len, vmc_elfcore_ehdr(c)->id.order);
	while (vmc_notes_next(&it, &n) == VMC_OK)
		(void)vmc_note_type_name(&n);
	vmc_buf_free(seg);
}

static void as_memory(const uint8_t *data, size_t size)
{
	vmc_physmem *pm = NULL;
	vmc_source *src = NULL;
	size_t nr;

	if (vmc_physmem_new(&pm, NULL) ||
	    vmc_source_new_buffer(&src, data, size, NULL))
		goto out;
	if (vmc_physmem_map_elfcore(pm, src, &nr, NULL) == VMC_OK) {
		for (size_t i = 0; i < vmc_physmem_nr_maps(pm); i++) {
			uint64_t start, end;
			bool zero;
			uint8_t b[16];

			vmc_physmem_get_map(pm, i, &start, &end, &zero);
			vmc_physmem_read(pm, start, b, end - start < 16 ?
					 (size_t)(end - start) : 16, NULL);
			if (end - start > 16)
				vmc_physmem_read(pm, end - 16, b, 16, NULL);
		}
	}
out:
	vmc_physmem_free(pm);
	vmc_source_close(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	vmc_report *r = NULL;
	vmc_diff *d = NULL;
	vmc_error e;

	if (vmc_source_new_buffer(&src, data, size, &e))
		return 0;
	if (vmc_elfcore_parse(&c, src, &e) == VMC_OK) {
		bool vmcore = vmc_elfcore_kind(c) == VMC_KIND_VMCORE;

		(void)vmc_elfcore_headers_end(c);
		(void)vmc_elfcore_file_size(c);
		for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c); i++)
			if (vmcore && vmc_elfcore_phdr(c, i)->type == VMC_PT_NOTE)
				walk_segment(c, i);
		for (uint64_t page = 0; page <= 65536; page += 65536) {
			if (vmc_inspect(&r, c, page, &e) == VMC_OK) {
				const vmc_warnings *w = vmc_report_lints(r);

				for (size_t i = 0; i < vmc_warnings_count(w); i++)
					(void)vmc_lint_name(
						vmc_warnings_get(w, i)->code);
				vmc_report_free(r);
			}
		}
		if (vmc_diff_new(&d, c, c, &e) == VMC_OK)
			vmc_diff_free(d);
		vmc_elfcore_free(c);
	}
	vmc_source_close(src);
	as_memory(data, size);
	return 0;
}
