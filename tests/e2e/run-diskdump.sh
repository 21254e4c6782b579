#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# makedumpfile's kdump-compressed (-c zlib, -l lzo, -p snappy, -z zstd and
# none) and flattened (-F) outputs of a real vmcore from the shared cache,
# read by vmcorekit: every kept page equals the ELF vmcore's bytes
# (diskdump_pages), `show --vmcoreinfo` prints the vmcore's VMCOREINFO,
# every CPU's registers are the vmcore's, `dmesg` prints what
# `makedumpfile --dump-dmesg` prints from the vmcore.  Skips when the cache
# or makedumpfile is absent.  Debian's makedumpfile is built without
# snappy and zstd (-p and -z are ignored): then the -p and -z files are
# the uncompressed output with every page compressed as makedumpfile's
# write_kdump_page would (diskdump_recompress, libsnappy/libzstd).
#   run-diskdump.sh VMCOREKIT DISKDUMP_PAGES [DISKDUMP_RECOMPRESS]
set -uo pipefail
VMC=$1
PAGES=$2
RECOMPRESS=${3:-}
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
makedumpfile --dump-dmesg "$VMCORE" "$T/elf.dmesg" >/dev/null 2>&1 ||
	bad "makedumpfile --dump-dmesg on the ELF vmcore"
for opt in none c l p z F; do
	out=$T/dump-$opt
	how=""
	case $opt in
	none) nice -n 19 makedumpfile -d 31 "$VMCORE" "$out" >/dev/null 2>&1 ;;
	F) nice -n 19 makedumpfile -F -l -d 31 "$VMCORE" > "$out" 2>/dev/null ;;
	p|z)
		lib=snappy; [[ $opt == z ]] && lib=zstd
		if has $lib; then
			nice -n 19 makedumpfile -$opt -d 31 "$VMCORE" "$out" >/dev/null 2>&1
		elif [[ -n $RECOMPRESS && -f $T/dump-none ]]; then
			how=" (makedumpfile without $lib: its -d 31 output, pages compressed with $lib)"
			"$RECOMPRESS" "$T/dump-none" "$out" $lib >/dev/null
		else
			echo "skip -$opt: makedumpfile without $lib"; continue
		fi ;;
	*) nice -n 19 makedumpfile -$opt -d 31 "$VMCORE" "$out" >/dev/null 2>&1 ;;
	esac || { bad "makedumpfile -$opt$how"; continue; }
	[[ -n $how ]] && echo "note: -$opt$how"
	if "$VMC" dmesg "$out" > "$T/$opt.dmesg" 2>/dev/null &&
	   [[ -s $T/elf.dmesg ]] && cmp -s "$T/elf.dmesg" "$T/$opt.dmesg"; then
		ok "-$opt: dmesg equals makedumpfile --dump-dmesg of the vmcore"
	else
		bad "-$opt: dmesg differs from makedumpfile --dump-dmesg"
	fi
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
