#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A small, sparse physical-memory image for the assemble fault cases:

    0x100000 +64K  RAM, pseudo-random bytes
    0x200000 +96K  RAM: 32K of bytes, then a 64K hole (sparse)
    0x300000       a CORE/NT_PRSTATUS note (x86_64 desc size), terminator
    0x301000       a VMCOREINFO note, terminator

make-memory.py OUT [--small] [--header-at ADDR VMCOREKIT]: also build the
matching elfcorehdr with VMCOREKIT (generic profile) and place it at ADDR,
as a loader leaves it in old memory for elfcorehdr=ADDR.  --small: RAM
0x100000 +16K and 0x200000 +32K (16K of bytes, a 16K hole), so the whole
vmcore (56 KiB) fits a pipe's default 64 KiB: splice and vmsplice into a
pipe that never fills transfer everything at once, and the number of calls
does not depend on how fast the reader is.
"""
import random
import struct
import subprocess
import sys
import tempfile

RANGES = {False: "0x100000+64K\n0x200000+96K\n",
          True: "0x100000+16K\n0x200000+32K\n"}


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def header(vmcorekit, small):
    with tempfile.TemporaryDirectory() as d:
        open(d + "/ranges", "w").write(RANGES[small])
        subprocess.run([vmcorekit, "build", "--ranges", d + "/ranges",
                        "--profile", "generic", "--cpu-note", "0x300000:0x170",
                        "--vmcoreinfo", "0x301000:0x100", "--no-kernel-text",
                        "-o", d + "/hdr"], check=True, stdout=subprocess.DEVNULL)
        return open(d + "/hdr", "rb").read()


def main(argv):
    r = random.Random(7)
    small = "--small" in argv
    argv = [a for a in argv if a != "--small"]
    with open(argv[1], "wb") as f:
        f.truncate(0x302000)
        f.seek(0x100000)
        f.write(bytes(r.getrandbits(8) for _ in range(0x4000 if small else 0x10000)))
        f.seek(0x200000)
        f.write(bytes(r.getrandbits(8) for _ in range(0x4000 if small else 0x8000)))
        f.seek(0x300000)
        f.write(note("CORE", 1, bytes(336)) + bytes(12))
        f.seek(0x301000)
        f.write(note("VMCOREINFO", 0, b"OSRELEASE=6.12.0\nPAGESIZE=4096\n") + bytes(12))
        if len(argv) == 5 and argv[2] == "--header-at":
            f.seek(int(argv[3], 0))
            f.write(header(argv[4], small))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
