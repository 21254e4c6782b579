#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash hotplug against the real kernel (captures with a "hotplug_event" in
# meta.json, i.e. 612-hotplug-event; see README.md "Hotplug events").
#
#   tests/kernel/check-hotplug.sh [VMCOREKIT_BINARY]   (default build/cli/vmcorekit)
#
# Per capture:
#   (a) the kernel's updated elfcorehdr (elfcorehdr.bin, read from guest RAM
#       after the events) parses (readelf -lW) and has a PT_LOAD for exactly
#       the hot-added DIMM's range; its PT_LOADs are the pre-event header's plus
#       that one and its PT_NOTEs are unchanged (kexec_file describes every
#       possible CPU at load time, so the CPU offline/online changes nothing);
#       the pre-event capture is sound: `build --sysroot pre-event/sysroot`
#       equals pre-event/elfcorehdr.bin.
#   (b) with the cache: `assemble --elfcorehdr-addr ADDR --memory physmem.bin
#       --memory DIMM-file` has the real /proc/vmcore's sha256; without the
#       DIMM's memory it must not.
#   (c) `hotplug apply --sysroot pre-event/sysroot --event ... --capacity C`
#       (C = 64 + crash_elfcorehdr_size: the x86 kexec_file segment) equals
#       the kernel's updated header byte for byte (both trimmed as the bench
#       trims, the rest of ours zero); with the CPU events only it equals the
#       pre-event header. Skipped while the build has no `hotplug` command.
# One line per check, then "N passed, N failed"; exit 1 if any failed.
set -uo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CAPS=$ROOT/tests/kernel/captures
PY=/usr/bin/python3
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ ! -x $BIN ]]; then
	echo "check-hotplug: $BIN is not executable" >&2
	exit 2
fi
TMP=$(mktemp -d /tmp/vmc-hotplug.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# trim IN OUT: the bench's committed form of an elfcorehdr segment
# (bench.py trim_header): round_up(max(end of phdrs, last non-zero byte + 1),
# 4096) bytes. Prints "LENGTH TAIL" (TAIL: zero / nonzero: what follows).
trim() {
	$PY - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
if len(d) < 64 or d[:4] != b"\x7fELF":
    sys.exit("not an ELF header: %s" % sys.argv[1])
phend = 64 + 56 * struct.unpack_from("<H", d, 56)[0]
n = (max(phend, len(d.rstrip(b"\0"))) + 4095) & ~4095
open(sys.argv[2], "wb").write(d[:n] + b"\0" * max(0, n - len(d)))
print(n, "nonzero" if any(d[n:]) else "zero")
EOF
}

# phdrs FILE: "TYPE paddr memsz filesz" per PT_NOTE/PT_LOAD, sorted
phdrs() {
	$PY - "$1" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["KDIR"])
import capture_check as cc
eh, ph = cc.parse_core(open(sys.argv[1], "rb").read(), sys.argv[1])
for p in sorted(ph, key=lambda p: (p["type"], p["paddr"], p["memsz"])):
    if p["type"] in (cc.PT_NOTE, cc.PT_LOAD):
        print(cc.PT_NAMES[p["type"]], hex(p["paddr"]), hex(p["memsz"]), hex(p["filesz"]))
EOF
}
export KDIR=$ROOT/tests/kernel

hdr_addr() { grep -o 'elfcorehdr=[^ ]*' "$1" | head -1 | cut -d= -f2; }

