#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Errors and warnings (issue 14, docs/robustness.md section 5): what a
# command tolerates is a warning, --strict makes any warning exit 1 with
# nothing written, on every command that reports warnings; usage errors
# look the same in every command; and build's
# policies: a header over its segment and no System RAM are errors,
# kexec-tools' 32k range cap and a missing VMCOREINFO are warnings.
# usage: tests/e2e/run-strict.sh VMCOREKIT
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "${1:?usage: run-strict.sh VMCOREKIT}")
# shellcheck source=lib.sh
. "$HERE/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CAP=$ROOT/tests/kernel/captures
SYS=$CAP/612-hotplug/sysroot
gen() { /usr/bin/python3 "$ROOT/tests/e2e/fadump_gen.py" "$@"; }

# strict NAME WARNING-FRAGMENT CMD... (with OUT where the output goes):
# without --strict exit 0, the warning said, the output written; with
# --strict exit 1, the warning and "--strict" said, nothing written.
strict() {
	local name=$1 pat=$2 rc out
	shift 2
	local a=("$@") b=()
	for x in "${a[@]}"; do [[ $x == OUT ]] && b+=("$TMP/out") || b+=("$x"); done
	rm -f "$TMP/out"
	rc=0; "$BIN" "${b[@]}" >"$TMP/stdout" 2>"$TMP/err" || rc=$?
	cat "$TMP/stdout" >>"$TMP/err"	# fadump check reports on stdout
	if [[ $rc == 0 ]] && grep -q -- "$pat" "$TMP/err" && { [[ ! " ${a[*]} " =~ " OUT " ]] || [[ -s $TMP/out ]]; }; then
		ok "$name" "exit 0, warns: $(grep -m1 -- "$pat" "$TMP/err" | cut -c1-90)"
	else
		bad "$name" "exit $rc, want 0 and '$pat': $(head -2 "$TMP/err" | tr '\n' ' ')"
	fi
	rm -f "$TMP/out"
	rc=0; "$BIN" "${b[@]}" --strict >"$TMP/stdout" 2>"$TMP/err" || rc=$?
	cat "$TMP/stdout" >>"$TMP/err"
	out=$(ls -A "$TMP" | grep -c '^out$')
	if [[ $rc == 1 && $out == 0 ]] && grep -q -- "$pat" "$TMP/err" && grep -q 'and --strict' "$TMP/err"; then
		ok "$name --strict" "exit 1, nothing written: $(grep -m1 -- '--strict' "$TMP/err")"
	else
		bad "$name --strict" "exit $rc (want 1), $out outputs left: $(head -2 "$TMP/err" | tr '\n' ' ')"
	fi
}

# ---- build ----
printf '0x100000+64K\n' >"$TMP/ranges"
strict "build: generic without CPU notes" "no CPU notes" \
	build --ranges "$TMP/ranges" --profile generic --no-kernel-text -o OUT
# No System RAM: an error, a warning with --allow-missing.
: >"$TMP/none"
rc=0; "$BIN" build --ranges "$TMP/none" --profile generic --no-kernel-text \
	--cpu-note 0x300000:0x170 -o "$TMP/out" >/dev/null 2>"$TMP/err" || rc=$?
[[ $rc == 1 && ! -e $TMP/out ]] && grep -q 'no System RAM' "$TMP/err" &&
	ok "build: no System RAM" "exit 1: $(head -1 "$TMP/err")" ||
	bad "build: no System RAM" "exit $rc: $(head -1 "$TMP/err")"
strict "build: no System RAM, --allow-missing" "no System RAM" \
	build --ranges "$TMP/none" --profile generic --no-kernel-text \
	--cpu-note 0x300000:0x170 --allow-missing -o OUT

# A header over the segment the loader reserves: kexec-file sizes it from
# crash_elfcorehdr_size (hotplug), 70,000 ranges do not fit.
/usr/bin/python3 -c '
for i in range(70000): print("0x%x+0x1000" % (0x100000000 + i * 0x2000))' >"$TMP/many"
rc=0; "$BIN" build --sysroot "$SYS" --ranges "$TMP/many" --segment -o "$TMP/out" \
	>/dev/null 2>"$TMP/err" || rc=$?
[[ $rc == 1 && ! -e $TMP/out ]] && grep -q 'segment the loader reserves' "$TMP/err" &&
	ok "build: header over its segment" "exit 1: $(head -1 "$TMP/err" | cut -c1-110)" ||
	bad "build: header over its segment" "exit $rc: $(head -1 "$TMP/err")"

# kexec-tools: past CRASH_MAX_MEMORY_RANGES (32768) ranges are left out, as
# kexec-tools leaves them out, with a warning; no VMCOREINFO: a warning.
cp -r "$SYS" "$TMP/sys" && chmod -R u+w "$TMP/sys"
/usr/bin/python3 - "$TMP/sys/proc/iomem" <<'PY'
import sys
# The crash kernel at the end of its RAM range (trimmed, no split: a split
# past the 32768 slots fails in kexec-tools too), then 33,000 more System
# RAM ranges.
lines = ["00000000-00000fff : Reserved",
         "00001000-0009fbff : System RAM",
         "00100000-3effffff : System RAM",
         "  08c00000-09bfffff : Kernel code",
         "  2f000000-3effffff : Crash kernel"]
