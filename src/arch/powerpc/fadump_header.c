// SPDX-License-Identifier: MIT
/*
 * The fadump crash info header and the capture kernel's verdict on it.
 *
 * arch/powerpc/include/asm/fadump-internal.h struct fadump_crash_info_header,
 * ppc64 natural alignment, in the crashed kernel's byte order:
 *
 *   version 1 ("FADMPSIG", Linux >= 6.9)     version 0 ("FADMPINF", < 6.9)
 *    0  u64 magic_number                       0  u64 magic_number
 *    8  u32 version                            8  u64 elfcorehdr_addr
 *   12  u32 crashing_cpu                      16  u32 crashing_cpu
 *   16  u64 vmcoreinfo_raddr                  20  (4 bytes padding)
 *   24  u64 vmcoreinfo_size                   24  struct pt_regs regs
 *   32  u32 pt_regs_sz                        24+P struct cpumask cpu_mask
 *   36  u32 cpu_mask_sz                       24+P+C end
 *   40  struct pt_regs regs    (P bytes, 384 on ppc64)
 *   40+P struct cpumask cpu_mask (C bytes, NR_CPUS / 8)
 *   40+P+C end
 *
 * The verdict is arch/powerpc/kernel/fadump.c is_fadump_header_compatible
 * (Linux 6.12) plus the kernel-release warning the review of seed 004
 * settled on; the messages are the kernel's pr_err strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmcorekit/fadump.h"
#include "base/compiler.h"
#include "base/warnings.h"

enum {
	V1_VERSION = 8,
	V1_CRASHING_CPU = 12,
	V1_VMCOREINFO_RADDR = 16,
	V1_VMCOREINFO_SIZE = 24,
	V1_PT_REGS_SZ = 32,
	V1_CPU_MASK_SZ = 36,
	V1_REGS = 40,
	V0_ELFCOREHDR_ADDR = 8,
	V0_CRASHING_CPU = 16,
	V0_REGS = 24,
};

static uint64_t bswap64(uint64_t v)
{
	return __builtin_bswap64(v);
}

static enum vmc_order other_order(enum vmc_order o)
{
	return o == VMC_LE ? VMC_BE : VMC_LE;
}

__attribute__((format(printf, 2, 3)))
static void set_msg(struct vmc_fadump_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static vmc_status add_warning(struct vmc_fadump_check *c, vmc_error *e,
			      const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	va_start(ap, fmt);
	st = vmc__vwarn(&c->warnings, 0, SIZE_MAX, e, fmt, ap);
	va_end(ap);
	return st;
}

static bool size_ok(uint32_t v, uint32_t max)
{
	return v >= 8 && v <= max && v % 8 == 0;
}

/* pt_regs and cpumask at @regs_off; the caller checked they fit. */
static void decode_tail(const uint8_t *b, size_t regs_off,
			struct vmc_fadump_header *h)
{
	h->nr_regs = h->pt_regs_sz / 8 < VMC_FADUMP_NR_REGS
		     ? h->pt_regs_sz / 8 : VMC_FADUMP_NR_REGS;
	for (unsigned i = 0; i < h->nr_regs; i++)
		h->regs[i] = vmc_get64(h->order, b + regs_off + 8 * i);
	h->cpu_mask = b + regs_off + h->pt_regs_sz;
	h->size = regs_off + (size_t)h->pt_regs_sz + h->cpu_mask_sz;
}

/* Version 0 has no sizes: it is laid out with the capture side's. */
static bool decode_v0(const uint8_t *b, size_t len, uint32_t p, uint32_t c,
		      struct vmc_fadump_header *h)
{
	if (len < V0_REGS)
		return false;
	h->version = 0;
	h->elfcorehdr_addr = vmc_get64(h->order, b + V0_ELFCOREHDR_ADDR);
	h->crashing_cpu = vmc_get32(h->order, b + V0_CRASHING_CPU);
	h->pt_regs_sz = p;
	h->cpu_mask_sz = c;
	if (len - V0_REGS < (size_t)p + c)
		return false;
	decode_tail(b, V0_REGS, h);
	return true;
}

static void decode_v1_fixed(const uint8_t *b, struct vmc_fadump_header *h)
{
	h->version = vmc_get32(h->order, b + V1_VERSION);
	h->crashing_cpu = vmc_get32(h->order, b + V1_CRASHING_CPU);
	h->vmcoreinfo_raddr = vmc_get64(h->order, b + V1_VMCOREINFO_RADDR);
	h->vmcoreinfo_size = vmc_get64(h->order, b + V1_VMCOREINFO_SIZE);
	h->pt_regs_sz = vmc_get32(h->order, b + V1_PT_REGS_SZ);
	h->cpu_mask_sz = vmc_get32(h->order, b + V1_CPU_MASK_SZ);
}

