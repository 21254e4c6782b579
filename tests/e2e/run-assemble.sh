#!/bin/bash
# SPDX-License-Identifier: MIT
# vmcorekit assemble against the real kernel's /proc/vmcore.
#
#   1. always: the committed fixtures in tests/data/assemble/ (see README)
#   2. every capture (captures/ and foreign-captures/) whose cache
#      (physmem.bin) exists: sha256 of the whole vmcore, readelf -lnW, the
#      head, makedumpfile --dump-dmesg (x86_64: the host's makedumpfile
#      knows no other) and drgn physical reads against the real vmcore.
#      BENCH_CACHE: another cache than tests/kernel/cache (a trial run's)
#   3. bad inputs: clear errors, documented exit codes, no file left behind
#
# usage: run-assemble.sh [path/to/vmcorekit]   (from the repository root)
set -u
VMC=${1:-build/cli/vmcorekit}
VMC=$(readlink -f "$VMC")
TMP=$(mktemp -d /tmp/vmc-assemble.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
passes=0
pass() { echo "ok   $*"; passes=$((passes + 1)); }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

hdr_addr() { grep -o 'elfcorehdr=[^ ]*' "$1" | head -1 | cut -d= -f2; }
# elfcorehdr= value (0xHEX, decimal, NNNK/M/G) in bytes.
hdr_bytes() {
	local v=${1##*@} m=1
	case $v in
	*[kK]) m=1024; v=${v%?} ;;
	*[mM]) m=$((1 << 20)); v=${v%?} ;;
	*[gG]) m=$((1 << 30)); v=${v%?} ;;
	esac
	echo $((v * m))
}

# ram_drift_only META OURS REAL: OURS and REAL differ in exactly the bytes
# meta.json's vmcore_ram_drift lists (the real vmcore's bytes that differ
# from the RAM file read at QEMU's exit: bench.py ram_drift); prints a
# summary, fails otherwise or when there is no complete list.
ram_drift_only() {
	cmp -l "$2" "$3" 2>/dev/null | python3 -c '
import json, sys
d = json.load(open(sys.argv[1])).get("vmcore_ram_drift") or {}
runs = d.get("runs") or []
if not runs or sum(n for _, n in runs) != d.get("bytes"):
    sys.exit(1)
want = {o + i for o, n in runs for i in range(n)}
got = {int(l.split()[0]) - 1 for l in sys.stdin if l.strip()}
if got != want:
    sys.exit(1)
print("the %d byte(s) in %d run(s) the guest changed after the dump (meta.json vmcore_ram_drift)" % (len(got), len(runs)))
' "$1"
}

check_out() {	# name out readelf.txt head.bin
	local name=$1 out=$2
	if readelf -lnW "$out" 2>&1 | diff -q - "$3" >/dev/null; then
		pass "$name: readelf -lnW identical"
	else
		bad "$name: readelf -lnW differs"
		readelf -lnW "$out" | diff - "$3" | head -10
	fi
	if cmp -s -n "$(stat -c %s "$4")" "$out" "$4"; then
		pass "$name: first $(stat -c %s "$4") bytes identical"
	else
		bad "$name: head differs from vmcore-head.bin"
	fi
}

