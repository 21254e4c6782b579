// SPDX-License-Identifier: MIT
/*
 * The kdump-compressed header and sub-header.
 *
 * makedumpfile writes its native structs (makedumpfile.c
 * write_kdump_header: disk_dump_header at 0, kdump_sub_header at one
 * block, the note segment right after it, all in sub_hdr_size blocks),
 * so the layout is the dumping host's C ABI and byte order.  crash(8)
 * reads them the same way (diskdump.c read_dump_header, with the x86 and
 * ARM 32-bit sub-header layouts spelled out in its comment above
 * struct kdump_sub_header_ARM_target).  The three ABIs below are one table:
 *
 *   disk_dump_header      LP64   ILP32 (both)
 *     header_version        8      8
 *     utsname (6 x 65)     12     12
 *     timestamp           408    404   (struct timeval: 2 longs)
 *     status              424    412   then block_size, sub_hdr_size,
 *     ...                              bitmap_blocks, max_mapnr,
 *     nr_cpus             460    448   total_ram_blocks, device_blocks,
 *     sizeof              464    452   written_blocks, current_cpu (ints)
 *
 *   kdump_sub_header      LP64   ILP32 (i386)   ILP32_A8 (arm, mips, ppc)
 *     phys_base             0      0              0
 *     dump_level, split     8     4, 8           4, 8
 *     start_pfn, end_pfn   16     12, 16         12, 16
 *     offset_vmcoreinfo    32     20             24     (off_t: 64-bit)
 *     size_vmcoreinfo      40     28             32
 *     offset_note          48     32             40
 *     size_note            56     40             48
 *     offset_eraseinfo     64     44             56
 *     size_eraseinfo       72     52             64
 *     start_pfn_64         80     56             72
 *     end_pfn_64           88     64             80
 *     max_mapnr_64         96     72             88
 *     sizeof              104     80             96
 *
 * Only the LP64 layout has been checked against real files (makedumpfile
 * 1.7 on x86_64); the 32-bit rows follow crash's comment.
 */
#include <stdio.h>
#include <string.h>

#include "base/compiler.h"
#include "diskdump/diskdump_priv.h"

struct hdr_layout {
	unsigned lsize;		/* sizeof(long) */
	unsigned tv, status, size;	/* rest of the header: 4-byte fields */
	unsigned dump_level, start_pfn, end_pfn, off_vmcoreinfo;
	unsigned size_vmcoreinfo, off_note, size_note, off_erase, size_erase;
	unsigned start64, end64, max64, sub_size;
};

static const struct hdr_layout layouts[] = {
	[VMC_DISKDUMP_LP64] = { 8, 408, 424, 464, 8, 16, 24, 32, 40, 48, 56,
				64, 72, 80, 88, 96, 104 },
	[VMC_DISKDUMP_ILP32] = { 4, 404, 412, 452, 4, 12, 16, 20, 28, 32, 40,
				 44, 52, 56, 64, 72, 80 },
	[VMC_DISKDUMP_ILP32_A8] = { 4, 404, 412, 452, 4, 12, 16, 24, 32, 40,
				    48, 56, 64, 72, 80, 88, 96 },
};

#define UTS_LEN 65
#define UTS_OFF 12

/* Which C ABI wrote a header whose utsname.machine is @m. */
static bool abi_of_machine(const char *m, enum vmc_diskdump_abi *abi)
{
	static const char *const lp64[] = { "s390x", "alpha", "ia64",
					    "sparc64", "loongarch64" };
	static const char *const i386[] = { "i386", "i486", "i586", "i686" };
	static const char *const a8[] = { "arm", "mips", "ppc", "s390",
					  "riscv32" };

	for (size_t i = 0; i < ARRAY_SIZE(lp64); i++)
		if (!strcmp(m, lp64[i])) {
			*abi = VMC_DISKDUMP_LP64;
			return true;
		}
	if (strstr(m, "64")) {	/* x86_64, aarch64, ppc64(le), mips64... */
		*abi = VMC_DISKDUMP_LP64;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(i386); i++)
		if (!strcmp(m, i386[i])) {
			*abi = VMC_DISKDUMP_ILP32;
			return true;
		}
	for (size_t i = 0; i < ARRAY_SIZE(a8); i++)
		if (!strncmp(m, a8[i], strlen(a8[i]))) {
			*abi = VMC_DISKDUMP_ILP32_A8;
			return true;
		}
	return false;
}

size_t vmc__diskdump_sub_size(enum vmc_diskdump_abi abi)
{
	return layouts[abi].sub_size;
}

static uint64_t get_long(const struct vmc_diskdump_info *in, const uint8_t *p)
{
	return layouts[in->abi].lsize == 8 ? vmc_get64(in->order, p)
					   : vmc_get32(in->order, p);
}

static void copy_uts(char *dst, const uint8_t *src)
{
	memcpy(dst, src, UTS_LEN);
	dst[UTS_LEN] = '\0';
}

