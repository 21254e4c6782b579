// SPDX-License-Identifier: MIT
#include <string.h>

#include "vmcorekit/parse.h"
#include "vmcorekit/ranges.h"
#include "base/compiler.h"
#include "base/numparse.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

bool vmc__parse_u64_n(const char *s, size_t len, int base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (base == 0) {
		base = 10;
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			base = 16;
	}
	if (base == 16 && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == len)
		return false;
	for (; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return true;
}

bool vmc__parse_u64_base(const char *s, int base, uint64_t *out)
{
	return vmc__parse_u64_n(s, strlen(s), base, out);
}

VMC_EXPORT vmc_status vmc_parse_u64(const char *s, uint64_t *out, vmc_error *e)
{
	static const struct { const char *sfx; unsigned shift; } sfx[] = {
		{ "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 }, { "TiB", 40 },
		{ "K", 10 }, { "M", 20 }, { "G", 30 }, { "T", 40 },
		{ "k", 10 }, { "m", 20 }, { "g", 30 }, { "t", 40 },
	};
	size_t len = strlen(s);
	unsigned shift = 0;
	bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t v;

	/* A hex number ending in a digit-like letter is not a suffix. */
	for (size_t i = 0; !hex && i < ARRAY_SIZE(sfx); i++) {
		size_t l = strlen(sfx[i].sfx);

		if (len > l && strcmp(s + len - l, sfx[i].sfx) == 0) {
			shift = sfx[i].shift;
			len -= l;
			break;
		}
	}
	if (!vmc__parse_u64_n(s, len, 0, &v)) {
		/* Distinguish overflow from bad syntax for the message. */
		bool digits = len > 0;

		for (size_t i = hex ? 2 : 0; i < len; i++)
			if (digit_value(s[i]) >= (hex ? 16 : 10))
				digits = false;
		if (digits)
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "number '%s' is too large", s);
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "'%s' is not a number (use 0x... hex, "
				     "decimal, or a K/M/G/T suffix)", s);
	}
	if (shift && v > (UINT64_MAX >> shift))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "number '%s' is too large", s);
	*out = v << shift;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_parse_range(const char *s, uint64_t *start,
				      uint64_t *end, vmc_error *e)
{
	const char *sep = strpbrk(s, "-+");
	char a[64];
	uint64_t x, y;
	vmc_status st;

	if (!sep || sep == s || (size_t)(sep - s) >= sizeof(a))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "'%s' is not a range (START-END or "
				     "START+SIZE)", s);
	memcpy(a, s, (size_t)(sep - s));
	a[sep - s] = '\0';
	st = vmc_parse_u64(a, &x, e);
	if (!st)
		st = vmc_parse_u64(sep + 1, &y, e);
	if (st)
		return PREFIXED(st, e, "range '%s'", s);
	if (*sep == '+') {
		if (add_overflows_u64(x, y, end))
			return vmc_error_set(e, VMC_ERR_RANGE,
					     "range '%s' passes 2^64", s);
		*start = x;
		return VMC_OK;
	}
	if (y < x)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "range '%s' ends before it starts", s);
	if (y == UINT64_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "range '%s' reaches 2^64", s);
	*start = x;
	*end = y + 1;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_parse_ranges_text(const char *text, size_t len,
					    vmc_ranges *out, vmc_error *e)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - p) : len - pos;
		char line[128];
		uint64_t start, end;
		vmc_status st;

		pos += l + 1;
		lineno++;
		while (l && (*p == ' ' || *p == '\t')) {
			p++;
			l--;
		}
		while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' ||
			     p[l - 1] == '\r'))
			l--;
		if (l == 0 || *p == '#')
			continue;
		if (l >= sizeof(line))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "line %zu is too long", lineno);
		memcpy(line, p, l);
		line[l] = '\0';
		st = vmc_parse_range(line, &start, &end, e);
		if (!st)
			st = vmc_ranges_add(out, start, end, e);
		if (st) {
			return PREFIXED(st, e, "line %zu", lineno);
		}
	}
	return VMC_OK;
}
