#!/bin/bash
# SPDX-License-Identifier: MIT
#
# vmcorekit guest without QEMU: the VMM memory layouts and malformed input.
#
#   tests/e2e/run-guest.sh [VMCOREKIT_BINARY]    (default build/cli/vmcorekit)
#
# 1. Bad input, no cache needed: vCPU register text with a CPU missing or
#    cut short, cloud-hypervisor snapshots whose state.json is not JSON,
#    not a snapshot tree, lists no range, a range without a length,
#    overlapping ranges, or whose memory-ranges is truncated: exit 1 with a
#    message naming the problem, no output left.
# 2. With the real-kernel cache (tests/kernel/cache, skipped without):
#    - a cloud-hypervisor snapshot synthesized from 612-file-5g's RAM
#      (tests/e2e/ch_snapshot.py: [0, 3G) and [4G, 6G), memory-ranges the
#      RAM file itself) gives the same vmcore as --memory-map over the RAM
#      file, and the Firecracker memory-map of docs/formats.md 18.4 the
#      same kernel log;
#    - one from 612-file-1cpu with the ranges out of guest-physical order
#      and the legacy hole [0xa0000, 0x100000) left out (memory-ranges a
#      sparse copy) gives the same vmcore as the --memory windows of those
#      ranges, and `dmesg --cloud-hypervisor-snapshot` the same log as
#      `dmesg --memory`;
#    - a forged VMCOREINFO note page (another OSRELEASE, spliced over the
#      crashed kernel's note with --memory windows): --vmcoreinfo-addr at
#      it is refused ("does not describe this memory"), the search marks
#      it stale; RAM cut below the kernel's page tables is refused
#      ("outside memory"); a --memory window past the file's end is
#      refused up front ("size=... is larger than the file holds", issue 14).
set -uo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
PY=/usr/bin/python3
SNAP=$ROOT/tests/e2e/ch_snapshot.py
TMP=$(mktemp -d -p "${TMPDIR:-/var/tmp}")
trap 'rm -rf "$TMP"' EXIT

# expect NAME EXIT PATTERN CMD...: exit status, message, nothing left at
# $TMP/x.out
expect() {
	local name=$1 want=$2 pat=$3 rc=0
	shift 3
	rm -f "$TMP/x.out"
	"$@" >"$TMP/expect.out" 2>"$TMP/expect.err" || rc=$?
	if [[ $rc != "$want" ]]; then
		bad "$name" "exit $rc, want $want: $(head -c 300 "$TMP/expect.err")"
	elif [[ -e $TMP/x.out ]]; then
		bad "$name" "left an output file"
	elif ! grep -q -- "$pat" "$TMP/expect.err"; then
		bad "$name" "no '$pat' in: $(head -c 300 "$TMP/expect.err")"
	else
		ok "$name" "$(grep -m1 -o -- "$pat.\{0,60\}" "$TMP/expect.err")"
	fi
}

# ---- 1. bad input without a cache ----
head -c 65536 /dev/zero >"$TMP/ram.bin"
REGS=$ROOT/tests/kernel/panic-captures/612-panic/registers.txt
if [[ -f $REGS ]]; then
	sed 's/^CPU#0/CPU#1/' "$REGS" >"$TMP/regs-gap.txt"
	expect "registers: CPU#0 missing" 1 "no CPU#0\|CPU#1\|missing\|gap" \
		"$BIN" guest --memory "$TMP/ram.bin@0" --cpu-state "$TMP/regs-gap.txt" -o "$TMP/x.out"
	head -c 200 "$REGS" >"$TMP/regs-cut.txt"
	expect "registers: cut short" 1 "cpu-state" \
		"$BIN" guest --memory "$TMP/ram.bin@0" --cpu-state "$TMP/regs-cut.txt" -o "$TMP/x.out"
else
	skip "registers" "no $REGS"
fi
expect "no VMCOREINFO in memory: exit 1" 1 "no usable VMCOREINFO" \
	"$BIN" guest --memory "$TMP/ram.bin@0" -o "$TMP/x.out"

