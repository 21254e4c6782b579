// SPDX-License-Identifier: MIT
/*
 * Device dumps (NT_VMCOREDD): vmc_devdump_build against the kernel's rules
 * (__vmcore_add_device_dump, vmcoredd_write_header); a vmcore with dumps
 * against offsets derived by hand from fs/proc/vmcore.c; random headers of
 * every class x byte order against a naive model, the same dumps added to
 * the finished file (vmc_dump_open_vmcore) giving the same bytes; the
 * listing and extraction of both containers (ELF, kdump-compressed); a
 * failing collector and every malformed note leaving clear errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/vmcorekit.h"
#include "unit.h"

#define RAM_LEN (4u << 20)
#define HDR_AT 0x300000u
#define NOTE_AT 0x301000u

static uint8_t *ram;

/* ---- collectors ---- */

struct fill {
	unsigned calls;
	size_t got_len;
	uint8_t seed;
	vmc_status fail;
};

static vmc_status fill_pattern(const struct vmc_devdump_desc *dd, void *buf,
			       size_t len, vmc_error *e)
{
	struct fill *f = dd->payload;
	uint8_t *p = buf;

	f->calls++;
	f->got_len = len;
	if (f->fail)
		return vmc_error_set(e, f->fail, "collector says no");
	for (size_t i = 0; i < len; i++) {
		CHECK(p[i] == 0, "the buffer is zeroed");
		p[i] = (uint8_t)(f->seed + i * 7);
	}
	return VMC_OK;
}

static struct vmc_devdump_desc desc(const char *name, uint32_t size,
				    struct fill *f)
{
	struct vmc_devdump_desc dd = VMC_DEVDUMP_DESC_INIT;

	snprintf(dd.name, sizeof(dd.name), "%s", name);
	dd.size = size;
	dd.collect = fill_pattern;
	dd.payload = f;
	return dd;
}

static uint64_t up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

/* ---- vmc_devdump_build ---- */

static void test_build(void)
{
	static const uint32_t sizes[] = { 1, 4095 - 64, 4096 - 64, 4097 - 64,
					  4095, 4096, 4097, 100000 };
	struct fill f = { .seed = 3 };
	struct vmc_devdump_desc dd;
	vmc_error e = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;

	for (size_t o = 0; o < 2; o++) {
		enum vmc_order ord = o ? VMC_BE : VMC_LE;

		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint64_t want = up(64 + sizes[i], 4096);

			t_case("build size %u order %zu", sizes[i], o);
			dd = desc("nic0/fw", sizes[i], &f);
			CHECK_ST(vmc_devdump_build(&buf, &len, &dd, ord, 4096,
						   &e), VMC_OK, &e);
			CHECK_U64(len, want);
			CHECK_U64(f.got_len, sizes[i]);
			CHECK_U64(vmc_get32(ord, buf), 8);
			CHECK_U64(vmc_get32(ord, buf + 4), want - 64 + 44);
			CHECK_U64(vmc_get32(ord, buf + 8), 0x700);
			CHECK(!memcmp(buf + 12, "LINUX\0\0\0", 8), "name");
			CHECK(!strcmp((char *)buf + 20, "nic0/fw") &&
			      buf[20 + 43] == 0, "dump_name");
			CHECK(buf[64] == 3 && buf[64 + sizes[i] - 1] ==
			      (uint8_t)(3 + (sizes[i] - 1) * 7), "payload");
			for (size_t k = 64 + sizes[i]; k < len; k++)
				if (!CHECK(buf[k] == 0, "padding at %zu", k))
					break;
			vmc_buf_free(buf);
		}
	}
	t_case("build page sizes");
	dd = desc("x", 1, &f);
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 65536, &e), VMC_OK,
		 &e);
	CHECK_U64(len, 65536);
	vmc_buf_free(buf);

	t_case("build: the kernel's -EINVAL cases");
	f.calls = 0;
	dd = desc("", 10, &f);
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "empty name");
	dd = desc("x", 0, &f);
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "size 0");
	dd = desc("x", 10, &f);
	dd.collect = NULL;
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "no collector");
	dd = desc("x", 10, &f);
	memset(dd.name, 'a', sizeof(dd.name));	/* no NUL in 44 bytes */
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_MSG(&e, "does not fit 44 bytes");
	dd = desc("x", 10, &f);
	dd.version = 99;
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_devdump_build(&buf, &len, NULL, VMC_LE, 4096, &e),
		 VMC_ERR_INVALID, &e);
	dd = desc("x", VMC_DEVDUMP_SIZE_MAX + 1u, &f);
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_RANGE, &e);
	dd = desc("x", 10, &f);
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 12288, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_U64(f.calls, 0);
	t_case("build: a failing collector");
	f.fail = VMC_ERR_IO;
	dd = desc("nic1", 10, &f);
	buf = NULL;
	CHECK_ST(vmc_devdump_build(&buf, &len, &dd, VMC_LE, 4096, &e),
		 VMC_ERR_IO, &e);
	CHECK_MSG(&e, "device dump 'nic1': collector says no");
	CHECK(buf == NULL, "no buffer handed out");
}

