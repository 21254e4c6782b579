// SPDX-License-Identifier: MIT
/*
 * The arm64 page walk (src/guest/vtop_arm64.c) on the synthetic guests of
 * fuzz/seeds/guest_vtop_arm64 (made by fuzz/seeds/make-seeds.py
 * guest_vtop_arm64: 52-bit VAs with 5 levels and LPA2 descriptors, 48 with
 * 4, 39 with 3), whose translations are known by construction: va[0] is a
 * 4 KiB page at 0x10000 holding the uts release, va[1] a 2 MiB block at
 * 0x200000, va[2] a 1 GiB block's table entry that is not there, va[4]
 * the first kernel address (unmapped), va[6] no kernel address, va[5]
 * 0xffff000000000000: none with 39-bit VAs.  The descriptors carry AF and
 * no shareability bits, which LPA2 uses for OA[51:50].
 *   test_vtop_arm64 SEED_DIR
 */
#include "unit.h"
#include "vmcorekit/vmcorekit.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void one(const char *dir, const char *name, unsigned t1sz)
{
	char path[4096], text[512];
	static uint8_t buf[1 << 18];
	FILE *f;
	size_t n;
	uint64_t va[8], pa = 0, room = 0;
	vmc_physmem *pm = NULL;
	vmc_source *src = NULL;
	vmc_guest_kernel *k = NULL;
	vmc_error e;
	int tn;

	t_case("%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!CHECK(f != NULL, "open %s", path))
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (!CHECK(n > 65, "short seed"))
		return;
	for (int i = 0; i < 8; i++)
		va[i] = le64(buf + 1 + 8 * i);
	tn = snprintf(text, sizeof(text),
		      "OSRELEASE=6.12.0-test\nPAGESIZE=4096\n"
		      "SYMBOL(init_uts_ns)=%llx\n"
		      "SYMBOL(swapper_pg_dir)=ffff800080002000\n"
		      "NUMBER(kimage_voffset)=0xffff800080000000\n"
		      "NUMBER(PHYS_OFFSET)=0x0\nNUMBER(TCR_EL1_T1SZ)=0x%x\n",
		      (unsigned long long)va[0], t1sz);
	if (!CHECK(!vmc_physmem_new(&pm, &e) &&
		   !vmc_source_new_buffer(&src, buf + 65, n - 65, &e) &&
		   !vmc_physmem_own(pm, src, &e) &&
		   !vmc_physmem_map(pm, 0, n - 65, src, 0, &e) &&
		   !vmc_guest_kernel_new(&k, pm, text, (size_t)tn, &e),
		   "setup: %s", e.msg))
		goto out;
	CHECK_U64(vmc_guest_kernel_levels(k), (64 - t1sz - 12 + 8) / 9);
	CHECK(!vmc_guest_vtop(k, va[0] + 0x123, &pa, &room, &e) &&
	      pa == 0x10123 && room == 4096 - 0x123, "va0: %s 0x%llx",
	      e.msg, (unsigned long long)pa);
	CHECK(!vmc_guest_vtop(k, va[1], &pa, &room, &e) &&
	      pa == (0x200000 | (va[1] & 0x1fffff)) &&
	      room == 0x200000 - (va[1] & 0x1fffff), "va1 block: %s 0x%llx",
	      e.msg, (unsigned long long)pa);
	CHECK(vmc_guest_vtop(k, va[2], &pa, NULL, &e) == VMC_ERR_NOTFOUND,
	      "va2 must be unmapped");
	CHECK(vmc_guest_vtop(k, va[4], &pa, NULL, &e) == VMC_ERR_NOTFOUND,
	      "va4 must be unmapped");
	CHECK(vmc_guest_vtop(k, va[6], &pa, NULL, &e) == VMC_ERR_CORRUPT,
	      "a user address is no kernel address");
	if (t1sz == 25)
		CHECK(vmc_guest_vtop(k, va[5], &pa, NULL, &e) ==
		      VMC_ERR_CORRUPT, "0xffff0... is outside %u-bit VAs",
		      64 - t1sz);
	CHECK(!vmc_guest_kernel_check(k, &e), "uts check: %s", e.msg);
out:
	vmc_guest_kernel_free(k);
	vmc_physmem_free(pm);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: test_vtop_arm64 SEED_DIR\n");
		return 2;
	}
	one(argv[1], "va52", 12);
	one(argv[1], "va48", 16);
	one(argv[1], "va39", 25);
	return t_finish();
}
