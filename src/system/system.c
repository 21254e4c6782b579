// SPDX-License-Identifier: MIT
/*
 * The first kernel's files, parsed.  Each file's format is named beside its
 * parser; vmc_system_set_file() dispatches on the path relative to the
 * sysroot, so a live system, a captured tree and a test feed it alike.
 */
#include <string.h>

#include "system/system_priv.h"
#include "base/compiler.h"
#include "base/numparse.h"
#include "vmcorekit/notes.h"
#include "vmcorekit/parse.h"

VMC_EXPORT vmc_status vmc_system_new(vmc_system **out, vmc_error *e)
{
	vmc_system *s = vmc__calloc(1, sizeof(*s));

	if (!s)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	s->hotplug_cpu = s->hotplug_mem = -1;
	*out = s;
	return VMC_OK;
}

VMC_EXPORT void vmc_system_free(vmc_system *s)
{
	if (!s)
		return;
	vmc_iomem_free(s->iomem);
	vmc__free(s->kcore);
	vmc__free(s->kcore_vmcoreinfo);
	vmc__free(s->cmdline);
	vmc_ranges_free(s->dt_ram);
	vmc__system_free_dt(&s->dt);
	vmc__strlist_free(&s->missing);
	vmc__free(s);
}

vmc_status vmc__system_note_missing(vmc_system *s, const char *relpath,
			       vmc_error *e)
{
	return vmc__strlist_addf(&s->missing, e, "%s", relpath);
}

VMC_EXPORT size_t vmc_system_nr_missing(const vmc_system *s)
{
	return s->missing.n;
}

VMC_EXPORT const char *vmc_system_missing(const vmc_system *s, size_t i)
{
	return vmc__strlist_get(&s->missing, i);
}

VMC_EXPORT const vmc_iomem *vmc_system_iomem(const vmc_system *s)
{
	return s->iomem;
}

VMC_EXPORT bool vmc_system_arch(const vmc_system *s, struct vmc_elf_id *id)
{
	if (!s->have_kcore)
		return false;
	*id = s->kcore_id;
	return true;
}

VMC_EXPORT vmc_status vmc_system_add_dt_memory(vmc_system *s,
					       const void *prop, size_t len,
					       unsigned addr_cells,
					       unsigned size_cells, vmc_error *e)
{
	vmc_status st = VMC_OK;

	if (!s->dt_ram)
		st = vmc_ranges_new(&s->dt_ram, e);
	if (!st)
		st = vmc_dt_parse_reg(prop, len, addr_cells, size_cells,
				      s->dt_ram, e);
	return st;
}

VMC_EXPORT const vmc_ranges *vmc_system_dt_memory(const vmc_system *s)
{
	return s->dt_ram;
}

VMC_EXPORT vmc_status vmc_system_set_iomem_text(vmc_system *s,
						const char *text, size_t len,
						vmc_error *e)
{
	vmc_iomem *m;
	vmc_status st = vmc_iomem_parse(&m, text, len, e);

	if (st)
		return st;
	vmc_iomem_free(s->iomem);
	s->iomem = m;
	return VMC_OK;
}

/* Trim trailing whitespace into a bounded copy; false if too long. */
static bool trimmed(const void *data, size_t len, char *buf, size_t cap)
{
	const char *p = data;

	while (len && (p[len - 1] == '\n' || p[len - 1] == ' ' ||
		       p[len - 1] == '\0'))
		len--;
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (len >= cap)
		return false;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return true;
}

static vmc_status parse_num_file(const char *path, const void *data,
				 size_t len, int base, struct opt_u64 *out,
				 vmc_error *e)
{
	char buf[64];

	if (!trimmed(data, len, buf, sizeof(buf)) ||
	    !vmc__parse_u64_base(buf, base, &out->v))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "%s: expected a %s number", path,
				     base == 16 ? "hex" : "decimal");
	out->set = true;
	return VMC_OK;
}