/* ---- an elfcorehdr in RAM: one PT_NOTE, then the loads ---- */

struct hdr_spec {
	struct vmc_elf_id id;
	size_t nr_load;
	struct vmc_phdr load[5];
	uint64_t notes_len;	/* real size of the notes at NOTE_AT */
};

static void put_hdr(struct hdr_spec *h)
{
	size_t ehsz = vmc_elf_ehdr_size(h->id.cls);
	size_t phsz = vmc_elf_phdr_size(h->id.cls);
	struct vmc_ehdr eh = { .id = h->id, .type = VMC_ET_CORE, .version = 1,
			       .phoff = ehsz, .ehsize = (uint16_t)ehsz,
			       .phentsize = (uint16_t)phsz,
			       .phnum = (uint32_t)(1 + h->nr_load) };
	struct vmc_phdr note = { VMC_PT_NOTE, 0, NOTE_AT, 0, NOTE_AT, 0x400,
				 0x400, 0 };
	uint8_t desc80[80];
	size_t used = 0;

	for (size_t i = 0; i < sizeof(desc80); i++)
		desc80[i] = (uint8_t)(i + 1);
	memset(ram + NOTE_AT, 0, 0x400);
	vmc_note_append(ram + NOTE_AT, 0x400, &used, h->id.order, "CORE", 1,
			desc80, sizeof(desc80), NULL);
	h->notes_len = used;
	vmc_elf_encode_ehdr(&eh, ram + HDR_AT, ehsz, NULL);
	vmc_elf_encode_phdr(&h->id, &note, ram + HDR_AT + ehsz, phsz, NULL);
	for (size_t i = 0; i < h->nr_load; i++)
		vmc_elf_encode_phdr(&h->id, &h->load[i],
				    ram + HDR_AT + ehsz + (1 + i) * phsz, phsz,
				    NULL);
}

static vmc_physmem *new_pm(void)
{
	vmc_physmem *pm;
	vmc_source *src;

	vmc_physmem_new(&pm, NULL);
	vmc_source_new_buffer(&src, ram, RAM_LEN, NULL);
	vmc_physmem_own(pm, src, NULL);
	vmc_physmem_map(pm, 0, RAM_LEN, src, 0, NULL);
	return pm;
}

static vmc_status open_asm(vmc_dump **d, vmc_physmem *pm, vmc_error *e)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_hdr_source *hs;
	vmc_status st;

	vmc_hdr_source_new_oldmem(&hs, pm, HDR_AT, NULL);
	st = vmc_dump_open(d, hs, pm, &o, e);
	vmc_hdr_source_close(hs);
	return st;
}

static uint8_t *all_bytes(vmc_dump *d)
{
	uint8_t *b = malloc(vmc_dump_size(d));
	vmc_error e = { 0 };

	CHECK_ST(vmc_dump_read_at(d, 0, b, vmc_dump_size(d), &e), VMC_OK, &e);
	return b;
}

static uint64_t phdr_field(const uint8_t *f, const struct vmc_elf_id *id,
			   size_t i, int which)
{
	size_t ehsz = vmc_elf_ehdr_size(id->cls);
	size_t phsz = vmc_elf_phdr_size(id->cls);
	struct vmc_phdr p;

	vmc_elf_decode_phdr(id, f + ehsz + i * phsz, phsz, &p, NULL);
	return which == 0 ? p.offset : which == 1 ? p.filesz : p.memsz;
}

/*
 * By hand from fs/proc/vmcore.c (6.12), ELF64, PAGE_SIZE 4096:
 *   elfcorehdr: 64 + 3 * 56 = 232 bytes -> elfcorebuf_sz 0x1000
 *   one note "CORE" with an 80-byte desc: 12 + 8 + 80 = 100 (0x64) =
 *     elfnotes_orig_sz; elfnotes_sz = roundup(100, 4096) = 0x1000
 *   PT_NOTE p_offset = roundup(232, 4096) = 0x1000
 *   PT_LOAD paddr 0x100000 memsz 0x2000: window 0x2000 at 0x2000
 *   PT_LOAD paddr 0x200800 memsz 0x1000: window [0x200000, 0x202000),
 *     at 0x4000, p_offset 0x4000 + 0x800 = 0x4800; vmcore_size 0x6000
 * vmcore_add_device_dump, sizes 1, 4032, 4033 (data_size = roundup(64 +
 * size, 4096)): 0x1000, 0x1000, 0x2000 -> vmcoredd_orig_sz 0x4000;
 *   n_descsz = data_size - 64 + 44: 0xfec, 0xfec, 0x1fec
 *   dumps at 0x1000, 0x2000, 0x3000; notes at 0x5000
 *   vmcoredd_update_program_headers: PT_NOTE p_filesz = p_memsz =
 *     100 + 0x4000 = 0x4064, p_offset unchanged 0x1000; vmcore_off =
 *     0x1000 + (0x1000 + 0x4000) = 0x6000: PT_LOAD p_offset 0x6000 and
 *     0x8000 + 0x800 = 0x8800; vmcore_size 0xa000
 */
