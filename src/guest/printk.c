// SPDX-License-Identifier: MIT
/*
 * The kernel log from VMCOREINFO alone, walked as makedumpfile
 * --dump-dmesg walks it.  Every offset and size comes from the OFFSET()
 * and SIZE() keys kernel/printk/printk.c log_buf_vmcoreinfo_setup exports.
 *
 * Linux >= 5.10, the lockless ring (kernel/printk/printk_ringbuffer.h):
 *
 *   *SYMBOL(prb) ─► struct printk_ringbuffer
 *                    desc_ring      { count_bits, descs ─┐, infos ─┐,
 *                                     head_id, tail_id }  │        │
 *                    text_data_ring { size_bits, data ─┐ }│        │
 *   descs[id % 2^count_bits]: state_var | text_blk_lpos {begin, next}
 *   infos[id % 2^count_bits]: seq | ts_nsec | text_len | caller_id | ...
 *   data[lpos % 2^size_bits]: [ id (unsigned long) | text ... ]
 *
 *   state_var: bits 63..62 the state (committed 1, finalized 2 are
 *   readable), bits 61..0 the descriptor id it belongs to.  A block whose
 *   begin lies after its next wrapped: its text starts at data[0].
 *   (makedumpfile printk.c dump_record, dump_lockless_dmesg.)
 *
 * Linux 3.5 to 5.9, struct printk_log records in log_buf
 * (makedumpfile.c dump_dmesg, log_from_ptr, log_next):
 *
 *   log_buf[log_first_idx ..] [ printk_log: ts_nsec len text_len ... | text ]
 *   len 0 marks the end of the buffer: continue at log_buf[0].
 */
#include <string.h>

#include "guest/guest_priv.h"
#include "vmcorekit/notes.h"
#include "base/compiler.h"

#define DEFAULT_MAX_BYTES (1ULL << 30)
#define SV_FLAGS_SHIFT 62
#define SV_ID_MASK (~(3ULL << SV_FLAGS_SHIFT))
#define DESC_COMMITTED 1
#define DESC_FINALIZED 2

/* A named key into *out; all missing ones are reported by the caller. */
static vmc_status need(const vmc_guest_kernel *k, const char *key,
		       uint64_t *out, vmc_error *e)
{
	vmc_status st = vmc__guest_key(k, key, out, e);

	return st == VMC_ERR_NOTFOUND ? VMC_ERR_CORRUPT : st;
}

/* Read @n bytes at @va into a fresh buffer. */
static vmc_status slurp(const vmc_guest_kernel *k, uint64_t va, uint64_t n,
			uint64_t max, const char *what, uint8_t **out,
			vmc_error *e)
{
	uint8_t *b;
	vmc_status st;

	if (n > max || n > SIZE_MAX)
		return vmc_error_set(e, VMC_ERR_RANGE,
				     "%s: %llu bytes, more than the limit %llu",
				     what, (unsigned long long)n,
				     (unsigned long long)max);
	b = vmc__malloc(n ? (size_t)n : 1);
	if (!b)
		return vmc_error_set(e, VMC_ERR_NOMEM, "out of memory");
	st = vmc_guest_read(k, va, b, (size_t)n, e);
	if (st) {
		vmc__free(b);
		return PREFIXED(st, e, "%s", what);
	}
	*out = b;
	return VMC_OK;
}

/* A field of @size bytes at @off inside a struct of @len bytes. */
static bool field_ok(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && len - off >= size;
}

struct lockless {
	uint64_t sz_prb, o_desc_ring, o_text_ring;
	uint64_t o_count_bits, o_descs, o_infos, o_head, o_tail;
	uint64_t sz_desc, o_state, o_text_blk, o_begin, o_next;
	uint64_t sz_info, o_seq, o_ts, o_text_len, o_caller;
	uint64_t o_size_bits, o_data, o_counter;
	bool has_caller, has_seq;
};