ch() { # DIR STATE-JSON [memory-ranges size]
	mkdir -p "$1"
	printf '%s' "$2" >"$1/state.json"
	truncate -s "${3:-65536}" "$1/memory-ranges"
}
mm() { # the memory manager's state as serde_json writes it, in the tree
	$PY -c 'import json,sys
print(json.dumps({"snapshots": {"memory-manager": {"snapshots": {}, "snapshot_data":
      {"state": sys.argv[1]}}}, "snapshot_data": None}))' "$1"
}
ch "$TMP/ch-notjson" '{"snapshots": {'
expect "cloud-hypervisor: state.json not JSON" 1 "not one JSON value" \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-notjson" -o "$TMP/x.out"
ch "$TMP/ch-tree" '{"vcpus": []}'
expect "cloud-hypervisor: not a snapshot tree" 1 'no "snapshots"' \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-tree" -o "$TMP/x.out"
ch "$TMP/ch-nomm" '{"snapshots": {"cpu-manager": {"snapshots": {}}}}'
expect "cloud-hypervisor: no memory-manager" 1 "memory-manager" \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-nomm" -o "$TMP/x.out"
ch "$TMP/ch-empty" "$(mm '{"memory_ranges":{"data":[]}}')"
expect "cloud-hypervisor: no ranges" 1 "memory_ranges is empty" \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-empty" -o "$TMP/x.out"
ch "$TMP/ch-nolen" "$(mm '{"memory_ranges":{"data":[{"gpa":0}]}}')"
expect "cloud-hypervisor: a range without length" 1 'memory_ranges\[0\]' \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-nolen" -o "$TMP/x.out"
ch "$TMP/ch-neg" "$(mm '{"memory_ranges":{"data":[{"gpa":-4096,"length":4096}]}}')"
expect "cloud-hypervisor: a negative gpa" 1 'memory_ranges\[0\]' \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-neg" -o "$TMP/x.out"
ch "$TMP/ch-overlap" "$(mm '{"memory_ranges":{"data":[{"gpa":0,"length":32768},{"gpa":4096,"length":32768}]}}')"
expect "cloud-hypervisor: overlapping ranges" 1 'memory_ranges\[1\]' \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-overlap" -o "$TMP/x.out"
ch "$TMP/ch-trunc" "$(mm '{"memory_ranges":{"data":[{"gpa":0,"length":65536},{"gpa":1048576,"length":65536}]}}')"
expect "cloud-hypervisor: memory-ranges truncated" 1 "truncated" \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch-trunc" -o "$TMP/x.out"
expect "cloud-hypervisor: no such directory: exit 3" 3 "state.json" \
	"$BIN" guest --cloud-hypervisor-snapshot "$TMP/nope" -o "$TMP/x.out"

# ---- 2. real captures ----
CACHE=$ROOT/tests/kernel/cache
R5=$CACHE/612-file-5g/physmem.bin
if [[ -f $R5 ]]; then
	"$PY" "$SNAP" "$TMP/ch5" "$R5" 0:0xc0000000:0 0x100000000:0x80000000:0xc0000000 --link
	printf '%s\n' "$R5@0,size=0xc0000000" "$R5@0x100000000,offset=0xc0000000" >"$TMP/5g.map"
	# Firecracker (docs/formats.md 18.4): the regions back to back in
	# guest-physical order, relative to the map file
	ln -s "$R5" "$TMP/fc-mem"
	printf '%s\n' '# Firecracker snapshot memory file, 5 GiB x86_64 guest' \
		'fc-mem@0,size=0xc0000000' 'fc-mem@0x100000000,offset=0xc0000000' >"$TMP/fc.map"
	if "$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch5" -o "$TMP/ch5.core" 2>"$TMP/err" &&
	   "$BIN" guest --memory-map "$TMP/5g.map" -o "$TMP/map5.core" 2>>"$TMP/err" &&
	   cmp "$TMP/ch5.core" "$TMP/map5.core" >>"$TMP/err" 2>&1; then
		ok "612-file-5g: cloud-hypervisor snapshot = --memory-map" "$(stat -c %s "$TMP/ch5.core") bytes"
	else
		bad "612-file-5g: cloud-hypervisor snapshot" "$(cat "$TMP/err")"
	fi
	rm -f "$TMP/ch5.core" "$TMP/map5.core"
	# the map's ranges: the kernel log (read through the page tables,
	# above and below 4 GiB) is the RAM layout's (a vmcore of it would be
	# the --memory-map one above: the same specs)
	if "$BIN" dmesg --memory-map "$TMP/fc.map" >"$TMP/fc.dmesg" 2>"$TMP/err" &&
	   "$BIN" dmesg --memory-map "$TMP/5g.map" >"$TMP/5g.dmesg" 2>>"$TMP/err" &&
	   [[ -s $TMP/fc.dmesg ]] && cmp "$TMP/fc.dmesg" "$TMP/5g.dmesg" >>"$TMP/err" 2>&1; then
		ok "612-file-5g: the Firecracker memory map of formats.md 18.4 = the RAM layout (dmesg)"
	else
		bad "612-file-5g: Firecracker map" "$(cat "$TMP/err")"
	fi

	# A forged note page: the crashed kernel's VMCOREINFO note with
	# another release, spliced over the real one.
	note=$("$BIN" dmesg --list --memory-map "$TMP/5g.map" 2>/dev/null |
		awk '$2 == "note" && /CRASHTIME/ { print $1; exit }')
	if [[ -n $note ]]; then
		"$PY" - "$R5" "$note" "$TMP/forged.page" <<'PY'
