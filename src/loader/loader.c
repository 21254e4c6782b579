// SPDX-License-Identifier: MIT
/* The loaders by name. */
#include <string.h>

#include "loader/loader_priv.h"
#include "base/compiler.h"

static const char *const names[] = {
	[VMC_LOADER_KEXEC_FILE] = "kexec-file",
	[VMC_LOADER_KEXEC_TOOLS] = "kexec-tools",
	[VMC_LOADER_GENERIC] = "generic",
};

VMC_EXPORT vmc_status vmc_loader_parse(const char *name, enum vmc_loader *out,
				       vmc_error *e)
{
	for (size_t i = 1; i < ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum vmc_loader)i;
			return VMC_OK;
		}
	}
	return vmc_error_set(e, VMC_ERR_INVALID, "unknown loader '%s' "
			     "(kexec-file, kexec-tools, generic)", name);
}

VMC_EXPORT const char *vmc_loader_name(enum vmc_loader l)
{
	if ((size_t)l < ARRAY_SIZE(names) && names[l])
		return names[l];
	return "unknown";
}
