/* SPDX-License-Identifier: MIT */
/*
 * The kdump kernel's /proc/vmcore, byte for byte, assembled in user space
 * from an elfcorehdr and memory images (fs/proc/vmcore.c, Linux 6.x).
 *
 *   header source ──► parse + merge notes ──► extent map ──► read_at / writer
 *   (old memory at          (parse_crash_elf_headers,   (sorted, half-open;
 *    elfcorehdr=, a file,    merge_note_headers,         binary search)
 *    new memory)             process_ptload_program_headers)
 *
 * The file layout:
 *
 *   0        elfsz               elfsz+notes_sz
 *   [ ehdr | merged phdrs | 0.. ][ notes.. | 0.. ][ PT_LOAD 0 window ][ 1 ]...
 *   page aligned                 page aligned     [rounddown(p_offset, PAGE),
 *                                                  roundup(p_offset+p_memsz))
 */
#ifndef VMCOREKIT_DUMP_H
#define VMCOREKIT_DUMP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/warnings.h"
#include "vmcorekit/error.h"
#include "vmcorekit/elf.h"
#include "vmcorekit/physical_memory.h"
#include "vmcorekit/hdr_source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the dump ---- */

typedef struct vmc_dump vmc_dump;

/* 2 added allow_huge_holes. */
#define VMC_DUMP_OPTS_VERSION 2

struct vmc_dump_opts {
	unsigned version;	/* VMC_DUMP_OPTS_VERSION */
	uint64_t page_size;	/* 4096 (0), 16384 or 65536 */
	/* Continue, with warnings, wherever the kernel continues (a note
	 * past p_memsz dropped, PT_NOTEs not first, ELF32 offsets
	 * truncated).  Default: fail with the kernel's reason. */
	bool lenient;
	/* Accept exactly this e_machine; 0: any machine the library names. */
	uint16_t machine;
	/*
	 * p_align of the merged PT_NOTE.  Linux 6.12 writes 4, 6.1 wrote 0
	 * (both seen in real captures); the change is assumed at 6.2.  Without
	 * have_note_align it follows OSRELEASE in the VMCOREINFO note (4 when
	 * there is none).
	 */
	bool have_note_align;
	uint64_t note_align;
	/*
	 * With holes allowed (vmc_physmem_set_allow_holes), a dump whose
	 * uncovered bytes pass 1 GiB and 1024 times the bytes the sources
	 * cover is refused (VMC_ERR_RANGE): a corrupt p_memsz would stream
	 * zeros for ever.  True writes it anyway.
	 */
	bool allow_huge_holes;
};
#define VMC_DUMP_OPTS_INIT { .version = VMC_DUMP_OPTS_VERSION }

enum vmc_extent_kind {
	VMC_EXTENT_HEADER = 1,	/* ELF header + program headers, padded */
	VMC_EXTENT_NOTES,	/* the merged note segment, padded */
	VMC_EXTENT_MEMORY,	/* a PT_LOAD window of physical memory */
	VMC_EXTENT_DEVDUMP,	/* a device dump note (devdump.h), whole pages */
	VMC_EXTENT_FILE,	/* bytes of a source at src_off: the existing
				 * vmcore (vmc_dump_open_vmcore), or src */
	VMC_EXTENT_ZERO,	/* zeros (a streamed device dump's padding) */
};

/* One extent of the file: [off, off+len).  Extents are sorted, touch and
 * never overlap; together they cover [0, size). */
struct vmc_dump_extent {
	enum vmc_extent_kind kind;
	uint64_t off;
	uint64_t len;
	uint64_t paddr;		/* MEMORY: physical start of the window */
	const uint8_t *bytes;	/* HEADER, NOTES: the bytes */
	size_t phdr_index;	/* MEMORY: index in the output phdr table */
	uint64_t src_off;	/* FILE: offset in the existing vmcore */
	/* FILE: the source read (a device dump's payload, read only when
	 * the dump is read or written); NULL: the existing vmcore. */
	vmc_source *src;
};

/*
 * Build the vmcore's layout as fs/proc/vmcore.c parse_crash_elf_headers
 * does: read and check the ELF header through @hs, read the notes through
 * read_notes, merge them, lay out the PT_LOAD windows.  Checks that @pm
 * covers every window (or counts the holes when @pm allows them).  @hs is
 * used only during the call; @pm is borrowed for the life of the dump.
 * Errors: VMC_ERR_CORRUPT with the kernel's reason ("Core image elf header
 * not found", "... is not sane"), VMC_ERR_RANGE (memory not covered, a
 * window wrapping 2^64), VMC_ERR_INVALID (bad options), VMC_ERR_NOMEM,
 * errors of the sources.
 */
vmc_status vmc_dump_open(vmc_dump **out, vmc_hdr_source *hs, vmc_physmem *pm,
			 const struct vmc_dump_opts *opts, vmc_error *e);
void vmc_dump_free(vmc_dump *d);

/* Bytes in the vmcore (the kernel's vmcore_size). */
uint64_t vmc_dump_size(const vmc_dump *d);

/*
 * Read @len bytes at @off.  Errors: VMC_ERR_RANGE (past the end, or
 * memory no source covers), errors of the sources.
 */
vmc_status vmc_dump_read_at(vmc_dump *d, uint64_t off, void *buf, size_t len,
			    vmc_error *e);

