// SPDX-License-Identifier: MIT
/*
 * s390 CPU save areas and os_info: the two binary inputs of the zfcpdump
 * header.  All fields are big-endian (s390x).
 *
 * The save area SIGP STORE STATUS AT ADDRESS stores, which is also the
 * lowcore from 0x1200 (arch/s390/include/asm/lowcore.h; read by
 * arch/s390/kernel/crash_dump.c save_area_add_regs, whose lowcore pointer
 * is the save area minus __LC_FPREGS_SAVE_AREA):
 *
 *   off    lowcore  size  field
 *   0x000  0x1200   128   floating_pt_save_area  fprs[16]      u64
 *   0x080  0x1280   128   gpregs_save_area       gprs[16]      u64
 *   0x100  0x1300    16   psw_save_area          mask, addr    u64
 *   0x118  0x1318     4   prefixreg_save_area    prefix        u32
 *   0x11c  0x131c     4   fpt_creg_save_area     fpc           u32
 *   0x124  0x1324     4   tod_progreg_save_area  todpreg       u32
 *   0x128  0x1328     8   cpu_timer_save_area    timer         u64
 *   0x130  0x1330     8   clock_comp_save_area   todcmp        u64
 *   0x138  0x1338     8   last_break_save_area   (not dumped)
 *   0x140  0x1340    64   access_regs_save_area  acrs[16]      u32
 *   0x180  0x1380   128   cregs_save_area        ctrs[16]      u64
 *   0x200  0x1400         end
 *
 * The vector save area (SIGP STORE ADDITIONAL STATUS; the boot CPU's from
 * save_vx_regs): V0..V31, 16 bytes each; save_area_add_vxrs keeps the right
 * halves of V0-V15 (the left halves are the fprs) and all of V16-V31.
 */
#include <string.h>

#include "vmcorekit/zfcpdump.h"
#include "vmcorekit/elf.h"
#include "base/compiler.h"

enum {
	SA_FPRS = 0x000,
	SA_GPRS = 0x080,
	SA_PSW = 0x100,
	SA_PREFIX = 0x118,
	SA_FPC = 0x11c,
	SA_TODPREG = 0x124,
	SA_TIMER = 0x128,
	SA_TODCMP = 0x130,
	SA_ACRS = 0x140,
	SA_CTRS = 0x180,
};

VMC_EXPORT vmc_status vmc_s390_sa_decode(struct vmc_s390_save_area *out,
					 const void *buf, size_t len,
					 vmc_error *e)
{
	const uint8_t *p = buf;

	if (len == VMC_S390_LOWCORE_SIZE)
		p += VMC_S390_SA_LC_OFF;
	else if (len != VMC_S390_SA_SIZE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "a save area is %d bytes (or a %d-byte "
				     "lowcore), not %zu", VMC_S390_SA_SIZE,
				     VMC_S390_LOWCORE_SIZE, len);
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 16; i++) {
		out->fprs[i] = vmc_get64(VMC_BE, p + SA_FPRS + 8 * i);
		out->gprs[i] = vmc_get64(VMC_BE, p + SA_GPRS + 8 * i);
		out->acrs[i] = vmc_get32(VMC_BE, p + SA_ACRS + 4 * i);
		out->ctrs[i] = vmc_get64(VMC_BE, p + SA_CTRS + 8 * i);
	}
	out->psw[0] = vmc_get64(VMC_BE, p + SA_PSW);
	out->psw[1] = vmc_get64(VMC_BE, p + SA_PSW + 8);
	out->prefix = vmc_get32(VMC_BE, p + SA_PREFIX);
	out->fpc = vmc_get32(VMC_BE, p + SA_FPC);
	out->todpreg = vmc_get32(VMC_BE, p + SA_TODPREG);
	out->timer = vmc_get64(VMC_BE, p + SA_TIMER);
	out->todcmp = vmc_get64(VMC_BE, p + SA_TODCMP);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_s390_sa_set_vx(struct vmc_s390_save_area *sa,
					 const void *buf, size_t len,
					 vmc_error *e)
{
	const uint8_t *p = buf;

	if (len != VMC_S390_VX_SA_SIZE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "a vector save area is %d bytes, not %zu",
				     VMC_S390_VX_SA_SIZE, len);
	for (int i = 0; i < 16; i++) {
		sa->vxrs_low[i] = vmc_get64(VMC_BE, p + 16 * i + 8);
		memcpy(sa->vxrs_high[i], p + 16 * (16 + i), 16);
	}
	sa->has_vx = true;
	return VMC_OK;
}

