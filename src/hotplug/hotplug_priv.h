/* SPDX-License-Identifier: MIT */
/* Internal: the pieces of the crash hotplug model shared by its files. */
#ifndef VMC_CORE_HOTPLUG_PRIV_H
#define VMC_CORE_HOTPLUG_PRIV_H

#include "vmcorekit/hotplug.h"
#include "vmcorekit/iomem.h"
#include "system/system_priv.h"
#include "loader/loader_priv.h"

struct vmc_hotplug {
	const vmc_system *base;		/* the caller's, or own_sys */
	vmc_system *own_sys;		/* header mode */
	vmc_iomem *iomem;		/* after events; NULL = base's */
	uint64_t hidden[CPU_WORDS];	/* kexec-tools: CPUs removed */
	size_t nr_header_cpus;		/* header mode: CPUs described */
	struct vmc_build_opts build;	/* copy; profile set per build */
	struct vmc_span *own_notes;	/* header mode */
	const struct vmc__loader_ops *loader;	/* who loaded */
	const struct vmc__loader_ops *profile;	/* who regenerates */
	enum vmc_digest_policy policy;
	uint8_t *seg;			/* cap bytes */
	size_t cap, hdr_size;
	/* seg[dirty, cap) has never been written: still calloc's zeros,
	 * pages never touched (a 1 GiB capacity costs no memory). */
	size_t dirty;
	bool updated;			/* image->elfcorehdr_updated */
	unsigned generation;		/* commits so far */
	struct vmc_kexec_segment *segs;	/* the image's segments, or NULL */
	size_t nr_segs, hdr_seg;
	struct vmc_digest_table table;
};

/* A zeroed vmc_hotplug with the options checked and copied. */
vmc_status vmc__hp_alloc(struct vmc_hotplug **out, const struct vmc_hotplug_opts *o,
		    vmc_error *e);
/* Build the header of the current model with @profile into a new buffer
 * of its exact size (*@hdr, *@len): under the capacity or VMC_ERR_NOSPACE
 * as the kernel words it. */
vmc_status vmc__hp_regen(const struct vmc_hotplug *hp, const vmc_iomem *iomem,
		    const uint64_t *hidden,
		    const struct vmc__loader_ops *profile,
		    uint8_t **hdr, size_t *len, vmc_error *e);
/* Allocate the segment, put @hdr (@len <= cap) at its start. */
vmc_status vmc__hp_set_initial(struct vmc_hotplug *hp, const void *hdr, size_t len,
			  vmc_error *e);

/*
 * /proc/iomem after a memory event, as the kernel's resource tree would
 * show it: add_memory's register_memory_resource adds a top-level "System
 * RAM" resource (a conflict with another top-level resource fails, as
 * request_resource_conflict does); removal releases the range from the
 * System RAM resources it touches (release_mem_region_adjustable trims or
 * splits), dropping children that no longer fit.  Errors: VMC_ERR_INVALID
 * (a conflict, memory already RAM, no RAM to remove), VMC_ERR_NOMEM.
 */
vmc_status vmc__hp_iomem_edit(const vmc_iomem *in, const struct vmc_hp_event *ev,
			 vmc_iomem **out, vmc_error *e);

/* /proc/iomem text with one top-level "System RAM" line per range. */
vmc_status vmc__hp_iomem_from_ranges(const vmc_ranges *ram, vmc_iomem **out,
				vmc_error *e);

#endif
