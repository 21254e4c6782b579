#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash hotplug against the real kernel: every capture with a "hotplug_event"
# in meta.json, in tests/kernel/captures/ (612-hotplug-event, kexec_file_load)
# and tests/kernel/manual-captures/ (612-load-hotplug-event, kexec_load
# --hotplug, recorded by hand). See README.md "Hotplug events".
#
#   tests/kernel/check-hotplug.sh [VMCOREKIT_BINARY]   (default build/cli/vmcorekit)
#
# Per capture:
#   (a) the kernel's updated elfcorehdr (elfcorehdr.bin, read from guest RAM
#       after the events) parses (readelf -lW) and has a PT_LOAD for exactly
#       the hot-added DIMM's range, which the pre-event header lacks.
#       kexec_file: its PT_LOADs are the pre-event header's plus the DIMM's,
#       its PT_NOTEs unchanged (every possible CPU is described at load time,
#       so the CPU offline/online changes nothing), and `build --sysroot
#       pre-event/sysroot` equals pre-event/elfcorehdr.bin.
#       kexec_load: the pre-event header is kexec-tools' (`build --profile
#       kexec-tools --segment` of pre-event/sysroot, with its backup-region
#       PT_LOAD below 1 MiB), the updated one is the kernel's own
#       (`build --profile kexec-file` of the post-event sysroot/).
#   (b) with the cache: `assemble --elfcorehdr-addr ADDR --memory physmem.bin
#       --memory DIMM-file` has the real /proc/vmcore's sha256; without the
#       DIMM's memory it must not.
#       The header after the CPU events alone (cpu-events/elfcorehdr.bin, read
#       before the DIMM went in): kexec_file leaves it alone (= the pre-event
#       header); kexec_load rewrites it on this first event
#       (image->elfcorehdr_updated still false), as the kernel builds it
#       (= `build --profile kexec-file` of pre-event/sysroot).
#   (c) `hotplug apply --sysroot pre-event/sysroot --event ... --capacity C`
#       equals the kernel's header byte for byte, after all the events
#       (elfcorehdr.bin) and after the CPU events alone
#       (cpu-events/elfcorehdr.bin); both trimmed as the bench trims, the rest
#       of ours zero. C: kexec_file 64 + crash_elfcorehdr_size, kexec_load
#       the segment's memsz from `kexec -d`. Skipped while the build has no
#       `hotplug` command.
#   (d) kexec_load, when the bench kept purgatory's digest table
#       (meta hotplug_event.purgatory_digest): the table lists every segment
#       but purgatory and the elfcorehdr, by address, memsz bytes each; it
#       verified before and after the events; with the digested bytes in the
#       cache, `hotplug digest --loader kexec-tools` gives the same digest.
# One line per check, then "N passed, N failed"; exit 1 if any failed.
set -uo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ ! -x $BIN ]]; then
	echo "check-hotplug: $BIN is not executable" >&2
	exit 2
fi
TMP=$(mktemp -d /tmp/vmc-hotplug.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
HAVE_HOTPLUG=0
"$BIN" hotplug apply --help >/dev/null 2>&1 && HAVE_HOTPLUG=1

# trim IN OUT: the bench's committed form of an elfcorehdr segment
# (bench.py trim_header): round_up(max(end of phdrs, last non-zero byte + 1),
# 4096) bytes. Prints "LENGTH TAIL" (TAIL: zero / nonzero: what follows).
trim() {
	$PY - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
if len(d) < 64 or d[:4] != b"\x7fELF":
    sys.exit("not an ELF header: %s" % sys.argv[1])
phend = 64 + 56 * struct.unpack_from("<H", d, 56)[0]
n = (max(phend, len(d.rstrip(b"\0"))) + 4095) & ~4095
open(sys.argv[2], "wb").write(d[:n] + b"\0" * max(0, n - len(d)))
print(n, "nonzero" if any(d[n:]) else "zero")
EOF
}

# phdrs FILE: "TYPE paddr memsz filesz" per PT_NOTE/PT_LOAD, sorted
phdrs() {
	$PY - "$1" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["KDIR"])
import capture_check as cc
eh, ph = cc.parse_core(open(sys.argv[1], "rb").read(), sys.argv[1])
for p in sorted(ph, key=lambda p: (p["type"], p["paddr"], p["memsz"])):
    if p["type"] in (cc.PT_NOTE, cc.PT_LOAD):
        print(cc.PT_NAMES[p["type"]], hex(p["paddr"]), hex(p["memsz"]), hex(p["filesz"]))
EOF
}
export KDIR=$ROOT/tests/kernel

