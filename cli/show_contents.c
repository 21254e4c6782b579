// SPDX-License-Identifier: MIT
/*
 * What a crash analyst reads first, for any dump show opens (an ELF
 * vmcore, makedumpfile's kdump-compressed or flattened file): a
 * one-screen summary, then the CPUs' registers by name (NT_PRSTATUS,
 * decoded by the library's per-arch table), NT_PRPSINFO, device dumps by
 * name and size, and every VMCOREINFO key.  The notes are walked from
 * byte buffers, so both containers print the same way.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "show.h"

void contents_add_notes(struct contents *c, const uint8_t *buf, size_t len)
{
	struct vmc_note_iter it;
	struct vmc_note n;

	vmc_notes_iter_init(&it, buf, len, c->id.order);
	while (vmc_notes_next(&it, &n) == VMC_OK) {
		const char *tn = vmc_note_type_name(&n);

		if (c->nr_notes < CONTENTS_MAX_NOTES)
			c->notes[c->nr_notes++] = n;
		if (tn && !strcmp(tn, "NT_PRSTATUS"))
			c->nr_cpus++;
		if (tn && !strcmp(tn, "VMCOREINFO") && !c->vmcoreinfo) {
			c->vmcoreinfo = (const char *)n.desc;
			c->vmcoreinfo_len = n.descsz;
		}
	}
}

static void vi_get(const struct contents *c, const char *key, char *val,
		   size_t cap)
{
	val[0] = '\0';
	if (c->vmcoreinfo)
		vmc_vmcoreinfo_get(c->vmcoreinfo, c->vmcoreinfo_len, key, val,
				   cap);
}

static void crash_time(const struct contents *c, char *buf, size_t cap,
		       int64_t *secs)
{
	char val[32];
	uint64_t t = 0;
	time_t tt;
	struct tm tm;

	*secs = -1;
	buf[0] = '\0';
	/* crash_save_vmcoreinfo appends CRASHTIME=<seconds> at the crash;
	 * makedumpfile's header has its own timestamp (the dump time). */
	vi_get(c, "CRASHTIME", val, sizeof(val));
	if (val[0] && vmc_parse_u64(val, &t, NULL) == VMC_OK)
		*secs = (int64_t)t;
	else if (c->fallback_time > 0)
		*secs = c->fallback_time;
	if (*secs < 0)
		return;
	tt = (time_t)*secs;
	if (gmtime_r(&tt, &tm))
		strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void contents_summary(struct json *j, bool json, const struct contents *c)
{
	char rel[128], tbuf[64], pg[32];
	int64_t secs;

	vi_get(c, "OSRELEASE", rel, sizeof(rel));
	if (!rel[0] && c->release)
		snprintf(rel, sizeof(rel), "%s", c->release);
	vi_get(c, "PAGESIZE", pg, sizeof(pg));
	crash_time(c, tbuf, sizeof(tbuf), &secs);
	if (json) {
		json_obj_begin(j, "summary");
		json_str(j, "kernel_release", rel);
		if (secs >= 0) {
			json_i64(j, "crash_time", secs);
			json_str(j, "crash_time_utc", tbuf);
		} else {
			json_null(j, "crash_time");
		}
		json_u64(j, "cpus", c->nr_cpus);
		json_u64(j, "ram_bytes", c->ram_bytes);
		json_null(j, "panic_cpu");
		json_obj_end(j);
		return;
	}
	printf("Kernel:     %s\n", rel[0] ? rel : "(no VMCOREINFO OSRELEASE)");
	printf("Crash time: %s%s\n", secs >= 0 ? tbuf : "unknown",
	       secs >= 0 && !c->vmcoreinfo ? " (dump time)" : "");
	printf("CPUs:       %u (NT_PRSTATUS notes); the panic CPU is not "
	       "recorded in them\n", c->nr_cpus);
	printf("RAM:        %" PRIu64 " bytes (%" PRIu64 " MiB)%s\n",
	       c->ram_bytes, c->ram_bytes >> 20, c->ram_note);
}

static void show_regs(struct json *j, bool json, const struct vmc_prstatus *pr)
{
	if (json) {
		json_obj_begin(j, "registers");
		for (unsigned r = 0; r < pr->nr_regs; r++)
			json_hex(j, pr->reg_names[r], pr->regs[r]);
		json_obj_end(j);
		return;
	}
	for (unsigned r = 0; r < pr->nr_regs; r++)
		printf("%s%-9s 0x%016" PRIx64, r % 4 ? "  " : r ? "\n    "
							       : "    ",
		       pr->reg_names[r], pr->regs[r]);
	if (pr->nr_regs)
		printf("\n");
}

