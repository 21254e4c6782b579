// SPDX-License-Identifier: MIT
/*
 * What the zfcpdump kernel reads from the crashed system's memory before
 * it builds its header: os_info (arch/s390/kernel/os_info.c
 * os_info_old_init, os_info_old_alloc) and the VMCOREINFO note
 * (arch/s390/kernel/crash_dump.c nt_vmcoreinfo, get_vmcoreinfo_old).
 *
 *   absolute lowcore (in the HSA for zfcpdump)
 *   0xe0c  vmcore_info  u64 (unaligned) ──► Elf64_Nhdr "VMCOREINFO" desc
 *   0xe18  os_info      u64 ──► struct os_info (page aligned, one page)
 *                                  entry[0] ──► VMCOREINFO data + csum
 *
 * The kernel goes on without either when a read fails or a check does not
 * hold; so does this code, saying why.  Only a failing image (VMC_ERR_IO)
 * or memory stops it: memory no source covers is the kernel's failed
 * copy_oldmem_kernel.
 */
#include <stdio.h>
#include <string.h>

#include "vmcorekit/zfcpdump.h"
#include "vmcorekit/elf.h"
#include "base/compiler.h"

/*
 * kmalloc refuses more than KMALLOC_MAX_SIZE (4 MiB with 4 KiB pages and
 * MAX_PAGE_ORDER 10); os_info_old_alloc and get_vmcoreinfo_old then give
 * up, and so do we instead of allocating what a corrupt size asks for.
 */
#define VMCI_MAX ((size_t)4 << 20)

/* VMC_ERR_RANGE (not in memory) is "not there"; anything else is real. */
static vmc_status read_old(const vmc_physmem *pm, uint64_t addr, void *buf,
			   size_t len, bool *ok, char *why, size_t whylen,
			   const char *what, vmc_error *e)
{
	vmc_error le = { 0 };
	vmc_status st = vmc_physmem_read(pm, addr, buf, len, &le);

	*ok = st == VMC_OK;
	if (st == VMC_ERR_RANGE) {
		snprintf(why, whylen, "%s at 0x%llx: not in memory", what,
			 (unsigned long long)addr);
		return VMC_OK;
	}
	if (st && e)
		*e = le;
	return st;
}

static vmc_status find_os_info(struct vmc_zfcpdump_oldmem *om,
			       const vmc_physmem *pm, vmc_error *e)
{
	uint8_t b[8], page[VMC_S390_OS_INFO_SIZE];
	vmc_error de = { 0 };
	uint64_t addr;
	bool ok;
	vmc_status st = read_old(pm, VMC_S390_LC_OS_INFO, b, 8, &ok,
				 om->os_info_why, sizeof(om->os_info_why),
				 "lowcore os_info", e);

	if (st || !ok)
		return st;
	addr = vmc_get64(VMC_BE, b);
	if (addr == 0 || addr % 4096) {
		snprintf(om->os_info_why, sizeof(om->os_info_why),
			 "lowcore os_info pointer is 0x%llx (%s)",
			 (unsigned long long)addr,
			 addr ? "not page aligned" : "none");
		return VMC_OK;
	}
	st = read_old(pm, addr, page, sizeof(page), &ok, om->os_info_why,
		      sizeof(om->os_info_why), "os_info", e);
	if (st || !ok)
		return st;
	if (vmc_s390_os_info_decode(&om->os_info, page, sizeof(page), &de)) {
		snprintf(om->os_info_why, sizeof(om->os_info_why),
			 "os_info at 0x%llx: %.90s", (unsigned long long)addr,
			 de.msg);
		return VMC_OK;
	}
	om->have_os_info = true;
	om->os_info_addr = addr;
	return VMC_OK;
}

static vmc_status take(struct vmc_zfcpdump_oldmem *om, const vmc_physmem *pm,
		       uint64_t addr, uint64_t size, const char *what,
		       bool *ok, vmc_error *e)
{
	vmc_status st;

	*ok = false;
	if (size > VMCI_MAX) {
		snprintf(om->vmci_why, sizeof(om->vmci_why),
			 "%s: size %llu is more than kmalloc gives", what,
			 (unsigned long long)size);
		return VMC_OK;
	}
	om->vmci = vmc__malloc(size ? (size_t)size : 1);
	if (!om->vmci)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = read_old(pm, addr, om->vmci, (size_t)size, ok, om->vmci_why,
		      sizeof(om->vmci_why), what, e);
	if (st || !*ok) {
		vmc__free(om->vmci);
		om->vmci = NULL;
		return st;
	}
	om->vmci_addr = addr;
	om->vmci_len = (size_t)size;
	return VMC_OK;
}

