/* SPDX-License-Identifier: MIT */
/*
 * A guest kernel seen from outside: its VMCOREINFO found in physical memory
 * and checked against its own page tables, kernel virtual addresses
 * translated through those page tables (x86_64, 4- and 5-level; arm64
 * with 4 KiB pages, 3 to 5 levels), and the
 * kernel log read from the printk ring buffer.  Everything reads memory
 * through a vmc_physmem (memmap.h); nothing needs the guest's help, a
 * vmlinux, or a kdump header.
 *
 *   physical memory ──► vmc_guest_scan_new ──► candidates (note / raw text,
 *                        (page-aligned copies)  valid or stale, per kernel)
 *                                │
 *   VMCOREINFO text ──► vmc_guest_kernel_new ──► vmc_guest_vtop / _read
 *                                              ──► vmc_guest_log_read
 *
 * docs/formats.md ("Guest kernels: VMCOREINFO search, the x86_64 page walk, the printk ring")
 * has the layouts and the rules with the kernel functions they come from.
 */
#ifndef VMCOREKIT_GUEST_H
#define VMCOREKIT_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"
#include "vmcorekit/physical_memory.h"
#include "vmcorekit/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- a kernel described by its VMCOREINFO ---- */

typedef struct vmc_guest_kernel vmc_guest_kernel;

/*
 * A kernel over @pm (borrowed for the life of the kernel) described by the
 * VMCOREINFO text @text (@len bytes, copied).  x86_64: the text must
 * name SYMBOL(init_top_pgt) (or SYMBOL(swapper_pg_dir)) and
 * NUMBER(phys_base); NUMBER(pgtable_l5_enabled) selects 5-level paging.
 * arm64 (NUMBER(kimage_voffset) present): SYMBOL(swapper_pg_dir), and
 * NUMBER(TCR_EL1_T1SZ) (else NUMBER(VA_BITS)) for the VA size; phys_base
 * is then NUMBER(PHYS_OFFSET) and levels 3 to 5.
 * Nothing is read from memory here (vmc_guest_kernel_check does).
 * Errors: VMC_ERR_UNSUPPORTED (neither x86_64 nor arm64, PAGESIZE not
 * 4096),
 * VMC_ERR_CORRUPT (a key missing or malformed), VMC_ERR_NOMEM.
 */
vmc_status vmc_guest_kernel_new(vmc_guest_kernel **out, const vmc_physmem *pm,
				const char *text, size_t len, vmc_error *e);
void vmc_guest_kernel_free(vmc_guest_kernel *k);

/* The VMCOREINFO text (borrowed, NUL-terminated) and its OSRELEASE. */
const char *vmc_guest_kernel_vmcoreinfo(const vmc_guest_kernel *k,
					size_t *len);
const char *vmc_guest_kernel_osrelease(const vmc_guest_kernel *k);

/* Physical address of the top-level page table (init_top_pgt). */
uint64_t vmc_guest_kernel_pgd(const vmc_guest_kernel *k);
/* NUMBER(phys_base) and KERNELOFFSET (0 when absent). */
uint64_t vmc_guest_kernel_phys_base(const vmc_guest_kernel *k);
uint64_t vmc_guest_kernel_kaslr_offset(const vmc_guest_kernel *k);
/* 5 or 4. */
unsigned vmc_guest_kernel_levels(const vmc_guest_kernel *k);

/*
 * Does the kernel's own page table reach SYMBOL(init_uts_ns), and does
 * its release string there equal OSRELEASE?  That tells the copy of
 * VMCOREINFO of the kernel that owns this memory from a stale one.
 * Errors: VMC_ERR_CORRUPT with the reason (translation failed, release
 * differs), errors of the walk.
 */
vmc_status vmc_guest_kernel_check(const vmc_guest_kernel *k, vmc_error *e);

