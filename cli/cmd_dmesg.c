// SPDX-License-Identifier: MIT
/* vmcorekit dmesg: the kernel log of a vmcore or of guest memory. */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

#define CMD "dmesg"

struct dm_args {
	vmc_physmem *pm;
	vmc_source *dd_file;	/* a kdump-compressed INPUT: the file, */
	vmc_diskdump *dd;	/* its reader (outlives pm's page source) */
	const char *input;
	bool scan, list, caller, json, verbose, have_kernel, have_addr;
	uint64_t kernel, addr;
};

static vmc_status opt_vmci_addr(void *args, const char *arg, vmc_error *e)
{
	struct dm_args *a = args;

	a->have_addr = true;
	return vmc_parse_u64(arg, &a->addr, e);
}

static vmc_status opt_kernel(void *args, const char *arg, vmc_error *e)
{
	struct dm_args *a = args;

	a->have_kernel = true;
	return vmc_parse_u64(arg, &a->kernel, e);
}

#define T struct dm_args
static const struct opt opts[] = {
	OPT_SEC("Memory (repeatable; INPUT adds its PT_LOADs):"),
	OPT_INCLUDE_(T, pm, memory_opts),
	OPT_INCLUDE_(T, pm, vmm_memory_opts),
	OPT_SEC("VMCOREINFO:"),
	OPT_FLAG_(T, "scan", scan,
		  "search memory for VMCOREINFO even when INPUT has\n"
		  "a note"),
	OPT_CALL_("vmcoreinfo-addr", "PADDR", opt_vmci_addr,
		  "use the VMCOREINFO note (or text) at PADDR"),
	OPT_CALL_("kernel", "N", opt_kernel,
		  "with several kernels in memory, the Nth (0-based,\n"
		  "as --list prints them)"),
	OPT_FLAG_(T, "list", list,
		  "list the VMCOREINFO copies found, do not print\n"
		  "the log"),
	OPT_SEC("Output:"),
	OPT_FLAG_(T, "caller-id", caller,
		  "prefix \"[%8s] \" T<pid>/C<cpu> as makedumpfile >=\n"
		  "1.7.5 does (Debian 12's 1.7.2 prints none)"),
	OPT_FLAG_(T, "json", json, "records as JSON"),
	{ .kind = OPT_FLAG, .name = "verbose", .short_name = 'v',
	  .help = "say which VMCOREINFO was used (standard error)",
	  .off = offsetof(T, verbose) },
	{ 0 },
};
#undef T

static const struct cmd_spec spec = {
	.name = CMD,
	.usage = "vmcorekit dmesg [INPUT] [--memory FILE@PADDR[,offset=N]"
		 "[,size=N]]...\n"
		 "                       [--memory-map FILE] [--memory-elf FILE] "
		 "[options]",
	.about = "Print the kernel log of a crashed or paused Linux (x86_64, "
		 "or arm64 with\n4 KiB pages) from its memory alone: no vmlinux, no kdump header.  Text "
		 "lines are those of\n'makedumpfile --dump-dmesg'.  INPUT is an "
		 "ELF vmcore or ELF core (QEMU\ndump-guest-memory): its "
		 "PT_LOADs are the memory and its VMCOREINFO note\ndescribes "
		 "the kernel.  Without a note (or with --scan) VMCOREINFO is\n"
		 "searched in memory and checked against its own page tables.",
	.opts = opts,
	.flags = OPTS_ONE_OPERAND,
	.footer = NUMBER_HELP "\n"
		  "Exit: 0 ok, 1 bad input (no valid VMCOREINFO, a corrupt "
		  "ring: the records\nbefore it are printed), 2 usage, 3 I/O.",
};

struct sink {
	FILE *f;
	struct json j;
	bool json, caller;
	char *buf;
	size_t cap;
	uint64_t nr;
};

static const char *form_name(enum vmc_guest_vmci_form f)
{
	return f == VMC_GUEST_VMCI_NOTE ? "note" : "text";
}

