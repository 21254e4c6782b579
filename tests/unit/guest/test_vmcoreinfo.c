// SPDX-License-Identifier: MIT
/*
 * src/guest against synthetic guests written by gimg.h the way the kernel
 * lays them out: the page walk against the list of mappings made (random
 * 4 KiB / 2 MiB / 1 GiB pages, 4- and 5-level, with and without an SME
 * bit), the VMCOREINFO scan against the copies planted (valid, stale,
 * forged, two kernels), the log reader against the records written,
 * formatted by a small independent model of makedumpfile's dump_record.
 *
 *   test_guest                 run
 *   test_guest --seeds DIR     also write the fuzz seeds (guest_scan,
 *                              guest_log, guest_vtop) under DIR
 */
#include <stdio.h>
#include <sys/stat.h>

#include "vmcorekit/vmcorekit.h"
#include "unit.h"
#include "guest/gimg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *seed_dir;

static void write_seed(const char *target, const char *name, const void *a,
		       size_t alen, const void *b, size_t blen)
{
	char path[512];
	FILE *f;

	if (!seed_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", seed_dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", seed_dir, target, name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(a, 1, alen, f);
	if (blen)
		fwrite(b, 1, blen, f);
	fclose(f);
}

static vmc_physmem *pm_of(struct gimg *g, vmc_source **src)
{
	vmc_physmem *pm;
	vmc_error e;

	vmc_physmem_new(&pm, &e);
	vmc_source_new_buffer(src, g->mem, g->size, &e);
	vmc_physmem_own(pm, *src, &e);
	vmc_physmem_map(pm, 0, g->size, *src, 0, &e);
	return pm;
}

/* ---- page walk ---- */

struct mapping {
	uint64_t va, pa;
	unsigned shift;
};

static void test_vtop(unsigned levels, uint64_t sme)
{
	struct gimg g;
	struct mapping m[64];
	char text[4096];
	vmc_guest_kernel *k;
	vmc_source *src;
	vmc_physmem *pm;
	vmc_error e;
	uint64_t used_slots[64], pa, room;
	size_t len;

	t_case("vtop levels %u sme 0x%llx", levels, (unsigned long long)sme);
	gi_init(&g, 8 << 20, levels, 0x2000, 0xffffffff81000000ULL, 0x3000,
		0x10000, (8 << 20) - 0x10000);
	g.sme = 0;
	/* Random mappings, one per 512 GiB slot of the vmalloc area so they
	 * never share a table the oracle does not know of. */
	g.sme = sme;
	for (size_t i = 0; i < 64; i++) {
		unsigned shifts[] = { 12, 21, 30 };
		uint64_t slot;
		bool dup;

		do {
			slot = rng_below(200);
			dup = false;
			for (size_t j = 0; j < i; j++)
				dup |= used_slots[j] == slot;
		} while (dup);
		used_slots[i] = slot;
		m[i].shift = shifts[rng_below(3)];
		m[i].va = 0xffffc90000000000ULL + (slot << 39) +
			  (rng_below(1ULL << (39 - m[i].shift)) << m[i].shift);
		m[i].pa = rng_below(1ULL << (46 - m[i].shift)) << m[i].shift;
		gi_map(&g, m[i].va, m[i].pa, m[i].shift);
	}
	len = gi_vmcoreinfo(&g, text, sizeof(text), "6.12.0-test", false,
			    false);
	pm = pm_of(&g, &src);
	CHECK_ST(vmc_guest_kernel_new(&k, pm, text, len, &e), VMC_OK, &e);
	CHECK_U64(vmc_guest_kernel_levels(k), levels);
	CHECK_U64(vmc_guest_kernel_pgd(k), 0x2000);
	for (size_t i = 0; i < 64; i++) {
		uint64_t size = 1ULL << m[i].shift;
		uint64_t off = rng_below(size);

		CHECK_ST(vmc_guest_vtop(k, m[i].va + off, &pa, &room, &e),
			 VMC_OK, &e);
		CHECK_U64(pa, m[i].pa + off);
		CHECK_U64(room, size - off);
	}
	/* Unused slots are not mapped. */
	for (uint64_t slot = 200; slot < 210; slot++)
		CHECK_ST(vmc_guest_vtop(k, 0xffffc90000000000ULL + (slot << 39),
					&pa, NULL, &e), VMC_ERR_NOTFOUND, &e);
	/* Non-canonical. */
	CHECK_ST(vmc_guest_vtop(k, 0x8000000000000000ULL, &pa, NULL, &e),
		 VMC_ERR_CORRUPT, &e);
	/* The image through the walk equals the bytes written. */
	{
		uint8_t want[64], got[64];

		for (int i = 0; i < 64; i++)
			want[i] = g.mem[0x3ff0 + i] = (uint8_t)rng_next();
		CHECK_ST(vmc_guest_read(k, 0xffffffff81001ff0ULL, got, 64, &e),
			 VMC_OK, &e);
		CHECK(memcmp(got, want, 64) == 0, "read across a page");
	}
	/* A table outside memory is an error, not a crash. */
	{
		uint64_t slot = 300 % 512, va = 0xffff800000000000ULL |
						 (slot << 39);
		uint64_t top = levels == 5 ? 48 : 39;
		uint64_t idx = (va >> top) & 511;

		gi_w64(&g, g.pgd + idx * 8, 0x7fff00000000ULL | 3 | sme);
		CHECK_ST(vmc_guest_vtop(k, va, &pa, NULL, &e), VMC_ERR_CORRUPT,
			 &e);
		CHECK_MSG(&e, "outside memory");
		/* A table pointing at itself: the walk still ends. */
		gi_w64(&g, g.pgd + idx * 8, g.pgd | 3 | sme);
		vmc_guest_vtop(k, va, &pa, NULL, &e);
		CHECK(1, "self-referencing table ended");
	}
	vmc_guest_kernel_free(k);
	vmc_physmem_free(pm);
	free(g.mem);
}

/* ---- the log: a model of makedumpfile's dump_record ---- */

static size_t model(char *out, uint64_t ts, const char *t, size_t n,
		    const char *caller)
{
	size_t o = (size_t)sprintf(out, "[%5llu.%06llu] ",
				   (unsigned long long)(ts / 1000000000),
				   (unsigned long long)(ts % 1000000000 / 1000));
	size_t indent;

	if (caller)
		o += (size_t)sprintf(out + o, "[%8s] ", caller);
	indent = o;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '\n')
			o += (size_t)sprintf(out + o, "\n%*s", (int)indent, "");
		else if ((c >= 32 && c < 127) || (c >= 9 && c <= 13))
			out[o++] = (char)c;
		else if (c >= 0x80)
			o += (size_t)sprintf(out + o, "\\xffffff%02x", c);
		else
			o += (size_t)sprintf(out + o, "\\x%02x", c);
	}
	out[o++] = '\n';
	return o;
}

