#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reading every page makedumpfile kept in a kdump-compressed file:
# vmcorekit (vmc_diskdump_read_page) against libkdumpfile (kdumpfile.read,
# the library crash-python and drgn use), same pages, same run, warm cache.
#   bench/diskdump-read.sh [BUILD] [VMCORE]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$ROOT/build}
V=${2:-$ROOT/tests/kernel/cache/612-file-5g/vmcore.bin}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for opt in l c; do
	makedumpfile -$opt -d 1 "$V" "$T/d-$opt" >/dev/null 2>&1
	cat "$T/d-$opt" > /dev/null
	"$B/tests/diskdump_pages" "$T/d-$opt" --list > "$T/pfns" 2> "$T/vmc.txt"
	/usr/bin/python3 - "$T/d-$opt" "$T/pfns" <<'PY' > "$T/lkf.txt"
import sys, time, kdumpfile
k = kdumpfile.kdumpfile(sys.argv[1])
pfns = [int(x) for x in open(sys.argv[2])]
ps = 4096
t = time.monotonic()
for p in pfns:
    k.read(kdumpfile.KDUMP_MACHPHYSADDR, p * ps, ps)
t = time.monotonic() - t
print("libkdumpfile: %d pages in %.3f s, %.1f MiB/s" % (len(pfns), t, len(pfns) * ps / t / 2**20))
PY
	echo "makedumpfile -$opt -d 1 of $(basename "$(dirname "$V")"): $(stat -c %s "$T/d-$opt") bytes"
	echo "  $(cat "$T/vmc.txt")"
	echo "  $(cat "$T/lkf.txt")"
done
