/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection: failalloc.c defines the library's weak
 * allocation hooks (src/base/alloc.c), so a test binary linked with it
 * controls every allocation the library makes.
 */
#ifndef VMC_TEST_FAILALLOC_H
#define VMC_TEST_FAILALLOC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Count allocations from now on; the @nth one (1-based) fails, and with
 * @sticky every later one too.  @nth == 0 fails nothing.
 */
void failalloc_arm(unsigned long nth, bool sticky);
/* Allocation calls since the last arm. */
unsigned long failalloc_calls(void);
/* True once an injected failure has happened since the last arm. */
bool failalloc_fired(void);
/* Blocks the library allocated and has not freed (all time). */
long failalloc_live(void);

#endif