/* /sys/kernel/vmcoreinfo: "%pa %x\n" (kernel/ksysfs.c vmcoreinfo_show):
 * the address with 0x and zero padding, the size in hex without 0x. */
static vmc_status parse_vmcoreinfo(vmc_system *s, const void *data,
				   size_t len, vmc_error *e)
{
	char buf[96], *sp;

	if (!trimmed(data, len, buf, sizeof(buf)) || !(sp = strchr(buf, ' ')))
		goto bad;
	*sp = '\0';
	if (!vmc__parse_u64_base(buf, 16, &s->vmcoreinfo_paddr.v) ||
	    !vmc__parse_u64_base(sp + 1, 16, &s->vmcoreinfo_len.v))
		goto bad;
	s->vmcoreinfo_paddr.set = s->vmcoreinfo_len.set = true;
	return VMC_OK;
bad:
	return vmc_error_set(e, VMC_ERR_CORRUPT,
			     "sys/kernel/vmcoreinfo: expected 'ADDR SIZE' in hex");
}

static vmc_status parse_cpumask(const char *path, const void *data,
				size_t len, uint64_t *mask, bool *have,
				size_t *nr, vmc_error *e)
{
	vmc_status st;

	memset(mask, 0, CPU_WORDS * sizeof(*mask));
	st = vmc_parse_cpulist(data, len, mask, VMC_MAX_CPUS, nr, e);
	if (st)
		return PREFIXED(st, e, "%s", path);
	*have = true;
	return VMC_OK;
}

/*
 * kcore's notes (fs/proc/kcore.c read_kcore_iter: PRSTATUS, PRPSINFO,
 * TASKSTRUCT, then VMCOREINFO since 4.19): the first VMCOREINFO note wholly
 * inside the bytes given, copied.  kexec-tools' arm64 loader reads
 * NUMBER(VA_BITS) and NUMBER(PHYS_OFFSET) there (util_lib/elf_info.c
 * read_phys_offset_elf_kcore, scan_note_headers: every PT_NOTE by its
 * p_filesz; kcore's p_memsz is 0).  A note area past the bytes given or a
 * malformed note just means no text: the loader then falls back as
 * kexec-tools does.
 */
static vmc_status kcore_vmcoreinfo(vmc_system *s, const struct vmc_ehdr *eh,
				   const struct vmc_phdr *ph, const void *data,
				   size_t len, vmc_error *e)
{
	for (size_t i = 0; i < eh->phnum; i++) {
		struct vmc_note_iter it;
		struct vmc_note n;
		uint64_t end;

		if (ph[i].type != VMC_PT_NOTE || ph[i].offset > len)
			continue;
		end = len - ph[i].offset < ph[i].filesz ? len :
		      ph[i].offset + ph[i].filesz;
		vmc_notes_iter_init(&it, (const uint8_t *)data + ph[i].offset,
				    (size_t)(end - ph[i].offset), eh->id.order);
		while (vmc_notes_next(&it, &n) == VMC_OK) {
			if (!vmc_note_name_is(&n, "VMCOREINFO"))
				continue;
			s->kcore_vmcoreinfo = vmc__malloc(n.descsz + 1);
			if (!s->kcore_vmcoreinfo)
				return vmc_error_set(e, VMC_ERR_NOMEM,
						     "out of memory");
			memcpy(s->kcore_vmcoreinfo, n.desc, n.descsz);
			s->kcore_vmcoreinfo[n.descsz] = '\0';
			s->kcore_vmcoreinfo_len = n.descsz;
			return VMC_OK;
		}
	}
	return VMC_OK;
}

/*
 * /proc/kcore: an ELF core whose program headers describe the kernel's
 * mappings (fs/proc/kcore.c elf_kcore_store_hdr).  Only the first 64 KiB
 * are kept, as kexec-tools reads them (KCORE_ELF_HEADERS_SIZE).
 */