static vmc_status lockless_keys(const vmc_guest_kernel *k, struct lockless *l,
				vmc_error *e)
{
	const struct {
		const char *key;
		uint64_t *v;
	} t[] = {
		{ "SIZE(printk_ringbuffer)", &l->sz_prb },
		{ "OFFSET(printk_ringbuffer.desc_ring)", &l->o_desc_ring },
		{ "OFFSET(printk_ringbuffer.text_data_ring)", &l->o_text_ring },
		{ "OFFSET(prb_desc_ring.count_bits)", &l->o_count_bits },
		{ "OFFSET(prb_desc_ring.descs)", &l->o_descs },
		{ "OFFSET(prb_desc_ring.infos)", &l->o_infos },
		{ "OFFSET(prb_desc_ring.head_id)", &l->o_head },
		{ "OFFSET(prb_desc_ring.tail_id)", &l->o_tail },
		{ "SIZE(prb_desc)", &l->sz_desc },
		{ "OFFSET(prb_desc.state_var)", &l->o_state },
		{ "OFFSET(prb_desc.text_blk_lpos)", &l->o_text_blk },
		{ "OFFSET(prb_data_blk_lpos.begin)", &l->o_begin },
		{ "OFFSET(prb_data_blk_lpos.next)", &l->o_next },
		{ "SIZE(printk_info)", &l->sz_info },
		{ "OFFSET(printk_info.ts_nsec)", &l->o_ts },
		{ "OFFSET(printk_info.text_len)", &l->o_text_len },
		{ "OFFSET(prb_data_ring.size_bits)", &l->o_size_bits },
		{ "OFFSET(prb_data_ring.data)", &l->o_data },
		{ "OFFSET(atomic_long_t.counter)", &l->o_counter },
	};
	vmc_status st;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		st = need(k, t[i].key, t[i].v, e);
		if (st)
			return st;
	}
	l->has_caller = vmc__guest_key(k, "OFFSET(printk_info.caller_id)",
				       &l->o_caller, NULL) == VMC_OK;
	l->has_seq = vmc__guest_key(k, "OFFSET(printk_info.seq)", &l->o_seq,
				    NULL) == VMC_OK;
	/* Every field read below must lie inside its struct. */
	if (!field_ok(l->o_desc_ring, l->o_count_bits, l->sz_prb) ||
	    !field_ok(l->o_desc_ring + l->o_count_bits, 4, l->sz_prb) ||
	    !field_ok(l->o_desc_ring + l->o_descs, 8, l->sz_prb) ||
	    !field_ok(l->o_desc_ring + l->o_infos, 8, l->sz_prb) ||
	    !field_ok(l->o_desc_ring + l->o_head + l->o_counter, 8,
		      l->sz_prb) ||
	    !field_ok(l->o_desc_ring + l->o_tail + l->o_counter, 8,
		      l->sz_prb) ||
	    !field_ok(l->o_text_ring + l->o_size_bits, 4, l->sz_prb) ||
	    !field_ok(l->o_text_ring + l->o_data, 8, l->sz_prb) ||
	    l->o_desc_ring > l->sz_prb || l->o_text_ring > l->sz_prb ||
	    !field_ok(l->o_state + l->o_counter, 8, l->sz_desc) ||
	    !field_ok(l->o_text_blk + l->o_begin, 8, l->sz_desc) ||
	    !field_ok(l->o_text_blk + l->o_next, 8, l->sz_desc) ||
	    l->o_text_blk > l->sz_desc || l->o_state > l->sz_desc ||
	    !field_ok(l->o_ts, 8, l->sz_info) ||
	    !field_ok(l->o_text_len, 2, l->sz_info) ||
	    (l->has_caller && !field_ok(l->o_caller, 4, l->sz_info)) ||
	    (l->has_seq && !field_ok(l->o_seq, 8, l->sz_info)) ||
	    l->sz_prb > 4096 || l->sz_desc > 4096 || l->sz_info > 4096)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "VMCOREINFO printk offsets lie outside "
				     "their structures");
	return VMC_OK;
}

