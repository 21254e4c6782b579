#!/bin/bash
# SPDX-License-Identifier: MIT
# `vmcorekit guest` on a real no-kdump panic scenario (tests/kernel/run.sh
# 612-panic etc.): time and peak RSS from the RAM file to a vmcore, against
# `cp` of the RAM file and QEMU's own dump-guest-memory of the same guest
# (its time as the bench recorded it in meta.json: QEMU cannot be rerun on
# a paused guest afterwards), in one run; cold page cache for each run.
#
# usage: bench/guest.sh [SCENARIO...]   (default 612-panic 612-panic-q35;
#                        BENCH_CACHE / BENCH_PANIC_CAPTURES as for run.sh,
#                        BENCH_DIR for the outputs, default /var/tmp)
set -eu
VMC=$(readlink -f "${VMC:-build/cli/vmcorekit}")
HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${BENCH_CACHE:-$HERE/tests/kernel/cache}
CAPS=${BENCH_PANIC_CAPTURES:-$HERE/tests/kernel/panic-captures}
DIR=${BENCH_DIR:-/var/tmp}/vmc-bench-guest.$$
TIME=/usr/bin/time
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
meta() { /usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: m=m[k]
print(m)' "$@"; }
declare -A T
run() { # KEY NAME CMD...
	local key=$1 name=$2 t rss
	shift 2
	drop
	$TIME -f "%e %M" -o "$DIR/time.txt" "$@" >/dev/null 2>&1 || { echo "$name: failed"; cat "$DIR/time.txt"; return 1; }
	read -r t rss <"$DIR/time.txt"
	T[$key]=$t
	printf '  %-44s %7.2f s  peak RSS %7d KiB  out %s\n' "$name" "$t" "$rss" \
		"$(du -h --apparent-size "$DIR/out" | cut -f1) ($(du -h "$DIR/out" | cut -f1) allocated)"
	rm -f "$DIR/out"
}
scen=("$@")
[ ${#scen[@]} -gt 0 ] || scen=(612-panic 612-panic-q35)
for s in "${scen[@]}"; do
	W=$CACHE/$s C=$CAPS/$s
	[ -f "$W/physmem.bin" ] || { echo "$s: no cache ($W/physmem.bin), skipped"; continue; }
	mem=()
	while read -r spec; do mem+=("$spec"); done < <(/usr/bin/python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["physmem"]["layout"]:
    print("--memory=%s@%#x,offset=%#x,size=%#x" % (sys.argv[2], r["paddr"], r["file_offset"], r["size"]))' "$C/meta.json" "$W/physmem.bin")
	va=$(meta "$C/meta.json" vmcoreinfo_note paddr)
	q=$(meta "$C/meta.json" qemu_dump dump_guest_memory_s)
	echo "$s: RAM file $(du -h --apparent-size "$W/physmem.bin" | cut -f1) ($(du -h "$W/physmem.bin" | cut -f1) allocated)"
	run guest "vmcorekit guest (RAM file -> vmcore)" "$VMC" guest "${mem[@]}" \
		--cpu-state "$C/registers.txt" --vmcoreinfo-addr "$va" -o "$DIR/out"
	run guestnc "vmcorekit guest --no-copy-range" "$VMC" guest "${mem[@]}" \
		--cpu-state "$C/registers.txt" --vmcoreinfo-addr "$va" --no-copy-range -o "$DIR/out"
	run cp "cp --sparse=auto RAM file" cp --sparse=auto "$W/physmem.bin" "$DIR/out"
	run cat "cat RAM file > out" sh -c 'cat "$1" > "$2"' _ "$W/physmem.bin" "$DIR/out"
	run elf "vmcorekit guest --memory-elf (QEMU's dump)" "$VMC" guest --memory-elf \
		"$W/qemu-dump.elf" --vmcoreinfo-addr "$va" -o "$DIR/out"
	printf '  %-44s %7.2f s  (recorded by the bench, guest paused)\n' "QEMU dump-guest-memory" "$q"
	T[qemu]=$q
	for b in cp cat qemu; do
		printf '  guest vs %-35s %6.2fx faster\n' "$b" "$(echo "${T[$b]} / ${T[guest]}" | bc -l)"
	done
done
