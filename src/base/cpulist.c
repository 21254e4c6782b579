// SPDX-License-Identifier: MIT
/* CPU lists as lib/bitmap-str.c bitmap_print_to_pagebuf(list=true) prints
 * them: "0-3,8", a trailing newline, or empty. */
#include <string.h>

#include "vmcorekit/parse.h"
#include "base/compiler.h"
#include "base/numparse.h"

VMC_EXPORT vmc_status vmc_parse_cpulist(const char *s, size_t len,
					uint64_t *mask, size_t nbits,
					size_t *nr_out, vmc_error *e)
{
	size_t pos = 0, nr = 0;

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	while (pos < len) {
		const char *tok = s + pos;
		const char *comma = memchr(tok, ',', len - pos);
		size_t tlen = comma ? (size_t)(comma - tok) : len - pos;
		const char *dash = memchr(tok, '-', tlen);
		uint64_t a, b;

		if (dash) {
			if (!vmc__parse_u64_n(tok, (size_t)(dash - tok), 10, &a) ||
			    !vmc__parse_u64_n(dash + 1, tlen - (size_t)(dash - tok) - 1,
					 10, &b) || b < a)
				goto bad;
		} else {
			if (!vmc__parse_u64_n(tok, tlen, 10, &a))
				goto bad;
			b = a;
		}
		if (b >= nbits)
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "CPU %llu is beyond the supported %zu",
					     (unsigned long long)b, nbits);
		for (uint64_t c = a; c <= b; c++)
			mask[c / 64] |= 1ull << (c % 64);
		if (b + 1 > nr)
			nr = (size_t)b + 1;
		pos += tlen + 1;
	}
	*nr_out = nr;
	return VMC_OK;
bad:
	return vmc_error_set(e, VMC_ERR_CORRUPT, "malformed CPU list '%.*s'",
			     (int)(len > 64 ? 64 : len), s);
}