for i in range(33000):
    s = 0x10000000000 + i * 0x2000
    lines.append("%x-%x : System RAM" % (s, s + 0xfff))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
strict "build: kexec-tools past 32768 ranges" "CRASH_MAX_MEMORY_RANGES" \
	build --sysroot "$TMP/sys" --profile kexec-tools -o OUT
"$BIN" build --sysroot "$TMP/sys" --profile kexec-tools -o "$TMP/kt" >/dev/null 2>&1
loads=$(readelf -lW "$TMP/kt" 2>/dev/null | grep -c ' LOAD ')
(( loads >= 32768 && loads <= 32770 )) &&
	ok "build: kexec-tools keeps its 32768 ranges" "$loads PT_LOAD (ranges + kernel text)" ||
	bad "build: kexec-tools keeps its 32768 ranges" "$loads PT_LOAD"
rm -rf "$TMP/sys/sys/kernel/vmcoreinfo"
cp "$SYS/proc/iomem" "$TMP/sys/proc/iomem"
strict "build: kexec-tools without VMCOREINFO" "no VMCOREINFO" \
	build --sysroot "$TMP/sys" --profile kexec-tools -o OUT

# ---- assemble, devdump add, zfcpdump: the vmcore's warnings ----
# A CPU note in memory that no CPU wrote (zeros) beside one that is
# there: "Zero PT_NOTE entries" (the kernel's warning in
# update_note_header_size_elf64, it goes on), a dump warning.
/usr/bin/python3 - "$TMP/mem" <<'PY'
import struct, sys
note = struct.pack("<III", 5, 336, 1) + b"CORE\0\0\0\0" + bytes(336)
mem = bytearray(2 << 20)
mem[0x101000:0x101000 + len(note)] = note
open(sys.argv[1], "wb").write(mem)
PY
"$BIN" build --ranges "$TMP/ranges" --profile generic --no-kernel-text \
	--cpu-note 0x100000:0x170 --cpu-note 0x101000:$((12 + 8 + 336)) -o "$TMP/hdr" >/dev/null 2>&1
strict "assemble: zero notes" "Zero PT_NOTE entries" \
	assemble --elfcorehdr "$TMP/hdr" --memory "$TMP/mem@0" --no-progress -o OUT
# devdump add, zfcpdump assemble and guest write through the same
# dump_write_out as assemble (cli/dump_cli.c), --strict included.
# zfcpdump's own warning: no VMCOREINFO in os_info or the lowcore.
/usr/bin/python3 "$ROOT/tests/e2e/zfcpdump-fixture.py" "$TMP/zf" --no-vmci
for sub in build assemble; do
	strict "zfcpdump $sub: no VMCOREINFO" "no VMCOREINFO note" \
		zfcpdump $sub --save-areas "$TMP/zf/sa" --hsa "$TMP/zf/hsa.bin" \
		--memory "$TMP/zf/mem.bin@0" -o OUT
done
# guest's: no vCPU registers (a real guest's RAM, when the cache has one).
R1=$ROOT/tests/kernel/cache/612-file-1cpu/physmem.bin
if [[ -f $R1 ]]; then
	strict "guest: no vCPU registers" "no vCPU registers" \
		guest --memory "$R1@0" -o OUT
else
	echo "SKIP guest: no vCPU registers (no tests/kernel/cache/612-file-1cpu)"
fi

# ---- fadump check and build ----
gen header "$TMP/fa.bin" 1 little
strict "fadump check: release mismatch" "Kernel version mismatch" \
	fadump check --capture-release 6.12.1 --crashed-release 6.12.0 "$TMP/fa.bin"
printf '0x0+32M\n' >"$TMP/fa-ranges"
strict "fadump build: no --cpu-state" "only the crashing CPU" \
	fadump build --header "$TMP/fa.bin" --boot-mem 0:0x100000:0x1010000 \
	--reserved 0x1000000:0x400000 --ranges "$TMP/fa-ranges" -o OUT

# show --strict (lints) is run-malformed.sh's: stdout "warning: CODE: ...".

# Usage errors look the same in every command: exit 2, "vmcorekit CMD: ..."
# then "Try 'vmcorekit CMD --help'." (an unknown option, a missing value).
for c in build show diff assemble guest zfcpdump hotplug devdump fadump dmesg mount; do
	for bad_arg in --bogus-option "--output"; do
		rc=0; "$BIN" $c $bad_arg >/dev/null 2>"$TMP/err" || rc=$?
		first=$(head -1 "$TMP/err")
		[[ $rc == 2 && $first == "vmcorekit $c: "* ]] &&
			grep -qx "Try 'vmcorekit $c --help'." "$TMP/err" &&
			ok "usage: $c $bad_arg" "$first" ||
			bad "usage: $c $bad_arg" "exit $rc: $(head -2 "$TMP/err" | tr '\n' '|')"
	done
done
summary
