// SPDX-License-Identifier: MIT
/*
 * The purgatory digest of a kexec segment set.
 *
 * Kernel (kernel/kexec_file.c kexec_calculate_store_digests, 6.12): for
 * each segment in load order, skip the elfcorehdr (CONFIG_CRASH_HOTPLUG,
 * i == image->elfcorehdr_index), purgatory (kbuf == pi->purgatory_buf) and
 * the IMA buffer; hash kbuf[0, bufsz), then memsz - bufsz zero bytes from
 * the zero page; record {mem, memsz} in purgatory_sha_regions[j++].
 *
 * kexec-tools (kexec/kexec.c update_purgatory, after sort_segments): the
 * same per segment, in address order; purgatory is the segment at
 * rhdr.rel_addr; with --hotplug arch_do_exclude_segment drops the
 * elfcorehdr (x86: info->elfcorehdr == segment->mem).
 *
 * Purgatory (arch/x86/purgatory/purgatory.c verify_sha256_digest,
 * kexec-tools purgatory/purgatory.c) hashes all 16 regions, used or not
 * (an unused one has len 0), reading memory, and compares.
 */
#include <string.h>
#include <nettle/sha2.h>

#include "vmcorekit/hotplug.h"
#include "vmcorekit/parse.h"
#include "base/compiler.h"
#include "loader/loader_priv.h"

#define ZERO_CHUNK 4096

static const uint8_t zeros[ZERO_CHUNK];

static const char *const role_names[] = {
	[VMC_SEG_DATA] = "data",
	[VMC_SEG_PURGATORY] = "purgatory",
	[VMC_SEG_ELFCOREHDR] = "elfcorehdr",
	[VMC_SEG_IMA] = "ima",
};

VMC_EXPORT const char *vmc_seg_role_name(enum vmc_seg_role r)
{
	return (unsigned)r < ARRAY_SIZE(role_names) ? role_names[r] : "unknown";
}

VMC_EXPORT vmc_status vmc_digest_policy_parse(const char *name,
					      enum vmc_digest_policy *out,
					      vmc_error *e)
{
	if (strcmp(name, "exclude") == 0)
		*out = VMC_DIGEST_EXCLUDE;
	else if (strcmp(name, "recompute") == 0)
		*out = VMC_DIGEST_RECOMPUTE;
	else
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown digest policy "
				     "'%s' (exclude, recompute)", name);
	return VMC_OK;
}

VMC_EXPORT const char *vmc_digest_policy_name(enum vmc_digest_policy p)
{
	switch (p) {
	case VMC_DIGEST_EXCLUDE: return "exclude";
	case VMC_DIGEST_RECOMPUTE: return "recompute";
	}
	return "unknown";
}

static vmc_status check_set(const struct vmc_kexec_segment *seg, size_t n,
			    vmc_error *e)
{
	size_t nr_purg = 0, nr_hdr = 0;

	if (n > VMC_SHA_REGIONS)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%zu segments: at most %d "
				     "(KEXEC_SEGMENT_MAX)", n, VMC_SHA_REGIONS);
	for (size_t i = 0; i < n; i++) {
		const struct vmc_kexec_segment *s = &seg[i];
		uint64_t end;

		if (s->bufsz > s->memsz)
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "segment %zu: bufsz %llu > memsz "
					     "%llu", i,
					     (unsigned long long)s->bufsz,
					     (unsigned long long)s->memsz);
		if (s->bufsz && !s->buf)
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "segment %zu: no bytes", i);
		if ((unsigned)s->role >= ARRAY_SIZE(role_names))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "segment %zu: unknown role", i);
		if (add_overflows_u64(s->mem, s->memsz, &end))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "segment %zu passes 2^64", i);
		nr_purg += s->role == VMC_SEG_PURGATORY;
		nr_hdr += s->role == VMC_SEG_ELFCOREHDR;
		/* sort_segments / sanity_check_segment_list refuse overlaps */
		for (size_t j = 0; j < i; j++)
			if (s->mem < seg[j].mem + seg[j].memsz &&
			    seg[j].mem < end)
				return vmc_error_set(e, VMC_ERR_INVALID,
						     "segments %zu and %zu "
						     "overlap", j, i);
	}
	if (nr_purg > 1 || nr_hdr > 1)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "more than one %s segment",
				     nr_purg > 1 ? "purgatory" : "elfcorehdr");
	return VMC_OK;
}

/* Load order, or kexec-tools' address order (a selection sort, as its
 * sort_segments; addresses are distinct once overlaps are refused). */
static void walk_order(const struct vmc_kexec_segment *seg, size_t n,
		       const struct vmc__loader_ops *ops, size_t *idx)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (!ops->digest_address_order)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t m = i;

		for (size_t j = i + 1; j < n; j++)
			if (seg[idx[j]].mem < seg[idx[m]].mem)
				m = j;
		size_t t = idx[i];

		idx[i] = idx[m];
		idx[m] = t;
	}
}

static bool digested(const struct vmc_kexec_segment *s,
		     const struct vmc__loader_ops *ops,
		     enum vmc_digest_policy policy)
{
	if (s->role == VMC_SEG_PURGATORY)
		return false;
	if (s->role == VMC_SEG_ELFCOREHDR && policy == VMC_DIGEST_EXCLUDE)
		return false;
	/* check_ima_segment_index: the kernel only */
	return !(s->role == VMC_SEG_IMA && ops->digest_skips_ima);
}

