// SPDX-License-Identifier: MIT
/* The growable array every list in the library uses (see array.h). */
#include <stdint.h>
#include <string.h>

#include "base/array.h"
#include "base/compiler.h"

bool vmc__grow(void *arrp, size_t *cap, size_t need, size_t elsz,
	       size_t min)
{
	size_t ncap = *cap ? *cap : (min ? min : 1);
	void *old, *p;

	if (need <= *cap)
		return true;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	/* The pointer is read and written as bytes: @arrp is the address of
	 * a T *, whatever T is. */
	memcpy(&old, arrp, sizeof(old));
	p = vmc__reallocarray(old, ncap, elsz);
	if (!p)
		return false;
	memcpy(arrp, &p, sizeof(p));
	*cap = ncap;
	return true;
}
