/* SPDX-License-Identifier: MIT */
/*
 * Crash hotplug: keeping the elfcorehdr current when memory or CPUs come
 * and go, inside the fixed reserve the loader made for it (seed 003, and
 * what upstream Linux >= 6.6 does instead: kernel/crash_core.c
 * crash_handle_hotplug_event, arch/x86/kernel/crash.c
 * arch_crash_handle_hotplug_event).
 *
 *   capacity   the reserve, as the kernel (crash_load_segments) and as
 *              kexec-tools >= 2.0.28 --hotplug (load_crashdump_segments)
 *              size it;
 *   segments   a kexec segment set and its purgatory SHA-256 table, as
 *              kernel/kexec_file.c kexec_calculate_store_digests and
 *              kexec-tools kexec/kexec.c update_purgatory compute it, and
 *              the check purgatory makes (verify_sha256_digest);
 *   events     add/remove memory [start, end), add/remove CPU;
 *   vmc_hotplug  the header in its segment: an event is prepared (the new
 *              header regenerated with a profile, refused with
 *              VMC_ERR_NOSPACE when it does not fit) and then committed
 *              between invalidate/validate hooks, so a crash at any moment
 *              sees either no crash image or a complete one.
 */
#ifndef VMCOREKIT_HOTPLUG_H
#define VMCOREKIT_HOTPLUG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmcorekit/header.h"
#include "vmcorekit/loader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- capacity ---- */

struct vmc_hp_capacity {
	/* /sys/kernel/crash_elfcorehdr_size: arch/x86/kernel/crash.c
	 * arch_crash_get_elfcorehdr_size, 56 * (2 + cpus + ranges). */
	uint64_t elfcorehdr_size;
	/* The memsz the loader asks for: the kernel 64 + elfcorehdr_size
	 * (crash_load_segments), kexec-tools ALIGN(elfcorehdr_size, 1024)
	 * (kexec/arch/i386/crashdump-x86.c load_crashdump_segments). */
	uint64_t memsz;
	/* memsz rounded up to a page (kexec_add_buffer, add_buffer): the
	 * segment, which "elfsz > memsz" compares against. */
	uint64_t segment;
	/* Program headers that fit: (segment - 64) / 56. */
	uint64_t max_phdrs;
	/* The loader function this mirrors (static string). */
	const char *source;
};

/*
 * The reserve for @max_cpus (CONFIG_NR_CPUS_DEFAULT) and @max_ranges
 * (CONFIG_CRASH_MAX_MEMORY_RANGES) as @loader computes it, with 4 KiB
 * pages.  Errors: VMC_ERR_RANGE when the kernel would refuse (2 + cpus +
 * ranges >= PN_XNUM: "number of Phdrs exceeds max", no reserve at all) or
 * the sysfs value overflows its unsigned int; VMC_ERR_INVALID.
 */
vmc_status vmc_hp_capacity(enum vmc_loader loader, uint64_t max_cpus,
			   uint64_t max_ranges, struct vmc_hp_capacity *out,
			   vmc_error *e);

/* The same from the value /sys/kernel/crash_elfcorehdr_size reports (what
 * kexec-tools reads).  Errors: VMC_ERR_INVALID (0), VMC_ERR_RANGE. */
vmc_status vmc_hp_capacity_from_sysfs(enum vmc_loader loader,
				      uint64_t elfcorehdr_size,
				      struct vmc_hp_capacity *out,
				      vmc_error *e);

/* ---- kexec segments and the purgatory digest ---- */

enum vmc_seg_role {
	VMC_SEG_DATA = 0,	/* kernel, initrd, boot params, ... */
	VMC_SEG_PURGATORY,	/* never digested: it holds the digest */
	VMC_SEG_ELFCOREHDR,
	VMC_SEG_IMA,		/* the kernel skips the IMA buffer too */
};

struct vmc_kexec_segment {
	uint64_t mem;		/* physical destination */
	uint64_t memsz;		/* bytes reserved there (page multiple) */
	const void *buf;	/* bufsz bytes, borrowed; NULL when bufsz 0 */
	uint64_t bufsz;		/* <= memsz; bytes past it are zero */
	enum vmc_seg_role role;
};

