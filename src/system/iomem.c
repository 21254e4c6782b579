// SPDX-License-Identifier: MIT
/*
 * /proc/iomem (kernel/resource.c r_show): one resource per line,
 *   "%*s%0*llx-%0*llx : %s\n"
 * indented two spaces per nesting level, ends inclusive.  Without
 * CAP_SYS_ADMIN the addresses print as zeros.
 */
#include <string.h>

#include "vmcorekit/iomem.h"
#include "base/compiler.h"
#include "base/numparse.h"

struct vmc_iomem {
	struct vmc_iomem_entry *v;
	size_t n;
	char *names;		/* one block for every name */
};

VMC_EXPORT void vmc_iomem_free(vmc_iomem *m)
{
	if (!m)
		return;
	vmc__free(m->v);
	vmc__free(m->names);
	vmc__free(m);
}

VMC_EXPORT size_t vmc_iomem_count(const vmc_iomem *m)
{
	return m->n;
}

VMC_EXPORT const struct vmc_iomem_entry *vmc_iomem_get(const vmc_iomem *m,
						       size_t i)
{
	return i < m->n ? &m->v[i] : NULL;
}

static size_t count_lines(const char *t, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n')
			n++;
	return n + 1;
}

/* Parse one line [p, p+l) into @ent with its name copied to *@np. */
static bool parse_line(const char *p, size_t l, struct vmc_iomem_entry *ent,
		       char **np)
{
	size_t i = 0, a, dash, colon;

	while (i < l && p[i] == ' ')
		i++;
	ent->depth = (unsigned)(i / 2);
	a = i;
	while (i < l && p[i] != '-')
		i++;
	dash = i;
	while (i + 2 < l && !(p[i] == ' ' && p[i + 1] == ':' && p[i + 2] == ' '))
		i++;
	colon = i;
	if (dash >= l || colon + 2 >= l + 0 || colon <= dash)
		return false;
	if (!vmc__parse_u64_n(p + a, dash - a, 16, &ent->start) ||
	    !vmc__parse_u64_n(p + dash + 1, colon - dash - 1, 16, &ent->last))
		return false;
	if (ent->last < ent->start)
		return false;
	memcpy(*np, p + colon + 3, l - colon - 3);
	(*np)[l - colon - 3] = '\0';
	ent->name = *np;
	*np += l - colon - 2;
	return true;
}

VMC_EXPORT vmc_status vmc_iomem_parse(vmc_iomem **out, const char *text,
				      size_t len, vmc_error *e)
{
	vmc_iomem *m = vmc__calloc(1, sizeof(*m));
	size_t pos = 0, lineno = 0;
	char *np;
	bool any_nonzero = false;

	if (!m)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	m->v = vmc__reallocarray(NULL, count_lines(text, len), sizeof(*m->v));
	m->names = vmc__malloc(len + 1);
	if (!m->v || !m->names) {
		vmc_iomem_free(m);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	np = m->names;
	while (pos < len) {
		const char *p = text + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - p) : len - pos;

		lineno++;
		pos += l + 1;
		if (l == 0)
			continue;
		if (!parse_line(p, l, &m->v[m->n], &np)) {
			vmc_iomem_free(m);
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "iomem line %zu is malformed: '%.*s'",
					     lineno, (int)(l > 80 ? 80 : l), p);
		}
		if (m->v[m->n].start || m->v[m->n].last)
			any_nonzero = true;
		m->n++;
	}
	if (m->n && !any_nonzero) {
		vmc_iomem_free(m);
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "every iomem address is zero: the file was "
				     "read without CAP_SYS_ADMIN (run as root)");
	}
	*out = m;
	return VMC_OK;
}

VMC_EXPORT bool vmc_iomem_is_system_ram(const char *name)
{
	return strncmp(name, "System RAM", 10) == 0 &&
	       (name[10] == '\0' || name[10] == ' ');
}

VMC_EXPORT vmc_status vmc_iomem_system_ram(const vmc_iomem *m,
					   vmc_ranges *out, vmc_error *e)
{
	uint64_t next = 0;	/* find_next_iomem_res resumes past a match */
	bool any = false;

	for (size_t i = 0; i < m->n; i++) {
		const struct vmc_iomem_entry *r = &m->v[i];
		vmc_status st;

		if (!vmc_iomem_is_system_ram(r->name))
			continue;
		if (any && r->last < next)
			continue;
		st = vmc_ranges_add_inclusive(out, any && r->start < next ?
					      next : r->start, r->last, e);
		if (st)
			return PREFIXED(st, e, "iomem '%s'", r->name);
		any = true;
		next = r->last + 1;
	}
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_iomem_find(const vmc_iomem *m, const char *name,
				     vmc_ranges *out, vmc_error *e)
{
	for (size_t i = 0; i < m->n; i++) {
		vmc_status st;

		if (strcmp(m->v[i].name, name) != 0)
			continue;
		st = vmc_ranges_add_inclusive(out, m->v[i].start, m->v[i].last,
					      e);
		if (st)
			return st;
	}
	return VMC_OK;
}
