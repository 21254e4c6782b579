#!/bin/bash
# SPDX-License-Identifier: MIT
# vmcorekit zfcpdump build|assemble on synthetic s390x inputs
# (tests/e2e/zfcpdump-fixture.py): an HSA image and a memory image with
# distinct byte patterns, CPU save-area files, os_info and VMCOREINFO in
# old memory.  Checkers: readelf -lW / -h (binutils), eu-readelf -n
# (elfutils decodes the s390 PRSTATUS), and zfcpdump-check.py, which reads
# every note desc and every vmcore byte against the fixture's model.
#
# usage: run-zfcpdump.sh [path/to/vmcorekit]   (from the repository root)
set -u
BIN=$(readlink -f "${1:-build/cli/vmcorekit}")
ROOT=$(pwd)
TMP=$(mktemp -d /tmp/vmc-zfcpdump.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
. tests/e2e/lib.sh
PY=/usr/bin/python3
FIX="$PY $ROOT/tests/e2e/zfcpdump-fixture.py"
CHK="$PY $ROOT/tests/e2e/zfcpdump-check.py"
F=$TMP/fx
IN=(--save-areas "$F/sa" --hsa "$F/hsa.bin" --memory "$F/mem.bin@0")

# check NAME CMD...: ok when CMD exits 0, else bad with its output
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		bad "$name" "$(echo "$out" | head -3 | tr '\n' ' ')"
	fi
}

# phdr_field FILE N FIELD: a readelf -lW program header column
# (1 type, 2 offset, 3 vaddr, 4 paddr, 5 filesz, 6 memsz, 8 align)
phdr_field() {
	readelf -lW "$1" | awk -v n="$2" -v f="$3" \
		'/^  (NOTE|LOAD) /{ if (i++ == n) { if (f == 8 && NF == 7) print $7; else print $f } }'
}

# ---- build: the header ----
$FIX "$F"
"$BIN" zfcpdump build "${IN[@]}" -o "$TMP/hdr.bin" >"$TMP/out" 2>&1 ||
	bad "build" "$(cat "$TMP/out")"
readelf_check "header" "$TMP/hdr.bin" 1 2
h=$(readelf -hW "$TMP/hdr.bin")
if grep -q 'ELF64' <<<"$h" && grep -q 'big endian' <<<"$h" &&
	grep -q 'IBM S/390' <<<"$h" && grep -q 'CORE' <<<"$h"; then
	ok "readelf -h" "ELF64, big endian, IBM S/390, CORE"
else
	bad "readelf -h" "$(echo "$h" | grep -E 'Class|Data|Machine|Type' | tr -s ' ' | tr '\n' ';')"
fi
exp() { grep "^$1=" "$F/expect.txt" | cut -d= -f2; }
# readelf prints 0x-prefixed, zero-padded hex: compare numerically.
same() { [[ $(( $1 )) == $(( $2 )) ]]; }
if same "$(phdr_field "$TMP/hdr.bin" 1 2)" "$(exp image_phys)" &&
	same "$(phdr_field "$TMP/hdr.bin" 1 3)" "$(exp image_start)" &&
	same "$(phdr_field "$TMP/hdr.bin" 1 4)" "$(exp image_phys)" &&
	same "$(phdr_field "$TMP/hdr.bin" 1 5)" "$(( $(exp image_end) - $(exp image_start) ))" &&
	same "$(phdr_field "$TMP/hdr.bin" 1 8)" 0x1000; then
	ok "readelf -l: kernel text PT_LOAD" "os_info IMAGE_START/END/PHYS, align 0x1000"
else
	bad "readelf -l: kernel text PT_LOAD" "$(readelf -lW "$TMP/hdr.bin" | grep LOAD | head -1)"
fi
if same "$(phdr_field "$TMP/hdr.bin" 2 2)" 0 &&
	same "$(phdr_field "$TMP/hdr.bin" 2 3)" "$(exp identity_base)" &&
	same "$(phdr_field "$TMP/hdr.bin" 2 4)" 0 &&
	same "$(phdr_field "$TMP/hdr.bin" 2 5)" "$(exp mem_size)" &&
	same "$(phdr_field "$TMP/hdr.bin" 2 6)" "$(exp mem_size)" &&
	same "$(phdr_field "$TMP/hdr.bin" 2 8)" 0x1000; then
	ok "readelf -l: memory PT_LOAD" "[0, 4 MiB) (HSA + memory merged), vaddr = identity base, align 0x1000"
else
	bad "readelf -l: memory PT_LOAD" "$(readelf -lW "$TMP/hdr.bin" | grep LOAD | tail -1)"
