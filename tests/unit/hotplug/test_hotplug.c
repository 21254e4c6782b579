// SPDX-License-Identifier: MIT
/*
 * Crash hotplug: capacity formulas, event syntax, regeneration after random
 * event sequences against a from-scratch build of the same system, the
 * stale tail the kernel's in-place copy leaves, refusals that leave the
 * segment byte-identical, digests and purgatory's check, the torn-free
 * commit (a crash after every byte), uevent parsing and burst coalescing.
 */
#include "unit.h"
#include "vmcorekit/vmcorekit.h"

/* CHECK with the failing expression as its message */
#define OK(cond) CHECK(cond, "%s", "")
#define CAP 921600
#define PAGE_OFFSET 0xffff888000000000ull
#define TORN_CAP 8192	/* every byte of it is a crash point */

static const char base_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"00100000-3ffd6fff : System RAM\n"
	"  13000000-13ffffff : Kernel code\n"
	"  2f000000-3effffff : Crash kernel\n"
	"3ffd7000-3fffffff : Reserved\n"
	"40000000-febfffff : PCI Bus 0000:00\n"
	"fffc0000-ffffffff : Reserved\n";

/* Up to 96 DIMM slots of 128 MiB from 4 GiB, every other 128 MiB. */
#define NR_SLOTS 96
#define SLOT_BASE 0x100000000ull
#define SLOT_STRIDE 0x10000000ull
#define SLOT_SIZE 0x8000000ull

static void set(vmc_system *s, const char *rel, const char *text)
{
	vmc_error e;

	if (vmc_system_set_file(s, rel, text, strlen(text), &e)) {
		printf("set %s: %s\n", rel, e.msg);
		exit(2);
	}
}

/* The test's own system: iomem text plus the @present slots, as a
 * from-scratch capture would show it. */
static vmc_system *make_system(const bool *present, unsigned nr_cpus)
{
	static char text[16384];
	vmc_system *s;
	vmc_error e;
	size_t n = 0;
	char buf[128];

	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", base_iomem);
	for (int i = 0; present && i < NR_SLOTS; i++)
		if (present[i])
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "%llx-%llx : System RAM\n",
					      SLOT_BASE + i * SLOT_STRIDE,
					      SLOT_BASE + i * SLOT_STRIDE +
					      SLOT_SIZE - 1);
	if (vmc_system_new(&s, &e))
		exit(2);
	set(s, "proc/iomem", text);
	snprintf(buf, sizeof(buf), "0-%u\n", nr_cpus - 1);
	set(s, "sys/devices/system/cpu/possible", buf);
	set(s, "sys/devices/system/cpu/present", buf);
	for (unsigned c = 0; c < nr_cpus; c++) {
		char rel[96], val[32];

		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/"
			 "crash_notes", c);
		snprintf(val, sizeof(val), "%x\n", 0x2de3d800 + c * 0x1000);
		set(s, rel, val);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/"
			 "crash_notes_size", c);
		set(s, rel, "368\n");
	}
	set(s, "sys/kernel/vmcoreinfo", "15da0000 1024\n");
	set(s, "sys/kernel/crash_elfcorehdr_size", "917616\n");
	return s;
}

static void build_opts(struct vmc_build_opts *o)
{
	*o = (struct vmc_build_opts)VMC_BUILD_OPTS_INIT;
	o->have_text = true;
	o->text_vaddr = 0xffffffff89400000ull;
	o->text_paddr = 0x13000000;
	o->text_len = 0x2c30000;
	o->have_page_offset = true;
	o->page_offset = PAGE_OFFSET;
}

/* A from-scratch kexec-file build: the oracle. */
static uint8_t *fresh(const bool *present, unsigned nr_cpus, size_t *len)
{
	struct vmc_build_opts o;
	vmc_system *s = make_system(present, nr_cpus);
	vmc_header *h;
	vmc_error e;
	uint8_t *buf;
	size_t used;

	build_opts(&o);
	if (vmc_header_build(&h, s, &o, &e) ||
	    vmc_elfcore_size(vmc_header_spec(h), len, &e)) {
		printf("fresh: %s\n", e.msg);
		exit(2);
	}
	buf = calloc(1, *len);
	vmc_elfcore_write(vmc_header_spec(h), buf, *len, &used, &e);
	vmc_header_free(h);
	vmc_system_free(s);
	return buf;
}

static struct vmc_hp_event mem_event(bool add, int slot)
{
	return (struct vmc_hp_event){
		.action = add ? VMC_HP_ADD_MEMORY : VMC_HP_REMOVE_MEMORY,
		.start = SLOT_BASE + slot * SLOT_STRIDE,
		.end = SLOT_BASE + slot * SLOT_STRIDE + SLOT_SIZE,
	};
}

/* ---- capacity ---- */

