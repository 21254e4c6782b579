/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure scenarios: a file tests/unit/fa_NAME.c holding
 *
 *     FAILALLOC_SCENARIO(name)
 *     {
 *             ... library calls; return the first failing status, free
 *             everything on every path ...
 *     }
 *
 * is found by its name and linked into test_failalloc_scenarios
 * (failalloc_run.c), which runs it with the Nth library allocation failing
 * for every N it reaches -- alone and sticky, each run in a child -- and
 * requires VMC_ERR_NOMEM with a message, no library block left allocated,
 * no crash (and no LeakSanitizer report in the ASan build).  A clean run
 * must return VMC_OK.  For paths the fuzz targets cannot reach (files,
 * output, the I/O edges); parsers get the same treatment through their
 * fuzz target's failalloc_NAME test.
 */
#ifndef VMC_TEST_FAILALLOC_SCENARIO_H
#define VMC_TEST_FAILALLOC_SCENARIO_H

#include "vmcorekit/vmcorekit.h"

struct fa_scenario {
	const char *name;
	vmc_status (*run)(vmc_error *e);
};

void fa_register(const struct fa_scenario *s);

/* The repository (for tests/kernel/captures) and a scratch directory. */
extern const char *fa_root;
extern const char *fa_tmp;

#define FAILALLOC_SCENARIO(id) \
	static vmc_status fa_##id(vmc_error *e); \
	__attribute__((constructor)) static void fa_register_##id(void) \
	{ \
		static const struct fa_scenario s = { #id, fa_##id }; \
		fa_register(&s); \
	} \
	static vmc_status fa_##id(vmc_error *e)

#endif