import sys
ram, pa, out = sys.argv[1], int(sys.argv[2], 16), sys.argv[3]
off = pa if pa < 0xc0000000 else pa - 0x100000000 + 0xc0000000
with open(ram, "rb") as f:
    f.seek(off)
    page = bytearray(f.read(4096))
i = page.index(b"OSRELEASE=") + 10
j = page.index(b"\n", i)
page[i:j] = (b"9" * (j - i))          # same length, another release
open(out, "wb").write(page)
PY
		pa=$((note))
		{
			echo "$R5@0,size=0xc0000000"
			printf '%s@0x100000000,offset=0xc0000000,size=%#x\n' "$R5" $((pa - 0x100000000))
			printf '%s@%#x\n' "$TMP/forged.page" $pa
			printf '%s@%#x,offset=%#x\n' "$R5" $((pa + 4096)) $((pa + 4096 - 0x100000000 + 0xc0000000))
		} >"$TMP/forged.map"
		expect "forged VMCOREINFO page (another OSRELEASE) at --vmcoreinfo-addr: refused" 1 \
			"does not describe this memory" \
			"$BIN" guest --memory-map "$TMP/forged.map" --vmcoreinfo-addr "$note" -o "$TMP/x.out"
		"$BIN" dmesg --list --memory-map "$TMP/forged.map" >"$TMP/list" 2>&1
		grep -q "^$note note stale" "$TMP/list" &&
			ok "forged VMCOREINFO page: the search marks it stale" "$(grep -m1 "^$note" "$TMP/list")" ||
			bad "forged page in the search" "$(cat "$TMP/list")"
	else
		bad "612-file-5g" "no crashed kernel's note in dmesg --list"
	fi
	# RAM cut at 1 GiB: the page tables of both kernels lie above
	expect "RAM cut below the page tables: refused" 1 "outside memory\|no usable VMCOREINFO" \
		"$BIN" guest --memory "$R5@0,size=0x40000000" -o "$TMP/x.out"
	expect "a --memory window past the end of the file: refused" 1 "larger than the file holds" \
		"$BIN" guest --memory "$R5@0,size=0x200000000" -o "$TMP/x.out"
else
	skip "612-file-5g" "no cache (make check-kernel)"
fi

R1=$CACHE/612-file-1cpu/physmem.bin
if [[ -f $R1 ]]; then
	# table order is not guest-physical order; the legacy hole left out
	"$PY" "$SNAP" "$TMP/ch1" "$R1" 0x100000:0x3ff00000:0x100000 0:0xa0000:0
	if "$BIN" guest --cloud-hypervisor-snapshot "$TMP/ch1" -o "$TMP/ch1.core" 2>"$TMP/err" &&
	   "$BIN" guest --memory "$R1@0,size=0xa0000" --memory "$R1@0x100000,offset=0x100000" \
		-o "$TMP/mem1.core" 2>>"$TMP/err" &&
	   cmp "$TMP/ch1.core" "$TMP/mem1.core" >>"$TMP/err" 2>&1; then
		ok "612-file-1cpu: snapshot with ranges out of order and a hole = --memory windows"
	else
		bad "612-file-1cpu: cloud-hypervisor snapshot" "$(cat "$TMP/err")"
	fi
	rm -f "$TMP/ch1.core" "$TMP/mem1.core"
	if "$BIN" dmesg --cloud-hypervisor-snapshot "$TMP/ch1" >"$TMP/ch1.dmesg" 2>"$TMP/err" &&
	   "$BIN" dmesg --memory "$R1@0" >"$TMP/mem1.dmesg" 2>>"$TMP/err" &&
	   [[ -s $TMP/ch1.dmesg ]] && cmp -s "$TMP/ch1.dmesg" "$TMP/mem1.dmesg"; then
		ok "612-file-1cpu: dmesg of the snapshot = dmesg of the RAM" "$(wc -l <"$TMP/ch1.dmesg") lines"
	else
		bad "612-file-1cpu: dmesg of the snapshot" "$(cat "$TMP/err")"
	fi
else
	skip "612-file-1cpu" "no cache (make check-kernel)"
fi
# A cloud-hypervisor coredump (vmm/src/coredump.rs): an ELF core of the
# RAM whose NT_PRSTATUS notes number pr_pid from 0 and no VMCOREINFO.
# Synthesized from 612-file-4cpu: its vmcore's 4 NT_PRSTATUS with pr_pid
# 0..3, the RAM as one PT_LOAD.  guest --memory-elf must write pr_pid =
# vCPU + 1, the same registers, and find VMCOREINFO in the memory.
R4=$CACHE/612-file-4cpu
if [[ -f $R4/physmem.bin && -f $R4/vmcore.bin ]]; then
	"$PY" - "$R4/vmcore.bin" "$R4/physmem.bin" "$TMP/ch.core" <<'PY'