/*
 * Translate the kernel virtual address @vaddr through the kernel's page
 * tables (arch/x86: pgd → [p4d] → pud → pmd → pte, 1 GiB and 2 MiB pages;
 * sme_mask cleared from every entry; arm64: TTBR1 addresses from
 * swapper_pg_dir, 4 KiB granule, 1 GiB and 2 MiB blocks, LPA2 output
 * addresses with 52-bit VAs: src/guest/vtop_arm64.c).  @page_len (may be NULL) gets the
 * bytes left in the page from @vaddr.  Errors: VMC_ERR_NOTFOUND (an entry
 * not present: the address is not mapped), VMC_ERR_CORRUPT (a table
 * outside memory, a non-canonical address), errors of the reads.
 */
vmc_status vmc_guest_vtop(const vmc_guest_kernel *k, uint64_t vaddr,
			  uint64_t *paddr, uint64_t *page_len, vmc_error *e);

/* Read @len bytes at kernel virtual address @vaddr, page by page.
 * Errors: those of vmc_guest_vtop and of the memory map. */
vmc_status vmc_guest_read(const vmc_guest_kernel *k, uint64_t vaddr,
			  void *buf, size_t len, vmc_error *e);

/* ---- VMCOREINFO in physical memory ---- */

enum vmc_guest_vmci_form {
	/* The ELF note of kernel/vmcore_info.c update_vmcoreinfo_note: a
	 * page-aligned n_namesz 11, n_type 0, "VMCOREINFO\0\0" header, then
	 * the text. */
	VMC_GUEST_VMCI_NOTE = 1,
	/* The text alone at a page start (vmcoreinfo_data, or the kexec
	 * safe copy crash_update_vmcoreinfo_safecopy made). */
	VMC_GUEST_VMCI_TEXT = 2,
};

enum vmc_guest_vmci_verdict {
	/* Its page tables reach init_uts_ns and the release matches. */
	VMC_GUEST_VMCI_VALID = 1,
	/* It does not describe the memory it lies in (an earlier boot, a
	 * forged page): the reason is in why. */
	VMC_GUEST_VMCI_STALE = 2,
};

#define VMC_GUEST_NONE SIZE_MAX

struct vmc_guest_vmci {
	enum vmc_guest_vmci_form form;
	uint64_t paddr;		/* the note header, or the text */
	uint64_t text_paddr;	/* the text */
	const char *text;	/* borrowed from the scan, NUL-terminated */
	size_t len;
	char osrelease[65];
	bool crashtime;		/* has CRASHTIME= (crash_save_vmcoreinfo ran:
				 * this kernel crashed through kdump) */
	enum vmc_guest_vmci_verdict verdict;
	char why[200];		/* STALE: why */
	size_t kernel;		/* VALID: index of its kernel (copies of one
				 * kernel share it); else VMC_GUEST_NONE */
	uint64_t phys_base;	/* VALID: NUMBER(phys_base) */
};

typedef struct vmc_guest_scan vmc_guest_scan;

#define VMC_GUEST_SCAN_OPTS_VERSION 1

struct vmc_guest_scan_opts {
	unsigned version;	/* VMC_GUEST_SCAN_OPTS_VERSION */
	size_t max_candidates;	/* stop after this many (0: 256) */
};
#define VMC_GUEST_SCAN_OPTS_INIT { .version = VMC_GUEST_SCAN_OPTS_VERSION }

/*
 * Look at the start of every 4 KiB page @pm maps (skipping the holes of
 * sparse files) for a VMCOREINFO note or text, and check each candidate
 * with vmc_guest_kernel_check.  Candidates come sorted: valid before
 * stale, among valid ones a kernel with CRASHTIME first, then by address.
 * @pm is borrowed for the call only.  Errors: VMC_ERR_NOMEM, errors of
 * the memory sources (a failing check is not an error: it makes a stale
 * candidate).
 */
vmc_status vmc_guest_scan_new(vmc_guest_scan **out, const vmc_physmem *pm,
			      const struct vmc_guest_scan_opts *opts,
			      vmc_error *e);