enum vmc_digest_policy {
	/* Upstream (Linux >= 6.6 with CONFIG_CRASH_HOTPLUG, kexec-tools
	 * --hotplug): the elfcorehdr segment is left out, so it can change
	 * without touching purgatory. */
	VMC_DIGEST_EXCLUDE = 1,
	/* The seed's RFC (and kexec-tools without --hotplug): the
	 * elfcorehdr is digested; a hotplug update recomputes the table. */
	VMC_DIGEST_RECOMPUTE,
};

/* "exclude", "recompute" <-> enum.  Errors: INVALID. */
vmc_status vmc_digest_policy_parse(const char *name,
				   enum vmc_digest_policy *out, vmc_error *e);
const char *vmc_digest_policy_name(enum vmc_digest_policy p);

#define VMC_SHA_REGIONS 16	/* KEXEC_SEGMENT_MAX; kexec-tools SHA256_REGIONS */
#define VMC_SHA256_LEN 32

/* struct kexec_sha_region (include/linux/kexec.h) / kexec-tools struct
 * sha256_region: unused entries are {0, 0}. */
struct vmc_sha_region {
	uint64_t start;
	uint64_t len;
};

struct vmc_digest_table {
	struct vmc_sha_region region[VMC_SHA_REGIONS];
	size_t nr;			/* entries in use */
	uint8_t digest[VMC_SHA256_LEN];
};

/*
 * The digest table @loader stores in purgatory for segments @seg[0..n):
 * the kernel walks them in load order (kexec_calculate_store_digests),
 * kexec-tools in address order (sort_segments before update_purgatory).
 * Both skip purgatory, the kernel also the IMA buffer, and under
 * VMC_DIGEST_EXCLUDE the elfcorehdr; each digested segment contributes
 * bufsz bytes, then memsz - bufsz zero bytes, and one region {mem, memsz}.
 * SHA-256 comes from nettle.  Errors: VMC_ERR_INVALID (bufsz > memsz,
 * overlapping segments, more than VMC_SHA_REGIONS segments, two
 * purgatories or elfcorehdrs, a NULL buf with bufsz).
 */
vmc_status vmc_kexec_digest(const struct vmc_kexec_segment *seg, size_t n,
			    enum vmc_loader loader,
			    enum vmc_digest_policy policy,
			    struct vmc_digest_table *out, vmc_error *e);

/* Read @len bytes of physical memory at @paddr (the machine as purgatory
 * sees it). */
typedef vmc_status (*vmc_mem_read_fn)(void *ctx, uint64_t paddr, void *buf,
				      size_t len, vmc_error *e);

/*
 * Purgatory's check (arch/x86/purgatory/purgatory.c verify_sha256_digest,
 * kexec-tools purgatory/purgatory.c): SHA-256 over every one of the
 * VMC_SHA_REGIONS regions in table order, read through @reader, compared
 * with the stored digest.  *@match tells the result; errors are only the
 * reader's.
 */
vmc_status vmc_kexec_verify(const struct vmc_digest_table *t,
			    vmc_mem_read_fn reader, void *ctx, bool *match,
			    vmc_error *e);

/*
 * The table as it sits in purgatory on a 64-bit little-endian machine:
 * purgatory_sha_regions[16] (16 x {u64 start, u64 len}, 256 bytes) and
 * purgatory_sha256_digest (32 bytes).  @regions or @digest may be NULL.
 */
void vmc_digest_table_encode(const struct vmc_digest_table *t,
			     uint8_t regions[VMC_SHA_REGIONS * 16],
			     uint8_t digest[VMC_SHA256_LEN]);

/*
 * One segment description as the command line takes it:
 * "MEM:MEMSZ[:ROLE]" with ROLE data (default), purgatory, elfcorehdr or
 * ima; numbers in the vmc_parse_u64 syntax.  Sets mem, memsz and role
 * (buf/bufsz untouched).  Errors: VMC_ERR_INVALID, VMC_ERR_RANGE.
 */
vmc_status vmc_kexec_segment_parse(const char *s,
				   struct vmc_kexec_segment *out,
				   vmc_error *e);
const char *vmc_seg_role_name(enum vmc_seg_role r);

/* ---- events ---- */

enum vmc_hp_action {
	VMC_HP_ADD_MEMORY = 1,	/* MEM_ONLINE of a new "System RAM" resource */
	VMC_HP_REMOVE_MEMORY,	/* the resource released */
	VMC_HP_ADD_CPU,		/* cpuhp online */
	VMC_HP_REMOVE_CPU,	/* cpuhp offline */
	VMC_HP_ONLINE_MEMORY,	/* MEM_ONLINE of blocks already a resource */
	VMC_HP_OFFLINE_MEMORY,	/* MEM_OFFLINE: the resource stays */
};

