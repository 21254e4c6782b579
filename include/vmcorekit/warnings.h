/* SPDX-License-Identifier: MIT */
/*
 * Warnings: what a result noticed that did not stop it (a note the kernel
 * drops, a lint finding, a tolerated missing file, a header version the
 * kernel accepts with a message).  Every result that can warn owns one
 * vmc_warnings list and hands it out borrowed (vmc_dump_warnings,
 * vmc_header_warnings, vmc_report_lints, ...); the list has no fixed
 * capacity, so nothing is ever dropped.
 */
#ifndef VMCOREKIT_WARNINGS_H
#define VMCOREKIT_WARNINGS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_warnings vmc_warnings;

struct vmc_warning {
	int code;		/* the result's code (enum vmc_lint_code for
				 * lint), 0 when it has none */
	size_t index;		/* what it concerns (a program header), or
				 * SIZE_MAX */
	const char *msg;	/* the message, without "warning: " */
};

/* How many; 0 for NULL (a result that never warned may hold none). */
size_t vmc_warnings_count(const vmc_warnings *w);
/* The @i-th, in the order they were found; NULL past the end.  Borrowed:
 * valid while the list lives. */
const struct vmc_warning *vmc_warnings_get(const vmc_warnings *w, size_t i);
/* Release a list a result handed over (struct results: fadump's check
 * and build); NULL-safe.  Lists a result object owns go with it. */
void vmc_warnings_free(vmc_warnings *w);

#ifdef __cplusplus
}
#endif
#endif
