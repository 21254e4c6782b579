// SPDX-License-Identifier: MIT
/*
 * The guest memory of a cloud-hypervisor snapshot (`ch-remote snapshot
 * file://DIR`, `PUT /vm.snapshot`).  DIR holds config.json, state.json and
 * memory-ranges.  state.json is the VM's `Snapshot` tree serialised with
 * serde_json (vm-migration/src/lib.rs: `struct Snapshot { snapshots:
 * BTreeMap<String, Snapshot>, snapshot_data: Option<SnapshotData> }`,
 * `struct SnapshotData { state: String }`, the state itself JSON inside
 * that string); the memory manager's node is "memory-manager"
 * (vmm/src/lib.rs MEMORY_MANAGER_SNAPSHOT_ID) and its state a
 * `MemoryManagerSnapshotData` (vmm/src/memory_manager.rs) whose
 * `memory_ranges` is a `MemoryRangeTable { data: Vec<MemoryRange> }`,
 * `MemoryRange { gpa: u64, length: u64 }` (vm-migration/src/protocol.rs):
 *
 *   state.json: {"snapshots": {"memory-manager": {"snapshots": {},
 *       "snapshot_data": {"state": "{\"memory_ranges\":{\"data\":
 *           [{\"gpa\":0,\"length\":2147483648}, ...]}, ...}"}}, ...}, ...}
 *
 *   memory-ranges: | range 0's bytes | range 1's bytes | ... |   (dense)
 *
 * `Transportable::send` for the memory manager writes the ranges back to
 * back in table order (file_cursor += range.length; holes may stay holes)
 * and `fill_saved_regions` reads them back the same way, so range i sits
 * at the sum of the lengths before it.  Ranges whose region is a shared,
 * hard-linked backing file are left out of the table
 * (`MemoryRangePolicy::SkipPersisted`): that memory is in its own file.
 * Parsed with json-c, not by hand.
 */
#include <string.h>

#include "vmcorekit/guest.h"
#include "base/compiler.h"

#ifdef VMC_HAVE_JSON_C
#include "guest/guest_json.h"

vmc_status vmc__json_parse(struct json_object **out, const char *text,
			   size_t len, const char *what, vmc_error *e)
{
	struct json_tokener *tok;
	struct json_object *root;
	vmc_status st = VMC_OK;

	*out = NULL;
	if (len > INT32_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE, "%s%sJSON of %zu bytes",
				     what ? what : "", what ? ": " : "", len);
	tok = json_tokener_new();
	if (!tok)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT, "%s%snot one JSON value"
				   ": %s", what ? what : "", what ? ": " : "",
				   json_tokener_error_desc(
					   json_tokener_get_error(tok)));
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	*out = root;
	return st;
}

/* @o's member @key of type @type, else NULL. */
static struct json_object *member(struct json_object *o, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A serde u64: a JSON integer from 0 to 2^64 - 1. */
static bool u64_of(struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v = member(o, key, json_type_int);

	if (!v || json_object_get_int64(v) < 0)
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

/* The memory manager's state: the text inside the snapshot tree. */
static vmc_status mm_state(struct json_object *root, const char **text,
			   size_t *len, vmc_error *e)
{
	struct json_object *snaps = member(root, "snapshots", json_type_object);
	struct json_object *mm = snaps ? member(snaps, "memory-manager",
						json_type_object) : NULL;
	struct json_object *data = mm ? member(mm, "snapshot_data",
					       json_type_object) : NULL;
	struct json_object *state = data ? member(data, "state",
						  json_type_string) : NULL;

	if (!snaps)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "state.json: no "
				     "\"snapshots\" object (not a "
				     "cloud-hypervisor snapshot)");
	if (!state)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "state.json: no "
				     "snapshots.\"memory-manager\"."
				     "snapshot_data.state string");
	*text = json_object_get_string(state);
	*len = (size_t)json_object_get_string_len(state);
	return VMC_OK;
}

static vmc_status ranges_of(struct json_object *mm,
			    struct vmc_guest_range **out, size_t *nr,
			    vmc_error *e)
{
	struct json_object *table = member(mm, "memory_ranges",
					   json_type_object);
	struct json_object *data = table ? member(table, "data",
						  json_type_array) : NULL;
	struct vmc_guest_range *r;
	uint64_t off = 0;
	size_t n;

	if (!data)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "memory-manager "
				     "state: no memory_ranges.data array");
	n = json_object_array_length(data);
	if (n == 0)
		return vmc_error_set(e, VMC_ERR_CORRUPT, "memory-manager "
				     "state: memory_ranges is empty (every "
				     "region persisted in its own backing "
				     "file: give those files as memory)");
	r = vmc__calloc(n, sizeof(*r));
	if (!r)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(data, i);
		uint64_t gpa, len;

		if (!u64_of(m, "gpa", &gpa) || !u64_of(m, "length", &len)) {
			vmc__free(r);
			return vmc_error_set(e, VMC_ERR_CORRUPT, "memory_ranges"
					     "[%zu]: want {\"gpa\": u64, "
					     "\"length\": u64}", i);
		}
		if (len == 0 || gpa + len < gpa || off + len < off) {
			vmc__free(r);
			return vmc_error_set(e, VMC_ERR_CORRUPT, "memory_ranges"
					     "[%zu]: gpa 0x%llx length 0x%llx "
					     "is empty or passes 2^64", i,
					     (unsigned long long)gpa,
					     (unsigned long long)len);
		}
		r[i].paddr = gpa;
		r[i].len = len;
		r[i].file_off = off;
		off += len;
	}
	*out = r;
	*nr = n;
	return VMC_OK;
}

VMC_EXPORT vmc_status vmc_guest_ch_ranges(struct vmc_guest_range **out,
					  size_t *nr, const char *json,
					  size_t len, vmc_error *e)
{
	struct json_object *root = NULL, *mm = NULL;
	const char *text = NULL;
	size_t tlen = 0;
	vmc_status st;

	*out = NULL;
	*nr = 0;
	st = vmc__json_parse(&root, json, len, "state.json", e);
	if (!st)
		st = mm_state(root, &text, &tlen, e);
	if (!st)
		st = vmc__json_parse(&mm, text, tlen, "memory-manager state",
				     e);
	if (!st)
		st = ranges_of(mm, out, nr, e);
	json_object_put(mm);
	json_object_put(root);
	return st;
}
#else
VMC_EXPORT vmc_status vmc_guest_ch_ranges(struct vmc_guest_range **out,
					  size_t *nr, const char *json,
					  size_t len, vmc_error *e)
{
	(void)json;
	(void)len;
	*out = NULL;
	*nr = 0;
	return vmc_error_set(e, VMC_ERR_UNSUPPORTED, "built without json-c: "
			     "cloud-hypervisor snapshots are not supported");
}
#endif

VMC_EXPORT void vmc_guest_ranges_free(struct vmc_guest_range *r)
{
	vmc__free(r);
}