static vmc_status emit(void *arg, const struct vmc_guest_log_record *r,
		       vmc_error *e)
{
	struct sink *s = arg;
	size_t n = vmc_guest_log_format(r, s->caller, NULL, 0);

	s->nr++;
	if (s->json) {
		json_obj_begin(&s->j, NULL);
		json_u64(&s->j, "seq", r->seq);
		json_u64(&s->j, "ts_nsec", r->ts_nsec);
		if (r->has_caller_id) {
			json_str(&s->j, "caller",
				 r->caller_id & 0x80000000u ? "cpu" : "task");
			json_u64(&s->j, "caller_id",
				 r->caller_id & ~0x80000000u);
		}
		json_strn(&s->j, "text", r->text, r->text_len);
		if (r->truncated)
			json_bool(&s->j, "truncated", true);
		json_obj_end(&s->j);
		return VMC_OK;
	}
	if (n > s->cap) {
		char *p = realloc(s->buf, n);

		if (!p)
			return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		s->buf = p;
		s->cap = n;
	}
	vmc_guest_log_format(r, s->caller, s->buf, s->cap);
	if (fwrite(s->buf, 1, n, s->f) != n)
		return vmc_error_set_errno(e, VMC_ERR_IO, errno,
					   "standard output: %s",
					   strerror(errno));
	return VMC_OK;
}

static int parse_args(int argc, char **argv, struct dm_args *a)
{
	int first, rc = opts_parse(&spec, a, argc, argv, &first);

	if (rc)
		return rc;
	if (first < argc)
		a->input = argv[first];
	if (!a->input && vmc_physmem_nr_maps(a->pm) == 0)
		return usage_error(CMD, "give INPUT or --memory");
	return 0;
}

/* A data error, whatever status the library chose (NOTFOUND is exit 3). */
static int data_fail(vmc_error *e)
{
	if (e->status == VMC_ERR_NOTFOUND)
		e->status = VMC_ERR_CORRUPT;
	return fail(CMD, e);
}

static void list_candidates(const vmc_guest_scan *s, bool json)
{
	struct json j;

	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "kernels", vmc_guest_scan_nr_kernels(s));
		json_arr_begin(&j, "vmcoreinfo");
	}
	for (size_t i = 0; i < vmc_guest_scan_nr(s); i++) {
		const struct vmc_guest_vmci *c = vmc_guest_scan_get(s, i);
		bool ok = c->verdict == VMC_GUEST_VMCI_VALID;

		if (!json) {
			printf("0x%016llx %-4s %-6s %s%s", (unsigned long long)c->paddr,
			       form_name(c->form), ok ? "valid" : "stale",
			       c->osrelease, c->crashtime ? " CRASHTIME" : "");
			if (ok)
				printf(" kernel %zu phys_base 0x%llx\n", c->kernel,
				       (unsigned long long)c->phys_base);
			else
				printf(": %s\n", c->why);
			continue;
		}
		json_obj_begin(&j, NULL);
		json_hex(&j, "paddr", c->paddr);
		json_str(&j, "form", form_name(c->form));
		json_str(&j, "verdict", ok ? "valid" : "stale");
		json_str(&j, "osrelease", c->osrelease);
		json_bool(&j, "crashtime", c->crashtime);
		if (ok) {
			json_u64(&j, "kernel", c->kernel);
			json_hex(&j, "phys_base", c->phys_base);
		} else {
			json_str(&j, "why", c->why);
		}
		json_obj_end(&j);
	}
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_done(&j);
	}
}

