#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vmcorekit hotplug capacity|apply|digest` against the real-kernel
# captures and independent checkers:
#  - capacity: the kernel's sysfs crash_elfcorehdr_size and the segment size
#    the kdump kernel's e820 map shows (meta.json) for 8192 CPUs/ranges;
#  - apply: a no-op event reproduces the captured header the kernel built;
#    a DIMM adds exactly one RAM load (readelf, vmcorekit diff), the header
#    mode agrees with the sysroot mode, a kexec_load image takes the
#    kernel's layout (= `build --profile kexec-file`) at its first update;
#    an overflow fails with the kernel's words and writes nothing;
#  - digest: equals sha256sum over the documented byte order.
set -euo pipefail
BIN=${1:-build/cli/vmcorekit}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
CAP=tests/kernel/captures

# ---- capacity ----
"$BIN" hotplug capacity --max-cpus 8192 --max-ranges 8192 --json >"$TMP/cap.json"
for s in 612-hotplug 612-load-1cpu; do
	sysfs=$(cat "$CAP/$s/sysroot/sys/kernel/crash_elfcorehdr_size" 2>/dev/null || true)
	[[ -n $sysfs ]] || { skip "capacity $s" "no crash_elfcorehdr_size captured"; continue; }
	got=$(jget "$TMP/cap.json" loaders 0 elfcorehdr_size)
	[[ $got == "$sysfs" ]] && ok "capacity $s sysfs" "$got" ||
		bad "capacity $s sysfs" "ours $got, kernel's $sysfs"
done
e820=$(jget "$CAP/612-hotplug/meta.json" elfcorehdr_segment_size)
got=$(jget "$TMP/cap.json" loaders 0 memsz)
[[ $got == "$e820" ]] && ok "capacity memsz = kdump e820 hole" "$got" ||
	bad "capacity memsz" "ours $got, the kdump kernel's e820 hole $e820"
got=$(jget "$TMP/cap.json" loaders 1 memsz)
want=$(( (e820 - 64 + 1023) / 1024 * 1024 ))
[[ $got == "$want" ]] && ok "capacity kexec-tools memsz" "$got" ||
	bad "capacity kexec-tools memsz" "$got, want ALIGN($((e820 - 64)), 1024) = $want"
"$BIN" hotplug capacity --elfcorehdr-size "$(( e820 - 64 ))" --loader kexec-file \
	--json >"$TMP/cap2.json"
[[ $(jget "$TMP/cap2.json" loaders 0 segment) == 921600 ]] &&
	ok "capacity from sysfs" || bad "capacity from sysfs" "$(cat "$TMP/cap2.json")"
rc=0
"$BIN" hotplug capacity --max-cpus 60000 --max-ranges 8192 --loader kexec-file \
	2>"$TMP/err" || rc=$?
[[ $rc == 1 ]] && grep -q 'exceeds max' "$TMP/err" &&
	ok "capacity PN_XNUM refused" || bad "capacity PN_XNUM" "rc $rc: $(cat "$TMP/err")"

