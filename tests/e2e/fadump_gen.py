#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Fixtures for run-fadump.sh, encoded independently of vmcorekit with
Python's struct module from the kernel's layouts (docs/formats.md, the fadump section):

  header    struct fadump_crash_info_header (fadump-internal.h), v0 or v1
  cpustate  the RTAS register save area (rtas-fadump.h)
  memory    a sparse RAM image: boot memory, its firmware copy in the
            reserved area, a VMCOREINFO note inside the copy

Register values follow a formula (reg_value) so the test can predict
every register of every CPU without reading them back from here.
"""
import struct
import sys

MAGIC = b"FADMPSIG"
MAGIC_OLD = b"FADMPINF"


def magic_u64(s):
    # fadump_str_to_u64: the first byte is the most significant.
    return int.from_bytes(s.ljust(8, b"\0"), "big")


def reg_value(cpu, idx, source):
    """Register idx of pt_regs for a CPU; source 'hdr' or 'save'."""
    base = 0xc000000001000000 if source == "hdr" else 0xc000000002000000
    return base + (cpu << 16) + (idx << 4) + 8


def pt_regs(cpu, source, nregs=48):
    return [reg_value(cpu, i, source) for i in range(nregs)]


def cpumask(cpus, size, e):
    words = [0] * (size // 8)
    for c in cpus:
        words[c // 64] |= 1 << (c % 64)
    return struct.pack(e + "%dQ" % len(words), *words)


def header(args):
    # header OUT VERSION ENDIAN key=value...
    out, version, endian = args[0], int(args[1]), args[2]
    kv = dict(a.split("=", 1) for a in args[3:])
    e = "<" if endian == "little" else ">"
    num = lambda k, d: int(str(kv.get(k, d)), 0)
    regs_sz, mask_sz = num("pt_regs_sz", 384), num("cpu_mask_sz", 256)
    crashing = num("crashing_cpu", 1)
    cpus = [int(c) for c in kv.get("cpus", "0,1,3").split(",") if c]
    regs = struct.pack(e + "%dQ" % (regs_sz // 8),
                       *pt_regs(crashing, "hdr", regs_sz // 8))
    mask = cpumask(cpus, mask_sz, e)
    magic = kv.get("magic")
    if version == 0:
        m = magic_u64(MAGIC_OLD) if magic is None else int(magic, 0)
        # magic, elfcorehdr_addr, crashing_cpu, 4 bytes padding, regs, mask
        fixed = struct.pack(e + "QQI4x", m, num("elfcorehdr_addr", 0x1234000),
                            crashing)
    else:
        m = magic_u64(MAGIC) if magic is None else int(magic, 0)
        # magic, version, crashing_cpu, vmcoreinfo_raddr, vmcoreinfo_size,
        # pt_regs_sz, cpu_mask_sz
        fixed = struct.pack(e + "QIIQQII", m, num("version", 1), crashing,
                            num("vmcoreinfo_raddr", 0x1090000),
                            num("vmcoreinfo_size", 0x10024),
                            num("stored_pt_regs_sz", regs_sz),
                            num("stored_cpu_mask_sz", mask_sz))
    data = fixed + regs + mask
    data = data[:num("truncate", len(data))]
    open(out, "wb").write(data)


# rtas_fadump_set_regval: register IDs -> pt_regs index
SPR = [(b"NIA", 32), (b"MSR", 33), (b"CTR", 35), (b"LR", 36), (b"XER", 37),
       (b"CR", 38), (b"DAR", 41), (b"DSISR", 42)]


def cpustate(args):
    # cpustate OUT CPU,CPU,...: every CPU with all GPRs and SPRs, plus one
    # register the kernel ignores ("PIR") to check that it does.
    out, cpus = args[0], [int(c) for c in args[1].split(",")]
    entries = b""
    for c in cpus:
        entries += struct.pack(">QQ", magic_u64(b"CPUSTRT"), c)
        for i in range(32):
            entries += struct.pack(">QQ", magic_u64(b"GPR%d" % i),
                                   reg_value(c, i, "save"))
        for name, idx in SPR:
            entries += struct.pack(">QQ", magic_u64(name),
                                   reg_value(c, idx, "save"))
        entries += struct.pack(">QQ", magic_u64(b"PIR"), 0xdead)
        entries += struct.pack(">QQ", magic_u64(b"CPUEND"), c)
    # header: magic, version, num_cpu_offset; 8 bytes of "future fields"
    # before NumCpus to check that the offset is honoured
    hdr = struct.pack(">QII", magic_u64(b"REGSAVE"), 1, 24) + b"\0" * 8
    open(out, "wb").write(hdr + struct.pack(">I", len(cpus)) + entries)


def vmcoreinfo_note(e, text):
    name = b"VMCOREINFO\0"
    desc = text.encode()
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack(e + "III", len(name), len(desc), 0) + pad(name) + \
        pad(desc)


def memory(args):
    # memory OUT SIZE ENDIAN REGION:DEST... VMCOREINFO_PADDR
    out, size, endian = args[0], int(args[1], 0), args[2]
    e = "<" if endian == "little" else ">"
    regions = [tuple(int(x, 0) for x in r.split(":")) for r in args[3:-1]]
    vi_paddr = int(args[-1], 0)
    with open(out, "wb") as f:
        f.truncate(size)
        for start, sz, dest in regions:
            # The crashed kernel's boot memory, as the fadump kernel has
            # overwritten it ('o'), and the firmware's copy ('c' + offset).
            f.seek(start)
            f.write(b"o" * sz)
            f.seek(dest)
            f.write(bytes((0x40 + (i >> 12)) & 0xff for i in range(sz)))
        # The VMCOREINFO note lives in boot memory, so in the copy.
        for start, sz, dest in regions:
            if start <= vi_paddr < start + sz:
                f.seek(dest + vi_paddr - start)
                f.write(vmcoreinfo_note(
                    e, "OSRELEASE=6.12.0-fadump\nPAGESIZE=65536\n"))
                f.write(b"\0" * 12)


if __name__ == "__main__":
    {"header": header, "cpustate": cpustate, "memory": memory}[sys.argv[1]](
        sys.argv[2:])
