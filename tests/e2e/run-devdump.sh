#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Device dumps (NT_VMCOREDD): vmcorekit assemble --device-dump, devdump
# add / list / extract.
#
#   1. the tiny machine of tests/data/devdump (always): a round trip of
#      payloads of 1, page-1, page, page+1 and 16 MiB bytes (assemble and
#      devdump add give the same file; extract gives the payload plus the
#      kernel's zero padding to the page); readelf/eu-readelf see the notes;
#      order after an earlier add; exec: collectors; every refusal with its
#      exit code and no file left behind; truncated and lying notes.
#   2. every real capture in the cache (tests/kernel/cache/<s>/vmcore.bin):
#      devdump add on the kernel's own vmcore equals assemble --device-dump
#      from its RAM; readelf -n lists the dumps; after makedumpfile -E and
#      makedumpfile -c our list/extract still find them byte for byte;
#      makedumpfile --dump-dmesg is unchanged.
#   3. optional, when crash and the 6.1 debug vmlinux are in the cache
#      (tests/e2e/run-crash.sh downloads it): crash's `dev -V` lists the
#      same dumps as ours on the ELF and the compressed file, and `dev -v`
#      extracts the same bytes.
#
# usage: run-devdump.sh [path/to/vmcorekit]   (from the repository root)
set -u
BIN=$(readlink -f "${1:-build/cli/vmcorekit}")
D=tests/data/devdump
TMP=$(mktemp -d /tmp/vmc-devdump.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PAGE=4096
up() { echo $(( ($1 + $2 - 1) / $2 * $2 )); }

# expect NAME WANT_RC CMD... : exit code, and no file/temp at $TMP/x.out
expect() {
	local name=$1 want=$2 rc=0
	shift 2
	rm -f "$TMP"/x.out*
	"$@" >"$TMP/expect.out" 2>"$TMP/expect.err" || rc=$?
	if [[ $rc != "$want" ]]; then
		bad "$name" "exit $rc, want $want: $(head -1 "$TMP/expect.err")"
	elif [[ $want != 0 ]] && compgen -G "$TMP/x.out*" >/dev/null; then
		bad "$name" "left $(ls "$TMP"/x.out*)"
	elif [[ $want != 0 && ! -s $TMP/expect.err ]]; then
		bad "$name" "no message"
	else
		[[ $want == 0 ]] && ok "$name" "exit 0" ||
			ok "$name" "exit $rc: $(head -1 "$TMP/expect.err" | cut -c1-110)"
	fi
}

# payload FILE SIZE : expected extract = payload + zeros to roundup(64+n)-64
padded() {
	local n
	n=$(stat -c %s "$1")
	cp "$1" "$2"
	truncate -s $(( $(up $((64 + n)) $PAGE) - 64 )) "$2"
}

# ---- 1. the tiny machine ----
"$BIN" assemble --elfcorehdr $D/elfcorehdr.bin --memory $D/memory.bin@0 \
	-o "$TMP/tiny.core" >/dev/null || { bad tiny "assemble failed"; summary; exit 1; }
sizes=(1 $((PAGE - 1)) $PAGE $((PAGE + 1)) $((16 << 20)))
names=(one page-1 page page+1 big16M)
specs=()
for i in "${!sizes[@]}"; do
	head -c "${sizes[$i]}" /dev/urandom >"$TMP/p$i"
	specs+=("${names[$i]}=$TMP/p$i")
done
asm=()
for s in "${specs[@]}"; do asm+=(--device-dump "$s"); done
"$BIN" assemble --elfcorehdr $D/elfcorehdr.bin --memory $D/memory.bin@0 \
	"${asm[@]}" -o "$TMP/asm.core" >/dev/null || bad "assemble --device-dump" "failed"
"$BIN" devdump add "$TMP/tiny.core" "${specs[@]}" -o "$TMP/add.core" >/dev/null ||
	bad "devdump add" "failed"
if cmp -s "$TMP/asm.core" "$TMP/add.core"; then
	ok "assemble --device-dump = devdump add on the finished vmcore" "$(stat -c %s "$TMP/add.core") bytes"
else
	bad "assemble vs add" "$(cmp "$TMP/asm.core" "$TMP/add.core" | head -1)"
fi
want_total=$(stat -c %s "$TMP/tiny.core")
for n in "${sizes[@]}"; do want_total=$((want_total + $(up $((64 + n)) $PAGE))); done
[[ $(stat -c %s "$TMP/add.core") == "$want_total" ]] &&
	ok "size grows by roundup(64 + size, page) per dump" "$want_total" ||
	bad "size" "$(stat -c %s "$TMP/add.core"), want $want_total"

"$BIN" devdump list --json "$TMP/add.core" >"$TMP/list.json" || bad "list" "failed"
off=$((0x1000))
for i in "${!sizes[@]}"; do
	n=${sizes[$i]}
	data=$(( $(up $((64 + n)) $PAGE) - 64 ))
	got="$(jget "$TMP/list.json" device_dumps "$i" name) $(jget "$TMP/list.json" device_dumps "$i" size) $(jget "$TMP/list.json" device_dumps "$i" note_offset) $(jget "$TMP/list.json" device_dumps "$i" offset)"
	want="${names[$i]} $data $(printf '0x%x' $off) $(printf '0x%x' $((off + 64)))"
	[[ $got == "$want" ]] && ok "list #$i" "$got" || bad "list #$i" "'$got', want '$want'"
	padded "$TMP/p$i" "$TMP/want$i"
	"$BIN" devdump extract "$TMP/add.core" "${names[$i]}" -o "$TMP/got$i" >/dev/null &&
		cmp -s "$TMP/got$i" "$TMP/want$i" &&
		ok "extract ${names[$i]}: payload + zero padding" "$(stat -c %s "$TMP/got$i") bytes" ||
		bad "extract ${names[$i]}" "differs from the payload + padding"
	"$BIN" devdump extract "$TMP/add.core" "#$i" -o - 2>/dev/null | cmp -s - "$TMP/want$i" &&
		ok "extract #$i to stdout" || bad "extract #$i" "differs"
	off=$((off + data + 64))
done
[[ $(jget "$TMP/list.json" device_dumps 5 name 2>/dev/null) == "" && $(jget "$TMP/list.json" notes_size) == \
	$((want_total - $(stat -c %s "$TMP/tiny.core") + 412)) ]] &&
	ok "PT_NOTE p_filesz = dumps + notes" || bad "notes size" "$(jget "$TMP/list.json" notes_size)"

# Real consumers on small dumps (readelf prints every desc byte).
"$BIN" devdump add "$TMP/tiny.core" "${specs[@]:0:4}" -o "$TMP/small.core" >/dev/null
readelf_check "dumps" "$TMP/small.core" 1 2
if have readelf; then
	n=$(readelf -nW "$TMP/small.core" | grep -cE '^[[:space:]]+LINUX[[:space:]]+0x[0-9a-f]+[[:space:]]+Unknown note type: \(0x00000700\)')
	sz=$(readelf -nW "$TMP/small.core" | awk '/0x00000700/ {print $2}' | tr '\n' ' ')
	want_sz=$(for i in 0 1 2 3; do printf '0x%08x ' $(( $(up $((64 + sizes[i])) $PAGE) - 20 )); done)
	[[ $n == 4 && $sz == "$want_sz" ]] && ok "readelf -n: 4 NT_VMCOREDD (0x700) notes" "n_descsz $sz" ||
		bad "readelf -n" "$n notes, sizes '$sz', want '$want_sz'"
fi
if have eu-readelf; then
	n=$(eu-readelf -n "$TMP/small.core" 2>&1 | grep -cE '^ +LINUX +[0-9]+ +<unknown>: 1792$')
	[[ $n == 4 ]] && ok "eu-readelf -n: 4 LINUX type 1792 notes" || bad "eu-readelf -n" "$n notes"
fi
"$BIN" show "$TMP/small.core" >"$TMP/show.out" 2>&1 &&
	[[ $(grep -c "NT_VMCOREDD" "$TMP/show.out") == 4 ]] &&
	ok "vmcorekit show decodes the 4 dumps" || bad "show" "$(grep -c NT_VMCOREDD "$TMP/show.out") NT_VMCOREDD lines"

# Adding to a vmcore that has dumps: after them, as list_add_tail.
"$BIN" devdump add "$TMP/small.core" "big16M=$TMP/p4" -o "$TMP/twice.core" >/dev/null &&
	cmp -s "$TMP/twice.core" "$TMP/add.core" &&
	ok "a second add goes after the first dumps (= all at once)" ||
	bad "second add" "differs from adding all at once"

# exec: collectors.
"$BIN" devdump add "$TMP/tiny.core" 'log=exec:printf hello; printf " world"' \
	-o "$TMP/exec.core" >/dev/null && "$BIN" devdump extract "$TMP/exec.core" log -o "$TMP/exec.out" >/dev/null &&
	[[ $(head -c 11 "$TMP/exec.out") == "hello world" && $(stat -c %s "$TMP/exec.out") == 4032 ]] &&
	ok "exec: collector: stdout is the payload" || bad "exec collector" "$(head -c 20 "$TMP/exec.out" 2>&1)"

# Refusals, exit codes, nothing left behind.
expect "failing collector (exit 3): exit 1" 1 "$BIN" devdump add "$TMP/tiny.core" 'x=exec:echo partial; exit 3' -o "$TMP/x.out"
expect "assemble with a failing collector: exit 1" 1 "$BIN" assemble --elfcorehdr $D/elfcorehdr.bin \
	--memory $D/memory.bin@0 --device-dump a="$TMP/p0" --device-dump 'b=exec:false' -o "$TMP/x.out"
grep -q "exited with status 1" "$TMP/expect.err" && ok "the message names the collector's status" ||
	bad "collector message" "$(cat "$TMP/expect.err")"
expect "collector killed by a signal: exit 1" 1 "$BIN" devdump add "$TMP/tiny.core" 'x=exec:kill -9 $$' -o "$TMP/x.out"
for k in le-zlib-lzo flat; do
	expect "add to a kdump-compressed file ($k): exit 1" 1 "$BIN" devdump add \
		fuzz/seeds/diskdump_header/$k.kdump "x=$TMP/p0" -o "$TMP/x.out"
	grep -q "kdump-compressed" "$TMP/expect.err" &&
		ok "the refusal says why ($k)" || bad "kdump refusal ($k)" "$(cat "$TMP/expect.err")"
done
expect "empty collector output: exit 1" 1 "$BIN" devdump add "$TMP/tiny.core" 'x=exec:true' -o "$TMP/x.out"
expect "over --device-dump-max: exit 1" 1 "$BIN" devdump add "$TMP/tiny.core" "x=$TMP/p3" --device-dump-max 4096 -o "$TMP/x.out"
expect "exec over --device-dump-max: exit 1" 1 "$BIN" devdump add "$TMP/tiny.core" 'x=exec:yes' --device-dump-max 1M -o "$TMP/x.out"
expect "missing payload file: exit 3" 3 "$BIN" devdump add "$TMP/tiny.core" "x=$TMP/nope" -o "$TMP/x.out"
expect "a 44-byte name: exit 2" 2 "$BIN" devdump add "$TMP/tiny.core" "$(printf 'n%.0s' {1..44})=$TMP/p0" -o "$TMP/x.out"
expect "no NAME=: exit 2" 2 "$BIN" devdump add "$TMP/tiny.core" "$TMP/p0" -o "$TMP/x.out"
expect "-o is the input: exit 2" 2 "$BIN" devdump add "$TMP/tiny.core" "a=$TMP/p0" -o "$TMP/tiny.core"
expect "an elfcorehdr: exit 1" 1 "$BIN" devdump add $D/elfcorehdr.bin "a=$TMP/p0" -o "$TMP/x.out"
grep -q "elfcorehdr" "$TMP/expect.err" && ok "the message says elfcorehdr" || bad "elfcorehdr message" "$(cat "$TMP/expect.err")"
"$BIN" devdump add "$TMP/tiny.core" "nic=$TMP/p0" "fw=$TMP/p1" "nic=$TMP/p2" -o "$TMP/dup.core" >/dev/null
expect "an ambiguous name: exit 2" 2 "$BIN" devdump extract "$TMP/dup.core" nic -o "$TMP/x.out"
grep -q "#0, #2" "$TMP/expect.err" && ok "the message gives the indices" || bad "indices" "$(cat "$TMP/expect.err")"
expect "#2 of duplicates" 0 "$BIN" devdump extract "$TMP/dup.core" "#2" -o "$TMP/x.out"
padded "$TMP/p2" "$TMP/want-dup"
cmp -s "$TMP/x.out" "$TMP/want-dup" && ok "#2 is the third dump" || bad "#2" "wrong bytes"
rm -f "$TMP/x.out"
expect "no such name: exit 1" 1 "$BIN" devdump extract "$TMP/dup.core" gpu -o "$TMP/x.out"
expect "no such index: exit 1" 1 "$BIN" devdump extract "$TMP/dup.core" "#3" -o "$TMP/x.out"
expect "list with no dumps: exit 0" 0 "$BIN" devdump list "$TMP/tiny.core"

# A truncated file and lying notes (offsets from the list above).
head -c $((0x1000 + 5000)) "$TMP/small.core" >"$TMP/trunc.core"
expect "truncated inside the dumps: list exit 1" 1 "$BIN" devdump list "$TMP/trunc.core"
expect "truncated: extract exit 1, no output" 1 "$BIN" devdump extract "$TMP/trunc.core" one -o "$TMP/x.out"
lie() {	# FILE OFFSET U32 -> patched copy on stdout path $TMP/lie.core
	cp "$1" "$TMP/lie.core"
	/usr/bin/python3 -c 'import struct,sys
f=open(sys.argv[1],"r+b"); f.seek(int(sys.argv[2],0)); f.write(struct.pack("<I",int(sys.argv[3],0)))' \
		"$TMP/lie.core" "$2" "$3"
}
lie "$TMP/small.core" 0x1004 0x7ffffff0
expect "n_descsz past the segment: exit 1" 1 "$BIN" devdump list "$TMP/lie.core"
grep -q "past the end of its segment" "$TMP/expect.err" && ok "the message says where" || bad "lying message" "$(cat "$TMP/expect.err")"
expect "n_descsz past the segment: add exit 1" 1 "$BIN" devdump add "$TMP/lie.core" "a=$TMP/p0" -o "$TMP/x.out"
lie "$TMP/small.core" 0x1004 40
expect "n_descsz below the dump name: exit 1" 1 "$BIN" devdump list "$TMP/lie.core"
lie "$TMP/small.core" $((64 + 32)) 0x7fffffff
expect "PT_NOTE p_filesz past the file: exit 1" 1 "$BIN" devdump extract "$TMP/lie.core" one -o "$TMP/x.out"

# ---- 2. real captures ----
# Three kinds of header: 6.1, 6.12 kexec_file_load, 6.12 kexec-tools (its
# backup region has p_offset != p_paddr).
for s in 61-file-1cpu 612-file-1cpu 612-load-1cpu; do
	c=tests/kernel/captures/$s
	real=tests/kernel/cache/$s/vmcore.bin
	phys=tests/kernel/cache/$s/physmem.bin
	if [[ ! -f $real || ! -f $phys ]]; then
		skip "capture $s" "no cache (run make check-kernel)"
		continue
	fi
	if [[ $(( $(date +%s) - $(stat -c %Y "$phys") )) -lt 30 ]]; then
		skip "capture $s" "being regenerated"
		continue
	fi
	args=$(/usr/bin/python3 - "$c/meta.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join("--memory %s@%d,offset=%d,size=%d" % (m["physmem"]["file"],
      l["paddr"], l["file_offset"], l["size"]) for l in m["physmem"]["layout"]))