void contents_cpus(struct json *j, bool json, const struct contents *c)
{
	unsigned cpu = 0;

	if (json)
		json_arr_begin(j, "cpus");
	else
		printf("CPUs (%u):\n", c->nr_cpus);
	for (size_t i = 0; i < c->nr_notes; i++) {
		const struct vmc_note *n = &c->notes[i];
		const char *tn = vmc_note_type_name(n);
		struct vmc_prstatus pr;
		vmc_error e = { 0 };

		if (!tn || strcmp(tn, "NT_PRSTATUS"))
			continue;
		if (vmc_prstatus_decode(&c->id, n->desc, n->descsz, &pr, &e)) {
			if (json) {
				json_obj_begin(j, NULL);
				json_u64(j, "cpu", cpu);
				json_str(j, "error", e.msg);
				json_obj_end(j);
			} else {
				printf("  CPU %u: %s\n", cpu, e.msg);
			}
			cpu++;
			continue;
		}
		if (json) {
			json_obj_begin(j, NULL);
			json_u64(j, "cpu", cpu);
			json_i64(j, "pid", pr.pid);
			json_hex(j, "ip", pr.ip);
			json_hex(j, "sp", pr.sp);
			show_regs(j, json, &pr);
			json_obj_end(j);
		} else {
			printf("  CPU %u: pid %d ip 0x%" PRIx64 " sp 0x%" PRIx64
			       "\n", cpu, pr.pid, pr.ip, pr.sp);
			show_regs(j, json, &pr);
		}
		cpu++;
	}
	if (json)
		json_arr_end(j);
}

void contents_other_notes(struct json *j, bool json, const struct contents *c)
{
	if (json)
		json_arr_begin(j, "device_dumps");
	for (size_t i = 0; i < c->nr_notes; i++) {
		const char *tn = vmc_note_type_name(&c->notes[i]);
		struct vmc_vmcoredd dd;

		if (!tn || strcmp(tn, "NT_VMCOREDD") ||
		    vmc_vmcoredd_decode(&c->notes[i], &dd, NULL))
			continue;
		if (json) {
			json_obj_begin(j, NULL);
			json_str(j, "name", dd.name);
			json_u64(j, "size", dd.data_len);
			json_obj_end(j);
		} else {
			printf("Device dump: %s, %zu bytes\n", dd.name,
			       dd.data_len);
		}
	}
	if (json)
		json_arr_end(j);
	for (size_t i = 0; i < c->nr_notes; i++) {
		const char *tn = vmc_note_type_name(&c->notes[i]);
		struct vmc_prpsinfo ps;

		if (!tn || strcmp(tn, "NT_PRPSINFO") ||
		    vmc_prpsinfo_decode(&c->id, c->notes[i].desc,
					c->notes[i].descsz, &ps, NULL))
			continue;
		if (json) {
			json_obj_begin(j, "prpsinfo");
			json_i64(j, "pid", ps.pid);
			json_i64(j, "ppid", ps.ppid);
			json_str(j, "fname", ps.fname);
			json_str(j, "psargs", ps.psargs);
			json_obj_end(j);
		} else {
			printf("NT_PRPSINFO: pid %d ppid %d fname '%s' psargs "
			       "'%s'\n", ps.pid, ps.ppid, ps.fname, ps.psargs);
		}
	}
}

/* VMCOREINFO as KEY=VALUE lines: raw, the note's exact text; JSON, an
 * object of every key (a repeated key keeps its first value, as
 * vmc_vmcoreinfo_get does). */
void contents_vmcoreinfo(struct json *j, bool json, const struct contents *c,
			 bool raw)
{
	const char *p = c->vmcoreinfo, *end = p + c->vmcoreinfo_len;

	if (raw && !json) {
		if (p)
			fwrite(p, 1, c->vmcoreinfo_len, stdout);
		return;
	}
	if (json)
		json_obj_begin(j, "vmcoreinfo");
	else
		printf("VMCOREINFO (%zu bytes):\n", c->vmcoreinfo_len);
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(line_end - p));

		if (eq && eq > p && !memchr(p, '\0', (size_t)(line_end - p))) {
			char key[128];
			size_t kl = (size_t)(eq - p);

			if (kl >= sizeof(key))
				kl = sizeof(key) - 1;
			memcpy(key, p, kl);
			key[kl] = '\0';
			if (json)
				json_strn(j, key, eq + 1,
					  (size_t)(line_end - eq - 1));
			else
				printf("  %.*s\n", (int)(line_end - p), p);
		}
		p = line_end + 1;
	}
	if (json)
		json_obj_end(j);
}
