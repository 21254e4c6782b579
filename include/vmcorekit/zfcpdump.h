/* SPDX-License-Identifier: MIT */
/*
 * s390 stand-alone dump (zfcpdump, NVMe dump): the ELF core header the dump
 * kernel builds in its own memory (arch/s390/kernel/crash_dump.c,
 * elfcorehdr_alloc), from the CPUs' save areas and the crashed system's
 * memory, as seed 000 ("vmcore: introduce ELF header in new memory")
 * describes it:
 *
 *   save areas ─┐
 *   (cpu files, ├─► vmc_zfcpdump_build ─► ehdr | PT_NOTE | [text] | PT_LOADs | notes
 *    lowcore)   │        ▲
 *   old memory ─┘        └─ os_info, VMCOREINFO read from old memory, whose
 *   (HSA below hsa_size,    [0, hsa_size) is the hypervisor save area
 *    memory above)          (vmc_physmem_overlay)
 *
 * Everything is big-endian (s390x).
 */
#ifndef VMCOREKIT_ZFCPDUMP_H
#define VMCOREKIT_ZFCPDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/error.h"
#include "vmcorekit/physical_memory.h"
#include "vmcorekit/ranges.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	/* The store-status save area: lowcore 0x1200-0x13ff
	 * (arch/s390/include/asm/lowcore.h, __LC_FPREGS_SAVE_AREA). */
	VMC_S390_SA_SIZE = 512,
	VMC_S390_SA_LC_OFF = 0x1200,
	/* A whole z/Architecture lowcore (two pages). */
	VMC_S390_LOWCORE_SIZE = 8192,
	/* SIGP STORE ADDITIONAL STATUS: vector registers 0-31, 16 bytes
	 * each (arch/s390/kernel/smp.c smp_save_dump_secondary_cpus). */
	VMC_S390_VX_SA_SIZE = 512,
	/* Absolute lowcore pointers (asm/lowcore.h): the VMCOREINFO note
	 * (vmcore_info, 0xe0c, unaligned) and struct os_info (0xe18). */
	VMC_S390_LC_VMCORE_INFO = 0xe0c,
	VMC_S390_LC_OS_INFO = 0xe18,
	/* struct os_info is one page (arch/s390/include/asm/os_info.h). */
	VMC_S390_OS_INFO_SIZE = 4096,
	VMC_S390_OS_INFO_MAX = 13,		/* OS_INFO_MAX */
	VMC_S390_OS_INFO_VMCOREINFO = 0,
	VMC_S390_OS_INFO_IDENTITY_BASE = 4,
	VMC_S390_OS_INFO_KASLR_OFFSET = 5,
	VMC_S390_OS_INFO_IMAGE_START = 10,
	VMC_S390_OS_INFO_IMAGE_END = 11,
	VMC_S390_OS_INFO_IMAGE_PHYS = 12,
	/* Note types (include/uapi/linux/elf.h), owner "LINUX". */
	VMC_NT_S390_TIMER = 0x301,
	VMC_NT_S390_TODCMP = 0x302,
	VMC_NT_S390_TODPREG = 0x303,
	VMC_NT_S390_CTRS = 0x304,
	VMC_NT_S390_PREFIX = 0x305,
	VMC_NT_S390_VXRS_LOW = 0x309,
	VMC_NT_S390_VXRS_HIGH = 0x30a,
};

#define VMC_S390_OS_INFO_MAGIC 0x4f53494e464f535aULL	/* "OSINFOSZ" */

/*
 * One CPU's registers as the dump kernel keeps them
 * (arch/s390/kernel/crash_dump.c, struct save_area).
 */
struct vmc_s390_save_area {
	uint64_t psw[2];	/* mask, address */
	uint64_t ctrs[16];
	uint64_t gprs[16];
	uint32_t acrs[16];
	uint64_t fprs[16];
	uint32_t fpc;
	uint32_t prefix;	/* 0: the CPU gets no notes */
	uint32_t todpreg;
	uint64_t timer;
	uint64_t todcmp;
	bool has_vx;		/* vxrs_* were set from a vector save area */
	uint64_t vxrs_low[16];	/* right halves of V0-V15 (left = fprs) */
	uint8_t vxrs_high[16][16];	/* V16-V31 */
};

/*
 * Decode a save area (save_area_add_regs): @len is VMC_S390_SA_SIZE (the
 * 512 bytes SIGP STORE STATUS AT ADDRESS stores, laid out as lowcore
 * 0x1200-0x13ff) or VMC_S390_LOWCORE_SIZE (a whole lowcore; the save area
 * is taken at 0x1200).  Clears the vector registers.
 * Errors: VMC_ERR_CORRUPT (another size).
 */
vmc_status vmc_s390_sa_decode(struct vmc_s390_save_area *out, const void *buf,
			      size_t len, vmc_error *e);

/*
 * Add the vector registers (save_area_add_vxrs) from the 512-byte vector
 * save area: V0-V31, 16 bytes each, big-endian.
 * Errors: VMC_ERR_CORRUPT (another size).
 */
