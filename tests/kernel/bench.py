#!/usr/bin/python3
"""Post-processing of one bench VM run (stdlib only), called by run.sh.

  bench.py post --name N --work CACHE/N --out CAPTURES/N --kernel-dir D --krel R
                --accel A --cpus C --ram-mib M --method file|load --opts O --wall S

Reads the VM's disks (capture.img: tar from the first kernel, kdump.img: tar
from the kdump kernel, vmcore.img: raw /proc/vmcore), physmem.bin (guest RAM)
and console.log from the work dir, writes the capture directory and prints the
one-line summary.
"""
import argparse
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture_check as cc  # noqa: E402

CONFIG_KEYS = ["CRASH_DUMP", "PROC_VMCORE", "KEXEC_FILE", "KEXEC", "CRASH_HOTPLUG",
               "CRASH_MAX_MEMORY_RANGES", "PROC_VMCORE_DEVICE_DUMP", "NR_CPUS",
               "NR_CPUS_DEFAULT", "MEMORY_HOTPLUG", "VIRTIO_BLK", "VIRTIO_PCI",
               "KEXEC_SIG", "KEXEC_SIG_FORCE", "HOTPLUG_CPU", "X86_5LEVEL",
               "RANDOMIZE_BASE", "RANDOMIZE_MEMORY", "SPARSEMEM_VMEMMAP",
               # ppc64el: fadump absent, 64 KiB pages, the pseries platform
               "FA_DUMP", "PPC_64K_PAGES", "PPC_4K_PAGES", "PPC_RADIX_MMU",
               "PPC_PSERIES"]
VMCORE_HEAD_MAX = 1 << 20
CONSOLE_MAX = 384 * 1024
# Foreign-architecture captures share the 5 MB budget: their consoles are
# trimmed harder (the whole console stays in the cache).
CONSOLE_MAX_FOREIGN = 32 * 1024


def memparse(s):
    m = re.match(r"^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([KkMmGg]?)", s)
    if not m:
        raise ValueError("cannot parse %r" % s)
    v = int(m.group(1), 0)
    v <<= {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]
    return v, s[m.end():]


def read_config(kdir):
    cfgs = [f for f in os.listdir(os.path.join(kdir, "boot")) if f.startswith("config-")]
    vals = {}
    with open(os.path.join(kdir, "boot", cfgs[0])) as f:
        for line in f:
            m = re.match(r"^CONFIG_(\w+)=(.*)$", line.strip())
            if m:
                vals[m.group(1)] = m.group(2).strip('"')
    out = {}
    for k in CONFIG_KEYS:
        v = vals.get(k)
        if v is not None and re.fullmatch(r"\d+", v):
            v = int(v)
        out["CONFIG_" + k] = v  # None = "is not set" / absent
    return out


def untar_image(img, dest):
    os.makedirs(dest, exist_ok=True)
    with open(img, "rb") as f:
        with tarfile.open(fileobj=f, mode="r:") as t:
            for m in t.getmembers():
                if m.name.startswith("/") or ".." in m.name.split("/"):
                    raise RuntimeError("unsafe tar member %s" % m.name)
                if not (m.isfile() or m.isdir()):
                    continue
                t.extract(m, dest)


def iomem_ranges(text, want="System RAM", top_only=True):
    out = []
    for line in text.splitlines():
        if top_only and line.startswith(" "):
            continue
        m = re.match(r"^\s*([0-9a-f]+)-([0-9a-f]+) : (.*)$", line)
        if m and m.group(3) == want:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def qemu_pc_layout(ram):
    """QEMU 'pc' (i440fx) RAM layout for a single memory backend file."""
    lowmem = 0xC0000000 if ram >= 0xE0000000 else ram
    layout = [dict(file_offset=0, paddr=0, size=min(ram, lowmem))]
    if ram > lowmem:
        layout.append(dict(file_offset=lowmem, paddr=1 << 32, size=ram - lowmem))
    return layout


def flat_layout(ram, base):
    """One RAM backend file mapped at base (QEMU arm 'virt': guest RAM
    starts at 0x40000000, hw/arm/virt.c VIRT_MEM)."""
    return [dict(file_offset=0, paddr=base, size=ram)]


def chosen_reg(path):
    """A device-tree 'reg'-style property of /chosen (big-endian cells):
    linux,elfcorehdr = <addr size> with #address-cells = #size-cells = 2 on
    QEMU virt (kexec-tools kexec/arch/arm64/kexec-arm64.c setup_2nd_dtb)."""
    import struct
    raw = open(path, "rb").read()
    if len(raw) != 16:
        raise SystemExit("%s: %d bytes, expected 2+2 cells" % (path, len(raw)))
    return struct.unpack(">QQ", raw)


def p2off(layout, paddr, size=1):
    for r in layout:
        if r["paddr"] <= paddr and paddr + size <= r["paddr"] + r["size"]:
            return r["file_offset"] + paddr - r["paddr"]
    raise ValueError("paddr %#x+%#x not in physmem layout" % (paddr, size))


def parse_e820(dmesg):
    """e820 table printed by a kernel at boot: [(start, end_incl, type)]."""
    bios, user = [], []
    for line in dmesg.splitlines():
        m = re.search(r"(BIOS-e820|user): \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (.*)$", line)
        if m:
            (bios if m.group(1) == "BIOS-e820" else user).append(
                (int(m.group(2), 16), int(m.group(3), 16), m.group(4).strip()))
    return user or bios


def segment_from_e820(e820, addr):
    for s, e, t in e820:
        if s <= addr <= e:
            if t == "usable":
                return None, "elfcorehdr inside usable e820 range of the kdump kernel"
            return e + 1 - addr, "kdump kernel e820: %s range ends at %#x" % (t, e + 1)
    nxt = [s for s, e, t in e820 if s > addr]
    if not nxt:
        return None, "no e820 entry above elfcorehdr"
    return min(nxt) - addr, "kdump kernel e820: hole from elfcorehdr to next entry at %#x" % min(nxt)


def parse_kexec_segments(text):
    """kexec-tools -d segment list: [(mem, memsz, bufsz)]."""
    f = {}
    for m in re.finditer(r"segment\[(\d+)\]\.(buf|bufsz|mem|memsz)\s*=\s*(0x[0-9a-fA-F]+|\(nil\)|0)", text):
        v = 0 if m.group(3) == "(nil)" else int(m.group(3), 16)
        f.setdefault(int(m.group(1)), {})[m.group(2)] = v
    return [(d["mem"], d["memsz"], d.get("bufsz", 0)) for i, d in sorted(f.items())
            if "mem" in d and "memsz" in d]


def sha256_file(path):
    return cc.sha256_file(path)