struct ring {
	uint8_t *descs, *infos, *data;
	uint64_t count, size;
};

static vmc_status lockless_record(const struct lockless *l,
				  const struct ring *r, uint64_t id,
				  vmc_guest_log_fn fn, void *arg, vmc_error *e)
{
	const uint8_t *d = r->descs + (id % r->count) * l->sz_desc;
	const uint8_t *in = r->infos + (id % r->count) * l->sz_info;
	uint64_t sv = guest_le64(d + l->o_state + l->o_counter);
	uint64_t begin, next, state = sv >> SV_FLAGS_SHIFT;
	struct vmc_guest_log_record rec = { 0 };
	uint64_t text_len;

	/* get_desc_state(): another id's descriptor, or not readable. */
	if ((sv & SV_ID_MASK) != id ||
	    (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return VMC_OK;
	begin = guest_le64(d + l->o_text_blk + l->o_begin) % r->size;
	next = guest_le64(d + l->o_text_blk + l->o_next) % r->size;
	if (begin == next)
		return VMC_OK;	/* data-less block */
	text_len = guest_le16(in + l->o_text_len);
	if (begin > next)
		begin = 0;	/* wrapped: the block restarts at data[0] */
	begin += 8;		/* the block's id (unsigned long) */
	/* A text longer than its block is cut to the block, as
	 * makedumpfile does; a block that ends before its id (next < 8
	 * after a wrap) or past the ring is cut to the ring. */
	if (next >= begin && next - begin < text_len)
		text_len = next - begin;
	if (begin >= r->size)
		text_len = 0, rec.truncated = true;
	else if (r->size - begin < text_len)
		text_len = r->size - begin, rec.truncated = true;
	rec.seq = l->has_seq ? guest_le64(in + l->o_seq) : id;
	rec.ts_nsec = guest_le64(in + l->o_ts);
	rec.has_caller_id = l->has_caller;
	if (l->has_caller)
		rec.caller_id = guest_le32(in + l->o_caller);
	rec.text = begin < r->size ? (const char *)r->data + begin : "";
	rec.text_len = (size_t)text_len;
	return fn(arg, &rec, e);
}

static vmc_status lockless_read(const vmc_guest_kernel *k, uint64_t max,
				vmc_guest_log_fn fn, void *arg, vmc_error *e)
{
	struct lockless l;
	struct ring r = { 0 };
	uint8_t *prb = NULL;
	const uint8_t *dr, *tr;
	uint64_t sym, prb_va, tail, head, cbits, sbits;
	uint8_t raw[8];
	vmc_status st;

	st = lockless_keys(k, &l, e);
	if (!st)
		st = need(k, "SYMBOL(prb)", &sym, e);
	if (!st)
		st = vmc_guest_read(k, sym, raw, 8, e);
	if (st)
		return PREFIXED(st, e, "prb");
	prb_va = guest_le64(raw);
	st = slurp(k, prb_va, l.sz_prb, max, "printk_ringbuffer", &prb, e);
	if (st)
		return st;
	dr = prb + l.o_desc_ring;
	tr = prb + l.o_text_ring;
	cbits = guest_le32(dr + l.o_count_bits);
	sbits = guest_le32(tr + l.o_size_bits);
	/* The kernel caps log_buf_len at 2^31 (kernel/printk/printk.c
	 * log_buf_len_update); descriptors are fewer (PRB_AVGBITS). */
	if (cbits > 31 || sbits > 31 || sbits < 3) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "printk ring: count_bits %llu, size_bits "
				   "%llu out of range",
				   (unsigned long long)cbits,
				   (unsigned long long)sbits);
		goto out;
	}
	r.count = 1ULL << cbits;
	r.size = 1ULL << sbits;
	st = slurp(k, guest_le64(dr + l.o_descs), r.count * l.sz_desc, max,
		   "prb_desc_ring.descs", &r.descs, e);
	if (!st)
		st = slurp(k, guest_le64(dr + l.o_infos), r.count * l.sz_info,
			   max, "prb_desc_ring.infos", &r.infos, e);
	if (!st)
		st = slurp(k, guest_le64(tr + l.o_data), r.size, max,
			   "prb_data_ring.data", &r.data, e);
	if (st)
		goto out;
	/* Ids are 62 bits (DESC_ID_MASK); the walk compares masked ids, so
	 * stray high bits cannot make it miss head and run forever. */
	tail = guest_le64(dr + l.o_tail + l.o_counter) & SV_ID_MASK;
	head = guest_le64(dr + l.o_head + l.o_counter) & SV_ID_MASK;
	/* head and tail lie within one lap of the ring (desc_push_tail). */
	if (((head - tail) & SV_ID_MASK) >= r.count) {
		st = vmc_error_set(e, VMC_ERR_CORRUPT,
				   "printk ring: head_id 0x%llx and tail_id "
				   "0x%llx are more than %llu apart",
				   (unsigned long long)head,
				   (unsigned long long)tail,
				   (unsigned long long)r.count);
		goto out;
	}
	/* tail to head, then head itself (dump_lockless_dmesg). */
	for (uint64_t id = tail;; id = (id + 1) & SV_ID_MASK) {
		st = lockless_record(&l, &r, id, fn, arg, e);
		if (st || id == head)
			break;
	}
out:
	vmc__free(r.data);
	vmc__free(r.infos);
	vmc__free(r.descs);
	vmc__free(prb);
	return st;
}