vmc_status vmc_s390_sa_set_vx(struct vmc_s390_save_area *sa, const void *buf,
			      size_t len, vmc_error *e);

/*
 * The CKSM instruction as cksm() in arch/s390/include/asm/checksum.h uses
 * it: 32-bit big-endian words added with end-around carry, a short last
 * word padded with zeros on the right.
 */
uint32_t vmc_s390_cksm(const void *buf, size_t len, uint32_t sum);

/* struct os_info_entry: a data entry (addr, size, cksm of the data) or a
 * value entry (val, size 0, csum 0). */
struct vmc_s390_os_info_entry {
	uint64_t addr;		/* or the value of a value entry */
	uint64_t size;
	uint32_t csum;
};

/* struct os_info (arch/s390/include/asm/os_info.h), decoded. */
struct vmc_s390_os_info {
	uint64_t magic;
	uint32_t csum;
	uint16_t version_major, version_minor;
	uint64_t crashkernel_addr, crashkernel_size;
	struct vmc_s390_os_info_entry entry[VMC_S390_OS_INFO_MAX];
};

/*
 * Decode and check an os_info page as os_info_old_init does: the magic,
 * the checksum over version_major..end, version_major <= 1.  @len must be
 * at least VMC_S390_OS_INFO_SIZE.  Errors: VMC_ERR_CORRUPT with the reason.
 */
vmc_status vmc_s390_os_info_decode(struct vmc_s390_os_info *out,
				   const void *buf, size_t len, vmc_error *e);

/* Where the VMCOREINFO note's data came from (nt_vmcoreinfo). */
enum vmc_zfcpdump_vmci {
	VMC_ZFCPDUMP_VMCI_NONE = 0,	/* no note: both lookups failed */
	VMC_ZFCPDUMP_VMCI_OS_INFO,	/* os_info entry OS_INFO_VMCOREINFO */
	VMC_ZFCPDUMP_VMCI_LOWCORE,	/* the note at lowcore vmcore_info */
};

/*
 * What old memory says (os_info_old_init, nt_vmcoreinfo): read through
 * @oldmem, never failing on bad data (the kernel goes on without it); the
 * reasons are in the *_why strings.
 */
struct vmc_zfcpdump_oldmem {
	bool have_os_info;
	uint64_t os_info_addr;
	struct vmc_s390_os_info os_info;
	char os_info_why[128];	/* why not, when !have_os_info */
	enum vmc_zfcpdump_vmci vmci_from;
	uint64_t vmci_addr;	/* physical address of the data */
	uint8_t *vmci;		/* owned: free with vmc_zfcpdump_oldmem_free */
	size_t vmci_len;
	char vmci_why[160];	/* why the lookups failed */
};

/*
 * Look up os_info and VMCOREINFO in @oldmem.  Errors: VMC_ERR_NOMEM only;
 * missing or corrupt data is reported in @out.
 */
vmc_status vmc_zfcpdump_read_oldmem(struct vmc_zfcpdump_oldmem *out,
				    const vmc_physmem *oldmem, vmc_error *e);
/* Free what @om owns (vmci); @om itself is the caller's.  NULL-safe. */
void vmc_zfcpdump_oldmem_free(struct vmc_zfcpdump_oldmem *om);

/* ---- the CPUs (smp_save_dump_cpus, smp_save_dump_ipl_cpu) ---- */

/* One CPU of the dump: its save area and where it came from. */
struct vmc_zfcpdump_cpu {
	unsigned long n;		/* the N of cpuN */
	bool have_vx;			/* cpuN.vx was given */
	struct vmc_s390_save_area sa;
	char src[64];			/* "cpu3", "memory 0x1200" */
};

/* The CPUs the dump kernel describes, gathered one save area at a time. */
typedef struct vmc_zfcpdump_cpus vmc_zfcpdump_cpus;

vmc_status vmc_zfcpdump_cpus_new(vmc_zfcpdump_cpus **out, vmc_error *e);
void vmc_zfcpdump_cpus_free(vmc_zfcpdump_cpus *c);

/*
 * Add CPU @n's save area (@vx false: VMC_S390_SA_SIZE bytes or a whole
 * lowcore, as vmc_s390_sa_decode takes) or its vector save area (@vx:
 * VMC_S390_VX_SA_SIZE bytes), read from @src (kept as the CPU's source,
 * at most 48 characters).  Errors: VMC_ERR_CORRUPT (a bad size, the same
 * file given twice), VMC_ERR_NOMEM.
 */
vmc_status vmc_zfcpdump_cpus_add(vmc_zfcpdump_cpus *c, unsigned long n,
				 bool vx, const void *buf, size_t len,
				 const char *src, vmc_error *e);

/*
 * Add every DIR/cpuN and DIR/cpuN.vx file (N decimal, at most 2^20) of
 * @dir; other names are skipped.  Does I/O.  Errors: VMC_ERR_NOTFOUND or
 * VMC_ERR_IO (the directory or a file), VMC_ERR_CORRUPT (a file too large
 * or what vmc_zfcpdump_cpus_add says, prefixed with the file's path).
 */
