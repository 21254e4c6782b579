/* SPDX-License-Identifier: MIT */
/* The subcommands of `vmcorekit hotplug`. */
#ifndef VMC_CLI_CMD_HOTPLUG_H
#define VMC_CLI_CMD_HOTPLUG_H

#include "vmcorekit/loader.h"

/* --loader NAME: a loader that reserves a segment (not "generic"). */
vmc_status hp_loader_parse(const char *name, enum vmc_loader *out,
			   vmc_error *e);

int cmd_hotplug_capacity(int argc, char **argv);
int cmd_hotplug_apply(int argc, char **argv);
int cmd_hotplug_digest(int argc, char **argv);
int cmd_hotplug_watch(int argc, char **argv);

#endif
