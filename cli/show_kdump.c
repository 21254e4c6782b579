// SPDX-License-Identifier: MIT
/* vmcorekit show of makedumpfile's kdump-compressed and flattened files:
 * the summary and contents (show_contents.c), then the header, the
 * sub-header and the bitmap summary (what -d left out). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "show.h"

#define CMD "show"

static void header_text(const char *path, const struct vmc_diskdump_info *in)
{
	char lv[80];

	vmc_diskdump_dump_level_str(in->dump_level, lv, sizeof(lv));
	printf("%s: kdump-compressed (makedumpfile)%s, %s-endian, %s layout, "
	       "header_version %d, %" PRIu64 " bytes\n", path,
	       in->container == VMC_DISKDUMP_FLAT ? ", flattened (-F)" : "",
	       in->order == VMC_LE ? "little" : "big",
	       in->abi == VMC_DISKDUMP_LP64 ? "LP64" : "ILP32",
	       in->header_version, in->file_size);
	printf("  utsname:    %s %s %s %s %s\n", in->sysname, in->nodename,
	       in->release, in->version, in->machine);
	printf("  timestamp:  %" PRId64 ".%06" PRId64 "  status 0x%x "
	       "(compression %s%s)\n", in->tv_sec, in->tv_usec, in->status,
	       vmc_diskdump_compression_name(in->status),
	       in->status & VMC_DISKDUMP_INCOMPLETE ? ", INCOMPLETE" : "");
	printf("  block_size %u, sub_hdr_size %u blocks, bitmap_blocks %u, "
	       "nr_cpus %d\n", in->block_size, in->sub_hdr_size,
	       in->bitmap_blocks, in->nr_cpus);
	printf("  sub-header: phys_base 0x%" PRIx64 ", dump_level %d (%s "
	       "excluded)%s\n", in->phys_base, in->dump_level, lv,
	       in->split ? ", split" : "");
	if (in->split)
		printf("  split: pfns [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
		       in->start_pfn, in->end_pfn);
	printf("  VMCOREINFO at 0x%" PRIx64 " (%" PRIu64 " bytes), notes at "
	       "0x%" PRIx64 " (%" PRIu64 " bytes), eraseinfo at 0x%" PRIx64
	       " (%" PRIu64 " bytes)\n", in->offset_vmcoreinfo,
	       in->size_vmcoreinfo, in->offset_note, in->size_note,
	       in->offset_eraseinfo, in->size_eraseinfo);
	printf("Pages: max_mapnr %" PRIu64 ", RAM %" PRIu64 " (first "
	       "bitmap), kept %" PRIu64 ", excluded %" PRIu64 " (%" PRIu64
	       " MiB)\n", in->max_mapnr, in->ram_pages, in->kept_pages,
	       in->ram_pages > in->kept_pages ? in->ram_pages - in->kept_pages
					      : 0,
	       (in->ram_pages > in->kept_pages ? in->ram_pages - in->kept_pages
					       : 0) * in->block_size >> 20);
}

static void header_json(struct json *j, const struct vmc_diskdump_info *in)
{
	char lv[80];

	vmc_diskdump_dump_level_str(in->dump_level, lv, sizeof(lv));
	json_str(j, "kind", "kdump-compressed");
	json_bool(j, "flattened", in->container == VMC_DISKDUMP_FLAT);
	json_str(j, "byte_order", in->order == VMC_LE ? "little" : "big");
	json_u64(j, "class", in->abi == VMC_DISKDUMP_LP64 ? 64 : 32);
	json_u64(j, "file_size", in->file_size);
	json_obj_begin(j, "header");
	json_i64(j, "header_version", in->header_version);
	json_str(j, "sysname", in->sysname);
	json_str(j, "nodename", in->nodename);
	json_str(j, "release", in->release);
	json_str(j, "version", in->version);
	json_str(j, "machine", in->machine);
	json_str(j, "domainname", in->domainname);
	json_i64(j, "tv_sec", in->tv_sec);
	json_i64(j, "tv_usec", in->tv_usec);
	json_hex(j, "status", in->status);
	json_str(j, "compression", vmc_diskdump_compression_name(in->status));
	json_bool(j, "incomplete", in->status & VMC_DISKDUMP_INCOMPLETE);
	json_u64(j, "block_size", in->block_size);
	json_u64(j, "sub_hdr_size", in->sub_hdr_size);
	json_u64(j, "bitmap_blocks", in->bitmap_blocks);
	json_i64(j, "nr_cpus", in->nr_cpus);
	json_obj_end(j);
	json_obj_begin(j, "sub_header");
	json_hex(j, "phys_base", in->phys_base);
	json_i64(j, "dump_level", in->dump_level);
	json_str(j, "excluded_kinds", lv);
	json_bool(j, "split", in->split);
	json_u64(j, "start_pfn", in->start_pfn);
	json_u64(j, "end_pfn", in->end_pfn);
	json_hex(j, "offset_vmcoreinfo", in->offset_vmcoreinfo);
	json_u64(j, "size_vmcoreinfo", in->size_vmcoreinfo);
	json_hex(j, "offset_note", in->offset_note);
	json_u64(j, "size_note", in->size_note);
	json_hex(j, "offset_eraseinfo", in->offset_eraseinfo);
	json_u64(j, "size_eraseinfo", in->size_eraseinfo);
	json_u64(j, "max_mapnr", in->max_mapnr);
	json_obj_end(j);
	json_obj_begin(j, "pages");
	json_u64(j, "ram", in->ram_pages);
	json_u64(j, "kept", in->kept_pages);
	json_u64(j, "excluded", in->ram_pages > in->kept_pages
				? in->ram_pages - in->kept_pages : 0);
	json_obj_end(j);
}

int show_kdump(const char *path, vmc_source *src, bool json, bool vi_only)
{
	const struct vmc_diskdump_info *in;
	struct contents *c = calloc(1, sizeof(*c));
	vmc_diskdump *d = NULL;
	uint8_t *notes = NULL;
	char *vi = NULL;
	size_t nlen = 0, vlen = 0;
	vmc_error e = { 0 };
	struct json j;
	int rc = EXIT_OK;

	if (!c)
		return EXIT_ENV;
	if (vmc_diskdump_open(&d, src, &e) ||
	    vmc_diskdump_read_notes(d, &notes, &nlen, &e) ||
	    vmc_diskdump_read_vmcoreinfo(d, &vi, &vlen, &e)) {
		vmc_error_prefix(&e, "%s", path);
		rc = fail(CMD, &e);
		goto out;
	}
	in = vmc_diskdump_info(d);
	c->id = in->id;
	contents_add_notes(c, notes, nlen);
	/* offset_vmcoreinfo points into the note copy; use it when the note
	 * walk did not find one (a header without notes). */
	if (vi && !c->vmcoreinfo) {
		c->vmcoreinfo = vi;
		c->vmcoreinfo_len = vlen;
	}
	c->ram_bytes = in->ram_pages * in->block_size;
	c->ram_note = " in the first bitmap";
	c->release = in->release;
	c->fallback_time = in->tv_sec;
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "file", path);
	}
	if (vi_only) {
		contents_vmcoreinfo(&j, json, c, true);
	} else {
		contents_summary(&j, json, c);
		if (json)
			header_json(&j, in);
		else
			header_text(path, in);
		contents_cpus(&j, json, c);
		contents_other_notes(&j, json, c);
		contents_vmcoreinfo(&j, json, c, false);
	}
	if (json) {
		json_obj_end(&j);
		json_done(&j);
	}
out:
	vmc_buf_free(notes);
	vmc_buf_free(vi);
	vmc_diskdump_free(d);
	free(c);
	return rc;
}