static void test_by_hand(void)
{
	struct hdr_spec h = { .id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
			      .nr_load = 2,
			      .load = { { VMC_PT_LOAD, 7, 0x100000, 0, 0x100000,
					  0x2000, 0x2000, 0 },
					{ VMC_PT_LOAD, 7, 0x200800, 0, 0x200800,
					  0x1000, 0x1000, 0 } } };
	static const uint32_t sizes[] = { 1, 4032, 4033 };
	static const char *const names[] = { "A", "B", "C" };
	vmc_physmem *pm = new_pm();
	struct fill f = { .seed = 9 };
	struct vmc_dump_info in;
	vmc_dump *d = NULL;
	vmc_error e = { 0 };
	uint8_t *b;

	t_case("by hand");
	put_hdr(&h);
	CHECK_U64(h.notes_len, 100);
	CHECK_ST(open_asm(&d, pm, &e), VMC_OK, &e);
	if (!d)
		return;
	CHECK_U64(vmc_dump_size(d), 0x6000);
	b = all_bytes(d);
	CHECK_U64(phdr_field(b, &h.id, 1, 0), 0x2000);
	CHECK_U64(phdr_field(b, &h.id, 2, 0), 0x4800);
	free(b);
	for (size_t i = 0; i < 3; i++) {
		struct vmc_devdump_desc dd = desc(names[i], sizes[i], &f);

		CHECK_ST(vmc_dump_add_device_dump(d, &dd, &e), VMC_OK, &e);
	}
	CHECK_U64(vmc_dump_size(d), 0xa000);
	vmc_dump_get_info(d, &in);
	CHECK_U64(in.nr_devdumps, 3);
	CHECK_U64(in.devdump_len, 0x4000);
	b = all_bytes(d);
	CHECK_U64(vmc_get16(VMC_LE, b + 56), 3);		/* e_phnum */
	CHECK_U64(phdr_field(b, &h.id, 0, 0), 0x1000);
	CHECK_U64(phdr_field(b, &h.id, 0, 1), 0x4064);
	CHECK_U64(phdr_field(b, &h.id, 0, 2), 0x4064);
	CHECK_U64(phdr_field(b, &h.id, 1, 0), 0x6000);
	CHECK_U64(phdr_field(b, &h.id, 2, 0), 0x8800);
	CHECK_U64(vmc_get32(VMC_LE, b + 0x1000 + 4), 0xfec);
	CHECK_U64(vmc_get32(VMC_LE, b + 0x2000 + 4), 0xfec);
	CHECK_U64(vmc_get32(VMC_LE, b + 0x3000 + 4), 0x1fec);
	CHECK(!strcmp((char *)b + 0x3000 + 20, "C"), "dump C at 0x3000");
	CHECK(b[0x1040] == 9, "A's one byte at 0x1040");
	CHECK(b[0x1041] == 0, "A's padding");
	CHECK(!memcmp(b + 0x5000, ram + NOTE_AT, 100), "notes at 0x5000");
	CHECK(!memcmp(b + 0x6000, ram + 0x100000, 0x2000), "LOAD0 data");
	CHECK(!memcmp(b + 0x8000, ram + 0x200000, 0x2000), "LOAD1 window");
	free(b);
	vmc_dump_free(d);
	vmc_physmem_free(pm);
}

/* ---- random headers vs a naive model ---- */

struct model_dump {
	char name[44];
	uint32_t size;
	uint8_t seed;
};

