// SPDX-License-Identifier: MIT
/*
 * A kexec segment set from the input: records of {mem page (2 bytes),
 * memsz pages (1), role (1), bufsz (2)} followed by bufsz bytes of the
 * segment.  The digest table under both loaders and policies, then
 * purgatory's check over the same bytes, which must match.
 */
#include "vmcorekit/vmcorekit.h"

struct set {
	struct vmc_kexec_segment s[VMC_SHA_REGIONS + 2];
	size_t n;
};

static vmc_status rd(void *ctx, uint64_t paddr, void *buf, size_t len,
		     vmc_error *e)
{
	const struct set *st = ctx;
	uint8_t *out = buf;

	for (size_t k = 0; k < len; k++, paddr++) {
		size_t i;

		for (i = 0; i < st->n; i++)
			if (paddr >= st->s[i].mem &&
			    paddr - st->s[i].mem < st->s[i].memsz)
				break;
		if (i == st->n)
			return vmc_error_set(e, VMC_ERR_RANGE, "unmapped");
		out[k] = paddr - st->s[i].mem < st->s[i].bufsz ?
			 ((const uint8_t *)st->s[i].buf)[paddr - st->s[i].mem] : 0;
	}
	return VMC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vmc_digest_table t;
	struct set st = { .n = 0 };
	bool match;

	while (in.n >= 6 && st.n < VMC_SHA_REGIONS + 2) {
		struct vmc_kexec_segment *s = &st.s[st.n++];

		s->mem = fuzz_take(&in, 2) << 12;
		s->memsz = (fuzz_take(&in, 1) % 4) << 12;
		s->role = (enum vmc_seg_role)(fuzz_take(&in, 1) % 5);
		s->bufsz = fuzz_take(&in, 2) % 8192;
		if (s->bufsz > in.n)
			s->bufsz = in.n;
		s->buf = s->bufsz ? in.p : NULL;
		in.p += s->bufsz;
		in.n -= s->bufsz;
	}
	for (int l = VMC_LOADER_KEXEC_FILE; l <= VMC_LOADER_KEXEC_TOOLS; l++)
		for (int p = VMC_DIGEST_EXCLUDE; p <= VMC_DIGEST_RECOMPUTE; p++) {
			if (vmc_kexec_digest(st.s, st.n, l, p, &t, NULL))
				continue;
			if (vmc_kexec_verify(&t, rd, &st, &match, NULL) ||
			    !match)
				abort();
		}
	return 0;
}
