#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmcorekit fadump end to end: crash info headers (v0/v1, both byte orders)
# and register save areas encoded independently (fadump_gen.py, Python
# struct from the kernel's layouts); every verdict rule through the CLI and
# its exit status; the capture kernel's elfcorehdr checked by binutils
# readelf and elfutils eu-readelf (eu-readelf -n must decode each
# NT_PRSTATUS to the save area's / the header's register values); and
# assemble --elfcorehdr-newmem over a synthetic memory image, which must
# read the boot memory's firmware copy, not the overwritten original.
#   usage: run-fadump.sh VMCOREKIT
set -uo pipefail
BIN=$(readlink -f "$1")
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=lib.sh
source "$ROOT/tests/e2e/lib.sh"
gen() { /usr/bin/python3 "$ROOT/tests/e2e/fadump_gen.py" "$@"; }

# expect_exit NAME WANT CMD...: run, compare the exit status.
expect_exit() {
	local name=$1 want=$2 rc=0
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [[ $rc == "$want" ]]; then
		ok "$name" "exit $rc"
	else
		bad "$name" "exit $rc, want $want: $(head -c 300 "$TMP/err")"
	fi
}

# jcheck NAME FILE KEY... = WANT
jcheck() {
	local name=$1 f=$2 got want
	shift 2
	want=${*: -1}
	got=$(jget "$f" "${@:1:$#-2}")
	if [[ $got == "$want" ]]; then
		ok "$name" "$want"
	else
		bad "$name" "got '$got', want '$want'"
	fi
}

# ---- 1. golden headers, both byte orders ----
for e in little big; do
	other=$([[ $e == little ]] && echo big || echo little)
	gen header "$TMP/v1-$e.bin" 1 "$e" crashing_cpu=1 cpus=0,1,3
	expect_exit "check v1 $e" 0 "$BIN" fadump check --json "$TMP/v1-$e.bin"
	cp "$TMP/out" "$TMP/v1.json"
	jcheck "v1 $e verdict" "$TMP/v1.json" verdict = compatible
	jcheck "v1 $e endian" "$TMP/v1.json" endian = "$e"
	jcheck "v1 $e detected" "$TMP/v1.json" endian_detected = True
	jcheck "v1 $e version" "$TMP/v1.json" version = 1
	jcheck "v1 $e crashing cpu" "$TMP/v1.json" crashing_cpu = 1
	jcheck "v1 $e vmcoreinfo" "$TMP/v1.json" vmcoreinfo_raddr = 0x1090000
	jcheck "v1 $e vmcoreinfo size" "$TMP/v1.json" vmcoreinfo_size = 65572
	jcheck "v1 $e size" "$TMP/v1.json" size = 680
	jcheck "v1 $e cpus" "$TMP/v1.json" cpus = 0-1,3
	# reg_value(1, 32, "hdr") = 0xc000000001000000 + (1 << 16) + (32 << 4) + 8
	jcheck "v1 $e nip" "$TMP/v1.json" regs nip = 0xc000000001010208
	jcheck "v1 $e r1" "$TMP/v1.json" regs r1 = 0xc000000001010018
	jcheck "v1 $e iamr" "$TMP/v1.json" regs iamr = 0xc0000000010102f8
	expect_exit "check v1 $e --endian $e" 0 \
		"$BIN" fadump check --endian "$e" "$TMP/v1-$e.bin"
	expect_exit "check v1 $e --endian $other" 1 \
		"$BIN" fadump check --json --endian "$other" "$TMP/v1-$e.bin"
	jcheck "v1 $e as $other" "$TMP/out" verdict = endian-mismatch
	jcheck "v1 $e as $other message" "$TMP/out" message = \
		"Endianness mismatch between the crashed and fadump kernels."

	gen header "$TMP/v0-$e.bin" 0 "$e" crashing_cpu=2 cpus=0,2
	expect_exit "check v0 $e" 1 "$BIN" fadump check --json "$TMP/v0-$e.bin"
	jcheck "v0 $e verdict" "$TMP/out" verdict = old-magic
	jcheck "v0 $e message" "$TMP/out" message = \
		"Old magic number, can't process the dump."
	jcheck "v0 $e decoded" "$TMP/out" decoded = True
	jcheck "v0 $e elfcorehdr_addr" "$TMP/out" elfcorehdr_addr = 0x1234000
	jcheck "v0 $e crashing cpu" "$TMP/out" crashing_cpu = 2
	jcheck "v0 $e size" "$TMP/out" size = 664
	jcheck "v0 $e cpus" "$TMP/out" cpus = 0,2
	jcheck "v0 $e nip" "$TMP/out" regs nip = 0xc000000001020208
