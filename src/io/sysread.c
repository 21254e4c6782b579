// SPDX-License-Identifier: MIT
/*
 * vmc_system_read: the files a loader reads, looked up below a sysroot.
 * The list mirrors what kexec_file_load's kernel side and kexec-tools use
 * (see docs/architecture.md, "System inputs").
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/system_priv.h"
#include "base/compiler.h"
#include "io/sysroot.h"

static const struct {
	const char *path;
	size_t max;
	bool head_only;
} files[] = {
	{ "proc/iomem", 16 << 20, false },
	{ "proc/cmdline", 64 << 10, false },
	/* kexec-tools reads 64 KiB of kcore (KCORE_ELF_HEADERS_SIZE). */
	{ "proc/kcore", 64 << 10, true },
	{ "proc/kallsyms", 256 << 20, false },
	{ "sys/kernel/vmcoreinfo", 4096, false },
	{ "sys/kernel/kexec_crash_size", 4096, false },
	{ "sys/kernel/crash_elfcorehdr_size", 4096, false },
	{ "sys/devices/system/cpu/possible", 64 << 10, false },
	{ "sys/devices/system/cpu/present", 64 << 10, false },
	{ "sys/devices/system/cpu/online", 64 << 10, false },
	{ "sys/devices/system/cpu/crash_hotplug", 4096, false },
	{ "sys/devices/system/memory/block_size_bytes", 4096, false },
	{ "sys/devices/system/memory/crash_hotplug", 4096, false },
};

static vmc_status read_one(vmc_system *s, const char *root, const char *rel,
			   size_t max, bool head_only, vmc_error *e)
{
	char *buf;
	size_t len;
	vmc_status st = vmc__sysroot_read(root, rel, max, head_only, &buf, &len, e);

	if (st == VMC_ERR_NOTFOUND)
		return vmc__system_note_missing(s, rel, e);
	if (st)
		return st;
	st = vmc_system_set_file(s, rel, buf, len, e);
	vmc__free(buf);
	return st;
}

static unsigned dt_cells(const char *root, const char *name, unsigned dflt,
			 vmc_error *e)
{
	char rel[128], *buf;
	size_t len;
	unsigned v;

	snprintf(rel, sizeof(rel), "proc/device-tree/%s", name);
	if (vmc__sysroot_read(root, rel, 64, false, &buf, &len, e))
		return dflt;
	if (vmc_dt_parse_cells(buf, len, &v, NULL) || v < 1 || v > 2)
		v = dflt;
	vmc__free(buf);
	return v;
}

/*
 * A device-tree file for vmc_system_set_file; an absent one is recorded as
 * missing only when @note_missing (the optional ones would be noise).
 */
static vmc_status dt_file(vmc_system *s, const char *root, const char *rel,
			  bool note_missing, vmc_error *e)
{
	char *buf;
	size_t len;
	vmc_status st = vmc__sysroot_read(root, rel, 1 << 20, false, &buf, &len,
					  e);

	if (st == VMC_ERR_NOTFOUND)
		return note_missing ? vmc__system_note_missing(s, rel, e) :
				      VMC_OK;
	if (st)
		return st;
	st = vmc_system_set_file(s, rel, buf, len, e);
	vmc__free(buf);
	return st;
}

/*
 * What kexec-tools' ppc64 loader reads besides the memory nodes
 * (kexec/arch/ppc64/kexec-ppc64.c get_devtree_details,
 * get_dyn_reconf_base_ranges): chosen and rtas always, OPAL and dynamic
 * reconfiguration memory where the platform has them.
 */
