// SPDX-License-Identifier: MIT
/*
 * vCPU registers as JSON, for VMMs without QEMU's monitor (Firecracker's
 * and cloud-hypervisor's vCPU state, KVM_GET_REGS/KVM_GET_SREGS dumps,
 * lldb/gdb scripts).  Read with json-c (Debian libjson-c5), not by hand:
 *
 *   { "vcpus": [
 *       { "rip": "0xffffffff8a48b667", "rsp": "0xffffc99d00013980",
 *         "rax": 0, ..., "eflags": "0x283", "cs": 16, "ss": 24,
 *         "fs_base": "0x0", "gs_base": "0xffff8916bea00000",
 *         "cr3": "0x2356000" },
 *       ... ] }
 *
 * One object per vCPU in vCPU order.  Keys are the x86_64
 * user_regs_struct names (arch/x86/include/asm/user_64.h, the NT_PRSTATUS
 * pr_reg order: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi
 * orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs) plus cr3;
 * values are JSON integers or strings "0x..." (64-bit values do not fit a
 * JSON double).  rip, rsp, cs and ss are required; an unknown key is an
 * error (a typo must not become a zero register).
 */
#include <string.h>

#include "vmcorekit/vcpu.h"
#include "base/compiler.h"
#include "base/numparse.h"
#include "guest/vcpu_priv.h"

#ifdef VMC_HAVE_JSON_C
#include "guest/guest_json.h"

static const char *const names[VMC_X86_NR_REGS] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};
static const int required[] = { VMC_X86_RIP, VMC_X86_RSP, VMC_X86_CS,
				 VMC_X86_SS };

static bool value(struct json_object *v, uint64_t *out)
{
	const char *s;

	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);

		if (i < 0)
			return false;
		*out = (uint64_t)i;
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	return vmc__parse_u64_base(s, 0, out);
}

static vmc_status one_cpu(struct json_object *o, size_t idx,
			  struct vmc_vcpu *c, vmc_error *e)
{
	uint32_t seen = 0;

	if (!json_object_is_type(o, json_type_object))
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "vcpus[%zu] is not an object", idx);
	memset(c, 0, sizeof(*c));
	c->index = (uint32_t)idx;
	json_object_object_foreach(o, key, val) {
		uint64_t v;
		int r = -1;

		for (int i = 0; i < VMC_X86_NR_REGS; i++)
			if (strcmp(key, names[i]) == 0)
				r = i;
		if (r < 0 && strcmp(key, "cr3") != 0)
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "vcpus[%zu]: unknown register "
					     "\"%.40s\"", idx, key);
		if (!value(val, &v))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "vcpus[%zu].%.40s: not a "
					     "non-negative integer or \"0x\" "
					     "string", idx, key);
		if (r < 0) {
			c->cr3 = v;
			c->have_cr3 = true;
		} else {
			c->regs[r] = v;
			seen |= 1u << r;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!(seen & (1u << required[i])))
			return vmc_error_set(e, VMC_ERR_CORRUPT,
					     "vcpus[%zu]: no %s", idx,
					     names[required[i]]);
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_vcpus_parse_json(vmc_vcpus **out, const char *text,
					   size_t len, vmc_error *e)
{
	struct json_object *root = NULL, *arr;
	struct vmc_vcpus *l = NULL;
	vmc_status st;
	size_t n;

	*out = NULL;
	st = vmc__json_parse(&root, text, len, NULL, e);
	if (st)
		return st;
	if (!json_object_object_get_ex(root, "vcpus", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "no \"vcpus\" array of vCPU objects");
		goto out;
	}
	l = vmc__vcpus_new();
	if (!l) {
		st = vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !st; i++) {
		struct vmc_vcpu c;

		st = one_cpu(json_object_array_get_idx(arr, i), i, &c, e);
		if (!st)
			st = vmc__vcpus_add(l, &c, e);
	}
	if (!st) {
		*out = l;
		l = NULL;
	}
out:
	vmc_vcpus_free(l);
	json_object_put(root);
	return st;
}
#else
VMC_EXPORT vmc_status vmc_vcpus_parse_json(vmc_vcpus **out, const char *text,
					   size_t len, vmc_error *e)
{
	(void)text;
	(void)len;
	*out = NULL;
	return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
			     "built without json-c: JSON vCPU state is not "
			     "supported");
}
#endif
