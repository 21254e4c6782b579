// SPDX-License-Identifier: MIT
/* vmcorekit show: describe an elfcorehdr or a vmcore. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "show.h"

#define CMD "show"

struct show_args {
	bool json, strict, vmcoreinfo;
	uint64_t page;
};

static vmc_status opt_page(void *args, const char *arg, vmc_error *e)
{
	struct show_args *a = args;

	if (vmc_parse_u64(arg, &a->page, e) || a->page == 0 ||
	    (a->page & (a->page - 1)))
		return vmc_error_set(e, VMC_ERR_INVALID, "bad --page-size '%s' "
				     "(want a power of two)", arg);
	return VMC_OK;
}

static const struct opt opts[] = {
	OPT_FLAG_(struct show_args, "json", json,
		  "machine-readable output (docs/json.md)"),
	OPT_CALL_("page-size", "N", opt_page,
		  "page size for the alignment check (default: VMCOREINFO's "
		  "PAGESIZE, else 4096; one that disagrees is a warning)"),
	OPT_FLAG_(struct show_args, "strict", strict,
		  "exit 1 when there are lint warnings"),
	OPT_FLAG_(struct show_args, "vmcoreinfo", vmcoreinfo,
		  "print only VMCOREINFO: the note's exact text,\n"
		  "or with --json an object of every key"),
	{ 0 },
};

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit show FILE [--json] [--vmcoreinfo] [--page-size N]",
	.about =
"Describe a dump: an elfcorehdr, a vmcore, a QEMU dump-guest-memory file,\n"
"makedumpfile -E output, or makedumpfile's kdump-compressed (-c/-l/-p/-z)\n"
"and flattened (-F) files.  Prints a summary (kernel release, crash time,\n"
"CPUs, RAM), the ELF or kdump header, the program headers (p_offset of an\n"
"elfcorehdr is a physical address), the decoded notes, each CPU's registers\n"
"by name, device dumps, every VMCOREINFO key, a memory summary (for a\n"
"kdump-compressed file: the pages makedumpfile -d left out), the layout\n"
"(who wrote the file) and the lint warnings that are wrong for it.",
	.opts = opts,
	.footer =
"Exit: 0 ok, 1 malformed input (or warnings with --strict), 2 usage,\n"
"3 I/O.",
};

static const char *type_name(uint32_t t)
{
	switch (t) {
	case VMC_PT_NULL: return "NULL";
	case VMC_PT_LOAD: return "LOAD";
	case VMC_PT_NOTE: return "NOTE";
	}
	return "OTHER";
}

static const char *role_name(enum vmc_role r)
{
	switch (r) {
	case VMC_ROLE_NOTE: return "notes";
	case VMC_ROLE_RAM: return "ram";
	case VMC_ROLE_MAPPING: return "mapping";
	default: return "other";
	}
}

struct out {
	struct json j;
	bool json;
};

static void note_detail(struct out *o, const struct vmc_elf_id *id,
			const struct vmc_note *n)
{
	const char *tn = vmc_note_type_name(n);
	int nl = (int)vmc_note_name_len(n);
	char val[128];

	if (o->json) {
		json_obj_begin(&o->j, NULL);
		json_strn(&o->j, "name", n->name, (size_t)nl);
		json_u64(&o->j, "type", n->type);
		json_str(&o->j, "type_name", tn);
		json_u64(&o->j, "descsz", n->descsz);
		json_hex(&o->j, "offset", n->off);
	} else {
		printf("  ");
		text_escaped(stdout, n->name, (size_t)nl);
		printf("%*s %-14s descsz %-6u", nl < 10 ? 10 - nl : 0, "",
		       tn ? tn : "?", n->descsz);
	}
	if (tn && !strcmp(tn, "NT_PRSTATUS")) {
		struct vmc_prstatus pr;

		if (vmc_prstatus_decode(id, n->desc, n->descsz, &pr, NULL) ==
		    VMC_OK) {
			if (o->json) {
				json_i64(&o->j, "pid", pr.pid);
				json_hex(&o->j, "ip", pr.ip);
				json_hex(&o->j, "sp", pr.sp);
			} else {
				printf(" pid %d ip 0x%" PRIx64 " sp 0x%" PRIx64,
				       pr.pid, pr.ip, pr.sp);
			}
		}
	} else if (tn && !strcmp(tn, "NT_PRPSINFO")) {
		struct vmc_prpsinfo ps;

		if (vmc_prpsinfo_decode(id, n->desc, n->descsz, &ps, NULL) ==
		    VMC_OK) {
			if (o->json) {
				json_i64(&o->j, "pid", ps.pid);
				json_str(&o->j, "fname", ps.fname);
			} else {
				printf(" pid %d fname ", ps.pid);
				text_escaped(stdout, ps.fname,
					     strlen(ps.fname));
			}
		}
	} else if (tn && !strcmp(tn, "VMCOREINFO")) {
		static const char *const keys[] = { "OSRELEASE", "PAGESIZE",
						    "KERNELOFFSET", "BUILD-ID" };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (vmc_vmcoreinfo_get((const char *)n->desc, n->descsz,
					       keys[k], val, sizeof(val)))
				continue;
			if (o->json)
				json_str(&o->j, keys[k], val);
			else {
				printf(" %s=", keys[k]);
				text_escaped(stdout, val, strlen(val));
			}
		}
	} else if (tn && !strcmp(tn, "NT_VMCOREDD")) {
		struct vmc_vmcoredd dd;

		if (vmc_vmcoredd_decode(n, &dd, NULL) == VMC_OK) {
			if (o->json) {
				json_str(&o->j, "dump_name", dd.name);
				json_u64(&o->j, "dump_size", dd.data_len);
			} else {
				printf(" dump '");
				text_escaped(stdout, dd.name, strlen(dd.name));
				printf("' %zu bytes", dd.data_len);
			}
		}
	}
	if (o->json)
		json_obj_end(&o->j);
	else
		printf("\n");
}

static void show_notes(struct out *o, const vmc_elfcore *c, size_t i)
{
	const struct vmc_ehdr *eh = vmc_elfcore_ehdr(c);
	struct vmc_note_iter it;
	struct vmc_note n;
	uint8_t *buf;
	size_t len;

	if (vmc_elfcore_read_segment(c, i, &buf, &len, NULL))
		return;
	vmc_notes_iter_init(&it, buf, len, eh->id.order);
	if (o->json)
		json_arr_begin(&o->j, "notes");
	else
		printf("Notes in segment %zu:\n", i);
	while (vmc_notes_next(&it, &n) == VMC_OK)
		note_detail(o, &eh->id, &n);
	if (o->json)
		json_arr_end(&o->j);
	vmc_buf_free(buf);
}

/*
 * Notes to decode: every PT_NOTE of a vmcore; of an elfcorehdr, those
 * built with the header in new memory (s390 zfcpdump, powerpc fadump),
 * which lie in the file -- the others are in old memory.
 */
