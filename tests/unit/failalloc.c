// SPDX-License-Identifier: MIT
/*
 * Strong definitions of the library's allocation hooks.  The library's own
 * are weak (src/base/alloc.c), so these win when a test links the static
 * archive.  Each call counts; the armed one fails.  Live blocks are
 * counted so a test can check that nothing leaks after a failure, without
 * waiting for LeakSanitizer at exit.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/compiler.h"
#include "failalloc.h"

static unsigned long calls, fail_at;
static bool sticky, fired;
static long live;

void failalloc_arm(unsigned long nth, bool stick)
{
	calls = 0;
	fail_at = nth;
	sticky = stick;
	fired = false;
}

unsigned long failalloc_calls(void)
{
	return calls;
}

bool failalloc_fired(void)
{
	return fired;
}

long failalloc_live(void)
{
	return live;
}

static bool should_fail(void)
{
	calls++;
	if (fail_at && (calls == fail_at || (sticky && calls > fail_at))) {
		fired = true;
		return true;
	}
	return false;
}

void *vmc__malloc(size_t n)
{
	void *p;

	if (should_fail())
		return NULL;
	p = malloc(n ? n : 1);
	live += p != NULL;
	return p;
}

void *vmc__calloc(size_t n, size_t size)
{
	void *p;

	if (should_fail())
		return NULL;
	p = calloc(n ? n : 1, size ? size : 1);
	live += p != NULL;
	return p;
}

void *vmc__realloc(void *p, size_t n)
{
	void *q;

	if (should_fail())
		return NULL;
	q = realloc(p, n ? n : 1);
	live += q && !p;
	return q;
}

void *vmc__reallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (should_fail())
		return NULL;
	if (size && n > SIZE_MAX / size)
		return NULL;
	q = realloc(p, n && size ? n * size : 1);
	live += q && !p;
	return q;
}

void vmc__free(void *p)
{
	live -= p != NULL;
	free(p);
}
