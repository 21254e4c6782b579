#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Synthetic s390x zfcpdump inputs for tests/e2e/run-zfcpdump.sh.

    zfcpdump-fixture.py DIR [--vx] [--no-os-info-vmci] [--nokaslr] [--small]

Writes into DIR:
  mem.bin       the crashed system's memory as it is now: 4 MiB, byte at
                physical address A is (A >> 8) & 0xff, except where the
                dump kernel overwrote the low part (the "zfcpdump kernel"
                pattern 0xee in [0, HSA)), and the os_info page and the
                VMCOREINFO data above the HSA
  hsa.bin       what the firmware saved of [0, HSA = 1 MiB): byte at A is
                ((A >> 8) & 0xff) ^ 0xa5, with the absolute lowcore (boot
                CPU save area at 0x1200, os_info pointer at 0xe18, the
                VMCOREINFO note pointer at 0xe0c) and the note itself
  sa/cpu1, sa/cpu2  store-status save areas (512 bytes), cpu2 with prefix 0
  sa/cpuN.vx    vector save areas with --vx (N = 0, 1, 2)
  expect.txt    KEY=VALUE lines the test compares against

--small shrinks everything (16 KiB HSA, 64 KiB memory) for the fault
injection cases, which run the command hundreds of times.

The layouts are docs/formats.md "s390 zfcpdump"; the values are chosen so
that every register differs from every other.
"""
import os
import struct
import sys

MIB = 1 << 20
HSA = 1 * MIB
MEM = 4 * MIB
OS_INFO = 0x200000          # in memory, above the HSA
VMCI_OS = 0x201000          # os_info entry 0 data, in memory
VMCI_NOTE = 0x3000          # the lowcore's note, in the HSA
KASLR = 0x3e00000
IDENTITY_BASE = 0x100000000000
IMAGE_START, IMAGE_END, IMAGE_PHYS = 0x3ffe0000000, 0x3ffe0100000, 0x100000

VMCOREINFO = (b"OSRELEASE=6.12.0-zfcp\nPAGESIZE=4096\n"
              b"SYMBOL(lowcore_ptr)=1c8e3a0\nKERNELOFFSET=3e00000\n")


def cksm(data, s=0):
    """CKSM: 32-bit big-endian words, end-around carry, zero-padded."""
    data = data + b"\0" * (-len(data) % 4)
    for (w,) in struct.iter_unpack(">I", data):
        s += w
        s = (s & 0xffffffff) + (s >> 32)
    return s


def regs(cpu):
    """Register values of one CPU, all distinct."""
    c = cpu + 1
    return dict(
        fprs=[0x4000000000000000 | c << 48 | i << 8 | 0xf for i in range(16)],
        gprs=[c << 56 | 0x1000 * c + i for i in range(16)],
        psw=[0x0704c00180000000 + c, 0x3ffe0012340 + 0x100 * c],
        prefix=0 if cpu == 2 else 0x7fe000 - 0x2000 * cpu,
        fpc=0x8000000 | c,
        todpreg=0xabc0 + c,
        timer=0x7fffffff00000000 + c,
        todcmp=0xd9a1b2c300000000 + c,
        acrs=[(c << 24) | 0x100 + i for i in range(16)],
        ctrs=[0x00a0000000000000 | c << 32 | i for i in range(16)])


def save_area(r):
    """The 512-byte store-status save area (lowcore 0x1200-0x13ff)."""
    b = bytearray(512)
    struct.pack_into(">16Q", b, 0x000, *r["fprs"])
    struct.pack_into(">16Q", b, 0x080, *r["gprs"])
    struct.pack_into(">2Q", b, 0x100, *r["psw"])
    struct.pack_into(">I", b, 0x118, r["prefix"])
    struct.pack_into(">I", b, 0x11c, r["fpc"])
    struct.pack_into(">I", b, 0x124, r["todpreg"])
    struct.pack_into(">Q", b, 0x128, r["timer"])
    struct.pack_into(">Q", b, 0x130, r["todcmp"])
    struct.pack_into(">Q", b, 0x138, 0xbad0bad0bad0bad0)  # last break: unused
    struct.pack_into(">16I", b, 0x140, *r["acrs"])
    struct.pack_into(">16Q", b, 0x180, *r["ctrs"])
    return bytes(b)


def vx_area(cpu):
    """V0..V31, 16 bytes each: left half 0xV<reg>..., right half per CPU."""
    b = bytearray(512)
    for v in range(32):
        struct.pack_into(">QQ", b, 16 * v, 0x5600000000000000 | v << 40 | cpu,
                         0x7700000000000000 | cpu << 40 | v)
    return bytes(b)


def os_info_page(with_vmci):
    b = bytearray(4096)
    entries = {4: (IDENTITY_BASE, 0, 0), 5: (KASLR, 0, 0),
               10: (IMAGE_START, 0, 0), 11: (IMAGE_END, 0, 0),
               12: (IMAGE_PHYS, 0, 0)}
    if with_vmci:
        entries[0] = (VMCI_OS, len(VMCOREINFO_OS), cksm(VMCOREINFO_OS))
    if not KASLR_ON:
        entries[5] = (0, 0, 0)
    struct.pack_into(">QIHHQQ", b, 0, 0x4f53494e464f535a, 0, 1, 1, 0, 0)
    for nr, (addr, size, cs) in entries.items():
        struct.pack_into(">QQI", b, 0x20 + 20 * nr, addr, size, cs)
    struct.pack_into(">I", b, 8, cksm(bytes(b[12:])))
    return bytes(b)


def small():
    """Sizes for tests/faults: same structure, 64 KiB in all."""
    global HSA, MEM, OS_INFO, VMCI_OS, IMAGE_END, IMAGE_PHYS
    HSA, MEM = 0x4000, 0x10000
    OS_INFO, VMCI_OS = 0x8000, 0x9000
    IMAGE_END, IMAGE_PHYS = IMAGE_START + 0x2000, 0xa000


def main():
    global KASLR_ON, VMCOREINFO_OS
    out = sys.argv[1]
    if "--small" in sys.argv:
        small()
    vx = "--vx" in sys.argv
    no_vmci = "--no-vmci" in sys.argv     # neither os_info nor lowcore
    with_vmci = "--no-os-info-vmci" not in sys.argv and not no_vmci
    KASLR_ON = "--nokaslr" not in sys.argv
    VMCOREINFO_OS = VMCOREINFO + b"FROM=os_info\n"
    os.makedirs(out + "/sa", exist_ok=True)

    mem = bytearray(MEM)
    row = bytes(((a >> 8) & 0xff) for a in range(0, 65536))
    for a in range(0, MEM, 65536):
        mem[a:a + 65536] = row[:MEM - a]
    mem[0:HSA] = b"\xee" * HSA      # the dump kernel's own memory now
    mem[OS_INFO:OS_INFO + 4096] = os_info_page(with_vmci)
    mem[VMCI_OS:VMCI_OS + len(VMCOREINFO_OS)] = VMCOREINFO_OS

    hsa = (bytearray(b ^ 0xa5 for b in row) * (1 + HSA // 65536))[:HSA]
    hsa[0:0x2000] = bytes(0x2000)   # the absolute lowcore
    struct.pack_into(">Q", hsa, 0xe18, OS_INFO)
    struct.pack_into(">Q", hsa, 0xe0c, 0 if no_vmci else VMCI_NOTE)
    hsa[0x1200:0x1400] = save_area(regs(0))
    desc = VMCOREINFO + b"FROM=lowcore\n"
    note = struct.pack(">III", 11, len(desc), 0) + b"VMCOREINFO\0\0" + desc
    hsa[VMCI_NOTE:VMCI_NOTE + len(note)] = note
    # The memory image's stale lowcore points elsewhere: reading it instead
    # of the HSA would find no os_info.
    struct.pack_into(">Q", mem, 0xe18, 0)

    open(out + "/mem.bin", "wb").write(mem)
    open(out + "/hsa.bin", "wb").write(hsa)
    for cpu in (1, 2):
        open(f"{out}/sa/cpu{cpu}", "wb").write(save_area(regs(cpu)))
    for cpu in range(3):
        p = f"{out}/sa/cpu{cpu}.vx"
        if vx:
            open(p, "wb").write(vx_area(cpu))
        elif os.path.exists(p):
            os.unlink(p)

    with open(out + "/expect.txt", "w") as f:
        pid = 0
        for cpu in range(3):
            r = regs(cpu)
            if not r["prefix"]:
                continue
            pid += 1
            f.write(f"cpu{pid}.index={cpu}\n")
            f.write(f"cpu{pid}.psw_mask={r['psw'][0]:#x}\n")
            f.write(f"cpu{pid}.psw_addr={r['psw'][1]:#x}\n")
            for i in range(16):
                f.write(f"cpu{pid}.r{i}={r['gprs'][i]:#x}\n")
                f.write(f"cpu{pid}.a{i}={r['acrs'][i]:#x}\n")
                f.write(f"cpu{pid}.f{i}={r['fprs'][i]:#x}\n")
                f.write(f"cpu{pid}.c{i}={r['ctrs'][i]:#x}\n")
            f.write(f"cpu{pid}.fpc={r['fpc']:#x}\n")
            f.write(f"cpu{pid}.prefix={r['prefix']:#x}\n")
            f.write(f"cpu{pid}.timer={r['timer']:#x}\n")
            f.write(f"cpu{pid}.todcmp={r['todcmp']:#x}\n")
            f.write(f"cpu{pid}.todpreg={r['todpreg']:#x}\n")
        f.write(f"hsa_size={HSA}\nmem_size={MEM}\n")
        f.write(f"identity_base={IDENTITY_BASE:#x}\n")
        f.write(f"image_start={IMAGE_START:#x}\nimage_end={IMAGE_END:#x}\n")
        f.write(f"image_phys={IMAGE_PHYS:#x}\n")


if __name__ == "__main__":
    main()