done

# ---- 2. the other verdict rules ----
gen header "$TMP/bad.bin" 1 little magic=0x4641444d50534948
expect_exit "corrupted magic" 1 "$BIN" fadump check --json "$TMP/bad.bin"
jcheck "corrupted verdict" "$TMP/out" verdict = corrupted
gen header "$TMP/oldswap.bin" 0 big
expect_exit "old magic byte-swapped" 1 \
	"$BIN" fadump check --json --endian little "$TMP/oldswap.bin"
jcheck "old magic byte-swapped verdict" "$TMP/out" verdict = corrupted
gen header "$TMP/regs.bin" 1 big pt_regs_sz=392
expect_exit "pt_regs size mismatch" 1 "$BIN" fadump check --json "$TMP/regs.bin"
jcheck "pt_regs size mismatch verdict" "$TMP/out" verdict = size-mismatch
expect_exit "pt_regs 392 on both sides" 0 \
	"$BIN" fadump check --capture-pt-regs-size 392 "$TMP/regs.bin"
gen header "$TMP/mask.bin" 1 little cpu_mask_sz=1024
expect_exit "cpumask size mismatch" 1 "$BIN" fadump check --json "$TMP/mask.bin"
jcheck "cpumask size mismatch verdict" "$TMP/out" verdict = size-mismatch
jcheck "cpumask size shown" "$TMP/out" cpu_mask_sz = 1024
expect_exit "cpumask 1024 on both sides" 0 \
	"$BIN" fadump check --capture-cpumask-size 1024 "$TMP/mask.bin"
gen header "$TMP/short.bin" 1 little truncate=500
expect_exit "truncated" 1 "$BIN" fadump check --json "$TMP/short.bin"
jcheck "truncated verdict" "$TMP/out" verdict = truncated
expect_exit "release mismatch" 0 "$BIN" fadump check --json \
	--capture-release 6.12.1 --crashed-release 6.12.0 "$TMP/v1-little.bin"
jcheck "release mismatch warns" "$TMP/out" warnings 0 = \
	"Kernel version mismatch; dump data is unreliable. (crashed 6.12.0, capture 6.12.1)"
expect_exit "same release" 0 "$BIN" fadump check --json \
	--capture-release 6.12.1 --crashed-release 6.12.1 "$TMP/v1-little.bin"
jcheck "same release: no warning" "$TMP/out" warnings = "[]"
expect_exit "usage: no subcommand" 2 "$BIN" fadump
expect_exit "usage: bad endian" 2 "$BIN" fadump check --endian middle x
expect_exit "usage: bad size" 2 \
	"$BIN" fadump check --capture-pt-regs-size 100 "$TMP/v1-little.bin"
expect_exit "missing file" 3 "$BIN" fadump check "$TMP/nonexistent"
expect_exit "--help" 0 "$BIN" fadump --help

# ---- 3. register save area ----
gen cpustate "$TMP/regsave.bin" 0,1,2,3
expect_exit "cpu-state" 0 "$BIN" fadump cpu-state --json "$TMP/regsave.bin"
jcheck "cpu-state CPU 3" "$TMP/out" cpus 3 cpu = 3
jcheck "cpu-state CPU 3 nip" "$TMP/out" cpus 3 regs nip = 0xc000000002030208
jcheck "cpu-state ignored PIR" "$TMP/out" cpus 3 ignored = 1
jcheck "cpu-state orig_gpr3 unset" "$TMP/out" cpus 3 regs orig_gpr3 = 0x0
head -c 100 "$TMP/regsave.bin" >"$TMP/regsave-short.bin"
expect_exit "cpu-state truncated" 1 "$BIN" fadump cpu-state "$TMP/regsave-short.bin"

