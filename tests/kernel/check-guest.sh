#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vmcorekit guest` against the no-kdump panic scenarios (run.sh 612-panic
# 612-panic-novmci 61-panic 61-panic-novmci 612-panic-q35; README.md "No
# kdump: pvpanic").  Per scenario with a cache (physmem.bin, QEMU's dump):
#   (a) the vmcore from `guest --memory ... --cpu-state registers.txt
#       --vmcoreinfo-addr ADDR` has every PT_LOAD byte-equal to the RAM,
#       and without --vmcoreinfo-addr (VMCOREINFO searched for) it is the
#       same file;
#   (b) drgn opens it with the -dbg vmlinux and the crashed thread's stack
#       trace contains panic;
#   (c) makedumpfile --dump-dmesg and `vmcorekit dmesg` end with the panic
#       line, and are the same text;
#   (d) 61-*: crash 8.0.2 shows the panic in `sys` and panic frames in `bt`;
#   (e) without -device vmcoreinfo: drgn refuses QEMU's own dump, and opens
#       it once `guest --memory-elf` (no other option) added VMCOREINFO.
# Skips (does not fail) a scenario without cache, and a check whose tool or
# -dbg package is missing.  The -dbg packages are fetched with apt-get
# download into the git-ignored cache/dbg (as tests/e2e/run-crash.sh does),
# or VMC_DBG_DIR points at an unpacked tree (DIR/usr/lib/debug/...).
#   tests/kernel/check-guest.sh build/cli/vmcorekit [SCENARIO...]
set -euo pipefail
BIN=${1:-build/cli/vmcorekit}
shift || true
HERE=$(cd "$(dirname "$0")" && pwd)
CAPS=${BENCH_PANIC_CAPTURES:-$HERE/panic-captures}
CACHE=${BENCH_CACHE:-$HERE/cache}
DBG=${VMC_DBG_DIR:-$CACHE/dbg}
PY=/usr/bin/python3
TMP=$(mktemp -d -p "${TMPDIR:-/var/tmp}")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/e2e/lib.sh
# shellcheck disable=SC1091
. "$HERE/../e2e/lib.sh"

