/* SPDX-License-Identifier: MIT */
/*
 * makedumpfile's kdump-compressed format ("KDUMP   ", makedumpfile -c/-l/
 * -p/-z and the default) and its flattened form (makedumpfile -F):
 * header, sub-header, the VMCOREINFO and note copies, the two page bitmaps
 * and the pages through their compression (zlib, lzo, snappy, zstd).
 *
 * Every layout is makedumpfile's (diskdump_mod.h struct disk_dump_header,
 * struct kdump_sub_header, page_desc_t; makedumpfile.h struct
 * makedumpfile_header / makedumpfile_data_header; makedumpfile.c
 * write_kdump_header, write_kdump_pages_and_bitmap_cyclic,
 * write_kdump_pages_cyclic, write_buffer) as crash(8) reads it
 * (diskdump.c read_dump_header, pfn_to_pos, cache_page).
 *
 * A vmc_diskdump is not thread-safe (it caches the last page read).
 */
#ifndef VMCOREKIT_DISKDUMP_H
#define VMCOREKIT_DISKDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/elf.h"
#include "vmcorekit/error.h"
#include "vmcorekit/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_diskdump vmc_diskdump;

/* disk_dump_header.status and page_desc_t.flags bits (diskdump_mod.h). */
enum {
	VMC_DISKDUMP_ZLIB = 0x1,
	VMC_DISKDUMP_LZO = 0x2,
	VMC_DISKDUMP_SNAPPY = 0x4,
	VMC_DISKDUMP_INCOMPLETE = 0x8,
	VMC_DISKDUMP_EXCLUDED_VMEMMAP = 0x10,
	VMC_DISKDUMP_ZSTD = 0x20,
	VMC_DISKDUMP_COMPRESSION_MASK = 0x1 | 0x2 | 0x4 | 0x20,
};

/* The C layouts makedumpfile's native structs take (see header.c). */
enum vmc_diskdump_abi {
	VMC_DISKDUMP_LP64 = 1,	/* x86_64, aarch64, ppc64, s390x, ... */
	VMC_DISKDUMP_ILP32,	/* i386: 64-bit off_t 4-byte aligned */
	VMC_DISKDUMP_ILP32_A8,	/* arm, mips, ppc: off_t 8-byte aligned */
};

enum vmc_diskdump_container {
	VMC_DISKDUMP_PLAIN = 1,	/* a seekable file as makedumpfile writes it */
	VMC_DISKDUMP_FLAT,	/* makedumpfile -F: flat_data records */
};

struct vmc_diskdump_info {
	enum vmc_diskdump_container container;
	enum vmc_order order;
	enum vmc_diskdump_abi abi;
	struct vmc_elf_id id;	/* from utsname.machine; machine 0 if unknown */
	/* struct disk_dump_header */
	int32_t header_version;
	char sysname[66], nodename[66], release[66], version[66];
	char machine[66], domainname[66];
	int64_t tv_sec, tv_usec;
	uint32_t status;
	uint32_t block_size;	/* = the page size */
	uint32_t sub_hdr_size;	/* blocks */
	uint32_t bitmap_blocks;
	uint32_t max_mapnr_32;
	uint32_t total_ram_blocks, device_blocks, written_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;
	/* struct kdump_sub_header, by header_version (0 when absent) */
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn, end_pfn;	/* _64 from version 6 on */
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;
	uint64_t offset_note, size_note;
	uint64_t offset_eraseinfo, size_eraseinfo;
	uint64_t max_mapnr;	/* max_mapnr_64 from version 6, else 32-bit */
	/* Derived */
	uint64_t bitmap_off;	/* first bitmap; the second follows it */
	uint64_t bitmap_len;	/* bytes of each bitmap */
	uint64_t desc_off;	/* the page descriptor array */
	uint64_t first_pfn, end_pfn_dumped; /* [start, end) this file holds */
	uint64_t ram_pages;	/* bits set in the first bitmap */
	uint64_t kept_pages;	/* bits set in the second, in the range */
	uint64_t file_size;	/* of the (rearranged) file */
};

/* Is @src a kdump-compressed (or flattened) file?  Reads the signature. */
bool vmc_diskdump_probe(vmc_source *src);

