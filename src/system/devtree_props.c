// SPDX-License-Identifier: MIT
/*
 * The device-tree properties kexec-tools' ppc64 loader reads from
 * /proc/device-tree, parsed from their raw bytes (kexec-tools 2.0.25
 * kexec/arch/ppc64/kexec-ppc64.c get_devtree_details and
 * get_dyn_reconf_base_ranges, crashdump-ppc64.c get_crash_memory_ranges
 * and is_coherent_device_mem).  Every value is big-endian whatever the CPU,
 * and each is read with kexec-tools' fixed width (an fread of 8 or 4
 * bytes), not with the parent's #address-cells:
 *
 *   chosen/linux,crashkernel-base   be64  crash_base
 *   chosen/linux,crashkernel-size   be64  crash_size
 *   chosen/linux,memory-limit       be64  memory_limit (mem=; 0: none)
 *   chosen/linux,kernel-end         be64  end of the running kernel
 *   rtas/linux,rtas-base            be32  rtas_base (an unsigned int)
 *   rtas/rtas-size                  be32  rtas_size
 *   ibm,opal/opal-base-address      be64  opal_base
 *   ibm,opal/opal-runtime-size      be64  opal_size
 *   memory@X/reg                    be64 start, be64 size: the first pair
 *   memory@X/compatible             "ibm,coherent-device-memory": not RAM
 *   ibm,dynamic-reconfiguration-memory/ibm,lmb-size       be64
 *   ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory[-v2]:
 *
 *     +--------+---------------- 24 bytes per entry, count times -------+
 *     | count  | v1: be64 base | be32 drc | be32 rsvd | be32 aa | be32 flags
 *     | be32   | v2: be32 nr_lmbs | be64 base | be32 drc | be32 aa | be32 flags
 *     +--------+---------------------------------------------------------+
 *
 * The root's nodes are kept in the order readdir() lists them, since
 * kexec-tools emits memory ranges in that order: kernfs (sysfs, and so
 * /proc/device-tree) lists a directory by name hash, then name
 * (fs/kernfs/dir.c kernfs_name_hash, kernfs_sd_compare).
 */
#include <string.h>

#include "system/system_priv.h"
#include "base/compiler.h"

#define GOLDEN_RATIO_64 0x61C8864680B583EBull	/* include/linux/hash.h */

/*
 * kernfs_name_hash(name, NULL) on a 64-bit kernel: partial_name_hash per
 * byte, end_name_hash = hash_long(hash, 32), then the 31-bit range with
 * 0, 1 and INT_MAX reserved (include/linux/stringhash.h,
 * include/linux/hash.h hash_64_generic).
 */
uint32_t vmc__kernfs_name_hash(const char *name)
{
	uint64_t hash = 0;
	uint32_t h;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		hash = (hash + ((uint64_t)*p << 4) + (*p >> 4)) * 11;
	h = (uint32_t)((hash * GOLDEN_RATIO_64) >> 32);
	h &= 0x7fffffffu;
	if (h < 2)
		h += 2;
	if (h >= 0x7fffffffu)
		h = 0x7fffffffu - 1;
	return h;
}

/* kernfs_sd_compare without namespaces: hash, then strcmp. */
int vmc__kernfs_order(const char *a, const char *b)
{
	uint32_t ha = vmc__kernfs_name_hash(a), hb = vmc__kernfs_name_hash(b);

	if (ha != hb)
		return ha < hb ? -1 : 1;
	return strcmp(a, b);
}

static vmc_status fixed(const char *path, const void *data, size_t len,
			size_t width, struct opt_u64 *out, vmc_error *e)
{
	/* fread(&v, width, 1, f) != 1 is kexec-tools' error; extra bytes
	 * are never read. */
	if (len < width)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "proc/device-tree/%s: %zu bytes, kexec-tools "
				     "reads %zu", path, len, width);
	out->v = width == 8 ? vmc_get64(VMC_BE, data) :
			      vmc_get32(VMC_BE, data);
	out->set = true;
	return VMC_OK;
}

/* The root node @name (created in readdir order on first sight). */
static vmc_status root_node(struct dt_props *d, const char *name, size_t nlen,
			    struct dt_node **out, vmc_error *e)
{
	size_t at = d->nr_node;
	char buf[sizeof(d->node[0].name)];

	if (nlen == 0 || nlen >= sizeof(buf))
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "device-tree node name of %zu bytes", nlen);
	memcpy(buf, name, nlen);
	buf[nlen] = '\0';
	for (size_t i = 0; i < d->nr_node; i++) {
		int c = vmc__kernfs_order(buf, d->node[i].name);

		if (c == 0) {
			*out = &d->node[i];
			return VMC_OK;
		}
		if (c < 0 && at == d->nr_node)
			at = i;
	}
	if (!VMC_GROW(d->node, d->cap_node, d->nr_node + 1, 4))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memmove(&d->node[at + 1], &d->node[at],
		(d->nr_node - at) * sizeof(d->node[0]));
	memset(&d->node[at], 0, sizeof(d->node[0]));
	memcpy(d->node[at].name, buf, nlen + 1);
	d->nr_node++;
	*out = &d->node[at];
	return VMC_OK;
}