static void test_capacity(void)
{
	struct vmc_hp_capacity c;
	vmc_error e;

	t_case("kernel 8192/8192");
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_FILE, 8192, 8192, &c, &e) == VMC_OK);
	/* Values read off a Debian 6.12 guest: sysfs 917616, the e820 hole
	 * of the kdump kernel 917680. */
	CHECK_U64(c.elfcorehdr_size, 917616);
	CHECK_U64(c.memsz, 917680);
	CHECK_U64(c.segment, 921600);
	CHECK_U64(c.max_phdrs, (921600 - 64) / 56);
	t_case("kexec-tools 8192/8192");
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_TOOLS, 8192, 8192, &c, &e) == VMC_OK);
	CHECK_U64(c.memsz, 918528);	/* ALIGN(917616, 1024) */
	CHECK_U64(c.segment, 921600);
	for (uint64_t cpus = 1; cpus < 3000; cpus += 97)
		for (uint64_t r = 0; r < 3000; r += 89) {
			uint64_t sz = 56 * (2 + cpus + r);

			t_case("cpus %llu ranges %llu", (unsigned long long)cpus,
			       (unsigned long long)r);
			OK(vmc_hp_capacity(VMC_LOADER_KEXEC_FILE, cpus, r,
					      &c, &e) == VMC_OK);
			CHECK_U64(c.memsz, 64 + sz);
			CHECK_U64(c.segment, (64 + sz + 4095) / 4096 * 4096);
			OK(64 + 56 * c.max_phdrs <= c.segment &&
			      64 + 56 * (c.max_phdrs + 1) > c.segment);
			OK(vmc_hp_capacity(VMC_LOADER_KEXEC_TOOLS, cpus, r,
					      &c, &e) == VMC_OK);
			CHECK_U64(c.memsz, (sz + 1023) / 1024 * 1024);
		}
	t_case("PN_XNUM");
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_FILE, 65533, 0, &c, &e) ==
	      VMC_ERR_RANGE);
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_FILE, 65532, 0, &c, &e) == VMC_OK);
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_TOOLS, 65533, 0, &c, &e) == VMC_OK);
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_TOOLS, UINT64_MAX, 1, &c, &e) ==
	      VMC_ERR_RANGE);
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_FILE, 0, 1, &c, &e) ==
	      VMC_ERR_INVALID);
	OK(vmc_hp_capacity_from_sysfs(VMC_LOADER_KEXEC_FILE, 917616, &c,
					 &e) == VMC_OK && c.memsz == 917680);
	OK(vmc_hp_capacity_from_sysfs(VMC_LOADER_KEXEC_TOOLS, 0, &c, &e) ==
	      VMC_ERR_INVALID);
}

/* ---- the loaders by name, and who reserves a segment ---- */