def ram_drift(vbin, vph, hph, pm, layout, max_runs=64):
    """Bytes of the real vmcore's PT_LOAD data that differ from guest RAM as
    the RAM file holds it at QEMU's exit: memory that changed after the
    kdump kernel read it (ppc64: a stopped CPU's hypervisor-updated area,
    the kdump kernel's own pages inside a dumped range). The vmcore's i-th
    PT_LOAD holds the elfcorehdr's i-th PT_LOAD, read at its p_offset (the
    backup copy for low memory). Returns (byte count, [[file offset, len]]
    runs, at most max_runs)."""
    loads_v = [p for p in vph if p["type"] == cc.PT_LOAD]
    loads_h = [p for p in hph if p["type"] == cc.PT_LOAD]
    if len(loads_v) != len(loads_h):
        raise SystemExit("vmcore has %d PT_LOAD, elfcorehdr %d" % (len(loads_v), len(loads_h)))
    total, runs, chunk = 0, [], 1 << 22
    with open(vbin, "rb") as fv, open(pm, "rb") as fp:
        for v, h in zip(loads_v, loads_h):
            done = 0
            while done < v["filesz"]:
                n = min(chunk, v["filesz"] - done)
                fv.seek(v["offset"] + done)
                fp.seek(p2off(layout, h["offset"] + done, n))
                a, b = fv.read(n), fp.read(n)
                if a != b:
                    for i in range(n):
                        if a[i] != b[i]:
                            total += 1
                            off = v["offset"] + done + i
                            if runs and runs[-1][0] + runs[-1][1] == off:
                                runs[-1][1] += 1
                            elif len(runs) < max_runs:
                                runs.append([off, 1])
                done += n
    return total, runs


def trim_header(data, seg):
    """The committed form of an elfcorehdr segment read from guest RAM:
    round_up(max(end of the phdrs, last non-zero byte + 1), 4096) bytes.
    Returns (bytes, phnum, used bytes, tail_zero)."""
    import struct
    phnum = struct.unpack_from("<H", data, 56)[0]
    phend = 64 + 56 * phnum
    last = len(data.rstrip(b"\0"))
    hlen = (max(phend, last) + 4095) & ~4095
    body = data[:hlen] + b"\0" * max(0, hlen - len(data))
    tail_zero = None
    if seg is not None:
        tail_zero = not any(data[hlen:seg]) if seg > hlen else True
    if tail_zero is False:
        raise SystemExit("elfcorehdr segment has non-zero bytes past %d (segment %d)" % (hlen, seg))
    return body, phnum, max(phend, last), tail_zero


# ------------------------------------------------------------------ drive --
class Qmp:
    """Minimal QMP client (docs/interop/qmp-spec.rst in QEMU): one JSON object
    per line; replies carry "return" or "error", asynchronous ones "event"."""

    def __init__(self, path, deadline):
        import socket
        import time
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline:
                    raise SystemExit("QMP socket %s did not come up" % path)
                time.sleep(0.2)
        self.sock.settimeout(60)
        self.buf = b""
        self.events = []
        self._line()  # greeting
        self.cmd("qmp_capabilities")

    def _line(self):
        while b"\n" not in self.buf:
            d = self.sock.recv(65536)
            if not d:
                raise SystemExit("QMP connection closed")
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._line()
            if "event" in r:
                self.events.append(r)
                continue
            return r


