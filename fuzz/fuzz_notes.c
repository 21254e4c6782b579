// SPDX-License-Identifier: MIT
/*
 * A note segment: the walk (vmc_notes_iter, both byte orders) and the
 * decoders of every note a crash dump carries -- NT_PRSTATUS and
 * NT_PRPSINFO for each supported architecture and class, NT_VMCOREDD,
 * VMCOREINFO (keys looked up as `show` and the dump layout do).  The input
 * is the raw segment, as a PT_NOTE of a vmcore holds it.
 */
#include "vmcorekit/vmcorekit.h"

static const struct vmc_elf_id ids[] = {
	{ VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 },
	{ VMC_CLASS_32, VMC_LE, VMC_EM_386 },
	{ VMC_CLASS_64, VMC_LE, VMC_EM_AARCH64 },
	{ VMC_CLASS_64, VMC_BE, VMC_EM_PPC64 },
	{ VMC_CLASS_64, VMC_BE, VMC_EM_S390 },
	{ VMC_CLASS_32, VMC_LE, VMC_EM_ARM },
	{ VMC_CLASS_64, VMC_LE, VMC_EM_RISCV },
};

static const char *const keys[] = {
	"OSRELEASE", "PAGESIZE", "NUMBER(phys_base)", "SYMBOL(_stext)",
	"KERNELOFFSET", "SAMODE31", "NUMBER(pgtable_l5_enabled)", "CRASHTIME",
};

static void decode(const struct vmc_note *n, enum vmc_order order)
{
	struct vmc_prstatus pr;
	struct vmc_prpsinfo ps;
	struct vmc_vmcoredd dd;

	(void)vmc_note_type_name(n);
	(void)vmc_note_name_len(n);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (ids[i].order != order)
			continue;
		if (vmc_prstatus_decode(&ids[i], n->desc, n->descsz, &pr,
					NULL) == VMC_OK)
			for (unsigned r = 0; r < pr.nr_regs; r++)
				(void)pr.reg_names[r][0];
		vmc_prpsinfo_decode(&ids[i], n->desc, n->descsz, &ps, NULL);
	}
	if (vmc_vmcoredd_decode(n, &dd, NULL) == VMC_OK && dd.data_len)
		(void)(dd.data[0] + dd.data[dd.data_len - 1]);
	if (vmc_note_name_is(n, "VMCOREINFO")) {
		char val[64];
		uint64_t v;

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			vmc_vmcoreinfo_get((const char *)n->desc, n->descsz,
					   keys[k], val, sizeof(val));
			vmc_vmcoreinfo_get_u64((const char *)n->desc, n->descsz,
					       keys[k], &v);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int o = VMC_LE; o <= VMC_BE; o++) {
		struct vmc_note_iter it;
		struct vmc_note n;

		vmc_notes_iter_init(&it, data, size, (enum vmc_order)o);
		while (vmc_notes_next(&it, &n) == VMC_OK)
			decode(&n, (enum vmc_order)o);
	}
	return 0;
}
