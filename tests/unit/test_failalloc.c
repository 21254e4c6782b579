// SPDX-License-Identifier: MIT
/*
 * Allocation-failure injection (DESIGN.md section 9): a representative
 * workload -- iomem parse, system files, kexec-file and generic header
 * builds, elfcore write + parse + inspect (an elfcorehdr and a vmcore with
 * notes), range operations, a ranges file, diff, crash hotplug -- runs
 * with the Nth allocation failing, for N = 1, 2, 3, ... until a run
 * completes without reaching N.  Every failing run must return
 * VMC_ERR_NOMEM and free every
 * block it allocated (counted by failalloc.c; LeakSanitizer agrees in the
 * ASan build).  A second pass fails every allocation from the Nth on.
 * Each run is a child process, so a crash is reported with its N and the
 * workload stage it hit, and the passes go on.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "failalloc.h"
#include "vmcorekit/vmcorekit.h"

#define RWX (VMC_PF_R | VMC_PF_W | VMC_PF_X)

static const char iomem_text[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"00100000-bffd6fff : System RAM\n"
	"  29000000-29ffffff : Kernel code\n"
	"  af000000-beffffff : Crash kernel\n"
	"bffd7000-bfffffff : Reserved\n"
	"c0000000-febfffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : System RAM (virtio_mem)\n"
	"100000000-17fffffff : System RAM\n"
	"  170000000-177ffffff : Crash kernel\n";

static const char kallsyms_text[] =
	"ffffffff81000000 T _text\n"
	"ffffffff81001000 T _stext\n"
	"ffffffff82a00000 B _end\n";

static const char ranges_text[] =
	"# extra exclusions\n"
	"0x20000000-0x20ffffff\n"
	"0x17f000000+16M\n";

static uint8_t kcore[65536];

static void make_kcore(void)
{
	static const struct vmc_phdr ph[] = {
		{ .type = VMC_PT_NOTE, .offset = 0x1000, .filesz = 0x200 },
		{ .type = VMC_PT_LOAD, .flags = RWX,
		  .vaddr = 0xffffffff81000000ull, .paddr = 0x29000000,
		  .filesz = 0x2000000, .memsz = 0x2000000 },
		{ .type = VMC_PT_LOAD, .flags = RWX,
		  .vaddr = 0xffff888000100000ull, .paddr = 0x100000,
		  .filesz = 0xbfed7000, .memsz = 0xbfed7000 },
	};
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	vmc_error e;
	size_t used;

	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	s.phdrs = ph;
	s.nr_phdrs = 3;
	if (vmc_elfcore_write(&s, kcore, sizeof(kcore), &used, &e)) {
		printf("kcore: %s\n", e.msg);
		exit(2);
	}
}

/* What a child run reports through shared memory. */
struct shared {
	volatile int done;
	char stage[64];
	vmc_status st;
	vmc_error e;
	bool fired;
	long leaked;
	unsigned long calls;
	char result[256];
};

static struct shared *sh;

static void stage(const char *what)
{
	if (sh)
		snprintf(sh->stage, sizeof(sh->stage), "%s", what);
}

struct result {
	size_t iomem_n, ram_n, crash_n, hdr_phdrs, hdr_slots, gen_phdrs;
	size_t parsed_phdrs, lints, vmcore_lints, diffs, ranges_n, warnings;
	size_t hp_hdr, hp_from_hdr, hp_regions;
	size_t devdumps;
	uint64_t total, ram_bytes;
	size_t zfcp_len;
	uint64_t zfcp_size;
	size_t fadump_size, fadump_cpus;
};

_Static_assert(sizeof(struct result) <= sizeof(((struct shared *)0)->result),
	       "struct result fits the shared block");

/* Write @spec to a new buffer (test-owned) and parse it. */
static vmc_status write_parse(const struct vmc_elfcore_spec *spec,
			      size_t extra, uint8_t **buf, vmc_source **src,
			      vmc_elfcore **c, vmc_error *e)
{
	size_t size, used;
	vmc_status st = vmc_elfcore_size(spec, &size, e);

	if (st)
		return st;
	*buf = calloc(1, size + extra);
	st = vmc_elfcore_write(spec, *buf, size, &used, e);
	if (!st)
		st = vmc_source_new_buffer(src, *buf, size + extra, e);
	if (!st)
		st = vmc_elfcore_parse(c, *src, e);
	return st;
}

