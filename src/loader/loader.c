// SPDX-License-Identifier: MIT
/*
 * The loaders: their ops tables by enum and by name, the architecture
 * lookup, vmc_header_build and the vmc_header being built.
 */
#include <stdio.h>
#include <string.h>

#include "loader/loader_priv.h"
#include "base/compiler.h"

static const struct vmc__loader_ops *const loaders[] = {
	[VMC_LOADER_KEXEC_FILE] = &vmc__loader_kexec_file,
	[VMC_LOADER_KEXEC_TOOLS] = &vmc__loader_kexec_tools,
	[VMC_LOADER_GENERIC] = &vmc__loader_generic,
};

const struct vmc__loader_ops *vmc__loader_ops(enum vmc_loader l)
{
	return (size_t)l < ARRAY_SIZE(loaders) ? loaders[l] : NULL;
}

vmc_status vmc__loader_reserving(enum vmc_loader l,
				 const struct vmc__loader_ops **out,
				 vmc_error *e)
{
	const struct vmc__loader_ops *ops = vmc__loader_ops(l);

	if (!ops)
		return vmc_error_set(e, VMC_ERR_INVALID, "unknown loader");
	if (!ops->reserve)
		return vmc_error_set(e, VMC_ERR_INVALID, "%s is no loader: it "
				     "reserves no elfcorehdr segment",
				     ops->name);
	*out = ops;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_loader_parse(const char *name, enum vmc_loader *out,
				       vmc_error *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(loaders); i++) {
		if (loaders[i] && strcmp(name, loaders[i]->name) == 0) {
			*out = loaders[i]->id;
			return VMC_OK;
		}
	}
	return vmc_error_set(e, VMC_ERR_INVALID, "unknown loader '%s' "
			     "(kexec-file, kexec-tools, generic)", name);
}

VMC_EXPORT const char *vmc_loader_name(enum vmc_loader l)
{
	const struct vmc__loader_ops *ops = vmc__loader_ops(l);

	return ops ? ops->name : "unknown";
}

/* "x86_64 and arm64" */
static void arch_list(const struct vmc__loader_ops *ops, char *buf,
		      size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ops->nr_arch && n < cap; i++) {
		bool dup = false;

		for (size_t j = 0; j < i; j++)
			dup |= strcmp(ops->arch[j]->name,
				      ops->arch[i]->name) == 0;
		if (dup)
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s%s",
				      !n ? "" : i + 1 == ops->nr_arch ?
				      " and " : ", ", ops->arch[i]->name);
	}
}

vmc_status vmc__loader_arch(const struct vmc__loader_ops *ops,
			    const struct vmc_elf_id *id,
			    const struct vmc__loader_arch **out, vmc_error *e)
{
	const struct vmc__loader_arch *m = NULL;
	char list[96];

	*out = NULL;
	if (!ops->arch)
		return VMC_OK;
	for (size_t i = 0; i < ops->nr_arch; i++) {
		const struct vmc__loader_arch *a = ops->arch[i];

		if (a->machine != id->machine)
			continue;
		m = a;
		if (a->cls == id->cls && a->order == id->order) {
			*out = a;
			return VMC_OK;
		}
	}
	if (m)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "%s builds ELF%d %s-endian headers on %s",
				     ops->builder,
				     m->cls == VMC_CLASS_64 ? 64 : 32,
				     m->order == VMC_LE ? "little" : "big",
				     m->name);
	arch_list(ops, list, sizeof(list));
	return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
			     "the %s profile covers %s (use --profile generic)",
			     ops->name, list);
}

vmc_status vmc__hdr_push(struct vmc_header *h, const struct vmc_phdr *ph,
			 vmc_error *e)
{
	if (!VMC_GROW(h->ph, h->alloc, h->nr + 1, 64))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	h->ph[h->nr++] = *ph;
	return VMC_OK;
}

/* PT_NOTE as both loaders write it: p_offset = p_paddr, nothing else. */
vmc_status vmc__hdr_push_note(struct vmc_header *h, uint64_t paddr,
			      uint64_t len, vmc_error *e)
{
	struct vmc_phdr ph = {
		.type = VMC_PT_NOTE,
		.offset = paddr, .paddr = paddr,
		.filesz = len, .memsz = len,
	};

	return vmc__hdr_push(h, &ph, e);
}

vmc_status vmc__hdr_warn(struct vmc_header *h, vmc_error *e,
			 const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	va_start(ap, fmt);
	st = vmc__vwarn(&h->warn, 0, SIZE_MAX, e, fmt, ap);
	va_end(ap);
	return st;
}

vmc_status vmc__hdr_size(struct vmc_header *h, size_t *size, vmc_error *e)
{
	h->spec.phdrs = h->ph;
	h->spec.nr_phdrs = h->nr;
	return vmc_elfcore_size(&h->spec, size, e);
}

VMC_EXPORT vmc_status vmc_header_build(vmc_header **out, const vmc_system *s,
				       const struct vmc_build_opts *o,
				       vmc_error *e)
{
	const struct vmc__loader_ops *ops;
	const struct vmc__loader_arch *arch = NULL;
	struct vmc_header *h;
	vmc_status st;

	if (!o || o->version != VMC_BUILD_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "build options of an unknown version");
	ops = vmc__loader_ops(o->profile);
	if (!ops) {
		vmc_error_set(e, VMC_ERR_INVALID, "unknown profile");
		return PREFIXED(VMC_ERR_INVALID, e, "unknown");
	}
	h = vmc__calloc(1, sizeof(*h));
	if (!h)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	h->spec.version = VMC_ELFCORE_SPEC_VERSION;
	if (o->have_id)
		h->spec.id = o->id;
	else if (!vmc_system_arch(s, &h->spec.id))
		h->spec.id = (struct vmc_elf_id){ VMC_CLASS_64, VMC_LE,
						  VMC_EM_X86_64 };
	st = vmc__loader_arch(ops, &h->spec.id, &arch, e);
	if (!st)
		st = ops->build(h, s, o, arch, e);
	if (st) {
		vmc_header_free(h);
		return PREFIXED(st, e, "%s", ops->name);
	}
	h->spec.phdrs = h->ph;
	h->spec.nr_phdrs = h->nr;
	*out = h;
	return VMC_OK;
}

VMC_EXPORT void vmc_header_free(vmc_header *h)
{
	if (!h)
		return;
	vmc_warnings_free(h->warn);
	vmc__free(h->ph);
	vmc__free(h);
}

VMC_EXPORT const struct vmc_elfcore_spec *vmc_header_spec(const vmc_header *h)
{
	return &h->spec;
}

VMC_EXPORT uint64_t vmc_header_segment_size(const vmc_header *h)
{
	return h->segment_size;
}

VMC_EXPORT uint64_t vmc_header_expected_addr(const vmc_header *h)
{
	return h->expected_addr;
}

VMC_EXPORT const vmc_warnings *vmc_header_warnings(const vmc_header *h)
{
	return h->warn;
}
