// SPDX-License-Identifier: MIT
/*
 * vmc_dump against a naive model of fs/proc/vmcore.c: random elfcorehdrs
 * (every class x byte order, 2 PT_NOTEs, unaligned and overlapping
 * PT_LOADs, a backup-style p_offset != p_paddr) in a RAM buffer; the
 * expected vmcore is built by plain concatenation and compared with
 * vmc_dump_read_at, with the file vmc_dump_write_fd writes, and 10^5
 * random (off, len) windows of both.  Then the kernel's failure cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcorekit/vmcorekit.h"
#include "unit.h"

#define RAM_BASE 0x100000ull
#define RAM_LEN (2ull << 20)
#define HDR_AT (RAM_BASE + 0x1000)
#define NOTE0_AT (RAM_BASE + 0x3010)
#define NOTE1_AT (RAM_BASE + 0x5800)

static uint8_t *ram;

struct model {
	struct vmc_elf_id id;
	uint64_t page;
	size_t nr_load;
	struct vmc_phdr load[6];
	uint64_t note_real[2];
	uint8_t *want;
	uint64_t want_len;
};

static uint64_t up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
static uint64_t down(uint64_t v, uint64_t a) { return v / a * a; }

/* Notes at @at: @n notes, then a zero n_namesz terminator. */
static uint64_t put_notes(enum vmc_order o, uint64_t at, int n)
{
	size_t used = 0;
	uint8_t desc[300];

	for (int i = 0; i < n; i++) {
		size_t dl = (size_t)rng_between(1, sizeof(desc));

		for (size_t k = 0; k < dl; k++)
			desc[k] = (uint8_t)rng_next();
		vmc_note_append(ram + (at - RAM_BASE), 4096, &used, o,
				i ? "VMCOREINFO" : "CORE", 1, desc, dl, NULL);
	}
	memset(ram + (at - RAM_BASE) + used, 0, 12);
	return used;
}

static void build_model(struct model *m)
{
	size_t ehsz = vmc_elf_ehdr_size(m->id.cls);
	size_t phsz = vmc_elf_phdr_size(m->id.cls);
	struct vmc_ehdr eh = { .id = m->id, .type = VMC_ET_CORE,
			       .version = 1, .phoff = ehsz,
			       .ehsize = (uint16_t)ehsz,
			       .phentsize = (uint16_t)phsz };
	uint8_t *hdr = ram + (HDR_AT - RAM_BASE);
	uint64_t lo = RAM_BASE + 0x10000, hi = RAM_BASE + RAM_LEN - 0x10000;
	size_t nr_ph;

	m->note_real[0] = put_notes(m->id.order, NOTE0_AT, 1);
	m->note_real[1] = put_notes(m->id.order, NOTE1_AT, 2);
	m->nr_load = (size_t)rng_between(1, 6);
	for (size_t i = 0; i < m->nr_load; i++) {
		uint64_t a = rng_between(lo, hi - 1);
		uint64_t len = rng_between(0, hi - a);
		struct vmc_phdr *p = &m->load[i];

		*p = (struct vmc_phdr){ VMC_PT_LOAD, 7, a, 0xc0000000 + a, a,
					len, len, 0 };
		if (i == 1)	/* kexec-tools backup: p_paddr elsewhere */
			p->paddr = 0x1000;
	}
	nr_ph = 2 + m->nr_load;
	eh.phnum = (uint32_t)nr_ph;
	vmc_elf_encode_ehdr(&eh, hdr, ehsz, NULL);
	for (size_t i = 0; i < nr_ph; i++) {
		struct vmc_phdr p = { VMC_PT_NOTE, 0,
				      i ? NOTE1_AT : NOTE0_AT, 0,
				      i ? NOTE1_AT : NOTE0_AT, 0x800, 0x800, 0 };

		if (i >= 2)
			p = m->load[i - 2];
		vmc_elf_encode_phdr(&m->id, &p, hdr + ehsz + i * phsz, phsz,
				    NULL);
	}
}

