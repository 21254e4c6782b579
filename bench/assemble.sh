#!/bin/bash
# SPDX-License-Identifier: MIT
# Throughput and peak RSS of `vmcorekit assemble` on a >= 4 GiB image, part
# sparse and part dense, against `cat image > out` and `makedumpfile -E -d 0`
# on an ELF input holding the same data, in one run.
#
# usage: bench/assemble.sh [GiB]   (default 4; needs ~2.5x GiB of disk for
#                                   the dense parts; BENCH_DIR to choose where)
set -eu
GIB=${1:-4}
VMC=$(readlink -f "${VMC:-build/cli/vmcorekit}")
DIR=${BENCH_DIR:-/var/tmp/vmc-bench-assemble}
TIME=/usr/bin/time
mkdir -p "$DIR"
trap 'rm -f "$DIR"/out.*' EXIT
cd "$DIR"
SIZE=$((GIB << 30))
DENSE_MB=$((GIB * 256))		# a quarter of the image is dense random data

if [ ! -f physmem.bin ] || [ "$(stat -c %s physmem.bin)" != $SIZE ]; then
	echo "building a $GIB GiB physmem.bin: $DENSE_MB MiB dense random in 8 regions"
	rm -f physmem.bin
	truncate -s $SIZE physmem.bin
	for i in 0 1 2 3 4 5 6 7; do
		dd if=/dev/urandom of=physmem.bin bs=1M count=$((DENSE_MB / 8)) \
		   seek=$((i * (SIZE >> 20) / 8 + 16)) conv=notrunc status=none
	done
	# One CPU note (NT_PRSTATUS, "CORE") at 0x1000, then a terminator.
	python3 - <<'EOF'
import struct
with open("physmem.bin", "r+b") as f:
    f.seek(0x1000)
    f.write(struct.pack("<III", 5, 336, 1) + b"CORE\0\0\0\0" + bytes(336) + bytes(12))
EOF
fi
printf '0x1000-0x%x\n' $((SIZE - 1)) >ranges.txt
"$VMC" build --profile generic --arch x86_64 --ranges ranges.txt \
	--cpu-note 0x1000:0x400 -o hdr.bin >/dev/null
# Place the header in old memory too, so both header sources are timed alike.
HDR_AT=$((SIZE - 0x10000))
dd if=hdr.bin of=physmem.bin bs=4096 seek=$((HDR_AT / 4096)) conv=notrunc status=none

sync
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
# run KEY NAME CMD...: one timed run; T[KEY] keeps its wall time.
declare -A T
run() {
	local key=$1 name=$2 t
	shift 2
	drop
	$TIME -f "%e %M" -o time.txt "$@" >/dev/null 2>&1 || { echo "$name: failed"; cat time.txt; return 1; }
	read -r t rss <time.txt
	T[$key]=$t
	printf '%-48s %7.2f s %8.0f MB/s  peak RSS %6d KiB\n' "$name" "$t" \
		"$(echo "$SIZE / 1000000 / $t" | bc -l)" "$rss"
	rm -f out.*
}
# ratio A B: how many times faster A is than B (B's time / A's time).
ratio() {
	printf '  %-46s %6.2fx\n' "$1 vs $2" "$(echo "${T[$2]} / ${T[$1]}" | bc -l)"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB RAM, $(df -hT . | awk 'NR==2{print $2}') at $DIR," \
     "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $GIB GiB physmem.bin, $DENSE_MB MiB dense ($(du -m physmem.bin | cut -f1) MiB allocated)"
A=(assemble --elfcorehdr-addr $HDR_AT --memory physmem.bin@0 --no-progress)
run cat "cat physmem.bin > out" sh -c 'cat physmem.bin > out.cat'
run cfr "vmcorekit assemble (copy_file_range, sparse)" "$VMC" "${A[@]}" -o out.a
run rw "vmcorekit assemble --no-copy-range" "$VMC" "${A[@]}" --no-copy-range -o out.b
run dense "vmcorekit assemble --no-copy-range --no-sparse" "$VMC" "${A[@]}" --no-copy-range --no-sparse -o out.c
run catpipe "cat physmem.bin | cat > out (pipe)" sh -c 'cat physmem.bin | cat > out.e'
run pipe "vmcorekit assemble -o - | cat > out (splice)" sh -c "'$VMC' ${A[*]} -o - | cat > out.d"
run piperw "vmcorekit assemble --no-copy-range -o - | cat > out" sh -c "'$VMC' ${A[*]} --no-copy-range -o - | cat > out.f"
if command -v makedumpfile >/dev/null; then
	"$VMC" "${A[@]}" -o input.elf >/dev/null
	run mdf "makedumpfile -E -d 0 (ELF in, ELF out)" makedumpfile -E -d 0 input.elf out.m
	rm -f input.elf
fi
echo "ratios (same run; >1: the first is faster):"
ratio cfr cat
ratio rw cat
ratio dense cat
ratio pipe catpipe
ratio piperw catpipe
ratio pipe cat
[ -n "${T[mdf]:-}" ] && { ratio cfr mdf; ratio dense mdf; }
exit 0