/* A vmcore: header, a note segment, one PT_LOAD's data. */
static vmc_status vmcore(struct result *res, vmc_error *e)
{
	struct vmc_elfcore_spec s = VMC_ELFCORE_SPEC_INIT;
	struct vmc_phdr ph[3];
	uint8_t notes[256], desc[336] = { 0 }, *buf = NULL;
	size_t nlen = 0, hsize = 4096;
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	vmc_report *r = NULL;
	vmc_status st;

	vmc_note_append(notes, sizeof(notes), &nlen, VMC_LE, "CORE",
			VMC_NT_PRSTATUS, desc, 200, NULL);
	s.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	s.phdrs = ph;
	s.nr_phdrs = 3;
	s.align = 4096;
	memset(ph, 0, sizeof(ph));
	ph[0] = (struct vmc_phdr){ .type = VMC_PT_NOTE, .offset = hsize,
				   .filesz = nlen + 8 };	/* dropped tail */
	ph[1] = (struct vmc_phdr){ .type = VMC_PT_NOTE, .offset = hsize + nlen,
				   .filesz = 0 };
	ph[2] = (struct vmc_phdr){ .type = VMC_PT_LOAD, .flags = RWX,
				   .offset = 2 * hsize, .paddr = 0x1000,
				   .vaddr = 0xffff888000001000ull,
				   .filesz = 4096, .memsz = 8192 };
	st = write_parse(&s, 2 * hsize, &buf, &src, &c, e);
	if (!st) {
		memcpy(buf + hsize, notes, nlen);
		memset(buf + hsize + nlen, 0xff, 8);
		st = vmc_inspect(&r, c, 4096, e);
	}
	if (!st)
		res->vmcore_lints = vmc_warnings_count(vmc_report_lints(r));
	vmc_report_free(r);
	vmc_elfcore_free(c);
	vmc_source_close(src);
	free(buf);
	return st;
}

/*
 * s390 zfcpdump: memory with the HSA overlaid, the boot CPU's save area
 * and the VMCOREINFO note in the HSA's lowcore, the header built in new
 * memory, the dump opened on it and read across the HSA edge.
 */
static vmc_status zfcpdump(struct result *res, vmc_error *e)
{
	static uint8_t mem[0x20000], hsa[0x8000], got[64];
	static const char info[] = "OSRELEASE=6.12\n";
	const struct vmc_range r = { 0, sizeof(mem) };
	struct vmc_zfcpdump_opts o = VMC_ZFCPDUMP_OPTS_INIT;
	struct vmc_dump_opts dopts = VMC_DUMP_OPTS_INIT;
	struct vmc_zfcpdump_oldmem om = { 0 };
	struct vmc_s390_save_area sa;
	vmc_physmem *pm = NULL;
	vmc_source *ms = NULL, *hs = NULL;
	vmc_hdr_source *hsrc = NULL;
	vmc_dump *d = NULL;
	uint8_t *h = NULL;
	vmc_status st;

	vmc_put32(VMC_BE, hsa + 0x1200 + 0x118, 0x2000);	/* prefix */
	vmc_put64(VMC_BE, hsa + 0xe0c, 0x3000);
	vmc_put32(VMC_BE, hsa + 0x3000, 11);
	vmc_put32(VMC_BE, hsa + 0x3004, sizeof(info) - 1);
	memcpy(hsa + 0x300c, "VMCOREINFO", 10);
	memcpy(hsa + 0x3018, info, sizeof(info) - 1);
	st = vmc_s390_sa_decode(&sa, hsa + 0x1200, 512, e);
	if (!st)
		st = vmc_physmem_new(&pm, e);
	if (!st)
		st = vmc_source_new_buffer(&ms, mem, sizeof(mem), e);
	if (!st)
		st = vmc_physmem_own(pm, ms, e);
	if (!st)
		st = vmc_physmem_map(pm, 0, sizeof(mem), ms, 0, e);
	if (!st)
		st = vmc_source_new_buffer(&hs, hsa, sizeof(hsa), e);
	if (!st)
		st = vmc_physmem_own(pm, hs, e);
	if (!st)
		st = vmc_physmem_overlay(pm, 0, sizeof(hsa), hs, 0, e);
	if (!st)
		st = vmc_zfcpdump_read_oldmem(&om, pm, e);
	o.cpus = &sa;
	o.nr_cpus = 1;
	o.ranges = &r;
	o.nr_ranges = 1;
	if (!st)
		st = vmc_zfcpdump_build_size(&o, &om, &res->zfcp_len, e);
	if (!st && !(h = malloc(res->zfcp_len)))
		st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	if (!st)
		st = vmc_zfcpdump_build(&o, &om, h, res->zfcp_len, NULL, e);
	if (!st)
		st = vmc_hdr_source_new_buffer(&hsrc, h, res->zfcp_len,
					       VMC_NOTES_IN_BUFFER, pm, e);
	if (!st)
		st = vmc_dump_open(&d, hsrc, pm, &dopts, e);
	if (!st) {
		res->zfcp_size = vmc_dump_size(d);
		st = vmc_dump_read_at(d, res->zfcp_size - sizeof(mem) +
				      sizeof(hsa) - 32, got, sizeof(got), e);
	}
	vmc_dump_free(d);
	vmc_hdr_source_close(hsrc);
	free(h);	/* the caller's buffer (two passes) */
	vmc_zfcpdump_oldmem_free(&om);
	vmc_physmem_free(pm);
	return st;
}

