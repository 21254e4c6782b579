#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Regenerate the seed corpora of the fuzz targets (fuzz/seeds/NAME/) from
the committed real-kernel captures (tests/kernel/captures), the assemble
fixtures (tests/data/assemble) and the malformed corpus (tests/data/malformed).
Deterministic; standard library only.  Run from anywhere:

    /usr/bin/python3 fuzz/seeds/make-seeds.py

Only the seeds of the targets listed here are rewritten; other engineers'
targets keep their own hand-made seeds beside them.
"""
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
CAPS = os.path.join(ROOT, "tests", "kernel", "captures")
MALFORMED = os.path.join(ROOT, "tests", "data", "malformed")
ASM = os.path.join(ROOT, "tests", "data", "assemble")


def cap(name, *rel):
    return os.path.join(CAPS, name, *rel)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def out(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def reset(target):
    shutil.rmtree(os.path.join(SEEDS, target), ignore_errors=True)


def phdrs(elf):
    """(type, offset, vaddr, paddr, filesz, memsz) of an ELF64 LE file."""
    phoff, = struct.unpack_from("<Q", elf, 32)
    entsz, phnum = struct.unpack_from("<HH", elf, 54)
    res = []
    for i in range(phnum):
        t, _fl, off, va, pa, fsz, msz, _al = struct.unpack_from(
            "<IIQQQQQQ", elf, phoff + i * entsz)
        res.append([t, off, va, pa, fsz, msz])
    return res


def note(name, ntype, desc, order="<"):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack(order + "III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def elfcore():
    reset("elfcore")
    for c in ("612-file-4cpu", "612-load-1cpu", "61-file-1cpu"):
        out("elfcore", "elfcorehdr-" + c, read(cap(c, "elfcorehdr.bin")))
    for c in ("612-file-1cpu", "612-load-4cpu"):
        out("elfcore", "vmcore-head-" + c, read(cap(c, "vmcore-head.bin")))
    for f in sorted(os.listdir(MALFORMED)):
        if f.endswith(".bin"):
            out("elfcore", "malformed-" + f[:-4], read(os.path.join(MALFORMED, f)))


def vmcore_notes(c):
    head = read(cap(c, "vmcore-head.bin"))
    for t, off, _va, _pa, fsz, _ms in phdrs(head):
        if t == 4:
            return head[off:off + fsz]
    raise SystemExit("%s: no PT_NOTE" % c)


def notes():
    reset("notes")
    for c in ("612-file-4cpu", "61-file-1cpu"):
        out("notes", "vmcore-notes-" + c, vmcore_notes(c))
    dd = b"nvme-fw-log".ljust(44, b"\0") + bytes(range(64))
    out("notes", "vmcoredd", note("LINUX", 0x700, dd) + note("", 0, b""))
    ps = struct.pack("<bbbbI", 0, ord("R"), 0, 0, 0) + b"\0" * 128
    out("notes", "prpsinfo-be", note("CORE", 3, ps, ">") + note("CORE", 1, b"\1" * 408, ">"))
    vi = b"OSRELEASE=6.12.0\nPAGESIZE=4096\nNUMBER(phys_base)=-2097152\nSYMBOL(_stext)=ffffffff81000000\n"
    out("notes", "vmcoreinfo", note("VMCOREINFO", 0, vi))


def iomem():
    reset("iomem")
    for c in ("612-file-5g", "612-hotplug", "612-load-4cpu"):
        out("iomem", c, read(cap(c, "sysroot", "proc", "iomem")))


def devtree():
    reset("devtree")
    # [selector][reg]: selector bit0 = 2 address cells, bit1 = 2 size cells
    out("devtree", "reg-2-2", b"\x03" + struct.pack(">QQQQ", 0, 0x80000000, 0x100000000, 0x40000000))
    out("devtree", "reg-1-1", b"\x00" + struct.pack(">IIII", 0, 0x10000000, 0x20000000, 0x1000))
    out("devtree", "reg-2-1", b"\x01" + struct.pack(">QI", 0xfffffffff0000000, 0x10000000))
    out("devtree", "cells", b"\x00" + struct.pack(">I", 2))


def dt_ppc64():
    """Records of fuzz_dt_ppc64.c ([u8 file][u16 LE length][bytes]) from the
    ppc64 captures' sysroots, plus a synthetic tree with dynamic memory."""
    reset("dt_ppc64")
    table = ["chosen/linux,crashkernel-base", "chosen/linux,crashkernel-size",
             "chosen/linux,memory-limit", "chosen/linux,kernel-end",
             "rtas/linux,rtas-base", "rtas/rtas-size",
             "ibm,opal/opal-base-address", "ibm,opal/opal-runtime-size",
             "ibm,dynamic-reconfiguration-memory/ibm,lmb-size",
             "ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory",
             "ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2",
             "memory@0/reg", "memory@0/compatible", "memory@40000000/reg",
             "memory@80000000/reg", "memory/reg", "memory@100000000/compatible"]
    table = ["proc/device-tree/" + t for t in table] + [
        "proc/kcore", "sys/kernel/vmcoreinfo", "sys/devices/system/cpu/possible",
        "sys/devices/system/cpu/cpu0/crash_notes",
        "sys/devices/system/cpu/cpu0/crash_notes_size",
        "sys/devices/system/cpu/cpu1/crash_notes"]

    def rec(rel, data):
        return struct.pack("<BH", table.index(rel), len(data)) + data
    root = os.path.join(ROOT, "tests", "kernel", "foreign-captures")
    for c in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        sysroot = os.path.join(root, c, "sysroot")
        if not os.path.isdir(os.path.join(sysroot, "proc", "device-tree")):
            continue
        b = b""
        for rel in table:
            p = os.path.join(sysroot, rel)
            if not os.path.isfile(p):
                continue
            data = read(p)
            if rel == "proc/kcore":     # only the ELF and program headers
                phoff, = struct.unpack_from("<Q", data, 32)
                entsz, phnum = struct.unpack_from("<HH", data, 54)
                data = data[:phoff + entsz * phnum]
            b += rec(rel, data)
        out("dt_ppc64", c, b)
    dt = "proc/device-tree/"
    drmem = struct.pack(">I", 3)
    for n, base, flags in ((8, 0, 0xa0), (2, 0x80000000, 0x8), (6, 0xa0000000, 0)):
        drmem += struct.pack(">IQIII", n, base, 0, 0xffffffff, flags)
    out("dt_ppc64", "synthetic-drmem-v2",
        rec(dt + "chosen/linux,crashkernel-base", struct.pack(">Q", 0x20000000)) +
        rec(dt + "chosen/linux,crashkernel-size", struct.pack(">Q", 0x10000000)) +
        rec(dt + "chosen/linux,kernel-end", struct.pack(">Q", 0x2880000)) +
        rec(dt + "chosen/linux,memory-limit", struct.pack(">Q", 0x90000000)) +
        rec(dt + "rtas/linux,rtas-base", struct.pack(">I", 0x2fff0000)) +
        rec(dt + "rtas/rtas-size", struct.pack(">I", 0x83c)) +
        rec(dt + "memory@40000000/reg", struct.pack(">QQ", 0x40000000, 0x40000000)) +
        rec(dt + "memory@0/reg", struct.pack(">QQ", 0, 0x40000000)) +
        rec(dt + "memory@100000000/compatible", b"ibm,coherent-device-memory\0") +
        rec(dt + "ibm,dynamic-reconfiguration-memory/ibm,lmb-size", struct.pack(">Q", 0x10000000)) +
        rec(dt + "ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2", drmem) +
        rec("sys/devices/system/cpu/possible", b"0-1\n") +
        rec("sys/devices/system/cpu/cpu0/crash_notes", b"3ff87000\n") +
        rec("sys/kernel/vmcoreinfo", b"0x00000000045e0000 10024\n"))


