// SPDX-License-Identifier: MIT
/*
 * QEMU's HMP `info registers -a` text: vmc_vcpus_parse_qemu, then what
 * consumes it -- the guest core header (NT_PRSTATUS per vCPU), parsed back
 * as an ELF core and its notes decoded.  The input is the text.
 */
#include "vmcorekit/vmcorekit.h"

static void consume(const vmc_vcpus *v)
{
	const struct vmc_elf_id id = { VMC_CLASS_64, VMC_LE, VMC_EM_X86_64 };
	const uint64_t ram[] = { 0, 0x100000 };
	struct vmc_guestcore_spec s = VMC_GUESTCORE_SPEC_INIT;
	struct vmc_note_iter it;
	struct vmc_note n;
	struct vmc_prstatus pr;
	uint8_t *buf = NULL;
	size_t len = 0;

	s.cpus = v;
	s.ram = ram;
	s.nr_ram = 1;
	if (vmc_guestcore_header_size(&s, &len, NULL) != VMC_OK ||
	    (buf = malloc(len)) == NULL)
		return;
	if (vmc_guestcore_header(&s, buf, len, &len, NULL) != VMC_OK)
		len = 0;
	/* the notes follow the ELF header and the program headers */
	if (len > 64 + 56 * (vmc_vcpus_count(v) + 1)) {
		size_t off = 64 + 56 * (vmc_vcpus_count(v) + 1);

		vmc_notes_iter_init(&it, buf + off, len - off, VMC_LE);
		while (vmc_notes_next(&it, &n) == VMC_OK)
			(void)vmc_prstatus_decode(&id, n.desc, n.descsz, &pr,
						  NULL);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmc_vcpus *v = NULL;

	if (vmc_vcpus_parse_qemu(&v, (const char *)data, size, NULL) ==
	    VMC_OK) {
		for (size_t i = 0; i < vmc_vcpus_count(v); i++)
			(void)vmc_vcpus_get(v, i)->regs[VMC_X86_RIP];
		consume(v);
	}
	vmc_vcpus_free(v);
	return 0;
}
