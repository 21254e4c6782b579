/* SPDX-License-Identifier: MIT */
/*
 * A synthetic x86_64 guest: physical memory holding page tables, a kernel
 * image with init_uts_ns, VMCOREINFO (note and text) and a printk ring
 * (lockless, Linux >= 5.10) or log_buf (3.5 to 5.9), written the way the
 * kernel lays them out.  The unit tests check the library against what was
 * written here; the fuzz seeds (fuzz/seeds/guest_*) are made from it too.
 *
 *   0x0000 VMCOREINFO note   0x1000 VMCOREINFO text   0x2000.. image
 *   (pgd at image+0, init_uts_ns at image+0x1000, prb at image+0x2000)
 *   0x8000.. page tables (bump allocated)   0x10000.. rings (direct map)
 */
#ifndef VMC_TEST_GIMG_H
#define VMC_TEST_GIMG_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GI_START_KERNEL_MAP 0xffffffff80000000ULL
#define GI_DMAP 0xffff888000000000ULL	/* page_offset_base, 4-level */
#define GI_ID_MASK (~(3ULL << 62))	/* DESC_ID_MASK */
#define GI_DMAP5 0xff11000000000000ULL	/* 5-level */

struct gimg {
	uint8_t *mem;
	size_t size;
	unsigned levels;
	uint64_t pgd;		/* paddr */
	uint64_t next_table;	/* bump allocator for tables */
	uint64_t table_end;
	uint64_t img_pa, img_va;	/* kernel image */
	uint64_t phys_base;
	uint64_t sme;		/* bit set in every entry */
};

static inline void gi_w64(struct gimg *g, uint64_t pa, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		g->mem[pa + i] = (uint8_t)(v >> (8 * i));
}