# ---- apply ----
SYS=$CAP/612-hotplug/sysroot
if [[ -d $SYS ]]; then
	"$BIN" hotplug apply --sysroot "$SYS" --event add-cpu:0 -o "$TMP/same.bin" >"$TMP/out"
	size=$(stat -c %s "$TMP/same.bin")
	hdr=$(stat -c %s "$CAP/612-hotplug/elfcorehdr.bin")
	if [[ $size != 921600 ]]; then
		bad "apply no-op size" "$size bytes, want the 921600-byte segment"
	elif cmp -s -n "$hdr" "$TMP/same.bin" "$CAP/612-hotplug/elfcorehdr.bin" &&
		[[ -z $(tail -c +$((hdr + 1)) "$TMP/same.bin" | tr -d '\0' | head -c 1) ]]; then
		ok "apply add-cpu (kexec_file): the kernel's own header, zero tail"
	else
		bad "apply no-op" "differs from the captured header"
	fi
	grep -q 'unchanged' "$TMP/out" && ok "apply reports the CPU no-op" ||
		bad "apply no-op report" "$(cat "$TMP/out")"

	"$BIN" hotplug apply --sysroot "$SYS" -o "$TMP/dimm.bin" \
		--event add-memory:0x100000000-0x13fffffff >"$TMP/out"
	readelf_check "apply DIMM" "$TMP/dimm.bin" 2 4
	rc=0
	"$BIN" diff "$CAP/612-hotplug/elfcorehdr.bin" "$TMP/dimm.bin" >"$TMP/diff" || rc=$?
	if [[ $rc == 1 ]] && grep -q '^ram-only-b  RAM 0x100000000-0x13fffffff ' "$TMP/diff" &&
		[[ $(grep -vc '^header\|^ram-only-b  RAM 0x100000000-' "$TMP/diff") == 0 ]]; then
		ok "apply DIMM: one new RAM range, nothing else" "$(tr '\n' ';' <"$TMP/diff")"
	else
		bad "apply DIMM diff" "$(cat "$TMP/diff")"
	fi
	"$BIN" hotplug apply --elfcorehdr "$CAP/612-hotplug/elfcorehdr.bin" \
		--capacity 921600 --event add-memory:0x100000000+1G -o "$TMP/dimm2.bin" >/dev/null
	cmp -s "$TMP/dimm.bin" "$TMP/dimm2.bin" && ok "apply header mode = sysroot mode" ||
		bad "apply header mode" "differs from the sysroot mode"
	# Remove it again: the header is the original one (same size, so the
	# in-place copy leaves no stale tail).
	"$BIN" hotplug apply --elfcorehdr "$TMP/dimm.bin" --sysroot "$SYS" \
		--event add-memory:0x100000000-0x13fffffff \
		--event remove-memory:0x100000000+1G -o "$TMP/back.bin" >/dev/null
	cmp -s "$TMP/back.bin" "$TMP/same.bin" && ok "apply add then remove = original" ||
		bad "apply add+remove" "$(cmp "$TMP/back.bin" "$TMP/same.bin" 2>&1)"

	# Overflow: a 4096-byte segment holds (4096 - 64) / 56 = 72 program
	# headers; the header has 5 + a slot; the 68th new range does not fit.
	args=()
	for i in $(seq 0 69); do
		args+=(--event "add-memory:$(printf '0x%x' $(( 0x400000000 + i * 0x10000000 )))+128M")
	done
	rc=0
	"$BIN" hotplug apply --sysroot "$SYS" --capacity 4096 "${args[@]}" \
		-o "$TMP/over.bin" >/dev/null 2>"$TMP/err" || rc=$?
	if [[ $rc == 1 && ! -e $TMP/over.bin ]] && grep -q 'event 68: .*elfsz 8192 > memsz 4096' "$TMP/err"; then
		ok "apply overflow refused, nothing written" "$(cat "$TMP/err")"
	else
		bad "apply overflow" "rc $rc, $(ls "$TMP"/over.bin 2>&1): $(cat "$TMP/err")"
	fi
	rc=0
	"$BIN" hotplug apply --sysroot "$SYS" --event add-memory:0x100000000-0x140000000 \
		-o "$TMP/x.bin" 2>"$TMP/err" || rc=$?
	[[ $rc == 2 ]] && grep -q 'END is inclusive' "$TMP/err" &&
		ok "apply: an exclusive END is refused with a hint" ||
		bad "apply exclusive END" "rc $rc: $(cat "$TMP/err")"
	# One range syntax: START+SIZE and START-END (END inclusive) agree.
	"$BIN" hotplug apply --sysroot "$SYS" --event add-memory:0x100000000+0x20000000 \
		-o "$TMP/plus.bin" >/dev/null &&
	"$BIN" hotplug apply --sysroot "$SYS" --event add-memory:0x100000000-0x11fffffff \
		-o "$TMP/dash.bin" >/dev/null &&
	cmp -s "$TMP/plus.bin" "$TMP/dash.bin" &&
		ok "apply: START+SIZE and START-END (inclusive) give the same header" ||
		bad "apply range forms" "$(cmp "$TMP/plus.bin" "$TMP/dash.bin" 2>&1)"
	rc=0
	"$BIN" hotplug apply --sysroot "$SYS" --event add-memory:0x30000000+256M \
		-o "$TMP/x.bin" 2>"$TMP/err" || rc=$?
	[[ $rc == 1 ]] && grep -q 'already System RAM' "$TMP/err" &&
		ok "apply: memory that is RAM already is refused" ||
		bad "apply RAM twice" "rc $rc: $(cat "$TMP/err")"
