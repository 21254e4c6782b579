// SPDX-License-Identifier: MIT
/*
 * The library's allocation seam.  The definitions are weak so a test binary
 * linked against the static archive can supply its own and fail the Nth
 * allocation (tests/unit/failalloc.c) -- no global switch in the library.
 */
#include <stdlib.h>

#include "base/compiler.h"

__attribute__((weak)) void *vmc__malloc(size_t n)
{
	return malloc(n ? n : 1);
}

__attribute__((weak)) void *vmc__calloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

__attribute__((weak)) void *vmc__realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

__attribute__((weak)) void *vmc__reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return vmc__realloc(p, n * size);
}

__attribute__((weak)) void vmc__free(void *p)
{
	free(p);
}
