#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vmcorekit show` on real vmcores (the bench's cache) and on what
# makedumpfile -E makes of them: the kernel's /proc/vmcore must lint clean
# (--strict) and decode one NT_PRSTATUS per CPU plus VMCOREINFO; the
# makedumpfile ELF must parse and decode the same notes.  Captures without
# a cache (a fresh clone before `make check-kernel`) are skipped.
set -euo pipefail
BIN=${1:-build/cli/vmcorekit}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

notes() { # FILE -> "PRSTATUS-count VMCOREINFO-count OSRELEASE"
	"$BIN" show --json "$1" >"$TMP/s.json"
	/usr/bin/python3 - "$TMP/s.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ns = [n for p in d["phdrs"] for n in p.get("notes", [])]
pr = sum(n.get("type_name") == "NT_PRSTATUS" for n in ns)
vi = [n for n in ns if n.get("type_name") == "VMCOREINFO"]
print(pr, len(vi), vi[0].get("OSRELEASE", "?") if vi else "-")
PY
}

for dir in tests/kernel/captures/*/; do
	s=$(basename "$dir")
	vm=tests/kernel/cache/$s/vmcore.bin
	if [[ ! -f $vm ]]; then
		skip "$s" "no cached vmcore (run make check-kernel)"
		continue
	fi
	cpus=$(jget "$dir/meta.json" cpus)
	rel=$(jget "$dir/meta.json" kernel release)
	if "$BIN" show --strict "$vm" >"$TMP/out" 2>&1; then
		ok "$s show --strict" "$(tail -1 "$TMP/out" | cut -c1-60)"
	else
		bad "$s show --strict" "$(grep -m1 -E 'warning|vmcorekit' "$TMP/out")"
	fi
	got=$(notes "$vm")
	if [[ $got == "$cpus 1 $rel" ]]; then
		ok "$s notes" "$got"
	else
		bad "$s notes" "got '$got', want '$cpus 1 $rel'"
	fi
	if ! command -v makedumpfile >/dev/null; then
		skip "$s makedumpfile" "not installed"
		continue
	fi
	rm -f "$TMP/md.elf"
	if makedumpfile -E -d 31 "$vm" "$TMP/md.elf" >/dev/null 2>&1; then
		got=$(notes "$TMP/md.elf")
		if [[ $got == "$cpus 1 $rel" ]]; then
			ok "$s makedumpfile -E" "$got"
		else
			bad "$s makedumpfile -E" "got '$got'"
		fi
	else
		bad "$s makedumpfile -E" "makedumpfile failed"
	fi
done
summary