/* VMCOREINFO by searching memory: the pick, --kernel N, or --vmcoreinfo-addr. */
static int from_scan(struct dm_args *a, char **text, size_t *len,
		     char *where, size_t wcap, vmc_error *e)
{
	struct vmc_guest_scan_opts so = VMC_GUEST_SCAN_OPTS_INIT;
	const struct vmc_guest_vmci *c = NULL;
	vmc_guest_scan *s;
	char several[200];
	size_t idx = 0;
	vmc_status st = vmc_guest_scan_new(&s, a->pm, &so, e);

	if (st)
		return fail(CMD, e);
	if (a->list) {
		list_candidates(s, a->json);
		vmc_guest_scan_free(s);
		return EXIT_OK;
	}
	for (size_t i = 0; i < vmc_guest_scan_nr(s); i++) {
		const struct vmc_guest_vmci *x = vmc_guest_scan_get(s, i);

		if (a->have_addr && (x->paddr == a->addr || x->text_paddr == a->addr))
			c = x;
		if (a->have_kernel && x->kernel == a->kernel && !c)
			c = x;
	}
	if (a->have_addr || a->have_kernel) {
		if (!c) {
			vmc_guest_scan_free(s);
			vmc_error_set(e, VMC_ERR_CORRUPT, "no VMCOREINFO %s %llu%s",
				      a->have_addr ? "at" : "of kernel",
				      (unsigned long long)(a->have_addr ? a->addr
									: a->kernel),
				      " (--list shows them)");
			return fail(CMD, e);
		}
	} else {
		st = vmc_guest_scan_pick(s, &idx, several, e);
		if (st) {
			vmc_guest_scan_free(s);
			return data_fail(e);
		}
		c = vmc_guest_scan_get(s, idx);
		if (several[0])
			fprintf(stderr, "%s %s: several kernels in memory: %s; "
				"using the crashed one\n", prog, CMD, several);
	}
	snprintf(where, wcap, "%s at 0x%llx (%s%s)", form_name(c->form),
		 (unsigned long long)c->paddr,
		 c->verdict == VMC_GUEST_VMCI_VALID ? "valid" : "stale",
		 c->crashtime ? ", CRASHTIME" : "");
	*len = c->len;
	*text = malloc(c->len + 1);
	if (*text)
		memcpy(*text, c->text, c->len + 1);
	vmc_guest_scan_free(s);
	if (!*text) {
		vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		return fail(CMD, e);
	}
	return -1;
}

/*
 * A kdump-compressed or flattened INPUT (makedumpfile -c/-l/-z/-p, -F):
 * physical memory is the pages it kept (what -d left out reads as zeros,
 * as crash -z does; the log lives in kernel data, which no dump level
 * excludes) and VMCOREINFO is the sub-header's copy (@text, malloc'd;
 * NULL: none, search memory).  -1: done (a->dd says whether it was one);
 * else an exit code.
 */
static int open_diskdump(struct dm_args *a, char **text, size_t *len,
			 char *where, size_t wcap, vmc_error *e)
{
	vmc_source *phys;
	char *vi = NULL;
	vmc_status st = vmc_source_open_file(&a->dd_file, a->input, e);

	if (st)
		return fail(CMD, e);
	if (!vmc_diskdump_probe(a->dd_file))
		return -1;
	st = vmc_diskdump_open(&a->dd, a->dd_file, e);
	if (!st)
		st = vmc_diskdump_phys_source_new(&phys, a->dd,
						  VMC_DISKDUMP_MISSING_ZERO, e);
	if (!st)
		st = vmc_physmem_own(a->pm, phys, e);
	if (!st)
		st = vmc_physmem_map(a->pm, 0, vmc_source_size(phys), phys, 0, e);
	if (!st && !a->scan && !a->have_addr && !a->have_kernel && !a->list)
		st = vmc_diskdump_read_vmcoreinfo(a->dd, &vi, len, e);
	if (!st && vi) {
		*text = malloc(*len + 1);
		if (*text) {
			memcpy(*text, vi, *len);
			(*text)[*len] = '\0';
		} else {
			st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		}
		vmc_buf_free(vi);
	}
	if (st) {
		vmc_error_prefix(e, "%s", a->input);
		return data_fail(e);
	}
	if (*text)
		snprintf(where, wcap, "the kdump-compressed sub-header of %s",
			 a->input);
	return -1;
}

