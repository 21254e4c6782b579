#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Which folios hold a file's page cache, and where they sit in RAM.

usage (root): bench/page-folios.py FILE [OFFSET_MIB [LENGTH_MIB]]

Maps [OFFSET, OFFSET+LENGTH) of FILE (default 16 MiB at 0), touches every
page (a page-cache hit maps the cached page; a miss reads it in first),
then looks each page's PFN up in /proc/self/pagemap and its flags in
/proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst: bit 63 of a
pagemap entry is "present", bits 0-54 the PFN; kpageflags bit 15 is
COMPOUND_HEAD, 16 COMPOUND_TAIL).  Prints how many pages are order-0 and
how many belong to large folios, how many follow the previous page
physically, and how many distinct 2 MiB physical regions they touch.
docs/performance.md ("Where the warm gap comes from") uses it on a FUSE
mount's vmcore and on the ext4 and tmpfs files it is compared with.
"""
import mmap
import os
import struct
import sys

PAGE = 4096


def main():
    path = sys.argv[1]
    off = int(sys.argv[2]) << 20 if len(sys.argv) > 2 else 0
    length = (int(sys.argv[3]) if len(sys.argv) > 3 else 16) << 20
    fd = os.open(path, os.O_RDONLY)
    m = mmap.mmap(fd, length, mmap.MAP_SHARED, mmap.PROT_READ, offset=off)
    for i in range(0, length, PAGE):
        m[i]
    real = os.path.realpath(path)
    addr = None
    with open("/proc/self/maps") as maps:
        for line in maps:
            f = line.split()
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            if len(f) >= 6 and f[5] == real and int(f[2], 16) == off \
                    and hi - lo == length:
                addr = lo
    if addr is None:
        sys.exit("page-folios: the mapping of %s is not in /proc/self/maps" % path)
    pm = os.open("/proc/self/pagemap", os.O_RDONLY)
    kf = os.open("/proc/kpageflags", os.O_RDONLY)
    small = heads = tails = absent = nextto = 0
    prev = None
    regions = set()
    for i in range(length // PAGE):
        e, = struct.unpack("<Q", os.pread(pm, 8, (addr // PAGE + i) * 8))
        if not e >> 63 & 1:
            absent += 1
            continue
        pfn = e & ((1 << 55) - 1)
        flags, = struct.unpack("<Q", os.pread(kf, 8, pfn * 8))
        if flags >> 15 & 1:
            heads += 1
        elif flags >> 16 & 1:
            tails += 1
        else:
            small += 1
        nextto += prev is not None and pfn == prev + 1
        prev = pfn
        regions.add(pfn >> 9)
    print("%s [%d MiB +%d MiB]: %d pages: order-0 %d, large-folio heads %d, "
          "tails %d, not present %d; next to the previous page physically %d; "
          "2 MiB physical regions %d" %
          (path, off >> 20, length >> 20, length // PAGE, small, heads, tails,
           absent, nextto, len(regions)))


main()