/*
 * What backs the file at @off, for at most @maxlen bytes: header/notes
 * bytes, a memory source window, zeros.  vmc_dump_read_at and the writers
 * are built on it.  Errors: VMC_ERR_RANGE.
 */
vmc_status vmc_dump_map(const vmc_dump *d, uint64_t off, uint64_t maxlen,
			struct vmc_mem_span *out, vmc_error *e);

size_t vmc_dump_nr_extents(const vmc_dump *d);
const struct vmc_dump_extent *vmc_dump_extent(const vmc_dump *d, size_t i);

/* Warnings the kernel would print (pr_warn), in order; borrowed, valid
 * while @d lives (warnings.h; NULL: none). */
const vmc_warnings *vmc_dump_warnings(const vmc_dump *d);

struct vmc_dump_info {
	struct vmc_elf_id id;
	uint64_t page_size;
	uint64_t elfcorehdr_addr;
	uint32_t phnum_in;	/* e_phnum of the elfcorehdr */
	uint32_t phnum_out;	/* after the merge */
	uint32_t nr_ptnote;
	uint32_t nr_ptload;
	uint64_t header_len;	/* elfsz, page aligned */
	uint64_t notes_real_len; /* merged PT_NOTE p_filesz */
	uint64_t notes_len;	/* note segment, page aligned */
	uint64_t memory_len;	/* sum of the PT_LOAD windows */
	uint64_t hole_len;	/* window bytes no source covers (zeros) */
	uint64_t not_ram_len;	/* window bytes that read as zeros */
	uint32_t nr_devdumps;	/* device dumps added (devdump.h) */
	uint64_t devdump_len;	/* their bytes (the kernel's vmcoredd_orig_sz) */
};
void vmc_dump_get_info(const vmc_dump *d, struct vmc_dump_info *out);

/* ---- writing (src/io) ---- */

/* 2 added name, 3 path (and the stats' cloned and path); older callers
 * are still accepted. */
#define VMC_DUMP_WRITE_OPTS_VERSION 3

/*
 * How file windows are copied into a regular file (a pipe always takes
 * splice/vmsplice).  On a filesystem with shared extents (XFS reflink=1,
 * btrfs) a clone moves no data at all; elsewhere copy_file_range was
 * measured fastest (docs/performance.md).
 */
enum vmc_copy_path {
	/* By the output's filesystem: CLONE on XFS, btrfs, bcachefs, OCFS2
	 * (READ_WRITE where they refuse), RANGE anywhere else. */
	VMC_COPY_AUTO = 0,
	VMC_COPY_READ_WRITE,	/* pread + pwrite in chunks */
	VMC_COPY_RANGE,		/* copy_file_range in chunks */
	/* FICLONERANGE for each block-aligned data extent (O(extents), the
	 * blocks shared with the image), READ_WRITE for the rest and
	 * wherever the filesystem refuses. */
	VMC_COPY_CLONE,
	VMC_COPY_SPLICE,	/* reported only: the output was a pipe */
};

/* "auto", "read-write", "copy-range", "clone", "splice"; NULL when
 * unknown. */
const char *vmc_copy_path_name(enum vmc_copy_path p);
/* The inverse.  Errors: VMC_ERR_INVALID naming the choices. */
vmc_status vmc_copy_path_parse(const char *s, enum vmc_copy_path *out,
			       vmc_error *e);

struct vmc_dump_write_opts {
	unsigned version;	/* VMC_DUMP_WRITE_OPTS_VERSION */
	size_t chunk;		/* bytes per read/copy step; 0: 4 MiB */
	bool no_copy_range;	/* READ_WRITE, and no splice and vmsplice
				 * into a pipe (overrides path) */
	bool no_sparse;		/* write zeros instead of leaving holes */
	/* Called between chunks. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *arg;
	/* Checked between chunks: nonzero stops with VMC_ERR_IO
	 * "interrupted" (set it from a signal handler). */
	volatile sig_atomic_t *cancel;
	/* The output's name in error messages (NULL: "the output"). */
	const char *name;
	/* 3: the copy path for a regular file (VMC_COPY_AUTO). */
	enum vmc_copy_path path;
};
#define VMC_DUMP_WRITE_OPTS_INIT { .version = VMC_DUMP_WRITE_OPTS_VERSION }

struct vmc_dump_write_stats {
	uint64_t bytes;		/* file size */
	uint64_t copied;	/* bytes moved by copy_file_range or splice */
	uint64_t written;	/* bytes written with write/pwrite */
	uint64_t sparse;	/* bytes left as holes */
	uint64_t zero_filled;	/* bytes of memory no source covers */
	/* Filled for version 3 options only: */
	uint64_t cloned;	/* bytes shared by FICLONERANGE */
	enum vmc_copy_path path;	/* the path chosen (never AUTO) */
};

/*
 * Write the whole dump to @fd from its current position (0 for a new
 * file).  A regular file is written with pwrite/copy_file_range, holes left
 * as holes and ftruncate'd to the size at the end; a pipe with splice
 * (file data) and vmsplice (zeros); anything else sequentially.  EINTR and short transfers are retried.  Errors:
 * VMC_ERR_IO (with sys_errno, naming opts->name; "interrupted" when
 * cancelled), errors of vmc_dump_map and the sources.
 */
vmc_status vmc_dump_write_fd(vmc_dump *d, int fd,
			     const struct vmc_dump_write_opts *opts,
			     struct vmc_dump_write_stats *stats, vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
