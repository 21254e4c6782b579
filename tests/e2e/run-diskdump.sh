#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# makedumpfile's kdump-compressed (-c zlib, -l lzo, -p snappy, -z zstd and
# none) and flattened (-F) outputs of a real vmcore from the shared cache,
# read by vmcorekit: every kept page equals the ELF vmcore's bytes
# (diskdump_pages), `show --vmcoreinfo` prints the vmcore's VMCOREINFO.
# Skips when the cache or makedumpfile is absent.  -p and -z are skipped
# when the installed makedumpfile lacks snappy/zstd (Debian's does).
#   run-diskdump.sh VMCOREKIT DISKDUMP_PAGES
set -uo pipefail
VMC=$1
PAGES=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VMCORE=${DISKDUMP_VMCORE:-$ROOT/tests/kernel/cache/612-file-4cpu/vmcore.bin}
if [ ! -r "$VMCORE" ] || ! command -v makedumpfile >/dev/null; then
	echo "SKIP: no $VMCORE or no makedumpfile"
	exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

has() { makedumpfile -h 2>&1 | grep -A1 "^$1 support" | grep -q enabled; }

"$VMC" show --vmcoreinfo "$VMCORE" > "$T/elf.vmcoreinfo" ||
	bad "show --vmcoreinfo on the ELF vmcore"
for opt in c l p z none F; do
	case $opt in
	p) has snappy || { echo "skip -p: makedumpfile without snappy"; continue; } ;;
	z) has zstd || { echo "skip -z: makedumpfile without zstd"; continue; } ;;
	esac
	out=$T/dump-$opt
	case $opt in
	none) nice -n 19 makedumpfile -d 31 "$VMCORE" "$out" >/dev/null 2>&1 ;;
	F) nice -n 19 makedumpfile -F -l -d 31 "$VMCORE" > "$out" 2>/dev/null ;;
	*) nice -n 19 makedumpfile -$opt -d 31 "$VMCORE" "$out" >/dev/null 2>&1 ;;
	esac || { bad "makedumpfile -$opt"; continue; }
	if "$PAGES" "$out" "$VMCORE"; then
		ok "-$opt: every kept page equals the vmcore's"
	else
		bad "-$opt: kept pages differ from the vmcore"
	fi
	if "$VMC" show --vmcoreinfo "$out" > "$T/$opt.vmcoreinfo" &&
	   cmp -s "$T/elf.vmcoreinfo" "$T/$opt.vmcoreinfo"; then
		ok "-$opt: show --vmcoreinfo equals the vmcore's"
	else
		bad "-$opt: show --vmcoreinfo differs"
	fi
	if python3 - "$VMC" "$out" "$VMCORE" <<'PY'
import json, subprocess, sys
def cpus(f):
    return json.loads(subprocess.run([sys.argv[1], 'show', '--json', f],
                      capture_output=True, check=True).stdout)['cpus']
sys.exit(0 if cpus(sys.argv[2]) == cpus(sys.argv[3]) else 1)
PY
	then
		ok "-$opt: every CPU's registers equal the vmcore's"
	else
		bad "-$opt: registers differ"
	fi
	if "$VMC" show "$out" > "$T/$opt.show" &&
	   grep -q "kdump-compressed" "$T/$opt.show"; then
		ok "-$opt: show describes it"
	else
		bad "-$opt: show"
	fi
done
# makedumpfile -E: an ELF file whose layout (packed loads, excluded tails)
# is that format's normal one: show names the layout and warns of nothing.
if nice -n 19 makedumpfile -E -d 31 "$VMCORE" "$T/dump-E" >/dev/null 2>&1; then
	"$VMC" show "$T/dump-E" > "$T/E.show"
	if grep -q "^Layout: makedumpfile-E" "$T/E.show" &&
	   ! grep -q "^warning" "$T/E.show"; then
		ok "-E: layout makedumpfile-E, no lint warning"
	else
		bad "-E: $(grep -E '^(Layout|warning)' "$T/E.show" | head -3)"
	fi
	"$VMC" show "$VMCORE" > "$T/elf.show"
	if grep -q "^Layout: kernel" "$T/elf.show" && ! grep -q "^warning" "$T/elf.show"; then
		ok "the kernel's vmcore: layout kernel, no lint warning"
	else
		bad "the kernel's vmcore: $(grep -E '^(Layout|warning)' "$T/elf.show" | head -3)"
	fi
else
	bad "makedumpfile -E"
fi
exit $fail