vmc_status vmc__diskdump_decode_header(const uint8_t *h, size_t len,
				       struct vmc_diskdump_info *in,
				       vmc_error *e)
{
	const struct hdr_layout *l;
	const uint8_t *p;
	int32_t ver;

	if (len < layouts[VMC_DISKDUMP_ILP32].size)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the header is truncated (%zu bytes)", len);
	if (memcmp(h, VMC_DISKDUMP_SIG, 8))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "no \"KDUMP   \" signature");
	/* The dumping host's byte order: the one in which header_version is
	 * small (makedumpfile writes 6; crash reads 1 and later). */
	in->order = VMC_LE;
	ver = (int32_t)vmc_get32(VMC_LE, h + 8);
	if (ver < 1 || ver > 64) {
		in->order = VMC_BE;
		ver = (int32_t)vmc_get32(VMC_BE, h + 8);
	}
	if (ver < 1 || ver > 64)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "header_version 0x%08x is not a small "
				     "number in either byte order",
				     vmc_get32(VMC_LE, h + 8));
	in->header_version = ver;
	copy_uts(in->sysname, h + UTS_OFF);
	copy_uts(in->nodename, h + UTS_OFF + UTS_LEN);
	copy_uts(in->release, h + UTS_OFF + 2 * UTS_LEN);
	copy_uts(in->version, h + UTS_OFF + 3 * UTS_LEN);
	copy_uts(in->machine, h + UTS_OFF + 4 * UTS_LEN);
	copy_uts(in->domainname, h + UTS_OFF + 5 * UTS_LEN);
	if (!abi_of_machine(in->machine, &in->abi))
		return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
				     "utsname.machine '%s': unknown machine, "
				     "so the C layout of the header is unknown",
				     in->machine);
	l = &layouts[in->abi];
	if (len < l->size)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the header is truncated (%zu of %u "
				     "bytes)", len, l->size);
	if (vmc_arch_parse(in->machine, &in->id, NULL) == VMC_OK)
		in->id.order = in->order;
	else
		in->id = (struct vmc_elf_id){
			.cls = l->lsize == 8 ? VMC_CLASS_64 : VMC_CLASS_32,
			.order = in->order };
	in->tv_sec = (int64_t)get_long(in, h + l->tv);
	in->tv_usec = (int64_t)get_long(in, h + l->tv + l->lsize);
	p = h + l->status;
	in->status = vmc_get32(in->order, p);
	in->block_size = vmc_get32(in->order, p + 4);
	in->sub_hdr_size = vmc_get32(in->order, p + 8);
	in->bitmap_blocks = vmc_get32(in->order, p + 12);
	in->max_mapnr_32 = vmc_get32(in->order, p + 16);
	in->total_ram_blocks = vmc_get32(in->order, p + 20);
	in->device_blocks = vmc_get32(in->order, p + 24);
	in->written_blocks = vmc_get32(in->order, p + 28);
	in->current_cpu = vmc_get32(in->order, p + 32);
	in->nr_cpus = (int32_t)vmc_get32(in->order, p + 36);
	in->max_mapnr = in->max_mapnr_32;
	/* block_size is the page size (write_kdump_header: info->page_size);
	 * the header must fit in block 0. */
	if (in->block_size < l->size || in->block_size > (1u << 20) ||
	    (in->block_size & (in->block_size - 1)))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "block_size %u is not a power of two "
				     "between %u and 1 MiB", in->block_size,
				     l->size);
	return VMC_OK;
}

vmc_status vmc__diskdump_decode_sub(const uint8_t *s, size_t len,
				    struct vmc_diskdump_info *in,
				    vmc_error *e)
{
	const struct hdr_layout *l = &layouts[in->abi];
	enum vmc_order o = in->order;
	int v = in->header_version;

	if (len < l->sub_size)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "the sub-header is truncated (%zu of %u "
				     "bytes)", len, l->sub_size);
	/* Fields by the version that added them (diskdump_mod.h). */
	in->phys_base = get_long(in, s);
	in->dump_level = (int32_t)vmc_get32(o, s + l->dump_level);
	if (v >= 2) {
		in->split = (int32_t)vmc_get32(o, s + l->dump_level + 4);
		in->start_pfn = get_long(in, s + l->start_pfn);
		in->end_pfn = get_long(in, s + l->end_pfn);
	}
	if (v >= 3) {
		in->offset_vmcoreinfo = vmc_get64(o, s + l->off_vmcoreinfo);
		in->size_vmcoreinfo = get_long(in, s + l->size_vmcoreinfo);
	}
	if (v >= 4) {
		in->offset_note = vmc_get64(o, s + l->off_note);
		in->size_note = get_long(in, s + l->size_note);
	}
	if (v >= 5) {
		in->offset_eraseinfo = vmc_get64(o, s + l->off_erase);
		in->size_eraseinfo = get_long(in, s + l->size_erase);
	}
	if (v >= 6) {
		/* The 32-bit fields are truncated copies (write_kdump_header
		 * stores MIN(x, UINT_MAX) there). */
		in->start_pfn = vmc_get64(o, s + l->start64);
		in->end_pfn = vmc_get64(o, s + l->end64);
		in->max_mapnr = vmc_get64(o, s + l->max64);
	}
	return VMC_OK;
}

