#!/usr/bin/python3
"""Stdlib-only soundness check of the committed real-kernel captures.

For every tests/kernel/{captures,manual-captures,foreign-captures}/<scenario>/
(with a meta.json):
  * elfcorehdr.bin parses as an ELF64 little-endian core of the capture's
    architecture (meta.json "arch", x86_64 when absent) whose
    program headers lie inside the file; its length is what meta.json says;
  * vmcore-head.bin (the head of the real /proc/vmcore) parses the same way,
    its PT_NOTE data lies in the head and holds VMCOREINFO + NT_PRSTATUS notes;
  * the multiset of PT_LOAD (p_paddr, p_memsz) of the real vmcore equals the
    elfcorehdr's;
  * the sysroot/ holds the files vmcorekit reads;
  * if the git-ignored cache holds cache/<scenario>/vmcore.bin, its size and
    sha256 match meta.json / vmcore.sha256.
Prints one line per capture and a final "N passed, M failed" line.
Usage: capture_check.py [--no-cache] [CAPTURE_DIR...]
"""
import hashlib
import json
import os
import struct
import sys

PT_LOAD, PT_NOTE = 1, 4
ET_CORE, EM_X86_64, EM_AARCH64, EM_PPC64 = 4, 62, 183, 21
# e_machine by Debian architecture (meta.json "arch", amd64 when absent)
EM = {"amd64": EM_X86_64, "arm64": EM_AARCH64, "ppc64el": EM_PPC64}
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_NAMES = {0: "NULL", 1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE"}


class CheckError(Exception):
    pass


def parse_core(buf, what, machine=EM_X86_64):
    """Parse ELF64 core headers from bytes; returns (ehdr dict, [phdr dict])."""
    if len(buf) < EHDR.size:
        raise CheckError("%s: too short (%d bytes)" % (what, len(buf)))
    (ident, e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags,
     e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx) = EHDR.unpack_from(buf, 0)
    if ident[:4] != b"\x7fELF":
        raise CheckError("%s: bad ELF magic" % what)
    if ident[4] != 2 or ident[5] != 1:
        raise CheckError("%s: not ELF64 little-endian (class %d data %d)" % (what, ident[4], ident[5]))
    if e_type != ET_CORE:
        raise CheckError("%s: e_type %d is not ET_CORE" % (what, e_type))
    if e_machine != machine:
        raise CheckError("%s: e_machine %d, expected %d" % (what, e_machine, machine))
    if e_ehsize != EHDR.size or e_phentsize != PHDR.size:
        raise CheckError("%s: e_ehsize %d / e_phentsize %d" % (what, e_ehsize, e_phentsize))
    if e_phnum == 0 or e_phnum == 0xffff:
        raise CheckError("%s: e_phnum %d unsupported" % (what, e_phnum))
    end = e_phoff + e_phnum * PHDR.size
    if end > len(buf):
        raise CheckError("%s: program headers end at %d beyond %d bytes" % (what, end, len(buf)))
    phdrs = []
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = \
            PHDR.unpack_from(buf, e_phoff + i * PHDR.size)
        phdrs.append(dict(type=p_type, flags=p_flags, offset=p_offset, vaddr=p_vaddr,
                          paddr=p_paddr, filesz=p_filesz, memsz=p_memsz, align=p_align))
    ehdr = dict(phoff=e_phoff, phnum=e_phnum, entry=e_entry, phend=end)
    return ehdr, phdrs


def parse_notes(buf, off, size, what):
    """Parse an ELF note area; returns [(name, type, descsz)]."""
    notes = []
    pos, end = off, off + size
    if end > len(buf):
        raise CheckError("%s: note area [%d,%d) beyond %d bytes" % (what, off, end, len(buf)))
    while pos + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", buf, pos)
        if namesz == 0 and descsz == 0 and ntype == 0:
            break
        pos += 12
        name = buf[pos:pos + namesz].rstrip(b"\0").decode("ascii", "replace")
        pos += (namesz + 3) & ~3
        pos += (descsz + 3) & ~3
        if pos > end:
            raise CheckError("%s: note %s overruns its PT_NOTE" % (what, name))
        notes.append((name, ntype, descsz))
    return notes


def load_set(phdrs):
    return sorted((p["paddr"], p["memsz"]) for p in phdrs if p["type"] == PT_LOAD)


def summarize(phdrs):
    return (sum(1 for p in phdrs if p["type"] == PT_NOTE),
            sum(1 for p in phdrs if p["type"] == PT_LOAD))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 22)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


SYSROOT_REQUIRED = ["proc/iomem", "proc/cmdline", "proc/kcore", "proc/kallsyms",
                    "sys/kernel/vmcoreinfo", "sys/kernel/kexec_crash_size",
                    "sys/kernel/kexec_crash_loaded",
                    "sys/devices/system/cpu/possible", "sys/devices/system/cpu/present",
                    "sys/devices/system/cpu/online"]


# ppc64: kexec-tools takes the ranges from the device tree
SYSROOT_REQUIRED_ARCH = {"ppc64el": [
    "proc/device-tree/chosen/linux,crashkernel-base",
    "proc/device-tree/chosen/linux,crashkernel-size",
    "proc/device-tree/chosen/linux,kernel-end", "proc/device-tree/memory@0/reg"]}


