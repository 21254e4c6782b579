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
echo "# Python: the same reads, the readers alternating read by read (each on another page), medians"

/usr/bin/python3 - "$CACHE/vmcore.bin" "$LIST" "$SIZE" "$LIST.out" \
	"$BUILD/libvmcorekit.so" "$CACHE/physmem.bin" "$ADDR" <<'PY'
import ctypes, os, statistics, sys, time
vmcore, listf, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
libpath, physmem, hdr_addr = sys.argv[5], sys.argv[6], int(sys.argv[7], 0)
reads = [tuple(map(int, l.split())) for l in open(listf)]
c_res = {}
for line in open(sys.argv[4]):
    if "us/read" in line:
        c_res[line.split()[0]] = float(line.split()[1])
fd = os.open(vmcore, os.O_RDONLY)

# vmcorekit through ctypes, so it pays the same Python call overhead.
lib = ctypes.CDLL(os.path.abspath(libpath))
err = ctypes.create_string_buffer(264)          # sizeof(vmc_error)
class Opts(ctypes.Structure):                   # struct vmc_dump_opts
    _fields_ = [("version", ctypes.c_uint), ("page_size", ctypes.c_uint64),
                ("lenient", ctypes.c_bool), ("machine", ctypes.c_uint16),
                ("have_note_align", ctypes.c_bool), ("note_align", ctypes.c_uint64)]
P = ctypes.c_void_p
pm, src, hs, dump = P(), P(), P(), P()
lib.vmc_source_size.restype = ctypes.c_uint64
lib.vmc_source_size.argtypes = [P]
lib.vmc_source_fd.argtypes = [P]
lib.vmc_physmem_map.argtypes = [P, ctypes.c_uint64, ctypes.c_uint64, P,
                                ctypes.c_uint64, ctypes.c_int, P]
lib.vmc_hdr_source_new_oldmem.argtypes = [P, P, ctypes.c_uint64, P]
lib.vmc_dump_read_at.argtypes = [P, ctypes.c_uint64, P, ctypes.c_size_t, P]
opts = Opts(version=1)
if (lib.vmc_physmem_new(ctypes.byref(pm), err) or
        lib.vmc_source_open_file(ctypes.byref(src), physmem.encode(), err) or
        lib.vmc_physmem_own(pm, src, err) or
        lib.vmc_physmem_map(pm, 0, lib.vmc_source_size(src), src, 0,
                            lib.vmc_source_fd(src), err) or
        lib.vmc_hdr_source_new_oldmem(ctypes.byref(hs), pm, hdr_addr, err) or
        lib.vmc_dump_open(ctypes.byref(dump), hs, pm, ctypes.byref(opts), err)):
    sys.exit("vmcorekit: " + err.raw[8:].split(b"\0")[0].decode())
buf = ctypes.create_string_buffer(size)
readers = {"vmc-ctypes": lambda off, pa: lib.vmc_dump_read_at(dump, off, buf, size, None),
           "python-pread": lambda off, pa: os.pread(fd, size, off)}
try:
    import drgn
    prog = drgn.Program()
    prog.set_core_dump(vmcore)
    readers["drgn"] = lambda off, pa: prog.read(pa, size, True)
except ImportError:
    print("drgn: not installed (python3-drgn)")
try:
    import kdumpfile
    kd = kdumpfile.kdumpfile(vmcore)
    # Machine physical addresses: no page-table translation needed.
    readers["libkdumpfile"] = lambda off, pa: kd.read(kdumpfile.KDUMP_MACHPHYSADDR, pa, size)
except ImportError:
    print("libkdumpfile: not installed (python3-libkdumpfile)")

for off, pa in reads[:2000]:                    # every reader: the same bytes
    want = os.pread(fd, size, off)
    lib.vmc_dump_read_at(dump, off, buf, size, None)
    got = {"vmc-ctypes": buf.raw}
    for name in ("drgn", "libkdumpfile"):
        if name in readers:
            got[name] = bytes(readers[name](off, pa))
    for name, b in got.items():
        if b != want:
            sys.exit("%s: bytes at paddr 0x%x differ from the vmcore" % (name, pa))

times = {name: [] for name in readers}
clock = time.perf_counter
n = len(reads)
# Reader j takes read (k + j*n/len) at step k: the readers alternate, so
# they see the same load, but never the page another one just pulled into
# the CPU caches.
rot = {name: j * n // len(readers) for j, name in enumerate(readers)}
for rnd in range(2):                            # round 0 warms up
    for k in range(n):
        for name, rd in readers.items():
            off, pa = reads[(k + rot[name]) % n]
            t = clock()
            rd(off, pa)
            if rnd:
                times[name].append(clock() - t)
res = {name: statistics.median(v) * 1e6 for name, v in times.items()}

print()
print("| reader | us per %d-byte read (median) | / vmcorekit |" % size)
print("|---|---:|---:|")
rows = [("C", "vmcorekit `vmc_dump_read_at`", c_res.get("vmc_dump_read_at")),
        ("C", "`pread` of the real vmcore", c_res.get("pread")),
        ("C", "`pread` of the guest-RAM image (the floor)", c_res.get("image-pread"))]
vmc_c = c_res["vmc_dump_read_at"]
for lang, label, us in rows:
    print("| %s (%s) | %.3f | %.2f |" % (label, lang, us, us / vmc_c))
vmc_py = res["vmc-ctypes"]
labels = {"vmc-ctypes": "vmcorekit `vmc_dump_read_at` via ctypes",
          "python-pread": "`os.pread` of the real vmcore",
          "drgn": "drgn `Program.read(physical=True)`",
          "libkdumpfile": "libkdumpfile `read(KDUMP_MACHPHYSADDR)`"}
for name in ("vmc-ctypes", "python-pread", "drgn", "libkdumpfile"):
    if name in res:
        print("| %s (Python) | %.3f | %.2f |" % (labels[name], res[name], res[name] / vmc_py))
PY
rm -f "$LIST.out"