/* The expected vmcore: concatenation, offsets as the kernel computes. */
static uint8_t *model(const struct hdr_spec *h, uint64_t page,
		      const struct model_dump *dd, size_t nr, uint64_t *len)
{
	size_t ehsz = vmc_elf_ehdr_size(h->id.cls);
	size_t phsz = vmc_elf_phdr_size(h->id.cls);
	uint64_t elfsz = up(ehsz + (1 + h->nr_load) * phsz, page);
	uint64_t ddlen = 0, off, total;
	struct vmc_ehdr eh = { .id = h->id, .type = VMC_ET_CORE, .version = 1,
			       .phoff = ehsz, .ehsize = (uint16_t)ehsz,
			       .phentsize = (uint16_t)phsz,
			       .phnum = (uint32_t)(1 + h->nr_load) };
	struct vmc_phdr note = { VMC_PT_NOTE, 0, elfsz, 0, 0, 0, 0, 4 };
	uint8_t *f;

	for (size_t i = 0; i < nr; i++)
		ddlen += up(64 + dd[i].size, page);
	note.filesz = note.memsz = h->notes_len + ddlen;
	off = total = elfsz + ddlen + up(h->notes_len, page);
	for (size_t i = 0; i < h->nr_load; i++)
		total += up(h->load[i].offset + h->load[i].memsz, page) -
			 (h->load[i].offset / page * page);
	f = calloc(1, total);
	vmc_elf_encode_ehdr(&eh, f, ehsz, NULL);
	vmc_elf_encode_phdr(&h->id, &note, f + ehsz, phsz, NULL);
	for (size_t i = 0, at = elfsz; i < nr; i++) {
		uint64_t n = up(64 + dd[i].size, page);

		vmc_put32(h->id.order, f + at, 8);
		vmc_put32(h->id.order, f + at + 4, (uint32_t)(n - 20));
		vmc_put32(h->id.order, f + at + 8, 0x700);
		memcpy(f + at + 12, "LINUX", 5);
		memcpy(f + at + 20, dd[i].name, strlen(dd[i].name));
		for (size_t k = 0; k < dd[i].size; k++)
			f[at + 64 + k] = (uint8_t)(dd[i].seed + k * 7);
		at += n;
	}
	memcpy(f + elfsz + ddlen, ram + NOTE_AT, h->notes_len);
	for (size_t i = 0; i < h->nr_load; i++) {
		struct vmc_phdr p = h->load[i];
		uint64_t s = p.offset / page * page;
		uint64_t e = up(p.offset + p.memsz, page);

		memcpy(f + off, ram + s, e - s);
		p.offset = off + (h->load[i].offset - s);
		vmc_elf_encode_phdr(&h->id, &p, f + ehsz + (1 + i) * phsz, phsz,
				    NULL);
		off += e - s;
	}
	*len = total;
	return f;
}

static void random_spec(struct hdr_spec *h, uint64_t page)
{
	h->nr_load = (size_t)rng_between(1, 5);
	for (size_t i = 0; i < h->nr_load; i++) {
		uint64_t a = rng_between(0x1000, 0x2f0000);
		uint64_t l = rng_between(0, 0x2fff00 - a);

		h->load[i] = (struct vmc_phdr){ VMC_PT_LOAD, 7, a,
						0xc0000000u + a, a, l, l,
						page };
	}
}

static vmc_dump *add_all(vmc_dump *d, const struct model_dump *dd, size_t nr)
{
	vmc_error e = { 0 };

	for (size_t i = 0; d && i < nr; i++) {
		struct fill f = { .seed = dd[i].seed };
		struct vmc_devdump_desc x = desc(dd[i].name, dd[i].size, &f);

		CHECK_ST(vmc_dump_add_device_dump(d, &x, &e), VMC_OK, &e);
	}
	return d;
}

static void check_listing(const uint8_t *f, uint64_t len,
			  const struct model_dump *dd, size_t nr)
{
	vmc_devdump_list *l = NULL;
	vmc_source *src;
	vmc_error e = { 0 };

	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_devdump_list_open(&l, src, &e), VMC_OK, &e);
	if (l) {
		CHECK_U64(vmc_devdump_list_count(l), nr);
		for (size_t i = 0; i < nr && i < vmc_devdump_list_count(l);
		     i++) {
			const struct vmc_devdump_entry *x =
				vmc_devdump_list_get(l, i);

			CHECK_STR(x->name, dd[i].name);
			CHECK_U64(x->data_len, up(64 + dd[i].size, 4096) - 64);
			CHECK_U64(x->data_off, x->note_off + 64);
			CHECK(x->data_off + x->data_len <= len &&
			      f[x->data_off] == dd[i].seed, "payload of %zu",
			      i);
		}
	}
	vmc_devdump_list_free(l);
	vmc_source_close(src);
}