/*
 * Crash hotplug: a segment from the system, events prepared and committed
 * (memory add/remove edit iomem, a CPU no-op), the recompute policy with a
 * segment set and its digests, the segment replaced by header bytes, and
 * the model taken from a header alone.
 */
static vmc_status hotplug(struct result *res, const vmc_system *s,
			  const struct vmc_build_opts *o, vmc_error *e)
{
	static const uint8_t kernel[3000];
	struct vmc_hotplug_opts ho = VMC_HOTPLUG_OPTS_INIT;
	struct vmc_kexec_segment seg[] = {
		{ 0xaf000000, 0x1000, kernel, sizeof(kernel), VMC_SEG_DATA },
		{ 0xaf100000, 0x1000, NULL, 0, VMC_SEG_PURGATORY },
		{ 0xaf200000, 0x10000, NULL, 0, VMC_SEG_ELFCOREHDR },
	};
	struct vmc_hp_event ev[] = {
		{ .action = VMC_HP_ADD_MEMORY, .start = 0x200000000ull,
		  .end = 0x210000000ull },
		{ .action = VMC_HP_ADD_CPU, .cpu = 1 },
		{ .action = VMC_HP_REMOVE_MEMORY, .start = 0x200000000ull,
		  .end = 0x208000000ull },
		{ .action = VMC_HP_ADD_MEMORY, .start = 0x300000000ull,
		  .end = 0x308000000ull },
	};
	struct vmc_digest_table t;
	vmc_hotplug *hp = NULL, *hh = NULL;
	vmc_hp_update *u = NULL;
	const uint8_t *bytes;
	size_t len;
	vmc_status st;

	ho.build = o;
	ho.capacity = 0x10000;
	ho.policy = VMC_DIGEST_RECOMPUTE;
	stage("hotplug new");
	st = vmc_hotplug_new(&hp, s, &ho, e);
	if (!st)
		st = vmc_hotplug_set_segments(hp, seg, 3, e);
	for (size_t i = 0; !st && i < 3; i++) {
		stage("hotplug prepare");
		st = vmc_hotplug_prepare(&u, hp, &ev[i], e);
		stage("hotplug commit");
		if (!st)
			st = vmc_hotplug_commit(hp, u, NULL, e);
	}
	if (!st)
		st = vmc_hotplug_digest(hp, &t, e);
	if (!st) {
		res->hp_hdr = vmc_hotplug_header_size(hp);
		res->hp_regions = t.nr;
		bytes = vmc_hotplug_segment(hp, &len);
		stage("hotplug from header");
		ho.build = NULL;
		ho.policy = VMC_DIGEST_EXCLUDE;
		st = vmc_hotplug_new_from_header(&hh, bytes, res->hp_hdr, &ho, e);
	}
	if (!st)
		st = vmc_hotplug_apply(hh, &ev[3], e);
	if (!st) {
		res->hp_from_hdr = vmc_hotplug_header_size(hh);
		stage("hotplug set segment");
		st = vmc_hotplug_set_segment(hp, bytes, res->hp_hdr, e);
	}
	vmc_hotplug_free(hh);
	vmc_hotplug_free(hp);
	return st;
}

static vmc_status fill_dd(const struct vmc_devdump_desc *dd, void *buf,
			  size_t len, vmc_error *e)
{
	(void)e;
	memset(buf, dd->name[0], len);
	return VMC_OK;
}