static bool has_notes(const vmc_elfcore *c, size_t i, bool hdr)
{
	return vmc_elfcore_phdr(c, i)->type == VMC_PT_NOTE &&
	       (!hdr || vmc_elfcore_segment_in_file(c, i));
}

static void show_phdrs(struct out *o, const vmc_elfcore *c,
		       const vmc_report *r, bool hdr)
{
	size_t n = vmc_elfcore_nr_phdrs(c);

	if (o->json)
		json_arr_begin(&o->j, "phdrs");
	else
		printf("Program headers (%zu)%s:\n  %-5s %-4s %-7s %-18s %-18s "
		       "%-18s %-12s %-12s %s\n", n,
		       hdr ? ", p_offset is a physical address" : "",
		       "#", "type", "role", "offset", "vaddr", "paddr",
		       "filesz", "memsz", "flg");
	for (size_t i = 0; i < n; i++) {
		const struct vmc_phdr *p = vmc_elfcore_phdr(c, i);

		if (o->json) {
			json_obj_begin(&o->j, NULL);
			json_str(&o->j, "type", type_name(p->type));
			json_str(&o->j, "role", role_name(vmc_report_role(r, i)));
			json_hex(&o->j, "offset", p->offset);
			json_hex(&o->j, "vaddr", p->vaddr);
			json_hex(&o->j, "paddr", p->paddr);
			json_u64(&o->j, "filesz", p->filesz);
			json_u64(&o->j, "memsz", p->memsz);
			json_u64(&o->j, "flags", p->flags);
			json_u64(&o->j, "align", p->align);
			if (has_notes(c, i, hdr))
				show_notes(o, c, i);
			json_obj_end(&o->j);
			continue;
		}
		printf("  %-5zu %-4s %-7s 0x%016" PRIx64 " 0x%016" PRIx64
		       " 0x%016" PRIx64 " 0x%010" PRIx64 " 0x%010" PRIx64
		       " %c%c%c\n", i, type_name(p->type),
		       role_name(vmc_report_role(r, i)), p->offset, p->vaddr,
		       p->paddr, p->filesz, p->memsz,
		       p->flags & VMC_PF_R ? 'R' : ' ',
		       p->flags & VMC_PF_W ? 'W' : ' ',
		       p->flags & VMC_PF_X ? 'X' : ' ');
	}
	if (o->json) {
		json_arr_end(&o->j);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (has_notes(c, i, hdr))
			show_notes(o, c, i);
}

static void show_summary(struct out *o, const vmc_report *r)
{
	const struct vmc_memory_summary *s = vmc_report_summary(r);

	if (o->json) {
		json_obj_begin(&o->j, "memory");
		json_u64(&o->j, "ram_bytes", s->ram_bytes);
		json_u64(&o->j, "ram_loads", s->nr_ram);
		json_u64(&o->j, "mappings", s->nr_mappings);
		json_u64(&o->j, "holes", s->nr_holes);
		json_u64(&o->j, "hole_bytes", s->hole_bytes);
		json_obj_begin(&o->j, "span");	/* lowest to highest RAM */
		json_range(&o->j, s->lowest, s->highest);
		json_obj_end(&o->j);
		json_hex(&o->j, "direct_map_offset", s->direct_map_offset);
		json_obj_end(&o->j);
		json_str(&o->j, "layout", vmc_layout_name(vmc_report_layout(r)));
		json_arr_begin(&o->j, "lint");
	} else {
		char span[64];

		printf("Memory: %" PRIu64 " bytes (%" PRIu64 " MiB) of RAM in %zu "
		       "loads, %s, %zu holes (%" PRIu64 " bytes), %zu duplicate "
		       "mapping(s)\n", s->ram_bytes, s->ram_bytes >> 20,
		       s->nr_ram, range_text(span, sizeof(span), s->lowest,
					     s->highest),
		       s->nr_holes, s->hole_bytes, s->nr_mappings);
		printf("Layout: %s (lint reports only what is wrong for it)\n",
		       vmc_layout_name(vmc_report_layout(r)));
	}
	for (size_t i = 0; i < vmc_warnings_count(vmc_report_lints(r)); i++) {
		const struct vmc_warning *l =
			vmc_warnings_get(vmc_report_lints(r), i);

		if (o->json) {
			json_obj_begin(&o->j, NULL);
			json_str(&o->j, "code", vmc_lint_name(l->code));
			json_str(&o->j, "message", l->msg);
			json_obj_end(&o->j);
		} else {
			printf("warning: %s: %s\n", vmc_lint_name(l->code), l->msg);
		}
	}
	if (o->json)
		json_arr_end(&o->j);
}

static void show_ehdr(struct out *o, const vmc_elfcore *c, const char *kind)
{
	const struct vmc_ehdr *eh = vmc_elfcore_ehdr(c);
	const char *m = vmc_machine_name(eh->id.machine);

	if (o->json) {
		json_str(&o->j, "kind", kind);
		json_elf_class(&o->j, eh->id.cls);
		json_endian(&o->j, eh->id.order);
		json_u64(&o->j, "machine", eh->id.machine);
		json_str(&o->j, "arch", m);
		json_u64(&o->j, "osabi", eh->osabi);
		json_u64(&o->j, "flags", eh->flags);
		json_u64(&o->j, "phnum", eh->phnum);
		json_bool(&o->j, "extended_numbering",
			  eh->raw_phnum == VMC_PN_XNUM);
		json_u64(&o->j, "file_size", vmc_elfcore_file_size(c));
		return;
	}
	printf("%s: ELF%d %s-endian core, machine %u (%s), OSABI %u, e_flags "
	       "0x%x, %u program headers%s, %" PRIu64 " bytes\n", kind,
	       eh->id.cls == VMC_CLASS_64 ? 64 : 32,
	       eh->id.order == VMC_LE ? "little" : "big", eh->id.machine,
	       m ? m : "?", eh->osabi, eh->flags, eh->phnum,
	       eh->raw_phnum == VMC_PN_XNUM ? " (PN_XNUM)" : "",
	       vmc_elfcore_file_size(c));
}

int cmd_show(int argc, char **argv)
{
	struct out o = { 0 };
	struct show_args args = { .page = 0 };	/* 0: VMCOREINFO's, or 4096 */
	vmc_error e = { 0 };
	vmc_source *src = NULL;
	vmc_elfcore *c = NULL;
	vmc_report *r = NULL;
	const char *kind;
	struct contents *ct = NULL;
	uint8_t *nbuf[64] = { 0 };
	size_t nseg = 0;
	int first, rc;

	rc = opts_parse(&spec, &args, argc, argv, &first);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	o.json = args.json;
	if (first != argc - 1)
		return usage_error(CMD, "expected exactly one FILE");
	if (vmc_source_open_file(&src, argv[first], &e)) {
		rc = fail(CMD, &e);
		goto out;
	}
	if (vmc_diskdump_probe(src)) {
		rc = show_kdump(argv[first], src, o.json, args.vmcoreinfo);
		goto out;
	}
	if (vmc_elfcore_parse(&c, src, &e) || vmc_inspect(&r, c, args.page, &e)) {
		vmc_error_prefix(&e, "%s", argv[first]);
		rc = fail(CMD, &e);
		goto out;
	}
	switch (vmc_elfcore_kind(c)) {
	case VMC_KIND_ELFCOREHDR: kind = "elfcorehdr"; break;
	case VMC_KIND_VMCORE: kind = "vmcore"; break;
	default: kind = "core"; break;
	}
	ct = calloc(1, sizeof(*ct));
	if (!ct) {
		rc = EXIT_ENV;
		goto out;
	}
	ct->id = vmc_elfcore_ehdr(c)->id;
	ct->ram_bytes = vmc_report_summary(r)->ram_bytes;
	ct->ram_note = " in PT_LOADs";
	for (size_t i = 0; i < vmc_elfcore_nr_phdrs(c) && nseg < 64; i++) {
		size_t len;

		if (!has_notes(c, i, vmc_elfcore_kind(c) ==
				      VMC_KIND_ELFCOREHDR) ||
		    vmc_elfcore_read_segment(c, i, &nbuf[nseg], &len, NULL))
			continue;
		contents_add_notes(ct, nbuf[nseg++], len);
	}
	if (o.json) {
		json_init(&o.j, stdout);
		json_obj_begin(&o.j, NULL);
		json_str(&o.j, "file", argv[first]);
	}
	if (args.vmcoreinfo) {
		contents_vmcoreinfo(&o.j, o.json, ct, true);
		if (o.json) {
			json_obj_end(&o.j);
			json_done(&o.j);
		}
		rc = ct->vmcoreinfo ? EXIT_OK : EXIT_DATA;
		if (!ct->vmcoreinfo)
			fprintf(stderr, "%s %s: %s: no VMCOREINFO note\n", prog,
				CMD, argv[first]);
		goto out;
	}
	if (vmc_elfcore_kind(c) != VMC_KIND_ELFCOREHDR)
		contents_summary(&o.j, o.json, ct);
	show_ehdr(&o, c, kind);
	show_phdrs(&o, c, r, vmc_elfcore_kind(c) == VMC_KIND_ELFCOREHDR);
	show_summary(&o, r);
	if (ct->nr_notes) {
		contents_cpus(&o.j, o.json, ct);
		contents_other_notes(&o.j, o.json, ct);
		if (ct->vmcoreinfo)
			contents_vmcoreinfo(&o.j, o.json, ct, false);
	}
	if (o.json) {
		json_obj_end(&o.j);
		json_done(&o.j);
	}
	rc = args.strict && vmc_warnings_count(vmc_report_lints(r))
		     ? EXIT_DATA : EXIT_OK;
out:
	for (size_t i = 0; i < nseg; i++)
		vmc_buf_free(nbuf[i]);
	free(ct);
	vmc_report_free(r);
	vmc_elfcore_free(c);
	vmc_source_close(src);
	return rc;
}
