// SPDX-License-Identifier: MIT
/*
 * Device dumps (NT_VMCOREDD) from arbitrary bytes, every way one input can
 * be read:
 *
 *   as a file     vmc_devdump_list_open (an ELF core's PT_NOTEs or a
 *                 kdump-compressed sub-header's notes), then the first and
 *                 last payload bytes of each dump, as extract reads them;
 *                 vmc_dump_open_vmcore + two device dumps added (one
 *                 collector failing between them), every extent read, and
 *                 the result listed again
 *   as notes      the input as the note segment of a synthetic ELF64
 *                 little-endian vmcore and of a big-endian kdump-compressed
 *                 file, listed
 *
 * Seeds (tests/data/devdump/make-fuzz-seeds.py): an ELF vmcore laid out
 * like makedumpfile -E output with a device dump, the same as ELF32
 * big-endian, a kdump-compressed file whose header block is a real
 * makedumpfile -c header, and a bare note segment.
 */
#include "vmcorekit/vmcorekit.h"

#define MAX_REWRITE (1u << 20)	/* read a rewritten file back whole below */

static void read_entries(vmc_source *src, const vmc_devdump_list *l)
{
	uint8_t b[16];

	for (size_t i = 0; i < vmc_devdump_list_count(l); i++) {
		const struct vmc_devdump_entry *x = vmc_devdump_list_get(l, i);
		size_t n = x->data_len < sizeof(b) ? (size_t)x->data_len
						   : sizeof(b);
		size_t idx;

		vmc_source_read_at(src, x->data_off, b, n, NULL);
		vmc_source_read_at(src, x->data_off + x->data_len - n, b, n,
				   NULL);
		vmc_devdump_list_find(l, x->name, &idx, NULL);
	}
}

static void list(const uint8_t *data, size_t size)
{
	vmc_devdump_list *l = NULL;
	vmc_source *src;

	if (vmc_source_new_buffer(&src, data, size, NULL))
		return;
	if (vmc_devdump_list_open(&l, src, NULL) == VMC_OK) {
		struct vmc_devdump_list_info in;

		vmc_devdump_list_get_info(l, &in);
		read_entries(src, l);
		vmc_devdump_list_free(l);
	}
	vmc_source_close(src);
}

static vmc_status fill(const struct vmc_devdump_desc *dd, void *buf,
		       size_t len, vmc_error *e)
{
	if (dd->payload)
		return vmc_error_set(e, VMC_ERR_IO, "refused");
	memset(buf, 0xa5, len);
	return VMC_OK;
}

static void add(const uint8_t *data, size_t size)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	struct vmc_devdump_desc dd = VMC_DEVDUMP_DESC_INIT;
	vmc_source *src;
	vmc_dump *d = NULL;
	int refuse = 1;

	if (vmc_source_new_buffer(&src, data, size, NULL))
		return;
	if (vmc_dump_open_vmcore(&d, src, &o, NULL))
		goto out;
	memcpy(dd.name, "fuzz", 5);
	dd.size = 100;
	dd.collect = fill;
	vmc_dump_add_device_dump(d, &dd, NULL);
	dd.payload = &refuse;
	vmc_dump_add_device_dump(d, &dd, NULL);
	dd.payload = NULL;
	dd.size = 5000;
	vmc_dump_add_device_dump(d, &dd, NULL);
	for (size_t i = 0; i < vmc_dump_nr_extents(d); i++) {
		const struct vmc_dump_extent *x = vmc_dump_extent(d, i);
		uint8_t b[32];
		size_t n = x->len < sizeof(b) ? (size_t)x->len : sizeof(b);

		vmc_dump_read_at(d, x->off, b, n, NULL);
		vmc_dump_read_at(d, x->off + x->len - n, b, n, NULL);
	}
	if (vmc_dump_size(d) <= MAX_REWRITE) {
		uint8_t *out = malloc((size_t)vmc_dump_size(d) + 1);

		if (out && vmc_dump_read_at(d, 0, out, (size_t)vmc_dump_size(d),
					    NULL) == VMC_OK)
			list(out, (size_t)vmc_dump_size(d));
		free(out);
	}
out:
	vmc_dump_free(d);
	vmc_source_close(src);
}

/* The input as the note segment of an ELF64 LE vmcore (makedumpfile -E
 * places the notes right after the program headers). */
static void as_elf_notes(const uint8_t *data, size_t size)
{
	struct vmc_ehdr eh = { .id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
			       .type = VMC_ET_CORE, .version = 1, .phoff = 64,
			       .ehsize = 64, .phentsize = 56, .phnum = 1 };
	struct vmc_phdr ph = { VMC_PT_NOTE, 0, 120, 0, 0, size, size, 4 };
	uint8_t *f = malloc(120 + size + 1);

	if (!f)
		return;
	vmc_elf_encode_ehdr(&eh, f, 64, NULL);
	vmc_elf_encode_phdr(&eh.id, &ph, f + 64, 56, NULL);
	memcpy(f + 120, data, size);
	list(f, 120 + size);
	add(f, 120 + size);
	free(f);
}

/* ... and of a big-endian kdump-compressed file (makedumpfile
 * diskdump_mod.h: block 0 the disk_dump_header, block 1 the
 * kdump_sub_header, the notes right after it). */
static void as_kdump_notes(const uint8_t *data, size_t size)
{
	const size_t block = 4096, notes = block + 104;
	uint8_t *f = calloc(1, notes + size + 1);

	if (!f)
		return;
	memcpy(f, "KDUMP   ", 8);
	vmc_put32(VMC_BE, f + 8, 6);			/* header_version */
	memcpy(f + 272, "s390x", 5);			/* utsname.machine */
	vmc_put32(VMC_BE, f + 428, (uint32_t)block);	/* block_size */
	vmc_put64(VMC_BE, f + block + 48, notes);	/* offset_note */
	vmc_put64(VMC_BE, f + block + 56, size);	/* size_note */
	memcpy(f + notes, data, size);
	list(f, notes + size);
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	list(data, size);
	add(data, size);
	as_elf_notes(data, size);
	as_kdump_notes(data, size);
	return 0;
}