/*
 * Which order to read the magic in.  With the capture order given, that
 * order, as the kernel reads its own memory; otherwise the order in which
 * the magic (new or old) reads correctly.
 */
static bool pick_order(const uint8_t *b, const struct vmc_fadump_capture *cap,
		       struct vmc_fadump_check *c)
{
	static const enum vmc_order orders[] = { VMC_LE, VMC_BE };

	if (cap->order) {
		c->order = cap->order;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
		uint64_t m = vmc_get64(orders[i], b);

		if (m == VMC_FADUMP_MAGIC || m == VMC_FADUMP_MAGIC_OLD) {
			c->order = orders[i];
			c->order_detected = true;
			return true;
		}
	}
	return false;
}

static vmc_status judge_v1(const uint8_t *b, size_t len, uint32_t p,
			   uint32_t cm, const struct vmc_fadump_capture *cap,
			   struct vmc_fadump_check *c, vmc_error *e)
{
	struct vmc_fadump_header *h = &c->hdr;
	vmc_status st = VMC_OK;

	if (len < V1_REGS) {
		c->verdict = VMC_FADUMP_TRUNCATED;
		set_msg(c, "the header is %zu bytes; its fixed fields need %d",
			len, V1_REGS);
		return VMC_OK;
	}
	decode_v1_fixed(b, h);
	/*
	 * "Dump collection is not safe if the size of non-primitive type
	 * members of the fadump header do not match between crashed and
	 * fadump kernel."
	 */
	if (h->pt_regs_sz != p || h->cpu_mask_sz != cm) {
		c->verdict = VMC_FADUMP_SIZE_MISMATCH;
		set_msg(c, "Fadump header size mismatch. (pt_regs_sz %u, "
			"cpu_mask_sz %u; the capture kernel has %u and %u)",
			h->pt_regs_sz, h->cpu_mask_sz, p, cm);
		return VMC_OK;
	}
	if (len - V1_REGS < (size_t)p + cm) {
		c->verdict = VMC_FADUMP_TRUNCATED;
		set_msg(c, "the header is %zu bytes; with pt_regs_sz %u and "
			"cpu_mask_sz %u it needs %zu", len, p, cm,
			(size_t)V1_REGS + p + cm);
		return VMC_OK;
	}
	decode_tail(b, V1_REGS, h);
	c->decoded = true;
	c->verdict = VMC_FADUMP_COMPATIBLE;
	set_msg(c, "compatible");
	/* The kernel does not check the version (fadump-internal.h asks
	 * for appended members only, so a newer one still parses). */
	if (h->version != VMC_FADUMP_HEADER_VERSION)
		st = add_warning(c, e, "header version %u; version %u is known "
			    "(the kernel does not check it)", h->version,
			    VMC_FADUMP_HEADER_VERSION);
	if (!st && cap->release && cap->crashed_release &&
	    strcmp(cap->release, cap->crashed_release) != 0)
		st = add_warning(c, e, "Kernel version mismatch; dump data is "
			    "unreliable. (crashed %.48s, capture %.48s)",
			    cap->crashed_release, cap->release);
	if (!st && h->crashing_cpu == VMC_FADUMP_CPU_UNKNOWN)
		st = add_warning(c, e, "no crashing CPU recorded (the crash was not "
			    "kernel-initiated)");
	return st;
}