static inline void gi_w32(struct gimg *g, uint64_t pa, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		g->mem[pa + i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t gi_r64(const struct gimg *g, uint64_t pa)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | g->mem[pa + i];
	return v;
}

/* Map the page of 1 << @shift bytes (12, 21, 30) at @va onto @pa. */
static inline void gi_map(struct gimg *g, uint64_t va, uint64_t pa,
			  unsigned shift)
{
	uint64_t table = g->pgd;

	for (int lvl = (int)g->levels - 1; lvl >= 0; lvl--) {
		unsigned s = 12 + 9 * (unsigned)lvl;
		uint64_t at = table + ((va >> s) & 511) * 8, ent;

		if (s == shift) {
			gi_w64(g, at, pa | 0x3 | (s > 12 ? 0x80 : 0) | g->sme |
					      (1ULL << 63));
			return;
		}
		ent = gi_r64(g, at);
		if (!(ent & 1)) {
			if (g->next_table + 4096 > g->table_end) {
				fprintf(stderr, "gimg: out of table pages\n");
				abort();
			}
			ent = g->next_table | 0x3 | g->sme;
			g->next_table += 4096;
			gi_w64(g, at, ent);
		}
		table = ent & ~g->sme & 0x000ffffffffff000ULL;
	}
}

static inline uint64_t gi_dmap(const struct gimg *g)
{
	return g->levels == 5 ? GI_DMAP5 : GI_DMAP;
}

/* The image: [img_pa, +len) at img_va in 4 KiB pages, and all memory in
 * the direct map. */
static inline void gi_init(struct gimg *g, size_t size, unsigned levels,
			   uint64_t img_pa, uint64_t img_va, uint64_t img_len,
			   uint64_t tables, uint64_t tables_len)
{
	memset(g, 0, sizeof(*g));
	g->mem = calloc(1, size);
	g->size = size;
	g->levels = levels;
	g->img_pa = img_pa;
	g->img_va = img_va;
	g->pgd = img_pa;
	g->phys_base = img_pa - (img_va - GI_START_KERNEL_MAP);
	g->next_table = tables;
	g->table_end = tables + tables_len;
	for (uint64_t o = 0; o < img_len; o += 4096)
		gi_map(g, img_va + o, img_pa + o, 12);
	for (uint64_t pa = 0; pa < size; pa += 4096)
		gi_map(g, gi_dmap(g) + pa, pa, 12);
}

static inline uint64_t gi_va2pa_img(const struct gimg *g, uint64_t va)
{
	return va - g->img_va + g->img_pa;
}

/* VMCOREINFO text as arch_crash_save_vmcoreinfo and
 * log_buf_vmcoreinfo_setup print it (offsets of Linux 6.12). */
static inline size_t gi_vmcoreinfo(const struct gimg *g, char *buf, size_t cap,
				   const char *release, bool log_buf,
				   bool crashtime)
{
	size_t n = 0;

#define P(...) (n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__))
	P("OSRELEASE=%s\nPAGESIZE=4096\n", release);
	P("SYMBOL(init_uts_ns)=%llx\nOFFSET(uts_namespace.name)=0\n",
	  (unsigned long long)(g->img_va + 0x1000));
	P("SYMBOL(swapper_pg_dir)=%llx\n", (unsigned long long)g->img_va);
	if (!log_buf) {
		P("SYMBOL(prb)=%llx\n", (unsigned long long)(g->img_va + 0x2000));
		P("SIZE(printk_ringbuffer)=88\n"
		  "OFFSET(printk_ringbuffer.desc_ring)=0\n"
		  "OFFSET(printk_ringbuffer.text_data_ring)=48\n"
		  "SIZE(prb_desc_ring)=48\nOFFSET(prb_desc_ring.count_bits)=0\n"
		  "OFFSET(prb_desc_ring.descs)=8\nOFFSET(prb_desc_ring.infos)=16\n"
		  "OFFSET(prb_desc_ring.head_id)=24\n"
		  "OFFSET(prb_desc_ring.tail_id)=32\nSIZE(prb_desc)=24\n"
		  "OFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
		  "OFFSET(prb_data_blk_lpos.begin)=0\n"
		  "OFFSET(prb_data_blk_lpos.next)=8\nSIZE(printk_info)=88\n"
		  "OFFSET(printk_info.seq)=0\nOFFSET(printk_info.ts_nsec)=8\n"
		  "OFFSET(printk_info.text_len)=16\n"
		  "OFFSET(printk_info.caller_id)=20\n"
		  "OFFSET(prb_data_ring.size_bits)=0\n"
		  "OFFSET(prb_data_ring.data)=8\nSIZE(atomic_long_t)=8\n"
		  "OFFSET(atomic_long_t.counter)=0\n");
	} else {
		P("SYMBOL(log_buf)=%llx\nSYMBOL(log_buf_len)=%llx\n"
		  "SYMBOL(log_first_idx)=%llx\nSYMBOL(log_next_idx)=%llx\n",
		  (unsigned long long)(g->img_va + 0x2000),
		  (unsigned long long)(g->img_va + 0x2008),
		  (unsigned long long)(g->img_va + 0x200c),
		  (unsigned long long)(g->img_va + 0x2010));
		P("SIZE(printk_log)=16\nOFFSET(printk_log.ts_nsec)=0\n"
		  "OFFSET(printk_log.len)=8\nOFFSET(printk_log.text_len)=10\n");
	}
	P("NUMBER(phys_base)=%lld\nSYMBOL(init_top_pgt)=%llx\n"
	  "NUMBER(pgtable_l5_enabled)=%d\nKERNELOFFSET=%llx\n"
	  "NUMBER(sme_mask)=%llu\n",
	  (long long)g->phys_base, (unsigned long long)g->img_va,
	  g->levels == 5, (unsigned long long)(g->img_va - 0xffffffff81000000ULL),
	  (unsigned long long)g->sme);
	if (crashtime)
		P("CRASHTIME=1796496496\n");
#undef P
	return n;
}

/* init_uts_ns.name.release (new_utsname: 3 x 65 bytes in). */
static inline void gi_uts(struct gimg *g, const char *release)
{
	uint64_t pa = gi_va2pa_img(g, g->img_va + 0x1000);

	memcpy(g->mem + pa, "Linux", 5);
	memset(g->mem + pa + 130, 0, 65);
	memcpy(g->mem + pa + 130, release, strlen(release));
}

/* The note update_vmcoreinfo_note writes, at @pa. */
static inline void gi_note(struct gimg *g, uint64_t pa, const char *text,
			   size_t len)
{
	gi_w32(g, pa, 11);
	gi_w32(g, pa + 4, (uint32_t)len);
	gi_w32(g, pa + 8, 0);
	memcpy(g->mem + pa + 12, "VMCOREINFO\0\0", 12);
	memcpy(g->mem + pa + 24, text, len);
}

/* ---- the lockless ring ---- */

struct gi_rec {
	uint64_t ts;
	const char *text;
	size_t len;
	uint32_t caller;
	int state;		/* 1 committed, 2 finalized, 0 reserved,
				 * 3 reusable: 0 and 3 are skipped */
	bool miss;		/* the descriptor holds another id */
	bool dataless;		/* begin == next */
};

/* Write the ring at @pa (direct map): 2^cbits descriptors, 2^sbits data
 * bytes; the records get ids first_id, first_id+1, ... */
static inline void gi_ring(struct gimg *g, uint64_t pa, unsigned cbits,
			   unsigned sbits, uint64_t first_id,
			   uint64_t lpos0, const struct gi_rec *r, size_t nr)
{
	uint64_t count = 1ULL << cbits, size = 1ULL << sbits;
	uint64_t descs = pa, infos = descs + count * 24;
	uint64_t data = (infos + count * 88 + 7) & ~7ULL, lpos = lpos0;
	uint64_t prb = gi_va2pa_img(g, g->img_va + 0x2000) + 0x40;
	uint64_t dm = gi_dmap(g);

	gi_w64(g, gi_va2pa_img(g, g->img_va + 0x2000), g->img_va + 0x2040);
	gi_w32(g, prb + 0, cbits);
	gi_w64(g, prb + 8, dm + descs);
	gi_w64(g, prb + 16, dm + infos);
	gi_w64(g, prb + 24, (first_id + nr - 1) & GI_ID_MASK); /* head_id */
	gi_w64(g, prb + 32, first_id);		/* tail_id */
	gi_w32(g, prb + 48, sbits);
	gi_w64(g, prb + 56, dm + data);
	for (size_t i = 0; i < nr; i++) {
		uint64_t id = (first_id + i) & GI_ID_MASK;
		uint64_t d = descs + (id % count) * 24;
		uint64_t in = infos + (id % count) * 88;
		uint64_t need = (8 + r[i].len + 7) & ~7ULL, begin, next, at;

		if (r[i].dataless) {
			begin = next = lpos;
		} else if (lpos % size + need >= size) {
			/* get_next_lpos: a block reaching the end (even
			 * exactly) wraps: its data starts at data[0] */
			begin = lpos;
			next = (lpos / size + 1) * size + need;
			at = 0;
		} else {
			begin = lpos;
			next = lpos + need;
			at = lpos % size;
		}
		if (!r[i].dataless) {
			gi_w64(g, data + at, id);
			memcpy(g->mem + data + at + 8, r[i].text, r[i].len);
			lpos = next;
		}
		gi_w64(g, d, (uint64_t)r[i].state << 62 |
				     (r[i].miss ? id + count : id));
		gi_w64(g, d + 8, begin);
		gi_w64(g, d + 16, next);
		gi_w64(g, in, 1000 + i);
		gi_w64(g, in + 8, r[i].ts);
		g->mem[in + 16] = (uint8_t)r[i].len;
		g->mem[in + 17] = (uint8_t)(r[i].len >> 8);
		gi_w32(g, in + 20, r[i].caller);
	}
}

/* ---- log_buf (struct printk_log: ts_nsec u64, len u16, text_len u16,
 * 4 more bytes) ---- */

/* Records from @first (a byte index) on, wrapping with a len-0 marker
 * when one does not fit before the end. */
static inline void gi_log_buf(struct gimg *g, uint64_t pa, uint32_t buf_len,
			      uint32_t first, const struct gi_rec *r,
			      size_t nr)
{
	uint64_t vars = gi_va2pa_img(g, g->img_va + 0x2000);
	uint32_t pos = first;

	gi_w64(g, vars, gi_dmap(g) + pa);
	gi_w32(g, vars + 8, buf_len);
	gi_w32(g, vars + 12, first);
	for (size_t i = 0; i < nr; i++) {
		uint32_t len = (uint32_t)((16 + r[i].len + 7) & ~7ULL);

		if (pos + len + 16 > buf_len) {
			memset(g->mem + pa + pos, 0, 16);	/* len 0 */
			pos = 0;
		}
		gi_w64(g, pa + pos, r[i].ts);
		g->mem[pa + pos + 8] = (uint8_t)len;
		g->mem[pa + pos + 9] = (uint8_t)(len >> 8);
		g->mem[pa + pos + 10] = (uint8_t)r[i].len;
		g->mem[pa + pos + 11] = (uint8_t)(r[i].len >> 8);
		memcpy(g->mem + pa + pos + 16, r[i].text, r[i].len);
		pos += len;
	}
	gi_w32(g, vars + 16, pos);
}

#endif