hdr_addr() { grep -o 'elfcorehdr=[^ ]*' "$1" | head -1 | cut -d= -f2; }

# same_as LABEL OURS REF: OURS (any length) trimmed equals REF, rest zero
same_as() {
	local len tail size
	read -r len tail < <(trim "$2" "$TMP/same.trim")
	size=$(stat -c %s "$2")
	if [[ $tail != zero ]]; then
		bad "$1" "non-zero bytes after the first $len of $size"
	elif cmp -s "$TMP/same.trim" "$3"; then
		ok "$1" "identical to ${3#"$ROOT"/tests/kernel/} ($len bytes, the other $((size - len)) of $size zero)"
	else
		bad "$1" "differs from ${3#"$ROOT"/tests/kernel/}: $(cmp "$TMP/same.trim" "$3" 2>&1 | head -1)"
		"$BIN" diff "$TMP/same.trim" "$3" 2>&1 | head -10 | sed 's/^/    /'
	fi
}

# build_ref SYSROOT PROFILE OUT: vmcorekit's load-time header, 4096 bytes
build_ref() {
	local args=(--capacity 4096)
	[[ $2 == kexec-tools ]] && args=(--segment)
	"$BIN" build --sysroot "$1" --profile "$2" "${args[@]}" -o "$3" >/dev/null 2>"$TMP/err"
}

