#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Every ELF class x byte order the generic profile writes, checked with the
# real consumers (binutils readelf, elfutils eu-readelf) and vmcorekit show.
#
#   tests/e2e/run-formats.sh [VMCOREKIT_BINARY]     (default build/cli/vmcorekit)
#
# For x86_64 (LE64), arm64 (LE64), ppc64 (BE64), s390x (BE64), i386 (LE32)
# and ppc (BE32): `vmcorekit build --profile generic --arch A --class C
# --endian E --ranges FILE --cpu-note ... --vmcoreinfo ...` must
#   - exit 0;
#   - give readelf -h the class, data encoding and machine asked for;
#   - list 3 PT_NOTE (2 CPUs + VMCOREINFO) and one PT_LOAD per range in
#     readelf -lW and eu-readelf -l, with clean stderr (readelf -lnW: only
#     the expected "notes past EOF" errors of an elfcorehdr, see lib.sh);
#   - read back with `vmcorekit show --json` (class, order, machine, phnum).
# Extended numbering: 70000 ranges (e_phnum = PN_XNUM, count in section
# header 0) for LE64 and BE32.  ELFCLASS32 limits: a range above 4 GiB in
# a 32-bit build exits 1, names ELFCLASS32 and leaves no output file.
# One line per check, then "N passed, N failed"; exit 1 if any failed.
set -euo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ ! -x $BIN ]]; then
	echo "run-formats: $BIN is not executable" >&2
	exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Ranges: START-END inclusive and START+SIZE forms.  LOW fits ELFCLASS32;
# HIGH adds RAM above 4 GiB.
printf '%s\n' '0x1000-0x9ffff' '0x100000+0x7ff00000' '0xc0000000-0xdfffffff' \
	>"$TMP/low.ranges"
cp "$TMP/low.ranges" "$TMP/high.ranges"
echo '0x100000000+0x40000000' >>"$TMP/high.ranges"
/usr/bin/python3 -c '
for i in range(70000):
    print("0x%x+0x1000" % (0x1000000 + i * 0x2000))' >"$TMP/xnum.ranges"

NOTES=(--cpu-note 0x2000000:0x170 --cpu-note 0x2001000:0x170
	--vmcoreinfo 0x3000000:0x1024)

# arch | class | endian | ranges | readelf Machine | show arch (machine no.)
CASES=(
	"x86_64|64|little|high|Advanced Micro Devices X86-64|62"
	"arm64|64|little|high|AArch64|183"
	"ppc64|64|big|high|PowerPC64|21"
	"s390x|64|big|high|IBM S/390|22"
	"i386|32|little|low|Intel 80386|3"
	"ppc|32|big|low|PowerPC|20"
	"x86_64|64|little|xnum|Advanced Micro Devices X86-64|62"
	"ppc|32|big|xnum|PowerPC|20"
)

for c in "${CASES[@]}"; do
	IFS='|' read -r arch cls endian rs machine em <<<"$c"
	label="$arch ELF$cls $endian ($rs ranges)"
	out=$TMP/$arch-$cls-$endian-$rs.elf
	nranges=$(wc -l <"$TMP/$rs.ranges")
	rc=0
	"$BIN" build --profile generic --arch "$arch" --class "$cls" \
		--endian "$endian" --ranges "$TMP/$rs.ranges" "${NOTES[@]}" \
		--json -o "$out" >"$TMP/b.json" 2>"$TMP/b.err" || rc=$?
	if [[ $rc != 0 ]]; then
		bad "$label build" "exit $rc: $(head -1 "$TMP/b.err")"
		continue
	fi
	ok "$label build" "$(stat -c %s "$out") bytes"

	# readelf -h: class, data, machine
	if have readelf; then
		readelf -hW "$out" >"$TMP/h.out" 2>&1 || true
		want_data="$endian endian"
		if grep -q "Class:[[:space:]]*ELF$cls\$" "$TMP/h.out" &&
			grep -q "Data:.*$want_data" "$TMP/h.out" &&
			grep -qF "Machine:                           $machine" "$TMP/h.out"; then
			ok "$label readelf -h" "ELF$cls, $want_data, $machine"
		else
			bad "$label readelf -h" "$(grep -E 'Class|Data|Machine' "$TMP/h.out" | tr -s ' ' | tr '\n' ';')"
		fi
		if [[ $rs == xnum ]]; then
			if grep -q "Number of program headers:[[:space:]]*65535 ($((nranges + 3)))" "$TMP/h.out"; then
				ok "$label readelf -h PN_XNUM" "65535 ($((nranges + 3)))"
			else
				bad "$label readelf -h PN_XNUM" "$(grep 'Number of program headers' "$TMP/h.out")"
			fi
		fi
	fi
	readelf_check "$label" "$out" 3 "$nranges"

	# Round trip through our own parser.
	rc=0
	"$BIN" show --json "$out" >"$TMP/s.json" 2>"$TMP/s.err" || rc=$?
	got="$(jget "$TMP/s.json" class)/$(jget "$TMP/s.json" endian)/$(jget "$TMP/s.json" machine)/$(jget "$TMP/s.json" phnum)"
	want="ELF$cls/$endian/$em/$((nranges + 3))"
	if [[ $rc == 0 && $got == "$want" ]]; then
		ok "$label show --json" "$got"
	else
		bad "$label show --json" "exit $rc, $got, want $want $(head -1 "$TMP/s.err")"
	fi
done

# ELFCLASS32 cannot hold an address above 4 GiB.
for spec in "i386|little" "ppc|big"; do
	IFS='|' read -r arch endian <<<"$spec"
	label="$arch ELF32 $endian, RAM above 4 GiB"
	out=$TMP/too-high-$arch.elf
	rc=0
	"$BIN" build --profile generic --arch "$arch" --class 32 \
		--endian "$endian" --ranges "$TMP/high.ranges" "${NOTES[@]}" \
		-o "$out" >"$TMP/b.out" 2>"$TMP/b.err" || rc=$?
	if [[ $rc != 1 ]]; then
		bad "$label" "exit $rc, want 1"
	elif ! grep -q ELFCLASS32 "$TMP/b.err"; then
		bad "$label" "no ELFCLASS32 in: $(head -1 "$TMP/b.err")"
	elif [[ -n $(find "$TMP" -name "*too-high-$arch*" -print -quit) ]]; then
		bad "$label" "a failed build left an output file behind"
	else
		ok "$label" "exit 1: $(head -1 "$TMP/b.err")"
	fi
done

summary
