// SPDX-License-Identifier: MIT
/* vmcorekit mount in a build without libfuse 3 (cli/meson.build). */
#include "cli.h"
#include "mount_fuse.h"

int mount_fuse_serve(const struct mount_cfg *c)
{
	fprintf(stderr, "%s %s: this vmcorekit was built without libfuse 3 "
		"(install libfuse3-dev and rebuild)\n", prog, c->cmd);
	return EXIT_ENV;
}
