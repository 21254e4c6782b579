#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The foreign-architecture captures (tests/kernel/foreign-captures/NAME/,
# made by tests/kernel/run.sh --foreign): vmcorekit against what the real
# kernel and kexec-tools did there.
#
#   tests/e2e/run-foreign-captures.sh [VMCOREKIT_BINARY]
#
# Always (no QEMU, no cache; `make check`):
#   build         `build --profile kexec-tools --segment` of sysroot/ equals
#                 elfcorehdr.bin byte for byte (the segment kexec-tools
#                 placed, read from guest RAM; bench.py zeroes what the
#                 kdump kernel reused past the device tree's size);
#   placement     its expected_addr is where kexec-tools put it (meta.json
#                 elfcorehdr_addr, from the kdump kernel's
#                 /chosen/linux,elfcorehdr) and its segment size is the
#                 memsz of `kexec -d`'s segment list;
#   readelf       readelf -lW reads our header with the counts build reports.
# With the git-ignored cache (BENCH_CACHE, default tests/kernel/cache: after
# make check-kernel-foreign):
#   assemble      `assemble --elfcorehdr-addr ADDR --memory physmem.bin@BASE`
#                 has the real /proc/vmcore's sha256 (control: a RAM file
#                 with one byte changed inside a PT_LOAD gives another);
#   dmesg         `dmesg --memory physmem.bin@BASE` (VMCOREINFO searched in
#                 RAM, checked by the arm64 page walk) has every line the
#                 first kernel printed on its console, up to "Bye!", and
#                 `dmesg` of our vmcore (its VMCOREINFO note) prints the same;
#   makedumpfile  Debian's makedumpfile:arm64 under qemu-aarch64-static
#                 (fetched into CACHE/makedumpfile-arm64 with apt-get
#                 download; skipped without qemu-user-static): -E -d 31 and
#                 --dump-dmesg of ours and of the real vmcore give the same
#                 output, or the same refusal (1.7.2 cannot read 6.12's
#                 52-bit VAs);
#   drgn          (VMC_ARM64_VMLINUX=the -dbg vmlinux, or found under
#                 CACHE/dbg) reads our vmcore as the real one: the same
#                 init_uts_ns release, the same task list (pid, comm).
# One line per check, then "N passed, N failed"; exit 1 if any failed.
set -euo pipefail

BIN=${1:-build/cli/vmcorekit}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CAPS=${BENCH_FOREIGN_CAPTURES:-$ROOT/tests/kernel/foreign-captures}
CACHE=${BENCH_CACHE:-$ROOT/tests/kernel/cache}
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

if [[ ! -x $BIN ]]; then
	echo "run-foreign-captures: $BIN is not executable" >&2
	exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# the -dbg vmlinux of a capture's kernel release, if there is one