static void test_random(void)
{
	static const struct vmc_elf_id ids[] = {
		{ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
		{ VMC_CLASS_64, VMC_BE, VMC_EM_S390 },
		{ VMC_CLASS_32, VMC_LE, VMC_EM_386 },
		{ VMC_CLASS_32, VMC_BE, VMC_EM_PPC },
	};

	for (int iter = 0; iter < 40; iter++) {
		struct hdr_spec h = { .id = ids[iter % 4] };
		struct model_dump dd[4];
		size_t nr = (size_t)rng_between(1, 4);
		vmc_physmem *pm = new_pm();
		vmc_dump *d = NULL, *v = NULL;
		vmc_source *src = NULL;
		vmc_error e = { 0 };
		uint8_t *want, *got, *plain, *again;
		uint64_t wlen;

		t_case("random %d class %d order %d, %zu dumps", iter,
		       h.id.cls, h.id.order, nr);
		random_spec(&h, 4096);
		put_hdr(&h);
		for (size_t i = 0; i < nr; i++) {
			snprintf(dd[i].name, sizeof(dd[i].name), "dev%zu", i);
			dd[i].size = (uint32_t)rng_between(1, 3 * 4096);
			dd[i].seed = (uint8_t)rng_next();
		}
		if (iter % 5 == 0)	/* duplicate names are allowed */
			memcpy(dd[nr - 1].name, "dev0", 5);
		want = model(&h, 4096, dd, nr, &wlen);
		CHECK_ST(open_asm(&d, pm, &e), VMC_OK, &e);
		if (!d) {
			free(want);
			vmc_physmem_free(pm);
			continue;
		}
		plain = all_bytes(d);
		/* The finished vmcore, then the same dumps added to it. */
		vmc_source_new_buffer(&src, plain, vmc_dump_size(d), NULL);
		{
			struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;

			CHECK_ST(vmc_dump_open_vmcore(&v, src, &o, &e),
				 VMC_OK, &e);
		}
		add_all(d, dd, nr);
		CHECK_U64(vmc_dump_size(d), wlen);
		got = all_bytes(d);
		CHECK(!memcmp(got, want, wlen), "assembled with dumps = model");
		if (v && add_all(v, dd, nr)) {
			CHECK_U64(vmc_dump_size(v), wlen);
			again = all_bytes(v);
			CHECK(!memcmp(again, want, wlen),
			      "dumps added to the file = model");
			free(again);
		}
		check_listing(got, wlen, dd, nr);
		vmc_dump_free(v);
		vmc_source_close(src);
		vmc_dump_free(d);
		vmc_physmem_free(pm);
		free(plain);
		free(got);
		free(want);
	}
}

/* ---- a failing collector leaves the dump as it was ---- */

static void test_failing_collector(void)
{
	struct hdr_spec h = { .id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 } };
	vmc_physmem *pm = new_pm();
	struct fill ok = { .seed = 1 }, bad = { .fail = VMC_ERR_CORRUPT };
	struct vmc_devdump_desc dd = desc("good", 100, &ok);
	struct vmc_dump_info a, b;
	vmc_dump *d = NULL;
	vmc_error e = { 0 };
	uint8_t *before, *after;
	uint64_t size;
	size_t next;

	t_case("failing collector");
	random_spec(&h, 4096);
	put_hdr(&h);
	CHECK_ST(open_asm(&d, pm, &e), VMC_OK, &e);
	if (!d)
		return;
	CHECK_ST(vmc_dump_add_device_dump(d, &dd, &e), VMC_OK, &e);
	size = vmc_dump_size(d);
	next = vmc_dump_nr_extents(d);
	vmc_dump_get_info(d, &a);
	before = all_bytes(d);
	dd = desc("bad", 5000, &bad);
	CHECK_ST(vmc_dump_add_device_dump(d, &dd, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "device dump 'bad': collector says no");
	dd = desc("", 5000, &ok);
	CHECK_ST(vmc_dump_add_device_dump(d, &dd, &e), VMC_ERR_INVALID, &e);
	CHECK_U64(vmc_dump_size(d), size);
	CHECK_U64(vmc_dump_nr_extents(d), next);
	vmc_dump_get_info(d, &b);
	CHECK(!memcmp(&a, &b, sizeof(a)), "info unchanged");
	after = all_bytes(d);
	CHECK(!memcmp(before, after, size), "bytes unchanged");
	free(before);
	free(after);
	vmc_dump_free(d);
	vmc_physmem_free(pm);
}

/* ---- existing files: tables, refusals ---- */

/* A hand-made ELF64 LE core: ehdr, phdrs, notes at @noff, loads. */
static uint8_t *small_core(size_t *len, uint64_t noff, const void *notes,
			   size_t nlen, bool elf32)
{
	struct vmc_elf_id id = { elf32 ? VMC_CLASS_32 : VMC_CLASS_64, VMC_LE,
				 elf32 ? VMC_EM_386 : VMC_EM_X86_64 };
	size_t ehsz = vmc_elf_ehdr_size(id.cls), phsz = vmc_elf_phdr_size(id.cls);
	struct vmc_ehdr eh = { .id = id, .type = VMC_ET_CORE, .version = 1,
			       .phoff = ehsz, .ehsize = (uint16_t)ehsz,
			       .phentsize = (uint16_t)phsz, .phnum = 2 };
	struct vmc_phdr ph[2] = {
		{ VMC_PT_NOTE, 0, noff, 0, 0, nlen, nlen, 4 },
		{ VMC_PT_LOAD, 7, noff + nlen, 0x1000, 0x1000, 0x100, 0x100,
		  0 },
	};
	uint8_t *f;

	*len = (size_t)(noff + nlen + 0x100);
	f = calloc(1, *len);
	vmc_elf_encode_ehdr(&eh, f, ehsz, NULL);
	for (size_t i = 0; i < 2; i++)
		vmc_elf_encode_phdr(&id, &ph[i], f + ehsz + i * phsz, phsz,
				    NULL);
	memcpy(f + noff, notes, nlen);
	memset(f + noff + nlen, 0xab, 0x100);
	return f;
}

static vmc_status list_buf(const uint8_t *f, size_t len, size_t *count,
			   vmc_error *e)
{
	vmc_devdump_list *l = NULL;
	vmc_source *src;
	vmc_status st;

	vmc_source_new_buffer(&src, f, len, NULL);
	st = vmc_devdump_list_open(&l, src, e);
	*count = l ? vmc_devdump_list_count(l) : 0;
	vmc_devdump_list_free(l);
	vmc_source_close(src);
	return st;
}

static size_t vmcoredd_note(uint8_t *p, const char *name, uint32_t descsz)
{
	memset(p, 0, 64);
	vmc_put32(VMC_LE, p, 8);
	vmc_put32(VMC_LE, p + 4, descsz);
	vmc_put32(VMC_LE, p + 8, 0x700);
	memcpy(p + 12, "LINUX", 5);
	memcpy(p + 20, name, strlen(name));
	return 20 + ((descsz + 3u) & ~3u);
}

static void test_existing(void)
{
	uint8_t notes[8192] = { 0 }, *f, *g;
	size_t n = 0, len, count = 0;
	struct fill fl = { .seed = 5 };
	struct vmc_devdump_desc dd = desc("added", 10, &fl);
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	vmc_source *src;
	vmc_dump *d = NULL;
	vmc_error e = { 0 };
	size_t idx = 9;

	/* Notes not page aligned (makedumpfile -E style), one old dump. */
	t_case("existing: makedumpfile -E style");
	n += vmcoredd_note(notes, "old", 4096 - 20);
	vmc_note_append(notes, sizeof(notes), &n, VMC_LE, "VMCOREINFO", 0,
			"PAGESIZE=4096\n", 14, NULL);
	f = small_core(&len, 0xb0, notes, n, false);
	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_dump_open_vmcore(&d, src, &o, &e), VMC_OK, &e);
	if (d) {
		CHECK_ST(vmc_dump_add_device_dump(d, &dd, &e), VMC_OK, &e);
		CHECK_U64(vmc_dump_size(d), len + 4096);
		g = all_bytes(d);
		CHECK_U64(phdr_field(g, &(struct vmc_elf_id){ VMC_CLASS_64,
			  VMC_LE, VMC_EM_X86_64 }, 0, 1), n + 4096);
		CHECK_U64(phdr_field(g, &(struct vmc_elf_id){ VMC_CLASS_64,
			  VMC_LE, VMC_EM_X86_64 }, 1, 0), 0xb0 + n + 4096);
		CHECK(!memcmp(g + 0xb0, f + 0xb0, 4096), "old dump first");
		CHECK(!strcmp((char *)g + 0xb0 + 4096 + 20, "added"),
		      "new dump after the old one");
		CHECK(!memcmp(g + 0xb0 + 8192, f + 0xb0 + 4096, n - 4096 +
			      0x100), "notes and data moved whole");
		CHECK_ST(list_buf(g, (size_t)vmc_dump_size(d), &count, &e),
			 VMC_OK, &e);
		CHECK_U64(count, 2);
		free(g);
		vmc_dump_free(d);
	}
	vmc_source_close(src);
	free(f);

	t_case("existing: ELF32 offsets past 2^32");
	n = 0;
	vmc_note_append(notes, sizeof(notes), &n, VMC_LE, "CORE", 1, "x", 1,
			NULL);
	f = small_core(&len, 0x1000, notes, n, true);
	vmc_put32(VMC_LE, f + 52 + 32 + 4, 0xfffff000u);	/* LOAD p_offset */
	vmc_source_new_buffer(&src, f, len, NULL);
	d = NULL;
	CHECK_ST(vmc_dump_open_vmcore(&d, src, &o, &e), VMC_OK, &e);
	if (d) {
		uint64_t size = vmc_dump_size(d);

		CHECK_ST(vmc_dump_add_device_dump(d, &dd, &e), VMC_ERR_RANGE,
			 &e);
		CHECK_MSG(&e, "ELFCLASS32");
		CHECK_U64(vmc_dump_size(d), size);
		vmc_dump_free(d);
	}
	vmc_source_close(src);
	free(f);

	t_case("existing: refusals");
	f = small_core(&len, 0x1000, notes, n, false);
	vmc_put64(VMC_LE, f + 64 + 32, 0x100000);	/* PT_NOTE p_filesz */
	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_dump_open_vmcore(&d, src, &o, &e), VMC_ERR_CORRUPT,
		 &e);
	CHECK_MSG(&e, "past the end of the file");
	vmc_source_close(src);
	free(f);
	f = small_core(&len, 0x1000, notes, n, false);
	vmc_put64(VMC_LE, f + 64 + 56 + 8, 0xf80);	/* LOAD spans notes */
	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_dump_open_vmcore(&d, src, &o, &e), VMC_ERR_CORRUPT,
		 &e);
	CHECK_MSG(&e, "overlaps the note segment");
	vmc_source_close(src);
	free(f);
	f = small_core(&len, 0x1000, notes, n, false);
	vmc_put32(VMC_LE, f + 64, VMC_PT_LOAD);		/* no PT_NOTE */
	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_dump_open_vmcore(&d, src, &o, &e), VMC_ERR_CORRUPT,
		 &e);
	CHECK_MSG(&e, "no PT_NOTE");
	vmc_source_close(src);
	free(f);

	t_case("find: duplicates need an index");
	n = 0;
	n += vmcoredd_note(notes + n, "nic", 100);
	n += vmcoredd_note(notes + n, "fw", 100);
	n += vmcoredd_note(notes + n, "nic", 100);
	f = small_core(&len, 0x1000, notes, n, false);
	vmc_source_new_buffer(&src, f, len, NULL);
	{
		vmc_devdump_list *l = NULL;

		CHECK_ST(vmc_devdump_list_open(&l, src, &e), VMC_OK, &e);
		if (l) {
			CHECK_ST(vmc_devdump_list_find(l, "nic", &idx, &e),
				 VMC_ERR_INVALID, &e);
			CHECK_MSG(&e, "#0, #2");
			CHECK_ST(vmc_devdump_list_find(l, "fw", &idx, &e),
				 VMC_OK, &e);
			CHECK_U64(idx, 1);
			CHECK_ST(vmc_devdump_list_find(l, "gpu", &idx, &e),
				 VMC_ERR_NOTFOUND, &e);
			CHECK_U64(vmc_devdump_list_get(l, 2)->data_len, 56);
		}
		vmc_devdump_list_free(l);
	}
	vmc_source_close(src);
	free(f);
}

