#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write the synthetic seeds of fuzz/fuzz_devdump.c into fuzz/seeds/devdump/.

    /usr/bin/python3 tests/data/devdump/make-fuzz-seeds.py [OUTDIR]

elf64le-dd.bin   ELF64 LE x86_64 vmcore laid out like makedumpfile -E
                 output (notes right after the program headers): an
                 NT_VMCOREDD note of one page (fs/proc/vmcore.c
                 vmcoredd_write_header), CORE/NT_PRSTATUS, VMCOREINFO; one
                 PT_LOAD of 256 bytes
elf32be-dd.bin   the same as ELF32 big-endian (EM_PPC)
notes-dd.bin     a bare note segment: two device dumps with the same name
                 and a VMCOREINFO note

kdump-real-dd.bin (not written here) is cut from a real makedumpfile -c
output of a 6.1 vmcore with device dumps: its 4096-byte disk_dump_header
block and kdump_sub_header, then the first device dump only (size_note
patched to 4096).  Deterministic; standard library only.
"""
import os
import struct
import sys


def note(o, name, ntype, desc, namesz=None):
    n = name.encode() + b"\0"
    if namesz:
        n = n.ljust(namesz, b"\0")
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack(o + "III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def vmcoredd(o, name, size, page=4096):
    """One device dump as vmcoredd_write_header writes it."""
    data_size = (64 + size + page - 1) // page * page
    payload = bytes((i * 7 + 1) & 0xff for i in range(size))
    desc = name.encode().ljust(44, b"\0") + payload
    desc = desc.ljust(data_size - 64 + 44, b"\0")
    return note(o, "LINUX", 0x700, desc, namesz=8)


def notes(o):
    pr = bytearray(336)
    struct.pack_into(o + "I", pr, 32, 1)
    return (vmcoredd(o, "nic0", 100) + note(o, "CORE", 1, bytes(pr)) +
            note(o, "VMCOREINFO", 0, b"OSRELEASE=6.12.0\nPAGESIZE=4096\n"))


def elf(o, cls64):
    n = notes(o)
    eh, ph = (64, 56) if cls64 else (52, 32)
    noff = eh + 2 * ph
    ident = b"\x7fELF" + bytes([2 if cls64 else 1, 1 if o == "<" else 2, 1,
                               0]) + bytes(8)
    machine = 62 if cls64 else 20
    if cls64:
        ehdr = ident + struct.pack(o + "HHIQQQIHHHHHH", 4, machine, 1, 0, eh,
                                   0, 0, eh, ph, 2, 0, 0, 0)
        phs = (struct.pack(o + "IIQQQQQQ", 4, 0, noff, 0, 0, len(n), len(n),
                           4) +
               struct.pack(o + "IIQQQQQQ", 1, 7, noff + len(n), 0, 0x1000,
                           256, 256, 0))
    else:
        ehdr = ident + struct.pack(o + "HHIIIIIHHHHHH", 4, machine, 1, 0, eh,
                                   0, 0, eh, ph, 2, 0, 0, 0)
        phs = (struct.pack(o + "IIIIIIII", 4, noff, 0, 0, len(n), len(n), 0,
                           4) +
               struct.pack(o + "IIIIIIII", 1, noff + len(n), 0, 0x1000, 256,
                           256, 7, 0))
    return ehdr + phs + n + bytes((i * 3) & 0xff for i in range(256))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "fuzz",
        "seeds", "devdump")
    os.makedirs(out, exist_ok=True)
    files = {
        "elf64le-dd.bin": elf("<", True),
        "elf32be-dd.bin": elf(">", False),
        "notes-dd.bin": (vmcoredd("<", "fw", 10) + vmcoredd("<", "fw", 3000) +
                         note("<", "VMCOREINFO", 0, b"PAGESIZE=4096\n")),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


main()
