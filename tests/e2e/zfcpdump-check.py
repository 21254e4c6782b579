#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks of tests/e2e/run-zfcpdump.sh against expect.txt of the fixture.

  zfcpdump-check.py eu FILE EXPECT          eu-readelf -n output (stdin):
                                            PRSTATUS psw/gprs/acrs, fpc
  zfcpdump-check.py notes FILE EXPECT VX VMCI
                                            the raw notes, in the kernel's
                                            order, every desc byte
  zfcpdump-check.py memory VMCORE HSA MEM HSA_SIZE
                                            every PT_LOAD of the vmcore reads
                                            the HSA below HSA_SIZE and memory
                                            above; reads straddling the edge

Prints one line per failed check and exits 1 on failure.
"""
import re
import struct
import sys

fails = []


def expect(path):
    d = {}
    for line in open(path):
        k, v = line.strip().split("=", 1)
        d[k] = int(v, 0)
    return d


def cpus(e):
    return sorted({int(k[3:k.index(".")]) for k in e if k.startswith("cpu")})


def check_eu(path, exp):
    """eu-readelf -n text on stdin: registers by pid."""
    text = sys.stdin.read()
    blocks = re.split(r"\n\s+CORE\s+\d+\s+", text)
    seen = 0
    for b in blocks:
        if b.startswith("PRSTATUS"):
            pid = int(re.search(r"pid: (\d+)", b).group(1))
            regs = dict((k, int(v, 0)) for k, v in
                        re.findall(r"(\w+):\s+(0x[0-9a-f]+|\d+)", b))
            want = {"pswm": exp[f"cpu{pid}.psw_mask"],
                    "pswa": exp[f"cpu{pid}.psw_addr"]}
            for i in range(16):
                want[f"r{i}"] = exp[f"cpu{pid}.r{i}"]
                want[f"a{i}"] = exp[f"cpu{pid}.a{i}"]
            for k, v in want.items():
                if regs.get(k) != v:
                    fails.append(f"eu-readelf pid {pid} {k}: {regs.get(k)} "
                                 f"want {v:#x}")
            seen += 1
        elif b.startswith("FPREGSET"):
            fpc = int(re.search(r"fpc: (0x[0-9a-f]+)", b).group(1), 16)
            if fpc not in [exp[f"cpu{c}.fpc"] for c in cpus(exp)]:
                fails.append(f"eu-readelf fpc {fpc:#x} is no CPU's")
    if seen != len(cpus(exp)):
        fails.append(f"eu-readelf shows {seen} PRSTATUS, want "
                     f"{len(cpus(exp))}")


def phdrs(d):
    phoff, = struct.unpack_from(">Q", d, 32)
    phnum, = struct.unpack_from(">H", d, 56)
    return [struct.unpack_from(">IIQQQQQQ", d, phoff + 56 * i)
            for i in range(phnum)]


def notes(seg):
    out, off = [], 0
    while off + 12 <= len(seg):
        nsz, dsz, typ = struct.unpack_from(">III", seg, off)
        name = seg[off + 12:off + 12 + nsz].rstrip(b"\0").decode()
        doff = off + 12 + (nsz + 3) // 4 * 4
        out.append((name, typ, seg[doff:doff + dsz]))
        off = doff + (dsz + 3) // 4 * 4
        if nsz == 0:
            break
    return out, off


def check_notes(path, exp, vx, vmci):
    d = open(path, "rb").read()
    ph = phdrs(d)
    note = [p for p in ph if p[0] == 4]
    if len(note) != 1 or ph[0][0] != 4:
        fails.append("want exactly one PT_NOTE, first")
        return
    _, _, off, _, _, filesz, memsz, _ = note[0]
    if off != 64 + 56 * len(ph) or off + filesz != len(d) or filesz != memsz:
        fails.append(f"PT_NOTE at {off:#x}+{filesz:#x}, file {len(d):#x}: "
                     "the notes must follow the phdrs and end the file")
    ns, used = notes(d[off:off + filesz])
    if used != filesz:
        fails.append(f"notes walk {used} bytes of {filesz}")
    want = [("CORE", 3)]
    for _ in cpus(exp):
        want += [("CORE", 1), ("CORE", 2), ("LINUX", 0x301),
                 ("LINUX", 0x302), ("LINUX", 0x303), ("LINUX", 0x304),
                 ("LINUX", 0x305)]
        if vx:
            want += [("LINUX", 0x30a), ("LINUX", 0x309)]
    if vmci != "none":
        want.append(("VMCOREINFO", 0))
    want.append(("", 0))
    got = [(n, t) for n, t, _ in ns]
    if got != want:
        fails.append(f"note order {got} want {want}")
        return
    ps = ns[0][2]
    if len(ps) != 136 or ps[1:2] != b"R" or ps[40:48] != b"vmlinux\0":
        fails.append("PRPSINFO is not sname R, fname vmlinux")
    per = 9 if vx else 7
    for i, pid in enumerate(cpus(exp)):
        grp = ns[1 + per * i:1 + per * (i + 1)]
        c = f"cpu{pid}."
        pr = grp[0][2]
        if len(pr) != 336 or struct.unpack_from(">i", pr, 32)[0] != pid:
            fails.append(f"{c} PRSTATUS size {len(pr)} / pid")
        regs = struct.unpack_from(">18Q16IQ", pr, 112)
        want_regs = [exp[c + "psw_mask"], exp[c + "psw_addr"]] + \
            [exp[f"{c}r{k}"] for k in range(16)] + \
            [exp[f"{c}a{k}"] for k in range(16)] + [0]
        if list(regs) != want_regs:
            fails.append(f"{c} PRSTATUS pr_reg differs")
        if pr[112 + 216:] != bytes(336 - 328):
            fails.append(f"{c} PRSTATUS tail not zero")
        fp = grp[1][2]
        fpc, pad, *fprs = struct.unpack(">II16Q", fp)
        if fpc != exp[c + "fpc"] or pad or \
                fprs != [exp[f"{c}f{k}"] for k in range(16)]:
            fails.append(f"{c} FPREGSET differs")
        vals = [struct.unpack(">Q", grp[2][2])[0],
                struct.unpack(">Q", grp[3][2])[0],
                struct.unpack(">I", grp[4][2])[0]]
        if vals != [exp[c + "timer"], exp[c + "todcmp"], exp[c + "todpreg"]]:
            fails.append(f"{c} TIMER/TODCMP/TODPREG differ")
        if list(struct.unpack(">16Q", grp[5][2])) != \
                [exp[f"{c}c{k}"] for k in range(16)]:
            fails.append(f"{c} CTRS differ")
        if struct.unpack(">I", grp[6][2])[0] != exp[c + "prefix"]:
            fails.append(f"{c} PREFIX differs")
        if vx:
            high, low = grp[7][2], grp[8][2]
            cpu = exp[c + "index"]
            wh = b"".join(struct.pack(">QQ", 0x5600000000000000 | v << 40 |
                                      cpu, 0x7700000000000000 | cpu << 40 | v)
                          for v in range(16, 32))
            wl = b"".join(struct.pack(">Q", 0x7700000000000000 | cpu << 40 | v)
                          for v in range(16))
            if high != wh or low != wl:
                fails.append(f"{c} VXRS_HIGH/LOW differ")
    if vmci != "none" and f"FROM={vmci}".encode() not in ns[-2][2]:
        fails.append(f"VMCOREINFO is not the one from {vmci}")


def check_memory(path, hsa_path, mem_path, hsa_size):
    d = open(path, "rb").read()
    hsa = open(hsa_path, "rb").read()[:hsa_size]
    mem = open(mem_path, "rb").read()
    phys = hsa + mem[len(hsa):]
    nload = 0
    for typ, _, off, _, paddr, filesz, _, _ in phdrs(d):
        if typ != 1:
            continue
        nload += 1
        if d[off:off + filesz] != phys[paddr:paddr + filesz]:
            fails.append(f"PT_LOAD paddr {paddr:#x}: bytes differ from HSA "
                         f"below {hsa_size:#x} + memory above")
        if paddr < hsa_size < paddr + filesz:
            # Straddling windows, odd sizes, both sides of the edge.
            for back, fwd in ((1, 1), (4095, 4097), (7, 100003)):
                a = hsa_size - back - paddr
                got = d[off + a:off + a + back + fwd]
                if got != hsa[hsa_size - back:] + mem[hsa_size:hsa_size + fwd]:
                    fails.append(f"read straddling the HSA edge "
                                 f"(-{back}, +{fwd}) differs")
    if nload == 0:
        fails.append("no PT_LOAD")


def main():
    mode = sys.argv[1]
    if mode == "eu":
        check_eu(sys.argv[2], expect(sys.argv[3]))
    elif mode == "notes":
        check_notes(sys.argv[2], expect(sys.argv[3]), sys.argv[4] == "1",
                    sys.argv[5])
    elif mode == "memory":
        check_memory(sys.argv[2], sys.argv[3], sys.argv[4],
                     int(sys.argv[5], 0))
    for f in fails:
        print(f)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
