/* SPDX-License-Identifier: MIT */
/*
 * Random-access byte sources: a file, a buffer, and (later) memory images
 * mapped at physical addresses.  Every parser in the library reads through
 * this interface, so the same code parses a file, a buffer in memory or a
 * header sitting in old memory.
 */
#ifndef VMCOREKIT_SOURCE_H
#define VMCOREKIT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "vmcorekit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_source vmc_source;

/*
 * Read exactly @len bytes at @off.  Errors: VMC_ERR_RANGE when
 * [off, off+len) is not inside the source, VMC_ERR_IO, others from the
 * implementation.
 */
vmc_status vmc_source_read_at(vmc_source *s, uint64_t off, void *buf,
			      size_t len, vmc_error *e);

/* Size in bytes. */
uint64_t vmc_source_size(const vmc_source *s);

/* The implementation's kind ("fd", "buffer", ...). */
const char *vmc_source_kind(const vmc_source *s);

/* Release the source (NULL-safe). */
void vmc_source_close(vmc_source *s);

/*
 * A source over @len bytes at @buf.  The bytes are borrowed: they must
 * outlive the source.  Errors: VMC_ERR_NOMEM.
 */
vmc_status vmc_source_new_buffer(vmc_source **out, const void *buf,
				 size_t len, vmc_error *e);

/*
 * A source over an open file descriptor (pread).  With @own_fd the source
 * closes it.  The size is taken once, at creation.  Errors: VMC_ERR_IO,
 * VMC_ERR_NOMEM.
 */
vmc_status vmc_source_new_fd(vmc_source **out, int fd, int own_fd,
			     vmc_error *e);

/* Open @path read-only as a source; its read errors name @path.  Errors:
 * VMC_ERR_NOTFOUND, VMC_ERR_IO, VMC_ERR_NOMEM. */
vmc_status vmc_source_open_file(vmc_source **out, const char *path,
				vmc_error *e);

/* The file descriptor behind a source (its ops' fd: those made by
 * vmc_source_new_fd or vmc_source_open_file) for copy_file_range and
 * SEEK_DATA; -1 for the others. */
int vmc_source_fd(const vmc_source *s);

#ifdef __cplusplus
}
#endif
#endif
