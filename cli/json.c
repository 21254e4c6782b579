// SPDX-License-Identifier: MIT
/*
 * JSON output.  Stable conventions (docs/json.md): addresses and offsets
 * are strings "0x..." (64-bit values do not survive IEEE doubles), sizes
 * and counts are numbers, a range is "start" + "size" + its text form
 * "range" (START-END, END inclusive), an ELF class is "ELF32"/"ELF64".
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
	j->pretty = true;
}

static void sep(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->pretty && j->depth) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		fprintf(j->f, "\"%s\": ", key);
	}
}

/*
 * A JSON string (RFC 8259): well-formed UTF-8 passes as it is ("über"
 * stays "über"), control characters become \\uXXXX, and a byte that is
 * not UTF-8 becomes U+FFFD, so the document is always valid UTF-8.
 */
static void escaped(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t l = utf8_seq_len(s + i, n - i);

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (l == 0)
			fputs("\\ufffd", f);
		else
			fwrite(s + i, 1, l, f);
		i += l ? l : 1;
	}
	fputc('"', f);
}

static void open_(struct json *j, const char *key, char c)
{
	sep(j, key);
	fputc(c, j->f);
	j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (j->pretty && !empty) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void json_obj_begin(struct json *j, const char *key) { open_(j, key, '{'); }
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j, const char *key) { open_(j, key, '['); }
void json_arr_end(struct json *j) { close_(j, ']'); }

void json_strn(struct json *j, const char *key, const char *val, size_t n)
{
	sep(j, key);
	escaped(j->f, val, n);
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, strlen(val));
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	sep(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	sep(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void json_hex(struct json *j, const char *key, uint64_t v)
{
	sep(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void json_f64(struct json *j, const char *key, double v)
{
	sep(j, key);
	fprintf(j->f, "%.6f", v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	sep(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	sep(j, key);
	fputs("null", j->f);
}

void json_done(struct json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}

void json_range(struct json *j, uint64_t start, uint64_t end)
{
	char text[64];

	json_hex(j, "start", start);
	json_u64(j, "size", end - start);
	range_text(text, sizeof(text), start, end);
	json_str(j, "range", text);
}

void json_elf_class(struct json *j, enum vmc_class cls)
{
	json_str(j, "class", cls == VMC_CLASS_64 ? "ELF64" : "ELF32");
}

void json_endian(struct json *j, enum vmc_order order)
{
	json_str(j, "endian", order == VMC_LE ? "little" : "big");
}

char *range_text(char *buf, size_t len, uint64_t start, uint64_t end)
{
	if (end > start)
		snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64, start, end - 1);
	else
		snprintf(buf, len, "0x%" PRIx64 "+0", start);
	return buf;
}

void json_diff_items(struct json *j, const vmc_diff *d)
{
	json_arr_begin(j, "differences");
	for (size_t i = 0; d && i < vmc_diff_count(d); i++) {
		const struct vmc_diff_item *it = vmc_diff_get(d, i);

		json_obj_begin(j, NULL);
		json_str(j, "kind", vmc_diff_kind_name(it->kind));
		if (it->end)
			json_range(j, it->start, it->end);
		json_str(j, "text", it->text);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void print_diff_items(FILE *f, const vmc_diff *d)
{
	for (size_t i = 0; d && i < vmc_diff_count(d); i++) {
		const struct vmc_diff_item *it = vmc_diff_get(d, i);

		fprintf(f, "%-11s %s\n", vmc_diff_kind_name(it->kind), it->text);
	}
}

void json_warning_items(struct json *j, const vmc_warnings *w)
{
	for (size_t i = 0; i < vmc_warnings_count(w); i++)
		json_str(j, NULL, vmc_warnings_get(w, i)->msg);
}