/* ---- malformed notes: clear errors ---- */

static void test_malformed(void)
{
	uint8_t notes[512] = { 0 }, *f;
	size_t n, len, count;
	vmc_error e = { 0 };

	t_case("malformed: n_descsz runs past the segment");
	n = vmcoredd_note(notes, "nic", 200);
	f = small_core(&len, 0x1000, notes, n, false);
	vmc_put32(VMC_LE, f + 0x1000 + 4, 5000);
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "runs 0x");
	CHECK_MSG(&e, "past the end of its segment");
	free(f);

	t_case("malformed: desc shorter than the dump name");
	n = vmcoredd_note(notes, "nic", 200);
	f = small_core(&len, 0x1000, notes, n, false);
	vmc_put32(VMC_LE, f + 0x1000 + 4, 40);
	vmc_put64(VMC_LE, f + 64 + 32, 20 + 40);	/* p_filesz */
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "shorter than its 44-byte dump name");
	free(f);

	t_case("malformed: truncated file");
	n = vmcoredd_note(notes, "nic", 200);
	f = small_core(&len, 0x1000, notes, n, false);
	CHECK_ST(list_buf(f, 0x1000 + 100, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "past the end of the file");
	free(f);

	t_case("malformed: a nonzero tail shorter than a note header");
	n = vmcoredd_note(notes, "nic", 200);
	notes[n] = 7;
	f = small_core(&len, 0x1000, notes, n + 8, false);
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "truncated note header");
	free(f);

	t_case("malformed: not a dump file");
	CHECK_ST(list_buf((const uint8_t *)"hello world", 11, &count, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_ST(list_buf((const uint8_t *)"", 0, &count, &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_ST(list_buf((const uint8_t *)"makedumpfile\0\0\0\0", 16, &count,
			  &e), VMC_ERR_UNSUPPORTED, &e);
	CHECK_MSG(&e, "flattened");
}

/* ---- kdump-compressed: the sub-header's note segment ---- */

static uint8_t *kdump_file(size_t *len, enum vmc_order o, int32_t ver,
			   const char *machine, const void *notes, size_t nlen)
{
	uint32_t block = 4096;
	uint8_t *f;

	/* header, sub-header + notes (2 blocks), two 1-block bitmaps */
	*len = 5 * block;
	f = calloc(1, *len);
	memcpy(f, "KDUMP   ", 8);
	vmc_put32(o, f + 8, (uint32_t)ver);
	memcpy(f + 12 + 4 * 65, machine, strlen(machine));
	vmc_put32(o, f + 428, block);
	vmc_put32(o, f + 432, 2);		/* sub_hdr_size in blocks */
	vmc_put32(o, f + 436, 2);		/* bitmap_blocks */
	vmc_put32(o, f + 440, 16);		/* max_mapnr */
	vmc_put64(o, f + block + 96, 16);	/* max_mapnr_64 */
	vmc_put64(o, f + block + 48, block + 104);	/* offset_note */
	vmc_put64(o, f + block + 56, nlen);		/* size_note */
	memcpy(f + block + 104, notes, nlen);
	return f;
}

static void test_kdump(void)
{
	uint8_t notes[4096], *f;
	size_t n, len, count;
	vmc_devdump_list *l = NULL;
	vmc_source *src;
	vmc_error e = { 0 };

	t_case("kdump-compressed LE");
	n = vmcoredd_note(notes, "nic", 1000);
	vmc_note_append(notes, sizeof(notes), &n, VMC_LE, "CORE", 1, "x", 1,
			NULL);
	f = kdump_file(&len, VMC_LE, 6, "x86_64", notes, n);
	vmc_source_new_buffer(&src, f, len, NULL);
	CHECK_ST(vmc_devdump_list_open(&l, src, &e), VMC_OK, &e);
	if (l) {
		struct vmc_devdump_list_info in;
		const struct vmc_devdump_entry *x = vmc_devdump_list_get(l, 0);

		vmc_devdump_list_get_info(l, &in);
		CHECK(in.format == VMC_DEVDUMP_FMT_KDUMP, "format");
		CHECK_STR(in.machine_name, "x86_64");
		CHECK_U64(in.notes_off, 4096 + 104);
		CHECK_U64(vmc_devdump_list_count(l), 1);
		if (x) {
			CHECK_STR(x->name, "nic");
			CHECK_U64(x->data_off, 4096 + 104 + 64);
			CHECK_U64(x->data_len, 1000 - 44);
		}
	}
	vmc_devdump_list_free(l);
	vmc_source_close(src);
	free(f);

	t_case("kdump-compressed BE (s390x)");
	memset(notes, 0, 64);
	vmc_put32(VMC_BE, notes, 8);
	vmc_put32(VMC_BE, notes + 4, 44 + 4);
	vmc_put32(VMC_BE, notes + 8, 0x700);
	memcpy(notes + 12, "LINUX", 5);
	memcpy(notes + 20, "zcrypt", 6);
	f = kdump_file(&len, VMC_BE, 6, "s390x", notes, 68);
	CHECK_ST(list_buf(f, len, &count, &e), VMC_OK, &e);
	CHECK_U64(count, 1);
	free(f);

	t_case("kdump-compressed refusals");
	f = kdump_file(&len, VMC_LE, 3, "x86_64", notes, 0);
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_UNSUPPORTED, &e);
	CHECK_MSG(&e, "header_version 3");
	free(f);
	/* 32-bit layouts are read now (src/diskdump/header.c); a machine
	 * whose C layout is unknown is refused. */
	f = kdump_file(&len, VMC_LE, 6, "sparc", notes, 0);
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_UNSUPPORTED, &e);
	CHECK_MSG(&e, "unknown machine");
	free(f);
	f = kdump_file(&len, VMC_LE, 6, "x86_64", notes, 68);
	vmc_put64(VMC_LE, f + 4096 + 56, 1u << 20);	/* size_note lies */
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "size_note");
	free(f);
	f = kdump_file(&len, VMC_LE, 6, "x86_64", notes, 0);
	CHECK_ST(list_buf(f, 300, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "truncated");
	vmc_put32(VMC_LE, f + 428, 1000);
	CHECK_ST(list_buf(f, len, &count, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "block_size");
	free(f);
}

int main(void)
{
	rng_seed("test_devdump", 0x5eed0dd);
	ram = calloc(1, RAM_LEN);
	for (size_t i = 0; i < RAM_LEN; i++)
		ram[i] = (uint8_t)(i * 31 + (i >> 12));
	test_build();
	test_by_hand();
	test_random();
	test_failing_collector();
	test_existing();
	test_malformed();
	test_kdump();
	free(ram);
	return t_finish();
}
