// SPDX-License-Identifier: MIT
/*
 * How header building scales with the number of RAM ranges.
 *
 * For n = 10^3 .. 10^6 random sorted disjoint RAM ranges and m = 10^4
 * random (possibly overlapping) exclusions, time, best of 3:
 *
 *   batch   vmc_ranges_exclude_set (sort+merge the exclusions, one sweep)
 *           + a header spec (4 PT_NOTE + one PT_LOAD per remaining range)
 *           + vmc_elfcore_size + vmc_elfcore_write
 *   naive   the same, but the m exclusions applied one at a time with
 *           vmc_ranges_exclude, as the kernel's crash_exclude_mem_range
 *           loop does: O(n*m).  Run only where it finishes in under
 *           30 s: skipped when the previous size, scaled linearly,
 *           predicts more; stopped (and extrapolated) when a run passes
 *           30 s; a run over 10 s is not repeated.
 *
 * and the log-log growth exponent of the time between successive sizes
 * and overall.  Where both ran, the two results are compared member by
 * member (the one-at-a-time result is the oracle).
 *
 * Build and run: bench/build-scale.sh, or
 *   cc -O2 -I include bench/build_scale.c build/libvmcorekit.a \
 *      -o build/bench-build-scale && build/bench-build-scale [MAX_N [M]]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmcorekit/vmcorekit.h"

#define NAIVE_LIMIT_S 30.0
#define NAIVE_REPEAT_S 10.0
#define NR_NOTES 4
#define PAGE 4096ull

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)	/* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const vmc_error *e)
{
	fprintf(stderr, "build_scale: %s: %s\n", what, e ? e->msg : "failed");
	exit(1);
}

/*
 * n sorted disjoint ranges, page aligned: gaps of 1..16 pages, lengths of
 * 1..256 pages.  *top receives the end of the last one.
 */
static vmc_ranges *make_ram(size_t n, uint64_t *top)
{
	vmc_ranges *r;
	vmc_error e;
	uint64_t a = 0x100000;

	if (vmc_ranges_new(&r, &e))
		die("vmc_ranges_new", &e);
	for (size_t i = 0; i < n; i++) {
		uint64_t len = (1 + rnd() % 256) * PAGE;

		if (vmc_ranges_add(r, a, a + len, &e))
			die("vmc_ranges_add", &e);
		a += len + (1 + rnd() % 16) * PAGE;
	}
	*top = a;
	return r;
}

/* m random exclusions inside [0, top), 1..64 pages, in random order. */
static vmc_ranges *make_exclusions(size_t m, uint64_t top)
{
	vmc_ranges *x;
	vmc_error e;

	if (vmc_ranges_new(&x, &e))
		die("vmc_ranges_new", &e);
	for (size_t i = 0; i < m; i++) {
		uint64_t s = rnd() % (top / PAGE) * PAGE;
		uint64_t len = (1 + rnd() % 64) * PAGE;

		if (vmc_ranges_add(x, s, s + len, &e))
			die("vmc_ranges_add", &e);
	}
	return x;
}

/* The header for @r: NR_NOTES PT_NOTE + one PT_LOAD per member. */
static size_t build_header(const vmc_ranges *r)
{
	struct vmc_elfcore_spec spec = VMC_ELFCORE_SPEC_INIT;
	size_t n = vmc_ranges_count(r), size, used;
	const struct vmc_range *v = vmc_ranges_data(r);
	struct vmc_phdr *ph = calloc(n + NR_NOTES, sizeof(*ph));
	uint8_t *buf;
	vmc_error e;

	if (!ph)
		die("calloc", NULL);
	for (size_t i = 0; i < NR_NOTES; i++) {
		ph[i].type = VMC_PT_NOTE;
		ph[i].offset = ph[i].paddr = 0x3000000 + i * 0x1000;
		ph[i].filesz = ph[i].memsz = 0x170;
	}
	for (size_t i = 0; i < n; i++) {
		struct vmc_phdr *p = &ph[NR_NOTES + i];

		p->type = VMC_PT_LOAD;
		p->flags = VMC_PF_R | VMC_PF_W | VMC_PF_X;
		p->offset = p->paddr = v[i].start;
		p->vaddr = v[i].start + 0xffff888000000000ull;
		p->filesz = p->memsz = v[i].end - v[i].start;
	}
	spec.id.cls = VMC_CLASS_64;
	spec.id.order = VMC_LE;
	spec.id.machine = VMC_EM_X86_64;
	spec.phdrs = ph;
	spec.nr_phdrs = n + NR_NOTES;
	if (vmc_elfcore_size(&spec, &size, &e))
		die("vmc_elfcore_size", &e);
	buf = malloc(size);
	if (!buf)
		die("malloc", NULL);
	if (vmc_elfcore_write(&spec, buf, size, &used, &e))
		die("vmc_elfcore_write", &e);
	free(buf);
	free(ph);
	return used;
}