# jq-free meta.json reads
meta() { "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: m=m[k]
print(m)' "$@"; }

# --memory specs from meta.json physmem.layout
mem_args() {
	"$PY" -c 'import json,sys; m=json.load(open(sys.argv[1]))
for r in m["physmem"]["layout"]:
    print("--memory=%s@%#x,offset=%#x,size=%#x" % (sys.argv[2], r["paddr"], r["file_offset"], r["size"]))' "$1" "$2"
}

# (a) every PT_LOAD of CORE equals the RAM file at its paddr
loads_equal() { # core meta physmem
	"$PY" - "$@" <<'EOF'
import json, struct, subprocess, sys
core, meta, pm = sys.argv[1:4]
layout = json.load(open(meta))["physmem"]["layout"]
f = open(core, "rb"); h = f.read(64)
phoff, = struct.unpack_from("<Q", h, 32); phnum, = struct.unpack_from("<H", h, 56)
f.seek(phoff); ph = f.read(56 * phnum)
n = 0
for i in range(phnum):
    t, fl, off, va, pa, fs, ms, al = struct.unpack_from("<IIQQQQQQ", ph, 56 * i)
    if t != 1: continue
    while fs:
        r = [r for r in layout if r["paddr"] <= pa < r["paddr"] + r["size"]]
        if not r: sys.exit("PT_LOAD %d: paddr %#x outside the RAM file" % (i, pa))
        r = r[0]; chunk = min(fs, r["paddr"] + r["size"] - pa)
        fo = r["file_offset"] + pa - r["paddr"]
        c = subprocess.run(["cmp", "-n", str(chunk), "-i", "%d:%d" % (off, fo), core, pm])
        if c.returncode: sys.exit("PT_LOAD %d: %#x+%#x differs from the RAM" % (i, pa, chunk))
        off += chunk; pa += chunk; fs -= chunk
    n += 1
print("%d PT_LOADs" % n)
EOF
}

drgn_panic() { # core vmlinux modules-dir -> prints the trace, 0 if panic in it
	"$PY" - "$@" <<'EOF'
import glob, sys, drgn
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
try:
    prog.load_debug_info([sys.argv[2]] + glob.glob(sys.argv[3] + "/**/pvpanic*.ko", recursive=True))
except drgn.MissingDebugInfoError:
    pass
t = prog.crashed_thread()
tr = t.stack_trace()
print("crashed thread %d (%s)" % (t.tid, t.object.comm.string_().decode()))
print(tr)
sys.exit(0 if any(f.name == "panic" for f in tr) else 1)
EOF
}

dbg_vmlinux() { # uname -r -> path, fetching the -dbg package if needed
	local rel=$1 v=$DBG/usr/lib/debug/boot/vmlinux-$1
	if [[ ! -f $v ]] && [[ -z ${VMC_DBG_DIR:-} ]]; then
		mkdir -p "$DBG"
		(cd "$DBG" && apt-get download "linux-image-$rel-dbg" >/dev/null 2>&1) || return 1
		dpkg -x "$DBG"/linux-image-"$rel"-dbg_*.deb "$DBG" && rm -f "$DBG"/linux-image-"$rel"-dbg_*.deb
	fi
	[[ -f $v ]] && echo "$v"
}

# Debian's drgn 0.0.22 does not know 6.12's ORC entry types ("unknown ORC
# entry type 3"): a copy of the vmlinux without the ORC sections makes it
# unwind by the DWARF CFI (.debug_frame) instead.  The vmcore is the same.
noorc() { # vmlinux -> path of the copy
	local o
	o=$DBG/$(basename "$1").noorc
	if [[ ! -f $o ]]; then
		objcopy --remove-section=.orc_unwind --remove-section=.orc_unwind_ip \
			--remove-section=.orc_header "$1" "$o.tmp" && mv "$o.tmp" "$o" || return 1
	fi
	echo "$o"
}

# drgn_panic, retried on the ORC-less copy when drgn stumbles on the ORC
drgn_try() { # core vmlinux modules-dir
	local out v
	if out=$(drgn_panic "$@" 2>&1); then echo "$out"; return 0; fi
	if grep -q 'unknown ORC entry type' <<<"$out" && v=$(noorc "$2"); then
		drgn_panic "$1" "$v" "$3" 2>&1
		return
	fi
	echo "$out"
	return 1
}

check_one() {
	local s=$1 C=$CAPS/$1 W=$CACHE/$1 rel vaddr vml core=$TMP/$1.core out
	local -a mem
	if [[ ! -f $W/physmem.bin || ! -f $W/qemu-dump.elf ]]; then
		skip "$s" "no cache (tests/kernel/run.sh $s)"
		return
	fi
	# The capture (registers, VMCOREINFO address) and the cache (RAM) must
	# come from one run: the head of QEMU's dump holds that run's notes
	if ! cmp -s -n "$(stat -c %s "$C/qemu-dump-head.bin")" "$C/qemu-dump-head.bin" "$W/qemu-dump.elf"; then
		skip "$s" "the cache and $C come from different runs (tests/kernel/run.sh $s)"
		return
	fi
	rel=$(meta "$C/meta.json" kernel uname_r)
	vaddr=$(meta "$C/meta.json" vmcoreinfo_note paddr)
	mapfile -t mem < <(mem_args "$C/meta.json" "$W/physmem.bin")
	if out=$("$BIN" guest "${mem[@]}" --cpu-state "$C/registers.txt" \
		--vmcoreinfo-addr "$vaddr" -o "$core" 2>&1); then
		ok "$s: guest" "$(echo "$out" | tail -1)"
	else
		bad "$s: guest" "$out"
		return
	fi
	# the same vmcore when vmcorekit finds VMCOREINFO by itself
	if out=$("$BIN" guest "${mem[@]}" --cpu-state "$C/registers.txt" \
		-o "$TMP/scan.core" 2>&1) && cmp -s "$core" "$TMP/scan.core"; then
		ok "$s: guest without --vmcoreinfo-addr: the same bytes" "$(grep -o 'VMCOREINFO from [^;]*' <<<"$out")"
	else
		bad "$s: guest without --vmcoreinfo-addr" "$out"
	fi
	rm -f "$TMP/scan.core"
	if out=$(loads_equal "$core" "$C/meta.json" "$W/physmem.bin" 2>&1); then
		ok "$s: (a) PT_LOADs equal the RAM" "$out"
	else
		bad "$s: (a) PT_LOADs equal the RAM" "$out"
	fi
	vml=$(dbg_vmlinux "$rel" || true)
	if [[ -z $vml ]] || ! "$PY" -c 'import drgn' 2>/dev/null; then
		skip "$s: (b) drgn" "no drgn or no linux-image-$rel-dbg"
	elif out=$(drgn_try "$core" "$vml" "$DBG/usr/lib/debug/lib/modules/$rel"); then
		ok "$s: (b) drgn: crashed thread's stack has panic" "$(echo "$out" | grep -m1 -w panic)"
	else
		bad "$s: (b) drgn: crashed thread's stack has panic" "$out"
	fi
	local want
	want=$(meta "$C/meta.json" panic_line | sed 's/^\[[^]]*\] //')
	if have makedumpfile; then
		rm -f "$TMP/dmesg"
		if makedumpfile --dump-dmesg "$core" "$TMP/dmesg" >/dev/null 2>&1 &&
		   grep -v '^$' "$TMP/dmesg" | tail -n 1 | grep -qF -- "$want"; then
			ok "$s: (c) makedumpfile --dump-dmesg ends with the panic line" "$want"
		else
			bad "$s: (c) makedumpfile --dump-dmesg" "its last line is not '$want'"
		fi
	fi
	if "$BIN" dmesg --help >/dev/null 2>&1; then
		"$BIN" dmesg "$core" >"$TMP/vdmesg" 2>/dev/null || true
		if grep -v '^$' "$TMP/vdmesg" | tail -n 1 | grep -qF -- "$want"; then
			ok "$s: (c) vmcorekit dmesg ends with the panic line"
		else
			bad "$s: (c) vmcorekit dmesg" "its last line is not '$want'"
		fi
		if [[ -s $TMP/dmesg ]]; then
			cmp -s "$TMP/vdmesg" "$TMP/dmesg" &&
				ok "$s: (c) vmcorekit dmesg = makedumpfile --dump-dmesg" ||
				bad "$s: (c) vmcorekit dmesg" "differs from makedumpfile --dump-dmesg"
		fi
	else
		skip "$s: (c) vmcorekit dmesg" "this build has no dmesg command"
	fi
	if [[ $s == 61-* ]] && [[ -n $vml ]] && have crash; then
		printf 'sys\nbt\n' | timeout 600 crash -s "$vml" "$core" >"$TMP/crash.txt" 2>&1 || true
		if grep -q 'PANIC: ".*sysrq triggered crash' "$TMP/crash.txt" &&
		   grep -Eq '#[0-9]+ .* panic at ' "$TMP/crash.txt"; then
			ok "$s: (d) crash: sys has the panic, bt has panic()" "$(grep -m1 ' panic at ' "$TMP/crash.txt")"
		else
			bad "$s: (d) crash sys/bt" "$(tail -20 "$TMP/crash.txt")"
		fi
	fi
	if [[ $(meta "$C/meta.json" vmcoreinfo_device) == False ]] && [[ -n $vml ]]; then
		if out=$(drgn_panic "$W/qemu-dump.elf" "$vml" /nonexistent 2>&1) ||
		   ! grep -q 'unrecognized QEMU memory dump' <<<"$out"; then
			bad "$s: (e) drgn refuses QEMU's dump" "$out"
		else
			ok "$s: (e) drgn refuses QEMU's dump" "unrecognized QEMU memory dump"
		fi
		# no --vmcoreinfo-addr: guest finds VMCOREINFO in the dump's memory
		if "$BIN" guest --memory-elf "$W/qemu-dump.elf" \
			-o "$TMP/fixed.core" >/dev/null 2>&1 &&
		   out=$(drgn_try "$TMP/fixed.core" "$vml" "$DBG/usr/lib/debug/lib/modules/$rel"); then
			ok "$s: (e) drgn opens it after guest --memory-elf" "$(echo "$out" | grep -m1 -w panic)"
		else
			bad "$s: (e) drgn after guest --memory-elf" "$out"
		fi
		rm -f "$TMP/fixed.core"
	fi
	rm -f "$core"
}

want=("$@")
[[ ${#want[@]} -gt 0 ]] || for d in "$CAPS"/*/; do [[ -f $d/meta.json ]] && want+=("$(basename "$d")"); done
[[ ${#want[@]} -gt 0 ]] || { skip guest "no panic captures in $CAPS"; summary; exit $?; }
for s in "${want[@]}"; do check_one "$s"; done
summary
