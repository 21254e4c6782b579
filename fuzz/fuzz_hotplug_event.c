// SPDX-License-Identifier: MIT
/*
 * The crash hotplug command-line syntaxes: events (vmc_hp_event_parse:
 * add-memory:START-END with END inclusive, START+SIZE, add-cpu:N, ...),
 * kexec segment descriptions (vmc_kexec_segment_parse: MEM:MEMSZ[:ROLE]),
 * loader and digest-policy names.  A parsed event must format back to
 * text that parses to the same event.
 */
#include "vmcorekit/vmcorekit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), buf[160];
	struct vmc_hp_event ev, ev2;
	struct vmc_kexec_segment seg;
	enum vmc_loader l;
	enum vmc_digest_policy p;

	if (!s)
		return 0;
	if (vmc_hp_event_parse(s, &ev, NULL) == VMC_OK) {
		if (vmc_hp_event_format(&ev, buf, sizeof(buf)) >= (int)sizeof(buf) ||
		    vmc_hp_event_parse(buf, &ev2, NULL) != VMC_OK ||
		    ev.action != ev2.action || ev.start != ev2.start ||
		    ev.end != ev2.end || ev.cpu != ev2.cpu)
			abort();
	}
	if (vmc_kexec_segment_parse(s, &seg, NULL) == VMC_OK &&
	    (seg.mem + seg.memsz < seg.mem ||
	     vmc_seg_role_name(seg.role)[0] == 'u'))
		abort();
	vmc_loader_parse(s, &l, NULL);
	vmc_digest_policy_parse(s, &p, NULL);
	free(s);
	return 0;
}