/* Device dumps: added to an existing vmcore, listed from the result. */
static vmc_status devdumps(struct result *res, vmc_error *e)
{
	struct vmc_dump_opts o = VMC_DUMP_OPTS_INIT;
	struct vmc_devdump_desc dd = VMC_DEVDUMP_DESC_INIT;
	uint8_t notes[256], *core, *out = NULL;
	size_t n = 0, len = 3 * 4096;
	vmc_source *src = NULL, *osrc = NULL;
	vmc_devdump_list *l = NULL;
	vmc_dump *d = NULL;
	struct vmc_ehdr eh = { .id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
			       .type = VMC_ET_CORE, .version = 1, .phoff = 64,
			       .ehsize = 64, .phentsize = 56, .phnum = 2 };
	struct vmc_phdr ph[2] = {
		{ VMC_PT_NOTE, 0, 4096, 0, 0, 0, 0, 4 },
		{ VMC_PT_LOAD, 7, 8192, 0, 0x1000, 4096, 4096, 0 },
	};
	vmc_status st;

	vmc_note_append(notes, sizeof(notes), &n, VMC_LE, "VMCOREINFO", 0,
			"PAGESIZE=4096\n", 14, NULL);
	ph[0].filesz = ph[0].memsz = n;
	core = calloc(1, len);
	vmc_elf_encode_ehdr(&eh, core, 64, NULL);
	vmc_elf_encode_phdr(&eh.id, &ph[0], core + 64, 56, NULL);
	vmc_elf_encode_phdr(&eh.id, &ph[1], core + 120, 56, NULL);
	memcpy(core + 4096, notes, n);
	dd.size = 100;
	dd.collect = fill_dd;
	st = vmc_source_new_buffer(&src, core, len, e);
	if (!st)
		st = vmc_dump_open_vmcore(&d, src, &o, e);
	for (int i = 0; !st && i < 3; i++) {
		snprintf(dd.name, sizeof(dd.name), "dev%d", i);
		st = vmc_dump_add_device_dump(d, &dd, e);
	}
	if (!st) {
		out = malloc(vmc_dump_size(d));
		st = vmc_dump_read_at(d, 0, out, vmc_dump_size(d), e);
	}
	if (!st)
		st = vmc_source_new_buffer(&osrc, out, vmc_dump_size(d), e);
	if (!st)
		st = vmc_devdump_list_open(&l, osrc, e);
	if (!st)
		res->devdumps = vmc_devdump_list_count(l);
	vmc_devdump_list_free(l);
	vmc_source_close(osrc);
	vmc_dump_free(d);
	vmc_source_close(src);
	free(out);
	free(core);
	return st;
}

/* fadump: the register save area parser, a capture-kernel header build
 * over a ranges set, and its header source. */
static vmc_status fadump(struct result *res, vmc_error *e)
{
	static const char *const ids[] = { "CPUSTRT", "GPR1", "NIA", "CPUEND" };
	uint8_t sa[16 + 4 + 2 * 4 * 16] = { 0 }, hdr[680] = { 0 }, *out = NULL;
	struct vmc_fadump_capture cap = VMC_FADUMP_CAPTURE_INIT;
	struct vmc_fadump_build_opts o = VMC_FADUMP_BUILD_OPTS_INIT;
	struct vmc_fadump_boot_mem boot = { .start = 0, .size = 0x10000000 };
	struct vmc_fadump_check chk = { 0 };
	vmc_fadump_cpu_state *cs = NULL;
	vmc_ranges *mem = NULL;
	vmc_hdr_source *hs = NULL;
	size_t size = 0, p = 20;
	vmc_status st;

	memcpy(sa, "REGSAVE", 7);
	vmc_put32(VMC_BE, sa + 12, 16);
	vmc_put32(VMC_BE, sa + 16, 2);
	for (int cpu = 0; cpu < 2; cpu++)
		for (int i = 0; i < 4; i++, p += 16) {
			memcpy(sa + p, ids[i], strlen(ids[i]));
			vmc_put64(VMC_BE, sa + p + 8, (uint64_t)cpu);
		}
	vmc_put64(VMC_LE, hdr, VMC_FADUMP_MAGIC);
	vmc_put32(VMC_LE, hdr + 8, 1);
	vmc_put32(VMC_LE, hdr + 32, 384);
	vmc_put32(VMC_LE, hdr + 36, 256);
	vmc_put64(VMC_LE, hdr + 424, 3);
	st = vmc_fadump_check(hdr, sizeof(hdr), &cap, &chk, e);
	if (!st)
		st = vmc_fadump_cpu_state_parse(&cs, sa, sizeof(sa), e);
	if (!st)
		st = vmc_ranges_new(&mem, e);
	if (!st)
		st = vmc_ranges_add(mem, 0, 0x80000000, e);
	o.hdr = &chk.hdr;
	o.boot_mem = &boot;
	o.nr_boot_mem = 1;
	o.boot_mem_dest = 0x30010000;
	o.reserved_start = 0x30000000;
	o.reserved_size = 0x12000000;
	o.memory = mem;
	o.cpu_state = cs;
	if (!st)
		st = vmc_fadump_build_size(&o, &size, e);
	if (!st)
		out = calloc(1, size);
	if (!st)
		st = vmc_fadump_build(&o, out, size, NULL, e);
	if (!st)
		st = vmc_hdr_source_new_buffer(&hs, out, size,
					       VMC_NOTES_BY_PLACE, NULL, e);
	if (!st) {
		res->fadump_size = size;
		res->fadump_cpus = vmc_fadump_cpu_state_count(cs);
	}
	vmc_hdr_source_close(hs);
	free(out);
	vmc_ranges_free(mem);
	vmc_fadump_cpu_state_free(cs);
	vmc_warnings_free(chk.warnings);
	return st;
}

