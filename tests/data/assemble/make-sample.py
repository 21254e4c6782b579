#!/usr/bin/env python3
"""Cut a small assemble fixture from a real capture (see README.md).

usage: make-sample.py SCENARIO   (run from the repository root, with the
                                  capture's cache: physmem.bin + vmcore)
"""
import hashlib, json, os, random, struct, sys

PAGE = 4096
scen = sys.argv[1]
cap = f"tests/kernel/captures/{scen}"
cache = f"tests/kernel/cache/{scen}"
out = f"tests/data/assemble/{scen}"
meta = json.load(open(f"{cap}/meta.json"))
vmcore = meta["vmcore_file"]
if not os.path.exists(vmcore):
    vmcore = f"{cache}/vmcore.img"
physmem = meta["physmem"]["file"]
layout = meta["physmem"]["layout"]
size = meta["vmcore_size"]


def phys_read(f, paddr, n):
    for m in layout:
        if m["paddr"] <= paddr and paddr + n <= m["paddr"] + m["size"]:
            f.seek(m["file_offset"] + paddr - m["paddr"])
            return f.read(n)
    raise SystemExit(f"0x{paddr:x} not in physmem")


def phdrs(buf, off, n):
    res = []
    for i in range(n):
        t, fl, o, va, pa, fs, ms, al = struct.unpack_from("<IIQQQQQQ", buf, off + 56 * i)
        res.append(dict(type=t, offset=o, paddr=pa, memsz=ms))
    return res


pm = open(physmem, "rb")
addr = meta["elfcorehdr_addr"]
eh = phys_read(pm, addr, 64)
phnum = struct.unpack_from("<H", eh, 56)[0]
hdr = phys_read(pm, addr, 64 + 56 * phnum)
hph = phdrs(hdr, 64, phnum)
vm = open(vmcore, "rb")
vhead = vm.read(1 << 16)
vph = phdrs(vhead, 64, struct.unpack_from("<H", vhead, 56)[0])
hloads = [p for p in hph if p["type"] == 1]
vloads = [p for p in vph if p["type"] == 1]
assert len(hloads) == len(vloads)
notes_end = vloads[0]["offset"] - (hloads[0]["offset"] % PAGE)
# windows: (phys start, phys end, vmcore offset of start)
wins = []
for h, v in zip(hloads, vloads):
    s = h["offset"] // PAGE * PAGE
    e = -(-(h["offset"] + h["memsz"]) // PAGE) * PAGE
    wins.append((s, e, v["offset"] - (h["offset"] - s)))

# Input pages (old memory as the kdump kernel read it): the elfcorehdr and
# the PT_NOTE segments.  Oracle pages (the real vmcore): sampled RAM.
inputs = set(range(addr // PAGE * PAGE, addr + len(hdr), PAGE))
for p in hph:
    if p["type"] == 4:
        inputs.update(range(p["offset"] // PAGE * PAGE, p["offset"] + p["memsz"], PAGE))
rng = random.Random(scen)
samples = set()
for s, e, _ in wins:
    samples.update({s, e - PAGE})
    for _ in range(3):
        samples.add(rng.randrange(s, e, PAGE))
samples -= inputs
os.makedirs(out, exist_ok=True)
keep = []  # vmcore ranges kept in the expected file
mem = bytearray()
lines = [f"# {scen}: pages of old memory (input) and of the real vmcore (oracle)"]
for pa in sorted(inputs | samples):
    if pa in inputs:
        data = phys_read(pm, pa, PAGE)
    else:
        s, e, vo = next(w for w in wins if w[0] <= pa < w[1])
        vm.seek(vo + pa - s)
        data = vm.read(PAGE)
    lines.append(f"memory.bin@0x{pa:x},offset=0x{len(mem):x},size=0x{PAGE:x}")
    mem += data
    for s, e, vo in wins:
        if s <= pa < e:
            keep.append((vo + pa - s, PAGE))
open(f"{out}/memory.bin", "wb").write(mem)
open(f"{out}/memory.map", "w").write("\n".join(lines) + "\n")
for f in ("kdump-cmdline", "readelf.txt", "vmcore-head.bin", "vmcore.sha256"):
    open(f"{out}/{f}", "wb").write(open(f"{cap}/{f}", "rb").read())
# Expected: the real vmcore with everything but header, notes and the kept
# pages zeroed.
keep = sorted(keep + [(0, notes_end)])
h = hashlib.sha256()
pos = 0
zero = bytes(1 << 20)
for o, n in keep + [(size, 0)]:
    while pos < o:
        k = min(len(zero), o - pos)
        h.update(zero[:k])
        pos += k
    if n:
        vm.seek(o)
        h.update(vm.read(n))
        pos = o + n
open(f"{out}/expected.sha256", "w").write(h.hexdigest() + "\n")
print(f"{out}: {len(mem)} bytes of memory, {len(keep)} kept ranges, size {size}")
