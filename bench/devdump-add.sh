#!/bin/bash
# SPDX-License-Identifier: MIT
# `vmcorekit devdump add` on a real multi-GB vmcore against copying the same
# file, in one run: devdump add re-lays the whole file out (every offset
# after the note segment moves by the dumps' size), so a plain copy is the
# floor.  Compared:
#
#   cp --reflink=never  coreutils 9 (copy_file_range, in-kernel copy)
#   cat > out           read/write through user space
#   devdump add         two dumps (16 MiB + 4 KiB); copy_file_range
#   devdump add --no-copy-range   pread/pwrite in 4 MiB chunks
#
# The page cache is dropped before each run where that is allowed; where it
# is not (a container), the input is read once first so every run starts
# warm.  Two rounds, each command's best time.  Prints seconds, MB/s, peak
# RSS and the ratio to cp of the same file.
#
# usage: bench/devdump-add.sh [VMCORE]   (default: the 612-file-5g capture;
#                                        BENCH_DIR for the outputs)
set -eu
VMC=$(readlink -f "${VMC:-build/cli/vmcorekit}")
IN=$(readlink -f "${1:-tests/kernel/cache/612-file-5g/vmcore.bin}")
DIR=${BENCH_DIR:-/var/tmp/vmc-bench-devdump}
TIME=/usr/bin/time
[ -f "$IN" ] || { echo "devdump-add: skipped, no $IN (make check-kernel makes it, or give a vmcore)"; exit 0; }
mkdir -p "$DIR"
trap 'rm -f "$DIR"/out "$DIR"/time.txt' EXIT
cd "$DIR"
head -c $((16 << 20)) /dev/urandom >dd-big.bin
head -c 4096 /dev/urandom >dd-small.bin
SIZE=$(stat -c %s "$IN")

CACHE=cold
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || CACHE=warm; }
drop
[ $CACHE = warm ] && cat "$IN" >/dev/null
declare -A secs rss
run() {		# name cmd...: best time over the rounds
	local name=$1 t r
	shift
	rm -f out
	drop
	$TIME -f "%e %M" -o time.txt "$@" >/dev/null 2>&1 || { echo "$name: failed"; cat time.txt; return 1; }
	read -r t r <time.txt
	if [ -z "${secs[$name]:-}" ] || [ "$(echo "$t < ${secs[$name]}" | bc)" = 1 ]; then
		secs[$name]=$t
		rss[$name]=$r
	fi
}
report() {
	local name=$1 t=${secs[$1]}
	printf '%-36s %7.2f s %8.0f MB/s  peak RSS %7d KiB   %.2fx cp\n' "$name" "$t" \
		"$(echo "$SIZE / 1000000 / $t" | bc -l)" "${rss[$name]}" \
		"$(echo "$t / ${secs[cp]}" | bc -l)"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB RAM, $(df -hT . | awk 'NR==2{print $2}') at $DIR," \
     "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $IN, $SIZE bytes ($(du -m "$IN" | cut -f1) MiB allocated), page cache $CACHE"
for round in 1 2; do
	run cp cp --reflink=never "$IN" out
	run cat sh -c "cat '$IN' > out"
	run "devdump add" "$VMC" devdump add "$IN" big=dd-big.bin small=dd-small.bin --no-progress -o out
	[ $round = 1 ] && "$VMC" devdump list out | head -1
	run "devdump add --no-copy-range" "$VMC" devdump add "$IN" big=dd-big.bin \
		small=dd-small.bin --no-progress --no-copy-range -o out
done
for name in cp cat "devdump add" "devdump add --no-copy-range"; do report "$name"; done