static vmc_status workload(struct result *res, vmc_error *e)
{
	struct vmc_build_opts o = VMC_BUILD_OPTS_INIT;
	struct vmc_build_opts og = VMC_BUILD_OPTS_INIT;
	vmc_iomem *m = NULL;
	vmc_system *s = NULL;
	vmc_header *h = NULL, *g = NULL;
	vmc_ranges *ram = NULL, *crash = NULL, *cp = NULL, *x = NULL;
	uint8_t *b1 = NULL, *b2 = NULL;
	vmc_source *s1 = NULL, *s2 = NULL;
	vmc_elfcore *c1 = NULL, *c2 = NULL;
	vmc_report *rep = NULL;
	vmc_diff *d = NULL;
	vmc_status st;

	memset(res, 0, sizeof(*res));
	vmc_error_clear(e);

	/* iomem and ranges */
	stage("iomem and ranges");
	st = vmc_iomem_parse(&m, iomem_text, sizeof(iomem_text) - 1, e);
	if (!st) {
		res->iomem_n = vmc_iomem_count(m);
		st = vmc_ranges_new(&ram, e);
	}
	if (!st)
		st = vmc_iomem_system_ram(m, ram, e);
	if (!st)
		st = vmc_ranges_new(&crash, e);
	if (!st)
		st = vmc_iomem_find(m, "Crash kernel", crash, e);
	if (!st) {
		res->ram_n = vmc_ranges_count(ram);
		res->crash_n = vmc_ranges_count(crash);
		st = vmc_ranges_copy(&cp, ram, e);
	}
	if (!st)
		st = vmc_ranges_set_capacity(cp, vmc_ranges_count(cp) + 4, e);
	for (size_t i = 0; !st && i < vmc_ranges_count(crash); i++)
		st = vmc_ranges_exclude(cp, vmc_ranges_data(crash)[i].start,
					vmc_ranges_data(crash)[i].end, e);
	if (!st)
		st = vmc_ranges_new(&x, e);
	if (!st)
		st = vmc_parse_ranges_text(ranges_text, sizeof(ranges_text) - 1,
					   x, e);
	if (!st)
		st = vmc_ranges_exclude_set(cp, x, e);
	if (!st)
		st = vmc_ranges_intersect(cp, ram, e);
	if (!st) {
		vmc_ranges_merge(cp);
		res->ranges_n = vmc_ranges_count(cp);
		res->total = vmc_ranges_total(cp);
	}

	/* the system and two headers */
	stage("system files");
	if (!st)
		st = vmc_system_new(&s, e);
#define FEED(path, data, len) \
	if (!st) \
		st = vmc_system_set_file(s, path, data, len, e)
#define FEEDS(path, str) FEED(path, str, strlen(str))
	FEEDS("proc/iomem", iomem_text);
	FEEDS("sys/devices/system/cpu/possible", "0-2\n");
	FEEDS("sys/devices/system/cpu/cpu0/crash_notes", "3ee3d800\n");
	FEEDS("sys/devices/system/cpu/cpu0/crash_notes_size", "368\n");
	FEEDS("sys/devices/system/cpu/cpu1/crash_notes", "3ee7d800\n");
	FEEDS("sys/devices/system/cpu/cpu1/crash_notes_size", "368\n");
	FEEDS("sys/kernel/vmcoreinfo", "0x0000000100c66000 1024\n");
	FEEDS("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1\n");
	FEED("proc/kcore", kcore, sizeof(kcore));
	FEEDS("proc/kallsyms", kallsyms_text);
	o.exclude = x;
	o.allow_missing = true;		/* cpu2's notes: a warning */
	stage("kexec-file header");
	if (!st)
		st = vmc_header_build(&h, s, &o, e);
	if (!st) {
		res->hdr_phdrs = vmc_header_spec(h)->nr_phdrs;
		res->hdr_slots = vmc_header_spec(h)->nr_slots;
		res->warnings = vmc_warnings_count(vmc_header_warnings(h));
		og.profile = VMC_LOADER_GENERIC;
		og.exclude = crash;
		stage("generic header");
		st = vmc_header_build(&g, s, &og, e);
	}
	if (!st)
		res->gen_phdrs = vmc_header_spec(g)->nr_phdrs;

	/* write, parse, inspect, diff */
	stage("write, parse, inspect");
	if (!st)
		st = write_parse(vmc_header_spec(h), 0, &b1, &s1, &c1, e);
	if (!st)
		st = vmc_inspect(&rep, c1, 0, e);
	if (!st) {
		res->parsed_phdrs = vmc_elfcore_nr_phdrs(c1);
		res->lints = vmc_warnings_count(vmc_report_lints(rep));
		res->ram_bytes = vmc_report_summary(rep)->ram_bytes;
		st = write_parse(vmc_header_spec(g), 0, &b2, &s2, &c2, e);
	}
	stage("diff");
	if (!st)
		st = vmc_diff_new(&d, c1, c2, e);
	if (!st) {
		res->diffs = vmc_diff_count(d);
		stage("vmcore inspect");
		st = vmcore(res, e);
	}
	if (!st) {
		stage("zfcpdump");
		st = zfcpdump(res, e);
	}
	if (!st)
		st = hotplug(res, s, &o, e);
	if (!st) {
		stage("device dumps");
		st = devdumps(res, e);
	}
	if (!st) {
		stage("fadump");
		st = fadump(res, e);
	}
	stage("cleanup");

	vmc_diff_free(d);
	vmc_report_free(rep);
	vmc_elfcore_free(c1);
	vmc_elfcore_free(c2);
	vmc_source_close(s1);
	vmc_source_close(s2);
	free(b1);
	free(b2);
	vmc_header_free(h);
	vmc_header_free(g);
	vmc_system_free(s);
	vmc_ranges_free(ram);
	vmc_ranges_free(crash);
	vmc_ranges_free(cp);
	vmc_ranges_free(x);
	vmc_iomem_free(m);
	return st;
}

