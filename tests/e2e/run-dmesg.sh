#!/bin/bash
# SPDX-License-Identifier: MIT
#
# vmcorekit dmesg against makedumpfile --dump-dmesg on the real captures.
#
#   tests/e2e/run-dmesg.sh [VMCOREKIT_BINARY]    (default build/cli/vmcorekit)
#
# For each tests/kernel/captures/NAME/ whose cache (tests/kernel/cache/NAME/
# vmcore.bin, physmem.bin) exists -- skipped cleanly otherwise:
#   vmcore   `dmesg vmcore.bin` is byte-identical to makedumpfile's output on
#            the same file, and its last "Kernel panic" line is there
#   raw RAM  `dmesg --memory physmem.bin@...` (the layout of meta.json, the
#            VMCOREINFO searched and validated in memory: the crashed kernel
#            and the kdump kernel are both there) gives the same bytes, and
#            says it chose the crashed kernel
#   json     `--json` parses and has as many records as text lines start
# Then bad inputs: exit codes and messages.
set -uo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CAPS=$ROOT/tests/kernel/captures
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

memory_args() {	# meta.json -> --memory specs
	/usr/bin/python3 - "$1" "$ROOT" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join("--memory %s/%s@%d,offset=%d,size=%d" % (sys.argv[2],
      l.get("file", m["physmem"]["file"]), l["paddr"], l["file_offset"], l["size"])
      for l in m["physmem"]["layout"]))
PY
}

for c in "$CAPS"/*/; do
	s=$(basename "$c")
	cache=$ROOT/tests/kernel/cache/$s
	if [[ ! -f $cache/vmcore.bin || ! -f $cache/physmem.bin ]]; then
		skip "$s" "no cache (tests/kernel/cache/$s/vmcore.bin, physmem.bin)"
		continue
	fi
	# A capture being regenerated right now is skipped, not failed.
	if (( $(date +%s) - $(stat -c %Y "$cache/physmem.bin") < 30 )); then
		skip "$s" "being regenerated"
		continue
	fi
	if ! command -v makedumpfile >/dev/null; then
		skip "$s" "no makedumpfile"
		continue
	fi
	rm -f "$TMP/real.txt"
	if ! makedumpfile --dump-dmesg "$cache/vmcore.bin" "$TMP/real.txt" \
		>/dev/null 2>&1 || [[ ! -s $TMP/real.txt ]]; then
		skip "$s" "makedumpfile --dump-dmesg failed on the vmcore"
		continue
	fi
	if "$BIN" dmesg "$cache/vmcore.bin" >"$TMP/ours.txt" 2>"$TMP/err" &&
		cmp -s "$TMP/ours.txt" "$TMP/real.txt"; then
		ok "$s vmcore" "identical to makedumpfile ($(wc -l <"$TMP/real.txt") lines)"
	else
		bad "$s vmcore" "differs from makedumpfile: $(head -c 300 "$TMP/err"; diff "$TMP/ours.txt" "$TMP/real.txt" | head -5)"
	fi
	if grep -q "Kernel panic - not syncing" "$TMP/ours.txt"; then
		ok "$s panic line" "$(grep -m1 'Kernel panic' "$TMP/ours.txt" | cut -c1-80)"
	else
		bad "$s panic line" "no 'Kernel panic - not syncing' line"
	fi
	# shellcheck disable=SC2046
	if "$BIN" dmesg $(memory_args "$c/meta.json") >"$TMP/raw.txt" 2>"$TMP/err" &&
		cmp -s "$TMP/raw.txt" "$TMP/real.txt"; then
		ok "$s raw RAM" "VMCOREINFO found and validated in memory, same text"
	else
		bad "$s raw RAM" "$(head -c 300 "$TMP/err")"
	fi
	if grep -q "using the crashed one" "$TMP/err"; then
		ok "$s kernels" "the kdump kernel in memory named, the crashed one used"
	else
		bad "$s kernels" "no 'several kernels' note: $(head -c 300 "$TMP/err")"
	fi
	if "$BIN" dmesg --json "$cache/vmcore.bin" >"$TMP/j.json" &&
		[[ $(jget "$TMP/j.json" nr_records) == $(grep -c '^\[' "$TMP/real.txt") ]]; then
		ok "$s json" "$(jget "$TMP/j.json" nr_records) records"
	else
		bad "$s json" "record count differs from the text's lines"
	fi
	# kdump-compressed (zlib, lzo) and flattened files of the same vmcore:
	# makedumpfile reads its own output; ours must print the same log.
	# One capture is enough (each file is a full makedumpfile pass).
	if [[ $s == 612-file-1cpu || $s == 61-file-1cpu ]]; then
		for fmt in c l F; do
			rm -f "$TMP/dd.$fmt" "$TMP/dd.txt"
			if [[ $fmt == F ]]; then
				makedumpfile -F -d 31 "$cache/vmcore.bin" >"$TMP/dd.$fmt" 2>/dev/null
			else
				makedumpfile -"$fmt" -d 31 "$cache/vmcore.bin" "$TMP/dd.$fmt" >/dev/null 2>&1
			fi
			if [[ $fmt == F ]]; then
				cp "$TMP/real.txt" "$TMP/dd.txt"
			else
				makedumpfile --dump-dmesg "$TMP/dd.$fmt" "$TMP/dd.txt" >/dev/null 2>&1
			fi
			if "$BIN" dmesg "$TMP/dd.$fmt" >"$TMP/ddo.txt" 2>"$TMP/err" &&
				cmp -s "$TMP/ddo.txt" "$TMP/dd.txt"; then
				ok "$s makedumpfile -$fmt" "identical to makedumpfile --dump-dmesg of it"
			else
				bad "$s makedumpfile -$fmt" "$(head -c 300 "$TMP/err"; diff "$TMP/ddo.txt" "$TMP/dd.txt" | head -5)"
			fi
			rm -f "$TMP/dd.$fmt"
		done
	fi
done

expect() {	# name code pattern -- args...
	local name=$1 code=$2 pat=$3
	shift 4
	"$BIN" dmesg "$@" >/dev/null 2>"$TMP/err"
	local rc=$?
	if [[ $rc != "$code" ]]; then
		bad "$name" "exit $rc, want $code: $(cat "$TMP/err")"
	elif ! grep -q -- "$pat" "$TMP/err"; then
		bad "$name" "message lacks '$pat': $(cat "$TMP/err")"
	else
		ok "$name" "exit $code, '$pat'"
	fi
}
head -c 1048576 /dev/zero >"$TMP/zero.bin"
expect "no input" 2 "give INPUT" --
expect "zeros: no VMCOREINFO" 1 "no VMCOREINFO in memory" -- --memory "$TMP/zero.bin@0"
expect "missing file" 3 "No such file" -- --memory /nonexistent@0
expect "not an ELF" 1 "" -- "$TMP/zero.bin"
expect "bad --kernel" 2 "" -- --memory "$TMP/zero.bin@0" --kernel x
summary
