#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Seeds for the kdump-compressed fuzz targets, cut from real makedumpfile
output (any -c or -l file of a real vmcore, LP64 little-endian):

  make-fuzz-seeds.py ZLIB.kdump LZO.kdump OUTDIR

writes OUTDIR/diskdump_header/*, diskdump_bitmap/*, diskdump_desc/*,
diskdump_decompress/*.  Each kdump seed is a small file in the real layout:
the real header block and sub-header blocks (notes, VMCOREINFO) with
max_mapnr cut to 64, both bitmaps, and the descriptors and compressed data
of eight real pages.  Variants: big-endian (every header, note header and
descriptor field swapped), i386 (the ILP32 header and sub-header layout),
flattened (makedumpfile -F records, one overlapping record).
Layouts: makedumpfile diskdump_mod.h; see src/diskdump/header.c.
"""
import os
import struct
import subprocess
import sys
import zlib

BS = 4096
NPFN = 64


def u32(b, o, e='<'):
    return struct.unpack_from(e + 'I', b, o)[0]


def u64(b, o, e='<'):
    return struct.unpack_from(e + 'Q', b, o)[0]


def real_pages(f, n):
    """(flags, data) of the first n kept pages with data of their own."""
    sub = u32(f, 432)
    bmb = u32(f, 436)
    desc = (1 + sub + bmb) * BS
    out = []
    i = 0
    while len(out) < n:
        off, size, flags, _ = struct.unpack_from('<qIIQ', f, desc + 24 * i)
        i += 1
        if flags:
            out.append((flags, f[off:off + size]))
    return out


def mini(f, pages, order='<'):
    """A small LP64 kdump file in @order from real header blocks."""
    sub = u32(f, 432)
    head = bytearray(f[:BS])
    subb = bytearray(f[BS:(1 + sub) * BS])
    struct.pack_into('<I', head, 436, 2)          # bitmap_blocks
    struct.pack_into('<I', head, 440, NPFN)       # max_mapnr
    struct.pack_into('<Q', subb, 96, NPFN)        # max_mapnr_64
    ram = bytearray(BS)
    ram[:NPFN // 8] = b'\xff' * (NPFN // 8)
    kept = bytearray(BS)
    kept[0] = 0xff                                # pfns 0-7
    descs = bytearray()
    data = bytearray(b'\0' * BS)                  # pd_zero first
    dstart = (1 + sub + 2) * BS + 24 * len(pages)
    for flags, d in pages:
        descs += struct.pack(order + 'qIIQ', dstart + len(data), len(d),
                             flags, 0)
        data += d
    if order == '>':
        swap_header(head, subb)
    return bytes(head + subb + ram + kept + descs + data)


def swap_header(head, subb):
    for o in (8,) + tuple(range(424, 464, 4)):
        struct.pack_into('>I', head, o, u32(head, o))
    for o in (408, 416):
        struct.pack_into('>Q', head, o, u64(head, o))
    struct.pack_into('>Q', subb, 0, u64(subb, 0))
    for o in (8, 12):
        struct.pack_into('>I', subb, o, u32(subb, o))
    for o in range(16, 104, 8):
        struct.pack_into('>Q', subb, o, u64(subb, o))
    # note headers (namesz, descsz, type) in the note segment
    off = u64(subb, 48, '>') - BS
    end = off + u64(subb, 56, '>')
    while off + 12 <= end:
        nsz, dsz, typ = struct.unpack_from('<III', subb, off)
        if nsz == 0:
            break
        struct.pack_into('>III', subb, off, nsz, dsz, typ)
        off += 12 + (nsz + 3) // 4 * 4 + (dsz + 3) // 4 * 4
    head[272:272 + 65] = b's390x'.ljust(65, b'\0')


def i386(f):
    """The ILP32 (i386) layout of @f's LP64 header and sub-header."""
    f = bytearray(f)
    h = bytes(f[:464])
    s = bytes(f[BS:BS + 104])
    nh = bytearray(h[:404])
    nh[272:272 + 65] = b'i686'.ljust(65, b'\0')
    nh += struct.pack('<ii', u64(h, 408), u64(h, 416))
    nh += h[424:464]
    ns = struct.pack('<IiiII', u64(s, 0), u32(s, 8), u32(s, 12), u64(s, 16),
                     u64(s, 24))
    ns += struct.pack('<QIQIQI', u64(s, 32), u64(s, 40), u64(s, 48),
                      u64(s, 56), u64(s, 64), u64(s, 72))
    ns += struct.pack('<QQQ', u64(s, 80), u64(s, 88), u64(s, 96))
    f[:BS] = bytes(nh).ljust(BS, b'\0')
    f[BS:BS + 104] = ns.ljust(104, b'\0')
    return bytes(f)


def flat(f):
    out = bytearray(b'makedumpfile'.ljust(16, b'\0'))
    out += struct.pack('>qq', 1, 1)
    out = out.ljust(BS, b'\0')
    for o in range(0, len(f), 3000):
        chunk = f[o:o + 3000]
        out += struct.pack('>qq', o, len(chunk)) + chunk
    out += struct.pack('>qq', 0, 16) + f[:16]     # a rewrite, later wins
    out += struct.pack('>qq', -1, -1)
    return bytes(out)


def snappy_literal(page):
    # raw snappy: varint length, one literal of len(page) (tag 61 << 2 +
    # 2 bytes of length - 1)
    n = len(page)
    return bytes([0x80 | (n & 0x7f), n >> 7, 0xf4]) + \
        struct.pack('<H', n - 1) + page


def main():
    zf = open(sys.argv[1], 'rb').read()
    lf = open(sys.argv[2], 'rb').read()
    out = sys.argv[3]
    for d in ('diskdump_header', 'diskdump_bitmap', 'diskdump_desc',
              'diskdump_decompress'):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    def w(d, name, b):
        with open(os.path.join(out, d, name), 'wb') as fh:
            fh.write(b)

    zp = real_pages(zf, 4)
    lp = real_pages(lf, 4)
    le = mini(zf, zp + lp)
    w('diskdump_header', 'le-zlib-lzo.kdump', le)
    w('diskdump_header', 'be-s390x.kdump', mini(zf, zp + lp, '>'))
    w('diskdump_header', 'i386.kdump', i386(le))
    w('diskdump_header', 'flat.kdump', flat(le))
    w('diskdump_bitmap', 'mixed', struct.pack('<Q', 0x1_0008_0010_0040) +
      bytes(range(256)) * 16)
    w('diskdump_bitmap', 'split', struct.pack('<Q', 0x1_0100_0010_0800) +
      b'\xff\x0f\xf0\x55' * 2048)
    sub = u32(le, 432)
    w('diskdump_desc', 'real', b'\0' + le[(1 + sub + 2) * BS:])
    page = zlib.decompress(zp[0][1])
    w('diskdump_decompress', 'zlib', b'\x01' + zp[0][1])
    w('diskdump_decompress', 'lzo', b'\x02' + lp[0][1])
    w('diskdump_decompress', 'snappy', b'\x03' + snappy_literal(page))
    zs = subprocess.run(['zstd', '-1', '-c', '--no-check'], input=page,
                        capture_output=True, check=True).stdout
    w('diskdump_decompress', 'zstd', b'\x24' + zs)
    w('diskdump_decompress', 'stored', b'\x00' + page)


main()
