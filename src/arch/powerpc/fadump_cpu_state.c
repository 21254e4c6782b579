// SPDX-License-Identifier: MIT
/*
 * The firmware's register save area ("CPU state data"), as
 * arch/powerpc/platforms/pseries/rtas-fadump.c rtas_fadump_build_cpu_notes
 * reads it (struct rtas_fadump_reg_save_area_header and
 * rtas_fadump_reg_entry in rtas-fadump.h).  Always big-endian:
 *
 *    0  be64 magic_number       "REGSAVE"
 *    8  be32 version
 *   12  be32 num_cpu_offset     where NumCpus is, from the start
 *   num_cpu_offset      be32 NumCpus
 *   num_cpu_offset + 4  entries of 16 bytes: be64 reg_id, be64 reg_value
 *
 *   per CPU:  CPUSTRT (value: logical CPU id in the low 32 bits)
 *             register entries ("GPR0".."GPR31", "NIA", "MSR", "CTR",
 *             "LR", "XER", "CR", "DAR", "DSISR"; others ignored)
 *             CPUEND
 *
 * IDs are ASCII packed into a u64, left aligned and NUL padded
 * (fadump_str_to_u64).  The kernel trusts every count and offset; here
 * each is checked against the buffer.
 */
#include <string.h>

#include "vmcorekit/fadump.h"
#include "base/compiler.h"

#define ID_REGSAVE	0x5245475341564500ull	/* "REGSAVE" */
#define ID_CPUSTRT	0x4350555354525400ull	/* "CPUSTRT" */
#define ID_CPUEND	0x435055454e440000ull	/* "CPUEND" */
#define ID_GPR		0x4750520000000000ull	/* "GPR" */
#define GPR_MASK	0xffffff0000000000ull	/* RTAS_FADUMP_GPR_MASK */
#define ENTRY_SIZE	16u
#define HEADER_SIZE	16u

/* struct pt_regs indices (arch/powerpc/include/uapi/asm/ptrace.h). */
enum { R_NIP = 32, R_MSR, R_ORIG_GPR3, R_CTR, R_LINK, R_XER, R_CCR,
       R_SOFTE, R_TRAP, R_DAR, R_DSISR };

struct vmc_fadump_cpu_state {
	uint32_t version;
	size_t nr_cpus;
	struct vmc_fadump_cpu_regs *cpus;
};

/*
 * rtas_fadump_gpr_index: the two bytes after "GPR" go through
 * kstrtoint(str, 10): an optional sign, decimal digits, an optional
 * trailing newline.  "-N" is negative and no register, except "-0", which
 * is 0 and so GPR0; above 31 is none.
 */
static int gpr_index(uint64_t id)
{
	char s[3] = { (char)(id >> 32), (char)(id >> 24), 0 };
	const char *p = s;
	int v = 0, digits = 0;
	bool neg = false;

	if ((id & GPR_MASK) != ID_GPR)
		return -1;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		v = v * 10 + (*p - '0');
	if (*p == '\n')
		p++;
	if (!digits || *p || (neg && v != 0))
		return -1;
	return v > 31 ? -1 : v;
}

static int reg_slot(uint64_t id)
{
	static const struct { uint64_t id; int slot; } spr[] = {
		{ 0x4e49410000000000ull, R_NIP },	/* "NIA" */
		{ 0x4d53520000000000ull, R_MSR },	/* "MSR" */
		{ 0x4354520000000000ull, R_CTR },	/* "CTR" */
		{ 0x4c52000000000000ull, R_LINK },	/* "LR" */
		{ 0x5845520000000000ull, R_XER },	/* "XER" */
		{ 0x4352000000000000ull, R_CCR },	/* "CR" */
		{ 0x4441520000000000ull, R_DAR },	/* "DAR" */
		{ 0x4453495352000000ull, R_DSISR },	/* "DSISR" */
	};
	int i = gpr_index(id);

	if (i >= 0)
		return i;
	for (size_t k = 0; k < ARRAY_SIZE(spr); k++)
		if (spr[k].id == id)
			return spr[k].slot;
	return -1;
}

