/* SPDX-License-Identifier: MIT */
/*
 * Internal: one ops table per loader, with per-architecture rows, and the
 * vmc_header under construction that the loaders' build functions fill.
 *
 *   loader.c       the table of loaders, names, the arch lookup,
 *                  vmc_header_build (dispatch) and the header helpers
 *   inputs.c       what the profiles read from a vmc_system (CPU notes,
 *                  VMCOREINFO, kernel text, the direct map, System RAM)
 *   kexec_file.c   kexec-file: its ops, x86_64 and arm64 rows, rules
 *   kexec_tools.c  kexec-tools: its ops, the x86_64 row, rules
 *   generic.c      generic: everything explicit, any architecture
 *
 * A loader's per-arch row is its own struct whose first member is a
 * struct vmc__loader_arch; the ops point at those heads, so one lookup
 * serves every loader and each build function casts back to its row type.
 * A new architecture for a loader is a new row (plus, where its kernel or
 * kexec-tools really does something else, a hook in that loader's row).
 */
#ifndef VMC_LOADER_PRIV_H
#define VMC_LOADER_PRIV_H

#include "vmcorekit/header.h"
#include "base/warnings.h"
#include "system/system_priv.h"

struct vmc_header {
	struct vmc_elfcore_spec spec;
	struct vmc_phdr *ph;
	size_t nr, alloc;
	uint64_t segment_size;
	uint64_t expected_addr;
	vmc_warnings *warn;
};

/* The head of every per-architecture row: what the loader builds there. */
struct vmc__loader_arch {
	const char *name;		/* for messages: "x86_64" */
	uint16_t machine;		/* e_machine */
	enum vmc_class cls;		/* the only class it builds there */
	enum vmc_order order;		/* the only byte order */
};

struct vmc__loader_ops {
	enum vmc_loader id;
	const char *name;		/* vmc_loader_name */
	const char *builder;		/* who builds, for messages */
	/* Architectures covered (row heads); NULL = any. */
	const struct vmc__loader_arch *const *arch;
	size_t nr_arch;
	/* Fill @h (its spec.id set) from @s under @o; @arch is the row that
	 * matched spec.id (NULL for a loader without rows). */
	vmc_status (*build)(struct vmc_header *h, const vmc_system *s,
			    const struct vmc_build_opts *o,
			    const struct vmc__loader_arch *arch, vmc_error *e);

	/* ---- crash hotplug: the reserved segment and its updates ---- */
	/* memsz the loader asks for, from crash_elfcorehdr_size (already
	 * checked non-zero and within an unsigned int); NULL = the loader
	 * reserves no segment (generic). */
	vmc_status (*reserve)(uint64_t elfcorehdr_size, uint64_t *memsz,
			      vmc_error *e);
	const char *reserve_source;	/* the function reserve mirrors */
	/* The kernel's own crash_load_segments: 2 + cpus + ranges >= PN_XNUM
	 * reserves nothing. */
	bool refuses_pn_xnum;
	/* The build computes the reserve (vmc_header_segment_size) because
	 * it depends on more than the sysfs value. */
	bool reserve_from_build;
	/* The header describes every possible CPU (the kernel's
	 * for_each_possible_cpu), so CPU events change nothing; otherwise
	 * only CPUs with crash notes (kexec-tools get_crash_notes_per_cpu). */
	bool all_possible_cpus;
	/* It can regenerate from what a header alone shows. */
	bool regen_from_header;
	/* The purgatory digest: segments in address order (kexec-tools
	 * sort_segments) rather than load order; the IMA buffer skipped
	 * (the kernel's check_ima_segment_index). */
	bool digest_address_order;
	bool digest_skips_ima;
};

/* The ops of @l, NULL if @l is no loader. */
const struct vmc__loader_ops *vmc__loader_ops(enum vmc_loader l);

/* The ops of @l if it reserves a hotplug segment, else VMC_ERR_INVALID
 * ("unknown loader" or "<name> reserves no elfcorehdr segment"). */
vmc_status vmc__loader_reserving(enum vmc_loader l,
				 const struct vmc__loader_ops **out,
				 vmc_error *e);

/* The row of @ops for @id: VMC_ERR_UNSUPPORTED for a machine it does not
 * cover, VMC_ERR_INVALID for another class or byte order there.  *@out is
 * NULL for a loader without rows. */
vmc_status vmc__loader_arch(const struct vmc__loader_ops *ops,
			    const struct vmc_elf_id *id,
			    const struct vmc__loader_arch **out, vmc_error *e);

extern const struct vmc__loader_ops vmc__loader_kexec_file;
extern const struct vmc__loader_ops vmc__loader_kexec_tools;
extern const struct vmc__loader_ops vmc__loader_generic;

/* ---- building the header (loader.c) ---- */

vmc_status vmc__hdr_push(struct vmc_header *h, const struct vmc_phdr *ph,
			 vmc_error *e);
vmc_status vmc__hdr_push_note(struct vmc_header *h, uint64_t paddr,
			      uint64_t len, vmc_error *e);
vmc_status vmc__hdr_warn(struct vmc_header *h, vmc_error *e,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Point the spec at the phdrs pushed so far and size it. */
vmc_status vmc__hdr_size(struct vmc_header *h, size_t *size, vmc_error *e);

/* ---- what the profiles read (inputs.c) ---- */

size_t vmc__sys_nr_possible(const vmc_system *s);
/* A required input is absent: fail, or warn under allow_missing. */
vmc_status vmc__sys_missing(const struct vmc_build_opts *o,
			    struct vmc_header *h, const char *file,
			    const char *meaning, vmc_error *e);
/* CPU notes of every possible CPU (or the explicit ones); *@nr_cpus
 * counts the possible CPUs. */
vmc_status vmc__in_cpu_notes(struct vmc_header *h, const vmc_system *s,
			     const struct vmc_build_opts *o, size_t *nr_cpus,
			     vmc_error *e);
/* The VMCOREINFO PT_NOTE, if known (an error when @required). */
vmc_status vmc__in_vmcoreinfo(struct vmc_header *h, const vmc_system *s,
			      const struct vmc_build_opts *o, bool required,
			      vmc_error *e);
/* The kernel text PT_LOAD from kcore and kallsyms (or explicit). */
vmc_status vmc__in_text(struct vmc_header *h, const vmc_system *s,
			const struct vmc_build_opts *o, bool required,
			vmc_error *e);
/* __va(p) - p from kcore's RAM entries (skipping the text one). */
bool vmc__in_page_offset(const vmc_system *s, uint64_t text_vaddr,
			 uint64_t *out);
/* System RAM: explicit, iomem, else the device tree's memory nodes. */
vmc_status vmc__in_system_ram(const vmc_system *s,
			      const struct vmc_build_opts *o,
			      vmc_ranges **out, vmc_error *e);
/* No RAM range (@nr_ram 0): an error, a warning with allow_missing. */
vmc_status vmc__in_no_ram(struct vmc_header *h, const struct vmc_build_opts *o,
			  size_t nr_ram, vmc_error *e);
/* One RAM PT_LOAD per range: p_offset = p_paddr, p_vaddr = __va. */
vmc_status vmc__in_push_ram(struct vmc_header *h, const vmc_ranges *ram,
			    uint64_t page_offset, vmc_error *e);

#endif
