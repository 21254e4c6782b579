#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Memory and disk bounds of the writing commands (issue 14): padding and
# zero stretches are holes, device dumps stream from their collector.
#   build --capacity 16G          a 16 GiB file, (almost) no blocks, < 10 s
#   hotplug apply --capacity 1G   the tail a hole, peak RSS < 64 MiB
#   devdump add, 256 MiB dump     peak RSS < 64 MiB (file and exec:
#                                 collector), a zero dump allocates no blocks
#                                 (output holes), payload extracted identical
# usage: tests/e2e/run-bounds.sh VMCOREKIT
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "${1:?usage: run-bounds.sh VMCOREKIT}")
# shellcheck source=lib.sh
. "$HERE/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
# meson test sets MALLOC_PERTURB_: glibc then writes into every fresh
# allocation, touching the pages of a 1 GiB segment nobody else touches.
unset MALLOC_PERTURB_
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SYS=$ROOT/tests/kernel/captures/612-hotplug/sysroot
CAP=$ROOT/tests/kernel/captures/612-hotplug/elfcorehdr.bin
TIME=/usr/bin/time
LIMIT_KB=$((64 * 1024))
# ASan's shadow memory and quarantine are not ours: the RSS bounds hold
# for the plain build (an ASan run still checks everything else).
asan=
# (Not `| grep -q`: under pipefail its early exit fails ldd/nm by SIGPIPE.)
[[ $(ldd "$BIN" 2>/dev/null) == *libasan* ]] && asan=1
[[ $(nm -D "$BIN" 2>/dev/null) == *__asan_init* ]] && asan=1

kib() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") / 1024 )); }
rss_ok() {	# NAME KB: the peak RSS check (skipped under ASan)
	if [[ -n $asan ]]; then
		skip "$1: peak RSS" "ASan build ($2 KiB)"
	elif (( $2 < LIMIT_KB )); then
		ok "$1: peak RSS" "$2 KiB < $LIMIT_KB"
	else
		bad "$1: peak RSS" "$2 KiB, want < $LIMIT_KB"
	fi
}

# build --capacity 16G: the header, then a hole
s=$(date +%s.%N)
rc=0; "$BIN" build --sysroot "$SYS" --capacity 16G -o "$TMP/cap16" >/dev/null 2>"$TMP/err" || rc=$?
t=$(echo "$(date +%s.%N) - $s" | bc)
size=$(stat -c %s "$TMP/cap16" 2>/dev/null || echo 0)
[[ $rc == 0 && $size == $((16 << 30)) ]] && (( $(kib "$TMP/cap16") <= 64 )) &&
	[[ $(echo "$t < 10" | bc) == 1 ]] &&
	ok "build --capacity 16G" "$size bytes, $(kib "$TMP/cap16") KiB allocated, ${t%???????} s" ||
	bad "build --capacity 16G" "exit $rc, $size bytes, $(kib "$TMP/cap16" 2>/dev/null) KiB, $t s: $(head -1 "$TMP/err")"
# the same header bytes as without the capacity, zeros after them
"$BIN" build --sysroot "$SYS" -o "$TMP/nocap" >/dev/null 2>&1
n=$(stat -c %s "$TMP/nocap")
cmp -s -n "$n" "$TMP/cap16" "$TMP/nocap" &&
	[[ $(tail -c +$((n + 1)) "$TMP/cap16" | head -c $((64 << 20)) | tr -d '\0' | wc -c) == 0 ]] &&
	ok "build --capacity 16G: contents" "the $n-byte header, then zeros" ||
	bad "build --capacity 16G: contents" "differs from the header without --capacity"
rm -f "$TMP/cap16"
# to a pipe the padding is written (a pipe has no holes)
bytes=$("$BIN" build --sysroot "$SYS" --capacity 3M -o - 2>/dev/null | wc -c)
[[ $bytes == $((3 << 20)) ]] && ok "build --capacity 3M -o - | wc -c" "$bytes bytes" ||
	bad "build --capacity 3M -o - | wc -c" "$bytes bytes"