def wait_marker(console, pattern, deadline, qemu_pid=None):
    """Wait for a console line matching pattern; returns the match."""
    import time
    pat = re.compile(pattern)
    while True:
        if qemu_pid:
            # run.sh waits for it only after us: an exited QEMU is a zombie
            try:
                state = open("/proc/%d/stat" % qemu_pid).read().rsplit(")", 1)[1].split()[0]
            except OSError:
                state = "gone"
            if state in ("Z", "X", "gone"):
                raise SystemExit("QEMU (pid %d) exited while waiting for %r" % (qemu_pid, pattern))
        try:
            with open(console, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            text = ""
        m = pat.search(text)
        if m:
            return m
        f = re.search(r"BENCH: FAIL (.*)", text)
        if f:
            raise SystemExit("guest failed: " + f.group(1).strip())
        if time.time() > deadline:
            raise SystemExit("timeout waiting for %r on the console" % pattern)
        time.sleep(0.2)


def find_elfcorehdr(pm, start, end):
    """The elfcorehdr segment is the page-aligned ELF64 ET_CORE in the crash
    kernel region (kernel/crash_core.c crash_handle_hotplug_event finds it the
    same way: the segment starting with ELFMAG)."""
    import struct
    with open(pm, "rb") as f:
        for addr in range(start, end, 4096):
            f.seek(addr)
            h = f.read(18)
            if h[:7] == b"\x7fELF\x02\x01\x01" and struct.unpack_from("<H", h, 16)[0] == 4:
                return addr
    raise SystemExit("no ELF core header in the crash kernel region %#x-%#x" % (start, end))


def purgatory_digest(pm, daddr, raddr, save=None):
    """kexec-tools purgatory's digest table (purgatory/purgatory.c
    verify_sha256_digest): struct sha256_region {u64 start, len} regions[16]
    at sha256_regions, u8 sha256_digest[32]; purgatory hashes the regions in
    table order. Returns the table, the stored digest and whether the RAM
    file's current bytes still hash to it."""
    import hashlib
    import struct
    with open(pm, "rb") as f:
        f.seek(daddr)
        digest = f.read(32)
        f.seek(raddr)
        raw = f.read(256)
        regions = [struct.unpack_from("<QQ", raw, 16 * i) for i in range(16)]
        h = hashlib.sha256()
        files = []
        for i, (start, ln) in enumerate(regions):
            if ln:
                f.seek(start)
                b = f.read(ln)
                h.update(b)
                if save:
                    # the digested bytes at load time, for `vmcorekit hotplug digest`
                    files.append("%s-%d.bin" % (save[1], i))
                    with open(os.path.join(save[0], files[-1]), "wb") as o:
                        o.write(b)
    r = {"digest": digest.hex(), "regions": [{"start": s_, "len": l_} for s_, l_ in regions if l_],
         "verifies": h.digest() == digest}
    if save:
        r["region_files"] = files
    return r


def drive(a):
    """Host side of the hotplug-event scenario: at the guest's "hotplug-ready"
    keep the pre-event elfcorehdr segment (read from the shared RAM file),
    try a CPU hot-add, then hot-add a DIMM whose RAM is a shared file in the
    work dir, and record what QEMU answered in hotplug-host.json."""
    import time
    W = a.work
    deadline = time.time() + a.timeout
    rec = {"dimm_mib": a.dimm_mib}
    q = None
    try:
        q = Qmp(os.path.join(W, "qmp.sock"), deadline)
        m = wait_marker(os.path.join(W, "console.log"),
                        r"BENCH: stage=hotplug-ready crashk=([0-9a-f]+)-([0-9a-f]+) "
                        r"elfcorehdr_size=(\d+) dimm_mib=\d+(?: purgatory=([0-9a-f]+),([0-9a-f]+))?",
                        deadline, a.qemu_pid)
        ck0, ck1, esz = int(m.group(1), 16), int(m.group(2), 16) + 1, int(m.group(3))
        # Only 1 GiB of low RAM: physmem.bin offset = paddr (qemu_pc_layout).
        pm = os.path.join(W, "physmem.bin")
        purg = (int(m.group(4), 16), int(m.group(5), 16)) if m.group(4) else None
        if purg:
            rec["purgatory_digest"] = {"sha256_digest": purg[0], "sha256_regions": purg[1],
                                       "before": purgatory_digest(pm, *purg, save=(W, "region"))}
        addr = find_elfcorehdr(pm, ck0, ck1)
        # Segment memsz: kexec_file: Ehdr + crash_elfcorehdr_size
        # (arch/x86/kernel/crash.c crash_load_segments); kexec-tools
        # --hotplug: ALIGN(crash_elfcorehdr_size, 1024)
        # (kexec/arch/i386/crashdump-x86.c load_crashdump_segments).
        seg = max(64 + esz, (esz + 1023) & ~1023)

        def keep_header(name):
            with open(pm, "rb") as f:
                f.seek(addr)
                data = f.read(seg)
            with open(os.path.join(W, name + "-elfcorehdr.seg"), "wb") as f:
                f.write(data)
            rec[name + "_elfcorehdr"] = {"addr": addr, "segment_size": seg,
                                         "file": name + "-elfcorehdr.seg"}
        keep_header("pre")

        # CPU hot-add: the first slot QEMU reports as empty.
        hp = q.cmd("query-hotpluggable-cpus").get("return", [])
        free = [c for c in hp if "qom-path" not in c]
        rec["hotpluggable_cpus"] = hp
        if free and a.cpu_hotadd:
            c = free[-1]
            args = dict(driver=c["type"], id="hpcpu")
            args.update(c["props"])
            r = q.cmd("device_add", **args)
            rec["cpu_device_add"] = {"args": args, "reply": r}
        else:
            rec["cpu_device_add"] = {"args": None, "reply": "not tried (BENCH_CPU_HOTADD=0)"
                                     if free else "no empty CPU slot"}

        # "go": the guest waits for vdc (kdump.img, unused by the first
        # kernel) to grow, so nothing changes before the header is kept.
        blk = q.cmd("query-block").get("return", [])
        dev = [b["device"] for b in blk
               if b.get("inserted", {}).get("file", "").endswith("/kdump.img")]
        if not dev:
            raise SystemExit("kdump.img not in query-block: %s" % blk)
        r = q.cmd("block_resize", device=dev[0], size=65 << 20)
        if "error" in r:
            raise SystemExit("block_resize %s: %s" % (dev[0], r))
        m = wait_marker(os.path.join(W, "console.log"),
                        r"BENCH: stage=hotplug-cpu-done events=([^\r\n]*)", deadline, a.qemu_pid)
        rec["guest_cpu_events"] = m.group(1).split()
        keep_header("cpu")
        # DIMM: RAM in a shared file so the host sees its bytes.
        def plug_dimm(n, mib):
            dimm = os.path.join(W, "dimm%d.bin" % n)
            r1 = q.cmd("object-add", **{"qom-type": "memory-backend-file", "id": "dimm%dmem" % n,
                                         "size": mib << 20, "mem-path": dimm, "share": True})
            r2 = q.cmd("device_add", driver="pc-dimm", id="dimm%d" % n, memdev="dimm%dmem" % n)
            if "error" in r1 or "error" in r2:
                raise SystemExit("DIMM hot-add refused: %s %s" % (r1, r2))
            md = q.cmd("query-memory-devices").get("return", [])
            rec["memory_devices"] = md
            d = [x["data"] for x in md if x.get("data", {}).get("id") == "dimm%d" % n]
            if not d:
                raise SystemExit("dimm%d not in query-memory-devices: %s" % (n, md))
            rec["dimm"] = {"file": "dimm%d.bin" % n, "paddr": d[0]["addr"], "size": d[0]["size"],
                           "slot": d[0].get("slot")}
        plug_dimm(0, a.dimm_mib)
        if a.remove:
            # The guest offlined the DIMM's blocks (MEM_OFFLINE: the kernel
            # regenerated the header); keep it, unplug the DIMM, keep the
            # header again; with --remove 2 plug a second DIMM of half the
            # size (its MEM_ONLINE regenerates the header once more).
            m = wait_marker(os.path.join(W, "console.log"),
                            r"BENCH: stage=hotplug-offline-done events=([^\r\n]*)",
                            deadline, a.qemu_pid)
            rec["guest_events_offline"] = m.group(1).split()
            keep_header("offline")
            r = q.cmd("device_del", id="dimm0")
            if "error" in r:
                raise SystemExit("device_del dimm0: %s" % r)
            rec["device_del"] = r
            wait_marker(os.path.join(W, "console.log"), r"BENCH: stage=hotplug-removed",
                        deadline, a.qemu_pid)
            keep_header("removed")
            rec["removed_dimm"] = dict(rec["dimm"])
            rec["memory_devices_after_remove"] = q.cmd("query-memory-devices").get("return", [])
            if a.remove == 2:
                plug_dimm(1, a.dimm_mib // 2)
        m = wait_marker(os.path.join(W, "console.log"), r"BENCH: stage=hotplug-done events=([^\r\n]*)",
                        deadline, a.qemu_pid)
        rec["guest_events"] = m.group(1).split()
        if purg:
            rec["purgatory_digest"]["after"] = purgatory_digest(pm, *purg)
        rec["qmp_events"] = q.events
    except BaseException as e:
        rec["error"] = str(e)
        if q is not None:
            try:
                q.cmd("quit")
            except (OSError, SystemExit, ValueError):
                pass
        raise
    finally:
        with open(os.path.join(W, "hotplug-host.json"), "w") as f:
            json.dump(rec, f, indent=1)
            f.write("\n")


def hotplug_post(a, W, first, OUT):
    """612-hotplug-event: the pre-event sysroot, the DIMM's backend file and
    the event list (guest's view checked against QEMU's)."""
    rd = lambda n: open(os.path.join(first, n), errors="replace").read()
    host = json.load(open(os.path.join(W, "hotplug-host.json")))
    dimm = host["dimm"]
    dfile = os.path.join(W, dimm["file"])
    if os.path.getsize(dfile) != dimm["size"]:
        raise SystemExit("%s is %d bytes, QEMU says %d" % (dfile, os.path.getsize(dfile), dimm["size"]))
    events = rd("hotplug/events").split()
    want = "add-memory:%#x-%#x" % (dimm["paddr"], dimm["paddr"] + dimm["size"] - 1)  # END inclusive
    if want not in events:
        raise SystemExit("guest events %s lack the DIMM QEMU placed (%s)" % (events, want))
    if events != host["guest_events"]:
        raise SystemExit("events file %s != console marker %s" % (events, host["guest_events"]))
    os.makedirs(os.path.join(OUT, "pre-event"))
    shutil.copytree(os.path.join(first, "pre-event", "sysroot"),
                    os.path.join(OUT, "pre-event", "sysroot"))
    cpu_add = host.get("cpu_device_add")
    meta = {
        "events": events,
        "events_note": "in the order the guest made them; `vmcorekit hotplug apply "
                       "--sysroot pre-event/sysroot --event E...` syntax, memory [start, end)",
        "dimm": {"paddr": dimm["paddr"], "size": dimm["size"], "slot": dimm.get("slot"),
                 "file": "tests/kernel/cache/%s/%s" % (a.name, dimm["file"]),
                 "qemu": "object-add memory-backend-file share=on + device_add pc-dimm (QMP)",
                 "blocks_onlined_by": "init" if os.path.exists(
                     os.path.join(first, "hotplug/onlined-by-init")) else "kernel (auto-online)"},
        "cpu_hotadd": {
            "tried": bool(cpu_add and cpu_add.get("args")),
            "device_add": cpu_add,
            "present_before": rd("hotplug/cpu-present-before").strip(),
            "present_after": rd("hotplug/cpu-present-after").strip(),
            "possible": rd("hotplug/cpu-possible").strip(),
            "guest_log": [l for l in rd("hotplug/dmesg-cpu.txt").splitlines()
                          if re.search(r"lapic|hotplug CPU|Allowing", l)],
        },
        "cpu_online_while_offline": rd("hotplug/cpu-online-while-offline").strip(),
        "purgatory_digest": host.get("purgatory_digest"),
        "pre_event": {"sysroot": "pre-event/sysroot",
                      "sysroot_missing": [l.strip() for l in rd("pre-event/missing.txt").splitlines()
                                          if l.strip()]},
    }
    extra = [{"file": meta["dimm"]["file"], "file_offset": 0, "paddr": dimm["paddr"],
              "size": dimm["size"]}]
    return {"meta": meta, "extra_files": extra, "host": host, "work": W}


def hotplug_pre_header(hp, addr, seg, seg_src, OUT):
    """The elfcorehdr before the events and after the CPU events (before the
    DIMM), read by bench.py drive."""
    host = hp["host"]
    cpu = host["cpu_elfcorehdr"]
    with open(os.path.join(hp["work"], cpu["file"]), "rb") as f:
        data = f.read()[:seg] if seg else f.read()
    body, phnum, used, tail_zero = trim_header(data, seg or cpu["segment_size"])
    os.makedirs(os.path.join(OUT, "cpu-events"))
    with open(os.path.join(OUT, "cpu-events", "elfcorehdr.bin"), "wb") as f:
        f.write(body)
    cc.parse_core(body, "elfcorehdr after the CPU events")
    hp["meta"]["cpu_events"] = {
        "events": host["guest_cpu_events"], "elfcorehdr": "cpu-events/elfcorehdr.bin",
        "elfcorehdr_len": len(body), "elfcorehdr_phnum": phnum, "elfcorehdr_used_bytes": used,
        "elfcorehdr_tail_zero": tail_zero,
        "read": "from physmem.bin by bench.py drive at the guest's hotplug-cpu-done marker, "
                "before the DIMM"}
    if "removed_elfcorehdr" in host:
        # hotplug-remove: the header after the DIMM's blocks went offline
        # and after device_del took it away.
        os.makedirs(os.path.join(OUT, "remove"))
        rd_ = lambda n: open(os.path.join(hp["work"], "first", "hotplug", n)).read()
        rm = {"events_before_remove": rd_("events-before-remove").split(),
              "events_at_offline": host["guest_events_offline"],
              "removed_dimm": host["removed_dimm"],
              "readded": "removed_dimm" in host and host["removed_dimm"] != host["dimm"],
              "iomem_offline": "remove/iomem-offline", "iomem_removed": "remove/iomem-removed",
              "device_del": host["device_del"],
              "memory_devices_after": host["memory_devices_after_remove"]}
        for stage in ("offline", "removed"):
            h = host[stage + "_elfcorehdr"]
            with open(os.path.join(hp["work"], h["file"]), "rb") as f:
                data = f.read()[:seg] if seg else f.read()
            body, phnum, used, tail_zero = trim_header(data, seg or h["segment_size"])
            with open(os.path.join(OUT, "remove", stage + "-elfcorehdr.bin"), "wb") as f:
                f.write(body)
            cc.parse_core(body, "elfcorehdr after " + stage)
            rm[stage] = {"elfcorehdr": "remove/%s-elfcorehdr.bin" % stage,
                         "elfcorehdr_len": len(body), "elfcorehdr_phnum": phnum}
        first = os.path.join(hp["work"], "first", "hotplug")
        for n in ("iomem-offline", "iomem-removed"):
            shutil.copy(os.path.join(first, n), os.path.join(OUT, "remove", n))
        rm["read"] = ("from physmem.bin by bench.py drive at the guest's hotplug-offline-done "
                      "and hotplug-removed markers")
        hp["meta"]["remove"] = rm
    pre = host["pre_elfcorehdr"]
    if pre["addr"] != addr:
        raise SystemExit("pre-event elfcorehdr found at %#x, kdump cmdline says %#x" % (pre["addr"], addr))
    with open(os.path.join(hp["work"], pre["file"]), "rb") as f:
        data = f.read()
    if len(data) != pre["segment_size"]:
        raise SystemExit("pre-event segment: %d bytes read, %d expected" % (len(data), pre["segment_size"]))
    if seg:
        data = data[:seg]
    body, phnum, used, tail_zero = trim_header(data, seg or pre["segment_size"])
    with open(os.path.join(OUT, "pre-event", "elfcorehdr.bin"), "wb") as f:
        f.write(body)
    cc.parse_core(body, "pre-event elfcorehdr")
    hp["meta"]["pre_event"].update({
        "elfcorehdr": "pre-event/elfcorehdr.bin", "elfcorehdr_len": len(body),
        "elfcorehdr_phnum": phnum, "elfcorehdr_used_bytes": used,
        "elfcorehdr_segment_size": seg,
        "elfcorehdr_segment_size_source": seg_src,
        "elfcorehdr_tail_zero": tail_zero,
        "read": "from physmem.bin by bench.py drive at the guest's hotplug-ready marker"})


def post(a):
    W, OUT = a.work, a.out
    first, kd = os.path.join(W, "first"), os.path.join(W, "kdump")
    shutil.rmtree(first, ignore_errors=True)
    shutil.rmtree(kd, ignore_errors=True)
    untar_image(os.path.join(W, "capture.img"), first)
    untar_image(os.path.join(W, "kdump.img"), kd)
    rd = lambda d, n: open(os.path.join(d, n), errors="replace").read()

    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    shutil.copytree(os.path.join(first, "sysroot"), os.path.join(OUT, "sysroot"))
    missing = [l.strip() for l in rd(first, "missing.txt").splitlines() if l.strip()]
    # ppc64: /proc/device-tree's own listing (readdir: kernfs order), the
    # order kexec-tools walked the memory nodes in
    if os.path.exists(os.path.join(first, "dt-readdir.txt")):
        shutil.copy(os.path.join(first, "dt-readdir.txt"), os.path.join(OUT, "dt-readdir.txt"))
    # The flattened device tree (arm64: QEMU's blob, 1 MiB unpacked) stays in
    # the cache: kexec-tools reads it only to make the kdump kernel's DTB,
    # not the elfcorehdr, and it would take a fifth of the captures' budget.
    cache_only = {}
    fdt = os.path.join(OUT, "sysroot", "sys", "firmware", "fdt")
    if os.path.exists(fdt):
        cache_only["sys/firmware/fdt"] = {
            "file": "tests/kernel/cache/%s/first/sysroot/sys/firmware/fdt" % a.name,
            "size": os.path.getsize(fdt), "sha256": sha256_file(fdt)}
        os.remove(fdt)
        os.rmdir(os.path.dirname(fdt))   # sys/firmware: nothing else in it

    # --- vmcore -------------------------------------------------------------
    vsize = int(rd(kd, "vmcore-size.txt").strip())
    if rd(kd, "dd-rc.txt").strip() != "0":
        raise SystemExit("dd of /proc/vmcore failed: " + rd(kd, "dd.txt"))
    vimg, vbin = os.path.join(W, "vmcore.img"), os.path.join(W, "vmcore.bin")
    if os.path.exists(vimg) or not os.path.exists(vbin):
        os.replace(vimg, vbin)
    os.truncate(vbin, vsize)
    vsha = sha256_file(vbin)
    with open(os.path.join(OUT, "vmcore.sha256"), "w") as f:
        f.write("%s  vmcore.bin\n" % vsha)
    with open(vbin, "rb") as f:
        head = f.read(VMCORE_HEAD_MAX)
    veh, vph = cc.parse_core(head, "vmcore", cc.EM[a.arch])
    # Commit only the non-memory part of the vmcore head (ELF header, program
    # headers, merged notes): up to the first PT_LOAD's data, page aligned.
    # The full first MiB would blow the 5 MB budget for committed captures.
    data_start = min(p["offset"] for p in vph if p["type"] == cc.PT_LOAD)
    head = head[:min(VMCORE_HEAD_MAX, (data_start + 4095) & ~4095)]
    with open(os.path.join(OUT, "vmcore-head.bin"), "wb") as f:
        f.write(head)
    r = subprocess.run(["readelf", "-lnW", "vmcore.bin"], cwd=W, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("readelf -lnW vmcore.bin failed: " + r.stderr)
    with open(os.path.join(OUT, "readelf.txt"), "w") as f:
        f.write(r.stdout)

    # --- physmem layout -----------------------------------------------------
    ram = a.ram_mib << 20
    pm = os.path.join(W, "physmem.bin")
    if os.path.getsize(pm) != ram:
        raise SystemExit("physmem.bin is %d bytes, expected %d" % (os.path.getsize(pm), ram))
    layout = qemu_pc_layout(ram) if a.arch == "amd64" else flat_layout(ram, int(a.ram_base, 0))
    iomem = rd(first, "sysroot/proc/iomem")
    sysram = iomem_ranges(iomem)
    hp = hotplug_post(a, W, first, OUT) if a.opts.startswith("hotplug-") else None
    extra = hp["extra_files"] if hp else []
    for s, e in sysram:
        if any(x["paddr"] <= s and e + 1 <= x["paddr"] + x["size"] for x in extra):
            continue  # a hot-added DIMM, in its own backend file
        p2off(layout, s, e + 1 - s)  # raises if not covered
    sysram_base = [(s, e) for s, e in sysram
                   if not any(x["paddr"] <= s <= x["paddr"] + x["size"] for x in extra)]
    top = max(e + 1 for s, e in sysram_base)
    lend = layout[-1]["paddr"] + layout[-1]["size"]
    if not lend - (1 << 20) <= top <= lend:  # firmware reserves the last few pages
        raise SystemExit("System RAM top %#x does not match layout end %#x" % (top, lend))
    low_top = max(e + 1 for s, e in sysram_base if e < 1 << 32)
    if low_top > layout[0]["paddr"] + layout[0]["size"]:
        raise SystemExit("System RAM below 4G ends at %#x beyond lowmem" % low_top)

    # --- elfcorehdr ---------------------------------------------------------
    kcmd = rd(kd, "cmdline").strip()
    with open(os.path.join(OUT, "kdump-cmdline"), "w") as f:
        f.write(kcmd + "\n")
    m = re.search(r"(?:^| )elfcorehdr=(\S+)", kcmd)
    dt_elfcorehdr = os.path.join(kd, "chosen-linux,elfcorehdr")
    dt_size = None
    if m:
        val, rest = memparse(m.group(1))
        if rest.startswith("@"):
            cmd_size, addr = val, memparse(rest[1:])[0]
        else:
            cmd_size, addr = None, val
    elif os.path.exists(dt_elfcorehdr):
        # arm64: the address is in the kdump kernel's device tree
        cmd_size = None
        addr, dt_size = chosen_reg(dt_elfcorehdr)
    else:
        raise SystemExit("kdump kernel: no elfcorehdr= and no /chosen/linux,elfcorehdr")
    kdmesg = rd(kd, "dmesg")
    e820 = parse_e820(kdmesg)
    seg, seg_src = segment_from_e820(e820, addr)
    sysfs_sz = None
    p = os.path.join(first, "sysroot/sys/kernel/crash_elfcorehdr_size")
    if os.path.exists(p):
        sysfs_sz = int(open(p).read().strip())
    kexec_out = rd(first, "kexec-out.txt")
    segs = parse_kexec_segments(kexec_out)
    for mem, memsz, bufsz in segs:
        if mem == addr:
            seg, seg_src = memsz, "kexec -d segment list (bufsz %#x, memsz %#x)" % (bufsz, memsz)
    if cmd_size:
        seg, seg_src = cmd_size, "elfcorehdr=SIZE@ADDR on the kdump cmdline"
    with open(pm, "rb") as f:
        f.seek(p2off(layout, addr, 64))
        hdr = f.read(64)
        import struct
        phend = 64 + 56 * struct.unpack_from("<H", hdr, 56)[0]
        window = max(seg or 0, phend)
        f.seek(p2off(layout, addr, window))
        data = f.read(window)
    if dt_size is not None:
        # arm64: the kdump kernel reserves only the device tree's size of
        # the segment (kexec-tools passes bufsz; arch/arm64/mm/init.c
        # reserve_elfcorehdr) and reuses the rest of the page, so the bytes
        # past it are the kdump kernel's, not kexec-tools': kept as zeros,
        # which is what kexec_load wrote there (kimage_load_crash_segment).
        if dt_size < phend or dt_size > len(data):
            raise SystemExit("DT elfcorehdr size %d vs phdrs end %d, window %d" % (
                dt_size, phend, len(data)))
        data = data[:dt_size] + b"\0" * (len(data) - dt_size)
        seg_src = (seg_src or "") + "; bytes past the device tree's size %#x zeroed (the kdump kernel's)" % dt_size
    bufsz_only = None
    if dt_size is None and a.arch == "ppc64el":
        # ppc64: the same reuse (the kdump kernel reserves only the header's
        # bytes, memblock), the address on the command line: keep kexec's
        # bufsz, zeros past it as kexec_load wrote them.
        for mem, memsz, bufsz in segs:
            if mem == addr and phend <= bufsz < len(data) and any(data[bufsz:]):
                bufsz_only = bufsz
                data = data[:bufsz] + bytes(len(data) - bufsz)
                seg_src = (seg_src or "") + "; bytes past bufsz %#x zeroed (the kdump kernel's)" % bufsz
    body, phnum, used, tail_zero = trim_header(data, seg)
    hlen = len(body)
    if hp:
        hotplug_pre_header(hp, addr, seg, seg_src, OUT)
    with open(os.path.join(OUT, "elfcorehdr.bin"), "wb") as f:
        f.write(body)
    heh, hph = cc.parse_core(body, "elfcorehdr", cc.EM[a.arch])

    # Foreign captures: where the real vmcore and the RAM file disagree
    # (README.md "ppc64el (pseries)"); run-assemble.sh accepts exactly these.
    drift = ram_drift(vbin, vph, hph, pm, layout) if a.arch != "amd64" else None

    # --- console ------------------------------------------------------------
    con = open(os.path.join(W, "console.log"), "rb").read()
    cmax = CONSOLE_MAX if a.arch == "amd64" else CONSOLE_MAX_FOREIGN
    if len(con) > cmax:
        con = con[:cmax // 2] + b"\n[... console trimmed by bench.py ...]\n" + con[-cmax // 2:]
    with open(os.path.join(OUT, "console.log"), "wb") as f:
        f.write(con)

    with open(os.path.join(OUT, "kexec-output.txt"), "w") as f:
        f.write(kexec_out)

    # --- meta ---------------------------------------------------------------
    cmdline_first = rd(first, "sysroot/proc/cmdline").strip()
    ck = iomem_ranges(iomem, "Crash kernel", top_only=False)
    n_note, n_load = cc.summarize(vph)
    kexec_ver = rd(first, "kexec-version.txt").strip()
    cpuflags = rd(first, "cpuflags.txt").split(":", 1)[-1].split()
    dt = {}
    for n in ("linux,elfcorehdr", "linux,usable-memory-range"):
        p = os.path.join(kd, "chosen-" + n)
        if os.path.exists(p):
            dt[n] = open(p, "rb").read().hex()
    meta = {
        "scenario": a.name,
        "arch": a.arch,
        "kernel": {
            "package": os.path.basename(a.kernel_dir.rstrip("/")),
            "release": a.krel,
            "uname_r": rd(first, "uname-r.txt").strip(),
            "config": read_config(a.kernel_dir),
        },
        "accel": a.accel,
        "qemu_machine": a.machine,
        # no paths of the machine that ran it (as panic_post)
        "qemu_cmdline": open(os.path.join(W, "qemu-cmd.txt")).read().strip().replace(
            os.path.dirname(os.path.abspath(W)), "tests/kernel/cache"),
        "cpus": a.cpus,
        "maxcpus": 4 if a.opts.startswith("hotplug") else a.cpus,
        "hotplug": a.opts.startswith("hotplug"),
        "ram_bytes": ram,
        "la57": "la57" in cpuflags,
        "first_cmdline": cmdline_first,
        "crashkernel_ranges": [{"start": s, "end": e + 1} for s, e in ck],
        "physmem": {
            "file": "tests/kernel/cache/%s/physmem.bin" % a.name,
            "size": ram,
            "layout": layout,
            "system_ram": [{"start": s, "end": e + 1} for s, e in sysram],
            "layout_verified_against_iomem": True,
            "note": "file_offset..file_offset+size of physmem.bin holds guest paddr..paddr+size; "
                    "read after QEMU exited, i.e. after the kdump kernel ran (it only writes inside "
                    "the crashkernel region and, on x86, the low 640 KiB)",
            "extra_files": extra,
        },
        "load_method": "kexec_file_load" if a.method == "file" else "kexec_load",
        "kexec_cmd": rd(first, "kexec-cmd.txt").strip(),
        "kexec_output_file": "kexec-output.txt",
        "kexec_segments": [{"mem": m_, "memsz": z_, "bufsz": b_} for m_, z_, b_ in segs],
        "kexec_tools_version": kexec_ver,
        "kdump_cmdline": kcmd,
        "kdump_dt_chosen": dt or None,
        "elfcorehdr_addr": addr,
        "elfcorehdr_len": hlen,
        "elfcorehdr_phnum": phnum,
        "elfcorehdr_used_bytes": used,
        "elfcorehdr_segment_size": seg,
        "elfcorehdr_segment_size_source": seg_src,
        "crash_elfcorehdr_size_sysfs": sysfs_sz,
        "elfcorehdr_tail_zero": tail_zero,
        "elfcorehdr_reused_past_bufsz": bufsz_only,
        "vmcore_ram_drift": None if drift is None else {
            "bytes": drift[0], "runs": drift[1],
            "note": "real vmcore bytes (file offset, length) that differ from physmem.bin "
                    "read at QEMU's exit: changed after the kdump kernel read them"},
        "kdump_e820": [{"start": s, "end": e + 1, "type": t} for s, e, t in e820],
        "vmcore_size": vsize,
        "vmcore_sha256": vsha,
        "vmcore_file": "tests/kernel/cache/%s/vmcore.bin" % a.name,
        "vmcore_head_len": len(head),
        "vmcore_pt_note": n_note,
        "vmcore_pt_load": n_load,
        "elfcorehdr_pt_load": cc.summarize(hph)[1],
        "sysroot_missing": missing,
        "sysroot_cache_only": cache_only or None,
        "hotplug_event": hp["meta"] if hp else None,
        "wall_time_s": a.wall,
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with open(os.path.join(OUT, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=False)
        f.write("\n")
    msg = cc.check_capture(OUT, os.path.dirname(W))
    sys.stderr.write("[bench] %s: %s\n" % (a.name, msg))
    print("%s %s %s %d %dM %d %d %d %.1fs" % (a.name, a.krel, a.accel, a.cpus, a.ram_mib,
                                           n_note, n_load, vsize, a.wall))


# ------------------------------------------------------- panic (no kdump) --
def qemu_q35_layout(ram):
    """QEMU 'q35' RAM layout for one memory backend file (hw/i386/pc_q35.c
    pc_q35_init: lowmem 0x80000000 when RAM >= 0xb0000000, else 0xb0000000;
    the rest of the backend file is mapped at 4 GiB)."""
    lowmem = 0x80000000 if ram >= 0xB0000000 else 0xB0000000
    layout = [dict(file_offset=0, paddr=0, size=min(ram, lowmem))]
    if ram > lowmem:
        layout.append(dict(file_offset=lowmem, paddr=1 << 32, size=ram - lowmem))
    return layout


def panic_drive(a):
    """Host side of a no-kdump panic scenario: once the guest said
    "panicking", wait for QEMU to pause on pvpanic's event (status
    guest-panicked), save `info registers -a` verbatim (HMP), run QEMU's own
    dump-guest-memory of the same guest (timed) and quit. The RAM backend
    file then holds the guest's memory at the panic."""
    import time
    W = a.work
    deadline = time.time() + a.timeout
    q = Qmp(os.path.join(W, "qmp.sock"), deadline)
    m = wait_marker(os.path.join(W, "console.log"),
                    r"BENCH: stage=panicking vmcoreinfo=(\S+)(?: stoppers=(\S*))?", deadline, a.qemu_pid)
    rec = {"guest_vmcoreinfo": m.group(1)}
    stoppers = [tuple(int(x, 16) for x in r.split("-")) for r in (m.group(2) or "").split(",") if r]
    t_panic = None
    while True:
        st = q.cmd("query-status")["return"]
        if st["status"] == "guest-panicked":
            t_panic = time.time()
            break
        if time.time() > deadline:
            raise SystemExit("QEMU never reached guest-panicked (status %s)" % st["status"])
        time.sleep(0.2)
    rec["status"] = st
    rec["events"] = [e for e in q.events if e.get("event") in ("GUEST_PANICKED", "STOP")]
    rec["cpus"] = q.cmd("query-cpus-fast")["return"]
    hmp = lambda c: q.cmd("human-monitor-command", **{"command-line": c})["return"]
    # The pause comes in pvpanic's panic notifier, a module: its frames
    # are where the panic CPU stopped.  Keep those registers, then let the
    # guest run on into panic()'s final loop (core kernel code, after
    # "---[ end Kernel panic") and stop it again: the registers, the RAM
    # file and QEMU's dump are all taken at that second stop.
    with open(os.path.join(W, "registers-pvpanic.txt"), "w") as f:
        f.write(hmp("info registers -a"))
    q.cmd("cont")
    wait_marker(os.path.join(W, "console.log"), r"---\[ end Kernel panic", deadline, a.qemu_pid)
    time.sleep(1)
    # The stop lands wherever the loop is.  At the entry of a retpoline or
    # return thunk (arch/x86/lib/retpoline.S: UNWIND_HINT_EMPTY/UNDEFINED,
    # ORC "end of stack") no unwinder gets past frame 0, and drgn's crashed
    # thread shows that one frame: resume a moment and stop again.
    rec["stoppers"] = len(stoppers)
    rec["stops"] = []
    for _ in range(40):
        q.cmd("stop")
        regs = hmp("info registers -a")
        bad = ["%#x" % r for r in (int(x, 16) for x in re.findall(r"^RIP=([0-9a-f]+)", regs, re.M))
               if any(s <= r < e for s, e in stoppers)]
        rec["stops"].append(bad or "ok")
        if not bad:
            break
        q.cmd("cont")
        time.sleep(0.05 + 0.01 * len(rec["stops"]))
    else:
        raise SystemExit("every stop landed in a thunk: %s" % rec["stops"])
    with open(os.path.join(W, "registers.txt"), "w") as f:
        f.write(regs)
    dump = os.path.join(W, "qemu-dump.elf")
    q.sock.settimeout(max(60, deadline - time.time()))
    t0 = time.time()
    r = q.cmd("dump-guest-memory", paging=False, protocol="file:" + dump)
    t1 = time.time()
    if "error" in r:
        raise SystemExit("dump-guest-memory: %s" % r["error"])
    rec["dump_guest_memory"] = {"file": "qemu-dump.elf", "paging": False, "time_s": round(t1 - t0, 3),
                                "size": os.path.getsize(dump), "reply": r}
    rec["seconds_paused_before_dump"] = round(t0 - t_panic, 3)
    with open(os.path.join(W, "panic-host.json"), "w") as f:
        json.dump(rec, f, indent=1)
        f.write("\n")
    q.cmd("quit")


def panic_post(a):
    """Capture of a no-kdump panic scenario: the guest's sysroot (taken
    before the panic), `info registers -a`, the head of QEMU's dump (ELF
    header, program headers, notes) and meta.json."""
    W, OUT = a.work, a.out
    first = os.path.join(W, "first")
    shutil.rmtree(first, ignore_errors=True)
    untar_image(os.path.join(W, "capture.img"), first)
    rd = lambda n: open(os.path.join(first, n), errors="replace").read()
    host = json.load(open(os.path.join(W, "panic-host.json")))
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    shutil.copytree(os.path.join(first, "sysroot"), os.path.join(OUT, "sysroot"))
    for n in ("registers.txt", "registers-pvpanic.txt"):
        shutil.copy(os.path.join(W, n), os.path.join(OUT, n))
    ram = a.ram_mib << 20
    pm = os.path.join(W, "physmem.bin")
    if os.path.getsize(pm) != ram:
        raise SystemExit("physmem.bin is %d bytes, expected %d" % (os.path.getsize(pm), ram))
    layout = qemu_q35_layout(ram) if a.machine == "q35" else qemu_pc_layout(ram)
    sysram = iomem_ranges(rd("sysroot/proc/iomem"))
    for s_, e_ in sysram:
        p2off(layout, s_, e_ + 1 - s_)  # raises if not covered
    top = max(e_ + 1 for s_, e_ in sysram)
    lend = layout[-1]["paddr"] + layout[-1]["size"]
    if not lend - (1 << 20) <= top <= lend:
        raise SystemExit("System RAM top %#x does not match layout end %#x" % (top, lend))
    # /sys/kernel/vmcoreinfo: "%lx %x" of paddr_vmcoreinfo_note and its size
    # (kernel/ksysfs.c vmcoreinfo_show)
    vi = rd("sysroot/sys/kernel/vmcoreinfo").split()
    vaddr, vsize = int(vi[0], 16), int(vi[1], 16)
    # QEMU's dump: keep only its head (no guest memory in git)
    dump = os.path.join(W, "qemu-dump.elf")
    with open(dump, "rb") as f:
        head = f.read(VMCORE_HEAD_MAX)
    # QEMU 7.2 writes e_ehsize 8 (sizeof a pointer, dump/dump.c
    # prepare_elf64_header): parse the program headers without that check
    import struct
    phoff, = struct.unpack_from("<Q", head, 32)
    phnum, = struct.unpack_from("<H", head, 56)
    ehsize, = struct.unpack_from("<H", head, 52)
    dph = [dict(zip(("type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align"),
                    struct.unpack_from("<IIQQQQQQ", head, phoff + 56 * i))) for i in range(phnum)]
    data_start = min(p["offset"] for p in dph if p["type"] == cc.PT_LOAD)
    head = head[:min(VMCORE_HEAD_MAX, data_start)]
    with open(os.path.join(OUT, "qemu-dump-head.bin"), "wb") as f:
        f.write(head)
    r = subprocess.run(["readelf", "-lnW", dump], capture_output=True, text=True)
    with open(os.path.join(OUT, "qemu-dump-readelf.txt"), "w") as f:
        f.write(r.stdout.replace(dump, "qemu-dump.elf"))
    con = open(os.path.join(W, "console.log"), "rb").read()
    panic_lines = [l.decode("utf-8", "replace").strip() for l in con.splitlines()
                   if b"Kernel panic - not syncing" in l]
    if not panic_lines:
        raise SystemExit("no panic line on the console")
    if len(con) > CONSOLE_MAX:
        con = con[:CONSOLE_MAX // 2] + b"\n[... console trimmed by bench.py ...]\n" + con[-CONSOLE_MAX // 2:]
    with open(os.path.join(OUT, "console.log"), "wb") as f:
        f.write(con)
    regs = open(os.path.join(W, "registers.txt")).read()
    ncpu = len(re.findall(r"^CPU#\d+", regs, re.M))
    if ncpu != a.cpus:
        raise SystemExit("info registers -a shows %d CPUs, expected %d" % (ncpu, a.cpus))
    meta = {
        "scenario": a.name,
        "kind": "panic-no-kdump",
        "kernel": {"package": os.path.basename(a.kernel_dir.rstrip("/")), "release": a.krel,
                   "uname_r": rd("uname-r.txt").strip(), "config": read_config(a.kernel_dir)},
        "accel": a.accel,
        "qemu_machine": a.machine,
        # no paths of the machine that ran it: the cache dir becomes
        # tests/kernel/cache, as the physmem file names below
        "qemu_cmdline": open(os.path.join(W, "qemu-cmd.txt")).read().strip().replace(
            os.path.dirname(os.path.abspath(W)), "tests/kernel/cache"),
        "vmcoreinfo_device": bool(a.vmcoreinfo_device),
        "fw_cfg_etc": rd("fw_cfg-etc.txt").split(),
        "cpus": a.cpus,
        "ram_bytes": ram,
        "physmem": {"file": "tests/kernel/cache/%s/physmem.bin" % a.name, "size": ram,
                    "layout": layout,
                    "system_ram": [{"start": s_, "end": e_ + 1} for s_, e_ in sysram],
                    "layout_verified_against_iomem": True,
                    "note": "the RAM backend file at the pvpanic pause, read after QEMU quit"},
        "vmcoreinfo_note": {"paddr": vaddr, "size": vsize,
                            "source": "sysroot/sys/kernel/vmcoreinfo, read before the panic"},
        "registers_file": "registers.txt",
        "registers_note": "registers.txt: `info registers -a` at the second stop, in panic()'s "
                          "final loop, when the RAM file and QEMU's dump were taken; "
                          "registers-pvpanic.txt: at the pvpanic pause (QEMU -action panic=pause)",
        "panic_line": panic_lines[-1],
        "qemu_dump": {"file": "tests/kernel/cache/%s/qemu-dump.elf" % a.name,
                      "size": os.path.getsize(dump), "sha256": sha256_file(dump),
                      "head_file": "qemu-dump-head.bin", "head_len": len(head),
                      "pt_load": sum(1 for p in dph if p["type"] == cc.PT_LOAD),
                      "has_vmcoreinfo_note": b"VMCOREINFO\0" in head,
                      "e_ehsize": ehsize,
                      "dump_guest_memory_s": host["dump_guest_memory"]["time_s"],
                      "paging": False},
        "qmp": {"status": host["status"], "events": host["events"], "cpus": host["cpus"],
                "thunk_ranges": host.get("stoppers"), "stops": host.get("stops")},
        "wall_time_s": a.wall,
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with open(os.path.join(OUT, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print("%s %s %s %d %dM %s vmcoreinfo-device=%d qemu-dump %.2fs %.1fs" % (
        a.name, a.krel, a.accel, a.cpus, a.ram_mib, a.machine, a.vmcoreinfo_device,
        host["dump_guest_memory"]["time_s"], a.wall))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("post")
    p.add_argument("--name", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--kernel-dir", required=True)
    p.add_argument("--krel", required=True)
    p.add_argument("--accel", required=True)
    p.add_argument("--cpus", type=int, required=True)
    p.add_argument("--ram-mib", type=int, required=True)
    p.add_argument("--method", required=True)
    p.add_argument("--opts", default="-")
    p.add_argument("--wall", type=float, required=True)
    p.add_argument("--arch", default="amd64", choices=sorted(cc.EM))
    p.add_argument("--machine", default="pc")
    p.add_argument("--ram-base", default="0")
    p = sub.add_parser("drive")
    p.add_argument("--work", required=True)
    p.add_argument("--dimm-mib", type=int, required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--cpu-hotadd", type=int, default=0)
    p.add_argument("--qemu-pid", type=int, default=0)
    p.add_argument("--remove", type=int, default=0)
    p = sub.add_parser("panic-drive")
    p.add_argument("--work", required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--qemu-pid", type=int, default=0)
    p = sub.add_parser("panic-post")
    for o in ("--name", "--work", "--out", "--kernel-dir", "--krel", "--accel", "--machine"):
        p.add_argument(o, required=True)
    p.add_argument("--cpus", type=int, required=True)
    p.add_argument("--ram-mib", type=int, required=True)
    p.add_argument("--vmcoreinfo-device", type=int, required=True)
    p.add_argument("--wall", type=float, required=True)
    a = ap.parse_args()
    {"post": post, "drive": drive, "panic-drive": panic_drive, "panic-post": panic_post}[a.cmd](a)


if __name__ == "__main__":
    main()
