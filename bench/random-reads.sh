#!/bin/bash
# SPDX-License-Identifier: MIT
# Random reads of a real capture's vmcore: vmcorekit's vmc_dump_read_at (the
# dump assembled on the fly from guest RAM + the real elfcorehdr) against
# pread of the real /proc/vmcore saved to a file, and against drgn and
# libkdumpfile reading the same physical pages from that file -- all in one
# run, on the same reads, files in the page cache.
#
#   bench/random-reads.sh [CAPTURE [N [SIZE]]]
#       CAPTURE  a scenario of tests/kernel/cache (default 612-file-1cpu)
#       N, SIZE  reads and bytes per read (default 100000, 4096)
#
# Needs the cache (make check-kernel) and build/libvmcorekit.a; drgn and
# libkdumpfile are Debian's (python3-drgn, python3-libkdumpfile) and are
# skipped when missing.  Results: docs/performance.md.
set -euo pipefail

CAP=${1:-612-file-1cpu}
N=${2:-100000}
SIZE=${3:-4096}
BUILD=${BUILD:-build}
CC=${CC:-cc}
CACHE=tests/kernel/cache/$CAP
CMDLINE=tests/kernel/captures/$CAP/kdump-cmdline
for f in "$CACHE/physmem.bin" "$CACHE/vmcore.bin" "$CMDLINE" "$BUILD/libvmcorekit.a"; do
	[[ -f $f ]] || { echo "random-reads: $f missing" >&2; exit 2; }
done
ADDR=$(grep -o 'elfcorehdr=[^ ]*' "$CMDLINE" | cut -d= -f2)
ADDR=${ADDR##*@}
$CC -std=c11 -O2 -Wall -Wextra -I include bench/random_reads.c \
	"$BUILD/libvmcorekit.a" -o "$BUILD/bench-random-reads"
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT
cat "$CACHE/physmem.bin" "$CACHE/vmcore.bin" >/dev/null	# into the cache

echo "# $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# capture $CAP: $(stat -c %s "$CACHE/physmem.bin") bytes of guest RAM, elfcorehdr=$ADDR"
"$BUILD/bench-random-reads" "$CACHE/physmem.bin" "$ADDR" "$CACHE/vmcore.bin" \
	"$N" "$SIZE" "$LIST" | tee "$LIST.out"

/usr/bin/python3 - "$CACHE/vmcore.bin" "$LIST" "$SIZE" "$LIST.out" <<'PY'
import os, sys, time
vmcore, listf, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
reads = [tuple(map(int, l.split())) for l in open(listf)]
res = {}
for line in open(sys.argv[4]):
    if "us/read" in line:
        res[line.split()[0]] = float(line.split()[1])
fd = os.open(vmcore, os.O_RDONLY)


def check(name, read):
    """The reader returns the vmcore's bytes (first 2000 reads)."""
    for off, pa in reads[:2000]:
        if bytes(read(pa)) != os.pread(fd, size, off):
            sys.exit("%s: bytes at paddr 0x%x differ from the vmcore" % (name, pa))


def best(read, key):
    b = 1e9
    for _ in range(3):
        t = time.perf_counter()
        for off, pa in reads:
            read(off if key else pa)
        b = min(b, time.perf_counter() - t)
    return b / len(reads) * 1e6


# Python's floor: os.pread of the same file offsets from Python.
res["python-pread"] = best(lambda off: os.pread(fd, size, off), True)
try:
    import drgn
    p = drgn.Program()
    p.set_core_dump(vmcore)
    rd = lambda pa: p.read(pa, size, True)
    check("drgn", rd)
    res["drgn"] = best(rd, False)
except ImportError:
    print("drgn: not installed (python3-drgn)")
try:
    import kdumpfile
    k = kdumpfile.kdumpfile(vmcore)
    # Machine physical addresses: no page-table translation needed.
    rk = lambda pa: k.read(kdumpfile.KDUMP_MACHPHYSADDR, pa, size)
    check("libkdumpfile", rk)
    res["libkdumpfile"] = best(rk, False)
except ImportError:
    print("libkdumpfile: not installed (python3-libkdumpfile)")

vmc = res["vmc_dump_read_at"]
names = {"vmc_dump_read_at": "vmcorekit `vmc_dump_read_at` (C)",
         "pread": "`pread` of the real vmcore (C)",
         "python-pread": "`os.pread` of the real vmcore (Python)",
         "drgn": "drgn `Program.read(physical=True)` (Python)",
         "libkdumpfile": "libkdumpfile `read(KDUMP_MACHPHYSADDR)` (Python)"}
print()
print("| reader | us per %d-byte read | / vmc_dump_read_at |" % size)
print("|---|---:|---:|")
for key in ["vmc_dump_read_at", "pread", "python-pread", "drgn", "libkdumpfile"]:
    if key in res:
        print("| %s | %.3f | %.2f |" % (names[key], res[key], res[key] / vmc))
PY
rm -f "$LIST.out"