struct collect {
	char buf[16384];
	size_t len;
	bool caller;
	size_t nr;
	size_t stop_after;
};

static vmc_status collect(void *arg, const struct vmc_guest_log_record *r,
			  vmc_error *e)
{
	struct collect *c = arg;
	size_t n = vmc_guest_log_format(r, c->caller, NULL, 0);

	if (c->stop_after && c->nr == c->stop_after)
		return vmc_error_set(e, VMC_ERR_IO, "stop");
	c->nr++;
	if (c->len + n <= sizeof(c->buf))
		c->len += vmc_guest_log_format(r, c->caller, c->buf + c->len,
					       sizeof(c->buf) - c->len);
	return VMC_OK;
}

static const struct gi_rec recs[] = {
	{ 0, "Linux version 6.12.0-test", 25, 0, 2, 0, 0 },
	{ 1500, "two\nlines", 9, 0x80000003u, 2, 0, 0 },
	{ 2000000000ULL, "reserved: skipped", 17, 0, 0, 0, 0 },
	{ 2000000001ULL, "a tab\there, a \x01 and \xc3\xa9", 23, 5, 1, 0, 0 },
	{ 3000000000ULL, "miss: skipped", 13, 0, 2, 1, 0 },
	{ 3100000000ULL, "", 0, 0, 2, 0, 1 },
	{ 6740904000ULL, "Kernel panic - not syncing: sysrq triggered crash",
	  49, 123, 2, 0, 0 },
	{ 6749410999ULL, " </TASK>", 8, 0, 3, 0, 0 },
	{ 6749411000ULL, " </TASK>", 8, 123, 1, 0, 0 },
};