# ---- 4. build: readelf, eu-readelf -n register values ----
printf '# memblock memory\n0x0+32M\n0x3000000-0x3ffffff\n' >"$TMP/ranges.txt"
# eu_regs FILE: for each NT_PRSTATUS, "idx=value" for every register
# eu-readelf prints (decimal GPRs made unsigned), one note per line.
eu_regs() {
	eu-readelf -n "$1" 2>/dev/null | /usr/bin/python3 -c '
import re, sys
idx = {"nip": 32, "msr": 33, "orig_gpr3": 34, "ctr": 35, "lr": 36,
       "xer": 37, "cr": 38, "spr0": 39, "dar": 41, "dsisr": 42}
idx.update({"r%d" % i: i for i in range(32)})
notes = []
for line in sys.stdin:
    if "PRSTATUS" in line:
        notes.append({})
        continue
    for k, v in re.findall(r"(\w+):\s+(-?(?:0x[0-9a-f]+|\d+))", line):
        if notes and k in idx:
            notes[-1][idx[k]] = int(v, 0) & (2**64 - 1)
for n in notes:
    print(" ".join("%d=%x" % kv for kv in sorted(n.items())))
'
}
# want_regs CPU SOURCE: the same line, predicted from fadump_gen.reg_value
# (save-area CPUs have only the registers rtas_fadump_set_regval sets).
want_regs() {
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import sys
sys.path.insert(0, "tests/e2e")
from fadump_gen import reg_value
cpu, src = int(sys.argv[1]), sys.argv[2]
shown = list(range(32)) + [32, 33, 34, 35, 36, 37, 38, 39, 41, 42]
have = set(range(34)) | {35, 36, 37, 38, 41, 42}
print(" ".join("%d=%x" % (i, reg_value(cpu, i, src)
                          if src == "hdr" or i in have else 0)
               for i in shown))
EOF
}
for e in big little; do
	out=$TMP/hdr-$e.bin
	expect_exit "build $e" 0 "$BIN" fadump build --json \
		--header "$TMP/v1-$e.bin" --boot-mem 0:0x100000:0x1010000 \
		--boot-mem 0x200000:0x100000 --reserved 0x1000000:0x400000 \
		--ranges "$TMP/ranges.txt" --cpu-state "$TMP/regsave.bin" -o "$out"
	cp "$TMP/out" "$TMP/build.json"
	jcheck "build $e phnum" "$TMP/build.json" phnum = 7
	jcheck "build $e splits" "$TMP/build.json" splits = 1
	jcheck "build $e kernel slots" "$TMP/build.json" kernel_phdr_slots = 6
	jcheck "build $e cpu notes" "$TMP/build.json" cpu_notes = 3
	jcheck "build $e e_flags" "$TMP/build.json" e_flags \
		= "$([[ $e == little ]] && echo 2 || echo 1)"
	size=$(stat -c %s "$out")
	jcheck "build $e exact size" "$TMP/build.json" size = "$size"
	if [[ $size == $((64 + 7 * 56 + 3 * 524 + 12)) ]]; then
		ok "build $e size from the layout" "$size"
	else
		bad "build $e size from the layout" "$size"
	fi
	readelf_check "build $e" "$out" 2 5
	if have readelf; then
		readelf -lW "$out" >"$TMP/re.out" 2>&1
		loads=$(awk '$1 == "LOAD" { print $2, $4, $5 }' "$TMP/re.out" | tr '\n' ' ')
		want="0x1010000 0x0000000000000000 0x100000 0x1110000 0x0000000000200000 0x100000 0x300000 0x0000000000300000 0xd00000 0x1400000 0x0000000001400000 0xc00000 0x3000000 0x0000000003000000 0x1000000 "
		if [[ $loads == "$want" ]]; then
			ok "build $e PT_LOADs (readelf)" "boot copies, split, tail"
		else
			bad "build $e PT_LOADs (readelf)" "$loads"
		fi
		flags=$(readelf -hW "$out" | awk -F: '/Flags/ { gsub(/ /, "", $2); print $2 }')
		[[ $flags == "0x$([[ $e == little ]] && echo 2 || echo 1)"* ]] &&
			ok "build $e readelf e_flags" "$flags" ||
			bad "build $e readelf e_flags" "$flags"
	fi
	# show: an elfcorehdr (the relocated boot-memory loads are still
	# physical addresses), with the CPU notes built into the file decoded
	# and VMCOREINFO (old memory) not read; no past-eof warnings.
	"$BIN" show --json "$out" >"$TMP/hshow.json" 2>"$TMP/err"
	got="$(jget "$TMP/hshow.json" kind) $(jget "$TMP/hshow.json" phdrs 0 notes 2 type_name) $(jget "$TMP/hshow.json" phdrs 1 notes) $(jget "$TMP/hshow.json" lint)"
	if [[ $got == "elfcorehdr NT_PRSTATUS  []" ]]; then
		ok "build $e show" "elfcorehdr, 3 CPU notes from the file, no warnings"
	else
		bad "build $e show" "$got"
	fi
	if have eu-readelf; then
		eu_regs "$out" >"$TMP/got.regs"
		{ want_regs 0 save; want_regs 1 hdr; want_regs 3 save; } >"$TMP/want.regs"
		if [[ $(wc -l <"$TMP/got.regs") == 3 ]] &&
			cmp -s "$TMP/got.regs" "$TMP/want.regs"; then
			ok "build $e eu-readelf -n PRSTATUS" "CPUs 0 (save area), 1 (header), 3 (save area); 2 not in cpu_mask"
		else
			bad "build $e eu-readelf -n PRSTATUS" "$(diff "$TMP/got.regs" "$TMP/want.regs" | head -c 400)"
		fi
	else
		skip "build $e eu-readelf -n" "elfutils not installed"
	fi
