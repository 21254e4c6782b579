#!/bin/bash
# SPDX-License-Identifier: MIT
# vmcorekit dmesg and the VMCOREINFO search, timed against the real
# alternative in the same run:
#
#   1. `vmcorekit dmesg VMCORE` vs `makedumpfile --dump-dmesg VMCORE` on a
#      real capture's vmcore (wall time, peak RSS; the outputs compared)
#   2. `vmcorekit dmesg --memory physmem.bin@0` (raw RAM: the search, the
#      validation, the log) on the same capture
#   3. the VMCOREINFO search (`dmesg --list`) on a 64 GiB sparse image
#      holding the capture's RAM at 0 (the rest holes), and on a dense
#      image of DENSE_GIB (default 4) GiB: the RAM, then random data
#
# usage: bench/guest-dmesg.sh [CAPTURE]   (default 612-file-1cpu; needs
#        tests/kernel/cache/CAPTURE; BENCH_DIR for the images, default
#        /var/tmp/vmc-bench-guest; the dense image needs DENSE_GIB of disk)
set -eu
CAP=${1:-612-file-1cpu}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VMC=$(readlink -f "${VMC:-$ROOT/build/cli/vmcorekit}")
CACHE=$ROOT/tests/kernel/cache/$CAP
DIR=${BENCH_DIR:-/var/tmp/vmc-bench-guest}
DENSE_GIB=${DENSE_GIB:-4}
TIME=/usr/bin/time
if [ ! -f "$CACHE/vmcore.bin" ] || [ ! -f "$CACHE/physmem.bin" ]; then
	echo "bench/guest-dmesg.sh: no $CACHE/{vmcore.bin,physmem.bin} (make check-kernel)" >&2
	exit 3
fi
mkdir -p "$DIR"
trap 'rm -f "$DIR"/out.* "$DIR"/t.*' EXIT

# run NAME CMD...: best of 3 wall seconds and its peak RSS (KiB)
run() {
	local name=$1 best="" rss=""
	shift
	for _ in 1 2 3; do
		rm -f "$DIR"/out.mdf
		$TIME -f "%e %M" -o "$DIR/t.time" "$@" >"$DIR/out.$name" 2>/dev/null || true
		read -r s m <"$DIR/t.time"
		if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then
			best=$s rss=$m
		fi
	done
	printf '%-34s %8.3f s %8d KiB\n' "$name" "$best" "$rss"
	eval "T_$name=$best"
}

echo "capture $CAP ($(stat -c %s "$CACHE/vmcore.bin") byte vmcore, $(stat -c %s "$CACHE/physmem.bin") byte RAM); $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
cat "$CACHE/vmcore.bin" "$CACHE/physmem.bin" >/dev/null	# warm the cache
run vmcorekit_dmesg "$VMC" dmesg "$CACHE/vmcore.bin"
run makedumpfile_dump_dmesg sh -c "makedumpfile --dump-dmesg '$CACHE/vmcore.bin' '$DIR/out.mdf' >/dev/null 2>&1; cat '$DIR/out.mdf'"
if cmp -s "$DIR/out.vmcorekit_dmesg" "$DIR/out.makedumpfile_dump_dmesg"; then
	echo "  outputs identical ($(wc -l <"$DIR/out.vmcorekit_dmesg") lines)"
else
	echo "  OUTPUTS DIFFER"
fi
awk "BEGIN{printf \"  ratio makedumpfile / vmcorekit: %.1fx\n\", $T_makedumpfile_dump_dmesg / $T_vmcorekit_dmesg}"
run vmcorekit_dmesg_raw_ram "$VMC" dmesg --memory "$CACHE/physmem.bin@0"
cmp -s "$DIR/out.vmcorekit_dmesg_raw_ram" "$DIR/out.makedumpfile_dump_dmesg" &&
	echo "  raw RAM: same text"

# 64 GiB sparse: the capture's RAM at 0, holes after it.
SPARSE=$DIR/sparse64.img
if [ ! -f "$SPARSE" ]; then
	cp --sparse=always "$CACHE/physmem.bin" "$SPARSE"
	truncate -s 64G "$SPARSE"
fi
echo "sparse image: $(stat -c %s "$SPARSE") bytes, $(du -k "$SPARSE" | cut -f1) KiB allocated"
run search_64g_sparse "$VMC" dmesg --list --memory "$SPARSE@0"
cat "$DIR/out.search_64g_sparse" | sed 's/^/  /'
run cat_64g_sparse sh -c "cat '$SPARSE' >/dev/null"

# dense: the RAM then random data, DENSE_GIB GiB, every byte allocated.
DENSE=$DIR/dense.img
if [ ! -f "$DENSE" ] || [ "$(stat -c %s "$DENSE")" != $((DENSE_GIB << 30)) ]; then
	rm -f "$DENSE"
	cp "$CACHE/physmem.bin" "$DENSE"
	dd if=/dev/urandom of="$DENSE" bs=1M seek=$(($(stat -c %s "$CACHE/physmem.bin") >> 20)) \
	   count=$(((DENSE_GIB << 10) - ($(stat -c %s "$CACHE/physmem.bin") >> 20))) \
	   conv=notrunc status=none
fi
echo "dense image: $(stat -c %s "$DENSE") bytes"
run search_dense "$VMC" dmesg --list --memory "$DENSE@0"
run cat_dense sh -c "cat '$DENSE' >/dev/null"
awk "BEGIN{printf \"  search / cat on the dense image: %.2f; %.2f GiB/s\n\", $T_search_dense / $T_cat_dense, $DENSE_GIB / $T_search_dense}"