/*
 * Crashes reported as library bugs, by the workload stage they happen in
 * (a crash in any other stage is a plain failure):
 *
 *  profile-kfile-ram   src/loader/kexec_file.c kfile_ram(): vmc_ranges_count(crash)
 *                      runs while crash is still NULL when the low-1 MiB
 *                      exclusion or vmc_ranges_new(&crash) failed (NULL
 *                      dereference); and system_ram() below.
 *  profile-system-ram  src/loader/kexec_file.c system_ram(): when
 *                      vmc_ranges_new(out) fails it still calls
 *                      vmc_ranges_free(*out) -- the caller's uninitialised
 *                      `vmc_ranges *ram` (profile_generic, profile_kexec_file).
 *  lint-ram-ranges     src/inspect/lint.c vmc__ram_ranges(): the same on
 *                      vmc_ranges_new failure (summarize()'s `ram` is
 *                      uninitialised), and on a vmc_ranges_add failure it
 *                      frees *out but leaves it set, so diff_ram() frees
 *                      x / y a second time.
 */
/* Run the workload in a child with allocation @n failing. */
static void run_child(unsigned long n, bool sticky)
{
	struct result r;
	vmc_error e;
	long live0 = failalloc_live();
	vmc_status st;

	failalloc_arm(n, sticky);
	st = workload(&r, &e);
	sh->fired = failalloc_fired();
	sh->calls = failalloc_calls();
	failalloc_arm(0, false);
	sh->leaked = failalloc_live() - live0;
	sh->st = st;
	sh->e = e;
	memcpy(sh->result, &r, sizeof(r));
	sh->done = 1;
	exit(0);	/* not _exit: LeakSanitizer runs in the child */
}

