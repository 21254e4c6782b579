#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the tiny crashed machine of tests/data/devdump/.

    /usr/bin/python3 tests/data/devdump/make-tiny.py [OUTDIR]

elfcorehdr.bin  an ELF64 little-endian x86_64 elfcorehdr as kexec_file_load
                lays it out (p_offset == p_paddr): one PT_NOTE at 0x1000
                (p_memsz 0x400, as crash_notes reserves more than it uses)
                and two PT_LOADs, [0, 0x8000) and [0x10800, 0x13800)
                (unaligned, so the kernel rounds its window out to pages)
memory.bin      0x14000 bytes of "physical memory" from address 0: a
                byte pattern, with the notes at 0x1000: CORE/NT_PRSTATUS
                (336 zero bytes but pr_pid 1) and a VMCOREINFO note
                (OSRELEASE=6.12.0, PAGESIZE=4096), then a zero n_namesz

    vmcorekit assemble --elfcorehdr elfcorehdr.bin --memory memory.bin@0

gives a 0xe000-byte vmcore in milliseconds: the device-dump e2e test and
the fault-injection cases start from it.  Deterministic; standard library
only.
"""
import os
import struct
import sys


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    prstatus = bytearray(336)
    struct.pack_into("<I", prstatus, 32, 1)
    info = b"OSRELEASE=6.12.0\nPAGESIZE=4096\n"
    notes = note("CORE", 1, bytes(prstatus)) + note("VMCOREINFO", 0, info)
    mem = bytearray((i * 131 + (i >> 12)) & 0xff for i in range(0x14000))
    mem[0x1000:0x1400] = notes + bytes(0x400 - len(notes))
    ph = [(4, 0, 0x1000, 0, 0x1000, 0x400, 0x400, 0),
          (1, 7, 0, 0xffff888000000000, 0, 0x8000, 0x8000, 0),
          (1, 7, 0x10800, 0xffff888000010800, 0x10800, 0x3000, 0x3000, 0)]
    ehdr = (b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) +
            struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56,
                        len(ph), 0, 0, 0))
    hdr = ehdr + b"".join(struct.pack("<IIQQQQQQ", *p) for p in ph)
    hdr += bytes(-len(hdr) % 4096)
    with open(os.path.join(out, "elfcorehdr.bin"), "wb") as f:
        f.write(hdr)
    with open(os.path.join(out, "memory.bin"), "wb") as f:
        f.write(mem)


main()