def check_capture(cdir, cache_root=None):
    name = os.path.basename(os.path.normpath(cdir))
    with open(os.path.join(cdir, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(cdir, "elfcorehdr.bin"), "rb") as f:
        hdr = f.read()
    if len(hdr) != meta["elfcorehdr_len"] or len(hdr) % 4096:
        raise CheckError("elfcorehdr.bin is %d bytes, meta says %s" % (len(hdr), meta["elfcorehdr_len"]))
    em = EM[meta.get("arch", "amd64")]
    eh, hph = parse_core(hdr, "elfcorehdr.bin", em)
    if meta.get("elfcorehdr_tail_zero") is False:
        raise CheckError("meta.json: elfcorehdr segment tail not zero")
    hn, hl = summarize(hph)
    if hn < 1 or hl < 1:
        raise CheckError("elfcorehdr.bin has %d PT_NOTE, %d PT_LOAD" % (hn, hl))
    with open(os.path.join(cdir, "vmcore-head.bin"), "rb") as f:
        head = f.read()
    vh, vph = parse_core(head, "vmcore-head.bin", em)
    vn, vl = summarize(vph)
    prstatus = 0
    vmcoreinfo = False
    for p in vph:
        if p["type"] == PT_NOTE:
            for nname, ntype, _ in parse_notes(head, p["offset"], p["filesz"], "vmcore-head.bin"):
                if nname == "CORE" and ntype == 1:
                    prstatus += 1
                if nname == "VMCOREINFO":
                    vmcoreinfo = True
    if not vmcoreinfo or prstatus < 1:
        raise CheckError("vmcore notes: VMCOREINFO %s, %d NT_PRSTATUS" % (vmcoreinfo, prstatus))
    vsize = meta["vmcore_size"]
    for p in vph:
        if p["type"] == PT_LOAD and p["offset"] + p["filesz"] > vsize:
            raise CheckError("vmcore PT_LOAD paddr %#x runs past vmcore size %d" % (p["paddr"], vsize))
    if load_set(vph) != load_set(hph):
        a, b = set(load_set(vph)), set(load_set(hph))
        raise CheckError("PT_LOAD sets differ: only in vmcore %s, only in elfcorehdr %s" % (
            [(hex(x), hex(y)) for x, y in sorted(a - b)], [(hex(x), hex(y)) for x, y in sorted(b - a)]))
    for rel in SYSROOT_REQUIRED + SYSROOT_REQUIRED_ARCH.get(meta.get("arch"), []):
        if not os.path.isfile(os.path.join(cdir, "sysroot", rel)):
            raise CheckError("sysroot/%s missing" % rel)
    msg = "elfcorehdr %dB phnum=%d; vmcore %d PT_NOTE %d PT_LOAD (=elfcorehdr) %d PRSTATUS" % (
        len(hdr), eh["phnum"], vn, vl, prstatus)
    hp = meta.get("hotplug_event")
    if hp:
        # the state before the events: its own sysroot and elfcorehdr
        pre = hp["pre_event"]
        with open(os.path.join(cdir, pre["elfcorehdr"]), "rb") as f:
            phdr = f.read()
        if len(phdr) != pre["elfcorehdr_len"] or len(phdr) % 4096:
            raise CheckError("%s is %d bytes, meta says %s" % (pre["elfcorehdr"], len(phdr),
                                                                pre["elfcorehdr_len"]))
        peh, pph = parse_core(phdr, pre["elfcorehdr"])
        for rel in SYSROOT_REQUIRED + ["sys/kernel/crash_elfcorehdr_size"]:
            if not os.path.isfile(os.path.join(cdir, pre["sysroot"], rel)):
                raise CheckError("%s/%s missing" % (pre["sysroot"], rel))
        with open(os.path.join(cdir, hp["cpu_events"]["elfcorehdr"]), "rb") as f:
            parse_core(f.read(), hp["cpu_events"]["elfcorehdr"])
        if not hp["events"]:
            raise CheckError("meta.json hotplug_event.events is empty")
        msg += "; pre-event elfcorehdr phnum=%d, %d events" % (peh["phnum"], len(hp["events"]))
    if cache_root:
        vbin = os.path.join(cache_root, name, "vmcore.bin")
        if os.path.isfile(vbin):
            with open(os.path.join(cdir, "vmcore.sha256")) as f:
                want = f.read().split()[0]
            if os.path.getsize(vbin) != vsize:
                raise CheckError("cache vmcore.bin size %d != %d" % (os.path.getsize(vbin), vsize))
            if sha256_file(vbin) != want:
                raise CheckError("cache vmcore.bin sha256 mismatch")
            msg += "; cache vmcore.bin sha256 ok"
        else:
            msg += "; no cache"
    return msg


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    use_cache = True
    dirs = []
    for a in argv:
        if a == "--no-cache":
            use_cache = False
        else:
            dirs.append(a)
    if not dirs:
        for top in ("captures", "manual-captures", "foreign-captures"):
            root = os.path.join(here, top)
            if os.path.isdir(root):
                dirs += [os.path.join(root, d) for d in sorted(os.listdir(root))
                         if os.path.isfile(os.path.join(root, d, "meta.json"))]
    cache_root = os.path.join(here, "cache") if use_cache else None
    passed = failed = 0
    for d in dirs:
        name = os.path.basename(os.path.normpath(d))
        try:
            msg = check_capture(d, cache_root)
            print("PASS %s: %s" % (name, msg))
            passed += 1
        except (CheckError, OSError, KeyError, ValueError, struct.error) as e:
            print("FAIL %s: %s" % (name, e))
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not dirs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