static int run(struct dm_args *a, vmc_error *e)
{
	struct vmc_guest_log_opts lo = VMC_GUEST_LOG_OPTS_INIT;
	struct sink sk = { .f = stdout, .json = a->json, .caller = a->caller };
	enum vmc_guest_log_kind kind = 0;
	vmc_guest_kernel *k = NULL;
	char *text = NULL, where[160] = "";
	size_t len = 0;
	vmc_status st;
	int rc;

	if (a->input) {
		rc = open_diskdump(a, &text, &len, where, sizeof(where), e);
		if (rc >= 0)
			return rc;
	}
	if (a->input && !a->dd) {
		vmc_source *src;

		st = mem_add_elf(a->pm, a->input, e);
		if (st)
			return fail(CMD, e);
		if (!a->scan && !a->have_addr && !a->have_kernel && !a->list) {
			st = vmc_source_open_file(&src, a->input, e);
			if (st)
				return fail(CMD, e);
			st = vmc_guest_elf_vmcoreinfo(&text, &len, src, e);
			vmc_source_close(src);
			if (st && st != VMC_ERR_NOTFOUND)
				return fail(CMD, e);
			if (!st) {
				char *t = malloc(len + 1);

				if (t)
					memcpy(t, text, len + 1);
				vmc_buf_free(text);
				text = t;
				snprintf(where, sizeof(where), "the note of %s",
					 a->input);
				if (!text) {
					vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
					return fail(CMD, e);
				}
			}
		}
	}
	if (!text) {
		rc = from_scan(a, &text, &len, where, sizeof(where), e);
		if (rc >= 0)
			return rc;
	}
	st = vmc_guest_kernel_new(&k, a->pm, text, len, e);
	free(text);
	if (st)
		return data_fail(e);
	if (a->verbose)
		fprintf(stderr, "%s %s: VMCOREINFO from %s: %s, phys_base 0x%llx, "
			"%u-level paging\n", prog, CMD, where,
			vmc_guest_kernel_osrelease(k),
			(unsigned long long)vmc_guest_kernel_phys_base(k),
			vmc_guest_kernel_levels(k));
	if (a->json) {
		json_init(&sk.j, stdout);
		json_obj_begin(&sk.j, NULL);
		json_str(&sk.j, "osrelease", vmc_guest_kernel_osrelease(k));
		json_str(&sk.j, "vmcoreinfo", where);
		json_arr_begin(&sk.j, "records");
	}
	st = vmc_guest_log_read(k, &lo, &kind, emit, &sk, e);
	if (a->json) {
		json_arr_end(&sk.j);
		json_str(&sk.j, "format", kind == VMC_GUEST_LOG_LOG_BUF ? "log_buf"
					  : kind ? "lockless" : "unknown");
		json_u64(&sk.j, "nr_records", sk.nr);
		if (st)
			json_str(&sk.j, "error", e->msg);
		json_obj_end(&sk.j);
		json_done(&sk.j);
	}
	free(sk.buf);
	vmc_guest_kernel_free(k);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return EXIT_OK;
		vmc_error_set_errno(e, VMC_ERR_IO, errno, "standard output: %s",
				    strerror(errno));
		return fail(CMD, e);
	}
	if (st == VMC_ERR_IO && e->sys_errno == EPIPE)
		return EXIT_OK;
	return st ? data_fail(e) : EXIT_OK;
}

int cmd_dmesg(int argc, char **argv)
{
	struct dm_args a = { 0 };
	vmc_error e;
	int rc;

	vmc_error_clear(&e);
	signal(SIGPIPE, SIG_IGN);
	if (vmc_physmem_new(&a.pm, &e))
		return fail(CMD, &e);
	rc = parse_args(argc, argv, &a);
	if (rc == 0)
		rc = run(&a, &e);
	else if (rc < 0)
		rc = EXIT_OK;
	vmc_physmem_free(a.pm);
	vmc_diskdump_free(a.dd);
	if (a.dd_file)
		vmc_source_close(a.dd_file);
	return rc;
}