else
	skip "apply 612-hotplug" "no capture"
fi

# A kexec_load image takes the kernel's layout at its first update.
SYS=$CAP/612-load-1cpu/sysroot
if [[ -d $SYS ]]; then
	"$BIN" build --sysroot "$SYS" --profile kexec-file -o "$TMP/kf.bin" >/dev/null
	"$BIN" hotplug apply --sysroot "$SYS" --loader kexec-tools --event add-cpu:0 \
		--json -o "$TMP/kt.bin" >"$TMP/kt.json"
	n=$(stat -c %s "$TMP/kf.bin")
	if cmp -s -n "$n" "$TMP/kf.bin" "$TMP/kt.bin" &&
		[[ $(stat -c %s "$TMP/kt.bin") == 921600 ]]; then
		ok "apply kexec_load: the kernel's layout after the first event"
	else
		bad "apply kexec_load" "not the kexec-file build: $(cat "$TMP/kt.json")"
	fi
	"$BIN" hotplug apply --sysroot "$SYS" --loader kexec-tools --event add-cpu:0 \
		--event add-cpu:0 -o "$TMP/kt2.bin" >"$TMP/out"
	[[ $(grep -c unchanged "$TMP/out") == 1 ]] &&
		ok "apply kexec_load: CPU events after the first update change nothing" ||
		bad "apply kexec_load CPU" "$(cat "$TMP/out")"
	"$BIN" hotplug apply --sysroot "$SYS" --loader kexec-tools --profile kexec-tools \
		--event remove-cpu:0 -o "$TMP/kt3.bin" >/dev/null
	"$BIN" show --json "$TMP/kt3.bin" >"$TMP/kt3.json"
	notes=$(/usr/bin/python3 -c 'import json,sys; print(sum(p["type"]=="NOTE" for p in json.load(open(sys.argv[1]))["phdrs"]))' "$TMP/kt3.json")
	[[ $notes == 1 ]] && ok "apply --profile kexec-tools: remove-cpu drops the CPU note" ||
		bad "apply kexec-tools remove-cpu" "$notes notes"
else
	skip "apply 612-load-1cpu" "no capture"
fi

# ---- digest: sha256sum over the documented byte order ----
head -c 5000 /dev/urandom >"$TMP/k"
head -c 100 /dev/urandom >"$TMP/i"
head -c 300 /dev/urandom >"$TMP/p"
head -c 4096 /dev/urandom >"$TMP/h"
segs=(--segment 0x3000000:0x2000="$TMP/k" --segment 0x1000000:0x1000="$TMP/i"
      --segment 0x5000000:0x1000:purgatory="$TMP/p"
      --segment 0x2000000:0x3000:elfcorehdr="$TMP/h" --segment 0x4000000:0x1000)