def parse():
    reset("parse")
    for i, s in enumerate(["0x1f", "4096", "256M", "1GiB", "0xfffffffffffffffe",
                           "0x1000-0x1fff", "0x17f000000+16M", "0-3,8-9\n", "",
                           "# ranges\n0x20000000-0x20ffffff\n\n0x100000+1M\n",
                           "x86_64", "kexec-tools"]):
        out("parse", "%02d" % i, s.encode())


def pack(files):
    """Records of fuzz_system.c: [u8 file][u16 LE length][bytes]."""
    table = ["proc/iomem", "proc/cmdline", "proc/kcore", "proc/kallsyms",
             "sys/kernel/vmcoreinfo", "sys/kernel/kexec_crash_size",
             "sys/kernel/crash_elfcorehdr_size",
             "sys/devices/system/cpu/possible", "sys/devices/system/cpu/present",
             "sys/devices/system/cpu/online", "sys/devices/system/cpu/crash_hotplug",
             "sys/devices/system/memory/block_size_bytes",
             "sys/devices/system/memory/crash_hotplug"]
    b = b""
    for rel, data in files:
        if rel in table:
            idx = table.index(rel)
        elif rel.startswith("sys/devices/system/cpu/cpu") and "/crash_notes" in rel:
            parts = rel.split("/")          # sys/devices/system/cpu/cpuN/crash_notes*
            idx = len(table) + 2 * int(parts[4][3:]) + (parts[5] == "crash_notes_size")
        else:
            continue                        # not a file vmc_system_read reads
        if idx > 255 or len(data) > 65535:
            continue
        b += struct.pack("<BH", idx, len(data)) + data
    return b


def system():
    reset("system")
    for c in ("612-file-4cpu", "612-load-1cpu", "612-hotplug",
              "foreign:arm64-612-load-1cpu"):
        root = cap(c, "sysroot")
        if c.startswith("foreign:"):
            c = c[len("foreign:"):]
            root = os.path.join(ROOT, "tests", "kernel", "foreign-captures", c, "sysroot")
        files = []
        for d, _subs, names in sorted(os.walk(root)):
            for n in sorted(names):
                p = os.path.join(d, n)
                rel = os.path.relpath(p, root)
                data = read(p)
                if rel == "proc/kcore":     # only the ELF and program headers
                    phoff, = struct.unpack_from("<Q", data, 32)
                    entsz, phnum = struct.unpack_from("<HH", data, 54)
                    end = phoff + entsz * phnum
                    # arm64: and the notes (VMCOREINFO: VA_BITS, PHYS_OFFSET)
                    for t, off, _va, _pa, fsz, _ms in phdrs(data):
                        if t == 4 and struct.unpack_from("<H", data, 18)[0] == 183:
                            end = max(end, off + fsz)
                    data = data[:end]
                files.append((rel, data))
        out("system", c, pack(files))