/* The expected vmcore, by concatenation. */
static void build_want(struct model *m)
{
	size_t ehsz = vmc_elf_ehdr_size(m->id.cls);
	size_t phsz = vmc_elf_phdr_size(m->id.cls);
	uint64_t elfsz = up(ehsz + (1 + m->nr_load) * phsz, m->page);
	uint64_t nsum = m->note_real[0] + m->note_real[1];
	uint64_t notes = up(nsum, m->page), off = elfsz + notes, total = off;
	struct vmc_ehdr eh = { .id = m->id, .type = VMC_ET_CORE,
			       .version = 1, .phoff = ehsz,
			       .ehsize = (uint16_t)ehsz,
			       .phentsize = (uint16_t)phsz,
			       .phnum = (uint32_t)(1 + m->nr_load) };
	struct vmc_phdr note = { VMC_PT_NOTE, 0, up(ehsz + (1 + m->nr_load) *
				 phsz, m->page), 0, 0, nsum, nsum, 4 };

	for (size_t i = 0; i < m->nr_load; i++)
		total += up(m->load[i].offset + m->load[i].memsz, m->page) -
			 down(m->load[i].offset, m->page);
	m->want_len = total;
	m->want = calloc(1, total);
	vmc_elf_encode_ehdr(&eh, m->want, ehsz, NULL);
	vmc_elf_encode_phdr(&m->id, &note, m->want + ehsz, phsz, NULL);
	memcpy(m->want + elfsz, ram + (NOTE0_AT - RAM_BASE), m->note_real[0]);
	memcpy(m->want + elfsz + m->note_real[0], ram + (NOTE1_AT - RAM_BASE),
	       m->note_real[1]);
	for (size_t i = 0; i < m->nr_load; i++) {
		struct vmc_phdr p = m->load[i];
		uint64_t s = down(p.offset, m->page);
		uint64_t e = up(p.offset + p.memsz, m->page);

		memcpy(m->want + off, ram + (s - RAM_BASE), e - s);
		p.offset = off + (m->load[i].offset - s);
		vmc_elf_encode_phdr(&m->id, &p, m->want + ehsz + (1 + i) * phsz,
				    phsz, NULL);
		off += e - s;
	}
}

static vmc_physmem *new_pm(vmc_source **src)
{
	vmc_physmem *pm;

	vmc_physmem_new(&pm, NULL);
	vmc_source_new_buffer(src, ram, RAM_LEN, NULL);
	vmc_physmem_own(pm, *src, NULL);
	vmc_physmem_map(pm, RAM_BASE, RAM_LEN, *src, 0, NULL);
	return pm;
}

static vmc_status open_dump(vmc_dump **d, vmc_physmem *pm, uint64_t page,
			    bool lenient, vmc_error *e)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_hdr_source *hs;
	vmc_status st;

	o.page_size = page;
	o.lenient = lenient;
	vmc_hdr_source_new_oldmem(&hs, pm, HDR_AT, NULL);
	st = vmc_dump_open(d, hs, pm, &o, e);
	vmc_hdr_source_close(hs);
	return st;
}

static void random_reads(vmc_dump *d, const uint8_t *file, uint64_t len,
			 int n)
{
	uint8_t *buf = malloc(1 << 17);
	vmc_error e = { 0 };
	int bad = 0;

	for (int i = 0; i < n; i++) {
		uint64_t off = rng_below(len);
		size_t l = (size_t)rng_below(len - off < (1 << 17) ? len - off
								   : (1 << 17));

		if (vmc_dump_read_at(d, off, buf, l, &e) ||
		    memcmp(buf, file + off, l))
			bad++;
	}
	CHECK(bad == 0, "%d of %d random windows differ", bad, n);
	free(buf);
}

static uint8_t *write_file(vmc_dump *d, uint64_t *len)
{
	struct vmc_dump_write_opts wo = VMC_DUMP_WRITE_OPTS_INIT;
	char path[] = "/tmp/vmc-test-dump.XXXXXX";
	int fd = mkstemp(path);
	uint8_t *buf = malloc(vmc_dump_size(d));
	vmc_error e = { 0 };

	unlink(path);
	wo.chunk = 8192;	/* many chunks, holes inside spans */
	CHECK_ST(vmc_dump_write_fd(d, fd, &wo, NULL, &e), VMC_OK, &e);
	*len = (uint64_t)lseek(fd, 0, SEEK_END);
	CHECK(pread(fd, buf, vmc_dump_size(d), 0) == (ssize_t)vmc_dump_size(d),
	      "short file");
	close(fd);
	return buf;
}

/* The same dump from an image file (fd source) by every copy path, and by
 * a version 2 caller: the same bytes; the path reported. */
