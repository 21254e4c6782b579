#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Rebuild every real-kernel capture's elfcorehdr from its sysroot and compare
# the bytes with what the kernel / kexec-tools placed in memory.
#
#   tests/e2e/run-captures.sh [VMCOREKIT_BINARY]    (default build/cli/vmcorekit)
#
# For each tests/kernel/captures/NAME/ and foreign-captures/NAME/ (other
# architectures, `run.sh --foreign`) (sysroot/, elfcorehdr.bin,
# kdump-cmdline, meta.json, vmcore-head.bin):
#   build+cmp     kexec_file_load: `build --profile kexec-file --capacity
#                 <size of elfcorehdr.bin>` must equal elfcorehdr.bin (cmp).
#                 kexec_load: `build --profile kexec-tools --segment` and
#                 elfcorehdr.bin must agree on their common length (cmp -n);
#                 any bytes of ours beyond the capture must be zero.
#   expected_addr `build --json`'s expected_addr (when present) equals the
#                 elfcorehdr= address of kdump-cmdline (NNNK = KiB, 0x hex).
#   show          `show elfcorehdr.bin` and `show vmcore-head.bin` exit 0
#                 (vmcore-head.bin is truncated: past-eof warnings expected).
#   readelf       readelf -lW/-lnW and eu-readelf -l accept our header and
#                 list the PT_NOTE/PT_LOAD counts `build --json` reports.
# Then `vmcorekit diff` between loaders (see the DIFF section).
# One line per check, then "N passed, N failed"; exit 1 if any failed.
set -euo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CAPS=$ROOT/tests/kernel/captures
FOREIGN=$ROOT/tests/kernel/foreign-captures
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ ! -x $BIN ]]; then
	echo "run-captures: $BIN is not executable" >&2
	exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# elfcorehdr=ADDR from a kernel command line, as a decimal byte address.