def dump():
    reset("dump")
    for c in ("612-file-1cpu", "612-load-4cpu"):
        out("dump", "vmcore-head-" + c, read(cap(c, "vmcore-head.bin")))
    # A "new memory" header: the real elfcorehdr with its per-CPU and
    # VMCOREINFO notes (cut from old memory in the assemble fixture) placed
    # after it, PT_NOTE p_offset rewritten to offsets in this buffer.
    for c in ("612-file-4cpu", "612-load-1cpu"):
        mem = read(os.path.join(ASM, c, "memory.bin"))
        pages = {}
        for line in open(os.path.join(ASM, c, "memory.map")):
            if line.startswith("memory.bin@"):
                pa, off = line.strip().split("@")[1].split(",")[:2]
                pages[int(pa, 16)] = int(off.split("=")[1], 16)
        hdr = bytearray(read(cap(c, "elfcorehdr.bin")))
        phoff, = struct.unpack_from("<Q", hdr, 32)
        body = b""
        base = len(hdr)
        for i, (t, off, _va, _pa, fsz, _ms) in enumerate(phdrs(bytes(hdr))):
            if t != 4:
                continue
            page, inpage = off & ~0xfff, off & 0xfff
            if page not in pages or inpage + fsz > 0x1000:
                continue
            blob = mem[pages[page] + inpage:pages[page] + inpage + fsz]
            struct.pack_into("<Q", hdr, phoff + i * 56 + 8, base + len(body))
            body += blob
        out("dump", "newmem-" + c, bytes(hdr) + body)


def guest_vtop_arm64():
    """fuzz_guest_vtop_arm64.c: [flags][8 x u64 vaddr][memory from 0]; the
    top table at 0x2000.  Per VA size (flags 0: 52 bits, 5 levels, LPA2;
    1: 48 bits, 4; 2: 39 bits, 3) one table per level maps va[0] to a 4 KiB
    page holding a struct new_utsname whose release is OSRELEASE, va[1] is
    a 2 MiB block, va[2] a 1 GiB block (outside memory: the walk says so),
    the rest unmapped or not kernel addresses."""
    reset("guest_vtop_arm64")
    for flags, va_size in ((0, 52), (1, 48), (2, 39)):
        levels = (va_size - 12 + 8) // 9
        mem = bytearray(0x20000)
        top = 0x2000
        base = (0xFFFFFFFFFFFFFFFF << va_size) & 0xFFFFFFFFFFFFFFFF
        va0 = base | 0x1234000
        va1 = base | (3 << 30) | (5 << 21) | 0x10
        va2 = base | (7 << 30) | 0x20
        tables = [top + 0x1000 * (i + 1) for i in range(levels)]

        def idx(va, lvl):   # lvl 0 = the last level
            shift = 12 + 9 * lvl
            width = (va_size - 12) - 9 * (levels - 1) if lvl == levels - 1 else 9
            return (va >> shift) & ((1 << width) - 1)

        # va0: a table per level, then a page at 0x10000
        t = top
        for lvl in range(levels - 1, 0, -1):
            nxt = tables[levels - 1 - lvl]
            struct.pack_into("<Q", mem, t + 8 * idx(va0, lvl), nxt | 3)
            t = nxt
        struct.pack_into("<Q", mem, t + 8 * idx(va0, 0), 0x10000 | 0x403)
        rel = b"6.12.0-test"
        mem[0x10000 + 2 * 65:0x10000 + 2 * 65 + len(rel)] = rel
        # va1: a 2 MiB block at level 2 (lvl 1) under its own tables
        t = top
        for lvl in range(levels - 1, 1, -1):
            e = struct.unpack_from("<Q", mem, t + 8 * idx(va1, lvl))[0]
            if not e:
                nxt = 0x18000 + 0x1000 * lvl
                struct.pack_into("<Q", mem, t + 8 * idx(va1, lvl), nxt | 3)
                e = nxt | 3
            t = e & ~0xFFF
        struct.pack_into("<Q", mem, t + 8 * idx(va1, 1), 0x200000 | 0x401)
        vas = [va0, va1, va2, va0 + 0xff8, base, 0xFFFF000000000000,
               0x1234000, va1 + (1 << 21)]
        data = bytes([flags]) + b"".join(struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)
                                           for v in vas) + bytes(mem)
        out("guest_vtop_arm64", "va%d" % va_size, data)


def main():
    for f in (elfcore, notes, iomem, devtree, dt_ppc64, parse, system, dump,
              guest_vtop_arm64):
        f()


if __name__ == "__main__":
    sys.exit(main())