static void test_copy_paths(void)
{
	static const enum vmc_copy_path paths[] = {
		VMC_COPY_AUTO, VMC_COPY_READ_WRITE, VMC_COPY_RANGE,
		VMC_COPY_CLONE,
	};
	struct model m = { .id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
			   .page = 4096 };
	char img[] = "/tmp/vmc-test-img.XXXXXX", out[] = "/tmp/vmc-test-out.XXXXXX";
	int ifd = mkstemp(img), ofd = mkstemp(out);
	uint8_t *buf;
	vmc_physmem *pm;
	vmc_source *src;
	vmc_dump *d = NULL;
	vmc_error e = { 0 };

	t_case("copy paths");
	unlink(img);
	unlink(out);
	build_model(&m);
	build_want(&m);
	CHECK(pwrite(ifd, ram, RAM_LEN, 0) == (ssize_t)RAM_LEN, "image");
	vmc_physmem_new(&pm, NULL);
	CHECK_ST(vmc_source_new_fd(&src, ifd, 1, &e), VMC_OK, &e);
	vmc_physmem_own(pm, src, NULL);
	vmc_physmem_map(pm, RAM_BASE, RAM_LEN, src, 0, NULL);
	CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_OK, &e);
	buf = malloc(m.want_len);
	for (size_t i = 0; d && i <= sizeof(paths) / sizeof(paths[0]); i++) {
		struct vmc_dump_write_opts wo = VMC_DUMP_WRITE_OPTS_INIT;
		struct vmc_dump_write_stats ws;

		if (i < sizeof(paths) / sizeof(paths[0]))
			wo.path = paths[i];
		else
			wo.version = 2;	/* no path, no cloned/path stats */
		memset(&ws, 0xee, sizeof(ws));
		CHECK(ftruncate(ofd, 0) == 0, "truncate");
		CHECK_ST(vmc_dump_write_fd(d, ofd, &wo, &ws, &e), VMC_OK, &e);
		CHECK(pread(ofd, buf, m.want_len, 0) == (ssize_t)m.want_len &&
		      memcmp(buf, m.want, m.want_len) == 0,
		      "path %zu: written file differs from the model", i);
		if (wo.version == 2)
			CHECK((uint8_t)ws.path == 0xee, "v2 stats overrun");
		else
			CHECK(ws.path != VMC_COPY_AUTO &&
			      (paths[i] == VMC_COPY_AUTO || ws.path == paths[i]),
			      "path %zu reported as %s", i,
			      vmc_copy_path_name(ws.path));
	}
	free(buf);
	free(m.want);
	vmc_dump_free(d);
	vmc_physmem_free(pm);
	close(ofd);
}

