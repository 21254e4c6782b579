// SPDX-License-Identifier: MIT
/*
 * What `vmcorekit assemble` does, end to end: a memory image file with an
 * elfcorehdr and its notes in it (written here), opened as a source and
 * mapped, the header read from old memory, the dump laid out and written
 * through vmc_outfile with vmc_dump_write_fd; then the written vmcore
 * mapped back as memory (--memory-elf) and read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "failalloc_scenario.h"

#define HDR_AT 0x3000
#define NOTES_AT 0x2000
#define RAM_AT 0x10000
#define RAM_LEN 0x8000
#define IMAGE_LEN (RAM_AT + RAM_LEN)

/* The image, built with the library but before the allocations count
 * matter: it allocates nothing. */
static int make_image(const char *path)
{
	static uint8_t img[IMAGE_LEN];
	const struct vmc_phdr ph[] = {
		{ .type = VMC_PT_NOTE, .offset = NOTES_AT, .paddr = NOTES_AT,
		  .filesz = 0x200, .memsz = 0x200 },
		{ .type = VMC_PT_LOAD, .flags = 7, .offset = RAM_AT,
		  .paddr = RAM_AT, .vaddr = 0xffff888000000000ull + RAM_AT,
		  .filesz = RAM_LEN, .memsz = RAM_LEN },
	};
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	uint8_t desc[336] = { 0 };
	size_t used = 0;
	int fd, ok;

	for (size_t i = 0; i < RAM_LEN; i++)
		img[RAM_AT + i] = (uint8_t)(i * 7 + 1);
	vmc_note_append(img + NOTES_AT, 0x200, &used, VMC_LE, "CORE",
			VMC_NT_PRSTATUS, desc, sizeof(desc), NULL);
	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	s.phdrs = ph;
	s.nr_phdrs = 2;
	vmc_elfcore_write(&s, img + HDR_AT, 0x1000, &used, NULL);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, img, sizeof(img)) == (ssize_t)sizeof(img);
	close(fd);
	return ok ? 0 : -1;
}

FAILALLOC_SCENARIO(assemble)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	struct vmc_dump_write_opts wo = VMC_DUMP_WRITE_OPTS_INIT;
	char img[4096], out[4096];
	vmc_physmem *pm = NULL, *pm2 = NULL;
	vmc_source *src = NULL, *vsrc = NULL;
	vmc_hdr_source *hs = NULL;
	vmc_dump *d = NULL;
	vmc_outfile *f = NULL;
	uint8_t b[64];
	size_t nr;
	vmc_status st;

	snprintf(img, sizeof(img), "%s/memory.bin", fa_tmp);
	snprintf(out, sizeof(out), "%s/vmcore", fa_tmp);
	if (access(img, R_OK) != 0 && make_image(img) != 0)
		return vmc_error_set(e, VMC_ERR_INVALID, "test: cannot write %s",
				     img);
	st = vmc_physmem_new(&pm, e);
	if (!st)
		st = vmc_source_open_file(&src, img, e);
	if (!st && (st = vmc_physmem_own(pm, src, e)))
		src = NULL;	/* closed by vmc_physmem_own */
	if (!st)
		st = vmc_physmem_map(pm, 0, IMAGE_LEN, src, 0, e);
	if (!st)
		st = vmc_hdr_source_new_oldmem(&hs, pm, HDR_AT, e);
	if (!st)
		st = vmc_dump_open(&d, hs, pm, &o, e);
	if (!st)
		st = vmc_outfile_open(&f, out, e);
	if (!st) {
		wo.name = out;
		st = vmc_dump_write_fd(d, vmc_outfile_fd(f), &wo, NULL, e);
		if (st)
			vmc_outfile_abort(f);
		else
			st = vmc_outfile_commit(f, false, e);
	}
	if (!st)
		st = vmc_physmem_new(&pm2, e);
	if (!st)
		st = vmc_source_open_file(&vsrc, out, e);
	if (!st)
		st = vmc_physmem_map_elfcore(pm2, vsrc,
					     &nr, e);
	if (!st)
		st = vmc_physmem_read(pm2, RAM_AT, b, sizeof(b), e);
	if (!st && b[1] != 8)
		st = vmc_error_set(e, VMC_ERR_INVALID, "test: read back %u",
				   b[1]);
	vmc_physmem_free(pm2);
	vmc_source_close(vsrc);
	vmc_dump_free(d);
	vmc_hdr_source_close(hs);
	vmc_physmem_free(pm);
	remove(out);
	return st;
}