struct run {
	double excl_s, total_s;	/* best of the runs */
	size_t nr_out, hdr_bytes;
	bool aborted;		/* naive pass stopped at NAIVE_LIMIT_S */
	double estimate_s;	/* then: the time extrapolated to all m */
};

/*
 * One timed pass: exclusions (batch or one at a time) then the header.
 * *@keep receives the result set when non-NULL.
 */
static void one_pass(const vmc_ranges *ram, const vmc_ranges *ex, bool naive,
		     struct run *best, vmc_ranges **keep)
{
	vmc_ranges *r;
	vmc_error e;
	double t0, t1, t2;
	size_t hdr;

	if (vmc_ranges_copy(&r, ram, &e))	/* not timed */
		die("vmc_ranges_copy", &e);
	t0 = now();
	if (naive) {
		const struct vmc_range *x = vmc_ranges_data(ex);

		size_t nx = vmc_ranges_count(ex);

		for (size_t i = 0; i < nx; i++) {
			if (vmc_ranges_exclude(r, x[i].start, x[i].end, &e))
				die("vmc_ranges_exclude", &e);
			if (i % 16 == 15 && now() - t0 > NAIVE_LIMIT_S) {
				best->aborted = true;
				best->estimate_s = (now() - t0) * (double)nx /
						   (double)(i + 1);
				vmc_ranges_free(r);
				return;
			}
		}
	} else if (vmc_ranges_exclude_set(r, ex, &e)) {
		die("vmc_ranges_exclude_set", &e);
	}
	t1 = now();
	hdr = build_header(r);
	t2 = now();
	if (best->total_s == 0 || t2 - t0 < best->total_s) {
		best->total_s = t2 - t0;
		best->excl_s = t1 - t0;
	}
	best->nr_out = vmc_ranges_count(r);
	best->hdr_bytes = hdr;
	if (keep) {
		vmc_ranges_free(*keep);
		*keep = r;
	} else {
		vmc_ranges_free(r);
	}
}

static bool same_sets(const vmc_ranges *a, const vmc_ranges *b)
{
	size_t n = vmc_ranges_count(a);

	return n == vmc_ranges_count(b) &&
	       memcmp(vmc_ranges_data(a), vmc_ranges_data(b),
		      n * sizeof(struct vmc_range)) == 0;
}

static double slope(double t1, double t2, double n1, double n2)
{
	return log(t2 / t1) / log(n2 / n1);
}