VMC_EXPORT vmc_status vmc_fadump_check(const void *buf, size_t len,
				       const struct vmc_fadump_capture *cap,
				       struct vmc_fadump_check *out,
				       vmc_error *e)
{
	const uint8_t *b = buf;
	uint32_t p, cm;
	uint64_t m;

	if (!cap || cap->version != VMC_FADUMP_CAPTURE_VERSION || !out ||
	    (!buf && len))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "bad fadump check arguments");
	p = cap->pt_regs_size ? cap->pt_regs_size : VMC_FADUMP_PT_REGS_SIZE;
	cm = cap->cpumask_size ? cap->cpumask_size : VMC_FADUMP_CPUMASK_SIZE;
	if (!size_ok(p, VMC_FADUMP_PT_REGS_MAX) ||
	    !size_ok(cm, VMC_FADUMP_CPUMASK_MAX))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "capture sizes pt_regs %u, cpumask %u: "
				     "want multiples of 8 up to %u and %u",
				     p, cm, VMC_FADUMP_PT_REGS_MAX,
				     VMC_FADUMP_CPUMASK_MAX);
	if (cap->order && cap->order != VMC_LE && cap->order != VMC_BE)
		return vmc_error_set(e, VMC_ERR_INVALID, "bad byte order %d",
				     (int)cap->order);
	memset(out, 0, sizeof(*out));
	if (len < 8) {
		out->verdict = VMC_FADUMP_TRUNCATED;
		set_msg(out, "the header is %zu bytes, shorter than its "
			"8-byte magic", len);
		return VMC_OK;
	}
	if (!pick_order(b, cap, out)) {
		out->verdict = VMC_FADUMP_CORRUPTED;
		set_msg(out, "Fadump header is corrupted. (magic 0x%016llx "
			"is neither FADMPSIG nor FADMPINF in either byte "
			"order)", (unsigned long long)vmc_get64(VMC_BE, b));
		return VMC_OK;
	}
	m = vmc_get64(out->order, b);
	out->hdr.order = out->order;
	out->hdr.magic = m;
	out->order_known = true;
	if (m == VMC_FADUMP_MAGIC_OLD) {
		out->verdict = VMC_FADUMP_OLD_MAGIC;
		set_msg(out, "Old magic number, can't process the dump.");
		out->decoded = decode_v0(b, len, p, cm, &out->hdr);
		return VMC_OK;
	}
	if (m != VMC_FADUMP_MAGIC) {
		/* Only reachable with the capture order given. */
		if (m == bswap64(VMC_FADUMP_MAGIC)) {
			out->verdict = VMC_FADUMP_ENDIAN_MISMATCH;
			out->order = out->hdr.order = other_order(out->order);
			out->hdr.magic = VMC_FADUMP_MAGIC;
			set_msg(out, "Endianness mismatch between the crashed "
				"and fadump kernels.");
		} else {
			out->verdict = VMC_FADUMP_CORRUPTED;
			out->order_known = false;
			set_msg(out, "Fadump header is corrupted. (magic "
				"0x%016llx)", (unsigned long long)m);
		}
		return VMC_OK;
	}
	if (judge_v1(b, len, p, cm, cap, out, e)) {
		vmc_warnings_free(out->warnings);
		out->warnings = NULL;
		return VMC_ERR_NOMEM;
	}
	return VMC_OK;
}

VMC_EXPORT const char *vmc_fadump_verdict_name(enum vmc_fadump_verdict v)
{
	switch (v) {
	case VMC_FADUMP_COMPATIBLE: return "compatible";
	case VMC_FADUMP_OLD_MAGIC: return "old-magic";
	case VMC_FADUMP_ENDIAN_MISMATCH: return "endian-mismatch";
	case VMC_FADUMP_CORRUPTED: return "corrupted";
	case VMC_FADUMP_SIZE_MISMATCH: return "size-mismatch";
	case VMC_FADUMP_TRUNCATED: return "truncated";
	}
	return "unknown";
}

VMC_EXPORT bool vmc_fadump_cpu_in_mask(const struct vmc_fadump_header *h,
				       uint32_t cpu)
{
	size_t word = cpu / 64;

	/* struct cpumask is DECLARE_BITMAP: unsigned longs, bit n of the
	 * mask is bit n % 64 of long n / 64 (include/linux/cpumask.h). */
	if (!h->cpu_mask || word >= h->cpu_mask_sz / 8)
		return false;
	return (vmc_get64(h->order, h->cpu_mask + word * 8) >> (cpu % 64)) & 1;
}

/* The list format of bitmap_list_string (lib/vsprintf.c, %*pbl): runs of
 * set bits as "a-b", single bits as "a", comma-separated. */
VMC_EXPORT void vmc_fadump_cpu_list(const struct vmc_fadump_header *h,
				    char *out, size_t cap)
{
	size_t n = 0, bits = (size_t)h->cpu_mask_sz * 8;

	if (!cap)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < bits && n + 24 < cap; i++) {
		size_t j = i;

		if (!vmc_fadump_cpu_in_mask(h, (uint32_t)i))
			continue;
		while (j + 1 < bits &&
		       vmc_fadump_cpu_in_mask(h, (uint32_t)j + 1))
			j++;
		n += (size_t)snprintf(out + n, cap - n, n ? ",%zu" : "%zu", i);
		if (j > i)
			n += (size_t)snprintf(out + n, cap - n, "-%zu", j);
		i = j;
	}
}