static vmc_status parse_kcore(vmc_system *s, const void *data, size_t len,
			      vmc_error *e)
{
	struct vmc_ehdr eh;
	size_t entsz;
	struct vmc_phdr *ph;
	vmc_status st = vmc_elf_decode_ehdr(data, len, &eh, e);

	if (st)
		return PREFIXED(st, e, "proc/kcore");
	entsz = vmc_elf_phdr_size(eh.id.cls);
	if (eh.phentsize != entsz || eh.phoff > len ||
	    (len - eh.phoff) / entsz < eh.phnum)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "proc/kcore: program headers (%u at 0x%llx) "
				     "are not within the first %zu bytes",
				     eh.phnum, (unsigned long long)eh.phoff, len);
	ph = vmc__reallocarray(NULL, eh.phnum, sizeof(*ph));
	if (!ph)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < eh.phnum; i++)
		vmc_elf_decode_phdr(&eh.id, (const uint8_t *)data + eh.phoff +
				    i * entsz, entsz, &ph[i], NULL);
	vmc__free(s->kcore);
	vmc__free(s->kcore_vmcoreinfo);
	s->kcore_vmcoreinfo = NULL;
	s->kcore_vmcoreinfo_len = 0;
	s->kcore = ph;
	s->nr_kcore = eh.phnum;
	s->kcore_id = eh.id;
	s->have_kcore = true;
	return kcore_vmcoreinfo(s, &eh, ph, data, len, e);
}

/* /proc/kallsyms: "%px %c %s[\t[%s]]\n"; the first match of a name wins
 * (kexec-tools get_kernel_sym). */
static vmc_status parse_kallsyms(vmc_system *s, const char *t, size_t len,
				 vmc_error *e)
{
	static const struct { const char *name; size_t off; } want[] = {
		{ "_text", offsetof(vmc_system, sym_text) },
		{ "_stext", offsetof(vmc_system, sym_stext) },
		{ "_end", offsetof(vmc_system, sym_end) },
		/* arm64 kexec-tools: the end of "Kernel code" */
		{ "__init_begin", offsetof(vmc_system, sym_init_begin) },
	};
	size_t pos = 0;

	while (pos < len) {
		const char *p = t + pos, *nl = memchr(p, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - p) : len - pos;
		const char *sp1 = memchr(p, ' ', l);

		pos += l + 1;
		if (!sp1 || (size_t)(sp1 - p) + 3 >= l || sp1[2] != ' ')
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			const char *name = sp1 + 3;
			size_t nlen = l - (size_t)(name - p);
			struct opt_u64 *o = (struct opt_u64 *)((char *)s +
							       want[i].off);
			size_t wl = strlen(want[i].name);

			if (o->set || nlen < wl || memcmp(name, want[i].name, wl) ||
			    (nlen > wl && name[wl] != '\t' && name[wl] != ' '))
				continue;
			if (!vmc__parse_u64_n(p, (size_t)(sp1 - p), 16, &o->v))
				return vmc_error_set(e, VMC_ERR_CORRUPT,
						     "proc/kallsyms: bad address "
						     "for %s", want[i].name);
			o->set = true;
		}
	}
	return VMC_OK;
}

static vmc_status parse_flag(const void *data, size_t len, int *out)
{
	char buf[16];

	if (!trimmed(data, len, buf, sizeof(buf)))
		return VMC_ERR_CORRUPT;
	*out = strcmp(buf, "1") == 0;
	return VMC_OK;
}