struct vmc_hp_event {
	enum vmc_hp_action action;
	uint64_t start, end;	/* memory: [start, end), page aligned */
	uint32_t cpu;		/* CPU events */
};

/*
 * "add-memory:RANGE", "remove-memory:RANGE" (a range as vmc_parse_range
 * takes it: START-END with END inclusive, or START+SIZE),
 * "online-memory:RANGE", "offline-memory:RANGE", "add-cpu:N",
 * "remove-cpu:N".  Errors: VMC_ERR_INVALID with the reason (a page-aligned
 * END says END is inclusive), VMC_ERR_RANGE.
 */
vmc_status vmc_hp_event_parse(const char *s, struct vmc_hp_event *out,
			      vmc_error *e);
/* The event in the syntax above, START-END inclusive (snprintf
 * semantics). */
int vmc_hp_event_format(const struct vmc_hp_event *ev, char *buf,
			size_t len);

/* ---- the header in its segment ---- */

#define VMC_HOTPLUG_OPTS_VERSION 1

struct vmc_hotplug_opts {
	unsigned version;		/* VMC_HOTPLUG_OPTS_VERSION */
	enum vmc_loader loader;		/* who loaded: kexec-file or -tools */
	/*
	 * Who regenerates, and so the header's format after an event:
	 * VMC_LOADER_KEXEC_FILE is the kernel's own update, for both
	 * loaders (arch_crash_handle_hotplug_event calls the kernel's
	 * prepare_elf_headers); CPU events change nothing once every
	 * possible CPU is described (kexec_file from the start, kexec_load
	 * after its first update).  VMC_LOADER_KEXEC_TOOLS regenerates by
	 * kexec-tools' rules (CPU notes of present CPUs): a user-space
	 * rebuild into the same reserve.
	 */
	enum vmc_loader profile;
	/* Segment bytes; 0 = the reserve the loader made, from the
	 * system's crash_elfcorehdr_size. */
	uint64_t capacity;
	/* Digest policy for updates (VMC_DIGEST_EXCLUDE by default);
	 * RECOMPUTE needs vmc_hotplug_set_segments. */
	enum vmc_digest_policy policy;
	/* Inputs and overrides for the builds (their profile field is
	 * ignored); borrowed, must outlive the vmc_hotplug.  NULL = none. */
	const struct vmc_build_opts *build;
};
#define VMC_HOTPLUG_OPTS_INIT { .version = VMC_HOTPLUG_OPTS_VERSION, \
				.loader = VMC_LOADER_KEXEC_FILE, \
				.profile = VMC_LOADER_KEXEC_FILE, \
				.policy = VMC_DIGEST_EXCLUDE }

typedef struct vmc_hotplug vmc_hotplug;
typedef struct vmc_hp_update vmc_hp_update;

/*
 * A segment holding the header the loader built at load time for @sys
 * (borrowed; must outlive the result), zero-padded to the capacity.
 * Errors: those of vmc_header_build, VMC_ERR_NOSPACE (the load-time header
 * does not fit), VMC_ERR_INVALID (no capacity known), VMC_ERR_NOMEM.
 */
vmc_status vmc_hotplug_new(vmc_hotplug **out, const vmc_system *sys,
			   const struct vmc_hotplug_opts *o, vmc_error *e);

/*
 * A segment holding @hdr (@len bytes, an x86_64 elfcorehdr in the kernel's
 * layout), with no system files: the CPU notes, VMCOREINFO, kernel text and
 * RAM ranges are taken from the header itself.  Needs opts->capacity and
 * the kexec-file profile.  Errors: VMC_ERR_CORRUPT (not such a header),
 * VMC_ERR_INVALID, VMC_ERR_UNSUPPORTED, VMC_ERR_NOSPACE, VMC_ERR_NOMEM.
 */
vmc_status vmc_hotplug_new_from_header(vmc_hotplug **out, const void *hdr,
				       size_t len,
				       const struct vmc_hotplug_opts *o,
				       vmc_error *e);
void vmc_hotplug_free(vmc_hotplug *hp);