n=0
for c in "$ROOT"/tests/kernel/captures/*/ "$ROOT"/tests/kernel/manual-captures/*/; do
	c=${c%/}
	s=$(basename "$c")
	[[ -f $c/meta.json ]] || continue
	[[ -n $(jget "$c/meta.json" hotplug_event events) ]] || continue
	n=$((n + 1))
	M=$c/meta.json
	pre=$c/pre-event
	method=$(jget "$M" load_method)
	dstart=$(jget "$M" hotplug_event dimm paddr)
	dsize=$(jget "$M" hotplug_event dimm size)
	mapfile -t events < <(jget "$M" hotplug_event events | $PY -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
	evargs=()
	cpuargs=()
	for e in "${events[@]}"; do
		evargs+=(--event "$e")
		[[ $e == *-cpu:* ]] && cpuargs+=(--event "$e")
	done
	# 612-hotplug-remove / -readd: the DIMM offlined and unplugged (and,
	# -readd, a second one plugged) before the crash. Without a second DIMM
	# the header at the crash is the one before the removal: (c) compares
	# with those events, and (b) reads zeros where the DIMM was.
	removed= readd= rmargs=()
	if [[ -n $(jget "$M" hotplug_event remove) ]]; then
		readd=$(jget "$M" hotplug_event remove readded)
		mapfile -t rmev < <(jget "$M" hotplug_event remove events_before_remove |
			$PY -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
		for e in "${rmev[@]}"; do rmargs+=(--event "$e"); done
		if [[ $readd != True ]]; then
			removed=$(printf '%#x+%#x' "$dstart" "$dsize")
		fi
	fi
	allargs=("${evargs[@]}")
	[[ -n $removed ]] && evargs=("${rmargs[@]}")

	# ---- (a) the kernel's updated header ----
	if readelf -lW "$c/elfcorehdr.bin" >"$TMP/readelf.txt" 2>&1; then
		ok "$s (a) readelf -lW elfcorehdr.bin" "$(grep -c LOAD "$TMP/readelf.txt") LOAD"
	else
		bad "$s (a) readelf -lW elfcorehdr.bin" "$(head -1 "$TMP/readelf.txt")"
	fi
	phdrs "$c/elfcorehdr.bin" >"$TMP/post.ph" || bad "$s (a) parse" "elfcorehdr.bin"
	phdrs "$pre/elfcorehdr.bin" >"$TMP/pre.ph" || bad "$s (a) parse" "pre-event/elfcorehdr.bin"
	dimm=$(printf 'LOAD %#x %#x %#x' "$dstart" "$dsize" "$dsize")
	if grep -qx "$dimm" "$TMP/post.ph" && ! grep -qx "$dimm" "$TMP/pre.ph"; then
		ok "$s (a) DIMM PT_LOAD" "$(printf '%#x-%#x' "$dstart" $((dstart + dsize - 1))), only after the events"
	else
		bad "$s (a) DIMM PT_LOAD" "want '$dimm' in the updated header only"
	fi
	if [[ $method == kexec_file_load ]]; then
		{ cat "$TMP/pre.ph"; echo "$dimm"; } | sort >"$TMP/want.ph"
		if diff <(sort "$TMP/post.ph") "$TMP/want.ph" >"$TMP/ph.diff"; then
			ok "$s (a) updated = pre-event + DIMM" "$(grep -c . "$TMP/post.ph") PT_NOTE/PT_LOAD, notes unchanged"
		else
			bad "$s (a) updated = pre-event + DIMM" "$(tr '\n' ' ' <"$TMP/ph.diff")"
		fi
		if build_ref "$pre/sysroot" kexec-file "$TMP/pre-build.bin" &&
			cmp -s "$TMP/pre-build.bin" "$pre/elfcorehdr.bin"; then
			ok "$s (a) build --sysroot pre-event/sysroot" "identical to pre-event/elfcorehdr.bin"
		else
			bad "$s (a) build --sysroot pre-event/sysroot" "differs from pre-event/elfcorehdr.bin $(head -1 "$TMP/err")"
		fi
		if cmp -s "$c/cpu-events/elfcorehdr.bin" "$pre/elfcorehdr.bin"; then
			ok "$s (a) CPU events alone" "header untouched (cpu-events/ = pre-event/)"
		else
			bad "$s (a) CPU events alone" "cpu-events/elfcorehdr.bin differs from pre-event/elfcorehdr.bin"
		fi
	else
		if grep -q '^LOAD 0x[0-9a-f]\{1,5\} ' "$TMP/pre.ph" && ! grep -q '^LOAD 0x[0-9a-f]\{1,5\} ' "$TMP/post.ph"; then
			ok "$s (a) low-memory PT_LOAD" "in kexec-tools' pre-event header, gone from the kernel's update"
		else
			bad "$s (a) low-memory PT_LOAD" "want one below 1 MiB before the events and none after"
		fi
		if build_ref "$pre/sysroot" kexec-tools "$TMP/pre-build.bin" &&
			cmp -s -n 4096 "$TMP/pre-build.bin" "$pre/elfcorehdr.bin"; then
			ok "$s (a) pre-event = build --profile kexec-tools" "first 4096 bytes identical"
		else
			bad "$s (a) pre-event = build --profile kexec-tools" "differs $(head -1 "$TMP/err")"
		fi
		if build_ref "$c/sysroot" kexec-file "$TMP/post-build.bin" &&
			cmp -s "$TMP/post-build.bin" "$c/elfcorehdr.bin"; then
			ok "$s (a) updated = build --profile kexec-file of sysroot/" "the kernel replaced kexec-tools' header with its own"
		else
			bad "$s (a) updated = build --profile kexec-file of sysroot/" "differs $(head -1 "$TMP/err")"
		fi
		if build_ref "$pre/sysroot" kexec-file "$TMP/cpu-build.bin" &&
			cmp -s "$TMP/cpu-build.bin" "$c/cpu-events/elfcorehdr.bin"; then
			ok "$s (a) CPU events alone" "rewritten as the kernel builds it (= build --profile kexec-file of pre-event/sysroot)"
		else
			bad "$s (a) CPU events alone" "cpu-events/elfcorehdr.bin is not build --profile kexec-file of pre-event/sysroot"
		fi
	fi

	# ---- (b) assemble after the events = the real vmcore ----
	cache=$ROOT/$(dirname "$(jget "$M" physmem file)")
	dfile=$ROOT/$(jget "$M" hotplug_event dimm file)
	if [[ ! -f $cache/physmem.bin || ! -f $dfile ]]; then
		skip "$s (b) assemble" "no cache (${cache#"$ROOT"/}/physmem.bin, dimm0.bin)"
	elif pgrep -f "mem-path=[^ ]*/$s/physmem.bin" >/dev/null 2>&1; then
		skip "$s (b) assemble" "capture being regenerated right now"
	else
		base=() extra=()
		while read -r kind f p o z; do
			if [[ $kind == base ]]; then base+=(--memory "$ROOT/$f@$p,offset=$o,size=$z")
			else extra+=(--memory "$ROOT/$f@$p,offset=$o,size=$z"); fi
		done < <($PY - "$M" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["physmem"]
for kind, ls in (("base", m["layout"]), ("extra", m["extra_files"])):
    for l in ls:
        print(kind, l.get("file", m["file"]), l["paddr"], l["file_offset"], l["size"])
EOF
)
		addr=$(hdr_addr "$c/kdump-cmdline")
		want=$(cut -c1-64 "$c/vmcore.sha256")
		if [[ -n $removed ]]; then
			# The DIMM was unplugged before the crash, but the header kept
			# it: the kdump kernel read zeros there (QEMU's unassigned
			# memory), not the DIMM's last contents.
			if "$BIN" assemble --elfcorehdr-addr "$addr" "${base[@]}" --zero "$removed" \
				-o "$TMP/vmcore" >"$TMP/asm.txt" 2>&1 &&
				[[ $(sha256sum <"$TMP/vmcore" | cut -c1-64) == "$want" ]]; then
				ok "$s (b) assemble with zeros for the removed DIMM" "sha256 of the real vmcore ($(stat -c %s "$TMP/vmcore") bytes)"
			else
				bad "$s (b) assemble with zeros for the removed DIMM" "$(head -1 "$TMP/asm.txt")"
			fi
			rm -f "$TMP/vmcore"
			"$BIN" assemble --elfcorehdr-addr "$addr" "${base[@]}" "${extra[@]}" -o "$TMP/vmcore" \
				>"$TMP/asm.txt" 2>&1
			if [[ $(sha256sum <"$TMP/vmcore" | cut -c1-64) != "$want" ]]; then
				ok "$s (b) control: with the DIMM's last contents" "not the real vmcore"
			else
				bad "$s (b) control: with the DIMM's last contents" "still the real vmcore's sha256"
			fi
		elif "$BIN" assemble --elfcorehdr-addr "$addr" "${base[@]}" "${extra[@]}" -o "$TMP/vmcore" \
			>"$TMP/asm.txt" 2>&1 &&
			[[ $(sha256sum <"$TMP/vmcore" | cut -c1-64) == "$want" ]]; then
			ok "$s (b) assemble with the DIMM's memory" "sha256 of the real vmcore ($(stat -c %s "$TMP/vmcore") bytes)"
		else
			bad "$s (b) assemble with the DIMM's memory" "$(head -1 "$TMP/asm.txt")"
		fi
		rm -f "$TMP/vmcore"
		# control: the base RAM alone cannot give that vmcore
		"$BIN" assemble --elfcorehdr-addr "$addr" "${base[@]}" -o "$TMP/vmcore" \
			>"$TMP/asm.txt" 2>&1
		rc=$?
		if [[ $rc != 0 ]] || [[ $(sha256sum <"$TMP/vmcore" | cut -c1-64) != "$want" ]]; then
			ok "$s (b) control: without the DIMM's memory" "exit $rc, not the real vmcore"
		else
			bad "$s (b) control: without the DIMM's memory" "still the real vmcore's sha256"
		fi
		rm -f "$TMP/vmcore"
	fi

	# ---- (d) kexec-tools' purgatory digest table ----
	if [[ $(jget "$M" hotplug_event purgatory_digest) == "{"* ]]; then
		if $PY - "$M" >"$TMP/d.txt" 2>&1 <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
pd = m["hotplug_event"]["purgatory_digest"]
segs = sorted(m["kexec_segments"], key=lambda s: s["mem"])
purg = [s for s in segs if s["mem"] <= pd["sha256_digest"] < s["mem"] + s["memsz"]]
hdr = [s for s in segs if s["mem"] == m["elfcorehdr_addr"]]
want = [{"start": s["mem"], "len": s["memsz"]} for s in segs if s not in purg + hdr]
b, a = pd["before"], pd["after"]
assert len(purg) == 1 and len(hdr) == 1, "purgatory / elfcorehdr segment not found"
assert b["regions"] == want, "regions %s != segments %s" % (b["regions"], want)
assert b["verifies"] and a["verifies"], "digest does not verify over RAM"
assert (a["digest"], a["regions"]) == (b["digest"], b["regions"]), "table changed by the events"
print("%d regions (all segments but purgatory and the elfcorehdr, memsz each, by address), "
      "digest %s.. verifies before and after" % (len(want), b["digest"][:16]))
EOF
		then ok "$s (d) purgatory digest table" "$(cat "$TMP/d.txt")"
		else bad "$s (d) purgatory digest table" "$(tail -1 "$TMP/d.txt")"
		fi
		if [[ $HAVE_HOTPLUG == 1 ]] && [[ -f $cache/region-0.bin ]]; then
			segargs=()
			while read -r arg; do segargs+=(--segment "$arg"); done < <($PY - "$M" "$cache" <<'EOF'
import json, os, sys
m = json.load(open(sys.argv[1]))
pd = m["hotplug_event"]["purgatory_digest"]
files = {r["start"]: f for r, f in zip(pd["before"]["regions"], pd["before"]["region_files"])}
for s in m["kexec_segments"]:  # load order, as kexec -d lists them
    role = ""
    if s["mem"] == m["elfcorehdr_addr"]:
        role = ":elfcorehdr"
    elif s["mem"] <= pd["sha256_digest"] < s["mem"] + s["memsz"]:
        role = ":purgatory"
    f = "=" + os.path.join(sys.argv[2], files[s["mem"]]) if s["mem"] in files else ""
    print("%#x:%#x%s%s" % (s["mem"], s["memsz"], role, f))
EOF
)
			got=$("$BIN" hotplug digest --loader kexec-tools --policy exclude "${segargs[@]}" --json 2>"$TMP/err" |
				$PY -c 'import json,sys,re; print(re.findall(r"\b[0-9a-f]{64}\b", json.dumps(json.load(sys.stdin))))')
			wantd=$(jget "$M" hotplug_event purgatory_digest before digest)
			if [[ $got == *"$wantd"* ]]; then
				ok "$s (d) hotplug digest --loader kexec-tools" "= purgatory's sha256_digest $wantd"
			else
				bad "$s (d) hotplug digest --loader kexec-tools" "want $wantd, got $got $(head -1 "$TMP/err")"
			fi
		fi
	fi

	# The segment hotplug apply fills, for (e) and (c).
	loader=()
	if [[ $method == kexec_file_load ]]; then
		esz=$(cat "$pre/sysroot/sys/kernel/crash_elfcorehdr_size")
		# arch/x86/kernel/crash.c crash_load_segments: segment memsz =
		# sizeof(Elf64_Ehdr) + arch_crash_get_elfcorehdr_size() (the sysfs value)
		capacity=$((64 + esz))
	else
		loader=(--loader kexec-tools)
		capacity=$(jget "$M" elfcorehdr_segment_size)
	fi

	# ---- (e) remove: MEM_OFFLINE regenerates with the DIMM still a
	# resource; device_del (remove_memory) regenerates nothing ----
	if [[ ${#rmargs[@]} -gt 0 ]]; then
		r=$c/remove
		rs=$(jget "$M" hotplug_event remove removed_dimm paddr)
		rz=$(jget "$M" hotplug_event remove removed_dimm size)
		drange=$(printf '%x-%x : System RAM' "$rs" $((rs + rz - 1)))
		rload=$(printf 'LOAD %#x %#x %#x' "$rs" "$rz" "$rz")
		if grep -q "^$drange" "$r/iomem-offline" && ! grep -q "^$drange" "$r/iomem-removed"; then
			ok "$s (e) iomem" "the removed DIMM is System RAM while offline, gone after device_del"
		else
			bad "$s (e) iomem" "want '$drange' in iomem-offline only"
		fi
		for stage in offline removed; do
			phdrs "$r/$stage-elfcorehdr.bin" >"$TMP/st.ph"
			if grep -qx "$rload" "$TMP/st.ph"; then
				ok "$s (e) header once $stage" "still has the DIMM's PT_LOAD"
			else
				bad "$s (e) header once $stage" "no '$rload'"
			fi
		done
		if [[ $HAVE_HOTPLUG == 1 ]]; then
			rm -f "$TMP/rm.bin"
			"$BIN" hotplug apply --sysroot "$pre/sysroot" "${loader[@]}" "${rmargs[@]}" \
				--capacity "$capacity" -o "$TMP/rm.bin" >"$TMP/apply.txt" 2>&1 ||
				bad "$s (e) hotplug apply" "$(head -1 "$TMP/apply.txt")"
			for stage in offline removed; do
				[[ -f $TMP/rm.bin ]] && same_as "$s (e) header once $stage = hotplug apply ${rmargs[*]}" \
					"$TMP/rm.bin" "$r/$stage-elfcorehdr.bin"
			done
			# The kernel's own events: the DIMM's blocks offlined
			# (MEM_OFFLINE), the header regenerated with it still in.
			if [[ -n $removed ]]; then
				rm -f "$TMP/off.bin"
				"$BIN" hotplug apply --sysroot "$pre/sysroot" "${loader[@]}" "${rmargs[@]}" \
					--event "offline-memory:$removed" \
					--capacity "$capacity" -o "$TMP/off.bin" >"$TMP/apply.txt" 2>&1 ||
					bad "$s (e) hotplug apply offline-memory" "$(head -1 "$TMP/apply.txt")"
				[[ -f $TMP/off.bin ]] && same_as "$s (e) header once offline = hotplug apply ${rmargs[*]} --event offline-memory:$removed" \
					"$TMP/off.bin" "$r/offline-elfcorehdr.bin"
			fi
			if [[ -n $removed ]]; then
				# No later event here: what the next regeneration writes
				# is the pre-event header again (-readd checks it in (c)).
				rm -f "$TMP/rm.bin"
				"$BIN" hotplug apply --sysroot "$pre/sysroot" "${loader[@]}" "${allargs[@]}" \
					--capacity "$capacity" -o "$TMP/rm.bin" >"$TMP/apply.txt" 2>&1 ||
					bad "$s (e) hotplug apply with the removal" "$(head -1 "$TMP/apply.txt")"
				[[ -f $TMP/rm.bin ]] && same_as "$s (e) hotplug apply with the removal = pre-event header" \
					"$TMP/rm.bin" "$pre/elfcorehdr.bin"
			fi
			rm -f "$TMP/rm.bin"
		fi
	fi

	# ---- (c) hotplug apply = the kernel's update ----
	if [[ $HAVE_HOTPLUG == 0 ]]; then
		skip "$s (c) hotplug apply" "this vmcorekit has no 'hotplug apply' command yet"
		continue
	fi
	for run in all cpu-only; do
		if [[ $run == all ]]; then args=("${evargs[@]}") ref=$c/elfcorehdr.bin
		else args=("${cpuargs[@]}") ref=$c/cpu-events/elfcorehdr.bin; fi
		label="$s (c) hotplug apply ${loader[*]} ${args[*]}"
		rm -f "$TMP/new.bin"
		"$BIN" hotplug apply --sysroot "$pre/sysroot" "${loader[@]}" "${args[@]}" \
			--capacity "$capacity" -o "$TMP/new.bin" >"$TMP/apply.txt" 2>&1
		rc=$?
		if [[ $rc != 0 ]]; then
			bad "$label" "exit $rc: $(head -3 "$TMP/apply.txt" | tr '\n' ' ')"
			continue
		fi
		same_as "$label" "$TMP/new.bin" "$ref"
		size=$(stat -c %s "$TMP/new.bin")
		[[ $run == all && $size != "$capacity" ]] && echo "    note: output is $size bytes, capacity $capacity"
	done
done
[[ $n -gt 0 ]] || skip "captures" "none has a hotplug_event (run tests/kernel/run.sh 612-hotplug-event)"
summary