static void run_pass(bool sticky, const struct result *ref,
		     unsigned long ref_calls)
{
	unsigned long n, failing = 0, crashed = 0;
	bool ended = false;

	for (n = 1; n <= ref_calls + 1; n++) {
		int ws = 0;
		pid_t pid;

		memset(sh, 0, sizeof(*sh));
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			run_child(n, sticky);
		if (!CHECK(pid > 0, "fork"))
			return;
		waitpid(pid, &ws, 0);
		t_case("%s failure at allocation %lu (stage: %s)",
		       sticky ? "sticky" : "single", n, sh->stage);
		if (!sh->done) {
			crashed++;
			failing++;
			CHECK(false, "the run crashed (wait status 0x%x)", ws);
			continue;
		}
		CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
		      "child wait status 0x%x (LeakSanitizer report?)", ws);
		if (!sh->fired) {
			CHECK_ST(sh->st, VMC_OK, &sh->e);
			CHECK(memcmp(sh->result, ref, sizeof(*ref)) == 0,
			      "a run without failures matches the reference");
			CHECK(sh->leaked == 0, "%ld blocks leaked", sh->leaked);
			ended = true;
			break;
		}
		failing++;
		CHECK(sh->st == VMC_ERR_NOMEM && sh->e.status == VMC_ERR_NOMEM &&
		      sh->e.msg[0], "status %s, error status %s, message '%s'",
		      vmc_status_name(sh->st), vmc_status_name(sh->e.status),
		      sh->e.msg);
		CHECK(sh->leaked == 0, "%ld blocks leaked", sh->leaked);
	}
	t_case("%s", "");
	printf("%s pass: %lu runs with a failed allocation (%lu crashed); the "
	       "workload makes %lu allocations\n", sticky ? "sticky" : "single",
	       failing, crashed, ref_calls);
	CHECK(ended, "the %s pass ended with a clean run",
	      sticky ? "sticky" : "single");
	CHECK(failing == ref_calls, "every allocation was failed once "
	      "(%lu of %lu)", failing, ref_calls);
}

int main(void)
{
	struct result ref;
	vmc_error e;
	vmc_status st;
	unsigned long calls;

	rng_seed("test_failalloc", 1);
	make_kcore();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("mmap: cannot share results with the child runs\n");
		return 2;
	}
	failalloc_arm(0, false);
	st = workload(&ref, &e);
	calls = failalloc_calls();
	CHECK_ST(st, VMC_OK, &e);
	CHECK(calls > 50, "the workload allocates (%lu calls)", calls);
	CHECK_U64(failalloc_live(), 0);
	CHECK(ref.hdr_phdrs > 4 && ref.gen_phdrs > 4 && ref.parsed_phdrs ==
	      ref.hdr_phdrs && ref.diffs > 0 && ref.warnings > 0 &&
	      ref.vmcore_lints > 0 && ref.zfcp_size > 0 && ref.hp_hdr > 0 &&
	      ref.hp_from_hdr > 0 && ref.hp_regions == 2 &&
	      ref.fadump_cpus == 2,
	      "the workload reaches every stage "
	      "(hdr %zu gen %zu parsed %zu diffs %zu warnings %zu vmcore lints "
	      "%zu)", ref.hdr_phdrs, ref.gen_phdrs, ref.parsed_phdrs, ref.diffs,
	      ref.warnings, ref.vmcore_lints);
	if (st)
		return t_finish();
	if (getenv("FAILALLOC_ONLY")) {
		/* Debugging: one run in this process, allocation N failing. */
		failalloc_arm(strtoul(getenv("FAILALLOC_ONLY"), NULL, 0), false);
		st = workload(&ref, &e);
		printf("FAILALLOC_ONLY: %s (%s) at stage %s\n",
		       vmc_status_name(st), e.msg, sh->stage);
		return t_finish();
	}
	run_pass(false, &ref, calls);
	run_pass(true, &ref, calls);
	munmap(sh, sizeof(*sh));
	return t_finish();
}