/* Read a little-endian number of @n bytes at virtual @va. */
static vmc_status read_num(const vmc_guest_kernel *k, const char *sym,
			   size_t n, uint64_t *out, vmc_error *e)
{
	uint8_t raw[8] = { 0 };
	uint64_t va;
	vmc_status st = need(k, sym, &va, e);

	if (!st)
		st = vmc_guest_read(k, va, raw, n, e);
	if (st)
		return PREFIXED(st, e, "%s", sym);
	*out = guest_le64(raw);
	return VMC_OK;
}

static vmc_status log_buf_read(const vmc_guest_kernel *k, uint64_t max,
			       vmc_guest_log_fn fn, void *arg, vmc_error *e)
{
	uint64_t buf_va, buf_len, first, next, sz, o_ts, o_len, o_tlen, o_cid;
	bool has_cid;
	uint8_t *buf = NULL;
	uint64_t pos, nr = 0;
	vmc_status st;

	/* The types makedumpfile reads: char *log_buf, int log_buf_len,
	 * u32 log_first_idx and log_next_idx. */
	st = read_num(k, "SYMBOL(log_buf)", 8, &buf_va, e);
	if (!st)
		st = read_num(k, "SYMBOL(log_buf_len)", 4, &buf_len, e);
	if (!st)
		st = read_num(k, "SYMBOL(log_first_idx)", 4, &first, e);
	if (!st)
		st = read_num(k, "SYMBOL(log_next_idx)", 4, &next, e);
	if (!st)
		st = need(k, "SIZE(printk_log)", &sz, e);
	if (!st)
		st = need(k, "OFFSET(printk_log.ts_nsec)", &o_ts, e);
	if (!st)
		st = need(k, "OFFSET(printk_log.len)", &o_len, e);
	if (!st)
		st = need(k, "OFFSET(printk_log.text_len)", &o_tlen, e);
	if (st)
		return st;
	has_cid = vmc__guest_key(k, "OFFSET(printk_log.caller_id)", &o_cid,
				 NULL) == VMC_OK;
	if (sz == 0 || sz > 4096 || !field_ok(o_ts, 8, sz) ||
	    !field_ok(o_len, 2, sz) || !field_ok(o_tlen, 2, sz) ||
	    (has_cid && !field_ok(o_cid, 4, sz)) || buf_len < sz ||
	    buf_len > 0x7fffffff || first > buf_len - sz || next > buf_len)
		return vmc_error_set(e, VMC_ERR_CORRUPT,
				     "log_buf: length %llu, first %llu, next "
				     "%llu, record size %llu do not fit",
				     (unsigned long long)buf_len,
				     (unsigned long long)first,
				     (unsigned long long)next,
				     (unsigned long long)sz);
	st = slurp(k, buf_va, buf_len, max, "log_buf", &buf, e);
	if (st)
		return st;
	for (pos = first; pos != next; nr++) {
		/* log_from_ptr: a zero len sends the reader to log_buf[0]. */
		uint64_t rec = guest_le16(buf + pos + o_len) ? pos : 0;
		uint64_t len = guest_le16(buf + rec + o_len);
		struct vmc_guest_log_record r = { 0 };

		/* Every record is at least one header long, so more than
		 * buf_len / sz of them is a cycle (makedumpfile's
		 * dc_next detection). */
		if (nr > buf_len / sz) {
			st = vmc_error_set(e, VMC_ERR_CORRUPT,
					   "log_buf: cycle at index %llu",
					   (unsigned long long)pos);
			break;
		}
		r.seq = nr;
		r.ts_nsec = guest_le64(buf + rec + o_ts);
		r.text_len = guest_le16(buf + rec + o_tlen);
		r.text = (const char *)buf + rec + sz;
		if (r.text_len > buf_len - rec - sz) {
			r.text_len = (size_t)(buf_len - rec - sz);
			r.truncated = true;
		}
		r.has_caller_id = has_cid;
		if (has_cid)
			r.caller_id = guest_le32(buf + rec + o_cid);
		st = fn(arg, &r, e);
		if (st)
			break;
		/* log_next */
		pos = rec + len;
		if (len == 0 || pos > buf_len - sz) {
			st = vmc_error_set(e, VMC_ERR_CORRUPT,
					   "log_buf: index 0x%llx outside "
					   "log_buf",
					   (unsigned long long)pos);
			break;
		}
	}
	vmc__free(buf);
	return st;
}

