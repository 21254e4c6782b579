// SPDX-License-Identifier: MIT
/* The generic source entry points and the in-memory buffer source. */
#include <string.h>

#include "vmcorekit/sys/source.h"
#include "base/compiler.h"

VMC_EXPORT vmc_status vmc_source_read_at(vmc_source *s, uint64_t off,
					 void *buf, size_t len, vmc_error *e)
{
	uint64_t size = s->ops->size(s);

	if (!vmc__in_bounds(off, len, size))
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "read of %zu bytes at offset 0x%llx is past "
				     "the end of the %s source (size 0x%llx)",
				     len, (unsigned long long)off, s->ops->kind,
				     (unsigned long long)size);
	if (len == 0)
		return VMC_OK;
	return s->ops->read_at(s, off, buf, len, e);
}

VMC_EXPORT uint64_t vmc_source_size(const vmc_source *s)
{
	return s->ops->size(s);
}

VMC_EXPORT const char *vmc_source_kind(const vmc_source *s)
{
	return s->ops->kind;
}

VMC_EXPORT int vmc_source_fd(const vmc_source *s)
{
	return s && s->ops->fd ? s->ops->fd(s) : -1;
}

VMC_EXPORT void vmc_source_close(vmc_source *s)
{
	if (s)
		s->ops->close(s);
}

struct buffer_source {
	vmc_source base;
	const uint8_t *buf;
	size_t len;
};

static vmc_status buffer_read_at(vmc_source *s, uint64_t off, void *buf,
				 size_t len, vmc_error *e)
{
	struct buffer_source *b = (struct buffer_source *)s;

	(void)e;
	memcpy(buf, b->buf + off, len);
	return VMC_OK;
}

static uint64_t buffer_size(const vmc_source *s)
{
	return ((const struct buffer_source *)s)->len;
}

static void buffer_close(vmc_source *s)
{
	vmc__free(s);
}

static const struct vmc_source_ops buffer_ops = {
	.version = VMC_SOURCE_OPS_VERSION,
	.kind = "buffer",
	.read_at = buffer_read_at,
	.size = buffer_size,
	.close = buffer_close,
};

VMC_EXPORT vmc_status vmc_source_new_buffer(vmc_source **out, const void *buf,
					    size_t len, vmc_error *e)
{
	struct buffer_source *b = vmc__calloc(1, sizeof(*b));

	if (!b)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	b->base.ops = &buffer_ops;
	b->buf = buf;
	b->len = len;
	*out = &b->base;
	return VMC_OK;
}