static void test_random(void)
{
	static const struct vmc_elf_id ids[] = {
		{ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
		{ VMC_CLASS_64, VMC_BE, VMC_EM_S390 },
		{ VMC_CLASS_32, VMC_LE, VMC_EM_386 },
		{ VMC_CLASS_32, VMC_BE, VMC_EM_PPC },
	};
	static const uint64_t pages[] = { 4096, 16384, 65536 };

	for (int iter = 0; iter < 60; iter++) {
		struct model m = { .id = ids[iter % 4],
				   .page = pages[(iter / 4) % 3] };
		vmc_source *src;
		vmc_physmem *pm = new_pm(&src);
		vmc_dump *d = NULL;
		vmc_error e = { 0 };
		uint8_t *got, *file;
		uint64_t flen;

		t_case("iter %d class %d order %d page %llu", iter, m.id.cls,
		       m.id.order, (unsigned long long)m.page);
		build_model(&m);
		build_want(&m);
		CHECK_ST(open_dump(&d, pm, m.page, false, &e), VMC_OK, &e);
		if (!d)
			continue;
		CHECK_U64(vmc_dump_size(d), m.want_len);
		got = malloc(m.want_len);
		CHECK_ST(vmc_dump_read_at(d, 0, got, m.want_len, &e), VMC_OK,
			 &e);
		CHECK(memcmp(got, m.want, m.want_len) == 0,
		      "read_at differs from the model");
		file = write_file(d, &flen);
		CHECK_U64(flen, m.want_len);
		CHECK(memcmp(file, m.want, m.want_len) == 0,
		      "written file differs from the model");
		random_reads(d, file, m.want_len, iter == 0 ? 100000 : 2000);
		free(file);
		free(got);
		free(m.want);
		vmc_dump_free(d);
		vmc_physmem_free(pm);
	}
}

static void put_phdr_type(const struct vmc_elf_id *id, size_t i, uint32_t t)
{
	size_t ehsz = vmc_elf_ehdr_size(id->cls);
	size_t phsz = vmc_elf_phdr_size(id->cls);

	vmc_put32(id->order, ram + (HDR_AT - RAM_BASE) + ehsz + i * phsz, t);
}

static void test_errors(void)
{
	struct model m = { .id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
			   .page = 4096 };
	uint8_t *hdr = ram + (HDR_AT - RAM_BASE);
	vmc_source *src;
	vmc_physmem *pm = new_pm(&src);
	vmc_dump *d = NULL;
	vmc_error e = { 0 };

	t_case("errors");
	build_model(&m);
	hdr[0] = 0;
	CHECK_ST(open_dump(&d, pm, 4096, true, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "Core image elf header not found");
	build_model(&m);
	vmc_put16(VMC_LE, hdr + 16, 2);		/* ET_EXEC */
	CHECK_ST(open_dump(&d, pm, 4096, true, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "is not sane");
	build_model(&m);
	vmc_put16(VMC_LE, hdr + 56, 0);		/* e_phnum 0 */
	CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "e_phnum 0");
	build_model(&m);
	vmc_put16(VMC_LE, hdr + 18, 0x1234);	/* unknown machine */
	CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_ERR_CORRUPT, &e);
	/* No PT_NOTE. */
	build_model(&m);
	put_phdr_type(&m.id, 0, VMC_PT_LOAD);
	put_phdr_type(&m.id, 1, VMC_PT_NULL);
	CHECK_ST(open_dump(&d, pm, 4096, true, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "no PT_NOTE");
	/* A note past p_memsz: strict fails, lenient drops it and warns. */
	build_model(&m);
	vmc_put32(VMC_LE, ram + (NOTE1_AT - RAM_BASE) + 4, 0x7000);
	CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "exceeded p_memsz");
	CHECK_ST(open_dump(&d, pm, 4096, true, &e), VMC_OK, &e);
	CHECK(d && vmc_warnings_count(vmc_dump_warnings(d)) >= 1 &&
	      strstr(vmc_warnings_get(vmc_dump_warnings(d), 0)->msg,
		     "dropping"), "no warning");
	vmc_dump_free(d);
	d = NULL;
	/* PT_NOTEs not first: strict refuses, lenient does what the kernel
	 * does (overwrites phdr 0). */
	build_model(&m);
	{
		struct vmc_phdr ld = m.load[0], nt = { VMC_PT_NOTE, 0, NOTE0_AT,
			0, NOTE0_AT, 0x800, 0x800, 0 };

		vmc_elf_encode_phdr(&m.id, &ld, hdr + 64, 56, NULL);
		vmc_elf_encode_phdr(&m.id, &nt, hdr + 64 + 2 * 56, 56, NULL);
	}
	CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "not first");
	CHECK_ST(open_dump(&d, pm, 4096, true, &e), VMC_OK, &e);
	vmc_dump_free(d);
	d = NULL;
	/* The header outside memory. */
	build_model(&m);
	{
		struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
		vmc_hdr_source *hs;

		vmc_hdr_source_new_oldmem(&hs, pm, 0x10000000, NULL);
		CHECK_ST(vmc_dump_open(&d, hs, pm, &o, &e), VMC_ERR_RANGE, &e);
		CHECK_MSG(&e, "not covered by any memory source");
		vmc_hdr_source_close(hs);
	}
	/* A PT_LOAD past the memory: error naming the range, or holes. */
	{
		size_t off = 64 + 2 * 56;

		vmc_put64(VMC_LE, hdr + off + 8, RAM_BASE + RAM_LEN - 0x100);
		vmc_put64(VMC_LE, hdr + off + 40, 0x2000);
		CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_ERR_RANGE, &e);
		CHECK_MSG(&e, "0x300000");
		vmc_physmem_set_allow_holes(pm, true);
		CHECK_ST(open_dump(&d, pm, 4096, false, &e), VMC_OK, &e);
		if (d) {
			struct vmc_dump_info in;

			vmc_dump_get_info(d, &in);
			CHECK_U64(in.hole_len, 0x2000);
		}
		vmc_dump_free(d);
	}
	/* Overlapping mappings are refused. */
	CHECK_ST(vmc_physmem_map(pm, RAM_BASE + 0x1000, 0x1000, src, 0, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "overlaps");
	vmc_physmem_free(pm);
}

static void test_not_ram(void)
{
	vmc_source *src;
	vmc_physmem *pm = new_pm(&src);
	uint8_t buf[0x3000];
	vmc_error e = { 0 };

	t_case("not ram");
	memset(ram + 0x10000, 0xaa, 0x3000);
	vmc_physmem_add_not_ram(pm, RAM_BASE + 0x11000, RAM_BASE + 0x12000,
				NULL);
	CHECK_ST(vmc_physmem_read(pm, RAM_BASE + 0x10000, buf, sizeof(buf),
				  &e), VMC_OK, &e);
	CHECK(buf[0] == 0xaa && buf[0x1000] == 0 && buf[0x1fff] == 0 &&
	      buf[0x2000] == 0xaa, "not-RAM page does not read as zeros");
	vmc_physmem_free(pm);
}

int main(void)
{
	rng_seed("dump", 0x64756d70);
	ram = malloc(RAM_LEN);
	for (size_t i = 0; i < RAM_LEN; i++)
		ram[i] = (uint8_t)rng_next();
	test_random();
	test_copy_paths();
	test_errors();
	test_not_ram();
	free(ram);
	return t_finish();
}