static vmc_status read_dt_props(vmc_system *s, const char *root, vmc_error *e)
{
	static const struct { const char *rel; bool note; } props[] = {
		{ "proc/device-tree/chosen/linux,crashkernel-base", true },
		{ "proc/device-tree/chosen/linux,crashkernel-size", true },
		{ "proc/device-tree/chosen/linux,memory-limit", false },
		{ "proc/device-tree/chosen/linux,kernel-end", true },
		{ "proc/device-tree/rtas/linux,rtas-base", false },
		{ "proc/device-tree/rtas/rtas-size", false },
		{ "proc/device-tree/ibm,opal/opal-base-address", false },
		{ "proc/device-tree/ibm,opal/opal-runtime-size", false },
		{ "proc/device-tree/ibm,dynamic-reconfiguration-memory/"
		  "ibm,lmb-size", false },
		{ "proc/device-tree/ibm,dynamic-reconfiguration-memory/"
		  "ibm,dynamic-memory", false },
		{ "proc/device-tree/ibm,dynamic-reconfiguration-memory/"
		  "ibm,dynamic-memory-v2", false },
	};
	vmc_status st = VMC_OK;

	for (size_t i = 0; !st && i < ARRAY_SIZE(props); i++)
		st = dt_file(s, root, props[i].rel, props[i].note, e);
	return st;
}

/*
 * proc/device-tree/memory@ADDR/{reg,linux,usable-memory}, cells from the
 * root node; absent ones default to 1 and 1 as Linux assumes
 * (drivers/of/of_private.h OF_ROOT_NODE_{ADDR,SIZE}_CELLS_DEFAULT).  A node's
 * linux,usable-memory, when present, limits it as on powerpc.
 */
static vmc_status read_devtree(vmc_system *s, const char *root, vmc_error *e)
{
	char dir[4096];
	struct dirent **ents;
	unsigned ac, sc;
	vmc_status st = VMC_OK;
	int n;

	snprintf(dir, sizeof(dir), "%s/proc/device-tree", root);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return VMC_OK;
	st = read_dt_props(s, root, e);
	ac = dt_cells(root, "#address-cells", 1, e);
	sc = dt_cells(root, "#size-cells", 1, e);
	for (int i = 0; !st && i < n; i++) {
		const char *name = ents[i]->d_name;
		static const char *const props[] = { "linux,usable-memory",
						     "reg" };
		static const char *const kt_props[] = { "reg", "compatible" };

		/* kexec-tools ppc64's own view of the node (its first reg
		 * pair, coherent device memory); the order is kernfs'. */
		for (size_t k = 0; !st && k < ARRAY_SIZE(kt_props) &&
		     (!strcmp(name, "memory") || !strncmp(name, "memory@", 7));
		     k++) {
			char rel[512];

			snprintf(rel, sizeof(rel), "proc/device-tree/%s/%s",
				 name, kt_props[k]);
			st = dt_file(s, root, rel, false, e);
		}

		for (size_t k = 0; !st && k < ARRAY_SIZE(props) &&
		     (!strcmp(name, "memory") || !strncmp(name, "memory@", 7));
		     k++) {
			char rel[512], *buf;
			size_t len;
			vmc_status r;

			snprintf(rel, sizeof(rel), "proc/device-tree/%s/%s",
				 name, props[k]);
			r = vmc__sysroot_read(root, rel, 1 << 20, false, &buf, &len,
					 e);
			if (r == VMC_ERR_NOTFOUND)
				continue;
			st = r ? r : vmc_system_add_dt_memory(s, buf, len, ac,
							      sc, e);
			if (!r)
				vmc__free(buf);
			if (st)
				vmc_error_prefix(e, "%s", rel);
			break;
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return st;
}

VMC_EXPORT vmc_status vmc_system_read(vmc_system *s, const char *sysroot,
				      vmc_error *e)
{
	size_t nr_cpus;
	vmc_status st;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		st = read_one(s, sysroot, files[i].path, files[i].max,
			      files[i].head_only, e);
		if (st)
			return st;
	}
	st = read_devtree(s, sysroot, e);
	if (st)
		return st;
	/* Per-CPU files of every possible CPU (sysfs has the present ones). */
	nr_cpus = s->have_possible ? s->nr_possible_ids : 1;
	for (size_t cpu = 0; cpu < nr_cpus; cpu++) {
		static const char *const names[] = { "crash_notes",
						     "crash_notes_size" };

		for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
			char rel[96];

			snprintf(rel, sizeof(rel),
				 "sys/devices/system/cpu/cpu%zu/%s", cpu,
				 names[k]);
			st = read_one(s, sysroot, rel, 4096, false, e);
			if (st)
				return st;
		}
	}
	return VMC_OK;
}
