// SPDX-License-Identifier: MIT
/*
 * One log record as makedumpfile --dump-dmesg writes it (printk.c
 * dump_record; makedumpfile.c dump_log_entry for log_buf):
 *
 *   "[%5lld.%06ld] " seconds (ts_nsec / 10^9 printed signed), microseconds
 *   "[%8s] "         "T<pid>" or "C<cpu>" (caller_id bit 31): only
 *                    makedumpfile >= 1.7.5 (commit "add PRINTK_CALLER id
 *                    support"), so only when asked
 *   text             '\n' → newline + the prefix's width of spaces;
 *                    isprint() || isspace() in the C locale → as is;
 *                    anything else "\\x%02x" of the *signed* char, so a
 *                    byte >= 0x80 prints as \xffffff80 ... \xffffffff
 *   "\n"
 */
#include <stdio.h>
#include <string.h>

#include "guest/guest_priv.h"
#include "base/compiler.h"

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap)
		memcpy(o->buf + o->len, s,
		       n < o->cap - o->len ? n : o->cap - o->len);
	o->len += n;
}

/* isprint || isspace of the C locale, without depending on the locale. */
static bool plain(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= '\t' && c <= '\r');
}

VMC_EXPORT size_t vmc_guest_log_format(const struct vmc_guest_log_record *r,
				       bool caller_id, char *buf, size_t cap)
{
	struct out o = { buf, buf ? cap : 0, 0 };
	char pre[64], tmp[16];
	int n;
	size_t indent;

	n = snprintf(pre, sizeof(pre), "[%5lld.%06ld] ",
		     (long long)(r->ts_nsec / 1000000000ULL),
		     (long)(r->ts_nsec % 1000000000ULL / 1000));
	if (caller_id && r->has_caller_id) {
		char cid[16];

		snprintf(cid, sizeof(cid), "%c%u",
			 (r->caller_id & 0x80000000u) ? 'C' : 'T',
			 r->caller_id & ~0x80000000u);
		n += snprintf(pre + n, sizeof(pre) - (size_t)n, "[%8s] ", cid);
	}
	indent = (size_t)n;
	put(&o, pre, indent);
	for (size_t i = 0; i < r->text_len; i++) {
		unsigned char c = (unsigned char)r->text[i];

		if (c == '\n') {
			put(&o, "\n", 1);
			for (size_t s = 0; s < indent; s++)
				put(&o, " ", 1);
		} else if (plain(c)) {
			put(&o, (const char *)&c, 1);
		} else {
			n = snprintf(tmp, sizeof(tmp), "\\x%02x",
				     (unsigned)(int)(signed char)c);
			put(&o, tmp, (size_t)n);
		}
	}
	put(&o, "\n", 1);
	return o.len;
}