n=0
for c in "$CAPS"/*/; do
	c=${c%/}
	s=$(basename "$c")
	[[ -f $c/meta.json ]] || continue
	[[ -n $(jget "$c/meta.json" hotplug_event events) ]] || continue
	n=$((n + 1))
	M=$c/meta.json
	pre=$c/pre-event
	dstart=$(jget "$M" hotplug_event dimm paddr)
	dsize=$(jget "$M" hotplug_event dimm size)
	mapfile -t events < <(jget "$M" hotplug_event events | $PY -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
	evargs=()
	cpuargs=()
	for e in "${events[@]}"; do
		evargs+=(--event "$e")
		[[ $e == *-cpu:* ]] && cpuargs+=(--event "$e")
	done

	# ---- (a) the kernel's updated header ----
	if readelf -lW "$c/elfcorehdr.bin" >"$TMP/readelf.txt" 2>&1; then
		ok "$s (a) readelf -lW elfcorehdr.bin" "$(grep -c LOAD "$TMP/readelf.txt") LOAD"
	else
		bad "$s (a) readelf -lW elfcorehdr.bin" "$(head -1 "$TMP/readelf.txt")"
	fi
	phdrs "$c/elfcorehdr.bin" >"$TMP/post.ph" || bad "$s (a) parse" "elfcorehdr.bin"
	phdrs "$pre/elfcorehdr.bin" >"$TMP/pre.ph" || bad "$s (a) parse" "pre-event/elfcorehdr.bin"
	dimm=$(printf 'LOAD %#x %#x %#x' "$dstart" "$dsize" "$dsize")
	if grep -qx "$dimm" "$TMP/post.ph"; then
		ok "$s (a) DIMM PT_LOAD" "$(printf '%#x-%#x' "$dstart" $((dstart + dsize)))"
	else
		bad "$s (a) DIMM PT_LOAD" "no '$dimm' in the updated header"
	fi
	if grep -qx "$dimm" "$TMP/pre.ph"; then
		bad "$s (a) pre-event header" "already has the DIMM"
	fi
	{ cat "$TMP/pre.ph"; echo "$dimm"; } | sort >"$TMP/want.ph"
	if diff <(sort "$TMP/post.ph") "$TMP/want.ph" >"$TMP/ph.diff"; then
		ok "$s (a) updated = pre-event + DIMM" "$(grep -c . "$TMP/post.ph") PT_NOTE/PT_LOAD, notes unchanged"
	else
		bad "$s (a) updated = pre-event + DIMM" "$(tr '\n' ' ' <"$TMP/ph.diff")"
	fi
	cap=$(stat -c %s "$pre/elfcorehdr.bin")
	if "$BIN" build --sysroot "$pre/sysroot" --profile kexec-file --capacity "$cap" \
		-o "$TMP/pre-build.bin" >/dev/null 2>"$TMP/err" &&
		cmp -s "$TMP/pre-build.bin" "$pre/elfcorehdr.bin"; then
		ok "$s (a) build --sysroot pre-event/sysroot" "identical to pre-event/elfcorehdr.bin"
	else
		bad "$s (a) build --sysroot pre-event/sysroot" "differs from pre-event/elfcorehdr.bin $(head -1 "$TMP/err")"
	fi

	# ---- (b) assemble after the events = the real vmcore ----
	cache=$ROOT/$(dirname "$(jget "$M" physmem file)")
	dfile=$ROOT/$(jget "$M" hotplug_event dimm file)
	if [[ ! -f $cache/physmem.bin || ! -f $dfile ]]; then
		skip "$s (b) assemble" "no cache ($cache/physmem.bin, $dfile; run make check-kernel)"
	elif pgrep -f "mem-path=[^ ]*/$s/physmem.bin" >/dev/null 2>&1; then
		skip "$s (b) assemble" "capture being regenerated right now"
	else
		base=() extra=()
		while read -r kind f p o z; do
			if [[ $kind == base ]]; then base+=(--memory "$ROOT/$f@$p,offset=$o,size=$z")
			else extra+=(--memory "$ROOT/$f@$p,offset=$o,size=$z"); fi
		done < <($PY - "$M" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["physmem"]
for kind, ls in (("base", m["layout"]), ("extra", m["extra_files"])):
    for l in ls:
        print(kind, l.get("file", m["file"]), l["paddr"], l["file_offset"], l["size"])
EOF
)
		addr=$(hdr_addr "$c/kdump-cmdline")
		want=$(cut -c1-64 "$c/vmcore.sha256")
		if "$BIN" assemble --elfcorehdr-addr "$addr" "${base[@]}" "${extra[@]}" -o "$TMP/vmcore" \
			>"$TMP/asm.txt" 2>&1 &&
			[[ $(sha256sum <"$TMP/vmcore" | cut -c1-64) == "$want" ]]; then
			ok "$s (b) assemble with the DIMM's memory" "sha256 of the real vmcore ($(stat -c %s "$TMP/vmcore") bytes)"
		else
			bad "$s (b) assemble with the DIMM's memory" "$(head -1 "$TMP/asm.txt")"
		fi
		rm -f "$TMP/vmcore"
		# control: the base RAM alone cannot give that vmcore
		"$BIN" assemble --elfcorehdr-addr "$addr" "${base[@]}" -o "$TMP/vmcore" \
			>"$TMP/asm.txt" 2>&1
		rc=$?
		if [[ $rc != 0 ]] || [[ $(sha256sum <"$TMP/vmcore" | cut -c1-64) != "$want" ]]; then
			ok "$s (b) control: without the DIMM's memory" "exit $rc, not the real vmcore"
		else
			bad "$s (b) control: without the DIMM's memory" "still the real vmcore's sha256"
		fi
		rm -f "$TMP/vmcore"
	fi

	# ---- (c) hotplug apply = the kernel's update ----
	if ! "$BIN" hotplug apply --help >/dev/null 2>&1; then
		skip "$s (c) hotplug apply" "this vmcorekit has no 'hotplug apply' command yet"
		continue
	fi
	esz=$(cat "$pre/sysroot/sys/kernel/crash_elfcorehdr_size")
	# arch/x86/kernel/crash.c crash_load_segments: segment memsz =
	# sizeof(Elf64_Ehdr) + arch_crash_get_elfcorehdr_size() (the sysfs value)
	capacity=$((64 + esz))
	for run in all cpu-only; do
		if [[ $run == all ]]; then args=("${evargs[@]}") ref=$c/elfcorehdr.bin
		else args=("${cpuargs[@]}") ref=$pre/elfcorehdr.bin; fi
		label="$s (c) hotplug apply ${args[*]}"
		rm -f "$TMP/new.bin"
		"$BIN" hotplug apply --sysroot "$pre/sysroot" "${args[@]}" \
			--capacity "$capacity" -o "$TMP/new.bin" >"$TMP/apply.txt" 2>&1
		rc=$?
		if [[ $rc != 0 ]]; then
			bad "$label" "exit $rc: $(head -3 "$TMP/apply.txt" | tr '\n' ' ')"
			continue
		fi
		read -r len tail < <(trim "$TMP/new.bin" "$TMP/new.trim")
		size=$(stat -c %s "$TMP/new.bin")
		if [[ $tail != zero ]]; then
			bad "$label" "non-zero bytes after the first $len of $size"
		elif cmp -s "$TMP/new.trim" "$ref"; then
			ok "$label" "identical to $(basename "$(dirname "$ref")")/$(basename "$ref") ($len bytes, the other $((size - len)) of $size zero)"
		else
			bad "$label" "differs from $ref: $(cmp "$TMP/new.trim" "$ref" 2>&1 | head -1); see 'vmcorekit diff'"
			"$BIN" diff "$TMP/new.trim" "$ref" 2>&1 | head -10 | sed 's/^/    /'
		fi
		if [[ $run == all && $size != "$capacity" ]]; then
			echo "    note: output is $size bytes, capacity $capacity"
		fi
	done
done
[[ $n -gt 0 ]] || skip "captures" "none has a hotplug_event (run tests/kernel/run.sh 612-hotplug-event)"
summary
