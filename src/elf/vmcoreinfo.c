// SPDX-License-Identifier: MIT
/*
 * VMCOREINFO is "KEY=VALUE\n" text (kernel/vmcore_info.c): numbers are
 * decimal ("NUMBER(x)=%ld", "PAGESIZE=%ld", "LENGTH(x)=%lu", "OFFSET" and
 * "SIZE" too) except SYMBOL(x)=%lx and KERNELOFFSET=%lx, and on s390
 * (arch/s390/kernel/crash_dump.c) SAMODE31, EAMODE31, IDENTITYBASE and
 * KERNELOFFPHYS, which are hex without a prefix.  NUMBER() may be negative
 * (phys_base): vmc_vmcoreinfo_get_u64 then fails with VMC_ERR_RANGE.
 */
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/compiler.h"
#include "base/numparse.h"

VMC_EXPORT vmc_status vmc_vmcoreinfo_get(const char *text, size_t len,
					 const char *key, char *val, size_t cap)
{
	size_t klen = strlen(key), pos = 0;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		if (llen > klen && memcmp(line, key, klen) == 0 &&
		    line[klen] == '=') {
			size_t vlen = llen - klen - 1;

			if (vlen >= cap)
				return VMC_ERR_NOSPACE;
			memcpy(val, line + klen + 1, vlen);
			val[vlen] = '\0';
			return VMC_OK;
		}
		pos += llen + 1;
	}
	return VMC_ERR_NOTFOUND;
}

static vmc_status get_num(const char *text, size_t len, const char *key,
			  bool allow_neg, uint64_t *out)
{
	char val[64];
	vmc_status st = vmc_vmcoreinfo_get(text, len, key, val, sizeof(val));
	bool hex;

	if (st)
		return st;
	if (allow_neg && val[0] == '-') {
		uint64_t mag;

		if (!vmc__parse_u64_base(val + 1, 10, &mag))
			return VMC_ERR_CORRUPT;
		if (mag > (1ULL << 63))
			return VMC_ERR_RANGE;
		*out = (uint64_t)0 - mag;
		return VMC_OK;
	}
	hex = strncmp(key, "SYMBOL(", 7) == 0 ||
	      strcmp(key, "KERNELOFFSET") == 0 ||
	      strcmp(key, "SAMODE31") == 0 || strcmp(key, "EAMODE31") == 0 ||
	      strcmp(key, "IDENTITYBASE") == 0 ||
	      strcmp(key, "KERNELOFFPHYS") == 0;
	if (val[0] == '-')
		return VMC_ERR_RANGE;
	return vmc__parse_u64_base(val, hex ? 16 : 0, out) ? VMC_OK
						      : VMC_ERR_CORRUPT;
}

VMC_EXPORT vmc_status vmc_vmcoreinfo_get_u64(const char *text, size_t len,
					     const char *key, uint64_t *out)
{
	return get_num(text, len, key, false, out);
}

VMC_EXPORT vmc_status vmc_vmcoreinfo_get_s64(const char *text, size_t len,
					     const char *key, uint64_t *out)
{
	return get_num(text, len, key, true, out);
}