/*
 * Replace the segment's bytes with what is really there (@len <= capacity
 * once trailing zeros are dropped; the rest zero), e.g. the header read
 * from memory.  The bytes must parse as an ELF core.  Errors:
 * VMC_ERR_NOSPACE, VMC_ERR_CORRUPT.
 */
vmc_status vmc_hotplug_set_segment(vmc_hotplug *hp, const void *bytes,
				   size_t len, vmc_error *e);

/*
 * The other segments of the crash image (copied; their buffers borrowed),
 * for the digest table: exactly one has role VMC_SEG_ELFCOREHDR, whose
 * bytes are taken from this segment.  Errors: those of vmc_kexec_digest,
 * VMC_ERR_INVALID (no elfcorehdr, or its memsz below the capacity).
 */
vmc_status vmc_hotplug_set_segments(vmc_hotplug *hp,
				    const struct vmc_kexec_segment *seg,
				    size_t n, vmc_error *e);

/* The digest table the image has now.  Errors: VMC_ERR_INVALID (no
 * segments set). */
vmc_status vmc_hotplug_digest(const vmc_hotplug *hp,
			      struct vmc_digest_table *out, vmc_error *e);

/*
 * Prepare @ev: apply it to a copy of the system model and regenerate.
 * Nothing changes until vmc_hotplug_commit.  Errors: VMC_ERR_NOSPACE
 * ("elfsz N > memsz M", as the kernel refuses; the range slots of
 * crash_exclude_mem_range), VMC_ERR_INVALID (memory already RAM or not
 * RAM, a CPU that is not possible), VMC_ERR_NOTFOUND (kexec-tools profile:
 * a CPU whose crash notes are unknown), those of vmc_header_build.
 */
vmc_status vmc_hotplug_prepare(vmc_hp_update **out, const vmc_hotplug *hp,
			       const struct vmc_hp_event *ev, vmc_error *e);
void vmc_hp_update_free(vmc_hp_update *u);

/* False when the kernel would leave the header alone (a CPU event with
 * every possible CPU described). */
bool vmc_hp_update_changes(const vmc_hp_update *u);
/* The new header (elfsz bytes, borrowed). */
const uint8_t *vmc_hp_update_header(const vmc_hp_update *u, size_t *len);

enum vmc_hp_target {
	VMC_HP_TARGET_ELFCOREHDR = 1,	/* offset into the segment */
	VMC_HP_TARGET_DIGEST_REGIONS,	/* purgatory_sha_regions, 256 bytes */
	VMC_HP_TARGET_DIGEST,		/* purgatory_sha256_digest, 32 bytes */
};

/*
 * Where a commit writes: the live crash image.  invalidate and validate
 * are the kernel's xchg(&kexec_crash_image, NULL) and back; store copies
 * bytes.  Any hook may be NULL (then nothing is done for it); a failing
 * hook stops the commit, and after a failed store validate is not called.
 */
struct vmc_hp_commit_ops {
	void *ctx;
	vmc_status (*invalidate)(void *ctx, vmc_error *e);
	vmc_status (*store)(void *ctx, enum vmc_hp_target t, uint64_t off,
			    const void *buf, size_t len, vmc_error *e);
	vmc_status (*validate)(void *ctx, vmc_error *e);
};

/*
 * Commit @u (consumed, even on error): invalidate; write the new header
 * (VMC_DIGEST_EXCLUDE: elfsz bytes over the old ones, as
 * arch_crash_handle_hotplug_event's memcpy; RECOMPUTE: the header, zeros
 * up to the segment end, then the new digest table, as the RFC); validate.
 * @ops NULL commits only to this object's copy, which is updated after the
 * hooks succeed.  Errors: VMC_ERR_INVALID (@u prepared against another
 * state), those of the hooks.
 */
vmc_status vmc_hotplug_commit(vmc_hotplug *hp, vmc_hp_update *u,
			      const struct vmc_hp_commit_ops *ops,
			      vmc_error *e);

/* Prepare + commit to this object's copy. */
vmc_status vmc_hotplug_apply(vmc_hotplug *hp, const struct vmc_hp_event *ev,
			     vmc_error *e);

/* The segment's bytes now (capacity bytes, borrowed). */
const uint8_t *vmc_hotplug_segment(const vmc_hotplug *hp, size_t *len);
/* Bytes of the current header (its elfsz). */
size_t vmc_hotplug_header_size(const vmc_hotplug *hp);

#ifdef __cplusplus
}
#endif
#endif
