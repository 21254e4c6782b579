// SPDX-License-Identifier: MIT
/*
 * The CPUs and memory ranges the s390 dump kernel describes
 * (arch/s390/kernel/smp.c smp_save_dump_cpus, smp_save_dump_ipl_cpu;
 * arch/s390/kernel/crash_dump.c for_each_physmem_range).
 *
 * Save areas arrive one file at a time, in any order (cpuN, cpuN.vx); the
 * set is complete once vmc_zfcpdump_cpus_finish has added the boot CPU
 * from old memory if needed, sorted the CPUs and checked that vector
 * registers are there for all or none (cpu_has_vx() is a machine
 * property, not a CPU's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcorekit/zfcpdump.h"
#include "base/array.h"
#include "base/compiler.h"

struct slot {
	struct vmc_zfcpdump_cpu cpu;
	bool have_sa;
	uint8_t vx[VMC_S390_VX_SA_SIZE];	/* applied by finish */
};

struct vmc_zfcpdump_cpus {
	struct slot *v;
	struct vmc_s390_save_area *sas;	/* after finish: v[i].cpu.sa */
	size_t n, alloc;
	bool has_vx;
};

VMC_EXPORT vmc_status vmc_zfcpdump_cpus_new(vmc_zfcpdump_cpus **out,
					    vmc_error *e)
{
	*out = vmc__calloc(1, sizeof(**out));
	if (!*out)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	return VMC_OK;
}

VMC_EXPORT void vmc_zfcpdump_cpus_free(vmc_zfcpdump_cpus *c)
{
	if (!c)
		return;
	vmc__free(c->v);
	vmc__free(c->sas);
	vmc__free(c);
}

/* CPU @n's slot, added (zeroed) when new. */
static vmc_status slot(vmc_zfcpdump_cpus *c, unsigned long n, size_t *idx,
		       vmc_error *e)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].cpu.n == n) {
			*idx = i;
			return VMC_OK;
		}
	}
	if (!VMC_GROW(c->v, c->alloc, c->n + 1, 16))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	c->v[c->n].cpu.n = n;
	*idx = c->n++;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_zfcpdump_cpus_add(vmc_zfcpdump_cpus *c,
					    unsigned long n, bool vx,
					    const void *buf, size_t len,
					    const char *src, vmc_error *e)
{
	struct vmc_zfcpdump_cpu *cpu;
	size_t i;
	vmc_status st = slot(c, n, &i, e);

	if (st)
		return st;
	cpu = &c->v[i].cpu;
	if (vx ? cpu->have_vx : c->v[i].have_sa)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "cpu%lu%s given twice",
				     n, vx ? ".vx" : "");
	if (vx) {
		/* Checked now, applied once the save area is there
		 * (vmc_s390_sa_decode clears the vector registers). */
		st = vmc_s390_sa_set_vx(&cpu->sa, buf, len, e);
		if (!st) {
			memcpy(c->v[i].vx, buf, sizeof(c->v[i].vx));
			cpu->have_vx = true;
		}
		return st;
	}
	st = vmc_s390_sa_decode(&cpu->sa, buf, len, e);
	c->v[i].have_sa = !st;
	if (!st)
		snprintf(cpu->src, sizeof(cpu->src), "%.48s", src);
	return st;
}

static int cpu_cmp(const void *x, const void *y)
{
	const struct slot *p = x, *q = y;

	return p->cpu.n < q->cpu.n ? -1 : p->cpu.n > q->cpu.n;
}

/* smp_save_dump_ipl_cpu: the boot CPU's registers are in the absolute
 * lowcore of old memory, where the IPL stored them. */
static vmc_status boot_cpu(vmc_zfcpdump_cpus *c, const vmc_physmem *oldmem,
			   vmc_error *e)
{
	uint8_t lc[VMC_S390_SA_SIZE];
	size_t i;
	vmc_status st = slot(c, 0, &i, e);

	if (st || c->v[i].have_sa)
		return st;
	st = vmc_physmem_read(oldmem, VMC_S390_SA_LC_OFF, lc, sizeof(lc), e);
	if (st)
		return vmc_error_prefix(e, "the boot CPU's save area (no cpu0 "
					"file) in old memory at 0x1200");
	st = vmc_s390_sa_decode(&c->v[i].cpu.sa, lc, sizeof(lc), e);
	c->v[i].have_sa = !st;
	if (!st)
		snprintf(c->v[i].cpu.src, sizeof(c->v[i].cpu.src),
			 "memory 0x1200");
	return st;
}

VMC_EXPORT vmc_status vmc_zfcpdump_cpus_finish(vmc_zfcpdump_cpus *c,
					       const vmc_physmem *oldmem,
					       vmc_error *e)
{
	vmc_status st = boot_cpu(c, oldmem, e);

	if (st)
		return st;
	qsort(c->v, c->n, sizeof(*c->v), cpu_cmp);
	c->has_vx = false;
	for (size_t i = 0; i < c->n; i++) {
		struct vmc_zfcpdump_cpu *cpu = &c->v[i].cpu;

		if (!c->v[i].have_sa)
			return vmc_error_set(e, VMC_ERR_CORRUPT, "cpu%lu.vx "
					     "without cpu%lu", cpu->n, cpu->n);
		if (cpu->have_vx)
			vmc_s390_sa_set_vx(&cpu->sa, c->v[i].vx,
					   sizeof(c->v[i].vx), NULL);
		c->has_vx |= cpu->have_vx;
	}
	for (size_t i = 0; c->has_vx && i < c->n; i++)
		if (!c->v[i].cpu.have_vx)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "cpu%lu has no cpu%lu.vx; vector "
					     "registers are saved for every CPU "
					     "or none", c->v[i].cpu.n,
					     c->v[i].cpu.n);
	vmc__free(c->sas);
	c->sas = vmc__reallocarray(NULL, c->n, sizeof(*c->sas));
	if (!c->sas)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < c->n; i++)
		c->sas[i] = c->v[i].cpu.sa;
	return VMC_OK;
}

VMC_EXPORT size_t vmc_zfcpdump_cpus_count(const vmc_zfcpdump_cpus *c)
{
	return c->n;
}

VMC_EXPORT const struct vmc_zfcpdump_cpu *
vmc_zfcpdump_cpus_get(const vmc_zfcpdump_cpus *c, size_t i)
{
	return i < c->n ? &c->v[i].cpu : NULL;
}

VMC_EXPORT bool vmc_zfcpdump_cpus_has_vx(const vmc_zfcpdump_cpus *c)
{
	return c->has_vx;
}

VMC_EXPORT void vmc_zfcpdump_cpus_opts(const vmc_zfcpdump_cpus *c,
				       struct vmc_zfcpdump_opts *o)
{
	o->cpus = c->sas;
	o->nr_cpus = c->sas ? c->n : 0;
	o->has_vx = c->has_vx;
}

VMC_EXPORT vmc_status vmc_zfcpdump_ranges(vmc_ranges *ranges,
					  const vmc_physmem *oldmem,
					  vmc_error *e)
{
	vmc_status st;

	for (size_t i = 0; oldmem && i < vmc_physmem_nr_maps(oldmem); i++) {
		uint64_t s, t;
		bool z;

		vmc_physmem_get_map(oldmem, i, &s, &t, &z);
		st = vmc_ranges_add(ranges, s, t, e);
		if (st)
			return st;
	}
	vmc_ranges_merge(ranges);
	if (!vmc_ranges_count(ranges))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "no memory: give --memory, --hsa or "
				     "--ranges");
	return VMC_OK;
}