static size_t expected(char *out, bool caller, bool ring)
{
	size_t o = 0;

	for (size_t i = 0; i < ARRAY_SIZE(recs); i++) {
		char cid[16];

		if (ring && (recs[i].state == 0 || recs[i].state == 3 ||
			     recs[i].miss || recs[i].dataless))
			continue;
		snprintf(cid, sizeof(cid), "%c%u",
			 recs[i].caller & 0x80000000u ? 'C' : 'T',
			 recs[i].caller & 0x7fffffffu);
		o += model(out + o, recs[i].ts, recs[i].text, recs[i].len,
			   caller ? cid : NULL);
	}
	return o;
}

static void compact(struct gimg *g, unsigned levels)
{
	gi_init(g, 0x12000, levels, 0x2000, 0xffffffff9f800000ULL, 0x3000,
		0x8000, 0x8000);
	gi_uts(g, "6.12.0-test");
}

static void test_lockless(unsigned levels, uint64_t lpos0, uint64_t id0)
{
	static char want[16384];
	struct gimg g;
	char text[4096];
	vmc_guest_kernel *k;
	enum vmc_guest_log_kind kind;
	vmc_source *src;
	vmc_physmem *pm;
	struct collect c = { .len = 0 };
	vmc_error e;
	size_t len, wlen;

	t_case("lockless levels %u lpos0 %llu id0 %llu", levels,
	       (unsigned long long)lpos0, (unsigned long long)id0);
	compact(&g, levels);
	gi_ring(&g, 0x10000, 4, 9, id0, lpos0, recs, ARRAY_SIZE(recs));
	len = gi_vmcoreinfo(&g, text, sizeof(text), "6.12.0-test", false,
			    true);
	pm = pm_of(&g, &src);
	CHECK_ST(vmc_guest_kernel_new(&k, pm, text, len, &e), VMC_OK, &e);
	CHECK_ST(vmc_guest_kernel_check(k, &e), VMC_OK, &e);
	CHECK_ST(vmc_guest_log_read(k, NULL, &kind, collect, &c, &e), VMC_OK,
		 &e);
	CHECK_U64(kind, VMC_GUEST_LOG_LOCKLESS);
	wlen = expected(want, false, true);
	CHECK(c.len == wlen && memcmp(c.buf, want, wlen) == 0,
	      "output differs:\n%.*s---\n%.*s", (int)c.len, c.buf, (int)wlen,
	      want);
	c.len = c.nr = 0;
	c.caller = true;
	CHECK_ST(vmc_guest_log_read(k, NULL, NULL, collect, &c, &e), VMC_OK,
		 &e);
	wlen = expected(want, true, true);
	CHECK(c.len == wlen && memcmp(c.buf, want, wlen) == 0,
	      "caller-id output differs:\n%.*s---\n%.*s", (int)c.len, c.buf,
	      (int)wlen, want);
	/* fuzz_guest_vtop seed: flags, 8 addresses, memory (pgd 0x2000). */
	if (lpos0 == 0 && id0 == 0) {
		uint8_t head[65] = { levels == 5 };
		uint64_t va[8] = { g.img_va, g.img_va + 0x1000 + 130,
				   g.img_va + 0x2000, gi_dmap(&g) + 0x10000,
				   gi_dmap(&g) + 0x11ff8, g.img_va + 0x2ffc,
				   0xffffc90000000000ULL, 0x1000 };

		for (int i = 0; i < 8; i++)
			for (int b = 0; b < 8; b++)
				head[1 + i * 8 + b] = (uint8_t)(va[i] >> (8 * b));
		write_seed("guest_vtop", levels == 5 ? "5level" : "4level",
			   head, sizeof(head), g.mem, g.size);
	}
	/* The callback stops the walk. */
	c.len = c.nr = 0;
	c.stop_after = 2;
	CHECK_ST(vmc_guest_log_read(k, NULL, NULL, collect, &c, &e),
		 VMC_ERR_IO, &e);
	CHECK_U64(c.nr, 2);
	c.stop_after = 0;
	if (levels == 4 && lpos0 == 0 && id0 == 0) {
		uint8_t hdr[2] = { (uint8_t)len, (uint8_t)(len >> 8) };
		uint8_t *both = malloc(2 + len);

		memcpy(both, hdr, 2);
		memcpy(both + 2, text, len);
		write_seed("guest_log", "lockless", both, 2 + len, g.mem,
			   g.size);
		free(both);
	}
	/* A ring with head and tail further apart than the ring. */
	{
		uint64_t prb = gi_va2pa_img(&g, g.img_va + 0x2040);

		gi_w64(&g, prb + 24, id0 + 100);
		c.len = c.nr = 0;
		CHECK_ST(vmc_guest_log_read(k, NULL, NULL, collect, &c, &e),
			 VMC_ERR_CORRUPT, &e);
		gi_w64(&g, prb + 24, id0 + ARRAY_SIZE(recs) - 1);
		gi_w32(&g, prb + 48, 40);	/* size_bits */
		CHECK_ST(vmc_guest_log_read(k, NULL, NULL, collect, &c, &e),
			 VMC_ERR_CORRUPT, &e);
		gi_w32(&g, prb + 48, 20);	/* 1 MiB: past memory */
		CHECK(vmc_guest_log_read(k, NULL, NULL, collect, &c, &e) != VMC_OK,
		      "a ring past memory fails");
		{
			struct vmc_guest_log_opts o = VMC_GUEST_LOG_OPTS_INIT;

			o.max_bytes = 4096;
			CHECK_ST(vmc_guest_log_read(k, &o, NULL, collect, &c, &e),
				 VMC_ERR_RANGE, &e);
		}
	}
	vmc_guest_kernel_free(k);
	vmc_physmem_free(pm);
	free(g.mem);
}

