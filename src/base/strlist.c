// SPDX-License-Identifier: MIT
#include <stdio.h>

#include "base/compiler.h"
#include "base/strlist.h"

vmc_status vmc__strlist_vaddf(struct strlist *l, vmc_error *e, const char *fmt,
			 va_list ap)
{
	char *s = vmc__malloc(VMC_ERROR_MSG_MAX);

	if (!s || !VMC_GROW(l->v, l->cap, l->n + 1, 4)) {
		vmc__free(s);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	vsnprintf(s, VMC_ERROR_MSG_MAX, fmt, ap);
	l->v[l->n++] = s;
	return VMC_OK;
}

vmc_status vmc__strlist_addf(struct strlist *l, vmc_error *e, const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	va_start(ap, fmt);
	st = vmc__strlist_vaddf(l, e, fmt, ap);
	va_end(ap);
	return st;
}

const char *vmc__strlist_get(const struct strlist *l, size_t i)
{
	return i < l->n ? l->v[i] : NULL;
}

void vmc__strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		vmc__free(l->v[i]);
	vmc__free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