static vmc_status set_cpu_file(vmc_system *s, const char *relpath,
			       const void *data, size_t len, vmc_error *e)
{
	const char *p = relpath + strlen("sys/devices/system/cpu/cpu");
	uint64_t cpu;
	const char *slash = strchr(p, '/');

	if (!slash || !vmc__parse_u64_n(p, (size_t)(slash - p), 10, &cpu))
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown file %s",
				     relpath);
	if (cpu >= VMC_MAX_CPUS)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "%s: CPU beyond %d", relpath, VMC_MAX_CPUS);
	if (strcmp(slash, "/crash_notes") == 0)
		return parse_num_file(relpath, data, len, 16,
				      &s->cpu[cpu].paddr, e);
	if (strcmp(slash, "/crash_notes_size") == 0)
		return parse_num_file(relpath, data, len, 10,
				      &s->cpu[cpu].size, e);
	return vmc_error_set(e, VMC_ERR_INVALID, "unknown file %s", relpath);
}

static vmc_status set_cmdline(vmc_system *s, const void *data, size_t len,
			      vmc_error *e)
{
	char *c = vmc__malloc(len + 1);

	if (!c)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	memcpy(c, data, len);
	while (len && (c[len - 1] == '\n' || c[len - 1] == '\0'))
		len--;
	c[len] = '\0';
	vmc__free(s->cmdline);
	s->cmdline = c;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_system_set_file(vmc_system *s, const char *relpath,
					  const void *data, size_t len,
					  vmc_error *e)
{
	const char *cpu = "sys/devices/system/cpu/";
	size_t dummy;

	if (strcmp(relpath, "proc/iomem") == 0)
		return vmc_system_set_iomem_text(s, data, len, e);
	if (strncmp(relpath, "proc/device-tree/", 17) == 0)
		return vmc__system_set_dt(s, relpath + 17, data, len, e);
	if (strcmp(relpath, "proc/kcore") == 0)
		return parse_kcore(s, data, len, e);
	if (strcmp(relpath, "proc/kallsyms") == 0)
		return parse_kallsyms(s, data, len, e);
	if (strcmp(relpath, "proc/cmdline") == 0)
		return set_cmdline(s, data, len, e);
	if (strcmp(relpath, "sys/kernel/vmcoreinfo") == 0)
		return parse_vmcoreinfo(s, data, len, e);
	if (strcmp(relpath, "sys/kernel/kexec_crash_size") == 0)
		return parse_num_file(relpath, data, len, 10, &s->crash_size, e);
	if (strcmp(relpath, "sys/kernel/crash_elfcorehdr_size") == 0)
		return parse_num_file(relpath, data, len, 10,
				      &s->elfcorehdr_size, e);
	if (strcmp(relpath, "sys/devices/system/memory/block_size_bytes") == 0)
		return parse_num_file(relpath, data, len, 16, &s->block_size, e);
	if (strcmp(relpath, "sys/devices/system/memory/crash_hotplug") == 0)
		return parse_flag(data, len, &s->hotplug_mem) ?
			vmc_error_set(e, VMC_ERR_CORRUPT, "%s: bad flag", relpath) :
			VMC_OK;
	if (strncmp(relpath, cpu, strlen(cpu)) == 0) {
		const char *f = relpath + strlen(cpu);

		if (strcmp(f, "possible") == 0)
			return parse_cpumask(relpath, data, len, s->possible,
					     &s->have_possible,
					     &s->nr_possible_ids, e);
		if (strcmp(f, "present") == 0)
			return parse_cpumask(relpath, data, len, s->present,
					     &s->have_present, &dummy, e);
		if (strcmp(f, "online") == 0)
			return parse_cpumask(relpath, data, len, s->online,
					     &s->have_online, &dummy, e);
		if (strcmp(f, "crash_hotplug") == 0)
			return parse_flag(data, len, &s->hotplug_cpu) ?
				vmc_error_set(e, VMC_ERR_CORRUPT, "%s: bad flag",
					      relpath) : VMC_OK;
		if (strncmp(f, "cpu", 3) == 0)
			return set_cpu_file(s, relpath, data, len, e);
	}
	return vmc_error_set(e, VMC_ERR_INVALID, "unknown system file %s",
			     relpath);
}