fi
if have eu-readelf; then
	eu-readelf -n "$TMP/hdr.bin" >"$TMP/eu.txt" 2>&1
	check "eu-readelf -n: PRSTATUS psw, r0-r15, a0-a15 and fpc are the save areas'" \
		$CHK eu "$TMP/hdr.bin" "$F/expect.txt" <"$TMP/eu.txt"
	if grep -q 'pid: 3' "$TMP/eu.txt"; then
		bad "eu-readelf -n: cpu2 (prefix 0)" "has notes"
	else
		ok "eu-readelf -n: cpu2 (prefix 0) has no notes" "get_cpu_cnt"
	fi
	# The checker must be able to fail: a register byte flipped.
	cp "$TMP/hdr.bin" "$TMP/flip.bin"
	off=$(grep -boa 'CORE' "$TMP/flip.bin" | sed -n 2p | cut -d: -f1)
	printf '\x99' | dd of="$TMP/flip.bin" bs=1 seek=$((off + 8 + 112 + 8 + 7)) \
		conv=notrunc status=none
	if eu-readelf -n "$TMP/flip.bin" 2>&1 |
		$CHK eu "$TMP/flip.bin" "$F/expect.txt" >/dev/null; then
		bad "eu-readelf check" "does not notice a changed psw address"
	else
		ok "eu-readelf check notices a changed psw address"
	fi
else
	skip "eu-readelf -n" "elfutils not installed"
fi
check "notes: order, names, every desc byte; VMCOREINFO from os_info" \
	$CHK notes "$TMP/hdr.bin" "$F/expect.txt" 0 os_info
if $CHK notes "$TMP/flip.bin" "$F/expect.txt" 0 os_info >/dev/null 2>&1; then
	bad "notes check" "does not notice a changed psw address"
else
	ok "notes check notices a changed psw address"
fi
"$BIN" show "$TMP/hdr.bin" >"$TMP/show.txt" 2>&1
if grep -q '^elfcorehdr: ELF64 big-endian core, machine 22 (s390x)' "$TMP/show.txt" &&
	[[ $(grep -c 'NT_PRSTATUS' "$TMP/show.txt") == 2 ]] &&
	grep -q 'VMCOREINFO.*OSRELEASE=' "$TMP/show.txt" &&
	! grep -q 'warning' "$TMP/show.txt"; then
	ok "show" "an elfcorehdr whose notes (in the file) are decoded"
else
	bad "show" "$(head -c 400 "$TMP/show.txt")"
fi
"$BIN" zfcpdump build "${IN[@]}" --json -o "$TMP/hdr2.bin" >"$TMP/j.json"
if cmp -s "$TMP/hdr.bin" "$TMP/hdr2.bin" &&
	[[ $(jget "$TMP/j.json" cpus 0 source) == "memory 0x1200" &&
	   $(jget "$TMP/j.json" cpus 1 source) == cpu1 &&
	   $(jget "$TMP/j.json" cpus 2 pr_pid) == None &&
	   $(jget "$TMP/j.json" vmcoreinfo from) == os_info &&
	   $(jget "$TMP/j.json" size) == "$(stat -c %s "$TMP/hdr.bin")" ]]; then
	ok "--json" "boot CPU from memory 0x1200, cpu2 skipped, VMCOREINFO from os_info"
else
	bad "--json" "$(head -c 300 "$TMP/j.json")"
fi

# ---- variants: vector registers, VMCOREINFO from the lowcore, no KASLR ----
$FIX "$F" --vx
"$BIN" zfcpdump build "${IN[@]}" -o "$TMP/vx.bin" >/dev/null 2>&1
check "vector registers: VXRS_HIGH then VXRS_LOW per CPU, from cpuN.vx" \
	$CHK notes "$TMP/vx.bin" "$F/expect.txt" 1 os_info
rm "$F/sa/cpu1.vx"
if "$BIN" zfcpdump build "${IN[@]}" -o "$TMP/bad.bin" >"$TMP/out" 2>&1; then
	bad "a CPU without cpuN.vx" "accepted"
elif grep -q 'cpu1 has no cpu1.vx' "$TMP/out" && [[ ! -e $TMP/bad.bin ]]; then
	ok "a CPU without cpuN.vx when others have one: exit 1, named"
else
	bad "a CPU without cpuN.vx" "$(cat "$TMP/out")"
fi
$FIX "$F" --no-os-info-vmci
"$BIN" zfcpdump build "${IN[@]}" -o "$TMP/lc.bin" >/dev/null 2>&1
check "VMCOREINFO from the lowcore vmcore_info note when os_info has none" \
	$CHK notes "$TMP/lc.bin" "$F/expect.txt" 0 lowcore
