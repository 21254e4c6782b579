// SPDX-License-Identifier: MIT
/*
 * QEMU's HMP `info registers -a` text for x86_64 guests, as
 * target/i386/cpu-dump.c x86_cpu_dump_state prints it (QEMU 7.2):
 *
 *   CPU#0
 *   RAX=0000000000000003 RBX=ffff8e44822e5508 RCX=... RDX=...
 *   RSI=... RDI=... RBP=... RSP=...
 *   R8 =... R9 =... R10=... R11=...
 *   R12=... R13=... R14=... R15=...
 *   RIP=ffffffffc0497212 RFL=00000092 [--S-A--] CPL=0 II=0 A20=1 SMM=0 HLT=0
 *   ES =0000 0000000000000000 00000000 00000000
 *   CS =0010 0000000000000000 ffffffff 00af9b00 DPL=0 CS64 [-RA]
 *   ...                      (SS DS FS GS: selector, base, limit, flags)
 *   CR0=80050033 CR2=... CR3=0000000002356000 CR4=00750ef0
 *   ...                      (debug, FPU and vector registers: ignored)
 *
 * "info registers -a" walks every vCPU in CPU index order (monitor
 * hmp_info_registers with -a: CPU_FOREACH), each block headed "CPU#N".
 */
#include <string.h>

#include "vmcorekit/vcpu.h"
#include "base/compiler.h"
#include "base/numparse.h"
#include "guest/vcpu_priv.h"

/* "NAME=" tokens of the general-purpose lines -> pr_reg slot. */
static const struct {
	const char *name;
	int reg;
} gp_regs[] = {
	{ "RAX", VMC_X86_RAX }, { "RBX", VMC_X86_RBX },
	{ "RCX", VMC_X86_RCX }, { "RDX", VMC_X86_RDX },
	{ "RSI", VMC_X86_RSI }, { "RDI", VMC_X86_RDI },
	{ "RBP", VMC_X86_RBP }, { "RSP", VMC_X86_RSP },
	{ "R8", VMC_X86_R8 }, { "R9", VMC_X86_R9 },
	{ "R10", VMC_X86_R10 }, { "R11", VMC_X86_R11 },
	{ "R12", VMC_X86_R12 }, { "R13", VMC_X86_R13 },
	{ "R14", VMC_X86_R14 }, { "R15", VMC_X86_R15 },
	{ "RIP", VMC_X86_RIP }, { "RFL", VMC_X86_EFLAGS },
};

/* Segment lines: "CS =SEL BASE LIMIT FLAGS"; the selector goes to the
 * register, FS's and GS's base to fs_base/gs_base as the kernel's
 * user_regs_struct holds them. */
static const struct {
	const char *name;
	int sel, base;		/* base: -1 when not kept */
} seg_regs[] = {
	{ "ES", VMC_X86_ES, -1 }, { "CS", VMC_X86_CS, -1 },
	{ "SS", VMC_X86_SS, -1 }, { "DS", VMC_X86_DS, -1 },
	{ "FS", VMC_X86_FS, VMC_X86_FS_BASE },
	{ "GS", VMC_X86_GS, VMC_X86_GS_BASE },
};

/* Registers every block must have (the rest default to 0). */
#define REQUIRED_GP ARRAY_SIZE(gp_regs)
enum { SEEN_CS = 1, SEEN_SS = 2 };

struct block {
	struct vmc_vcpu cpu;
	uint32_t gp_seen;	/* bit i: gp_regs[i] */
	unsigned seg_seen;
	unsigned line;		/* of the CPU#N header, for messages */
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_name(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Hex digits at @p (at most 16, up to @end): the number and its length. */
static size_t hex_at(const char *p, const char *end, uint64_t *v)
{
	size_t n = 0;

	while (p + n < end && is_hex(p[n]))
		n++;
	if (n == 0 || n > 16 || !vmc__parse_u64_n(p, n, 16, v))
		return 0;
	return n;
}

static vmc_status set_gp(struct block *b, const char *name, size_t nlen,
			 uint64_t v, unsigned line, vmc_error *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(gp_regs); i++) {
		if (strlen(gp_regs[i].name) != nlen ||
		    memcmp(gp_regs[i].name, name, nlen) != 0)
			continue;
		if (b->gp_seen & (1u << i))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "CPU#%u line %u: %s given twice",
					     b->cpu.index, line, gp_regs[i].name);
		b->gp_seen |= 1u << i;
		b->cpu.regs[gp_regs[i].reg] = v;
		return VMC_OK;
	}
	if (nlen == 3 && memcmp(name, "CR3", 3) == 0) {
		b->cpu.cr3 = v;
		b->cpu.have_cr3 = true;
	} else if (nlen == 3 && memcmp(name, "HLT", 3) == 0) {
		b->cpu.halted = v != 0;
	}
	return VMC_OK;
}

/* A segment line "XS =SEL BASE LIMIT FLAGS ...". */
static vmc_status seg_line(struct block *b, size_t si, const char *p,
			   const char *end, unsigned line, vmc_error *e)
{
	uint64_t sel, base;
	size_t n;

	p += 4;		/* "CS =" */
	n = hex_at(p, end, &sel);
	if (!n || p + n >= end || p[n] != ' ')
		goto bad;
	p += n + 1;
	if (!hex_at(p, end, &base))
		goto bad;
	b->cpu.regs[seg_regs[si].sel] = sel;
	if (seg_regs[si].base >= 0)
		b->cpu.regs[seg_regs[si].base] = base;
	if (seg_regs[si].sel == VMC_X86_CS)
		b->seg_seen |= SEEN_CS;
	if (seg_regs[si].sel == VMC_X86_SS)
		b->seg_seen |= SEEN_SS;
	return VMC_OK;
bad:
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "CPU#%u line %u: bad %s segment line",
			     b->cpu.index, line, seg_regs[si].name);
}