static void test_log_buf(uint32_t first)
{
	static char want[16384];
	struct gimg g;
	char text[4096];
	vmc_guest_kernel *k;
	enum vmc_guest_log_kind kind;
	vmc_source *src;
	vmc_physmem *pm;
	struct collect c = { .len = 0 };
	vmc_error e;
	size_t len, wlen;

	t_case("log_buf first %u", first);
	compact(&g, 4);
	gi_log_buf(&g, 0x10000, 512, first, recs, ARRAY_SIZE(recs));
	len = gi_vmcoreinfo(&g, text, sizeof(text), "6.12.0-test", true,
			    false);
	pm = pm_of(&g, &src);
	CHECK_ST(vmc_guest_kernel_new(&k, pm, text, len, &e), VMC_OK, &e);
	CHECK_ST(vmc_guest_log_read(k, NULL, &kind, collect, &c, &e), VMC_OK,
		 &e);
	CHECK_U64(kind, VMC_GUEST_LOG_LOG_BUF);
	wlen = expected(want, false, false);
	CHECK(c.len == wlen && memcmp(c.buf, want, wlen) == 0,
	      "output differs:\n%.*s---\n%.*s", (int)c.len, c.buf, (int)wlen,
	      want);
	if (first == 0) {
		uint8_t hdr[2] = { (uint8_t)len, (uint8_t)(len >> 8) };
		uint8_t *both = malloc(2 + len);

		memcpy(both, hdr, 2);
		memcpy(both + 2, text, len);
		write_seed("guest_log", "log_buf", both, 2 + len, g.mem, g.size);
		free(both);
	}
	/* A record of length 0 at the start: a cycle, not a hang. */
	gi_w32(&g, gi_va2pa_img(&g, g.img_va + 0x200c), 0);
	g.mem[0x10000 + 8] = g.mem[0x10000 + 9] = 0;
	c.len = c.nr = 0;
	CHECK_ST(vmc_guest_log_read(k, NULL, NULL, collect, &c, &e),
		 VMC_ERR_CORRUPT, &e);
	vmc_guest_kernel_free(k);
	vmc_physmem_free(pm);
	free(g.mem);
}

/* ---- the scan ---- */

static const struct vmc_guest_vmci *at(const vmc_guest_scan *s,
				       uint64_t paddr)
{
	for (size_t i = 0; i < vmc_guest_scan_nr(s); i++)
		if (vmc_guest_scan_get(s, i)->paddr == paddr)
			return vmc_guest_scan_get(s, i);
	return NULL;
}

