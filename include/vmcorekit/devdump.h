/* SPDX-License-Identifier: MIT */
/*
 * Device dumps (NT_VMCOREDD): the hardware/firmware logs a driver in the
 * kdump kernel adds to /proc/vmcore (fs/proc/vmcore.c
 * vmcore_add_device_dump, CONFIG_PROC_VMCORE_DEVICE_DUMP), added here
 * through the same collector callbacks, and found again in an ELF vmcore or
 * in makedumpfile's kdump-compressed file.
 *
 * One device dump is one ELF note of a whole number of pages; the first 64
 * bytes are struct vmcoredd_header (include/uapi/linux/vmcore.h), written
 * by fs/proc/vmcore.c vmcoredd_write_header:
 *
 *    0  n_namesz   4  8 (sizeof name, not strlen("LINUX") + 1)
 *    4  n_descsz   4  data_size - 64 + 44
 *    8  n_type     4  NT_VMCOREDD 0x700
 *   12  name       8  "LINUX\0\0\0"
 *   20  dump_name 44  NUL padded (strscpy_pad)
 *   64  payload       the collector's size bytes, then zeros up to
 *                     data_size = roundup(64 + size, PAGE_SIZE)
 *
 * In the vmcore the dumps come first in the note segment, in the order they
 * were added, before the merged notes:
 *
 *   [ ehdr+phdrs | 0.. ][ dump 0 ][ dump 1 ].. [ notes | 0.. ][ PT_LOAD ]..
 *                        ^ PT_NOTE p_offset; p_filesz = dumps + notes
 */
#ifndef VMCOREKIT_DEVDUMP_H
#define VMCOREKIT_DEVDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"
#include "vmcorekit/elf.h"
#include "vmcorekit/notes.h"
#include "vmcorekit/source.h"
#include "vmcorekit/dump.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 2 added src; descriptors of version 1 are still accepted. */
#define VMC_DEVDUMP_DESC_VERSION 2

/*
 * The largest payload: n_descsz (a u32) must hold data_size - 20, so
 * data_size <= 2^32, i.e. 64 + size <= 2^32 for every page size.  The
 * kernel has no such check (its u32 n_descsz wraps).
 */
#define VMC_DEVDUMP_SIZE_MAX 0xffffffc0u

/* include/linux/crash_dump.h struct vmcoredd_data, plus a payload. */
struct vmc_devdump_desc {
	unsigned version;	/* VMC_DEVDUMP_DESC_VERSION */
	/* The dump's name, NUL-terminated within the 44 bytes. */
	char name[VMC_VMCOREDD_NAME_MAX];
	uint32_t size;		/* bytes the collector fills, 1..SIZE_MAX */
	/*
	 * The driver's vmcoredd_callback: fill @buf (the dump buffer + 64,
	 * zeroed, @len == size bytes; the page padding after it stays
	 * zero).  Anything but VMC_OK (with @e set) and the dump is not
	 * added.
	 */
	vmc_status (*collect)(const struct vmc_devdump_desc *dd, void *buf,
			      size_t len, vmc_error *e);
	void *payload;		/* for the callback */
	/*
	 * Version 2, instead of collect: the payload is bytes [0, size) of
	 * src.  vmc_dump_add_device_dump then holds only the 64-byte header
	 * and reads src when the dump is read or written (a large dump is
	 * streamed, never held in memory; its zero pages stay holes).  The
	 * call consumes src: the dump closes it when freed, and it is closed
	 * at once on failure.  vmc_devdump_build reads it into its buffer
	 * (and leaves it open).
	 */
	vmc_source *src;
};
#define VMC_DEVDUMP_DESC_INIT { .version = VMC_DEVDUMP_DESC_VERSION }

/*
 * One device dump note, as __vmcore_add_device_dump builds it: checks the
 * descriptor, allocates roundup(64 + size, @page_size) zeroed bytes, writes
 * the vmcoredd_header in byte order @order and calls the collector on
 * buf + 64.  *@out (free with vmc_buf_free) and *@len on success only.
 * Errors: VMC_ERR_INVALID (no descriptor or wrong version, empty name, a
 * name without its NUL in 44 bytes, no callback, size 0, a bad page size),
 * VMC_ERR_RANGE (size over VMC_DEVDUMP_SIZE_MAX), VMC_ERR_NOMEM, the
 * collector's error (prefixed with the dump's name).
 */
vmc_status vmc_devdump_build(uint8_t **out, size_t *len,
			     const struct vmc_devdump_desc *dd,
			     enum vmc_order order, uint64_t page_size,
			     vmc_error *e);

/*
 * The note's 64-byte vmcoredd_header (the descriptor checked as
 * vmc_devdump_build checks it) and in *@data_size the whole note's size,
 * roundup(64 + size, @page_size); nothing is collected.  Errors: those of
 * vmc_devdump_build's checks.
 */
vmc_status vmc_devdump_header(uint8_t out[VMC_VMCOREDD_HDR_SIZE],
			      uint64_t *data_size,
			      const struct vmc_devdump_desc *dd,
			      enum vmc_order order, uint64_t page_size,
			      vmc_error *e);

