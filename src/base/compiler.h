/* SPDX-License-Identifier: MIT */
/* Internal: symbol export, allocation hook, small arithmetic helpers. */
#ifndef VMC_CORE_COMPILER_H
#define VMC_CORE_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define VMC_EXPORT __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "base/array.h"
#include "base/bounds.h"

/*
 * Every allocation in the library goes through these so tests can fail the
 * Nth one (allocation-failure injection).  They behave as malloc/calloc/
 * realloc/free otherwise.
 */
void *vmc__malloc(size_t n);
void *vmc__calloc(size_t n, size_t size);
void *vmc__realloc(void *p, size_t n);
void *vmc__reallocarray(void *p, size_t n, size_t size);
void vmc__free(void *p);

/*
 * Add context to @e's message and return @st: "return PREFIXED(st, e,
 * "PT_LOAD %zu", i);".  Unlike returning vmc_error_prefix()'s result this
 * keeps the status when the caller passed no vmc_error.
 */
#define PREFIXED(st, e, ...) (vmc_error_prefix((e), __VA_ARGS__), (st))

static inline bool add_overflows_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

static inline uint64_t align_up_u64(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static inline uint64_t align_down_u64(uint64_t v, uint64_t a)
{
	return v / a * a;
}

#endif