static void test_loaders(void)
{
	static const char *const names[] = { "kexec-file", "kexec-tools",
					     "generic" };
	struct vmc_hp_capacity c;
	struct vmc_digest_table t;
	struct vmc_kexec_segment seg = { .mem = 0x1000, .memsz = 0x1000,
					 .role = VMC_SEG_ELFCOREHDR };
	enum vmc_loader l;
	vmc_error e;

	t_case("loader names");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		OK(vmc_loader_parse(names[i], &l, &e) == VMC_OK);
		CHECK_STR(vmc_loader_name(l), names[i]);
	}
	CHECK_ST(vmc_loader_parse("kexec", &l, &e), VMC_ERR_INVALID, &e);
	CHECK_STR(vmc_loader_name((enum vmc_loader)0), "unknown");
	CHECK_STR(vmc_loader_name((enum vmc_loader)99), "unknown");
	t_case("capacity cites the loader's function");
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_FILE, 8, 8, &c, &e) == VMC_OK);
	OK(c.source && strstr(c.source, "crash_load_segments"));
	OK(vmc_hp_capacity(VMC_LOADER_KEXEC_TOOLS, 8, 8, &c, &e) == VMC_OK);
	OK(c.source && strstr(c.source, "kexec-tools"));
	t_case("generic reserves no segment");
	CHECK_ST(vmc_hp_capacity(VMC_LOADER_GENERIC, 8, 8, &c, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_hp_capacity_from_sysfs(VMC_LOADER_GENERIC, 560, &c, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_kexec_digest(&seg, 1, VMC_LOADER_GENERIC,
				  VMC_DIGEST_EXCLUDE, &t, &e),
		 VMC_ERR_INVALID, &e);
	CHECK_ST(vmc_hp_capacity((enum vmc_loader)99, 8, 8, &c, &e),
		 VMC_ERR_INVALID, &e);
}

/* ---- events ---- */

static void test_events(void)
{
	static const struct {
		const char *s;
		vmc_status st;
		enum vmc_hp_action a;
		uint64_t start, end;
		uint32_t cpu;
	} cases[] = {
		{ "add-memory:0x100000000-0x13fffffff", VMC_OK,
		  VMC_HP_ADD_MEMORY, 0x100000000ull, 0x140000000ull, 0 },
		{ "remove-memory:4G+1G", VMC_OK, VMC_HP_REMOVE_MEMORY,
		  0x100000000ull, 0x140000000ull, 0 },
		{ "add-cpu:3", VMC_OK, VMC_HP_ADD_CPU, 0, 0, 3 },
		{ "remove-cpu:0x10", VMC_OK, VMC_HP_REMOVE_CPU, 0, 0, 16 },
		{ "add-memory:0x100000000-0x140000000", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-memory:0x2000-0x1000", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-memory:0x1000-0x1000", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-memory:0x1000", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-memory:-0x1000", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-memory:0xfffffffffffff000+0x2000", VMC_ERR_RANGE, 0, 0, 0, 0 },
		{ "add-cpu:8192", VMC_ERR_RANGE, 0, 0, 0, 0 },
		{ "add-cpu:", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-cpu", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "online-cpu:1", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "add-cpus:1", VMC_ERR_INVALID, 0, 0, 0, 0 },
		{ "", VMC_ERR_INVALID, 0, 0, 0, 0 },
	};
	char buf[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmc_hp_event ev;
		vmc_error e;
		vmc_status st = vmc_hp_event_parse(cases[i].s, &ev, &e);

		t_case("%s", cases[i].s);
		CHECK_U64(st, cases[i].st);
		if (st != VMC_OK)
			continue;
		CHECK_U64(ev.action, cases[i].a);
		CHECK_U64(ev.start, cases[i].start);
		CHECK_U64(ev.end, cases[i].end);
		CHECK_U64(ev.cpu, cases[i].cpu);
		/* format -> parse round trip */
		vmc_hp_event_format(&ev, buf, sizeof(buf));
		struct vmc_hp_event ev2;

		OK(vmc_hp_event_parse(buf, &ev2, &e) == VMC_OK &&
		   ev.action == ev2.action && ev.start == ev2.start &&
		   ev.end == ev2.end && ev.cpu == ev2.cpu);
	}
	{
		struct vmc_hp_event ev;
		vmc_error e;

		t_case("hint");
		vmc_hp_event_parse("add-memory:0x100000000-0x140000000", &ev, &e);
		OK(strstr(e.msg, "END is inclusive") != NULL);
	}
}

/* ---- regeneration ---- */

/*
 * A random walk of DIMM adds/removes and CPU events: after every step the
 * header part of the segment equals a from-scratch build of the system as
 * it is then, and the rest of the segment is what the previous step left
 * (the kernel copies elfsz bytes only).
 */
static void test_random_walk(void)
{
	bool present[NR_SLOTS] = { false };
	struct vmc_build_opts o;
	struct vmc_hotplug_opts ho = VMC_HOTPLUG_OPTS_INIT;
	vmc_system *s = make_system(NULL, 4);
	vmc_hotplug *hp;
	vmc_error e;
	uint8_t *prev = malloc(CAP);
	size_t len, flen;
	const uint8_t *seg;
	uint8_t *want;

	build_opts(&o);
	ho.build = &o;
	t_case("new");
	if (!OK(vmc_hotplug_new(&hp, s, &ho, &e) == VMC_OK)) {
		printf("  %s\n", e.msg);
		return;
	}
	seg = vmc_hotplug_segment(hp, &len);
	CHECK_U64(len, CAP);	/* from crash_elfcorehdr_size */
	want = fresh(present, 4, &flen);
	OK(memcmp(seg, want, flen) == 0);
	free(want);
	for (int step = 0; step < 400; step++) {
		int slot = (int)(rng_next() % NR_SLOTS);
		struct vmc_hp_event ev;
		vmc_status st;

		if (rng_next() % 5 == 0) {
			ev = (struct vmc_hp_event){ .action = rng_next() % 2 ?
				VMC_HP_ADD_CPU : VMC_HP_REMOVE_CPU,
				.cpu = (uint32_t)(rng_next() % 4) };
		} else {
			ev = mem_event(!present[slot], slot);
		}
		memcpy(prev, vmc_hotplug_segment(hp, &len), CAP);
		st = vmc_hotplug_apply(hp, &ev, &e);
		t_case("step %d", step);
		if (!OK(st == VMC_OK)) {
			printf("  %s\n", e.msg);
			break;
		}
		if (ev.action == VMC_HP_ADD_MEMORY ||
		    ev.action == VMC_HP_REMOVE_MEMORY)
			present[slot] = !present[slot];
		seg = vmc_hotplug_segment(hp, &len);
		want = fresh(present, 4, &flen);
		CHECK_U64(vmc_hotplug_header_size(hp),
			     ev.action <= VMC_HP_REMOVE_MEMORY ? flen :
			     vmc_hotplug_header_size(hp));
		OK(memcmp(seg, want, flen) == 0);
		OK(memcmp(seg + flen, prev + flen, CAP - flen) == 0);
		free(want);
	}
	/* Refusals leave the segment byte-identical. */
	memcpy(prev, vmc_hotplug_segment(hp, &len), CAP);
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		struct vmc_hp_event ev = mem_event(present[slot], slot);

		t_case("refuse slot %d", slot);
		/* adding RAM twice / removing what is not RAM */
		OK(vmc_hotplug_apply(hp, &ev, &e) == VMC_ERR_INVALID);
	}
	{
		struct vmc_hp_event ev = { .action = VMC_HP_ADD_CPU, .cpu = 4 };

		t_case("impossible CPU");
		OK(vmc_hotplug_apply(hp, &ev, &e) == VMC_ERR_INVALID);
		ev = (struct vmc_hp_event){ .action = VMC_HP_ADD_MEMORY,
			.start = 0x80000000, .end = 0x90000000 };
		t_case("PCI window");
		OK(vmc_hotplug_apply(hp, &ev, &e) == VMC_ERR_INVALID);
		OK(strstr(e.msg, "PCI Bus") != NULL);
	}
	OK(memcmp(prev, vmc_hotplug_segment(hp, &len), CAP) == 0);
	vmc_hotplug_free(hp);
	vmc_system_free(s);
	free(prev);
}

/*
 * Over the capacity: "elfsz > memsz", VMC_ERR_NOSPACE, and the segment
 * (and the model: the next event that fits still works) is unchanged.
 */
static void test_overflow(void)
{
	struct vmc_build_opts o;
	struct vmc_hotplug_opts ho = VMC_HOTPLUG_OPTS_INIT;
	vmc_system *s = make_system(NULL, 1);
	vmc_hotplug *hp;
	vmc_error e;
	uint8_t before[4096];
	size_t len;
	int slot;

	build_opts(&o);
	ho.build = &o;
	ho.capacity = 4096;
	t_case("overflow new");
	if (!OK(vmc_hotplug_new(&hp, s, &ho, &e) == VMC_OK))
		return;
	/* 1 CPU + VMCOREINFO + text + 2 RAM + 1 slot = 6; 72 fit in 4096. */
	for (slot = 0; slot < NR_SLOTS; slot++) {
		struct vmc_hp_event ev = mem_event(true, slot);
		vmc_status st;

		memcpy(before, vmc_hotplug_segment(hp, &len), sizeof(before));
		st = vmc_hotplug_apply(hp, &ev, &e);
		if (st != VMC_OK) {
			t_case("overflow at %d", slot);
			CHECK_U64(st, VMC_ERR_NOSPACE);
			OK(strstr(e.msg, "elfsz 8192 > memsz 4096") != NULL);
			OK(memcmp(before, vmc_hotplug_segment(hp, &len),
				     sizeof(before)) == 0);
			break;
		}
	}
	CHECK_U64(slot, 72 - 6 + 1);
	{
		struct vmc_hp_event ev = mem_event(false, 0);

		t_case("after overflow, a removal fits");
		OK(vmc_hotplug_apply(hp, &ev, &e) == VMC_OK);
	}
	vmc_hotplug_free(hp);
	/* The load-time header itself must fit. */
	ho.capacity = 64;
	t_case("initial does not fit");
	OK(vmc_hotplug_new(&hp, s, &ho, &e) == VMC_ERR_NOSPACE);
	vmc_system_free(s);
}

/* kexec_load: the first event (even a CPU one) rewrites the header in the
 * kernel's layout; later CPU events change nothing. */
static void test_kexec_load(void)
{
	struct vmc_build_opts o;
	struct vmc_hotplug_opts ho = VMC_HOTPLUG_OPTS_INIT;
	vmc_system *s = make_system(NULL, 2);
	struct vmc_hp_event cpu = { .action = VMC_HP_REMOVE_CPU, .cpu = 1 };
	vmc_hotplug *hp;
	vmc_hp_update *u;
	vmc_error e;
	size_t len, flen, ulen;
	uint8_t *want;

	build_opts(&o);
	set(s, "proc/iomem", "00000000-00000fff : Reserved\n"
	    "00001000-0009fbff : System RAM\n"
	    "00100000-3ffd6fff : System RAM\n"
	    "  13000000-13ffffff : Kernel code\n"
	    "  2f000000-3effffff : Crash kernel\n");
	ho.build = &o;
	ho.loader = VMC_LOADER_KEXEC_TOOLS;
	t_case("kexec_load");
	if (!OK(vmc_hotplug_new(&hp, s, &ho, &e) == VMC_OK)) {
		printf("  %s\n", e.msg);
		vmc_system_free(s);
		return;
	}
	OK(vmc_hotplug_prepare(&u, hp, &cpu, &e) == VMC_OK);
	OK(vmc_hp_update_changes(u));
	vmc_hp_update_header(u, &ulen);
	OK(vmc_hotplug_commit(hp, u, NULL, &e) == VMC_OK);
	want = fresh(NULL, 2, &flen);	/* not the same iomem: compare sizes */
	CHECK_U64(ulen, 4096);
	free(want);
	OK(vmc_hotplug_prepare(&u, hp, &cpu, &e) == VMC_OK);
	OK(!vmc_hp_update_changes(u));
	/* an update prepared against an older state is refused */
	{
		vmc_hp_update *u2;
		struct vmc_hp_event m = mem_event(true, 3);

		OK(vmc_hotplug_prepare(&u2, hp, &m, &e) == VMC_OK);
		OK(vmc_hotplug_commit(hp, u, NULL, &e) == VMC_OK);
		OK(vmc_hotplug_commit(hp, u2, NULL, &e) == VMC_ERR_INVALID);
	}
	(void)len;
	vmc_hotplug_free(hp);
	/* kexec-tools' own rules: the CPU note goes and comes back. */
	ho.profile = VMC_LOADER_KEXEC_TOOLS;
	if (OK(vmc_hotplug_new(&hp, s, &ho, &e) == VMC_OK)) {
		size_t n0 = vmc_hotplug_header_size(hp);
		const uint8_t *seg;
		uint8_t *orig = malloc(n0);

		seg = vmc_hotplug_segment(hp, &len);
		memcpy(orig, seg, n0);
		OK(vmc_hotplug_apply(hp, &cpu, &e) == VMC_OK);
		seg = vmc_hotplug_segment(hp, &len);
		CHECK_U64(seg[56], orig[56] - 1);	/* one CPU note less */
		cpu.action = VMC_HP_ADD_CPU;
		OK(vmc_hotplug_apply(hp, &cpu, &e) == VMC_OK);
		seg = vmc_hotplug_segment(hp, &len);
		OK(memcmp(seg, orig, n0) == 0);
		free(orig);
		vmc_hotplug_free(hp);
	}
	vmc_system_free(s);
}

/* ---- digests ---- */

struct memimg {
	const struct vmc_kexec_segment *seg;
	size_t n;
	const uint8_t *hdr;		/* the live elfcorehdr segment */
	size_t hdr_idx;
};

static vmc_status mem_read(void *ctx, uint64_t paddr, void *buf, size_t len,
			   vmc_error *e)
{
	const struct memimg *m = ctx;
	uint8_t *out = buf;

	while (len) {
		const struct vmc_kexec_segment *s = NULL;
		size_t i, n, off;

		for (i = 0; i < m->n; i++)
			if (paddr >= m->seg[i].mem &&
			    paddr - m->seg[i].mem < m->seg[i].memsz)
				break;
		if (i == m->n)
			return vmc_error_set(e, VMC_ERR_RANGE, "no memory at "
					     "0x%llx", (unsigned long long)paddr);
		s = &m->seg[i];
		off = (size_t)(paddr - s->mem);
		n = s->memsz - off < len ? (size_t)(s->memsz - off) : len;
		if (i == m->hdr_idx && m->hdr) {
			memcpy(out, m->hdr + off, n);
		} else {
			size_t have = off < s->bufsz ? (size_t)s->bufsz - off : 0;

			if (have > n)
				have = n;
			if (have)
				memcpy(out, (const uint8_t *)s->buf + off, have);
			memset(out + have, 0, n - have);
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return VMC_OK;
}

static void test_digest(void)
{
	static uint8_t k[5000], initrd[100], purg[300], hdr[4096];
	struct vmc_kexec_segment seg[] = {
		{ 0x3000000, 0x2000, k, sizeof(k), VMC_SEG_DATA },
		{ 0x1000000, 0x1000, initrd, sizeof(initrd), VMC_SEG_DATA },
		{ 0x5000000, 0x1000, purg, sizeof(purg), VMC_SEG_PURGATORY },
		{ 0x2000000, 0x3000, hdr, sizeof(hdr), VMC_SEG_ELFCOREHDR },
		{ 0x4000000, 0x1000, NULL, 0, VMC_SEG_IMA },
	};
	struct memimg m = { seg, 5, NULL, 3 };
	struct vmc_digest_table t;
	vmc_error e;
	bool match;

	for (size_t i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)rng_next();
	for (size_t i = 0; i < sizeof(hdr); i++)
		hdr[i] = (uint8_t)rng_next();
	for (int l = VMC_LOADER_KEXEC_FILE; l <= VMC_LOADER_KEXEC_TOOLS; l++)
		for (int p = VMC_DIGEST_EXCLUDE; p <= VMC_DIGEST_RECOMPUTE; p++) {
			t_case("loader %d policy %d", l, p);
			OK(vmc_kexec_digest(seg, 5, l, p, &t, &e) == VMC_OK);
			CHECK_U64(t.nr, 2 + (p == VMC_DIGEST_RECOMPUTE) +
				     (l == VMC_LOADER_KEXEC_TOOLS));
			for (size_t i = 1; l == VMC_LOADER_KEXEC_TOOLS &&
			     i < t.nr; i++)
				OK(t.region[i - 1].start < t.region[i].start);
			OK(vmc_kexec_verify(&t, mem_read, &m, &match, &e) ==
			      VMC_OK && match);
			/* a digested byte changes: purgatory refuses */
			k[17] ^= 1;
			OK(vmc_kexec_verify(&t, mem_read, &m, &match, &e) ==
			      VMC_OK && !match);
			k[17] ^= 1;
			/* the elfcorehdr: only the recompute policy sees it */
			hdr[100] ^= 1;
			OK(vmc_kexec_verify(&t, mem_read, &m, &match, &e) ==
			      VMC_OK && match == (p == VMC_DIGEST_EXCLUDE));
			hdr[100] ^= 1;
			/* purgatory itself never counts */
			purg[0] ^= 1;
			OK(vmc_kexec_verify(&t, mem_read, &m, &match, &e) ==
			      VMC_OK && match);
			purg[0] ^= 1;
		}
	t_case("bad sets");
	seg[1].bufsz = 0x2000;
	OK(vmc_kexec_digest(seg, 5, 1, 1, &t, &e) == VMC_ERR_INVALID);
	seg[1].bufsz = sizeof(initrd);
	seg[1].mem = 0x3001000;
	OK(vmc_kexec_digest(seg, 5, 1, 1, &t, &e) == VMC_ERR_INVALID);
	seg[1].mem = 0x1000000;
	seg[4].role = VMC_SEG_PURGATORY;
	OK(vmc_kexec_digest(seg, 5, 1, 1, &t, &e) == VMC_ERR_INVALID);
	seg[4].role = VMC_SEG_IMA;
	{
		struct vmc_kexec_segment many[17];

		for (int i = 0; i < 17; i++)
			many[i] = (struct vmc_kexec_segment){ 0x1000ull * i,
							      0x1000, NULL, 0,
							      0 };
		OK(vmc_kexec_digest(many, 17, 1, 1, &t, &e) == VMC_ERR_INVALID);
		OK(vmc_kexec_digest(many, 16, 1, 1, &t, &e) == VMC_OK);
	}
	{
		struct vmc_kexec_segment s;

		t_case("segment syntax");
		OK(vmc_kexec_segment_parse("0x1000:4K:elfcorehdr", &s, &e) ==
		      VMC_OK && s.mem == 0x1000 && s.memsz == 4096 &&
		      s.role == VMC_SEG_ELFCOREHDR);
		OK(vmc_kexec_segment_parse("0x1000:4K", &s, &e) == VMC_OK &&
		      s.role == VMC_SEG_DATA);
		OK(vmc_kexec_segment_parse("0x1000", &s, &e) != VMC_OK);
		OK(vmc_kexec_segment_parse("0x1000:1:kernel", &s, &e) != VMC_OK);
		OK(vmc_kexec_segment_parse("1:2:data:4", &s, &e) != VMC_OK);
		OK(vmc_kexec_segment_parse("0xffffffffffffffff:2", &s, &e) ==
		      VMC_ERR_RANGE);
	}
}

/* ---- torn-free commit ---- */

/*
 * The crash image as purgatory and the crash kernel would find it: the
 * segments, the digest table in purgatory, and kexec_crash_image (valid).
 * check() is what a panic at this instant would see.
 */
struct image {
	struct vmc_kexec_segment seg[4];
	uint8_t hdr[TORN_CAP];		/* the elfcorehdr segment in memory */
	uint8_t regions[VMC_SHA_REGIONS * 16], digest[VMC_SHA256_LEN];
	bool valid;
	const uint8_t *old_seg, *new_seg;
	unsigned long states, bad;
	size_t fail_at;			/* store fails at this byte (0: never) */
	size_t stored;
};

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void check_state(struct image *im)
{
	struct memimg m = { im->seg, 4, im->hdr, 3 };
	struct vmc_digest_table t;
	vmc_error e;
	bool match = false;

	im->states++;
	if (!im->valid)
		return;			/* a panic now finds no crash image */
	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < VMC_SHA_REGIONS; i++) {
		t.region[i].start = le64(im->regions + 16 * i);
		t.region[i].len = le64(im->regions + 16 * i + 8);
	}
	memcpy(t.digest, im->digest, sizeof(t.digest));
	if (vmc_kexec_verify(&t, mem_read, &m, &match, &e) || !match ||
	    (memcmp(im->hdr, im->old_seg, TORN_CAP) != 0 &&
	     memcmp(im->hdr, im->new_seg, TORN_CAP) != 0))
		im->bad++;
}

static vmc_status im_invalidate(void *ctx, vmc_error *e)
{
	struct image *im = ctx;

	im->valid = false;
	check_state(im);
	return VMC_OK;
}

static vmc_status im_validate(void *ctx, vmc_error *e)
{
	struct image *im = ctx;

	im->valid = true;
	check_state(im);
	return VMC_OK;
}

/* The copy, one byte at a time, with a panic possible after each. */
static vmc_status im_store(void *ctx, enum vmc_hp_target t, uint64_t off,
			   const void *buf, size_t len, vmc_error *e)
{
	struct image *im = ctx;
	uint8_t *dst = t == VMC_HP_TARGET_ELFCOREHDR ? im->hdr :
		       t == VMC_HP_TARGET_DIGEST_REGIONS ? im->regions :
		       im->digest;

	for (size_t i = 0; i < len; i++) {
		if (im->fail_at && ++im->stored == im->fail_at)
			return vmc_error_set(e, VMC_ERR_IO, "crashed");
		dst[off + i] = ((const uint8_t *)buf)[i];
		check_state(im);
	}
	return VMC_OK;
}

static void torn(enum vmc_digest_policy policy, bool hooks, size_t fail_at,
		 unsigned long *bad, unsigned long *states, bool *valid_after)
{
	static uint8_t kernel[8192], initrd[3000], purg[512];
	static struct image im;
	struct vmc_build_opts o;
	struct vmc_hotplug_opts ho = VMC_HOTPLUG_OPTS_INIT;
	struct vmc_hp_commit_ops ops = { &im, im_invalidate, im_store,
					 im_validate };
	struct vmc_hp_event ev = mem_event(true, 5);
	struct vmc_digest_table t;
	vmc_system *s = make_system(NULL, 2);
	vmc_hotplug *hp;
	vmc_hp_update *u;
	vmc_error e;
	uint8_t *old = malloc(TORN_CAP), *nseg = malloc(TORN_CAP);
	const uint8_t *h;
	size_t len;

	for (size_t i = 0; i < sizeof(kernel); i++)
		kernel[i] = (uint8_t)(i * 7);
	memset(&im, 0, sizeof(im));
	im.seg[0] = (struct vmc_kexec_segment){ 0x30000000, 0x2000, kernel,
						sizeof(kernel), VMC_SEG_DATA };
	im.seg[1] = (struct vmc_kexec_segment){ 0x31000000, 0x1000, initrd,
						sizeof(initrd), VMC_SEG_DATA };
	im.seg[2] = (struct vmc_kexec_segment){ 0x32000000, 0x1000, purg,
						sizeof(purg), VMC_SEG_PURGATORY };
	im.seg[3] = (struct vmc_kexec_segment){ 0x2f000000, TORN_CAP, NULL, 0,
						VMC_SEG_ELFCOREHDR };
	build_opts(&o);
	ho.build = &o;
	ho.policy = policy;
	ho.capacity = TORN_CAP;
	if (!hooks) {
		ops.invalidate = NULL;
		ops.validate = NULL;
	}
	if (vmc_hotplug_new(&hp, s, &ho, &e) ||
	    vmc_hotplug_set_segments(hp, im.seg, 4, &e) ||
	    vmc_hotplug_digest(hp, &t, &e)) {
		printf("torn setup: %s\n", e.msg);
		exit(2);
	}
	/* the image as loaded */
	h = vmc_hotplug_segment(hp, &len);
	memcpy(im.hdr, h, TORN_CAP);
	memcpy(old, h, TORN_CAP);
	vmc_digest_table_encode(&t, im.regions, im.digest);
	im.valid = true;
	if (vmc_hotplug_prepare(&u, hp, &ev, &e)) {
		printf("torn prepare: %s\n", e.msg);
		exit(2);
	}
	/* what the segment will hold */
	memcpy(nseg, old, TORN_CAP);
	h = vmc_hp_update_header(u, &len);
	memcpy(nseg, h, len);
	if (policy == VMC_DIGEST_RECOMPUTE)
		memset(nseg + len, 0, TORN_CAP - len);
	im.old_seg = old;
	im.new_seg = nseg;
	im.fail_at = fail_at;
	check_state(&im);
	if (vmc_hotplug_commit(hp, u, &ops, &e) == VMC_OK) {
		OK(memcmp(vmc_hotplug_segment(hp, &len), nseg, TORN_CAP) == 0);
		OK(memcmp(im.hdr, nseg, TORN_CAP) == 0);
	} else {
		/* a crash mid-copy: our copy is still the old segment */
		OK(fail_at != 0);
		OK(memcmp(vmc_hotplug_segment(hp, &len), old, TORN_CAP) == 0);
	}
	*bad = im.bad;
	*states = im.states;
	*valid_after = im.valid;
	vmc_hotplug_free(hp);
	vmc_system_free(s);
	free(old);
	free(nseg);
}

static void test_torn(void)
{
	unsigned long bad, states;
	bool valid;

	for (int p = VMC_DIGEST_EXCLUDE; p <= VMC_DIGEST_RECOMPUTE; p++) {
		t_case("policy %s: crash after every byte",
		       vmc_digest_policy_name(p));
		torn(p, true, 0, &bad, &states, &valid);
		CHECK_U64(bad, 0);
		/* exclude: 4096 header bytes; recompute: the whole segment
		 * and the table */
		OK(states > (p == VMC_DIGEST_EXCLUDE ? 4096 : TORN_CAP));
		OK(valid);
		printf("  %s: %lu intermediate states, all invalid or whole\n",
		       vmc_digest_policy_name(p), states);
		/* The same copy without the hooks: the checker must see torn
		 * headers (and, for recompute, digests that do not match). */
		t_case("policy %s without hooks", vmc_digest_policy_name(p));
		torn(p, false, 0, &bad, &states, &valid);
		OK(bad > 0);
		/* A crash during the copy leaves the image invalid. */
		for (size_t at = 1; at < 4096; at += 997) {
			t_case("policy %s crash at byte %zu",
			       vmc_digest_policy_name(p), at);
			torn(p, true, at, &bad, &states, &valid);
			CHECK_U64(bad, 0);
			OK(!valid);
		}
	}
}

/* ---- header mode ---- */

static void test_from_header(void)
{
	struct vmc_hotplug_opts ho = VMC_HOTPLUG_OPTS_INIT;
	bool present[NR_SLOTS] = { false };
	vmc_hotplug *hp;
	vmc_error e;
	size_t flen, len;
	uint8_t *h0 = fresh(present, 3, &flen), *want;
	struct vmc_hp_event ev = mem_event(true, 9);

	t_case("header mode");
	ho.capacity = CAP;
	if (!OK(vmc_hotplug_new_from_header(&hp, h0, flen, &ho, &e) ==
		   VMC_OK)) {
		printf("  %s\n", e.msg);
		free(h0);
		return;
	}
	OK(vmc_hotplug_apply(hp, &ev, &e) == VMC_OK);
	present[9] = true;
	want = fresh(present, 3, &flen);
	OK(memcmp(vmc_hotplug_segment(hp, &len), want, flen) == 0);
	ev.action = VMC_HP_ADD_CPU;
	ev.cpu = 3;
	OK(vmc_hotplug_apply(hp, &ev, &e) == VMC_ERR_INVALID);
	vmc_hotplug_free(hp);
	ho.capacity = 0;
	OK(vmc_hotplug_new_from_header(&hp, h0, flen, &ho, &e) ==
	      VMC_ERR_INVALID);
	ho.capacity = CAP;
	h0[16] = 2;	/* ET_EXEC */
	OK(vmc_hotplug_new_from_header(&hp, h0, flen, &ho, &e) ==
	      VMC_ERR_CORRUPT);
	free(h0);
	free(want);
}

/* ---- uevents ---- */

static void test_uevent(void)
{
	static const char good[] = "online@/devices/system/memory/memory32\0"
		"ACTION=online\0DEVPATH=/devices/system/memory/memory32\0"
		"SUBSYSTEM=memory\0SEQNUM=1871\0";
	static const char text[] = "add@/devices/system/cpu/cpu3\n"
		"ACTION=add\nSUBSYSTEM=cpu\n";
	struct vmc_uevent u;
	enum vmc_hp_subsys w;
	vmc_error e;

	t_case("good");
	OK(vmc_uevent_parse(good, sizeof(good) - 1, &u, &e) == VMC_OK);
	OK(strcmp(u.action, "online") == 0 &&
	      strcmp(u.subsystem, "memory") == 0 && u.seqnum == 1871 &&
	      strcmp(u.devpath, "/devices/system/memory/memory32") == 0);
	OK(vmc_uevent_is_hotplug(&u, &w) && w == VMC_HP_SUBSYS_MEMORY);
	OK(vmc_uevent_parse(text, sizeof(text) - 1, &u, &e) == VMC_OK);
	OK(vmc_uevent_is_hotplug(&u, &w) && w == VMC_HP_SUBSYS_CPU);
	t_case("not hotplug");
	OK(vmc_uevent_parse("change@/x\0SUBSYSTEM=memory\0", 28, &u, &e) ==
	      VMC_OK && !vmc_uevent_is_hotplug(&u, &w));
	OK(vmc_uevent_parse("add@/x\0SUBSYSTEM=block\0", 23, &u, &e) ==
	      VMC_OK && !vmc_uevent_is_hotplug(&u, &w));
	t_case("bad");
	OK(vmc_uevent_parse("libudev\0\xfe\xed", 10, &u, &e) ==
	      VMC_ERR_UNSUPPORTED);
	OK(vmc_uevent_parse("add/x\0", 6, &u, &e) == VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("@/x\0", 4, &u, &e) == VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("add@\0", 5, &u, &e) == VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("add@/x\0ACTION=remove\0", 21, &u, &e) ==
	      VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("add@/x\0DEVPATH=/y\0", 18, &u, &e) ==
	      VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("add@/x\0NOEQUALS\0", 16, &u, &e) ==
	      VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("add@/x\0SEQNUM=12a\0", 18, &u, &e) ==
	      VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("\0\0\n", 3, &u, &e) == VMC_ERR_CORRUPT);
	OK(vmc_uevent_parse("averyveryverylongaction@/x", 26, &u, &e) ==
	      VMC_ERR_CORRUPT);
}

/* Random event times: bursts are the maximal runs with gaps < settle, as
 * the watch loop (fire when due, then add) splits them. */
static void test_coalesce(void)
{
	for (int round = 0; round < 200; round++) {
		struct vmc_coalesce c;
		uint64_t settle = 1 + rng_next() % 500, now = 0, last = 0, nr;
		unsigned long bursts = 0, want = 0, events = 0, taken = 0;
		unsigned sub;
		int n = 1 + (int)(rng_next() % 300);

		vmc_coalesce_init(&c, settle);
		OK(vmc_coalesce_wait(&c, 0) == UINT64_MAX);
		for (int i = 0; i < n; i++) {
			now += rng_next() % 3 ? rng_next() % settle
					    : settle + rng_next() % 1000;
			if (i == 0 || now - last >= settle)
				want++;
			last = now;
			if (vmc_coalesce_wait(&c, now) == 0) {
				vmc_coalesce_take(&c, &nr, &sub);
				bursts++;
				taken += nr;
			}
			vmc_coalesce_add(&c, now, rng_next() % 2 ?
					 VMC_HP_SUBSYS_CPU :
					 VMC_HP_SUBSYS_MEMORY);
			events++;
			OK(vmc_coalesce_wait(&c, now) == settle);
		}
		OK(vmc_coalesce_wait(&c, now + settle) == 0);
		vmc_coalesce_take(&c, &nr, &sub);
		bursts++;
		taken += nr;
		t_case("round %d", round);
		CHECK_U64(bursts, want);
		CHECK_U64(taken, events);
	}
}

int main(void)
{
	rng_seed("test_hotplug", 0x686f74706c7567ull);
	test_capacity();
	test_loaders();
	test_events();
	test_random_walk();
	test_overflow();
	test_kexec_load();
	test_digest();
	test_torn();
	test_from_header();
	test_uevent();
	test_coalesce();
	return t_finish();
}