static void test_scan(void)
{
	struct gimg g, g2;
	char text[4096];
	vmc_guest_scan *s;
	vmc_source *src;
	vmc_physmem *pm;
	vmc_error e;
	size_t len, idx;
	char several[200];
	const struct vmc_guest_vmci *c;

	t_case("scan");
	/* 0x0 note (CRASHTIME), 0x1000 text, 0x5000 stale note (another
	 * release), 0x6000 forged note (pgd outside memory), 0x7000 text
	 * not at a page start (+0x10: not found). */
	gi_init(&g, 0x40000, 4, 0x2000, 0xffffffff9f800000ULL, 0x3000,
		0x8000, 0x8000);
	gi_uts(&g, "6.12.0-test");
	len = gi_vmcoreinfo(&g, text, sizeof(text), "6.12.0-test", false,
			    true);
	gi_note(&g, 0x0, text, len);
	len = gi_vmcoreinfo(&g, text, sizeof(text), "6.12.0-test", false,
			    false);
	memcpy(g.mem + 0x1000, text, len);
	len = gi_vmcoreinfo(&g, text, sizeof(text), "5.10.0-old", false,
			    false);
	gi_note(&g, 0x5000, text, len);
	{
		struct gimg f = g;

		f.img_va = 0xffffffff9f800000ULL;
		f.img_pa = 0x7ff000000ULL;
		f.phys_base = f.img_pa - (f.img_va - GI_START_KERNEL_MAP);
		len = gi_vmcoreinfo(&f, text, sizeof(text), "6.12.0-test",
				    false, false);
		gi_note(&g, 0x6000, text, len);
	}
	memcpy(g.mem + 0x7010, text, len);
	pm = pm_of(&g, &src);
	CHECK_ST(vmc_guest_scan_new(&s, pm, NULL, &e), VMC_OK, &e);
	CHECK_U64(vmc_guest_scan_nr(s), 4);
	CHECK_U64(vmc_guest_scan_nr_kernels(s), 1);
	c = vmc_guest_scan_get(s, 0);
	CHECK(c && c->paddr == 0 && c->form == VMC_GUEST_VMCI_NOTE &&
	      c->crashtime && c->verdict == VMC_GUEST_VMCI_VALID &&
	      c->kernel == 0 && c->text_paddr == 24, "first: the CRASHTIME note");
	c = at(s, 0x1000);
	CHECK(c && c->form == VMC_GUEST_VMCI_TEXT &&
	      c->verdict == VMC_GUEST_VMCI_VALID && c->kernel == 0,
	      "the text copy is valid, same kernel");
	c = at(s, 0x5000);
	CHECK(c && c->verdict == VMC_GUEST_VMCI_STALE &&
	      strstr(c->why, "not OSRELEASE"), "stale: %s", c ? c->why : "");
	c = at(s, 0x6000);
	CHECK(c && c->verdict == VMC_GUEST_VMCI_STALE &&
	      strstr(c->why, "outside memory"), "forged: %s", c ? c->why : "");
	CHECK_ST(vmc_guest_scan_pick(s, &idx, several, &e), VMC_OK, &e);
	CHECK_U64(idx, 0);
	CHECK(several[0] == '\0', "one kernel");
	vmc_guest_scan_free(s);
	write_seed("guest_scan", "copies", g.mem, g.size, NULL, 0);

	/* A second kernel (a kdump kernel running) at image 0x20000. */
	g2 = g;
	g2.img_pa = 0x20000;
	g2.img_va = 0xffffffffa0000000ULL;
	g2.pgd = g2.img_pa;
	g2.phys_base = g2.img_pa - (g2.img_va - GI_START_KERNEL_MAP);
	g2.next_table = 0x30000;
	g2.table_end = 0x40000;
	for (uint64_t o = 0; o < 0x3000; o += 4096)
		gi_map(&g2, g2.img_va + o, g2.img_pa + o, 12);
	gi_uts(&g2, "6.12.0-test");
	len = gi_vmcoreinfo(&g2, text, sizeof(text), "6.12.0-test", false,
			    false);
	gi_note(&g, 0x24000, text, len);
	CHECK_ST(vmc_guest_scan_new(&s, pm, NULL, &e), VMC_OK, &e);
	CHECK_U64(vmc_guest_scan_nr_kernels(s), 2);
	CHECK_ST(vmc_guest_scan_pick(s, &idx, several, &e), VMC_OK, &e);
	c = vmc_guest_scan_get(s, idx);
	CHECK(c && c->crashtime && c->phys_base == g.phys_base,
	      "picks the crashed kernel");
	CHECK(strstr(several, "kdump"), "names the kdump kernel: %s", several);
	c = at(s, 0x24000);
	CHECK(c && c->kernel == 1 && c->phys_base == g2.phys_base,
	      "the second kernel");
	vmc_guest_scan_free(s);
	/* Neither crashed: ambiguous. */
	len = gi_vmcoreinfo(&g, text, sizeof(text), "6.12.0-test", false,
			    false);
	gi_note(&g, 0x0, text, len);
	CHECK_ST(vmc_guest_scan_new(&s, pm, NULL, &e), VMC_OK, &e);
	CHECK_ST(vmc_guest_scan_pick(s, &idx, several, &e), VMC_ERR_CORRUPT,
		 &e);
	vmc_guest_scan_free(s);
	write_seed("guest_scan", "two-kernels", g.mem, g.size, NULL, 0);
	/* Nothing valid. */
	memset(g.mem, 0, g.size);
	CHECK_ST(vmc_guest_scan_new(&s, pm, NULL, &e), VMC_OK, &e);
	CHECK_ST(vmc_guest_scan_pick(s, &idx, NULL, &e), VMC_ERR_NOTFOUND, &e);
	vmc_guest_scan_free(s);
	vmc_physmem_free(pm);
	free(g.mem);
}