/*
 * Open a kdump-compressed or flattened file.  @src is borrowed and must
 * outlive the result.  Reads the header, the sub-header and both bitmaps.
 * Errors: VMC_ERR_CORRUPT (malformed, with what and where),
 * VMC_ERR_UNSUPPORTED (a DISKDUMP partition dump, an unknown machine
 * layout), VMC_ERR_NOMEM, read errors.
 */
vmc_status vmc_diskdump_open(vmc_diskdump **out, vmc_source *src,
			     vmc_error *e);
void vmc_diskdump_free(vmc_diskdump *d);
const struct vmc_diskdump_info *vmc_diskdump_info(const vmc_diskdump *d);

/* The file as makedumpfile -R would rearrange it (for a plain file, the
 * source given to open).  Borrowed. */
vmc_source *vmc_diskdump_file(vmc_diskdump *d);

/* The note segment copy (offset_note/size_note) and the VMCOREINFO text
 * (offset_vmcoreinfo/size_vmcoreinfo) as new buffers (vmc_buf_free);
 * *@len 0 and *@out NULL when the header has none. */
vmc_status vmc_diskdump_read_notes(vmc_diskdump *d, uint8_t **out,
				   size_t *len, vmc_error *e);
vmc_status vmc_diskdump_read_vmcoreinfo(vmc_diskdump *d, char **out,
					size_t *len, vmc_error *e);

enum vmc_diskdump_page {
	VMC_DISKDUMP_PAGE_KEPT = 1,	/* in the second bitmap: readable */
	VMC_DISKDUMP_PAGE_EXCLUDED,	/* RAM that -d (or a filter) left out */
	VMC_DISKDUMP_PAGE_NOT_RAM,	/* not in the first bitmap */
	VMC_DISKDUMP_PAGE_OUTSIDE,	/* >= max_mapnr, or another split file */
};

enum vmc_diskdump_page vmc_diskdump_page_state(const vmc_diskdump *d,
					       uint64_t pfn);

/*
 * Read page @pfn (block_size bytes).  Errors: VMC_ERR_NOTFOUND (not in
 * the file: excluded, not RAM, past max_mapnr, or never written in an
 * incomplete dump -- the message says which), VMC_ERR_CORRUPT (bad
 * descriptor, decompression failure), read errors.
 */
vmc_status vmc_diskdump_read_page(vmc_diskdump *d, uint64_t pfn, void *buf,
				  vmc_error *e);

/* Pages the file does not hold: an error, or zeros (crash's -z
 * "zero_excluded"). */
enum vmc_diskdump_missing {
	VMC_DISKDUMP_MISSING_ERROR = 0,
	VMC_DISKDUMP_MISSING_ZERO,
};

/* Read @len bytes of physical memory at @paddr. */
vmc_status vmc_diskdump_read_phys(vmc_diskdump *d, uint64_t paddr, void *buf,
				  size_t len, enum vmc_diskdump_missing missing,
				  vmc_error *e);

/*
 * Physical memory of @d as a vmc_source of max_mapnr * block_size bytes
 * (offset = physical address), for readers written against vmc_source
 * (dmesg, page walks).  @d is borrowed.
 */
vmc_status vmc_diskdump_phys_source_new(vmc_source **out, vmc_diskdump *d,
					enum vmc_diskdump_missing missing,
					vmc_error *e);

/*
 * The flattened format as a random-access source: the file makedumpfile
 * -R would write (later records win where they overlap; gaps read as
 * zeros).  @inner is borrowed.  Errors: VMC_ERR_CORRUPT, VMC_ERR_NOMEM.
 */
vmc_status vmc_diskdump_flat_source_new(vmc_source **out, vmc_source *inner,
					vmc_error *e);

/* Name of the compression in a status/flags word: "zlib", "lzo",
 * "snappy", "zstd", "none" or "mixed". */
const char *vmc_diskdump_compression_name(uint32_t flags);

/*
 * The dump level's excluded page kinds (makedumpfile -d bits, as in its
 * man page): fills @buf with e.g. "zero,cache,cache-private,user,free".
 */
void vmc_diskdump_dump_level_str(int32_t level, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