void vmc_guest_scan_free(vmc_guest_scan *s);

size_t vmc_guest_scan_nr(const vmc_guest_scan *s);
const struct vmc_guest_vmci *vmc_guest_scan_get(const vmc_guest_scan *s,
						size_t i);
/* Distinct valid kernels (a kdump kernel already running is a second). */
size_t vmc_guest_scan_nr_kernels(const vmc_guest_scan *s);
/* Bytes looked at, and pages whose start was tested. */
uint64_t vmc_guest_scan_bytes(const vmc_guest_scan *s);

/*
 * The candidate to use: the best copy of the one valid kernel, or with
 * several kernels the one whose VMCOREINFO has CRASHTIME (the crashed
 * kernel; the other is a kdump kernel already running).  @why_several
 * (may be NULL, 200 bytes) tells which kernels there were, empty when
 * one.  Errors: VMC_ERR_NOTFOUND (no valid candidate: the message names
 * the stale ones), VMC_ERR_CORRUPT (several kernels and none or several
 * crashed: ambiguous).
 */
vmc_status vmc_guest_scan_pick(const vmc_guest_scan *s, size_t *index,
			       char *why_several, vmc_error *e);

/*
 * The VMCOREINFO note of the ELF core @src (a vmcore, a QEMU
 * dump-guest-memory file with -device vmcoreinfo): a copy of its text in
 * *@text (NUL-terminated, free with vmc_buf_free) of *@len bytes.
 * @src is borrowed.  Errors: VMC_ERR_NOTFOUND (no such note), those of
 * vmc_elfcore_parse, VMC_ERR_CORRUPT (a PT_NOTE past the end of the
 * file), VMC_ERR_NOMEM.
 */
vmc_status vmc_guest_elf_vmcoreinfo(char **text, size_t *len, vmc_source *src,
				    vmc_error *e);

/* ---- memory files of virtual machine monitors ---- */

/* One guest-physical range and where its bytes are in a VMM's file. */
struct vmc_guest_range {
	uint64_t paddr;		/* guest physical address */
	uint64_t len;		/* bytes */
	uint64_t file_off;	/* offset of its first byte in the file */
};

/*
 * The guest memory ranges of a cloud-hypervisor snapshot: @json (@len
 * bytes) is its state.json; the ranges are those of the memory manager's
 * memory_ranges table, in table order, and range i is at the sum of the
 * lengths before it in the snapshot's memory-ranges file (a dense
 * concatenation; docs/formats.md 18.4).  *@out (free with
 * vmc_guest_ranges_free) gets *@nr ranges.  Overlaps are not checked here
 * (vmc_physmem_map refuses them).  Errors: VMC_ERR_CORRUPT (not JSON, not
 * a snapshot tree, a range without u64 gpa/length, empty or passing
 * 2^64, an empty table: all memory persisted in backing files),
 * VMC_ERR_UNSUPPORTED (built without json-c),
 * VMC_ERR_NOMEM, VMC_ERR_RANGE (over 2 GiB of JSON).
 */
vmc_status vmc_guest_ch_ranges(struct vmc_guest_range **out, size_t *nr,
			       const char *json, size_t len, vmc_error *e);
void vmc_guest_ranges_free(struct vmc_guest_range *r);

/* ---- the kdump header a kexec loader placed ---- */

struct vmc_guest_hdr {
	uint64_t paddr;		/* where the ELF header starts */
	bool valid;		/* the crash kernel would use it, and it
				 * describes this memory */
	char why[200];		/* not valid: why */
	uint32_t nr_prstatus;	/* "CORE" NT_PRSTATUS notes */
	uint32_t nr_ptload;
	char osrelease[65];	/* of its VMCOREINFO note */
	bool vmcoreinfo_valid;	/* that note passes vmc_guest_kernel_check */
};