VMC_EXPORT vmc_status vmc_guest_log_read(const vmc_guest_kernel *k,
					 const struct vmc_guest_log_opts *opts,
					 enum vmc_guest_log_kind *kind,
					 vmc_guest_log_fn fn, void *arg,
					 vmc_error *e)
{
	uint64_t max = DEFAULT_MAX_BYTES, v;

	if (opts && opts->version != VMC_GUEST_LOG_OPTS_VERSION)
		return vmc_error_set(e, VMC_ERR_INVALID,
				     "unknown log options version %u",
				     opts->version);
	if (opts && opts->max_bytes)
		max = opts->max_bytes;
	if (vmc__guest_key(k, "SYMBOL(prb)", &v, NULL) != VMC_ERR_NOTFOUND) {
		if (kind)
			*kind = VMC_GUEST_LOG_LOCKLESS;
		return lockless_read(k, max, fn, arg, e);
	}
	if (vmc__guest_key(k, "SYMBOL(log_buf)", &v, NULL) != VMC_ERR_NOTFOUND &&
	    vmc__guest_key(k, "SYMBOL(log_first_idx)", &v, NULL) !=
		    VMC_ERR_NOTFOUND) {
		if (kind)
			*kind = VMC_GUEST_LOG_LOG_BUF;
		return log_buf_read(k, max, fn, arg, e);
	}
	return vmc_error_set(e, VMC_ERR_UNSUPPORTED,
			     "VMCOREINFO names neither SYMBOL(prb) (Linux >= "
			     "5.10) nor SYMBOL(log_buf) with log_first_idx "
			     "(3.5 to 5.9)");
}