VMC_EXPORT vmc_status vmc_kexec_digest(const struct vmc_kexec_segment *seg,
				       size_t n, enum vmc_loader loader,
				       enum vmc_digest_policy policy,
				       struct vmc_digest_table *out,
				       vmc_error *e)
{
	struct vmc_digest_table t;
	struct sha256_ctx ctx;
	size_t idx[VMC_SHA_REGIONS];
	const struct vmc__loader_ops *ops;
	vmc_status st = check_set(seg, n, e);

	if (st)
		return st;
	if (policy != VMC_DIGEST_EXCLUDE && policy != VMC_DIGEST_RECOMPUTE)
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown digest policy");
	st = vmc__loader_reserving(loader, &ops, e);
	if (st)
		return st;
	memset(&t, 0, sizeof(t));
	walk_order(seg, n, ops, idx);
	sha256_init(&ctx);
	for (size_t k = 0; k < n; k++) {
		const struct vmc_kexec_segment *s = &seg[idx[k]];
		const uint8_t *p = s->buf;
		uint64_t left = s->bufsz;

		if (!digested(s, ops, policy))
			continue;
		while (left) {
			size_t c = left > (1u << 30) ? (1u << 30) : (size_t)left;

			sha256_update(&ctx, c, p);
			p += c;
			left -= c;
		}
		for (left = s->memsz - s->bufsz; left;) {
			size_t c = left > ZERO_CHUNK ? ZERO_CHUNK : (size_t)left;

			sha256_update(&ctx, c, zeros);
			left -= c;
		}
		t.region[t.nr].start = s->mem;
		t.region[t.nr].len = s->memsz;
		t.nr++;
	}
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, t.digest);
	*out = t;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_kexec_verify(const struct vmc_digest_table *t,
				       vmc_mem_read_fn reader, void *ctx,
				       bool *match, vmc_error *e)
{
	uint8_t buf[ZERO_CHUNK], d[SHA256_DIGEST_SIZE];
	struct sha256_ctx sctx;

	sha256_init(&sctx);
	for (size_t i = 0; i < VMC_SHA_REGIONS; i++) {
		uint64_t a = t->region[i].start, left = t->region[i].len;

		while (left) {
			size_t c = left > sizeof(buf) ? sizeof(buf) : (size_t)left;
			vmc_status st = reader(ctx, a, buf, c, e);

			if (st)
				return PREFIXED(st, e, "region %zu at 0x%llx",
						i, (unsigned long long)a);
			sha256_update(&sctx, c, buf);
			a += c;
			left -= c;
		}
	}
	sha256_digest(&sctx, SHA256_DIGEST_SIZE, d);
	*match = memcmp(d, t->digest, sizeof(d)) == 0;
	return VMC_OK;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

VMC_EXPORT void vmc_digest_table_encode(const struct vmc_digest_table *t,
					uint8_t regions[VMC_SHA_REGIONS * 16],
					uint8_t digest[VMC_SHA256_LEN])
{
	if (regions)
		for (size_t i = 0; i < VMC_SHA_REGIONS; i++) {
			put_le64(regions + 16 * i, t->region[i].start);
			put_le64(regions + 16 * i + 8, t->region[i].len);
		}
	if (digest)
		memcpy(digest, t->digest, VMC_SHA256_LEN);
}

VMC_EXPORT vmc_status vmc_kexec_segment_parse(const char *s,
					      struct vmc_kexec_segment *out,
					      vmc_error *e)
{
	char f[3][64];
	size_t nf = 0, len = 0;
	uint64_t v[2];
	vmc_status st;

	for (const char *p = s;; p++) {
		if (*p == ':' || *p == '\0') {
			if (nf == 3)
				return vmc_error_set(e, VMC_ERR_INVALID,
						     "segment '%.80s': MEM:MEMSZ"
						     "[:ROLE]", s);
			f[nf++][len] = '\0';
			len = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (nf == 3 || len + 1 >= sizeof(f[0]))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "segment '%.80s': MEM:MEMSZ[:ROLE]",
					     s);
		f[nf][len++] = *p;
	}
	if (nf < 2)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "segment '%.80s': MEM:MEMSZ[:ROLE]", s);
	for (size_t i = 0; i < 2; i++) {
		st = vmc_parse_u64(f[i], &v[i], e);
		if (st)
			return PREFIXED(st, e, "segment '%.80s'", s);
	}
	out->role = VMC_SEG_DATA;
	if (nf == 3) {
		size_t r;

		for (r = 0; r < ARRAY_SIZE(role_names); r++)
			if (strcmp(f[2], role_names[r]) == 0)
				break;
		if (r == ARRAY_SIZE(role_names))
			return vmc_error_set(e, VMC_ERR_INVALID,
					     "segment '%.80s': role is data, "
					     "purgatory, elfcorehdr or ima", s);
		out->role = (enum vmc_seg_role)r;
	}
	if (v[0] + v[1] < v[0])
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "segment '%.80s' passes 2^64", s);
	out->mem = v[0];
	out->memsz = v[1];
	return VMC_OK;
}
