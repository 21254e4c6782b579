// SPDX-License-Identifier: MIT
/*
 * Bytes from the input (note names, device-dump names, VMCOREINFO values)
 * on the way to a terminal or a JSON document: valid UTF-8 passes, anything
 * else is escaped, so a hostile file cannot send terminal control sequences
 * and JSON output stays valid UTF-8.
 */
#include "cli.h"

/*
 * Length of the well-formed UTF-8 sequence at @s (at most @n bytes), 0 if
 * none (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF).  Control characters are left to the caller.
 */
size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;	/* the second byte's range */

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void text_escaped(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq_len(s + i, n - i);

		if (l == 0 || s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\') {
			fprintf(f, s[i] == '\\' ? "\\\\" : "\\x%02x", s[i]);
			i++;
			continue;
		}
		fwrite(s + i, 1, l, f);
		i += l;
	}
}
