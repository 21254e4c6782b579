/* SPDX-License-Identifier: MIT */
/* Internal: strict number parsing without errno (every src/ folder but io/ stays pure). */
#ifndef VMC_CORE_NUMPARSE_H
#define VMC_CORE_NUMPARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/*
 * Parse all of @s as an unsigned number.  base 16: hex digits with an
 * optional 0x; base 10: decimal; base 0: 0x-prefixed hex, else decimal.
 * False on empty input, a stray character or overflow.
 */
bool vmc__parse_u64_base(const char *s, int base, uint64_t *out);
/* As parse_u64_base over the first @len bytes of @s. */
bool vmc__parse_u64_n(const char *s, size_t len, int base, uint64_t *out);

#endif
