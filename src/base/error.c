// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "vmcorekit/error.h"
#include "base/compiler.h"

VMC_EXPORT void vmc_error_clear(vmc_error *e)
{
	if (!e)
		return;
	e->status = VMC_OK;
	e->sys_errno = 0;
	e->msg[0] = '\0';
}

static void format_msg(vmc_error *e, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

VMC_EXPORT vmc_status vmc_error_set(vmc_error *e, vmc_status st,
				    const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return st;
	e->status = st;
	e->sys_errno = 0;
	va_start(ap, fmt);
	format_msg(e, fmt, ap);
	va_end(ap);
	return st;
}

VMC_EXPORT vmc_status vmc_error_set_errno(vmc_error *e, vmc_status st,
					  int sys_errno, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return st;
	e->status = st;
	e->sys_errno = sys_errno;
	va_start(ap, fmt);
	format_msg(e, fmt, ap);
	va_end(ap);
	return st;
}

VMC_EXPORT vmc_status vmc_error_prefix(vmc_error *e, const char *fmt, ...)
{
	char ctx[VMC_ERROR_MSG_MAX];
	char old[VMC_ERROR_MSG_MAX];
	va_list ap;

	if (!e)
		return VMC_ERR_INVALID;
	if (e->status == VMC_OK)
		e->status = VMC_ERR_INVALID;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* "<ctx>: <old>", truncated to the buffer (truncation is fine). */
	{
		size_t cl = strlen(ctx), ol = strlen(old), cap = sizeof(e->msg) - 1;
		size_t w = cl < cap ? cl : cap;

		memcpy(e->msg, ctx, w);
		if (w + 2 <= cap) {
			memcpy(e->msg + w, ": ", 2);
			w += 2;
			if (ol > cap - w)
				ol = cap - w;
			memcpy(e->msg + w, old, ol);
			w += ol;
		}
		e->msg[w] = '\0';
	}
	return e->status;
}

VMC_EXPORT const char *vmc_status_name(vmc_status st)
{
	static const char *const names[] = {
		[VMC_OK] = "ok",
		[VMC_ERR_NOMEM] = "nomem",
		[VMC_ERR_IO] = "io",
		[VMC_ERR_CORRUPT] = "corrupt",
		[VMC_ERR_INVALID] = "invalid",
		[VMC_ERR_RANGE] = "range",
		[VMC_ERR_NOSPACE] = "nospace",
		[VMC_ERR_NOTFOUND] = "notfound",
		[VMC_ERR_UNSUPPORTED] = "unsupported",
	};

	if ((unsigned)st < sizeof(names) / sizeof(names[0]) && names[st])
		return names[st];
	return "unknown";
}
