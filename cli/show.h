/* SPDX-License-Identifier: MIT */
/* show: the contents shared by the ELF and kdump-compressed paths
 * (show_contents.c) and the kdump-compressed path (show_kdump.c). */
#ifndef VMC_CLI_SHOW_H
#define VMC_CLI_SHOW_H

#include "cli.h"

#define CONTENTS_MAX_NOTES 4096

struct contents {
	struct vmc_elf_id id;
	struct vmc_note notes[CONTENTS_MAX_NOTES];	/* point into buffers */
	size_t nr_notes;
	unsigned nr_cpus;
	const char *vmcoreinfo;
	size_t vmcoreinfo_len;
	uint64_t ram_bytes;
	const char *ram_note;	/* "" or what ram_bytes counts */
	const char *release;	/* utsname, when VMCOREINFO has none */
	int64_t fallback_time;	/* the dump's own timestamp, or -1 */
};

void contents_add_notes(struct contents *c, const uint8_t *buf, size_t len);
void contents_summary(struct json *j, bool json, const struct contents *c);
void contents_cpus(struct json *j, bool json, const struct contents *c);
void contents_other_notes(struct json *j, bool json, const struct contents *c);
void contents_vmcoreinfo(struct json *j, bool json, const struct contents *c,
			 bool raw);

/* show of a kdump-compressed or flattened file; returns the exit code. */
int show_kdump(const char *path, vmc_source *src, bool json, bool vi_only);

#endif