/*
 * Every 1 KiB-aligned place of @pm that starts an ELF core header, judged:
 * vmc_dump_open accepts it as the kdump kernel would (notes from memory at
 * the PT_NOTEs' p_offset, every PT_LOAD inside @pm), it has a CORE
 * NT_PRSTATUS note, and its VMCOREINFO note is valid.  *@out (free with
 * vmc_guest_hdrs_free) holds *@nr candidates, valid first, then by
 * address; at most 64.  @pm is borrowed for the call.  Errors:
 * VMC_ERR_NOMEM, errors of the memory sources.
 */
vmc_status vmc_guest_find_elfcorehdr(struct vmc_guest_hdr **out, size_t *nr,
				     vmc_physmem *pm, vmc_error *e);
void vmc_guest_hdrs_free(struct vmc_guest_hdr *h);

/* ---- the kernel log ---- */

struct vmc_guest_log_record {
	uint64_t seq;		/* printk_info.seq (lockless ring), or the
				 * record's index (log_buf) */
	uint64_t ts_nsec;
	uint32_t caller_id;	/* 0x80000000 | cpu, or a task id */
	bool has_caller_id;	/* OFFSET(printk_info.caller_id) is known */
	const char *text;	/* borrowed for the callback, not NUL-terminated */
	size_t text_len;
	bool truncated;		/* the text ran past its block or buffer */
};

enum vmc_guest_log_kind {
	VMC_GUEST_LOG_LOCKLESS = 1,	/* printk_ringbuffer, Linux >= 5.10 */
	VMC_GUEST_LOG_LOG_BUF = 2,	/* struct printk_log records, 3.5-5.9 */
};

/* Called per record; a status other than VMC_OK (with @e filled) stops the
 * walk and is returned by vmc_guest_log_read. */
typedef vmc_status (*vmc_guest_log_fn)(void *arg,
				       const struct vmc_guest_log_record *r,
				       vmc_error *e);

#define VMC_GUEST_LOG_OPTS_VERSION 1

struct vmc_guest_log_opts {
	unsigned version;	/* VMC_GUEST_LOG_OPTS_VERSION */
	uint64_t max_bytes;	/* ring buffers larger than this are refused
				 * (0: 1 GiB) */
};
#define VMC_GUEST_LOG_OPTS_INIT { .version = VMC_GUEST_LOG_OPTS_VERSION }

/*
 * Call @fn for every record of the kernel log, oldest first, the way
 * makedumpfile --dump-dmesg walks it (printk.c dump_lockless_dmesg: tail
 * to head, committed and finalized descriptors only; makedumpfile.c
 * dump_dmesg for log_buf).  @kind (may be NULL) gets the format.
 * Errors: VMC_ERR_UNSUPPORTED (neither SYMBOL(prb) nor SYMBOL(log_buf):
 * before Linux 3.5), VMC_ERR_CORRUPT (a ring that cannot be: bits out of
 * range, head and tail further apart than the ring, a log_buf record
 * outside the buffer or a cycle; records before it were delivered),
 * VMC_ERR_RANGE (larger than max_bytes), VMC_ERR_NOMEM, errors of the
 * reads, what @fn returned.
 */
vmc_status vmc_guest_log_read(const vmc_guest_kernel *k,
			      const struct vmc_guest_log_opts *opts,
			      enum vmc_guest_log_kind *kind,
			      vmc_guest_log_fn fn, void *arg, vmc_error *e);

/*
 * One record as makedumpfile --dump-dmesg prints it: "[%5lld.%06ld] ",
 * with @caller_id and r->has_caller_id "[%8s] " of "T<id>"/"C<cpu>"
 * (makedumpfile >= 1.7.5; 1.7.2 prints none), the text with each newline
 * followed by the prefix's width of spaces, bytes neither printable nor
 * space as "\x%02x" of the signed char, and a final newline.  Two-pass:
 * returns the length; writes min(length, @cap) bytes (@buf may be NULL
 * with @cap 0).
 */
size_t vmc_guest_log_format(const struct vmc_guest_log_record *r,
			    bool caller_id, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