import os, struct, sys
vmcore, ram, out = sys.argv[1:4]
def notes(path):
    f = open(path, "rb"); h = f.read(64)
    phoff, = struct.unpack_from("<Q", h, 32); phnum, = struct.unpack_from("<H", h, 56)
    f.seek(phoff); ph = f.read(56 * phnum); res = []
    for i in range(phnum):
        t, _, off, _, _, fs, _, _ = struct.unpack_from("<IIQQQQQQ", ph, 56 * i)
        if t != 4: continue
        f.seek(off); b = f.read(fs); o = 0
        while o + 12 <= len(b):
            nn, nd, nt = struct.unpack_from("<III", b, o)
            name = b[o + 12:o + 12 + nn].rstrip(b"\0")
            d0 = o + 12 + ((nn + 3) & ~3)
            res.append((name, nt, b[d0:d0 + nd]))
            o = d0 + ((nd + 3) & ~3)
    return res
pr = [d for n, t, d in notes(vmcore) if n == b"CORE" and t == 1]
blob = b""
for i, d in enumerate(pr):
    d = bytearray(d); struct.pack_into("<i", d, 32, i)      # pr_pid from 0
    blob += struct.pack("<III", 5, len(d), 1) + b"CORE\0\0\0\0" + bytes(d)
size = os.path.getsize(ram); data = 1 << 20
eh = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,
                 4, 62, 1, 0, 64, 0, 0, 64, 56, 2, 0, 0, 0)
ph = struct.pack("<IIQQQQQQ", 4, 0, 64 + 112, 0, 0, len(blob), len(blob), 0)
ph += struct.pack("<IIQQQQQQ", 1, 7, data, 0, 0, size, size, 0)
src = os.open(ram, os.O_RDONLY); dst = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(dst, eh + ph + blob); os.ftruncate(dst, data + size)
pos = 0
while True:
    try: d = os.lseek(src, pos, os.SEEK_DATA)
    except OSError: break
    e = os.lseek(src, d, os.SEEK_HOLE); n = e - d; a, b = d, data + d
    while n:
        k = os.copy_file_range(src, dst, n, a, b); n -= k; a += k; b += k
    pos = e
open(out + ".want", "w").write("\n".join(d[112:112 + 27 * 8].hex() for d in pr))
PY
	if "$BIN" guest --memory-elf "$TMP/ch.core" -o "$TMP/ch-fixed.core" 2>"$TMP/err"; then
		"$PY" - "$TMP/ch-fixed.core" "$TMP/ch.core.want" <<'PY' >"$TMP/pids" 2>&1
import struct, sys
f = open(sys.argv[1], "rb"); h = f.read(64)
phoff, = struct.unpack_from("<Q", h, 32); phnum, = struct.unpack_from("<H", h, 56)
f.seek(phoff); ph = f.read(56 * phnum); pids = []; regs = []; vi = False
for i in range(phnum):
    t, _, off, _, _, fs, _, _ = struct.unpack_from("<IIQQQQQQ", ph, 56 * i)
    if t != 4: continue
    f.seek(off); b = f.read(fs); o = 0
    while o + 12 <= len(b):
        nn, nd, nt = struct.unpack_from("<III", b, o)
        name = b[o + 12:o + 12 + nn].rstrip(b"\0"); d0 = o + 12 + ((nn + 3) & ~3)
        d = b[d0:d0 + nd]
        if name == b"CORE" and nt == 1:
            pids.append(struct.unpack_from("<i", d, 32)[0]); regs.append(d[112:112 + 216].hex())
        vi |= name == b"VMCOREINFO"
        o = d0 + ((nd + 3) & ~3)
want = open(sys.argv[2]).read().split("\n")
print("pids %s vmcoreinfo %s" % (pids, vi))
sys.exit(0 if pids == list(range(1, len(want) + 1)) and regs == want and vi else 1)
PY
		[[ $? == 0 ]] &&
			ok "cloud-hypervisor coredump (pr_pid from 0, no VMCOREINFO): guest --memory-elf writes pr_pid = vCPU + 1, the same registers, VMCOREINFO" "$(cat "$TMP/pids")" ||
			bad "cloud-hypervisor coredump" "$(cat "$TMP/pids")"
	else
		bad "cloud-hypervisor coredump" "$(cat "$TMP/err")"
	fi
	rm -f "$TMP/ch.core" "$TMP/ch-fixed.core"
else
	skip "612-file-4cpu" "no cache (make check-kernel)"
fi
summary
