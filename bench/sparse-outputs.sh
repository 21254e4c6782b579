#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 14's memory and disk bounds, against the real alternatives in the
# same run:
#
#   build --capacity 16G   the header, then 16 GiB of padding written as a
#                          hole (vmc_outfile_pad).  Compared with
#                          `truncate -s 16G` (the floor: a sparse file) and
#                          `fallocate -l 16G` (blocks reserved, nothing
#                          written); the dense write the padding used to be
#                          is timed at 1 GiB (dd of /dev/zero) and the
#                          16 GiB figure extrapolated from it (writing 16
#                          real GiB on a shared disk would be the bench).
#   devdump add, 1 GiB     a 1 GiB device dump (random bytes, so no holes
#                          help) added to a small vmcore: the dump streams
#                          from its file (a FILE extent), so the peak RSS
#                          stays near the 4 MiB copy buffer.  Compared with
#                          `cp` of the dump (the floor for moving the bytes)
#                          and with the same dump from a collector command
#                          (NAME=exec:cat FILE: spooled to an unlinked
#                          temporary file, never held in memory).
#
# Prints seconds, allocated KiB (du) and peak RSS (GNU time %M).
# usage: bench/sparse-outputs.sh   (BENCH_DIR for the outputs, default
#                                   /var/tmp/vmc-bench-sparse; ~2.2 GB free)
set -eu
VMC=$(readlink -f "${VMC:-build/cli/vmcorekit}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/var/tmp/vmc-bench-sparse}
TIME=/usr/bin/time
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(df -hT . | awk 'NR==2{print $2}') at $DIR, kernel $(uname -r)," \
     "load $(cut -d' ' -f1-3 /proc/loadavg)"
# timed NAME CMD...: "NAME  S s  peak RSS K KiB" (best of two rounds)
declare -A secs rss
timed() {
	local name=$1 t r
	shift
	for round in 1 2; do
		rm -f out
		$TIME -f "%e %M" -o time.txt "$@" >/dev/null 2>err.txt ||
			{ echo "$name: failed: $(head -2 err.txt)"; exit 1; }
		read -r t r <time.txt
		if [ -z "${secs[$name]:-}" ] || [ "$(echo "$t < ${secs[$name]}" | bc)" = 1 ]; then
			secs[$name]=$t
			rss[$name]=$r
		fi
	done
	printf '%-44s %8.3f s  %10s KiB allocated  peak RSS %8d KiB\n' "$name" \
		"${secs[$name]}" "$(du -k out 2>/dev/null | cut -f1)" "${rss[$name]}"
}

echo "--- build --capacity 16G (sysroot: tests/kernel/captures/612-hotplug) ---"
timed "vmcorekit build --capacity 16G" "$VMC" build \
	--sysroot "$ROOT/tests/kernel/captures/612-hotplug/sysroot" --capacity 16G -o out
"$VMC" build --sysroot "$ROOT/tests/kernel/captures/612-hotplug/sysroot" --capacity 16G -o out >/dev/null
echo "  output: $(stat -c %s out) bytes, $(( $(stat -c %b out) * $(stat -c %B out) )) allocated"
timed "truncate -s 16G (sparse floor)" truncate -s 16G out
timed "fallocate -l 16G (blocks, no writes)" sh -c 'fallocate -l 16G out || exit 0'
timed "dd 1 GiB of zeros (the old dense padding)" dd if=/dev/zero of=out bs=1M count=1024
dense=$(echo "${secs[dd 1 GiB of zeros (the old dense padding)]} * 16" | bc -l)
printf '  16 GiB dense, extrapolated: %.1f s; vmcorekit is %.0fx faster, %.2fx truncate\n' \
	"$dense" "$(echo "$dense / ${secs[vmcorekit build --capacity 16G]}" | bc -l)" \
	"$(echo "${secs[vmcorekit build --capacity 16G]} / ${secs[truncate -s 16G (sparse floor)]}" | bc -l)"
rm -f out

echo "--- devdump add of a 1 GiB dump ---"
head -c $((1 << 30)) /dev/urandom >dump.bin
printf '0x100000+1M\n' >ranges.txt
/usr/bin/python3 - mem.bin <<'PY'
import os, struct, sys
note = struct.pack("<III", 5, 336, 1) + b"CORE\0\0\0\0" + bytes(336)
mem = bytearray(os.urandom(4 << 20))
mem[0x300000:0x300000 + len(note)] = note
open(sys.argv[1], "wb").write(mem)
PY
"$VMC" build --ranges ranges.txt --profile generic --no-kernel-text \
	--cpu-note 0x300000:$((12 + 8 + 336)) -o hdr.bin >/dev/null
"$VMC" assemble --elfcorehdr hdr.bin --memory mem.bin@0 --no-progress -o core.bin >/dev/null
timed "cp dump.bin out (moving the bytes)" cp --reflink=never dump.bin out
timed "vmcorekit devdump add core nic=dump.bin" "$VMC" devdump add core.bin \
	nic=dump.bin --device-dump-max 2G --no-progress -o out
timed "vmcorekit devdump add core nic=exec:cat" "$VMC" devdump add core.bin \
	"nic=exec:cat dump.bin" --device-dump-max 2G --no-progress -o out
"$VMC" devdump add core.bin nic=dump.bin --device-dump-max 2G --no-progress -o out >/dev/null
"$VMC" devdump extract out nic -o - | cmp -n $((1 << 30)) - dump.bin && echo "  extracted payload identical to dump.bin (then the page padding)"
printf '  peak RSS: %.1f MiB (file), %.1f MiB (collector); cp %.1f MiB; the dump is 1024 MiB\n' \
	"$(echo "${rss[vmcorekit devdump add core nic=dump.bin]} / 1024" | bc -l)" \
	"$(echo "${rss[vmcorekit devdump add core nic=exec:cat]} / 1024" | bc -l)" \
	"$(echo "${rss[cp dump.bin out (moving the bytes)]} / 1024" | bc -l)"
