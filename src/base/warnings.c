// SPDX-License-Identifier: MIT
/*
 * The one warnings list: a growable array of (code, index, message).
 * Before it there were three shapes (a string list, fadump check's fixed
 * [8][256] array, fadump build's "(further warnings omitted)"); a fixed
 * capacity drops what a user most needs to see, so there is none.
 */
#include <stdio.h>

#include "base/array.h"
#include "base/compiler.h"
#include "base/warnings.h"

struct vmc_warnings {
	struct vmc_warning *v;
	size_t n, cap;
};

vmc_status vmc__vwarn(vmc_warnings **w, int code, size_t index, vmc_error *e,
		      const char *fmt, va_list ap)
{
	va_list ap2;
	char *msg;
	int len;

	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (len < 0)
		len = 0;
	if (!*w && !(*w = vmc__calloc(1, sizeof(**w))))
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	msg = vmc__malloc((size_t)len + 1);
	if (!msg || !VMC_GROW((*w)->v, (*w)->cap, (*w)->n + 1, 4)) {
		vmc__free(msg);
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	}
	vsnprintf(msg, (size_t)len + 1, fmt, ap);
	(*w)->v[(*w)->n++] = (struct vmc_warning){ code, index, msg };
	return VMC_OK;
}

vmc_status vmc__warn(vmc_warnings **w, int code, size_t index, vmc_error *e,
		     const char *fmt, ...)
{
	va_list ap;
	vmc_status st;

	va_start(ap, fmt);
	st = vmc__vwarn(w, code, index, e, fmt, ap);
	va_end(ap);
	return st;
}

VMC_EXPORT size_t vmc_warnings_count(const vmc_warnings *w)
{
	return w ? w->n : 0;
}

VMC_EXPORT const struct vmc_warning *vmc_warnings_get(const vmc_warnings *w,
						      size_t i)
{
	return w && i < w->n ? &w->v[i] : NULL;
}

VMC_EXPORT void vmc_warnings_free(vmc_warnings *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		vmc__free((void *)w->v[i].msg);
	vmc__free(w->v);
	vmc__free(w);
}
