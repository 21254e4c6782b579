// SPDX-License-Identifier: MIT
/*
 * One device dump note, as fs/proc/vmcore.c vmcore_add_device_dump builds
 * it (Linux 6.12):
 *
 *   if (!data || !strlen(data->dump_name) ||
 *       !data->vmcoredd_callback || !data->size)         -> -EINVAL
 *   data_size = roundup(sizeof(struct vmcoredd_header) + data->size,
 *                       PAGE_SIZE);                      (mmap-able)
 *   buf = vmcore_alloc_buf(data_size);                   (zeroed)
 *   vmcoredd_write_header(buf, data, data_size - 64);
 *   ret = data->vmcoredd_callback(data, buf + 64);       (error: freed)
 *
 * struct vmcoredd_header (include/uapi/linux/vmcore.h), written by
 * vmcoredd_write_header:
 *
 *    0  n_namesz   = sizeof(name) = 8
 *    4  n_descsz   = (data_size - 64) + sizeof(dump_name) (44)
 *    8  n_type     = NT_VMCOREDD (0x700)
 *   12  name[8]    = "LINUX\0\0\0"        (strscpy_pad)
 *   20  dump_name[44], NUL padded         (strscpy_pad)
 *   64  the payload, zero padded to data_size
 *
 * As a note: 12 + 8 + n_descsz = data_size, a multiple of 4, so notes
 * that follow stay aligned.
 */
#include <string.h>

#include "vmcorekit/devdump.h"
#include "vmcorekit/sys/source.h"
#include "base/compiler.h"

static bool has_src(const struct vmc_devdump_desc *dd)
{
	return dd->version >= 2 && dd->src;
}

static vmc_status check_desc(const struct vmc_devdump_desc *dd,
			     uint64_t page, vmc_error *e)
{
	if (!dd || dd->version < 1 || dd->version > VMC_DEVDUMP_DESC_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device dump: no descriptor (or a bad "
				     "version)");
	if (!memchr(dd->name, '\0', sizeof(dd->name)))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device dump '%.*s...': the name does not "
				     "fit %d bytes with its NUL", 20, dd->name,
				     VMC_VMCOREDD_NAME_MAX);
	if (dd->name[0] == '\0')
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device dump: empty name");
	if (!dd->collect && !has_src(dd))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device dump '%s': no collector callback",
				     dd->name);
	if (dd->size == 0)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device dump '%s': size 0", dd->name);
	if (dd->size > VMC_DEVDUMP_SIZE_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "device dump '%s': size %u is over %u (the "
				     "note's 32-bit n_descsz would wrap)",
				     dd->name, dd->size, VMC_DEVDUMP_SIZE_MAX);
	if (page < 4096 || page > 65536 || (page & (page - 1)))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device dump '%s': page size %llu", dd->name,
				     (unsigned long long)page);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_devdump_header(uint8_t out[VMC_VMCOREDD_HDR_SIZE],
					 uint64_t *data_size,
					 const struct vmc_devdump_desc *dd,
					 enum vmc_order order,
					 uint64_t page_size, vmc_error *e)
{
	vmc_status st = check_desc(dd, page_size, e);
	uint64_t sz;

	if (st)
		return st;
	sz = align_up_u64(VMC_VMCOREDD_HDR_SIZE + (uint64_t)dd->size,
			  page_size);
	memset(out, 0, VMC_VMCOREDD_HDR_SIZE);
	vmc_put32(order, out + 0, 8);
	vmc_put32(order, out + 4, (uint32_t)(sz - VMC_VMCOREDD_HDR_SIZE +
					     VMC_VMCOREDD_NAME_MAX));
	vmc_put32(order, out + 8, VMC_NT_VMCOREDD);
	memcpy(out + 12, "LINUX", 5);
	memcpy(out + 20, dd->name, strlen(dd->name));
	*data_size = sz;
	return VMC_OK;
}

/* The callback of a descriptor that names a source instead. */
static vmc_status collect_src(const struct vmc_devdump_desc *dd, void *buf,
			      size_t len, vmc_error *e)
{
	return vmc_source_read_at(dd->src, 0, buf, len, e);
}

VMC_EXPORT vmc_status vmc_devdump_build(uint8_t **out, size_t *len,
					const struct vmc_devdump_desc *dd,
					enum vmc_order order,
					uint64_t page_size, vmc_error *e)
{
	uint8_t hdr[VMC_VMCOREDD_HDR_SIZE];
	uint64_t data_size;
	uint8_t *buf;
	vmc_status st = vmc_devdump_header(hdr, &data_size, dd, order,
					   page_size, e);

	if (st)
		return st;
	if (data_size > SIZE_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "device dump '%s': %llu bytes do not fit "
				     "this address space", dd->name,
				     (unsigned long long)data_size);
	buf = vmc__calloc(1, (size_t)data_size);
	if (!buf)
		return vmc_error_set(e, VMC_ERR_NOMEM,
				     "device dump '%s': out of memory for %llu "
				     "bytes", dd->name,
				     (unsigned long long)data_size);
	memcpy(buf, hdr, sizeof(hdr));
	st = (dd->collect ? dd->collect : collect_src)(
		dd, buf + VMC_VMCOREDD_HDR_SIZE, dd->size, e);
	if (st) {
		vmc__free(buf);
		if (e && e->status == VMC_OK)	/* a collector that said nothing */
			return vmc_error_set(e, st, "device dump '%s': the "
					     "collector failed (%s)", dd->name,
					     vmc_status_name(st));
		return PREFIXED(st, e, "device dump '%s'", dd->name);
	}
	*out = buf;
	*len = (size_t)data_size;
	return VMC_OK;
}