vmc_status vmc_zfcpdump_cpus_read_dir(vmc_zfcpdump_cpus *c, const char *dir,
				      vmc_error *e);

/*
 * Complete the set as the kernel has it: the boot CPU (cpu0) always, its
 * save area read from @oldmem at 0x1200 (the absolute lowcore) when no
 * file gave it (smp_save_dump_ipl_cpu); the CPUs in their numbers' order,
 * the boot CPU first; cpu_has_vx(): vector registers for every CPU or for
 * none.  Errors: VMC_ERR_CORRUPT (a cpuN.vx without cpuN; a CPU without
 * vector registers when others have them), those of vmc_physmem_read
 * (prefixed).
 */
vmc_status vmc_zfcpdump_cpus_finish(vmc_zfcpdump_cpus *c,
				    const vmc_physmem *oldmem, vmc_error *e);

size_t vmc_zfcpdump_cpus_count(const vmc_zfcpdump_cpus *c);
/* CPU @i in the kernel's order (borrowed; valid while @c lives). */
const struct vmc_zfcpdump_cpu *vmc_zfcpdump_cpus_get(const vmc_zfcpdump_cpus *c,
						     size_t i);
bool vmc_zfcpdump_cpus_has_vx(const vmc_zfcpdump_cpus *c);

/*
 * The memory ranges the dump kernel describes: @ranges as given (@oldmem
 * NULL) or every mapping of @oldmem added to them (what the kernel's
 * physmem_info walk finds online); touching ranges merged.  Errors:
 * VMC_ERR_INVALID (no memory at all), VMC_ERR_NOMEM.
 */
vmc_status vmc_zfcpdump_ranges(vmc_ranges *ranges, const vmc_physmem *oldmem,
			       vmc_error *e);

#define VMC_ZFCPDUMP_OPTS_VERSION 1

struct vmc_zfcpdump_opts {
	unsigned version;	/* VMC_ZFCPDUMP_OPTS_VERSION */
	/* In the kernel's dump_save_areas order: the boot CPU first. */
	const struct vmc_s390_save_area *cpus;
	size_t nr_cpus;
	/* cpu_has_vx(): VXRS_HIGH and VXRS_LOW notes for every CPU (zeros
	 * for a CPU whose save area has none, as the kernel's zeroed
	 * memblock save area would give). */
	bool has_vx;
	/* The old system's memory (for_each_physmem_range), sorted and
	 * disjoint: one PT_LOAD each. */
	const struct vmc_range *ranges;
	size_t nr_ranges;
	/* Where the header sits: PT_NOTE p_offset = hdr_addr + offset of
	 * the notes (the kernel's kzalloc address; 0 for a file). */
	uint64_t hdr_addr;
};
#define VMC_ZFCPDUMP_OPTS_INIT { .version = VMC_ZFCPDUMP_OPTS_VERSION }

/* Point @o's cpus, nr_cpus and has_vx at the finished set @c (borrowed:
 * @c must outlive the build). */
void vmc_zfcpdump_cpus_opts(const vmc_zfcpdump_cpus *c,
			    struct vmc_zfcpdump_opts *o);

struct vmc_zfcpdump_info {
	size_t nr_cpu_notes;	/* CPUs with a non-zero prefix */
	size_t nr_phdrs;
	bool has_text;		/* os_info has a KASLR offset */
	uint64_t identity_base;
	size_t notes_off, notes_len;	/* in the header */
};

/*
 * Build the header exactly as elfcorehdr_alloc: ELF64 MSB EM_S390, one
 * PT_NOTE, the kernel text PT_LOAD when os_info has a KASLR offset, one
 * PT_LOAD per range (p_align 4096); then the notes NT_PRPSINFO, per CPU
 * with a non-zero prefix PRSTATUS, PRFPREG, S390_TIMER, S390_TODCMP,
 * S390_TODPREG, S390_CTRS, S390_PREFIX (+ VXRS_HIGH, VXRS_LOW), the
 * VMCOREINFO note when found, and the terminating empty note.  @om is
 * what vmc_zfcpdump_read_oldmem found (borrowed).  Two passes:
 * vmc_zfcpdump_build_size gives the exact size (get_elfcorehdr_size);
 * vmc_zfcpdump_build writes that many bytes into @buf (capacity @cap) and
 * fills @info (may be NULL).  Errors: VMC_ERR_INVALID (bad options:
 * unsorted or overlapping ranges, none), VMC_ERR_RANGE (sizes overflow),
 * VMC_ERR_NOSPACE (@cap below the size; nothing written), VMC_ERR_NOMEM.
 */
vmc_status vmc_zfcpdump_build_size(const struct vmc_zfcpdump_opts *o,
				   const struct vmc_zfcpdump_oldmem *om,
				   size_t *size, vmc_error *e);
vmc_status vmc_zfcpdump_build(const struct vmc_zfcpdump_opts *o,
			      const struct vmc_zfcpdump_oldmem *om, void *buf,
			      size_t cap, struct vmc_zfcpdump_info *info,
			      vmc_error *e);

#ifdef __cplusplus
}
#endif
#endif
