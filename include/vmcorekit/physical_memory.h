/* SPDX-License-Identifier: MIT */
/*
 * A physical address space: half-open ranges [paddr, paddr+len) mapped onto
 * memory sources (a raw RAM image at a base, a window of a file, an ELF
 * core's PT_LOADs), ranges declared to be zeros, and ranges that "are not
 * RAM" and read as zeros the way fs/proc/vmcore.c read_from_oldmem() does
 * for a pfn that pfn_is_ram() rejects (virtio-mem, balloon).
 *
 *   paddr ─►  [ image A @0 ][ zero ][  image B @4G  ]   (not-ram overrides)
 *
 * Mappings never overlap: adding one that does fails with VMC_ERR_INVALID
 * naming both ranges.  Reading a range no mapping covers fails with
 * VMC_ERR_RANGE naming the physical range, unless holes are allowed, then
 * it reads as zeros.
 */
#ifndef VMCOREKIT_PHYSICAL_MEMORY_H
#define VMCOREKIT_PHYSICAL_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"
#include "vmcorekit/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_physmem vmc_physmem;

/* What backs a stretch of bytes (physical memory or a dump). */
enum vmc_span_kind {
	VMC_SPAN_SOURCE = 1,	/* src at src_off (fd: the plain file, or -1) */
	VMC_SPAN_ZERO,		/* declared zeros or not RAM */
	VMC_SPAN_HOLE,		/* nothing maps it; zeros because holes are
				 * allowed */
	VMC_SPAN_BYTES,		/* bytes in memory (dump headers and notes) */
};

struct vmc_mem_span {
	enum vmc_span_kind kind;
	uint64_t len;		/* bytes from the looked-up address */
	vmc_source *src;	/* VMC_SPAN_SOURCE */
	uint64_t src_off;
	int fd;			/* VMC_SPAN_SOURCE: a plain file's fd or -1 */
	const uint8_t *bytes;	/* VMC_SPAN_BYTES */
	uint64_t paddr;		/* physical address of the span (memory) */
};

/*
 * Copy the s->len bytes a span stands for into @buf: the source's bytes,
 * the in-memory bytes, or zeros (declared zeros, not RAM, allowed holes).
 * The one place that says what each kind reads as; vmc_physmem_read and
 * vmc_dump_read_at both go through it.  Errors: those of the source.
 */
vmc_status vmc_mem_span_read(const struct vmc_mem_span *s, void *buf,
			     vmc_error *e);

/* An empty space.  Errors: VMC_ERR_NOMEM. */
vmc_status vmc_physmem_new(vmc_physmem **out, vmc_error *e);
/* Free the space and close every source handed over with _own (NULL-safe). */
void vmc_physmem_free(vmc_physmem *pm);

/*
 * Hand @src to @pm: it is closed by vmc_physmem_free.  On failure @src is
 * closed at once.  Errors: VMC_ERR_NOMEM.
 */
vmc_status vmc_physmem_own(vmc_physmem *pm, vmc_source *src, vmc_error *e);

/*
 * Map [paddr, paddr+len) onto @src bytes [src_off, src_off+len) (@src is
 * borrowed; see vmc_physmem_own).  Writers use the plain file behind
 * @src (vmc_source_fd) for copy_file_range and SEEK_DATA.  Errors:
 * VMC_ERR_INVALID (overlaps an existing mapping, len 0, wraps 2^64),
 * VMC_ERR_RANGE (the window is past the end of @src), VMC_ERR_NOMEM.
 */
vmc_status vmc_physmem_map(vmc_physmem *pm, uint64_t paddr, uint64_t len,
			   vmc_source *src, uint64_t src_off, vmc_error *e);

/* Map [start, end) as zeros (a declared hole).  Errors as vmc_physmem_map. */
vmc_status vmc_physmem_map_zero(vmc_physmem *pm, uint64_t start,
				uint64_t end, vmc_error *e);

/*
 * Map [paddr, paddr+len) onto @src bytes [src_off, src_off+len) in front
 * of whatever maps it now: the parts of existing mappings under it are cut
 * away (a mapping it lies inside is split in two).  This is s390
 * zfcpdump's HSA (arch/s390/kernel/crash_dump.c copy_oldmem_iter): the
 * firmware saved physical [0, hsa_size) in the hypervisor save area before
 * the dump kernel overwrote it, so those bytes come from the HSA and the
 * rest from memory.  Errors as vmc_physmem_map except overlap; on error
 * nothing changes.
 */
vmc_status vmc_physmem_overlay(vmc_physmem *pm, uint64_t paddr, uint64_t len,
			       vmc_source *src, uint64_t src_off, vmc_error *e);

/*
 * [start, end) is not RAM: it reads as zeros whatever maps it (the
 * kernel's pfn_is_ram() callback).  May overlap mappings and other
 * not-RAM ranges.  Errors: VMC_ERR_INVALID, VMC_ERR_NOMEM.
 */
vmc_status vmc_physmem_add_not_ram(vmc_physmem *pm, uint64_t start,
				   uint64_t end, vmc_error *e);

/* Unmapped ranges read as zeros (VMC_SPAN_HOLE) instead of failing. */
void vmc_physmem_set_allow_holes(vmc_physmem *pm, bool allow);

/*
 * Map the PT_LOADs of the ELF core in @src (QEMU dump-guest-memory,
 * makedumpfile -E, a vmcore): [p_paddr, +p_filesz) onto the file at
 * p_offset, [+p_filesz, +p_memsz) as zeros.  Where its own PT_LOADs
 * overlap (a vmcore's kernel-text segment repeats RAM) the first one in
 * physical order wins.  @src is borrowed.
 * Errors: those of vmc_elfcore_parse, VMC_ERR_CORRUPT (a segment past the
 * end of the file), those of vmc_physmem_map.
 */
vmc_status vmc_physmem_map_elfcore(vmc_physmem *pm, vmc_source *src,
				   size_t *nr_mapped, vmc_error *e);

/*
 * What backs @paddr: fills @out for at most @maxlen bytes (out->len is
 * never 0 when @maxlen is not).  Errors: VMC_ERR_RANGE naming the unmapped
 * physical range when holes are not allowed.
 */
vmc_status vmc_physmem_lookup(const vmc_physmem *pm, uint64_t paddr,
			      uint64_t maxlen, struct vmc_mem_span *out,
			      vmc_error *e);

/* Read @len bytes of physical memory at @paddr.  Errors: as lookup, and
 * those of the sources. */
vmc_status vmc_physmem_read(const vmc_physmem *pm, uint64_t paddr,
			    void *buf, size_t len, vmc_error *e);

/* Number of mappings (zero mappings included), and mapping @i. */
size_t vmc_physmem_nr_maps(const vmc_physmem *pm);
void vmc_physmem_get_map(const vmc_physmem *pm, size_t i, uint64_t *start,
			 uint64_t *end, bool *is_zero);

#ifdef __cplusplus
}
#endif
#endif