$FIX "$F" --nokaslr
"$BIN" zfcpdump build "${IN[@]}" -o "$TMP/nk.bin" >/dev/null 2>&1
if [[ $(readelf -lW "$TMP/nk.bin" | grep -c '^  LOAD') == 1 ]] &&
	same "$(phdr_field "$TMP/nk.bin" 1 3)" 0; then
	ok "no KASLR offset in os_info: no text PT_LOAD, p_vaddr = p_paddr" "os_info_has_vm"
else
	bad "no KASLR offset" "$(readelf -lW "$TMP/nk.bin" | grep LOAD)"
fi

# ---- assemble: /proc/vmcore with the HSA overlay ----
$FIX "$F"
"$BIN" zfcpdump assemble "${IN[@]}" -o "$TMP/vmcore" >"$TMP/out" 2>&1 ||
	bad "assemble" "$(cat "$TMP/out")"
readelf_check "vmcore" "$TMP/vmcore" 1 2
check "vmcore: HSA bytes below hsa_size, memory above, reads straddling the edge" \
	$CHK memory "$TMP/vmcore" "$F/hsa.bin" "$F/mem.bin" 0x100000
if $CHK memory "$TMP/vmcore" "$F/hsa.bin" "$F/mem.bin" 0x80000 >/dev/null; then
	bad "memory check" "accepts a wrong HSA size"
else
	ok "memory check notices a wrong HSA size"
fi
if have eu-readelf; then
	eu-readelf -n "$TMP/vmcore" >"$TMP/eu.txt" 2>&1
	check "vmcore: eu-readelf -n registers" \
		$CHK eu "$TMP/vmcore" "$F/expect.txt" <"$TMP/eu.txt"
fi
"$BIN" zfcpdump assemble "${IN[@]}" --hsa-size 0x80000 -o "$TMP/vm2" >/dev/null 2>&1
check "--hsa-size 0x80000: the HSA covers only [0, 0x80000)" \
	$CHK memory "$TMP/vm2" "$F/hsa.bin" "$F/mem.bin" 0x80000
"$BIN" zfcpdump assemble "${IN[@]}" -o - 2>/dev/null >"$TMP/vm3"
if cmp -s "$TMP/vmcore" "$TMP/vm3"; then
	ok "assemble -o - streams the same bytes"
else
	bad "assemble -o -" "differs from the file"
fi
# Memory given above the HSA only: the HSA supplies [0, hsa_size).
"$BIN" zfcpdump assemble --save-areas "$F/sa" --hsa "$F/hsa.bin" \
	--memory "$F/mem.bin@0x100000,offset=0x100000" -o "$TMP/vm4" >/dev/null 2>&1
if cmp -s "$TMP/vmcore" "$TMP/vm4"; then
	ok "memory image from hsa_size up gives the same vmcore"
else
	bad "memory from hsa_size" "differs"
fi

# ---- bad inputs: exit codes, messages, no output left ----
expect_fail() {	# NAME CODE PATTERN ARGS...
	local name=$1 code=$2 pat=$3 rc=0
	shift 3
	"$BIN" zfcpdump "$@" >"$TMP/out" 2>&1 || rc=$?
	if [[ $rc == "$code" ]] && grep -q -- "$pat" "$TMP/out" &&
		[[ ! -e $TMP/never ]]; then
		ok "$name" "exit $rc"
	else
		bad "$name" "exit $rc: $(head -2 "$TMP/out" | tr '\n' ' ')"
	fi
}
expect_fail "missing HSA file" 3 "nonexistent" build "${IN[@]:0:2}" \
	--hsa "$TMP/nonexistent" --memory "$F/mem.bin@0" -o "$TMP/never"
expect_fail "HSA image shorter than --hsa-size" 1 "truncated" build "${IN[@]}" \
	--hsa-size 2M -o "$TMP/never"
head -c 100 "$F/sa/cpu1" >"$F/sa/cpu3"
expect_fail "a 100-byte save area" 1 "cpu3" build "${IN[@]}" -o "$TMP/never"
rm "$F/sa/cpu3"
expect_fail "no memory at all" 1 "0x1200" build -o "$TMP/never"
expect_fail "unknown subcommand" 2 "unknown subcommand" frobnicate
expect_fail "assemble-only option on build" 2 "assemble options" build \
	"${IN[@]}" --no-sparse -o "$TMP/never"
expect_fail "overlapping memory images" 1 "overlaps" build "${IN[@]}" \
	--memory "$F/mem.bin@0x200000" -o "$TMP/never"

summary