done
# Without a save area: the crashing CPU alone, with a warning.
expect_exit "build without --cpu-state" 0 "$BIN" fadump build \
	--header "$TMP/v1-little.bin" --boot-mem 0:0x100000:0x1010000 \
	--reserved 0x1000000:0x400000 --ranges "$TMP/ranges.txt" -o "$TMP/one.bin"
grep -q "only the crashing CPU" "$TMP/err" && ok "without --cpu-state warns" ||
	bad "without --cpu-state warns" "$(cat "$TMP/err")"
if have eu-readelf; then
	[[ $(eu_regs "$TMP/one.bin") == "$(want_regs 1 hdr)" ]] &&
		ok "without --cpu-state: CPU 1's note" ||
		bad "without --cpu-state: CPU 1's note" "$(eu_regs "$TMP/one.bin")"
fi
# A rejected header builds nothing.
expect_exit "build rejects v0" 1 "$BIN" fadump build --header "$TMP/v0-big.bin" \
	--boot-mem 0:0x100000:0x1010000 --reserved 0x1000000:0x400000 \
	--ranges "$TMP/ranges.txt" -o "$TMP/none.bin"
[[ ! -e $TMP/none.bin ]] && ok "rejected: no output" || bad "rejected: no output" "file exists"
grep -q "Old magic number" "$TMP/err" && ok "rejected: the kernel's reason" ||
	bad "rejected: the kernel's reason" "$(cat "$TMP/err")"
expect_exit "build: wrong DEST for region 2" 2 "$BIN" fadump build \
	--header "$TMP/v1-big.bin" --boot-mem 0:0x100000:0x1010000 \
	--boot-mem 0x200000:0x100000:0x2000000 --reserved 0x1000000:0x400000 \
	--ranges "$TMP/ranges.txt" -o "$TMP/none.bin"
expect_exit "build: no ranges" 2 "$BIN" fadump build --header "$TMP/v1-big.bin" \
	--boot-mem 0:0x100000:0x1010000 --reserved 0x1000000:0x400000 -o "$TMP/none.bin"
# --sysroot: device-tree memory nodes (big-endian cells).
mkdir -p "$TMP/root/proc/device-tree/memory@0" "$TMP/root/proc/device-tree/memory@3000000"
printf '\0\0\0\2' >"$TMP/root/proc/device-tree/#address-cells"
printf '\0\0\0\2' >"$TMP/root/proc/device-tree/#size-cells"
for n in 0 3000000; do
	printf 'memory\0' >"$TMP/root/proc/device-tree/memory@$n/device_type"
done
printf '\0\0\0\0\0\0\0\0\0\0\0\0\2\0\0\0' >"$TMP/root/proc/device-tree/memory@0/reg"
printf '\0\0\0\0\3\0\0\0\0\0\0\0\1\0\0\0' >"$TMP/root/proc/device-tree/memory@3000000/reg"
expect_exit "build --sysroot" 0 "$BIN" fadump build --header "$TMP/v1-big.bin" \
	--boot-mem 0:0x100000:0x1010000 --boot-mem 0x200000:0x100000 \
	--reserved 0x1000000:0x400000 --sysroot "$TMP/root" \
	--cpu-state "$TMP/regsave.bin" -o "$TMP/hdr-sysroot.bin"