int main(int argc, char **argv)
{
	size_t max_n = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;
	size_t m = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000;
	size_t sizes[8], nr = 0;
	struct run batch[8] = { 0 }, naive[8] = { 0 };
	bool naive_ran[8] = { false };
	double prev_naive = 0;
	size_t prev_n = 0;

	for (size_t n = 1000; n <= max_n && nr < 8; n *= 10)
		sizes[nr++] = n;
	printf("build_scale: m = %zu exclusions, %d PT_NOTE, ELF64 LE; "
	       "times in ms, best of 3\n\n", m, NR_NOTES);
	printf("%9s %9s %11s | %10s %10s %10s | %12s %12s | %8s %8s\n",
	       "n", "ranges", "hdr_bytes", "excl_set", "header", "batch",
	       "naive_excl", "naive_total", "x_excl", "x_total");
	for (size_t k = 0; k < nr; k++) {
		size_t n = sizes[k];
		uint64_t top;
		vmc_ranges *ram, *ex, *res_b = NULL, *res_n = NULL;
		double predicted;

		rng_state = 0x9e3779b97f4a7c15ull ^ n;
		ram = make_ram(n, &top);
		ex = make_exclusions(m, top);
		for (int rep = 0; rep < 3; rep++)
			one_pass(ram, ex, false, &batch[k], &res_b);
		predicted = prev_n ? prev_naive * (double)n / (double)prev_n
				   : 0;
		if (prev_n && prev_naive == 0)
			predicted = NAIVE_LIMIT_S + 1;	/* skipped before */
		if (predicted < NAIVE_LIMIT_S) {
			one_pass(ram, ex, true, &naive[k], &res_n);
			for (int rep = 1; rep < 3 && !naive[k].aborted &&
			     naive[k].total_s < NAIVE_REPEAT_S; rep++)
				one_pass(ram, ex, true, &naive[k], NULL);
			naive_ran[k] = !naive[k].aborted;
			prev_naive = naive[k].total_s;
			if (naive_ran[k] && !same_sets(res_b, res_n)) {
				fprintf(stderr, "build_scale: n=%zu: batch and "
					"one-at-a-time results differ (%zu vs "
					"%zu ranges)\n", n,
					vmc_ranges_count(res_b),
					vmc_ranges_count(res_n));
				return 1;
			}
		} else {
			prev_naive = 0;
		}
		prev_n = n;
		printf("%9zu %9zu %11zu | %10.3f %10.3f %10.3f | ", n,
		       batch[k].nr_out, batch[k].hdr_bytes,
		       batch[k].excl_s * 1e3,
		       (batch[k].total_s - batch[k].excl_s) * 1e3,
		       batch[k].total_s * 1e3);
		if (naive_ran[k])
			printf("%12.3f %12.3f | %8.1f %8.1f\n",
			       naive[k].excl_s * 1e3, naive[k].total_s * 1e3,
			       naive[k].excl_s / batch[k].excl_s,
			       naive[k].total_s / batch[k].total_s);
		else if (naive[k].aborted)
			printf("%12s %12s | %8s %8s   (stopped at %.0f s, "
			       "estimated %.0f s)\n", "skipped", "skipped", "-",
			       "-", NAIVE_LIMIT_S, naive[k].estimate_s);
		else
			printf("%12s %12s | %8s %8s\n", "skipped", "skipped",
			       "-", "-");
		fflush(stdout);
		vmc_ranges_free(res_b);
		vmc_ranges_free(res_n);
		vmc_ranges_free(ram);
		vmc_ranges_free(ex);
	}

	printf("\ngrowth exponent (log-log slope of time vs n):\n");
	printf("%-19s %10s %10s %12s\n", "sizes", "batch", "excl_set",
	       "naive_total");
	for (size_t k = 1; k < nr; k++) {
		double n1 = (double)sizes[k - 1], n2 = (double)sizes[k];

		printf("%8zu -> %-8zu %10.2f %10.2f ", sizes[k - 1], sizes[k],
		       slope(batch[k - 1].total_s, batch[k].total_s, n1, n2),
		       slope(batch[k - 1].excl_s, batch[k].excl_s, n1, n2));
		if (naive_ran[k - 1] && naive_ran[k])
			printf("%12.2f\n", slope(naive[k - 1].total_s,
						 naive[k].total_s, n1, n2));
		else
			printf("%12s\n", "-");
	}
	if (nr > 1) {
		size_t last_naive = 0;

		for (size_t k = 0; k < nr; k++)
			if (naive_ran[k])
				last_naive = k;
		printf("%8zu -> %-8zu %10.2f %10.2f ", sizes[0], sizes[nr - 1],
		       slope(batch[0].total_s, batch[nr - 1].total_s,
			     (double)sizes[0], (double)sizes[nr - 1]),
		       slope(batch[0].excl_s, batch[nr - 1].excl_s,
			     (double)sizes[0], (double)sizes[nr - 1]));
		if (naive_ran[0] && last_naive > 0)
			printf("%12.2f (%zu -> %zu)\n",
			       slope(naive[0].total_s,
				     naive[last_naive].total_s,
				     (double)sizes[0],
				     (double)sizes[last_naive]),
			       sizes[0], sizes[last_naive]);
		else
			printf("%12s\n", "-");
	}
	return 0;
}