/* [off, off + len) inside the file?  Names the field on failure. */
static vmc_status in_file(const struct vmc_diskdump_info *in, const char *what,
			  uint64_t off, uint64_t len, vmc_error *e)
{
	if (len && !span_inside(off, len, 0, in->file_size))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%s [0x%llx, +0x%llx) is outside the "
				     "file (0x%llx bytes)", what,
				     (unsigned long long)off,
				     (unsigned long long)len,
				     (unsigned long long)in->file_size);
	return VMC_OK;
}

vmc_status vmc__diskdump_check_layout(struct vmc_diskdump_info *in,
				      vmc_error *e)
{
	uint64_t bs = in->block_size, blocks, need;
	vmc_status st;

	if (in->sub_hdr_size == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "sub_hdr_size is 0: no kdump sub-header");
	/* The bitmaps follow the sub-header blocks, the descriptors follow
	 * the bitmaps (write_kdump_header: offset_bitmap1 = (1 +
	 * sub_hdr_size) * block_size; write_kdump_pages_and_bitmap_cyclic:
	 * cd_header->offset = (1 + sub_hdr_size + bitmap_blocks) *
	 * block_size).  Both bitmaps are len_bitmap / 2 bytes
	 * (write_kdump_bitmap2_buffer). */
	blocks = 1 + (uint64_t)in->sub_hdr_size;
	in->bitmap_off = blocks * bs;
	in->desc_off = (blocks + in->bitmap_blocks) * bs;
	if (in->bitmap_blocks == 0 || in->bitmap_blocks % 2)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "bitmap_blocks %u: makedumpfile writes "
				     "two bitmaps of whole blocks",
				     in->bitmap_blocks);
	in->bitmap_len = (uint64_t)in->bitmap_blocks / 2 * bs;
	need = in->max_mapnr / 8 + (in->max_mapnr % 8 != 0);	/* no wrap */
	if (need > in->bitmap_len)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "max_mapnr %llu needs %llu bitmap bytes, "
				     "bitmap_blocks %u hold %llu",
				     (unsigned long long)in->max_mapnr,
				     (unsigned long long)need, in->bitmap_blocks,
				     (unsigned long long)in->bitmap_len);
	st = in_file(in, "the bitmaps", in->bitmap_off, 2 * in->bitmap_len, e);
	if (st)
		return st;
	if (in->header_version >= 2 && in->split) {
		if (in->start_pfn >= in->end_pfn ||
		    in->end_pfn > in->max_mapnr)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "split file's pfn range [%llu, "
					     "%llu) is empty or past max_mapnr "
					     "%llu",
					     (unsigned long long)in->start_pfn,
					     (unsigned long long)in->end_pfn,
					     (unsigned long long)in->max_mapnr);
		in->first_pfn = in->start_pfn;
		in->end_pfn_dumped = in->end_pfn;
	} else {
		in->first_pfn = 0;
		in->end_pfn_dumped = in->max_mapnr;
	}
	st = in_file(in, "offset_vmcoreinfo/size_vmcoreinfo",
		     in->offset_vmcoreinfo, in->size_vmcoreinfo, e);
	if (!st)
		st = in_file(in, "offset_note/size_note", in->offset_note,
			     in->size_note, e);
	if (!st)
		st = in_file(in, "offset_eraseinfo/size_eraseinfo",
			     in->offset_eraseinfo, in->size_eraseinfo, e);
	return st;
}

void vmc__diskdump_decode_desc(const struct vmc_diskdump_info *in,
			       const uint8_t *raw,
			       struct vmc__diskdump_desc *out)
{
	/* page_desc_t: off_t offset, unsigned size, unsigned flags,
	 * unsigned long long page_flags: 24 bytes on every ABI above. */
	out->offset = (int64_t)vmc_get64(in->order, raw);
	out->size = vmc_get32(in->order, raw + 8);
	out->flags = vmc_get32(in->order, raw + 12);
	out->page_flags = vmc_get64(in->order, raw + 16);
}

VMC_EXPORT const char *vmc_diskdump_compression_name(uint32_t flags)
{
	switch (flags & VMC_DISKDUMP_COMPRESSION_MASK) {
	case 0: return "none";
	case VMC_DISKDUMP_ZLIB: return "zlib";
	case VMC_DISKDUMP_LZO: return "lzo";
	case VMC_DISKDUMP_SNAPPY: return "snappy";
	case VMC_DISKDUMP_ZSTD: return "zstd";
	}
	return "mixed";
}

VMC_EXPORT void vmc_diskdump_dump_level_str(int32_t level, char *buf,
					    size_t cap)
{
	/* makedumpfile(8) -d: 1 zero pages, 2 non-private cache, 4 private
	 * cache, 8 user data, 16 free pages. */
	static const char *const names[] = { "zero", "cache", "cache-private",
					     "user", "free" };
	size_t used = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		int w;

		if (!(level & (1 << i)))
			continue;
		w = snprintf(buf + used, cap - used, "%s%s", used ? "," : "",
			     names[i]);
		if (w < 0 || (size_t)w >= cap - used)
			return;
		used += (size_t)w;
	}
	if (!used)
		snprintf(buf, cap, "none");
}