pad() { cat "$1"; head -c $(( $2 - $(stat -c %s "$1") )) /dev/zero; }
check_digest() { # LABEL LOADER POLICY EXPECTED-STREAM...
	local label=$1 loader=$2 policy=$3 want got
	shift 3
	want=$("$@" | sha256sum | cut -c1-64)
	got=$("$BIN" hotplug digest --loader "$loader" --policy "$policy" "${segs[@]}" --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
	[[ $got == "$want" ]] && ok "digest $label" "$got" || bad "digest $label" "ours $got, sha256sum $want"
}
kernel_exclude() { pad "$TMP/k" 8192; pad "$TMP/i" 4096; head -c 4096 /dev/zero; }
kernel_recompute() { pad "$TMP/k" 8192; pad "$TMP/i" 4096; pad "$TMP/h" 12288; head -c 4096 /dev/zero; }
tools_exclude() { pad "$TMP/i" 4096; pad "$TMP/k" 8192; head -c 4096 /dev/zero; }
tools_recompute() { pad "$TMP/i" 4096; pad "$TMP/h" 12288; pad "$TMP/k" 8192; head -c 4096 /dev/zero; }
check_digest "kernel exclude (load order)" kexec-file exclude kernel_exclude
check_digest "kernel recompute" kexec-file recompute kernel_recompute
check_digest "kexec-tools exclude (address order)" kexec-tools exclude tools_exclude
check_digest "kexec-tools recompute" kexec-tools recompute tools_recompute
"$BIN" hotplug digest --loader kexec-tools "${segs[@]}" --json >"$TMP/d.json"
regions=$(/usr/bin/python3 -c 'import json,sys; print(" ".join("%s+%d" % (r["start"], r["size"]) for r in json.load(open(sys.argv[1]))["regions"]))' "$TMP/d.json")
[[ $regions == "0x1000000+4096 0x3000000+8192 0x4000000+4096" ]] &&
	ok "digest regions (kexec-tools order)" "$regions" || bad "digest regions" "$regions"
# kexec-tools' own table, where the bench left it: 2.0.25 `kexec -p -c`
# (612-load-1cpu) computed sha256_regions in its own memory before
# copying purgatory; that page of the first kernel's RAM survives in the
# guest-RAM file.  Our regions for the segment list kexec -d printed (the
# one holding the entry point is purgatory) must be there, byte for byte:
# 2.0.25 has no --hotplug, so the elfcorehdr is digested ("recompute").
S=612-load-1cpu
if [[ -f tests/kernel/cache/$S/physmem.bin && -f $CAP/$S/kexec-output.txt ]]; then
	entry=$(sed -n 's/^kexec_load: entry = \(0x[0-9a-f]*\).*/\1/p' "$CAP/$S/kexec-output.txt")
	mapfile -t kt < <(/usr/bin/python3 - "$CAP/$S/meta.json" "$entry" <<'PY'
import json, sys
entry = int(sys.argv[2], 16)
meta = json.load(open(sys.argv[1]))
for s in meta["kexec_segments"]:
    role = ":purgatory" if s["mem"] <= entry < s["mem"] + s["memsz"] else \
        ":elfcorehdr" if s["mem"] == meta["elfcorehdr_addr"] else ""
    print("--segment=0x%x:0x%x%s" % (s["mem"], s["memsz"], role))
PY
)
	"$BIN" hotplug digest --loader kexec-tools --policy recompute "${kt[@]}" --json >"$TMP/kt.json"
	found=$(/usr/bin/python3 - "$TMP/kt.json" "tests/kernel/cache/$S/physmem.bin" <<'PY'
import json, mmap, struct, sys
t = json.load(open(sys.argv[1]))["regions"]
enc = b"".join(struct.pack("<QQ", int(r["start"], 16), r["size"]) for r in t)
enc += bytes(16 * (16 - len(t)))
with open(sys.argv[2], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    at = m.find(enc)
    print("0x%x" % at if at >= 0 else "")
PY
)
	if [[ -n $found ]]; then
		ok "digest regions = kexec-tools 2.0.25's sha256_regions in guest RAM" "at $found, ${#kt[@]} segments, purgatory left out, sorted"
	else
		bad "digest vs kexec-tools' table" "our regions are nowhere in $S's guest RAM"
	fi
else
	skip "digest vs kexec-tools' table" "no $S cache (make check-kernel)"
fi

rc=0
"$BIN" hotplug digest --segment 0x1000:0x2000 --segment 0x2000:0x1000 2>"$TMP/err" || rc=$?
[[ $rc == 1 ]] && grep -q overlap "$TMP/err" && ok "digest: overlapping segments refused" ||
	bad "digest overlap" "rc $rc: $(cat "$TMP/err")"

summary
