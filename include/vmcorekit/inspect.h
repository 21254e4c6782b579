/* SPDX-License-Identifier: MIT */
/*
 * Looking at an ELF core: the role of each program header, a memory
 * summary, lint warnings, decoded notes; and the semantic difference of
 * two headers.
 */
#ifndef VMCOREKIT_INSPECT_H
#define VMCOREKIT_INSPECT_H

#include "vmcorekit/warnings.h"
#include "vmcorekit/elfcore.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vmc_role {
	VMC_ROLE_OTHER = 0,
	VMC_ROLE_NOTE,		/* PT_NOTE */
	VMC_ROLE_RAM,		/* PT_LOAD describing physical memory */
	VMC_ROLE_MAPPING,	/* PT_LOAD re-mapping RAM (kernel text) */
};

struct vmc_memory_summary {
	uint64_t ram_bytes;	/* union of RAM loads */
	size_t nr_ram;
	size_t nr_mappings;
	size_t nr_holes;	/* gaps between RAM loads below the top */
	uint64_t hole_bytes;
	uint64_t lowest, highest; /* [lowest, highest) spanned by RAM */
	uint64_t direct_map_offset; /* p_vaddr - p_paddr of the last load */
};

enum vmc_lint_code {
	VMC_LINT_FEW_PHDRS = 1,		/* e_phnum < 2 */
	VMC_LINT_NOTE_NOT_FIRST,	/* crash needs phdr[0] == PT_NOTE */
	VMC_LINT_OVERLAP,		/* two RAM loads overlap */
	VMC_LINT_FILESZ_LT_MEMSZ,
	VMC_LINT_EMPTY_LOAD,		/* p_memsz == 0 */
	VMC_LINT_PAST_EOF,		/* vmcore segment beyond the file */
	VMC_LINT_UNALIGNED,		/* p_offset !== p_paddr mod page */
	VMC_LINT_NOTE_DROPPED,		/* a note passes the segment end */
	VMC_LINT_NOTE_TRUNCATED,	/* walk stopped before p_filesz */
	VMC_LINT_NO_NOTES,		/* PT_NOTE with no notes */
	VMC_LINT_VMCOREDD,		/* NT_VMCOREDD short or name unterminated */
	VMC_LINT_PAGE_SIZE,		/* page size != VMCOREINFO's PAGESIZE */
	VMC_LINT_FILE_OVERLAP,		/* two PT_LOADs share file bytes */
};


/*
 * Who wrote the file, as far as its layout tells.  Lint reports only what
 * is wrong for that layout (inspect/lint.c names each rule's source).
 */
enum vmc_layout {
	VMC_LAYOUT_UNKNOWN = 0,
	VMC_LAYOUT_ELFCOREHDR,	/* a loader's header: p_offset = paddr */
	VMC_LAYOUT_KERNEL,	/* /proc/vmcore: page-aligned segments */
	VMC_LAYOUT_MAKEDUMPFILE, /* makedumpfile -E: packed, pages left out */
	VMC_LAYOUT_HYPERVISOR,	/* QEMU dump-guest-memory, cloud-hypervisor */
};

typedef struct vmc_report vmc_report;

/*
 * Inspect @c: roles, summary and lint.  For a vmcore, note segments are
 * read from the file and walked with the kernel's rule.  @page_size is the
 * page size for the alignment lint: 0 takes VMCOREINFO's PAGESIZE (4096
 * without one); a size that disagrees with PAGESIZE is a lint warning.
 * Errors: VMC_ERR_NOMEM, source errors.
 */
vmc_status vmc_inspect(vmc_report **out, const vmc_elfcore *c,
		       uint64_t page_size, vmc_error *e);
void vmc_report_free(vmc_report *r);
enum vmc_role vmc_report_role(const vmc_report *r, size_t phdr);
const struct vmc_memory_summary *vmc_report_summary(const vmc_report *r);
/* Lint findings as warnings (warnings.h): code an enum vmc_lint_code,
 * index the program header it concerns (SIZE_MAX: none); borrowed. */
const vmc_warnings *vmc_report_lints(const vmc_report *r);
enum vmc_layout vmc_report_layout(const vmc_report *r);
/* "elfcorehdr", "kernel", "makedumpfile-E", "hypervisor", "unknown". */
const char *vmc_layout_name(enum vmc_layout l);
/* Short stable name of a lint code ("note-not-first", ...). */
const char *vmc_lint_name(enum vmc_lint_code c);

/* ---- diff ---- */

enum vmc_diff_kind {
	VMC_DIFF_HEADER = 1,	/* an ELF header field */
	VMC_DIFF_NOTE,		/* PT_NOTE added/removed/moved/resized */
	VMC_DIFF_RAM_ONLY_A,	/* physical memory described only by A */
	VMC_DIFF_RAM_ONLY_B,
	VMC_DIFF_RAM_SPLIT,	/* one range in A is several in B */
	VMC_DIFF_RAM_JOINED,	/* several ranges in A are one in B */
	VMC_DIFF_MAPPING,	/* kernel text mapping differs */
	VMC_DIFF_LOAD_FIELD,	/* same range, other p_offset/p_vaddr/flags */
	VMC_DIFF_VMCOREINFO,	/* a VMCOREINFO key added/removed/changed */
	VMC_DIFF_CPU,		/* CPU count, a CPU's pid/ip/sp/registers */
	VMC_DIFF_DEVDUMP,	/* a device dump added/removed/resized */
};

struct vmc_diff_item {
	enum vmc_diff_kind kind;
	uint64_t start, end;	/* the physical range concerned, if any */
	char text[200];
};

typedef struct vmc_diff vmc_diff;

/*
 * Semantic difference of two ELF core headers.  For two vmcores it also
 * compares what their notes say (as vmc_diff_new_notes, note placement
 * included) and leaves out what only the file layout changes (p_offset,
 * file size: adding a device dump moves every segment).
 */
vmc_status vmc_diff_new(vmc_diff **out, const vmc_elfcore *a,
			const vmc_elfcore *b, vmc_error *e);
void vmc_diff_free(vmc_diff *d);

/* The notes of a dump, as byte buffers (PT_NOTE segments of an ELF
 * vmcore, the note copy of a kdump-compressed file). */
struct vmc_diff_notes {
	struct vmc_elf_id id;
	const uint8_t *const *seg;
	const size_t *seg_len;
	size_t nr_segments;
	bool placement;		/* compare which notes each segment holds */
};

/*
 * What two dumps' notes say, in show's words: VMCOREINFO keys added,
 * removed or changed, the CPU count and each CPU's registers, device dumps
 * by name and size, and (when both sides ask) the notes each segment
 * holds.  Errors: VMC_ERR_NOMEM.
 */
vmc_status vmc_diff_new_notes(vmc_diff **out, const struct vmc_diff_notes *a,
			      const struct vmc_diff_notes *b, vmc_error *e);
size_t vmc_diff_count(const vmc_diff *d);
const struct vmc_diff_item *vmc_diff_get(const vmc_diff *d, size_t i);
const char *vmc_diff_kind_name(enum vmc_diff_kind k);

#ifdef __cplusplus
}
#endif
#endif