EOF
)
	addr=$(grep -o 'elfcorehdr=[^ ]*' "$c/kdump-cmdline" | head -1 | cut -d= -f2)
	rs=("nic0=$TMP/p0" "fw=$TMP/p3" "nic0=exec:printf second")
	"$BIN" devdump add "$real" "${rs[@]}" -o "$TMP/real.dd" >/dev/null || { bad "$s add" "failed"; continue; }
	ra=()
	for x in "${rs[@]}"; do ra+=(--device-dump "$x"); done
	# shellcheck disable=SC2086
	if "$BIN" assemble --elfcorehdr-addr "$addr" $args "${ra[@]}" -o "$TMP/asm.dd" >/dev/null 2>&1; then
		cmp -s "$TMP/real.dd" "$TMP/asm.dd" &&
			ok "capture $s: devdump add on the kernel's vmcore = assemble --device-dump" "$(stat -c %s "$TMP/real.dd") bytes" ||
			bad "capture $s" "add and assemble differ: $(cmp "$TMP/real.dd" "$TMP/asm.dd" | head -1)"
	else
		skip "capture $s assemble" "its memory layout did not assemble here"
	fi
	rm -f "$TMP/asm.dd"
	n=$(readelf -nW "$TMP/real.dd" 2>/dev/null | grep -c 'Unknown note type: (0x00000700)')
	[[ $n == 3 ]] && ok "capture $s: readelf -n lists 3 NT_VMCOREDD" || bad "capture $s readelf" "$n notes"
	"$BIN" devdump list --json "$TMP/real.dd" >"$TMP/real.json"
	for i in 0 1 2; do "$BIN" devdump extract "$TMP/real.dd" "#$i" -o "$TMP/real.x$i" >/dev/null; done
	if have makedumpfile; then
		for fmt in E c; do
			out=$TMP/real.$fmt
			rm -f "$out"	# makedumpfile will not overwrite
			if ! makedumpfile -$fmt -d 31 "$TMP/real.dd" "$out" >/dev/null 2>&1; then
				bad "capture $s makedumpfile -$fmt" "failed on the vmcore with dumps"
				continue
			fi
			"$BIN" devdump list --json "$out" >"$TMP/m.json" || { bad "capture $s -$fmt list" "failed"; continue; }
			same=1
			for i in 0 1 2; do
				[[ $(jget "$TMP/m.json" device_dumps $i name) == $(jget "$TMP/real.json" device_dumps $i name) &&
				   $(jget "$TMP/m.json" device_dumps $i size) == $(jget "$TMP/real.json" device_dumps $i size) ]] || same=0
				"$BIN" devdump extract "$out" "#$i" -o "$TMP/m.x" >/dev/null && cmp -s "$TMP/m.x" "$TMP/real.x$i" || same=0
			done
			[[ $same == 1 && $(jget "$TMP/m.json" device_dumps 3 name 2>/dev/null) == "" ]] &&
				ok "capture $s: after makedumpfile -$fmt, list + extract find the 3 dumps" "$(jget "$TMP/m.json" format)" ||
				bad "capture $s makedumpfile -$fmt" "dumps differ"
			# add refuses a kdump-compressed file, saying why, and
			# leaves no output
			[[ $fmt == c ]] || continue
			rc=0
			printf blob >"$TMP/kc.blob"
			"$BIN" devdump add "$out" x="$TMP/kc.blob" -o "$TMP/kc.dd" 2>"$TMP/kc.err" || rc=$?
			[[ $rc == 1 && ! -e $TMP/kc.dd ]] &&
				grep -q "kdump-compressed" "$TMP/kc.err" &&
				ok "capture $s: devdump add refuses makedumpfile -c's file (exit 1, says why)" ||
				bad "capture $s add to -c" "exit $rc: $(cat "$TMP/kc.err")"
		done
		rm -f "$TMP"/*.dmesg
		makedumpfile --dump-dmesg "$TMP/real.dd" "$TMP/dd.dmesg" >/dev/null 2>&1
		makedumpfile --dump-dmesg "$real" "$TMP/real.dmesg" >/dev/null 2>&1
		[[ -s $TMP/real.dmesg ]] && cmp -s "$TMP/dd.dmesg" "$TMP/real.dmesg" &&
			ok "capture $s: makedumpfile --dump-dmesg unchanged by the dumps" ||
			bad "capture $s dmesg" "differs"
	else
		skip "capture $s makedumpfile" "not installed"
	fi

	# ---- 3. crash(8), optional ----
	rel=$(jget "$c/meta.json" kernel release)
	vmlinux=${VMC_DBG_VMLINUX:-tests/kernel/cache/dbg/usr/lib/debug/boot/vmlinux-$rel}
	if ! have crash || [[ ! -f $vmlinux || ! -f $TMP/real.c ]]; then
		skip "capture $s crash dev -V" "needs crash and $vmlinux (tests/e2e/run-crash.sh fetches the 6.1 one)"
		continue
	fi
	# crash 8.0.2 (Debian 12) reads 6.1 vmcores, not 6.12 ones: when it
	# refuses the kernel's own vmcore, this kernel is beyond this crash
	# (crash exits 1 at the end of its input even when it read the dump)
	out=$(echo sys | timeout 600 crash -s "$vmlinux" "$real" 2>&1) || true
	if ! grep -q "RELEASE: $rel" <<<"$out"; then
		skip "capture $s crash dev -V" "crash $(crash --version | awk '/^crash /{print $2; exit}') does not read the kernel's own $rel vmcore: $(grep -m1 . <<<"$out")"
		continue
	fi
	for f in "$TMP/real.dd" "$TMP/real.c"; do
		printf 'dev -V\ndev -v 1 %s\n' "$TMP/crash.x1" | timeout 600 crash -s "$vmlinux" "$f" >"$TMP/crash.out" 2>&1
		"$BIN" devdump list --json "$f" >"$TMP/c.json"
		want=$(for i in 0 1 2; do printf '%s %s %s\n' "$(jget "$TMP/c.json" device_dumps $i offset)" \
			"$(jget "$TMP/c.json" device_dumps $i size)" "$(jget "$TMP/c.json" device_dumps $i name)"; done)
		got=$(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^0x/ {print $2, $3, $4}' "$TMP/crash.out")
		[[ $got == "$want" ]] && ok "capture $s: crash dev -V on $(basename "$f") = devdump list" ||
			bad "capture $s crash dev -V ($(basename "$f"))" "got '$got' want '$want'"
		cmp -s "$TMP/crash.x1" "$TMP/real.x1" && ok "capture $s: crash dev -v 1 = devdump extract #1" ||
			bad "capture $s crash dev -v" "differs"
		rm -f "$TMP/crash.x1"
	done
done
summary
