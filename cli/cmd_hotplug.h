/* SPDX-License-Identifier: MIT */
/* The subcommands of `vmcorekit hotplug`. */
#ifndef VMC_CLI_CMD_HOTPLUG_H
#define VMC_CLI_CMD_HOTPLUG_H

int cmd_hotplug_capacity(int argc, char **argv);
int cmd_hotplug_apply(int argc, char **argv);
int cmd_hotplug_digest(int argc, char **argv);
int cmd_hotplug_watch(int argc, char **argv);

#endif