/* ibm,dynamic-memory[-v2]: the count and its 24-byte entries. */
static vmc_status drmem(struct dt_props *d, const char *path, const void *data,
			size_t len, bool v2, vmc_error *e)
{
	const uint8_t *p = data;
	struct dt_drmem *m = v2 ? &d->drmem_v2 : &d->drmem_v1;
	struct dt_lmb_set *v;
	uint32_t n;

	if (len < 4)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "proc/device-tree/%s: %zu bytes, no count",
				     path, len);
	n = vmc_get32(VMC_BE, p);
	/* kexec-tools freads n entries and uses stale bytes past the end;
	 * a short property is refused instead. */
	if ((len - 4) / 24 < n)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "proc/device-tree/%s: %u entries of 24 "
				     "bytes do not fit in %zu bytes", path, n,
				     len);
	v = n ? vmc__reallocarray(NULL, n, sizeof(*v)) : NULL;
	if (n && !v)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *q = p + 4 + 24 * (size_t)i;

		v[i].nr_lmbs = v2 ? vmc_get32(VMC_BE, q) : 1;
		v[i].base = vmc_get64(VMC_BE, q + (v2 ? 4 : 0));
		v[i].flags = vmc_get32(VMC_BE, q + 20);
	}
	vmc__free(m->set);
	m->set = v;
	m->nr = n;
	m->present = true;
	return VMC_OK;
}

static bool is_memory_node(const char *name, size_t nlen)
{
	return (nlen == 6 && memcmp(name, "memory", 6) == 0) ||
	       (nlen > 7 && memcmp(name, "memory@", 7) == 0);
}

vmc_status vmc__system_set_dt(vmc_system *s, const char *path,
			      const void *data, size_t len, vmc_error *e)
{
	static const struct {
		const char *path;
		size_t width;
		size_t off;
	} props[] = {
		{ "chosen/linux,crashkernel-base", 8,
		  offsetof(struct dt_props, crash_base) },
		{ "chosen/linux,crashkernel-size", 8,
		  offsetof(struct dt_props, crash_size) },
		{ "chosen/linux,memory-limit", 8,
		  offsetof(struct dt_props, memory_limit) },
		{ "chosen/linux,kernel-end", 8,
		  offsetof(struct dt_props, kernel_end) },
		{ "rtas/linux,rtas-base", 4, offsetof(struct dt_props, rtas_base) },
		{ "rtas/rtas-size", 4, offsetof(struct dt_props, rtas_size) },
		{ "ibm,opal/opal-base-address", 8,
		  offsetof(struct dt_props, opal_base) },
		{ "ibm,opal/opal-runtime-size", 8,
		  offsetof(struct dt_props, opal_size) },
		{ "ibm,dynamic-reconfiguration-memory/ibm,lmb-size", 8,
		  offsetof(struct dt_props, lmb_size) },
	};
	static const char drconf[] = "ibm,dynamic-reconfiguration-memory";
	struct dt_props *d = &s->dt;
	const char *slash = strchr(path, '/');
	size_t nlen = slash ? (size_t)(slash - path) : 0;
	struct dt_node *node;
	vmc_status st;

	for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
		if (strcmp(path, props[i].path) != 0)
			continue;
		st = fixed(path, data, len, props[i].width,
			   (struct opt_u64 *)((char *)d + props[i].off), e);
		if (!st && nlen == strlen(drconf) &&
		    memcmp(path, drconf, nlen) == 0) {
			st = root_node(d, drconf, nlen, &node, e);
			if (!st)
				node->drconf = true;
		}
		return st;
	}
	if (slash && nlen == strlen(drconf) && memcmp(path, drconf, nlen) == 0 &&
	    (strcmp(slash + 1, "ibm,dynamic-memory") == 0 ||
	     strcmp(slash + 1, "ibm,dynamic-memory-v2") == 0)) {
		st = drmem(d, path, data, len, slash[19] == '-', e);
		if (!st)
			st = root_node(d, drconf, nlen, &node, e);
		if (!st)
			node->drconf = true;
		return st;
	}
	if (slash && is_memory_node(path, nlen) && !strchr(slash + 1, '/')) {
		if (strcmp(slash + 1, "reg") == 0) {
			/* Other platforms' 1-cell reg is valid there: only
			 * the ppc64 profile, which needs 16 bytes, refuses
			 * it (reg_len). */
			st = root_node(d, path, nlen, &node, e);
			if (st)
				return st;
			node->reg_len = len;
			node->have_reg = len >= 16;
			if (node->have_reg) {
				node->reg_start = vmc_get64(VMC_BE, data);
				node->reg_size = vmc_get64(VMC_BE,
						(const uint8_t *)data + 8);
			}
			return VMC_OK;
		}
		if (strcmp(slash + 1, "compatible") == 0) {
			static const char cdm[] = "ibm,coherent-device-memory";

			st = root_node(d, path, nlen, &node, e);
			if (st)
				return st;
			/* fread(buf, 1, 32) then strncmp(buf, .., 26) */
			node->coherent = len >= strlen(cdm) &&
					 memcmp(data, cdm, strlen(cdm)) == 0;
			return VMC_OK;
		}
	}
	return vmc_error_set(e, VMC_ERR_INVALID,
			     "unknown device-tree file proc/device-tree/%s",
			     path);
}

void vmc__system_free_dt(struct dt_props *d)
{
	vmc__free(d->drmem_v1.set);
	vmc__free(d->drmem_v2.set);
	vmc__free(d->node);
}