# Forms: 0xHEX, decimal, with an optional K/M/G suffix; "SIZE@ADDR" too.
cmdline_addr() {
	local v
	v=$(tr ' ' '\n' <"$1" | sed -n 's/^elfcorehdr=//p' | tail -1)
	v=${v##*@}
	[[ -n $v ]] || return 0
	/usr/bin/python3 -c '
import sys
v = sys.argv[1]
mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(v[-1:].upper(), 1)
if mult > 1:
    v = v[:-1]
print(int(v, 0) * mult)' "$v"
}

# all zero bytes from offset $2 (0-based) of file $1 on?
zero_tail() {
	[[ $(tail -c +"$(($2 + 1))" "$1" | tr -d '\0' | wc -c) == 0 ]]
}

# build_one NAME DIR PROFILE -> $TMP/NAME.bin, $TMP/NAME.json
build_one() {
	local name=$1 d=$2 method=$3 rc=0 size args
	size=$(stat -c %s "$d/elfcorehdr.bin")
	if [[ $method == kexec_file_load ]]; then
		args=(--profile kexec-file --capacity "$size")
	else
		args=(--profile kexec-tools --segment)
	fi
	"$BIN" build --sysroot "$d/sysroot" "${args[@]}" --json \
		-o "$TMP/$name.bin" >"$TMP/$name.json" 2>"$TMP/$name.err" || rc=$?
	if [[ $rc != 0 ]]; then
		bad "$name build" "exit $rc: $(head -1 "$TMP/$name.err")"
		return 1
	fi
	local ours cap n
	ours=$(stat -c %s "$TMP/$name.bin")
	if [[ $method == kexec_file_load ]]; then
		if cmp -s "$TMP/$name.bin" "$d/elfcorehdr.bin"; then
			ok "$name build ${args[*]}" "identical to elfcorehdr.bin ($ours bytes)"
		else
			bad "$name build ${args[*]}" "$(cmp "$TMP/$name.bin" "$d/elfcorehdr.bin" 2>&1 | head -1)"
		fi
		return 0
	fi
	cap=$size
	n=$((ours < cap ? ours : cap))
	if ! cmp -s -n "$n" "$TMP/$name.bin" "$d/elfcorehdr.bin"; then
		bad "$name build ${args[*]}" "first $n bytes differ: $(cmp -n "$n" "$TMP/$name.bin" "$d/elfcorehdr.bin" 2>&1 | head -1)"
	elif ((ours > cap)) && ! zero_tail "$TMP/$name.bin" "$cap"; then
		bad "$name build ${args[*]}" "our bytes past the capture's $cap are not zero"
	else
		ok "$name build ${args[*]}" "segment $ours bytes, first $n identical to elfcorehdr.bin ($cap bytes)"
	fi
}

check_expected_addr() {
	local name=$1 d=$2 want got
	got=$(jget "$TMP/$name.json" expected_addr)
	if [[ -z $got ]]; then
		skip "$name expected_addr" "build --json has none (the kernel picks the address)"
		return
	fi
	want=$(cmdline_addr "$d/kdump-cmdline")
	# arm64: the address is in the kdump kernel's device tree
	# (/chosen/linux,elfcorehdr), which bench.py kept in meta.json
	[[ -n $want ]] || want=$(jget "$d/meta.json" elfcorehdr_addr)
	if [[ -z $want ]]; then
		bad "$name expected_addr" "no elfcorehdr= in kdump-cmdline"
	elif [[ $((got)) == "$want" ]]; then
		ok "$name expected_addr" "$got = elfcorehdr= in kdump-cmdline"
	else
		bad "$name expected_addr" "$got, kdump-cmdline says $(printf 0x%x "$want")"
	fi
}

check_show() {
	local name=$1 f=$2 rc=0
	"$BIN" show "$f" >"$TMP/show.out" 2>"$TMP/show.err" || rc=$?
	if [[ $rc == 0 ]]; then
		ok "$name show $(basename "$f")" "exit 0, $(grep -c '^warning:' "$TMP/show.out" || true) warning(s)"
	else
		bad "$name show $(basename "$f")" "exit $rc: $(head -1 "$TMP/show.err")"
	fi
}

for d in "$CAPS"/*/ "$FOREIGN"/*/; do
	[[ -d $d ]] || continue
	d=${d%/}
	name=$(basename "$d")
	if [[ ! -f $d/meta.json || ! -f $d/elfcorehdr.bin || ! -d $d/sysroot ]]; then
		skip "$name" "incomplete capture"
		continue
	fi
	method=$(jget "$d/meta.json" load_method)
	if [[ $method != kexec_file_load && $method != kexec_load ]]; then
		bad "$name" "unknown load_method '$method'"
		continue
	fi
	if build_one "$name" "$d" "$method"; then
		check_expected_addr "$name" "$d"
		readelf_check "$name" "$TMP/$name.bin" \
			"$(jget "$TMP/$name.json" pt_note)" \
			"$(jget "$TMP/$name.json" pt_load)"
	fi
	check_show "$name" "$d/elfcorehdr.bin"
	[[ ! -f $d/vmcore-head.bin ]] || check_show "$name" "$d/vmcore-head.bin"
done

# ---- DIFF ------------------------------------------------------------------
# kexec-tools keeps the low memory below 1 MiB (as a PT_LOAD whose p_offset
# points at the backup copy); kexec_file_load drops it.
#
#  1. the kexec_file and kexec_load captures with one CPU (two boots):
#     diff exits 1 with a ram-only-b item below 1 MiB.
#  2. same boot, both loaders: a kexec-file build from the kexec_load
#     capture's sysroot against that capture: exit 1, a ram-only-b item
#     below 1 MiB, and no note/mapping differences.
#  3. the backup region's p_offset: a kexec-tools build with
#     --backup-addr 0x1000 (p_offset = p_paddr) against the kexec_load
#     capture: a load-field item for the low range naming both p_offsets;
#     and the two kexec_load captures (two boots, two backup addresses):
#     a load-field item for the low range.
# (diff reports p_offset differences only for ranges both sides describe,
# so the file-vs-load pair of 1. cannot show one: hence 3.)

# diff_json A B -> $TMP/diff.json, exit code in $drc
diff_json() {
	drc=0
	"$BIN" diff --json "$1" "$2" >"$TMP/diff.json" 2>"$TMP/diff.err" || drc=$?
}

# diff_has KIND [MAX_START] [TEXT]: items of KIND starting below MAX_START
# whose text contains TEXT; prints their count.
diff_has() {
	/usr/bin/python3 - "$TMP/diff.json" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
kind = sys.argv[2]
lim = int(sys.argv[3], 0) if len(sys.argv) > 3 and sys.argv[3] else 2**64
text = sys.argv[4] if len(sys.argv) > 4 else ""
print(sum(1 for it in d["differences"] if it["kind"] == kind
          and int(it.get("start", "0x0"), 16) < lim and text in it["text"]))
EOF
}

FILE1=$CAPS/612-file-1cpu
LOAD1=$CAPS/612-load-1cpu
LOAD4=$CAPS/612-load-4cpu
if [[ -f $FILE1/elfcorehdr.bin && -f $LOAD1/elfcorehdr.bin ]]; then
	diff_json "$FILE1/elfcorehdr.bin" "$LOAD1/elfcorehdr.bin"
	n=$(diff_has ram-only-b 0x100000)
	if [[ $drc == 1 && $n -ge 1 ]]; then
		ok "diff 612-file-1cpu 612-load-1cpu" "exit 1, $n ram-only-b item(s) below 1 MiB"
	else
		bad "diff 612-file-1cpu 612-load-1cpu" "exit $drc, $n ram-only-b item(s) below 1 MiB $(head -1 "$TMP/diff.err")"
	fi

	rc=0
	"$BIN" build --sysroot "$LOAD1/sysroot" --profile kexec-file \
		-o "$TMP/samelf.bin" >/dev/null 2>"$TMP/b.err" || rc=$?
	if [[ $rc != 0 ]]; then
		bad "diff same-boot kexec-file vs 612-load-1cpu" "build exit $rc: $(head -1 "$TMP/b.err")"
	else
		diff_json "$TMP/samelf.bin" "$LOAD1/elfcorehdr.bin"
		n=$(diff_has ram-only-b 0x100000)
		other=$(($(diff_has note) + $(diff_has mapping) + $(diff_has ram-only-a)))
		if [[ $drc == 1 && $n -ge 1 && $other == 0 ]]; then
			ok "diff same-boot kexec-file vs 612-load-1cpu" "exit 1, $n ram-only-b below 1 MiB, no note/mapping/ram-only-a"
		else
			bad "diff same-boot kexec-file vs 612-load-1cpu" "exit $drc, $n ram-only-b below 1 MiB, $other note/mapping/ram-only-a"
		fi
	fi

	# The capture's p_offset for the lowest RAM load (the backup region).
	"$BIN" show --json "$LOAD1/elfcorehdr.bin" >"$TMP/l1.json" 2>/dev/null || true
	backup=$(/usr/bin/python3 - "$TMP/l1.json" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    low = [p for p in d["phdrs"] if p["type"] == "LOAD" and p["role"] == "ram"
           and int(p["paddr"], 16) < 0x100000]
    print(low[0]["offset"] if low else "")
except (ValueError, KeyError):
    print("")
EOF
)
	rc=0
	"$BIN" build --sysroot "$LOAD1/sysroot" --profile kexec-tools \
		--backup-addr 0x1000 -o "$TMP/bk.bin" >/dev/null 2>"$TMP/b.err" || rc=$?
	if [[ -z $backup ]]; then
		bad "diff backup p_offset (612-load-1cpu)" "no low RAM PT_LOAD in the capture"
	elif [[ $rc != 0 ]]; then
		bad "diff backup p_offset (612-load-1cpu)" "build exit $rc: $(head -1 "$TMP/b.err")"
	else
		diff_json "$TMP/bk.bin" "$LOAD1/elfcorehdr.bin"
		n=$(diff_has load-field 0x100000 "p_offset 0x1000 ")
		m=$(diff_has load-field 0x100000 "-> p_offset $backup ")
		if [[ $drc == 1 && $n -ge 1 && $m -ge 1 ]]; then
			ok "diff backup p_offset (612-load-1cpu)" "load-field p_offset 0x1000 -> $backup"
		else
			bad "diff backup p_offset (612-load-1cpu)" "exit $drc, no load-field 'p_offset 0x1000 ... -> p_offset $backup'"
		fi
	fi
else
	skip "diff 612-file-1cpu 612-load-1cpu" "captures missing"
fi
if [[ -f $LOAD1/elfcorehdr.bin && -f $LOAD4/elfcorehdr.bin ]]; then
	diff_json "$LOAD1/elfcorehdr.bin" "$LOAD4/elfcorehdr.bin"
	n=$(diff_has load-field 0x100000 p_offset)
	if [[ $drc == 1 && $n -ge 1 ]]; then
		ok "diff 612-load-1cpu 612-load-4cpu" "exit 1, load-field for the backup region"
	else
		bad "diff 612-load-1cpu 612-load-4cpu" "exit $drc, $n load-field item(s) below 1 MiB"
	fi
fi

summary
