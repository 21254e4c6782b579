#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""show-contents-check.py VMCOREKIT VMCORE: on a real ELF vmcore,
`show --vmcoreinfo` must print the VMCOREINFO note's exact text (read here
from the file's PT_NOTEs with a parser of its own), and `show --json`'s
registers for every CPU must equal `eu-readelf -n`'s (elfutils' own
per-arch PRSTATUS tables; its names rflags/fs.base/gs.base are the
kernel's eflags/fs_base/gs_base).  Exit 0 when equal, 1 otherwise."""
import json
import re
import struct
import subprocess
import sys

vmc, path = sys.argv[1], sys.argv[2]
fail = 0


def vmcoreinfo_notes(path):
    with open(path, 'rb') as f:
        ident = f.read(64)
        end = '<' if ident[5] == 1 else '>'
        assert ident[4] == 2, "ELF64 only"
        phoff, = struct.unpack_from(end + 'Q', ident, 32)
        phentsize, phnum = struct.unpack_from(end + 'HH', ident, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
        for i in range(phnum):
            t, _, off, _, _, filesz = struct.unpack_from(end + 'IIQQQQ', ph,
                                                         i * phentsize)
            if t != 4:
                continue
            f.seek(off)
            seg = f.read(filesz)
            pos = 0
            while pos + 12 <= len(seg):
                nsz, dsz, typ = struct.unpack_from(end + 'III', seg, pos)
                if nsz == 0:
                    break
                name = seg[pos + 12:pos + 12 + nsz].rstrip(b'\0')
                d = pos + 12 + (nsz + 3) // 4 * 4
                if name == b'VMCOREINFO':
                    return seg[d:d + dsz]
                pos = d + (dsz + 3) // 4 * 4
    return None


want = vmcoreinfo_notes(path)
got = subprocess.run([vmc, 'show', '--vmcoreinfo', path], capture_output=True,
                     check=False).stdout
if want is None or got != want:
    print("FAIL: %s: show --vmcoreinfo differs from the note (%s vs %s "
          "bytes)" % (path, len(got), None if want is None else len(want)))
    fail = 1
else:
    print("ok: %s: show --vmcoreinfo is the note's %d bytes" %
          (path, len(want)))

# eu-readelf -n: "name: value" pairs per PRSTATUS note
ren = {'rflags': 'eflags', 'fs.base': 'fs_base', 'gs.base': 'gs_base'}
skip = {'info.si_signo', 'info.si_code', 'info.si_errno', 'cursig',
        'sigpend', 'sighold', 'pid', 'ppid', 'pgrp', 'sid', 'utime', 'stime',
        'cutime', 'cstime', 'fpvalid'}
cpus = []
out = subprocess.run(['eu-readelf', '-n', path], capture_output=True,
                     text=True, check=True).stdout
for line in out.splitlines():
    if re.match(r'\s+CORE\s+\d+\s+PRSTATUS', line):
        cpus.append({})
        continue
    if not cpus or not line.startswith('    '):
        continue
    for k, v in re.findall(r'([\w.]+):\s+(-?0x[0-9a-f]+|-?\d+)(?=\s|,|$)',
                           line):
        if k in skip:
            continue
        cpus[-1][ren.get(k, k)] = int(v, 0) & (2**64 - 1)

shown = json.loads(subprocess.run([vmc, 'show', '--json', path],
                                  capture_output=True, check=True).stdout)
if len(shown['cpus']) != len(cpus):
    print("FAIL: %s: %d CPUs shown, eu-readelf has %d" %
          (path, len(shown['cpus']), len(cpus)))
    fail = 1
for i, (s, r) in enumerate(zip(shown['cpus'], cpus)):
    regs = {k: int(v, 16) for k, v in s['registers'].items()}
    bad = [k for k in r if regs.get(k) != r[k]]
    if bad or not r:
        print("FAIL: %s: CPU %d registers differ: %s" % (path, i, bad))
        fail = 1
if not fail:
    print("ok: %s: %d CPUs' registers (%d each) equal eu-readelf -n's" %
          (path, len(cpus), len(cpus[0]) if cpus else 0))
sys.exit(fail)