static void test_format(void)
{
	struct vmc_guest_log_record r = { 0 };
	char buf[128];
	size_t n;

	t_case("format");
	r.ts_nsec = 6740904123ULL;
	r.text = "x";
	r.text_len = 1;
	n = vmc_guest_log_format(&r, false, buf, sizeof(buf));
	CHECK(n == 17 && memcmp(buf, "[    6.740904] x\n", 17) == 0,
	      "got %.*s", (int)n, buf);
	r.has_caller_id = true;
	r.caller_id = 0x80000010u;
	n = vmc_guest_log_format(&r, true, buf, sizeof(buf));
	CHECK(n == 28 && memcmp(buf, "[    6.740904] [     C16] x\n", 28) == 0,
	      "got %.*s", (int)n, buf);
	/* Two-pass: a short buffer gets a prefix, the length is whole. */
	CHECK_U64(vmc_guest_log_format(&r, true, buf, 5), 28);
	r.ts_nsec = 123456789012345678ULL;
	n = vmc_guest_log_format(&r, false, buf, sizeof(buf));
	CHECK(memcmp(buf, "[123456789.012345] x\n", n) == 0, "got %.*s",
	      (int)n, buf);
}

static void test_keys(void)
{
	const char *t = "OSRELEASE=x\nNUMBER(phys_base)=-406847488\n"
			"SYMBOL(init_top_pgt)=ffffffffa1422000\n";
	uint64_t v;

	t_case("keys");
	CHECK_ST(vmc_vmcoreinfo_get_s64(t, strlen(t), "NUMBER(phys_base)", &v),
		 VMC_OK, NULL);
	CHECK_U64(v, (uint64_t)-406847488LL);
	CHECK_ST(vmc_vmcoreinfo_get_u64(t, strlen(t), "NUMBER(phys_base)", &v),
		 VMC_ERR_RANGE, NULL);
	CHECK_ST(vmc_vmcoreinfo_get_s64(t, strlen(t), "SYMBOL(init_top_pgt)",
					&v), VMC_OK, NULL);
	CHECK_U64(v, 0xffffffffa1422000ULL);
	{
		vmc_guest_kernel *k;
		vmc_physmem *pm;
		vmc_error e;
		const char *arm = "OSRELEASE=6.1\nPAGESIZE=4096\n"
				  "SYMBOL(swapper_pg_dir)=ffff800081000000\n";

		vmc_physmem_new(&pm, &e);
		CHECK_ST(vmc_guest_kernel_new(&k, pm, arm, strlen(arm), &e),
			 VMC_ERR_UNSUPPORTED, &e);
		CHECK_ST(vmc_guest_kernel_new(&k, pm, t, strlen(t), &e), VMC_OK,
			 &e);
		CHECK_U64(vmc_guest_kernel_pgd(k),
			  0xffffffffa1422000ULL - GI_START_KERNEL_MAP -
				  406847488ULL);
		vmc_guest_kernel_free(k);
		vmc_physmem_free(pm);
	}
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--seeds"))
		seed_dir = argv[2];
	rng_seed("guest", 15);
	test_keys();
	test_format();
	for (int i = 0; i < 4; i++) {
		test_vtop(4, 0);
		test_vtop(5, 0);
	}
	test_vtop(4, 1ULL << 47);
	test_vtop(5, 1ULL << 51);
	test_lockless(4, 0, 0);
	test_lockless(5, 0, 0);
	/* The data ring wraps (a block restarts at data[0]) and the ids wrap
	 * the descriptor ring. */
	test_lockless(4, 3 * 512 + 300, 13);
	test_lockless(4, 512 - 40, 0x3ffffffffffffffeULL);
	test_log_buf(0);
	test_log_buf(256);
	test_scan();
	return t_finish();
}
