// SPDX-License-Identifier: MIT
/*
 * Note walking and appending.
 *
 *   +0  n_namesz 4 | +4 n_descsz 4 | +8 n_type 4
 *   +12 name[n_namesz], zero padded to 4
 *   ... desc[n_descsz], zero padded to 4
 */
#include <string.h>

#include "vmcorekit/notes.h"
#include "base/compiler.h"

VMC_EXPORT uint64_t vmc_note_size(uint32_t namesz, uint32_t descsz)
{
	return VMC_ELF_NHDR_SIZE + (((uint64_t)namesz + 3) & ~3ull) +
	       (((uint64_t)descsz + 3) & ~3ull);
}

VMC_EXPORT void vmc_notes_iter_init(struct vmc_note_iter *it, const void *buf,
				    size_t len, enum vmc_order order)
{
	memset(it, 0, sizeof(*it));
	it->buf = buf;
	it->len = len;
	it->order = order;
}

VMC_EXPORT vmc_status vmc_notes_next(struct vmc_note_iter *it,
				     struct vmc_note *out)
{
	struct vmc_nhdr nh;
	uint64_t sz;
	size_t left;

	if (it->terminated || it->dropped)
		return VMC_ERR_NOTFOUND;
	left = it->len - it->pos;
	/* Check before reading: the kernel reads n_namesz past the end. */
	if (left < VMC_ELF_NHDR_SIZE) {
		if (left >= 4 && vmc_get32(it->order, it->buf + it->pos) != 0) {
			it->dropped = true;
			memset(&it->dropped_hdr, 0, sizeof(it->dropped_hdr));
			it->dropped_hdr.namesz =
				vmc_get32(it->order, it->buf + it->pos);
		}
		return VMC_ERR_NOTFOUND;
	}
	vmc_elf_decode_nhdr(it->order, it->buf + it->pos, &nh);
	if (nh.namesz == 0) {
		it->terminated = true;
		return VMC_ERR_NOTFOUND;
	}
	sz = vmc_note_size(nh.namesz, nh.descsz);
	if (sz > left) {
		it->dropped = true;
		it->dropped_hdr = nh;
		return VMC_ERR_NOTFOUND;
	}
	out->type = nh.type;
	out->namesz = nh.namesz;
	out->descsz = nh.descsz;
	out->name = (const char *)it->buf + it->pos + VMC_ELF_NHDR_SIZE;
	out->desc = it->buf + it->pos + VMC_ELF_NHDR_SIZE +
		    (((size_t)nh.namesz + 3) & ~(size_t)3);
	out->off = it->pos;
	out->len = (size_t)sz;
	it->pos += (size_t)sz;
	it->real_len = it->pos;
	return VMC_OK;
}

VMC_EXPORT bool vmc_note_name_is(const struct vmc_note *n, const char *name)
{
	size_t l = strlen(name);

	/*
	 * The name may be stored without its NUL (some producers) or padded
	 * with NULs: the kernel's vmcoredd_header stores "LINUX" in an 8-byte
	 * field with n_namesz = 8 (fs/proc/vmcore.c vmcoredd_write_header).
	 */
	if (n->namesz < l || memcmp(n->name, name, l) != 0)
		return false;
	for (size_t i = l; i < n->namesz; i++)
		if (n->name[i] != '\0')
			return false;
	return true;
}

VMC_EXPORT size_t vmc_note_name_len(const struct vmc_note *n)
{
	size_t l = 0;

	while (l < n->namesz && n->name[l] != '\0')
		l++;
	return l;
}

VMC_EXPORT vmc_status vmc_note_append(void *buf, size_t cap, size_t *used,
				      enum vmc_order order, const char *name,
				      uint32_t type, const void *desc,
				      size_t descsz, vmc_error *e)
{
	size_t namesz = strlen(name) + 1;
	uint64_t sz;
	uint8_t *p;
	struct vmc_nhdr nh;

	if (namesz > UINT32_MAX || descsz > UINT32_MAX)
		return vmc_error_set(e, VMC_ERR_INVALID, "note too large");
	sz = vmc_note_size((uint32_t)namesz, (uint32_t)descsz);
	if (!vmc__in_bounds(*used, sz, cap))
		return vmc_error_set(e, VMC_ERR_NOSPACE,
				     "no room for a %llu-byte note",
				     (unsigned long long)sz);
	p = (uint8_t *)buf + *used;
	memset(p, 0, (size_t)sz);
	nh.namesz = (uint32_t)namesz;
	nh.descsz = (uint32_t)descsz;
	nh.type = type;
	vmc_elf_encode_nhdr(order, &nh, p);
	memcpy(p + VMC_ELF_NHDR_SIZE, name, namesz);
	if (descsz)
		memcpy(p + VMC_ELF_NHDR_SIZE + ((namesz + 3) & ~(size_t)3),
		       desc, descsz);
	*used += (size_t)sz;
	return VMC_OK;
}