vmlinux_of() {
	local rel=$1 f
	if [[ -n ${VMC_ARM64_VMLINUX:-} ]]; then
		echo "$VMC_ARM64_VMLINUX"
		return
	fi
	for f in "$CACHE"/dbg/*/usr/lib/debug/boot/vmlinux-"$rel" \
		"$CACHE"/dbg/usr/lib/debug/boot/vmlinux-"$rel"; do
		[[ -f $f ]] && { echo "$f"; return; }
	done
	return 0	# none: the caller skips (set -e must not end the script)
}

# makedumpfile:arm64 and its libraries unpacked into CACHE/makedumpfile-arm64
MDF_PKGS="makedumpfile libc6 zlib1g libdw1 libelf1 liblzo2-2 libbz2-1.0 liblzma5 libzstd1"
mdf_root() {
	local r=$CACHE/makedumpfile-arm64 p
	have qemu-aarch64-static || return 1
	if [[ ! -f $r/.done ]]; then
		mkdir -p "$r/debs"
		for p in $MDF_PKGS; do
			ls "$r"/debs/"${p}"_*_arm64.deb >/dev/null 2>&1 ||
				(cd "$r/debs" && apt-get download "$p:arm64" >/dev/null 2>&1) || return 1
			dpkg -x "$(ls "$r"/debs/"${p}"_*_arm64.deb | head -1)" "$r/root"
		done
		touch "$r/.done"
	fi
	echo "$r/root"
}

drgn_facts() { # vmcore vmlinux -> release, then "pid comm" per task
	/usr/bin/python3 - "$1" "$2" <<'EOF' 2>&1
import sys
import drgn
from drgn.helpers.linux.pid import for_each_task
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
print(prog["init_uts_ns"].name.release.string_().decode())
for t in for_each_task(prog):
    print(int(t.pid), t.comm.string_().decode())
EOF
}

check_one() {
	local d=$1 name arch addr seg got rc=0 size
	name=$(basename "$d")
	arch=$(jget "$d/meta.json" arch)
	if [[ $arch != arm64 ]]; then
		skip "$name" "$arch: not this script's (arm64 only)"
		return
	fi
	"$BIN" build --sysroot "$d/sysroot" --profile kexec-tools --segment \
		--json -o "$TMP/$name.bin" >"$TMP/$name.json" 2>"$TMP/$name.err" || rc=$?
	if [[ $rc != 0 ]]; then
		bad "$name build" "exit $rc: $(head -1 "$TMP/$name.err")"
		return
	fi
	if cmp -s "$TMP/$name.bin" "$d/elfcorehdr.bin"; then
		ok "$name ($arch) build --profile kexec-tools --segment" \
			"identical to elfcorehdr.bin ($(stat -c %s "$d/elfcorehdr.bin") bytes)"
	else
		bad "$name build --profile kexec-tools --segment" \
			"$(cmp "$TMP/$name.bin" "$d/elfcorehdr.bin" 2>&1 | head -1)"
	fi
	addr=$(jget "$d/meta.json" elfcorehdr_addr)
	got=$(jget "$TMP/$name.json" expected_addr)
	if [[ -n $got && $((got)) == "$addr" ]]; then
		ok "$name expected_addr" "$got = /chosen/linux,elfcorehdr"
	else
		bad "$name expected_addr" "${got:-none}, kexec-tools placed it at $(printf 0x%x "$addr")"
	fi
	seg=$(jget "$d/meta.json" elfcorehdr_segment_size)
	got=$(jget "$TMP/$name.json" segment_size)
	if [[ $got == "$seg" ]]; then
		ok "$name segment_size" "$got = kexec -d memsz"
	else
		bad "$name segment_size" "$got, kexec -d says $seg"
	fi
	readelf_check "$name" "$TMP/$name.bin" "$(jget "$TMP/$name.json" pt_note)" \
		"$(jget "$TMP/$name.json" pt_load)"

	# --- with the cache: the real vmcore -------------------------------
	local W=$CACHE/$name base want vml
	if [[ ! -f $W/physmem.bin || ! -f $W/vmcore.bin ]]; then
		skip "$name assemble" "no $W/physmem.bin (make check-kernel-foreign)"
		return
	fi
	base=$(jget "$d/meta.json" physmem layout 0 paddr)
	want=$(cut -d' ' -f1 "$d/vmcore.sha256")
	rc=0
	"$BIN" assemble --elfcorehdr-addr "$addr" --memory "$W/physmem.bin@$base" \
		-o "$TMP/$name.vmcore" 2>"$TMP/$name.aerr" || rc=$?
	if [[ $rc != 0 ]]; then
		bad "$name assemble" "exit $rc: $(head -1 "$TMP/$name.aerr")"
		return
	fi
	got=$(sha256sum "$TMP/$name.vmcore" | cut -d' ' -f1)
	if [[ $got == "$want" ]]; then
		ok "$name assemble" "sha256 $got = the real /proc/vmcore"
	else
		bad "$name assemble" "sha256 $got, the real /proc/vmcore $want"
	fi
	# control: one byte of RAM inside the last PT_LOAD changed
	local off
	off=$(( $(stat -c %s "$W/physmem.bin") - 4096 ))
	cp --reflink=auto --sparse=always "$W/physmem.bin" "$TMP/pm.bin"
	printf '\x5a' | dd of="$TMP/pm.bin" bs=1 seek="$off" conv=notrunc status=none
	"$BIN" assemble --elfcorehdr-addr "$addr" --memory "$TMP/pm.bin@$base" \
		-o "$TMP/ctl.vmcore" 2>/dev/null || true
	if [[ $(sha256sum "$TMP/ctl.vmcore" | cut -d' ' -f1) != "$want" ]]; then
		ok "$name assemble control" "a changed RAM byte changes the sha256"
	else
		bad "$name assemble control" "the sha256 did not change"
	fi
	rm -f "$TMP/pm.bin" "$TMP/ctl.vmcore"

	# --- dmesg: the first kernel's log from its RAM and from our vmcore
	local con=$W/console.log
	"$BIN" dmesg --memory "$W/physmem.bin@$base" >"$TMP/ram.dmesg" 2>"$TMP/dm.err" || true
	"$BIN" dmesg "$TMP/$name.vmcore" >"$TMP/vmcore.dmesg" 2>>"$TMP/dm.err" || true
	awk '/Bye!/ { print; exit } { print }' "$con" | tr -d '\r' | grep '^\[' |
		grep -v 'BENCH: \|^\[ *[0-9.]*\] *$' | sort -u >"$TMP/con.lines" || true
	sort -u "$TMP/ram.dmesg" >"$TMP/ram.lines"
	if [[ $(wc -l <"$TMP/con.lines") -gt 100 ]] &&
		[[ -z $(comm -23 "$TMP/con.lines" "$TMP/ram.lines") ]] &&
		grep -q 'Starting crashdump kernel' "$TMP/ram.dmesg"; then
		ok "$name dmesg (RAM)" "$(wc -l <"$TMP/ram.dmesg") lines, every console line of the first kernel among them"
	else
		bad "$name dmesg (RAM)" "$(head -1 "$TMP/dm.err") missing: $(comm -23 "$TMP/con.lines" "$TMP/ram.lines" | head -2 | tr '\n' ' ')"
	fi
	if cmp -s "$TMP/ram.dmesg" "$TMP/vmcore.dmesg"; then
		ok "$name dmesg (vmcore)" "the same text from our vmcore's VMCOREINFO note"
	else
		bad "$name dmesg (vmcore)" "differs from the RAM's: $(diff "$TMP/ram.dmesg" "$TMP/vmcore.dmesg" | head -2 | tr '\n' ' ')"
	fi

	# --- makedumpfile:arm64 under qemu-user
	local mr
	if ! mr=$(mdf_root); then
		skip "$name makedumpfile" "no qemu-aarch64-static or no makedumpfile:arm64"
	else
		local mdf=(qemu-aarch64-static -L "$mr" "$mr/usr/bin/makedumpfile")
		local ro rr args
		# makedumpfile must treat ours as it treats the real one: the
		# same output when it reads them, the same refusal when not
		# (Debian's 1.7.2 has no arm64 52-bit VAs with 4 KiB pages)
		for args in "-E -d 31" "--dump-dmesg"; do
			ro=0 rr=0
			# shellcheck disable=SC2086
			"${mdf[@]}" $args "$TMP/$name.vmcore" "$TMP/ours.mdf" >"$TMP/ours.mout" 2>&1 || ro=$?
			# shellcheck disable=SC2086
			"${mdf[@]}" $args "$W/vmcore.bin" "$TMP/real.mdf" >"$TMP/real.mout" 2>&1 || rr=$?
			if [[ $ro == 0 && $rr == 0 ]]; then
				if cmp -s "$TMP/ours.mdf" "$TMP/real.mdf"; then
					ok "$name makedumpfile $args" "identical outputs ($(stat -c %s "$TMP/ours.mdf") bytes)"
				else
					bad "$name makedumpfile $args" "outputs differ"
				fi
				if [[ $args == --dump-dmesg ]] && ! cmp -s "$TMP/ours.mdf" "$TMP/ram.dmesg"; then
					bad "$name makedumpfile --dump-dmesg = vmcorekit dmesg" "$(diff "$TMP/ours.mdf" "$TMP/ram.dmesg" | head -2 | tr '\n' ' ')"
				fi
			elif [[ $ro == "$rr" ]] && cmp -s <(grep -v '^$' "$TMP/ours.mout") <(grep -v '^$' "$TMP/real.mout"); then
				ok "$name makedumpfile $args" "refuses ours as the real one (exit $ro: $(grep -m1 -v '^$' "$TMP/real.mout"))"
			else
				bad "$name makedumpfile $args" "ours exit $ro ($(grep -m1 -v '^$' "$TMP/ours.mout")), real exit $rr ($(grep -m1 -v '^$' "$TMP/real.mout"))"
			fi
			rm -f "$TMP/ours.mdf" "$TMP/real.mdf"
		done
	fi

	vml=$(vmlinux_of "$(jget "$d/meta.json" kernel release)")
	if [[ -z $vml ]] || ! /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
		skip "$name drgn" "no -dbg vmlinux (VMC_ARM64_VMLINUX) or no drgn"
	else
		drgn_facts "$W/vmcore.bin" "$vml" >"$TMP/real.drgn" || true
		drgn_facts "$TMP/$name.vmcore" "$vml" >"$TMP/ours.drgn" || true
		if [[ $(wc -l <"$TMP/real.drgn") -gt 2 ]] && cmp -s "$TMP/real.drgn" "$TMP/ours.drgn"; then
			ok "$name drgn" "release $(head -1 "$TMP/ours.drgn"), $(($(wc -l <"$TMP/ours.drgn") - 1)) tasks, as on the real vmcore"
		else
			bad "$name drgn" "real: $(head -2 "$TMP/real.drgn" | tr '\n' ' ') ours: $(head -2 "$TMP/ours.drgn" | tr '\n' ' ')"
		fi
	fi
	rm -f "$TMP/$name.vmcore"
}

n=0
for d in "$CAPS"/*/; do
	[[ -f $d/meta.json ]] || continue
	check_one "${d%/}"
	n=$((n + 1))
done
[[ $n -gt 0 ]] || skip "foreign captures" "none in $CAPS"
summary
