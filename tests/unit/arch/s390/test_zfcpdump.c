// SPDX-License-Identifier: MIT
/*
 * s390 zfcpdump: the save-area and os_info codecs against offsets taken
 * from arch/s390/include/asm/lowcore.h and os_info.h (written out here, not
 * shared with the library), CKSM against a plain 64-bit sum folded at the
 * end, vmc_physmem_overlay against a byte-array model (random maps, random
 * overlays, random reads), the os_info / VMCOREINFO lookups for every way
 * they fail, the header layout field by field, and an assembled dump read
 * through vmc_dump_read_at across the HSA edge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcorekit/vmcorekit.h"
#include "unit.h"

static void be64(uint8_t *p, uint64_t v) { vmc_put64(VMC_BE, p, v); }
static void be32(uint8_t *p, uint32_t v) { vmc_put32(VMC_BE, p, v); }

/* ---- CKSM ---- */

static uint32_t cksm_model(const uint8_t *p, size_t len)
{
	uint64_t s = 0;

	for (size_t i = 0; i < len; i += 4) {
		uint32_t w = 0;

		for (size_t k = 0; k < 4; k++)
			w = w << 8 | (i + k < len ? p[i + k] : 0);
		s += w;
	}
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

static void test_cksm(void)
{
	uint8_t b[1027];
	static const uint8_t ff[8] = { 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1 };
	static const uint8_t three[3] = { 1, 2, 3 };

	t_case("cksm");
	CHECK_U64(vmc_s390_cksm(b, 0, 0), 0);
	CHECK_U64(vmc_s390_cksm(ff, 8, 0), 1);	/* end-around carry */
	CHECK_U64(vmc_s390_cksm(three, 3, 0), 0x01020300);
	/* 0xfeffffff + 0x01020300 carries out: 0x000202ff + 1 */
	CHECK_U64(vmc_s390_cksm(three, 3, 0xfeffffff), 0x00020300);
	for (int r = 0; r < 200; r++) {
		size_t len = (size_t)rng_below(sizeof(b) + 1);

		for (size_t i = 0; i < len; i++)
			b[i] = rng_below(4) ? 0xff : (uint8_t)rng_next();
		CHECK_U64(vmc_s390_cksm(b, len, 0), cksm_model(b, len));
	}
}

/* ---- save areas ---- */

/* lowcore.h offsets, relative to __LC_FPREGS_SAVE_AREA (0x1200). */
static void put_sa(uint8_t *p, uint32_t seed, uint32_t prefix)
{
	for (int i = 0; i < 16; i++) {
		be64(p + 0x1200 - 0x1200 + 8 * i, 0xf0000000ull * seed + i);
		be64(p + 0x1280 - 0x1200 + 8 * i, 0x60000000ull * seed + i);
		be32(p + 0x1340 - 0x1200 + 4 * i, 0xa000 * seed + i);
		be64(p + 0x1380 - 0x1200 + 8 * i, 0xc0000000ull * seed + i);
	}
	be64(p + 0x1300 - 0x1200, 0x0705000180000000ull + seed);
	be64(p + 0x1308 - 0x1200, 0x12345000ull + seed);
	be32(p + 0x1318 - 0x1200, prefix);
	be32(p + 0x131c - 0x1200, 0xfc000000u + seed);
	be32(p + 0x1324 - 0x1200, 0x7070u + seed);
	be64(p + 0x1328 - 0x1200, 0x11110000ull + seed);
	be64(p + 0x1330 - 0x1200, 0x22220000ull + seed);
	be64(p + 0x1338 - 0x1200, 0xdeadull);	/* last break: not dumped */
}

static void check_sa(const struct vmc_s390_save_area *sa, uint32_t seed,
		     uint32_t prefix)
{
	bool ok = true;

	for (int i = 0; i < 16; i++)
		ok &= sa->fprs[i] == 0xf0000000ull * seed + i &&
		      sa->gprs[i] == 0x60000000ull * seed + i &&
		      sa->acrs[i] == 0xa000 * seed + i &&
		      sa->ctrs[i] == 0xc0000000ull * seed + i;
	CHECK(ok, "fprs, gprs, acrs, ctrs");
	CHECK_U64(sa->psw[0], 0x0705000180000000ull + seed);
	CHECK_U64(sa->psw[1], 0x12345000ull + seed);
	CHECK_U64(sa->prefix, prefix);
	CHECK_U64(sa->fpc, 0xfc000000u + seed);
	CHECK_U64(sa->todpreg, 0x7070u + seed);
	CHECK_U64(sa->timer, 0x11110000ull + seed);
	CHECK_U64(sa->todcmp, 0x22220000ull + seed);
	CHECK(!sa->has_vx, "no vector registers yet");
}

static void test_save_area(void)
{
	static uint8_t lc[8192], vx[512];
	struct vmc_s390_save_area sa;
	vmc_error e = { 0 };

	t_case("512-byte save area");
	put_sa(lc + 0x1200, 3, 0x7fe000);
	CHECK_ST(vmc_s390_sa_decode(&sa, lc + 0x1200, 512, &e), VMC_OK, &e);
	check_sa(&sa, 3, 0x7fe000);
	t_case("8 KiB lowcore");
	memset(&sa, 0x55, sizeof(sa));
	CHECK_ST(vmc_s390_sa_decode(&sa, lc, 8192, &e), VMC_OK, &e);
	check_sa(&sa, 3, 0x7fe000);
	t_case("bad sizes");
	CHECK_ST(vmc_s390_sa_decode(&sa, lc, 511, &e), VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_s390_sa_decode(&sa, lc, 4096, &e), VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_s390_sa_set_vx(&sa, vx, 256, &e), VMC_ERR_CORRUPT, &e);
	t_case("vector save area");
	for (int v = 0; v < 32; v++) {
		be64(vx + 16 * v, 0x4400000000000000ull | (uint64_t)v);
		be64(vx + 16 * v + 8, 0x8800000000000000ull | (uint64_t)v);
	}
	CHECK_ST(vmc_s390_sa_set_vx(&sa, vx, 512, &e), VMC_OK, &e);
	CHECK(sa.has_vx, "has_vx");
	for (int i = 0; i < 16; i++) {
		CHECK_U64(sa.vxrs_low[i], 0x8800000000000000ull | (uint64_t)i);
		CHECK(!memcmp(sa.vxrs_high[i], vx + 16 * (16 + i), 16),
		      "V%d", 16 + i);
	}
}

/* ---- os_info ---- */

/* os_info.h: magic @0, csum @8 over 0xc..0x1000, version @0xc/0xe,
 * crashkernel @0x10/0x18, entry[13] @0x20, 20 bytes each. */
static void os_info_page(uint8_t *p, int major)
{
	memset(p, 0, 4096);
	be64(p, 0x4f53494e464f535aull);
	p[0xd] = (uint8_t)major;
	p[0xf] = 1;
	be64(p + 0x10, 0x10000000);
	be64(p + 0x18, 0x8000000);
	for (int i = 0; i < 13; i++) {
		be64(p + 0x20 + 20 * i, 0x1000ull * (uint64_t)(i + 1));
		be64(p + 0x28 + 20 * i, (uint64_t)i);
		be32(p + 0x30 + 20 * i, 0xc5000000u + (uint32_t)i);
	}
	be32(p + 8, cksm_model(p + 12, 4096 - 12));
}

static void test_os_info(void)
{
	static uint8_t p[4096];
	struct vmc_s390_os_info oi;
	vmc_error e = { 0 };

	t_case("os_info valid");
	os_info_page(p, 1);
	CHECK_ST(vmc_s390_os_info_decode(&oi, p, sizeof(p), &e), VMC_OK, &e);
	CHECK_U64(oi.version_major, 1);
	CHECK_U64(oi.version_minor, 1);
	CHECK_U64(oi.crashkernel_addr, 0x10000000);
	CHECK_U64(oi.crashkernel_size, 0x8000000);
	CHECK_U64(oi.entry[12].addr, 0xd000);
	CHECK_U64(oi.entry[12].size, 12);
	CHECK_U64(oi.entry[12].csum, 0xc500000c);
	t_case("os_info checks");
	CHECK_ST(vmc_s390_os_info_decode(&oi, p, 4095, &e), VMC_ERR_CORRUPT, &e);
	p[4000] ^= 1;
	CHECK_ST(vmc_s390_os_info_decode(&oi, p, sizeof(p), &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "checksum");
	p[4000] ^= 1;
	p[0] ^= 0x80;
	CHECK_ST(vmc_s390_os_info_decode(&oi, p, sizeof(p), &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "magic");
	os_info_page(p, 2);
	CHECK_ST(vmc_s390_os_info_decode(&oi, p, sizeof(p), &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "version");
}

/* ---- the overlay, against a byte model ---- */

#define SPACE 8192

static void test_overlay(void)
{
	static uint8_t bufs[8][SPACE], model[SPACE];
	static bool mapped[SPACE];
	vmc_error e = { 0 };

	for (int b = 0; b < 8; b++)
		for (int i = 0; i < SPACE; i++)
			bufs[b][i] = (uint8_t)(b * 31 + i * 7 + (i >> 8));
	for (int round = 0; round < 300; round++) {
		vmc_physmem *pm;
		vmc_source *src[8];
		int nsrc = 0;

		vmc_physmem_new(&pm, &e);
		vmc_physmem_set_allow_holes(pm, true);
		memset(model, 0, sizeof(model));
		memset(mapped, 0, sizeof(mapped));
		/* A few disjoint maps: sources and zeros. */
		for (uint64_t at = rng_below(300); at < SPACE - 16;) {
			uint64_t len = rng_between(1, 1500), off;

			if (at + len > SPACE)
				len = SPACE - at;
			off = rng_below(SPACE - len + 1);
			if (rng_below(4) == 0) {
				vmc_physmem_map_zero(pm, at, at + len, &e);
				memset(model + at, 0, len);
			} else {
				vmc_source_new_buffer(&src[nsrc], bufs[nsrc],
						      SPACE, &e);
				vmc_physmem_own(pm, src[nsrc], &e);
				vmc_physmem_map(pm, at, len, src[nsrc], off, &e);
				memcpy(model + at, bufs[nsrc] + off, len);
				nsrc++;
			}
			memset(mapped + at, 1, len);
			at += len + rng_below(400);
			if (nsrc == 6)
				break;
		}
		/* Overlays: inside one map, across several, over holes. */
		for (int k = 0; k < 3; k++) {
			uint64_t len = rng_between(1, 3000), at, off;
			vmc_source *o;
			vmc_status st;

			if (rng_below(5) == 0)
				len = SPACE;
			at = rng_below(SPACE - len + 1);
			off = rng_below(SPACE - len + 1);
			vmc_source_new_buffer(&o, bufs[7], SPACE, &e);
			vmc_physmem_own(pm, o, &e);
			st = vmc_physmem_overlay(pm, at, len, o, off, &e);
			CHECK_ST(st, VMC_OK, &e);
			memcpy(model + at, bufs[7] + off, len);
			memset(mapped + at, 1, len);
		}
		/* The maps stay sorted and disjoint. */
		for (size_t i = 1; i < vmc_physmem_nr_maps(pm); i++) {
			uint64_t s0, e0, s1, e1;
			bool z;

			vmc_physmem_get_map(pm, i - 1, &s0, &e0, &z);
			vmc_physmem_get_map(pm, i, &s1, &e1, &z);
			if (!CHECK(e0 <= s1 && s1 < e1, "maps %zu, %zu sorted "
				   "and disjoint", i - 1, i))
				break;
		}
		for (int r = 0; r < 40; r++) {
			uint64_t at = rng_below(SPACE), len;
			uint8_t got[SPACE];

			len = rng_between(1, SPACE - at);
			t_case("round %d read [%llu, +%llu)", round,
			       (unsigned long long)at, (unsigned long long)len);
			CHECK_ST(vmc_physmem_read(pm, at, got, len, &e), VMC_OK,
				 &e);
			CHECK(!memcmp(got, model + at, len), "bytes");
		}
		vmc_physmem_free(pm);
	}
	t_case("overlay errors leave the space unchanged");
	{
		vmc_physmem *pm;
		vmc_source *a, *small;
		uint8_t got[16];

		vmc_physmem_new(&pm, &e);
		vmc_source_new_buffer(&a, bufs[0], SPACE, &e);
		vmc_physmem_own(pm, a, &e);
		vmc_physmem_map(pm, 0, SPACE, a, 0, &e);
		vmc_source_new_buffer(&small, bufs[1], 100, &e);
		vmc_physmem_own(pm, small, &e);
		CHECK_ST(vmc_physmem_overlay(pm, 0, 101, small, 0, &e),
			 VMC_ERR_RANGE, &e);
		CHECK_ST(vmc_physmem_overlay(pm, 10, 0, small, 0, &e),
			 VMC_ERR_INVALID, &e);
		CHECK_ST(vmc_physmem_overlay(pm, UINT64_MAX - 5, 10, small, 0, &e), VMC_ERR_INVALID, &e);
		CHECK_U64(vmc_physmem_nr_maps(pm), 1);
		CHECK_ST(vmc_physmem_read(pm, 50, got, 16, &e), VMC_OK, &e);
		CHECK(!memcmp(got, bufs[0] + 50, 16), "unchanged");
		vmc_physmem_free(pm);
	}
}

/* ---- old memory: os_info and VMCOREINFO ---- */

#define OM_LEN 0x40000
#define OS_AT 0x10000
#define VMCI_AT 0x12000
#define NOTE_AT 0x3001		/* unaligned, as the lowcore field is */

static uint8_t om_buf[OM_LEN];
static const char vmci_os[] = "OSRELEASE=6.12\nFROM=os_info\n";
static const char vmci_lc[] = "OSRELEASE=6.12\nFROM=lowcore\n";

static void om_setup(void)
{
	uint8_t *p = om_buf + OS_AT;

	memset(om_buf, 0, sizeof(om_buf));
	be64(om_buf + 0xe18, OS_AT);
	be64(om_buf + 0xe0c, NOTE_AT);
	os_info_page(p, 1);
	memset(p + 0x20, 0, 20 * 13);
	be64(p + 0x20, VMCI_AT);
	be64(p + 0x28, sizeof(vmci_os) - 1);
	be32(p + 0x30, cksm_model((const uint8_t *)vmci_os,
				  sizeof(vmci_os) - 1));
	be64(p + 0x20 + 20 * 4, 0x1000000000ull);	/* identity base */
	be64(p + 0x20 + 20 * 5, 0x3e00000);		/* KASLR */
	be64(p + 0x20 + 20 * 10, 0x3ffe0000000ull);	/* image start */
	be64(p + 0x20 + 20 * 11, 0x3ffe0200000ull);	/* image end */
	be64(p + 0x20 + 20 * 12, 0x20000);		/* image phys */
	be32(p + 8, cksm_model(p + 12, 4096 - 12));
	memcpy(om_buf + VMCI_AT, vmci_os, sizeof(vmci_os) - 1);
	be32(om_buf + NOTE_AT, 11);
	be32(om_buf + NOTE_AT + 4, sizeof(vmci_lc) - 1);
	memcpy(om_buf + NOTE_AT + 12, "VMCOREINFO", 10);
	memcpy(om_buf + NOTE_AT + 24, vmci_lc, sizeof(vmci_lc) - 1);
}

static void om_resum(void)
{
	be32(om_buf + OS_AT + 8, cksm_model(om_buf + OS_AT + 12, 4096 - 12));
}

static vmc_physmem *om_pm(uint64_t len)
{
	vmc_physmem *pm;
	vmc_source *s;

	vmc_physmem_new(&pm, NULL);
	vmc_source_new_buffer(&s, om_buf, len, NULL);
	vmc_physmem_own(pm, s, NULL);
	vmc_physmem_map(pm, 0, len, s, 0, NULL);
	return pm;
}

static void om_expect(const char *name, uint64_t len, bool os_info,
		      enum vmc_zfcpdump_vmci from, const char *why)
{
	struct vmc_zfcpdump_oldmem om;
	vmc_physmem *pm = om_pm(len);
	vmc_error e = { 0 };

	t_case("%s", name);
	CHECK_ST(vmc_zfcpdump_read_oldmem(&om, pm, &e), VMC_OK, &e);
	CHECK(om.have_os_info == os_info, "os_info found: %d (%s)",
	      om.have_os_info, om.os_info_why);
	CHECK(om.vmci_from == from, "VMCOREINFO from %d, want %d (%s)",
	      om.vmci_from, from, om.vmci_why);
	if (from == VMC_ZFCPDUMP_VMCI_OS_INFO)
		CHECK(om.vmci_len == sizeof(vmci_os) - 1 &&
		      !memcmp(om.vmci, vmci_os, om.vmci_len), "os_info data");
	if (from == VMC_ZFCPDUMP_VMCI_LOWCORE)
		CHECK(om.vmci_len == sizeof(vmci_lc) - 1 &&
		      !memcmp(om.vmci, vmci_lc, om.vmci_len), "lowcore data");
	if (why)
		CHECK(strstr(om.vmci_why, why) || strstr(om.os_info_why, why),
		      "reason '%s' / '%s' lacks '%s'", om.os_info_why,
		      om.vmci_why, why);
	vmc_zfcpdump_oldmem_free(&om);
	vmc_physmem_free(pm);
}

static void test_oldmem(void)
{
	om_setup();
	om_expect("os_info entry 0", OM_LEN, true, VMC_ZFCPDUMP_VMCI_OS_INFO,
		  NULL);
	om_setup();
	om_buf[VMCI_AT] ^= 1;
	om_expect("entry 0 checksum fails: the lowcore note", OM_LEN, true,
		  VMC_ZFCPDUMP_VMCI_LOWCORE, NULL);
	om_setup();
	memset(om_buf + OS_AT + 0x20, 0, 20);
	om_resum();
	om_expect("no entry 0: the lowcore note", OM_LEN, true,
		  VMC_ZFCPDUMP_VMCI_LOWCORE, NULL);
	om_setup();
	be64(om_buf + OS_AT + 0x28, 5u << 20);
	om_resum();
	om_expect("entry 0 larger than kmalloc gives", OM_LEN, true,
		  VMC_ZFCPDUMP_VMCI_LOWCORE, NULL);
	om_setup();
	be64(om_buf + 0xe18, OS_AT + 8);
	om_expect("unaligned os_info pointer", OM_LEN, false,
		  VMC_ZFCPDUMP_VMCI_LOWCORE, "not page aligned");
	om_setup();
	om_buf[OS_AT + 2000] ^= 4;
	om_expect("os_info checksum", OM_LEN, false, VMC_ZFCPDUMP_VMCI_LOWCORE,
		  "checksum");
	om_setup();
	be64(om_buf + 0xe18, OM_LEN);
	om_expect("os_info outside memory", OM_LEN, false,
		  VMC_ZFCPDUMP_VMCI_LOWCORE, "not in memory");
	om_setup();
	be64(om_buf + 0xe18, 0);
	om_buf[NOTE_AT + 21] = 'X';
	om_expect("no os_info, note name wrong", OM_LEN, false,
		  VMC_ZFCPDUMP_VMCI_NONE, "no VMCOREINFO note");
	om_setup();
	be64(om_buf + 0xe18, 0);
	be32(om_buf + NOTE_AT + 4, OM_LEN);
	om_expect("no os_info, note data past memory", OM_LEN, false,
		  VMC_ZFCPDUMP_VMCI_NONE, "not in memory");
	om_setup();
	be64(om_buf + 0xe18, 0);
	be64(om_buf + 0xe0c, UINT64_MAX - 8);
	om_expect("no os_info, wrapping note pointer", OM_LEN, false,
		  VMC_ZFCPDUMP_VMCI_NONE, "wraps");
	om_setup();
	om_expect("memory ends before the lowcore pointers", 0xe00, false,
		  VMC_ZFCPDUMP_VMCI_NONE, "not in memory");
}

/* ---- the header ---- */

static struct vmc_s390_save_area cpus[3];

static void make_cpus(void)
{
	static uint8_t b[512], vx[512];

	for (int i = 0; i < 3; i++) {
		put_sa(b, (uint32_t)i + 1, i == 1 ? 0 : 0x10000u * (i + 1));
		vmc_s390_sa_decode(&cpus[i], b, sizeof(b), NULL);
		for (int v = 0; v < 512; v++)
			vx[v] = (uint8_t)(v + 17 * i);
		if (i != 2)
			vmc_s390_sa_set_vx(&cpus[i], vx, sizeof(vx), NULL);
	}
}

struct parsed {
	struct vmc_ehdr eh;
	struct vmc_phdr ph[8];
	struct vmc_note n[40];
	size_t nr_notes;
};

static void parse_hdr(const uint8_t *h, size_t len, uint64_t base,
		      struct parsed *p)
{
	struct vmc_note_iter it;
	vmc_error e = { 0 };

	memset(p, 0, sizeof(*p));
	CHECK_ST(vmc_elf_decode_ehdr(h, len, &p->eh, &e), VMC_OK, &e);
	for (size_t i = 0; i < p->eh.phnum && i < 8; i++)
		vmc_elf_decode_phdr(&p->eh.id, h + 64 + 56 * i, 56, &p->ph[i],
				    &e);
	if (!CHECK(p->ph[0].offset - base + p->ph[0].filesz == len, "notes "
		   "end the header"))
		return;
	vmc_notes_iter_init(&it, h + p->ph[0].offset - base, p->ph[0].filesz,
			    VMC_BE);
	while (p->nr_notes < 40 && !vmc_notes_next(&it, &p->n[p->nr_notes]))
		p->nr_notes++;
	CHECK(it.terminated && it.real_len + 12 == p->ph[0].filesz,
	      "the notes end with the empty note");
}


/* vmc_zfcpdump_build's two passes into a new buffer (vmc_buf_free). */
static vmc_status zbuild(const struct vmc_zfcpdump_opts *o,
			 const struct vmc_zfcpdump_oldmem *om, uint8_t **h,
			 size_t *len, struct vmc_zfcpdump_info *in,
			 vmc_error *e)
{
	vmc_status st = vmc_zfcpdump_build_size(o, om, len, e);

	*h = NULL;
	if (st)
		return st;
	*h = malloc(*len);
	if (!*h)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_zfcpdump_build(o, om, *h, *len, in, e);
	if (st) {
		free(*h);
		*h = NULL;
	}
	return st;
}

static void test_build(void)
{
	static const struct vmc_range r1[] = { { 0, 0x800000 },
					       { 0x1000000, 0x1800000 } };
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	struct vmc_zfcpdump_oldmem om;
	struct vmc_zfcpdump_info in;
	struct vmc_prstatus pr;
	struct parsed p;
	vmc_physmem *pm;
	vmc_error e = { 0 };
	uint8_t *h;
	size_t len;

	make_cpus();
	t_case("one CPU, no vx, no os_info, one range");
	memset(&om, 0, sizeof(om));
	o.cpus = cpus;
	o.nr_cpus = 1;
	o.ranges = r1;
	o.nr_ranges = 1;
	CHECK_ST(zbuild(&o, &om, &h, &len, &in, &e), VMC_OK, &e);
	/* 64 + 2 * 56, PRPSINFO 156, PRSTATUS 356, PRFPREG 156, TIMER 28,
	 * TODCMP 28, TODPREG 24, CTRS 148, PREFIX 24, final 12. */
	CHECK_U64(len, 176 + 156 + 356 + 156 + 28 + 28 + 24 + 148 + 24 + 12);
	parse_hdr(h, len, 0, &p);
	CHECK(p.eh.id.cls == VMC_CLASS_64 && p.eh.id.order == VMC_BE &&
	      p.eh.id.machine == VMC_EM_S390 && p.eh.type == VMC_ET_CORE &&
	      p.eh.phnum == 2 && p.eh.flags == 0 && p.eh.shentsize == 0,
	      "ELF64 MSB EM_S390 core, 2 phdrs");
	CHECK(p.ph[0].type == VMC_PT_NOTE && p.ph[0].offset == 176 &&
	      p.ph[0].vaddr == 0 && p.ph[0].paddr == 0 && p.ph[0].flags == 0 &&
	      p.ph[0].align == 0 && p.ph[0].filesz == p.ph[0].memsz,
	      "PT_NOTE as notes_init fills it");
	CHECK(p.ph[1].type == VMC_PT_LOAD && p.ph[1].offset == 0 &&
	      p.ph[1].paddr == 0 && p.ph[1].vaddr == 0 &&
	      p.ph[1].filesz == 0x800000 && p.ph[1].memsz == 0x800000 &&
	      p.ph[1].flags == 7 && p.ph[1].align == 4096,
	      "PT_LOAD as loads_init fills it");
	CHECK(p.nr_notes == 8, "%zu notes", p.nr_notes);
	CHECK(vmc_note_name_is(&p.n[0], "CORE") && p.n[0].type == 3 &&
	      p.n[0].desc[1] == 'R' && !memcmp(p.n[0].desc + 40, "vmlinux", 8),
	      "PRPSINFO");
	CHECK_ST(vmc_prstatus_decode(&p.eh.id, p.n[1].desc, p.n[1].descsz,
				     &pr, &e), VMC_OK, &e);
	CHECK(pr.pid == 1 && pr.ip == cpus[0].psw[1] && pr.sp == cpus[0].gprs[15],
	      "PRSTATUS pid 1 ip psw.addr sp r15");
	CHECK(p.n[2].type == 2 && p.n[2].descsz == 136 &&
	      vmc_get32(VMC_BE, p.n[2].desc) == cpus[0].fpc &&
	      vmc_get64(VMC_BE, p.n[2].desc + 8 + 8 * 15) == cpus[0].fprs[15],
	      "PRFPREG");
	CHECK(vmc_note_name_is(&p.n[3], "LINUX") && p.n[3].type == 0x301 &&
	      vmc_get64(VMC_BE, p.n[3].desc) == cpus[0].timer, "TIMER");
	CHECK(p.n[4].type == 0x302 &&
	      vmc_get64(VMC_BE, p.n[4].desc) == cpus[0].todcmp, "TODCMP");
	CHECK(p.n[5].type == 0x303 && p.n[5].descsz == 4 &&
	      vmc_get32(VMC_BE, p.n[5].desc) == cpus[0].todpreg, "TODPREG");
	CHECK(p.n[6].type == 0x304 && p.n[6].descsz == 128 &&
	      vmc_get64(VMC_BE, p.n[6].desc + 8 * 9) == cpus[0].ctrs[9],
	      "CTRS");
	CHECK(p.n[7].type == 0x305 &&
	      vmc_get32(VMC_BE, p.n[7].desc) == cpus[0].prefix, "PREFIX");
	CHECK(in.nr_cpu_notes == 1 && in.nr_phdrs == 2 && !in.has_text &&
	      in.notes_off == 176, "info");
	free(h);

	t_case("three CPUs (one prefix 0), vx, os_info, two ranges, hdr_addr");
	om_setup();
	pm = om_pm(OM_LEN);
	CHECK_ST(vmc_zfcpdump_read_oldmem(&om, pm, &e), VMC_OK, &e);
	o.nr_cpus = 3;
	o.has_vx = true;
	o.nr_ranges = 2;
	o.hdr_addr = 0x7000000;
	CHECK_ST(zbuild(&o, &om, &h, &len, &in, &e), VMC_OK, &e);
	parse_hdr(h, len, 0x7000000, &p);
	CHECK(p.eh.phnum == 4 && p.ph[0].offset == 0x7000000 + 64 + 4 * 56,
	      "phnum %u, PT_NOTE at 0x%llx", p.eh.phnum,
	      (unsigned long long)p.ph[0].offset);
	CHECK(p.ph[1].type == VMC_PT_LOAD && p.ph[1].vaddr == 0x3ffe0000000ull &&
	      p.ph[1].paddr == 0x20000 && p.ph[1].offset == 0x20000 &&
	      p.ph[1].filesz == 0x200000 && p.ph[1].align == 4096,
	      "kernel text from os_info");
	CHECK(p.ph[3].vaddr == 0x1000000000ull + 0x1000000 &&
	      p.ph[3].paddr == 0x1000000 && p.ph[3].filesz == 0x800000,
	      "p_vaddr = identity base + start");
	/* PRPSINFO, 2 CPUs x 9, VMCOREINFO */
	CHECK(p.nr_notes == 1 + 18 + 1, "%zu notes", p.nr_notes);
	CHECK(vmc_get32(VMC_BE, p.n[10].desc + 32) == 2 &&
	      vmc_get64(VMC_BE, p.n[10].desc + 120) == cpus[2].psw[1],
	      "the second note group is cpus[2], pid 2");
	CHECK(p.n[8].type == 0x30a && p.n[8].descsz == 256 &&
	      !memcmp(p.n[8].desc, cpus[0].vxrs_high, 256) &&
	      p.n[9].type == 0x309 && p.n[9].descsz == 128 &&
	      vmc_get64(VMC_BE, p.n[9].desc + 8) == cpus[0].vxrs_low[1],
	      "VXRS_HIGH then VXRS_LOW");
	CHECK(p.n[17].type == 0x30a && !memcmp(p.n[17].desc,
					       (uint8_t[256]){ 0 }, 256),
	      "a CPU without vector registers gets zeros");
	CHECK(vmc_note_name_is(&p.n[19], "VMCOREINFO") && p.n[19].type == 0 &&
	      p.n[19].descsz == sizeof(vmci_os) - 1 &&
	      !memcmp(p.n[19].desc, vmci_os, sizeof(vmci_os) - 1),
	      "VMCOREINFO from os_info");
	CHECK(in.has_text && in.identity_base == 0x1000000000ull &&
	      in.nr_cpu_notes == 2, "info");
	free(h);
	vmc_zfcpdump_oldmem_free(&om);
	vmc_physmem_free(pm);

	t_case("bad options");
	o.hdr_addr = 0;
	o.nr_ranges = 0;
	CHECK_ST(zbuild(&o, NULL, &h, &len, NULL, &e),
		 VMC_ERR_INVALID, &e);
	o.ranges = (const struct vmc_range[]){ { 0, 0x2000 }, { 0x1000, 0x3000 } };
	o.nr_ranges = 2;
	CHECK_ST(zbuild(&o, NULL, &h, &len, NULL, &e),
		 VMC_ERR_INVALID, &e);
	o.ranges = (const struct vmc_range[]){ { 0x2000, 0x2000 } };
	o.nr_ranges = 1;
	CHECK_ST(zbuild(&o, NULL, &h, &len, NULL, &e),
		 VMC_ERR_INVALID, &e);
}

/* ---- an assembled dump across the HSA edge ---- */

static void test_assembled(void)
{
	enum { MEM = 0x40000, HSA = 0x9000 };
	static uint8_t mem[MEM], hsa[HSA], got[0x20000];
	const struct vmc_range r[] = { { 0, MEM } };
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	struct vmc_zfcpdump_oldmem om;
	struct vmc_dump_opts dopts = VMC_DUMP_OPTS_INIT;
	const struct vmc_dump_extent *x = NULL;
	vmc_physmem *pm;
	vmc_source *ms, *hs_src;
	vmc_hdr_source *hsrc;
	vmc_dump *d;
	vmc_error e = { 0 };
	uint8_t *h;
	size_t len;

	for (size_t i = 0; i < MEM; i++)
		mem[i] = (uint8_t)(i * 13 + (i >> 9));
	for (size_t i = 0; i < HSA; i++)
		hsa[i] = (uint8_t)~(i * 13 + (i >> 9));
	put_sa(hsa + 0x1200, 9, 0x4000);	/* the boot CPU's lowcore */
	vmc_physmem_new(&pm, &e);
	vmc_source_new_buffer(&ms, mem, MEM, &e);
	vmc_physmem_own(pm, ms, &e);
	vmc_physmem_map(pm, 0, MEM, ms, 0, &e);
	vmc_source_new_buffer(&hs_src, hsa, HSA, &e);
	vmc_physmem_own(pm, hs_src, &e);
	CHECK_ST(vmc_physmem_overlay(pm, 0, HSA, hs_src, 0, &e), VMC_OK,
		 &e);
	CHECK_ST(vmc_zfcpdump_read_oldmem(&om, pm, &e), VMC_OK, &e);
	CHECK(om.vmci_from == VMC_ZFCPDUMP_VMCI_NONE, "no VMCOREINFO");
	o.cpus = cpus;
	o.nr_cpus = 1;
	o.ranges = r;
	o.nr_ranges = 1;
	CHECK_ST(zbuild(&o, &om, &h, &len, NULL, &e), VMC_OK, &e);
	CHECK_ST(vmc_hdr_source_new_buffer(&hsrc, h, len, VMC_NOTES_IN_BUFFER, pm, &e),
		 VMC_OK, &e);
	dopts.machine = VMC_EM_S390;
	CHECK_ST(vmc_dump_open(&d, hsrc, pm, &dopts, &e), VMC_OK, &e);
	vmc_hdr_source_close(hsrc);
	free(h);
	for (size_t i = 0; i < vmc_dump_nr_extents(d); i++)
		if (vmc_dump_extent(d, i)->kind == VMC_EXTENT_MEMORY)
			x = vmc_dump_extent(d, i);
	if (!CHECK(x && x->paddr == 0 && x->len == MEM, "one memory extent"))
		goto out;
	for (int k = 0; k < 2000; k++) {
		uint64_t a = k < 1000 ? HSA - rng_between(1, 0x8000 < HSA ?
							  0x8000 : HSA)
				      : rng_below(MEM);
		uint64_t n = rng_between(1, sizeof(got));
		bool ok = true;

		if (a + n > MEM)
			n = MEM - a;
		t_case("read [0x%llx, +0x%llx)", (unsigned long long)a,
		       (unsigned long long)n);
		CHECK_ST(vmc_dump_read_at(d, x->off + a, got, n, &e), VMC_OK,
			 &e);
		for (uint64_t i = 0; ok && i < n; i++)
			ok = got[i] == (a + i < HSA ? hsa[a + i] : mem[a + i]);
		CHECK(ok, "HSA below 0x%x, memory above", HSA);
	}
out:
	vmc_dump_free(d);
	vmc_zfcpdump_oldmem_free(&om);
	vmc_physmem_free(pm);
}

/* ---- the CPU set and the ranges (zfcpdump_cpus.c, zfcpdump_sa_dir.c) ---- */

static vmc_physmem *lowcore_pm(uint8_t *mem, size_t len)
{
	vmc_physmem *pm;
	vmc_source *s;

	vmc_physmem_new(&pm, NULL);
	vmc_source_new_buffer(&s, mem, len, NULL);
	vmc_physmem_own(pm, s, NULL);
	vmc_physmem_map(pm, 0, len, s, 0, NULL);
	return pm;
}

/*
 * Random sets against a model: CPUs added in a random order, each with
 * or without its save area file (cpu0 without one reads old memory at
 * 0x1200), vector areas for all or none; the result must be the numbers
 * sorted, cpu0 first, each with its own registers and source.
 */
static void test_cpus_random(void)
{
	static uint8_t mem[0x2000], sa[512], vx[512];
	vmc_physmem *pm;
	vmc_error e = { 0 };

	put_sa(mem + 0x1200, 99, 0);
	pm = lowcore_pm(mem, sizeof(mem));
	rng_seed("cpus", 13);
	for (int iter = 0; iter < 300; iter++) {
		bool in[24] = { false }, use_vx = rng_below(2);
		unsigned long order[24];
		size_t nr = 0, want = 0;
		vmc_zfcpdump_cpus *c;

		t_case("cpus random %d", iter);
		for (unsigned long n = 0; n < 24; n++) {
			in[n] = rng_below(3) == 0;
			if (in[n])
				order[nr++] = n;
		}
		for (size_t i = nr; i > 1; i--) {	/* shuffle */
			size_t j = (size_t)rng_below(i);
			unsigned long t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
		vmc_zfcpdump_cpus_new(&c, NULL);
		for (size_t i = 0; i < nr; i++) {
			char src[16];

			snprintf(src, sizeof(src), "cpu%lu", order[i]);
			put_sa(sa, (uint32_t)order[i] + 1, 0x1000 * (uint32_t)order[i]);
			CHECK_ST(vmc_zfcpdump_cpus_add(c, order[i], false, sa,
						       sizeof(sa), src, &e),
				 VMC_OK, &e);
			if (use_vx)
				CHECK_ST(vmc_zfcpdump_cpus_add(c, order[i], true, vx,
							       sizeof(vx), "x", &e),
					 VMC_OK, &e);
		}
		if (use_vx && !in[0])	/* the boot CPU's .vx alone */
			vmc_zfcpdump_cpus_add(c, 0, true, vx, sizeof(vx), "x", NULL);
		CHECK_ST(vmc_zfcpdump_cpus_finish(c, pm, &e), VMC_OK, &e);
		want = nr + !in[0];
		CHECK_U64(vmc_zfcpdump_cpus_count(c), want);
		CHECK(vmc_zfcpdump_cpus_has_vx(c) == use_vx, "has_vx");
		for (size_t i = 0, k = 0; k < 24 && i < want; k++) {
			const struct vmc_zfcpdump_cpu *p;
			char want_src[16];

			if (!in[k] && k != 0)
				continue;
			p = vmc_zfcpdump_cpus_get(c, i++);
			if (!p)
				break;
			CHECK_U64(p->n, k);
			CHECK(p->have_vx == use_vx && p->sa.has_vx == use_vx,
			      "cpu%zu vector registers", k);
			if (in[k]) {
				CHECK_U64(p->sa.psw[1], 0x12345000ull + k + 1);
				CHECK_U64(p->sa.prefix, 0x1000 * k);
				snprintf(want_src, sizeof(want_src), "cpu%zu", k);
				CHECK_STR(p->src, want_src);
			} else {
				CHECK_STR(p->src, "memory 0x1200");
				CHECK_U64(p->sa.psw[1], 0x12345000ull + 99);
			}
		}
		vmc_zfcpdump_cpus_free(c);
	}
	vmc_physmem_free(pm);
}

static void test_cpus_errors(void)
{
	static uint8_t mem[0x1000], sa[512], vx[512];
	vmc_zfcpdump_cpus *c;
	vmc_physmem *pm;
	vmc_error e = { 0 };

	t_case("cpus: the same file twice");
	vmc_zfcpdump_cpus_new(&c, NULL);
	CHECK_ST(vmc_zfcpdump_cpus_add(c, 2, false, sa, 512, "cpu2", &e),
		 VMC_OK, &e);
	CHECK_ST(vmc_zfcpdump_cpus_add(c, 2, false, sa, 512, "cpu2", &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "cpu2 given twice");
	CHECK_ST(vmc_zfcpdump_cpus_add(c, 2, true, vx, 512, "cpu2.vx", &e),
		 VMC_OK, &e);
	CHECK_ST(vmc_zfcpdump_cpus_add(c, 2, true, vx, 512, "cpu2.vx", &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "cpu2.vx given twice");
	t_case("cpus: a bad size");
	CHECK_ST(vmc_zfcpdump_cpus_add(c, 3, false, sa, 100, "cpu3", &e),
		 VMC_ERR_CORRUPT, &e);
	CHECK_ST(vmc_zfcpdump_cpus_add(c, 3, true, vx, 100, "cpu3.vx", &e),
		 VMC_ERR_CORRUPT, &e);
	vmc_zfcpdump_cpus_free(c);

	t_case("cpus: no boot CPU anywhere");
	vmc_zfcpdump_cpus_new(&c, NULL);
	pm = lowcore_pm(mem, sizeof(mem));	/* 0x1200 is past the end */
	CHECK(vmc_zfcpdump_cpus_finish(c, pm, &e) != VMC_OK, "refused");
	CHECK_MSG(&e, "0x1200");
	vmc_zfcpdump_cpus_free(c);

	t_case("cpus: cpuN.vx without cpuN");
	vmc_zfcpdump_cpus_new(&c, NULL);
	vmc_zfcpdump_cpus_add(c, 0, false, sa, 512, "cpu0", NULL);
	vmc_zfcpdump_cpus_add(c, 0, true, vx, 512, "cpu0.vx", NULL);
	vmc_zfcpdump_cpus_add(c, 4, true, vx, 512, "cpu4.vx", NULL);
	CHECK_ST(vmc_zfcpdump_cpus_finish(c, pm, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "cpu4.vx without cpu4");
	vmc_zfcpdump_cpus_free(c);

	t_case("cpus: vector registers for some CPUs only");
	vmc_zfcpdump_cpus_new(&c, NULL);
	vmc_zfcpdump_cpus_add(c, 0, false, sa, 512, "cpu0", NULL);
	vmc_zfcpdump_cpus_add(c, 0, true, vx, 512, "cpu0.vx", NULL);
	vmc_zfcpdump_cpus_add(c, 1, false, sa, 512, "cpu1", NULL);
	CHECK_ST(vmc_zfcpdump_cpus_finish(c, pm, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "cpu1 has no cpu1.vx");
	vmc_zfcpdump_cpus_free(c);
	vmc_physmem_free(pm);
	vmc_zfcpdump_cpus_free(NULL);
}

static void put_file(const char *dir, const char *name, const void *b,
		     size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(b, 1, len, f);
		fclose(f);
	}
}

static void test_cpus_dir(void)
{
	static uint8_t sa[512], big[8193];
	char dir[] = "/tmp/vmc-sa-XXXXXX", path[600];
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	vmc_zfcpdump_cpus *c;
	vmc_error e = { 0 };

	t_case("save-area directory");
	if (!mkdtemp(dir)) {
		CHECK(false, "mkdtemp");
		return;
	}
	put_sa(sa, 7, 0x7000);
	put_file(dir, "cpu7", sa, sizeof(sa));
	put_sa(sa, 1, 0x1000);
	put_file(dir, "cpu0", sa, sizeof(sa));
	put_file(dir, "README", "x", 1);	/* skipped */
	put_file(dir, "cpux", "x", 1);		/* skipped */
	vmc_zfcpdump_cpus_new(&c, NULL);
	CHECK_ST(vmc_zfcpdump_cpus_read_dir(c, dir, &e), VMC_OK, &e);
	CHECK_ST(vmc_zfcpdump_cpus_finish(c, NULL, &e), VMC_OK, &e);
	CHECK_U64(vmc_zfcpdump_cpus_count(c), 2);
	CHECK_STR(vmc_zfcpdump_cpus_get(c, 1)->src, "cpu7");
	check_sa(&vmc_zfcpdump_cpus_get(c, 1)->sa, 7, 0x7000);
	vmc_zfcpdump_cpus_opts(c, &o);
	CHECK_U64(o.nr_cpus, 2);
	CHECK_U64(o.cpus[0].prefix, 0x1000);
	CHECK(!o.has_vx, "no vector registers");
	vmc_zfcpdump_cpus_free(c);

	t_case("save-area directory: a file larger than a lowcore");
	put_file(dir, "cpu3", big, sizeof(big));
	vmc_zfcpdump_cpus_new(&c, NULL);
	CHECK_ST(vmc_zfcpdump_cpus_read_dir(c, dir, &e), VMC_ERR_CORRUPT, &e);
	CHECK_MSG(&e, "cpu3");
	vmc_zfcpdump_cpus_free(c);
	snprintf(path, sizeof(path), "%s/cpu3", dir);
	remove(path);

	t_case("save-area directory: missing");
	vmc_zfcpdump_cpus_new(&c, NULL);
	CHECK_ST(vmc_zfcpdump_cpus_read_dir(c, "/nonexistent/vmc-sa", &e),
		 VMC_ERR_NOTFOUND, &e);
	vmc_zfcpdump_cpus_free(c);
	for (const char *const *n = (const char *const[]){ "cpu7", "cpu0",
	     "README", "cpux", NULL }; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		remove(path);
	}
	rmdir(dir);
}

static void test_ranges(void)
{
	static uint8_t mem[0x3000];
	vmc_physmem *pm = lowcore_pm(mem, 0x1000);
	vmc_ranges *r;
	vmc_source *s;
	vmc_error e = { 0 };

	t_case("ranges: every mapping, touching ones merged");
	vmc_source_new_buffer(&s, mem, sizeof(mem), NULL);
	vmc_physmem_own(pm, s, NULL);
	vmc_physmem_map(pm, 0x1000, 0x1000, s, 0, NULL);
	vmc_physmem_map(pm, 0x10000, 0x2000, s, 0, NULL);
	vmc_ranges_new(&r, NULL);
	CHECK_ST(vmc_zfcpdump_ranges(r, pm, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 2);
	CHECK_U64(vmc_ranges_data(r)[0].end, 0x2000);
	CHECK_U64(vmc_ranges_data(r)[1].start, 0x10000);
	t_case("ranges: given ones only");
	vmc_ranges_clear(r);
	vmc_ranges_add(r, 0x5000, 0x6000, NULL);
	vmc_ranges_add(r, 0x4000, 0x5000, NULL);
	CHECK_ST(vmc_zfcpdump_ranges(r, NULL, &e), VMC_OK, &e);
	CHECK_U64(vmc_ranges_count(r), 1);
	CHECK_U64(vmc_ranges_data(r)[0].start, 0x4000);
	t_case("ranges: none");
	vmc_ranges_clear(r);
	CHECK_ST(vmc_zfcpdump_ranges(r, NULL, &e), VMC_ERR_INVALID, &e);
	vmc_ranges_free(r);
	vmc_physmem_free(pm);
}

int main(void)
{
	rng_seed("test_zfcpdump", 0x390);
	test_cksm();
	test_save_area();
	test_cpus_random();
	test_cpus_errors();
	test_cpus_dir();
	test_ranges();
	test_os_info();
	test_overlay();
	test_oldmem();
	test_build();
	test_assembled();
	return t_finish();
}