/*
 * vmcore_add_device_dump on an open dump: the note is built as
 * vmc_devdump_build does, then placed after the dumps already added and
 * before the notes; every later extent moves by its size.  On a dump from
 * vmc_dump_open the header changes as fs/proc/vmcore.c
 * vmcoredd_update_program_headers changes it (the merged PT_NOTE's
 * p_filesz/p_memsz become notes + dumps; every other program header is
 * re-laid out after the note segment, PT_NULL and friends included, as the
 * kernel does); on one from vmc_dump_open_vmcore every p_offset (and
 * e_shoff) at or after the insertion point moves and the PT_NOTE grows,
 * which is the same thing on a vmcore the kernel laid out.  On any error
 * the dump is unchanged.  Errors: those of vmc_devdump_build,
 * VMC_ERR_RANGE (the vmcore would pass 2^64, or ELF32 offsets 2^32 for
 * vmc_dump_open_vmcore), VMC_ERR_NOMEM.
 */
vmc_status vmc_dump_add_device_dump(vmc_dump *d,
				    const struct vmc_devdump_desc *dd,
				    vmc_error *e);

/*
 * An existing ELF vmcore (the kernel's /proc/vmcore, ours, makedumpfile -E
 * output, any ELF core whose notes are in the file) as a dump whose bytes
 * are the file's, so device dumps can be added and the result written
 * with vmc_dump_write_fd: nothing is read into memory but the ELF tables.
 * Dumps go into the first PT_NOTE, after the NT_VMCOREDD notes already at
 * its start.  @src is borrowed for the life of the dump; the plain file
 * behind it (vmc_source_fd) serves copy_file_range and holes.  The page size is
 * opts->page_size, else the VMCOREINFO note's PAGESIZE, else 4096.
 * Errors: those of vmc_elfcore_parse; VMC_ERR_CORRUPT (an elfcorehdr, no
 * PT_NOTE, a segment or note that runs past its end, a segment that
 * overlaps the note segment); VMC_ERR_UNSUPPORTED (the ELF tables after
 * the notes, section headers beyond PN_XNUM's); VMC_ERR_INVALID (bad
 * options); VMC_ERR_NOMEM; the source's.
 */
vmc_status vmc_dump_open_vmcore(vmc_dump **out, vmc_source *src,
				const struct vmc_dump_opts *opts,
				vmc_error *e);

/* ---- finding device dumps ---- */

enum vmc_devdump_format {
	VMC_DEVDUMP_FMT_ELF = 1,	/* an ELF core: its PT_NOTEs */
	VMC_DEVDUMP_FMT_KDUMP,		/* makedumpfile kdump-compressed:
					 * the sub-header's note segment */
};

struct vmc_devdump_entry {
	size_t index;		/* 0.. in file order (crash's dev -V index) */
	char name[VMC_VMCOREDD_NAME_MAX + 1];	/* dump_name, NUL added */
	uint64_t note_off;	/* file offset of the note */
	uint64_t data_off;	/* file offset of the payload */
	/* n_descsz - 44: the payload and the kernel's page padding */
	uint64_t data_len;
	uint32_t namesz;	/* n_namesz as stored (8 from the kernel) */
};

struct vmc_devdump_list_info {
	enum vmc_devdump_format format;
	enum vmc_order order;
	enum vmc_class cls;		/* ELF only */
	uint16_t machine;		/* ELF only */
	uint32_t nr_note_segments;	/* PT_NOTEs walked (1 for kdump) */
	uint64_t notes_off;		/* the first note segment */
	uint64_t notes_len;
	int32_t header_version;		/* kdump only */
	uint32_t block_size;		/* kdump only */
	char machine_name[66];		/* kdump only: utsname.machine */
};

typedef struct vmc_devdump_list vmc_devdump_list;

/*
 * Every NT_VMCOREDD note ("LINUX", type 0x700) in @src (borrowed during
 * the call): an ELF core's PT_NOTE segments in program-header order, or
 * the note segment of a kdump-compressed file (struct kdump_sub_header
 * offset_note/size_note, header_version >= 4, LP64 layout).  Every note
 * header is checked against its segment and every segment against the
 * file.  Errors: VMC_ERR_CORRUPT (a segment past the end of the file, a
 * note running past its segment, an NT_VMCOREDD desc shorter than its
 * dump name, an unknown format), VMC_ERR_UNSUPPORTED (flattened
 * makedumpfile output, a 32-bit kdump header, header_version < 4),
 * VMC_ERR_NOMEM, the source's.
 */
vmc_status vmc_devdump_list_open(vmc_devdump_list **out, vmc_source *src,
				 vmc_error *e);
void vmc_devdump_list_free(vmc_devdump_list *l);

size_t vmc_devdump_list_count(const vmc_devdump_list *l);
/* Entry @i, NULL past the end; borrowed from @l. */
const struct vmc_devdump_entry *vmc_devdump_list_get(const vmc_devdump_list *l,
						     size_t i);
void vmc_devdump_list_get_info(const vmc_devdump_list *l,
			       struct vmc_devdump_list_info *out);

/*
 * The one entry named @name (names may repeat, as in the kernel).
 * Errors: VMC_ERR_NOTFOUND; VMC_ERR_INVALID when several match, the
 * message listing their indices ("#0, #2").
 */
vmc_status vmc_devdump_list_find(const vmc_devdump_list *l, const char *name,
				 size_t *index, vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