# ---- 1. committed fixtures ----
for d in tests/data/assemble/*/; do
	[ -f "$d/memory.map" ] || continue
	name=fixture:$(basename "$d")
	out=$TMP/fixture.core
	if ! "$VMC" assemble --elfcorehdr-addr "$(hdr_addr "$d/kdump-cmdline")" \
		--memory-map "$d/memory.map" --allow-holes -o "$out" >/dev/null; then
		bad "$name: assemble failed"
		continue
	fi
	if [ "$(sha256sum <"$out" | cut -c1-64)" = "$(cut -c1-64 "$d/expected.sha256")" ]; then
		pass "$name: sha256 equals the zeroed real vmcore"
	else
		bad "$name: sha256 differs"
	fi
	check_out "$name" "$out" "$d/readelf.txt" "$d/vmcore-head.bin"
	rm -f "$out"
done

# ---- 2. real captures with their cache ----
matched=()
CACHE_ROOT=${BENCH_CACHE:-tests/kernel/cache}
for c in tests/kernel/captures/*/ tests/kernel/foreign-captures/*/; do
	[ -f "$c/meta.json" ] || continue
	s=$(basename "$c")
	cache=$CACHE_ROOT/$s
	arch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("arch", "amd64"))' "$c/meta.json")
	if [ ! -f "$cache/physmem.bin" ]; then
		echo "skip capture $s: no $cache/physmem.bin (cache absent; run make check-kernel)"
		continue
	fi
	# A capture being regenerated is not a failure: skip it.
	if [ $(( $(date +%s) - $(stat -c %Y "$cache/physmem.bin") )) -lt 30 ] ||
	   pgrep -f "mem-path=[^ ]*/$s/physmem.bin" >/dev/null 2>&1; then
		echo "skip capture $s: being regenerated right now"
		continue
	fi
	args=$(python3 - "$c/meta.json" "$CACHE_ROOT" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
cache = lambda f: f.replace("tests/kernel/cache", sys.argv[2], 1)
# hot-added DIMMs (612-hotplug-event) are extra backend files
print(" ".join("--memory %s@%d,offset=%d,size=%d" % (cache(l.get("file", m["physmem"]["file"])),
      l["paddr"], l["file_offset"], l["size"])
      for l in m["physmem"]["layout"] + m["physmem"].get("extra_files", [])))
EOF
)
	out=$TMP/$s.core
	# arm64: no elfcorehdr= on the kdump command line; the address is in
	# the kdump kernel's device tree (/chosen/linux,elfcorehdr), which
	# bench.py kept in meta.json
	addr=$(hdr_addr "$c/kdump-cmdline")
	[ -n "$addr" ] || addr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elfcorehdr_addr"])' "$c/meta.json")
	# shellcheck disable=SC2086
	if ! "$VMC" assemble --elfcorehdr-addr "$addr" \
		$args -o "$out" >/dev/null; then
		bad "capture $s: assemble failed"
		continue
	fi
	if [ "$(sha256sum <"$out" | cut -c1-64)" = "$(cut -c1-64 "$c/vmcore.sha256")" ]; then
		pass "capture $s: sha256 equals the real /proc/vmcore"
		matched+=("$s")
	elif [ -f "$cache/vmcore.bin" ] && drift=$(ram_drift_only "$c/meta.json" "$out" "$cache/vmcore.bin"); then
		# the real vmcore read memory the guest changed later: exactly
		# the bytes bench.py recorded differ, nothing else
		pass "capture $s: identical to the real /proc/vmcore but for $drift"
		matched+=("$s")
	else
		bad "capture $s: sha256 differs from vmcore.sha256"
	fi
	check_out "capture $s" "$out" "$c/readelf.txt" "$c/vmcore-head.bin"
	# No header option: the header the loader placed, found in memory
	# (its VMCOREINFO is validated by the x86_64 page walk: x86_64 only).
	# shellcheck disable=SC2086
	if [ "$arch" != amd64 ]; then
		echo "skip capture $s: no header option: the search validates VMCOREINFO with the x86_64 page walk ($arch has none)"
	elif "$VMC" assemble $args -o "$out" >/dev/null 2>"$TMP/found" &&
	   [ "$(sha256sum <"$out" | cut -c1-64)" = "$(cut -c1-64 "$c/vmcore.sha256")" ] &&
	   grep -q "elfcorehdr found at $(printf '0x%x' "$(hdr_bytes "$(hdr_addr "$c/kdump-cmdline")")")" "$TMP/found"; then
		pass "capture $s: no header option: found at the elfcorehdr= address, same sha256"
	else
		bad "capture $s: no header option: $(head -c 300 "$TMP/found")"
	fi
	real=$cache/vmcore.bin
	if [ "$arch" != amd64 ]; then
		echo "skip capture $s: makedumpfile: the host's is built for x86_64 (it fails on the real $arch vmcore too)"
	elif [ -f "$real" ] && command -v makedumpfile >/dev/null; then
		makedumpfile --dump-dmesg "$out" "$TMP/ours.dmesg" >/dev/null 2>&1
		makedumpfile --dump-dmesg "$real" "$TMP/real.dmesg" >/dev/null 2>&1
		if [ -s "$TMP/real.dmesg" ] && cmp -s "$TMP/ours.dmesg" "$TMP/real.dmesg"; then
			pass "capture $s: makedumpfile --dump-dmesg identical ($(wc -l <"$TMP/real.dmesg") lines)"
		else
			bad "capture $s: makedumpfile --dump-dmesg differs"
		fi
		rm -f "$TMP"/*.dmesg
		# makedumpfile -E -d 31 (filtered ELF) of ours and of the real one.
		if makedumpfile -E -d 31 "$out" "$TMP/ours.e" >/dev/null 2>&1 &&
			makedumpfile -E -d 31 "$real" "$TMP/real.e" >/dev/null 2>&1 &&
			cmp -s "$TMP/ours.e" "$TMP/real.e"; then
			pass "capture $s: makedumpfile -E -d 31 outputs identical ($(stat -c %s "$TMP/real.e") bytes)"
		else
			bad "capture $s: makedumpfile -E -d 31 outputs differ"
		fi
		rm -f "$TMP"/*.e
	fi
	if [ -f "$real" ] && /usr/bin/python3 -c "import drgn" 2>/dev/null; then
		if /usr/bin/python3 - "$out" "$real" >/dev/null <<'EOF'
import sys, drgn, random
def prog(p):
    pr = drgn.Program()
    pr.set_core_dump(p)
    return pr
a, b = prog(sys.argv[1]), prog(sys.argv[2])
rng = random.Random(1)
addrs = [0x1000, 0x100000, 0x1000000] + [rng.randrange(0x100000, 0x2e000000, 8) for _ in range(200)]
n = 0
for x in addrs:
    try:
        rb = b.read(x, 64, True)
    except drgn.FaultError:
        continue
    if a.read(x, 64, True) != rb:
        sys.exit(f"physical 0x{x:x} differs")
    n += 1
print(n)
EOF
		then pass "capture $s: drgn physical reads identical"
		else bad "capture $s: drgn physical reads differ"
		fi
	fi
	# Round trip: the header from elfcorehdr.bin, memory from the real
	# vmcore used as an ELF core (kexec_file: no backup region, so every
	# window is in the vmcore at its p_paddr).
	# (once: it costs a full copy and hash)
	if [ -z "${roundtrip_done:-}" ] && [ -f "$real" ] &&
	   grep -q '"load_method": "kexec_file_load"' "$c/meta.json"; then
		roundtrip_done=1
		if "$VMC" assemble --elfcorehdr "$c/elfcorehdr.bin" --memory-elf "$real" \
			-o "$out" >/dev/null &&
		   [ "$(sha256sum <"$out" | cut -c1-64)" = "$(cut -c1-64 "$c/vmcore.sha256")" ]; then
			pass "capture $s: --elfcorehdr FILE --memory-elf vmcore reproduces the vmcore"
		else
			bad "capture $s: --memory-elf round trip differs"
		fi
	fi
	rm -f "$out"
done
echo "captures matched: ${matched[*]:-none}"

# ---- 3. bad inputs: error text, exit code, nothing left behind ----
expect() {	# name code pattern -- args...
	local name=$1 code=$2 pat=$3
	shift 4
	local dir=$TMP/err
	rm -rf "$dir"; mkdir -p "$dir"
	"$VMC" assemble "$@" -o "$dir/out.core" >"$TMP/stdout" 2>"$TMP/stderr"
	local rc=$?
	if [ "$rc" != "$code" ]; then
		bad "$name: exit $rc, want $code: $(cat "$TMP/stderr")"
	elif ! grep -q -- "$pat" "$TMP/stderr"; then
		bad "$name: message lacks '$pat': $(cat "$TMP/stderr")"
	elif [ -n "$(ls -A "$dir")" ]; then
		bad "$name: left files behind: $(ls -A "$dir")"
	else
		pass "$name: exit $code, '$pat', nothing left"
	fi
}
F=tests/data/assemble/612-load-1cpu
A=$(hdr_addr "$F/kdump-cmdline")
M="$F/memory.bin"
expect "two header options" 2 "give at most one of" -- --elfcorehdr-addr "$A" \
	--elfcorehdr "$M" --memory "$M@0"
expect "no header option, none in memory" 1 "no valid elfcorehdr in memory" -- \
	--memory "$M@0"
expect "bad memory spec" 2 "FILE@PADDR" -- --elfcorehdr-addr "$A" --memory "$M"
expect "missing image" 3 "No such file" -- --elfcorehdr-addr "$A" --memory /nonexistent@0
expect "header outside memory" 1 "not covered by any memory source" -- \
	--elfcorehdr-addr 0x7f000000 --memory-map "$F/memory.map"
expect "header not ELF" 1 "Core image elf header not found" -- \
	--elfcorehdr-addr 0x0 --memory "$M@0" --allow-holes
expect "memory not covered" 1 "is not covered by any memory source" -- \
	--elfcorehdr-addr "$A" --memory-map "$F/memory.map"
expect "overlapping mappings" 1 "overlaps" -- --elfcorehdr-addr "$A" \
	--memory "$M@0x1000" --memory "$M@0x2000"
expect "size= past the image" 1 "is larger than the file holds" -- --elfcorehdr-addr "$A" \
	--memory "$M@0,size=0x100000"
expect "bad page size" 2 "page size" -- --elfcorehdr-addr "$A" \
	--memory-map "$F/memory.map" --allow-holes --page-size 12345
expect "wrong --arch" 1 "not sane" -- --elfcorehdr-addr "$A" \
	--memory-map "$F/memory.map" --allow-holes --arch arm64
# An elfcorehdr file with no PT_NOTE, and one whose note runs past p_memsz.
python3 - "$TMP" <<'EOF'
import struct, sys
d = sys.argv[1]
def hdr(phdrs):
    eh = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, len(phdrs), 0, 0, 0)
    return eh + b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
open(f"{d}/nonote.hdr", "wb").write(hdr([(1, 7, 0x1000, 0, 0x1000, 0x1000, 0x1000, 0)]))
open(f"{d}/bignote.hdr", "wb").write(hdr([(4, 0, 0x0, 0, 0x0, 0x10, 0x10, 0), (1, 7, 0x1000, 0, 0x1000, 0x1000, 0x1000, 0)]))
mem = bytearray(0x2000)
struct.pack_into("<III", mem, 0, 5, 0x100, 1)   # a note far bigger than p_memsz
open(f"{d}/mem.bin", "wb").write(mem)
EOF
expect "no PT_NOTE" 1 "no PT_NOTE" -- --elfcorehdr "$TMP/nonote.hdr" --memory "$TMP/mem.bin@0"
expect "note past p_memsz" 1 "exceeded p_memsz" -- --elfcorehdr "$TMP/bignote.hdr" --memory "$TMP/mem.bin@0"
expect "note past p_memsz, lenient: all notes empty" 1 "every PT_NOTE is empty" -- \
	--elfcorehdr "$TMP/bignote.hdr" --memory "$TMP/mem.bin@0" --lenient
# Interrupted: SIGINT while writing a large dump leaves nothing.
mkdir -p "$TMP/int"
"$VMC" assemble --elfcorehdr-addr "$A" --memory-map "$F/memory.map" --allow-holes \
	--no-sparse -o "$TMP/int/out.core" >/dev/null 2>"$TMP/stderr" &
pid=$!
# Background jobs of a non-interactive shell start with SIGINT ignored until
# vmcorekit installs its handler: wait for the temp file, then signal.
for _ in $(seq 100); do
	ls "$TMP"/int/out.core.tmp.* >/dev/null 2>&1 && break
	sleep 0.01
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc = 3 ] && [ -z "$(ls -A "$TMP/int")" ]; then
	pass "SIGINT: exit 3, nothing left"
elif [ $rc = 0 ]; then
	echo "skip SIGINT test: finished before the signal"
else
	bad "SIGINT: exit $rc, left: $(ls -A "$TMP/int") $(cat "$TMP/stderr")"
fi
# A full disk: a 16 MiB tmpfs (root only).
mnt=$TMP/full
mkdir -p "$mnt"
if mount -t tmpfs -o size=16m tmpfs "$mnt" 2>/dev/null; then
	"$VMC" assemble --elfcorehdr-addr "$A" --memory-map "$F/memory.map" \
		--allow-holes --no-sparse -o "$mnt/out.core" >/dev/null 2>"$TMP/stderr"
	rc=$?
	if [ $rc = 3 ] && grep -q "No space left" "$TMP/stderr" && [ -z "$(ls -A "$mnt")" ]; then
		pass "full disk: exit 3, 'No space left', nothing left"
	else
		bad "full disk: exit $rc, $(cat "$TMP/stderr"), left: $(ls -A "$mnt")"
	fi
	umount "$mnt"
else
	echo "skip full-disk test: cannot mount a tmpfs here"
fi
# -o - streams to a pipe, same bytes.
if "$VMC" assemble --elfcorehdr-addr "$A" --memory-map "$F/memory.map" \
	--allow-holes -o - 2>/dev/null | sha256sum | grep -q "$(cut -c1-64 "$F/expected.sha256")"; then
	pass "-o - (pipe): same sha256"
else
	bad "-o - (pipe): sha256 differs"
fi

echo "$passes passed, $fails failed"
[ $fails = 0 ]
