/* SPDX-License-Identifier: MIT */
/* Internal: the kdump-compressed reader's pieces (src/diskdump/). */
#ifndef VMC_DISKDUMP_PRIV_H
#define VMC_DISKDUMP_PRIV_H

#include "vmcorekit/diskdump.h"

#define VMC_DISKDUMP_SIG "KDUMP   "
#define VMC_DISKDUMP_OLD_SIG "DISKDUMP"
#define VMC_DISKDUMP_FLAT_SIG "makedumpfile"
#define VMC_DISKDUMP_HDR_MAX 464	/* sizeof(disk_dump_header), LP64 */
#define VMC_DISKDUMP_SUB_MAX 104	/* sizeof(kdump_sub_header), LP64 */
#define VMC_DISKDUMP_DESC_SIZE 24	/* sizeof(page_desc_t), every ABI */
#define VMC_DISKDUMP_SECT_BITS 4096	/* pfns per rank entry */

/* One page descriptor (diskdump_mod.h page_desc_t). */
struct vmc__diskdump_desc {
	int64_t offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
};

/*
 * header.c: decode disk_dump_header from @len bytes (at least the ABI's
 * header size) and then kdump_sub_header; both fill @in.  The header
 * decoder finds the byte order and the ABI.
 */
vmc_status vmc__diskdump_decode_header(const uint8_t *h, size_t len,
				       struct vmc_diskdump_info *in,
				       vmc_error *e);
size_t vmc__diskdump_sub_size(enum vmc_diskdump_abi abi);
vmc_status vmc__diskdump_decode_sub(const uint8_t *s, size_t len,
				    struct vmc_diskdump_info *in,
				    vmc_error *e);
/* Place the bitmaps and descriptors in a file of @in->file_size bytes. */
vmc_status vmc__diskdump_check_layout(struct vmc_diskdump_info *in,
				      vmc_error *e);
void vmc__diskdump_decode_desc(const struct vmc_diskdump_info *in,
			       const uint8_t *raw,
			       struct vmc__diskdump_desc *out);

/*
 * bitmap.c: the second bitmap's rank index.  @rank gets
 * ceil(nbits / SECT_BITS) + 1 entries: rank[i] = kept pages in
 * [first, first + i * SECT_BITS).
 */
uint64_t vmc__diskdump_popcount(const uint8_t *map, uint64_t from,
				uint64_t to);
static inline bool vmc__diskdump_bit(const uint8_t *map, uint64_t pfn)
{
	return map[pfn >> 3] & (1u << (pfn & 7));
}
vmc_status vmc__diskdump_rank_build(const uint8_t *map, uint64_t first,
				    uint64_t end, uint64_t **rank,
				    uint64_t *total, vmc_error *e);
uint64_t vmc__diskdump_rank(const uint8_t *map, const uint64_t *rank,
			    uint64_t first, uint64_t pfn);

/*
 * decompress.c: one page of @dlen bytes from @slen bytes compressed as
 * @flags says (0: stored).  @zstd_ctx: a ZSTD_DCtx or NULL.
 */
vmc_status vmc__diskdump_decompress(uint32_t flags, const uint8_t *src,
				    size_t slen, uint8_t *dst, size_t dlen,
				    void *zstd_ctx, vmc_error *e);
void *vmc__diskdump_zstd_new(void);
void vmc__diskdump_zstd_free(void *ctx);

#endif