/* os_info_old_alloc(OS_INFO_VMCOREINFO): the data and its checksum. */
static vmc_status from_os_info(struct vmc_zfcpdump_oldmem *om,
			       const vmc_physmem *pm, vmc_error *e)
{
	const struct vmc_s390_os_info_entry *en =
		&om->os_info.entry[VMC_S390_OS_INFO_VMCOREINFO];
	bool ok;
	vmc_status st;

	if (!en->addr) {
		snprintf(om->vmci_why, sizeof(om->vmci_why),
			 "os_info entry 0 not available");
		return VMC_OK;
	}
	st = take(om, pm, en->addr, en->size, "os_info entry 0", &ok, e);
	if (st || !ok)
		return st;
	if (vmc_s390_cksm(om->vmci, om->vmci_len, 0) != en->csum) {
		snprintf(om->vmci_why, sizeof(om->vmci_why),
			 "os_info entry 0 at 0x%llx: checksum failed",
			 (unsigned long long)en->addr);
		vmc__free(om->vmci);
		om->vmci = NULL;
		om->vmci_len = 0;
		return VMC_OK;
	}
	om->vmci_from = VMC_ZFCPDUMP_VMCI_OS_INFO;
	return VMC_OK;
}

/*
 * get_vmcoreinfo_old: the note header at lowcore vmcore_info, ten bytes of
 * name compared with "VMCOREINFO" (n_namesz is not looked at), the data at
 * +24 (12 bytes of header, the name padded to 12).
 */
static vmc_status from_lowcore(struct vmc_zfcpdump_oldmem *om,
			       const vmc_physmem *pm, vmc_error *e)
{
	char why[sizeof(om->vmci_why)];
	uint8_t b[8], nh[VMC_ELF_NHDR_SIZE], name[10];
	uint64_t addr;
	bool ok;
	vmc_status st;

	/* Keep the os_info reason in front of the lowcore one. */
	memcpy(why, om->vmci_why, sizeof(why));
	st = read_old(pm, VMC_S390_LC_VMCORE_INFO, b, 8, &ok, om->vmci_why,
		      sizeof(om->vmci_why), "lowcore vmcore_info", e);
	if (st || !ok)
		goto out;
	addr = vmc_get64(VMC_BE, b);
	if (addr > UINT64_MAX - 24) {
		snprintf(om->vmci_why, sizeof(om->vmci_why),
			 "lowcore vmcore_info 0x%llx wraps",
			 (unsigned long long)addr);
		goto out;
	}
	st = read_old(pm, addr, nh, sizeof(nh), &ok, om->vmci_why,
		      sizeof(om->vmci_why), "VMCOREINFO note", e);
	if (!st && ok)
		st = read_old(pm, addr + sizeof(nh), name, sizeof(name), &ok,
			      om->vmci_why, sizeof(om->vmci_why),
			      "VMCOREINFO note name", e);
	if (st || !ok)
		goto out;
	if (memcmp(name, "VMCOREINFO", sizeof(name))) {
		snprintf(om->vmci_why, sizeof(om->vmci_why),
			 "no VMCOREINFO note at lowcore vmcore_info 0x%llx",
			 (unsigned long long)addr);
		goto out;
	}
	st = take(om, pm, addr + 24, vmc_get32(VMC_BE, nh + 4),
		  "VMCOREINFO note data", &ok, e);
	if (!st && ok) {
		om->vmci_from = VMC_ZFCPDUMP_VMCI_LOWCORE;
		om->vmci_why[0] = '\0';
		return VMC_OK;
	}
out:
	if (why[0] && om->vmci_why[0]) {
		char lc[sizeof(om->vmci_why)];

		memcpy(lc, om->vmci_why, sizeof(lc));
		snprintf(om->vmci_why, sizeof(om->vmci_why), "%.60s; %.96s",
			 why, lc);
	}
	return st;
}

VMC_EXPORT vmc_status vmc_zfcpdump_read_oldmem(struct vmc_zfcpdump_oldmem *out,
					       const vmc_physmem *oldmem,
					       vmc_error *e)
{
	vmc_status st;

	memset(out, 0, sizeof(*out));
	st = find_os_info(out, oldmem, e);
	if (!st && out->have_os_info)
		st = from_os_info(out, oldmem, e);
	else if (!st)
		snprintf(out->vmci_why, sizeof(out->vmci_why), "no os_info");
	if (!st && out->vmci_from == VMC_ZFCPDUMP_VMCI_NONE)
		st = from_lowcore(out, oldmem, e);
	if (st)
		vmc_zfcpdump_oldmem_free(out);
	return st;
}

VMC_EXPORT void vmc_zfcpdump_oldmem_free(struct vmc_zfcpdump_oldmem *om)
{
	if (!om)
		return;
	vmc__free(om->vmci);
	om->vmci = NULL;
	om->vmci_len = 0;
	om->vmci_from = VMC_ZFCPDUMP_VMCI_NONE;
}