/* A line of "NAME=HEX" tokens ("R8 =..." has a blank before '='). */
static vmc_status reg_line(struct block *b, const char *p, const char *end,
			   unsigned line, vmc_error *e)
{
	for (const char *q = p; q < end; q++) {
		const char *ne = q, *ns;
		uint64_t v;
		size_t n;

		if (*q != '=')
			continue;
		while (ne > p && ne[-1] == ' ')
			ne--;
		ns = ne;
		while (ns > p && is_name(ns[-1]))
			ns--;
		if (ns == ne)
			continue;
		n = hex_at(q + 1, end, &v);
		if (!n)
			continue;	/* "II=0" etc. are hex too; others skipped */
		if (set_gp(b, ns, (size_t)(ne - ns), v, line, e))
			return VMC_ERR_CORRUPT;
		q += n;
	}
	return VMC_OK;
}

static vmc_status finish_block(struct block *b, vmc_error *e)
{
	for (size_t i = 0; i < REQUIRED_GP; i++)
		if (!(b->gp_seen & (1u << i)))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "CPU#%u (line %u): no %s",
					     b->cpu.index, b->line,
					     gp_regs[i].name);
	if ((b->seg_seen & (SEEN_CS | SEEN_SS)) != (SEEN_CS | SEEN_SS))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "CPU#%u (line %u): no %s segment line",
				     b->cpu.index, b->line,
				     b->seg_seen & SEEN_CS ? "SS" : "CS");
	/* orig_rax stays 0, as in QEMU's own x86_64 NT_PRSTATUS
	 * (target/i386/arch_dump.c x86_64_write_elf64_note; checked byte for
	 * byte against a QEMU 7.2 dump of the same guest). */
	return VMC_OK;
}

/* "CPU#N" header (QEMU may append " (halted)" on some targets). */
static bool cpu_header(const char *p, const char *end, uint32_t *idx)
{
	uint64_t v;
	size_t n = 0;

	if (end - p < 5 || memcmp(p, "CPU#", 4) != 0)
		return false;
	p += 4;
	while (p + n < end && p[n] >= '0' && p[n] <= '9')
		n++;
	if (!n || n > 9 || !vmc__parse_u64_n(p, n, 10, &v))
		return false;
	*idx = (uint32_t)v;
	return true;
}

static vmc_status one_line(struct vmc_vcpus *l, struct block *b, bool *open,
			   const char *p, const char *end, unsigned line,
			   vmc_error *e)
{
	uint32_t idx;

	while (end > p && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (p == end)
		return VMC_OK;
	if (cpu_header(p, end, &idx)) {
		if (*open) {
			vmc_status st = finish_block(b, e);

			if (st || (st = vmc__vcpus_add(l, &b->cpu, e)))
				return st;
		}
		if (idx != l->nr)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "line %u: CPU#%u where CPU#%zu was "
					     "expected (a missing vCPU?)",
					     line, idx, l->nr);
		memset(b, 0, sizeof(*b));
		b->cpu.index = idx;
		b->line = line;
		*open = true;
		return VMC_OK;
	}
	if (end - p >= 4 && p[0] == 'E' && p[1] == 'A' && p[2] == 'X' &&
	    p[3] == '=')
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "line %u: 32-bit registers (EAX=): only "
				     "x86_64 guests are supported", line);
	if (!*open)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "line %u: registers before any CPU#N "
				     "line", line);
	for (size_t i = 0; i < ARRAY_SIZE(seg_regs); i++)
		if (end - p > 4 && memcmp(p, seg_regs[i].name, 2) == 0 &&
		    p[2] == ' ' && p[3] == '=')
			return seg_line(b, i, p, end, line, e);
	return reg_line(b, p, end, line, e);
}

VMC_EXPORT vmc_status vmc_vcpus_parse_qemu(vmc_vcpus **out, const char *text,
					   size_t len, vmc_error *e)
{
	struct vmc_vcpus *l;
	struct block b;
	bool open = false;
	unsigned line = 0;
	vmc_status st0, st = VMC_OK;
	const char *p = text, *end = text + len;

	*out = NULL;
	l = vmc__vcpus_new();
	if (!l)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memset(&b, 0, sizeof(b));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		line++;
		if (memchr(p, '\0', (size_t)(le - p))) {
			st = vmc_error_set(e, VMC_ERR_CORRUPT,
					   "line %u: a NUL byte (not register "
					   "text)", line);
			goto fail_st;
		}
		st = one_line(l, &b, &open, p, le, line, e);
		if (st)
			goto fail_st;
		p = nl ? nl + 1 : end;
	}
	if (!open) {
		st0 = vmc_error_set(e, VMC_ERR_CORRUPT, "no CPU#N block (not "
				    "`info registers -a` text)");
		goto fail;
	}
	st0 = finish_block(&b, e);
	if (!st0)
		st0 = vmc__vcpus_add(l, &b.cpu, e);
	if (st0)
		goto fail;
	*out = l;
	return VMC_OK;
fail_st:
	st0 = st;
fail:
	vmc_vcpus_free(l);
	return st0;
}