# hotplug apply --capacity 1G: the segment's unused tail is a hole
rc=0; $TIME -f %M -o "$TMP/rss" "$BIN" hotplug apply --sysroot "$SYS" --elfcorehdr "$CAP" \
	--event add-memory:0x100000000+1G --capacity 1G -o "$TMP/seg" >/dev/null 2>"$TMP/err" || rc=$?
[[ $rc == 0 && $(stat -c %s "$TMP/seg") == $((1 << 30)) ]] && (( $(kib "$TMP/seg") <= 1024 )) &&
	ok "hotplug apply --capacity 1G" "$(kib "$TMP/seg") KiB allocated" ||
	bad "hotplug apply --capacity 1G" "exit $rc, $(stat -c %s "$TMP/seg" 2>/dev/null) bytes, $(kib "$TMP/seg" 2>/dev/null) KiB: $(head -1 "$TMP/err")"
rss_ok "hotplug apply --capacity 1G" "$(tail -1 "$TMP/rss")"
rm -f "$TMP/seg"

# devdump add: a small vmcore and a 256 MiB dump
printf '0x100000+1M\n' >"$TMP/ranges"
# 4 MiB of memory with one real NT_PRSTATUS note at 0x300000
/usr/bin/python3 - "$TMP/mem" <<'PY'
import os, struct, sys
note = struct.pack("<III", 5, 336, 1) + b"CORE\0\0\0\0" + bytes(336)
mem = bytearray(os.urandom(4 << 20))
mem[0x300000:0x300000 + len(note)] = note
open(sys.argv[1], "wb").write(mem)
PY
"$BIN" build --ranges "$TMP/ranges" --profile generic --no-kernel-text \
	--cpu-note 0x300000:$((12 + 8 + 336)) -o "$TMP/hdr" >/dev/null &&
"$BIN" assemble --elfcorehdr "$TMP/hdr" --memory "$TMP/mem@0" --no-progress -o "$TMP/core" >/dev/null ||
	{ bad "fixtures" "setup failed"; summary; exit 1; }
head -c $((256 << 20)) /dev/urandom >"$TMP/dump"
for how in file exec; do
	[[ $how == file ]] && spec="nic=$TMP/dump" || spec="nic=exec:cat $TMP/dump"
	rc=0; $TIME -f %M -o "$TMP/rss" "$BIN" devdump add "$TMP/core" "$spec" \
		--device-dump-max 512M --no-progress -o "$TMP/out" >/dev/null 2>"$TMP/err" || rc=$?
	if [[ $rc == 0 ]] && "$BIN" devdump extract "$TMP/out" nic -o "$TMP/x" >/dev/null 2>&1 && cmp -s -n $((256 << 20)) "$TMP/x" "$TMP/dump"; then
		ok "devdump add 256 MiB ($how)" "payload extracted identical"
	else
		bad "devdump add 256 MiB ($how)" "exit $rc: $(head -1 "$TMP/err")"
	fi
	rss_ok "devdump add 256 MiB ($how)" "$(tail -1 "$TMP/rss")"
	rm -f "$TMP/out" "$TMP/x"
done
rm -f "$TMP/dump"
# a zero dump (a sparse file) leaves holes in the output
truncate -s 256M "$TMP/zero"
rc=0; "$BIN" devdump add "$TMP/core" "z=$TMP/zero" --device-dump-max 512M --no-progress \
	-o "$TMP/out" >/dev/null 2>"$TMP/err" || rc=$?
[[ $rc == 0 ]] && (( $(kib "$TMP/out") < 16 * 1024 )) &&
	ok "devdump add, 256 MiB zero dump" "$(stat -c %s "$TMP/out") bytes, $(kib "$TMP/out") KiB allocated" ||
	bad "devdump add, 256 MiB zero dump" "exit $rc, $(kib "$TMP/out" 2>/dev/null) KiB allocated: $(head -1 "$TMP/err")"
summary