cmp -s "$TMP/hdr-sysroot.bin" "$TMP/hdr-big.bin" &&
	ok "--sysroot equals --ranges" "device-tree memory nodes" ||
	bad "--sysroot equals --ranges" "headers differ"

# The README tour's fadump commands, on the committed fixtures, print
# what the README shows.
(cd "$TMP" && "$BIN" fadump build --header "$ROOT/tests/data/fadump/crash-info-v1-be.bin" \
	--boot-mem 0:1M:0x1010000 --boot-mem 2M:1M --reserved 16M:4M \
	--ranges "$ROOT/tests/data/fadump/memblock.txt" \
	--cpu-state "$ROOT/tests/data/fadump/regsave.bin" -o hdr.bin) >"$TMP/tour.out" 2>&1
if grep -qxF "$(cat "$TMP/tour.out")" "$ROOT/README.md"; then
	ok "README tour: fadump build" "$(cat "$TMP/tour.out")"
else
	bad "README tour: fadump build" "$(cat "$TMP/tour.out") is not in README.md"
fi
cmp -s "$TMP/hdr.bin" "$TMP/hdr-big.bin" &&
	ok "README tour header = the e2e one" ||
	bad "README tour header = the e2e one" "differs"

# ---- 5. assemble --elfcorehdr-newmem over synthetic memory ----
for e in big little; do
	gen memory "$TMP/mem-$e.img" 0x4000000 "$e" 0:0x100000:0x1010000 \
		0x200000:0x100000:0x1110000 0x80000
	expect_exit "assemble $e" 0 "$BIN" assemble --json \
		--elfcorehdr-newmem "$TMP/hdr-$e.bin" \
		--memory "$TMP/mem-$e.img@0" --page-size 65536 -o "$TMP/vmcore-$e"
	vc=$TMP/vmcore-$e
	if have readelf; then
		readelf -nW "$vc" >"$TMP/vn.out" 2>&1
		n=$(grep -c 'NT_PRSTATUS' "$TMP/vn.out")
		grep -q 'VMCOREINFO' "$TMP/vn.out" && vi=1 || vi=0
		[[ $n == 3 && $vi == 1 ]] &&
			ok "assemble $e notes" "3 NT_PRSTATUS from the file, VMCOREINFO from the copy" ||
			bad "assemble $e notes" "$n PRSTATUS, VMCOREINFO $vi"
		readelf -lW "$vc" >"$TMP/vl.out" 2>&1
	fi
	"$BIN" show --json "$vc" >"$TMP/vshow.json"
	# PT_LOAD paddr 0 and 0x200000: the firmware copies at 0x1010000 and
	# 0x1110000; a split PT_LOAD; plain memory beyond.
	/usr/bin/python3 - "$TMP/vshow.json" "$vc" "$TMP/mem-$e.img" >"$TMP/cmp.out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
vc, mem = open(sys.argv[2], "rb"), open(sys.argv[3], "rb")
want = {0x0: 0x1010000, 0x200000: 0x1110000, 0x300000: 0x300000,
        0x1400000: 0x1400000, 0x3000000: 0x3000000}
seen = 0
for p in d["phdrs"]:
    if p["type"] != "LOAD":
        continue
    pa, off, sz = int(p["paddr"], 16), int(p["offset"], 16), p["filesz"]
    src = want.pop(pa)
    for at in (0, 0x1234, sz - 16):
        vc.seek(off + at); mem.seek(src + at)
        a, b = vc.read(16), mem.read(16)
        if a != b or len(a) != 16:
            print("paddr 0x%x +0x%x: %s != %s" % (pa, at, a.hex(), b.hex()))
            sys.exit(1)
    if pa in (0, 0x200000):
        vc.seek(off); mem.seek(pa)
        if vc.read(16) == mem.read(16):
            print("paddr 0x%x reads the overwritten original" % pa)
            sys.exit(1)
    seen += 1
print("ok %d" % seen if not want else "missing %s" % want)
EOF
	[[ $(cat "$TMP/cmp.out") == "ok 5" ]] &&
		ok "assemble $e reads the relocated boot memory" "5 PT_LOADs at their sources" ||
		bad "assemble $e reads the relocated boot memory" "$(cat "$TMP/cmp.out")"
done
expect_exit "assemble: two header options" 2 "$BIN" assemble \
	--elfcorehdr-newmem "$TMP/hdr-big.bin" --elfcorehdr-addr 0x1000 \
	--memory "$TMP/mem-big.img@0" -o "$TMP/x"

summary