/* rtas_fadump_read_regs, from the entry after CPUSTRT to CPUEND. */
static vmc_status read_cpu(const uint8_t *b, size_t len, size_t *pos,
			   struct vmc_fadump_cpu_regs *c, size_t i,
			   vmc_error *e)
{
	for (;;) {
		uint64_t id;
		int slot;

		if (len - *pos < ENTRY_SIZE)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "CPU entry %zu (cpu %u): no CPUEND "
					     "before the end of the %zu-byte "
					     "save area", i, c->cpu, len);
		id = vmc_get64(VMC_BE, b + *pos);
		*pos += ENTRY_SIZE;
		if (id == ID_CPUEND)
			return VMC_OK;
		c->nr_entries++;
		slot = reg_slot(id);
		if (slot < 0)
			c->nr_unknown++;
		else
			c->regs[slot] = vmc_get64(VMC_BE, b + *pos - 8);
	}
}

VMC_EXPORT vmc_status vmc_fadump_cpu_state_parse(vmc_fadump_cpu_state **out,
						 const void *buf, size_t len,
						 vmc_error *e)
{
	const uint8_t *b = buf;
	vmc_fadump_cpu_state *s;
	uint32_t off, n;
	size_t pos;

	if (!buf || len < HEADER_SIZE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "register save area: %zu bytes, shorter "
				     "than its %u-byte header", len,
				     HEADER_SIZE);
	if (vmc_get64(VMC_BE, b) != ID_REGSAVE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "Unable to read register save area. "
				     "(magic 0x%016llx, want \"REGSAVE\")",
				     (unsigned long long)vmc_get64(VMC_BE, b));
	off = vmc_get32(VMC_BE, b + 12);
	if (!vmc__in_bounds(off, 4, len))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "register save area: num_cpu_offset 0x%x "
				     "past its %zu bytes", off, len);
	n = vmc_get32(VMC_BE, b + off);
	pos = (size_t)off + 4;
	/* Each CPU takes at least CPUSTRT and CPUEND. */
	if (n > (len - pos) / (2 * ENTRY_SIZE))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "register save area: NumCpus %u does not "
				     "fit the %zu bytes after it", n, len - pos);
	s = vmc__calloc(1, sizeof(*s));
	if (s && n)
		s->cpus = vmc__calloc(n, sizeof(*s->cpus));
	if (!s || (n && !s->cpus)) {
		vmc_fadump_cpu_state_free(s);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	s->version = vmc_get32(VMC_BE, b + 8);
	for (size_t i = 0; i < n; i++) {
		struct vmc_fadump_cpu_regs *c = &s->cpus[i];
		vmc_status st;

		if (len - pos < ENTRY_SIZE ||
		    vmc_get64(VMC_BE, b + pos) != ID_CPUSTRT) {
			vmc_fadump_cpu_state_free(s);
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "Unable to read CPU state data "
					     "(CPU entry %zu at offset 0x%zx "
					     "does not start with CPUSTRT)",
					     i, pos);
		}
		c->cpu = (uint32_t)vmc_get64(VMC_BE, b + pos + 8);
		pos += ENTRY_SIZE;
		st = read_cpu(b, len, &pos, c, i, e);
		if (st) {
			vmc_fadump_cpu_state_free(s);
			return st;
		}
		s->nr_cpus++;
	}
	*out = s;
	return VMC_OK;
}

VMC_EXPORT void vmc_fadump_cpu_state_free(vmc_fadump_cpu_state *s)
{
	if (!s)
		return;
	vmc__free(s->cpus);
	vmc__free(s);
}

VMC_EXPORT uint32_t vmc_fadump_cpu_state_version(const vmc_fadump_cpu_state *s)
{
	return s->version;
}

VMC_EXPORT size_t vmc_fadump_cpu_state_count(const vmc_fadump_cpu_state *s)
{
	return s->nr_cpus;
}

VMC_EXPORT const struct vmc_fadump_cpu_regs *
vmc_fadump_cpu_state_get(const vmc_fadump_cpu_state *s, size_t i)
{
	return i < s->nr_cpus ? &s->cpus[i] : NULL;
}