VMC_EXPORT uint32_t vmc_s390_cksm(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len) {
		uint8_t w[4] = { 0 };
		size_t n = len < 4 ? len : 4;

		memcpy(w, p, n);
		acc += vmc_get32(VMC_BE, w);
		/* End-around carry, folded at once so acc never overflows. */
		acc = (acc & 0xffffffffu) + (acc >> 32);
		p += n;
		len -= n;
	}
	return (uint32_t)acc;
}

/*
 * struct os_info (arch/s390/include/asm/os_info.h, __packed, one page):
 *
 *   0x000  magic             u64  OS_INFO_MAGIC "OSINFOSZ"
 *   0x008  csum              u32  cksm over 0x00c..0x1000 (os_info_csum)
 *   0x00c  version_major     u16
 *   0x00e  version_minor     u16
 *   0x010  crashkernel_addr  u64
 *   0x018  crashkernel_size  u64
 *   0x020  entry[13]         20 bytes each: addr/val u64, size u64, csum u32
 *   0x124  reserved[3804]
 */
enum {
	OI_MAGIC = 0x00,
	OI_CSUM = 0x08,
	OI_VMAJOR = 0x0c,
	OI_VMINOR = 0x0e,
	OI_CK_ADDR = 0x10,
	OI_CK_SIZE = 0x18,
	OI_ENTRY = 0x20,
	OI_ENTRY_SIZE = 20,
	OI_VERSION_MAJOR = 1,	/* OS_INFO_VERSION_MAJOR */
};

VMC_EXPORT vmc_status vmc_s390_os_info_decode(struct vmc_s390_os_info *out,
					      const void *buf, size_t len,
					      vmc_error *e)
{
	const uint8_t *p = buf;
	uint32_t csum;

	if (len < VMC_S390_OS_INFO_SIZE)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "os_info is %d bytes, got %zu",
				     VMC_S390_OS_INFO_SIZE, len);
	memset(out, 0, sizeof(*out));
	out->magic = vmc_get64(VMC_BE, p + OI_MAGIC);
	out->csum = vmc_get32(VMC_BE, p + OI_CSUM);
	out->version_major = vmc_get16(VMC_BE, p + OI_VMAJOR);
	out->version_minor = vmc_get16(VMC_BE, p + OI_VMINOR);
	out->crashkernel_addr = vmc_get64(VMC_BE, p + OI_CK_ADDR);
	out->crashkernel_size = vmc_get64(VMC_BE, p + OI_CK_SIZE);
	for (int i = 0; i < VMC_S390_OS_INFO_MAX; i++) {
		const uint8_t *q = p + OI_ENTRY + OI_ENTRY_SIZE * i;

		out->entry[i].addr = vmc_get64(VMC_BE, q);
		out->entry[i].size = vmc_get64(VMC_BE, q + 8);
		out->entry[i].csum = vmc_get32(VMC_BE, q + 16);
	}
	/* The order of os_info_old_init's checks. */
	if (out->magic != VMC_S390_OS_INFO_MAGIC)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "os_info magic 0x%016llx is not "
				     "\"OSINFOSZ\"",
				     (unsigned long long)out->magic);
	csum = vmc_s390_cksm(p + OI_VMAJOR, VMC_S390_OS_INFO_SIZE - OI_VMAJOR,
			     0);
	if (csum != out->csum)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "os_info checksum 0x%08x, computed 0x%08x",
				     out->csum, csum);
	if (out->version_major > OI_VERSION_MAJOR)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "os_info version %u.%u is newer than %d",
				     out->version_major, out->version_minor,
				     OI_VERSION_MAJOR);
	return VMC_OK;
}
