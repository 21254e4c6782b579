/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares.  The build force-includes this header
 * (-include fuzz/fuzz.h), so a target only includes the library headers it
 * uses; the prototype below keeps -Wmissing-prototypes quiet under gcc.
 *
 * A target runs twice over: linked with libFuzzer (clang, `make fuzz`), and
 * linked with fuzz/replay.c (gcc, `make check`), which feeds it every file
 * of fuzz/seeds/NAME and fuzz/regressions/NAME, plainly and with each
 * allocation failing in turn.  So a target must not keep state between
 * calls, must free what it allocates, and must not print.
 */
#ifndef VMC_FUZZ_H
#define VMC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Consume bytes from the front of an input: a cursor that never reads past
 * the end (taking from an exhausted cursor yields zeros / nothing). */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

/* A NUL-terminated copy of @n bytes (the parsers under test take C
 * strings); free() it.  NULL when out of memory. */
static inline char *fuzz_strndup(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

#endif
