#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmcorekit mount on real captures: the mounted vmcore against the real
# /proc/vmcore and against what assemble writes.
#
#   per capture with a cache (physmem.bin + the real vmcore.bin), assembled
#   from physmem.bin and the elfcorehdr address as run-assemble.sh does:
#     two concurrent readers of a fresh mount: both sha256 = the real one
#     vmcore.json: parses, its size is the file's
#     drgn opens MOUNTPOINT/vmcore; physical reads = the real vmcore's
#     makedumpfile -d 31 -z from the mount (mmap) and from the written file:
#       --dump-dmesg of the two outputs identical
#     crash 8.0.2 on the 6.1 capture: sys and log (when the -dbg vmlinux is
#       there: $VMC_DBG_VMLINUX or tests/kernel/cache/dbg, as run-crash.sh)
#     fusermount3 -u: no process and no mount left
#   device dumps: mount --device-dump x2 = assemble --device-dump x2;
#     devdump/NAME = devdump extract; mount --vmcore REAL --device-dump =
#     devdump add
#   mount guest (a capture's RAM as a guest's, its VMCOREINFO address from
#     the sysroot): sha256 = what `guest` writes from the same options
#   mount zfcpdump (the synthetic s390 fixture of run-zfcpdump.sh): the
#     bytes `zfcpdump assemble` writes, by default and with --splice
#   SIGTERM on a foreground server: exit 0, unmounted; errors: a missing or
#   busy mount point (exit 3), no header (exit 2)
#
# Skipped, with the reason, without /dev/fuse, fusermount3, libfuse in the
# build, or the cache.
set -u
BIN=$(readlink -f "${1:-build/cli/vmcorekit}")
CACHE=tests/kernel/cache
TMP=$(mktemp -d -p "${TMPDIR:-/tmp}" vmc-mount.XXXXXX)
MOUNTS=()
cleanup() {
	for m in "${MOUNTS[@]}"; do
		grep -qs " $m fuse" /proc/mounts && fusermount3 -u "$m" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
finish() { summary; exit $?; }

if ! { : <>/dev/fuse; } 2>/dev/null; then
	skip mount "/dev/fuse cannot be opened (no FUSE here)"
	finish
fi
have fusermount3 || { skip mount "fusermount3 is not installed"; finish; }
if "$BIN" mount --vmcore /dev/null "$TMP" 2>&1 | grep -q "without libfuse"; then
	skip mount "this build has no libfuse 3"
	finish
fi

sha() { sha256sum <"$1" | cut -c1-64; }
mounted() { grep -qs " $1 fuse" /proc/mounts; }

# do_mount MP ARGS...: mount (daemon); prints the server's pid
do_mount() {
	local mp=$1 out
	shift
	mkdir -p "$mp"
	MOUNTS+=("$mp")
	out=$("$BIN" mount "$@" "$mp") || return 1
	sed -n 's/.*served by pid \([0-9]*\);.*/\1/p' <<<"$out"
}

# do_umount LABEL MP PID: fusermount3 -u, then nothing left behind
do_umount() {
	local label=$1 mp=$2 pid=$3 i
	fusermount3 -u "$mp"
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		bad "$label unmount" "server $pid still running"
	elif mounted "$mp"; then
		bad "$label unmount" "$mp still mounted"
	else
		ok "$label unmount" "fusermount3 -u: server exited, no mount"
	fi
}

drgn_same() {	# MOUNTED REAL: physical reads through drgn agree
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import sys, drgn, random
def prog(p):
    pr = drgn.Program()
    pr.set_core_dump(p)
    return pr
a, b = prog(sys.argv[1]), prog(sys.argv[2])
rng = random.Random(2)
n = 0
for x in [0x1000, 0x100000] + [rng.randrange(0x100000, 0x2e000000, 8) for _ in range(300)]:
    try:
        rb = b.read(x, 64, True)
    except drgn.FaultError:
        continue
    if a.read(x, 64, True) != rb:
        sys.exit(f"physical 0x{x:x} differs")
    n += 1
print(n)
EOF
}

# capture_args S: --elfcorehdr-addr and --memory as run-assemble.sh makes
# them; the address from the cache's own kdump/cmdline when it has one
# (the kernel that wrote the cached vmcore.bin; a re-run capture may have
# placed the header elsewhere than the committed one).
capture_args() {
	local c=tests/kernel/captures/$1 cmdline=$CACHE/$1/kdump/cmdline
	[[ -f $cmdline ]] || cmdline=$c/kdump-cmdline
	echo "--elfcorehdr-addr $(grep -o 'elfcorehdr=[^ ]*' "$cmdline" | head -1 | cut -d= -f2)"
	/usr/bin/python3 - "$c/meta.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join("--memory %s@%d,offset=%d,size=%d" % (l.get("file", m["physmem"]["file"]),
      l["paddr"], l["file_offset"], l["size"])
      for l in m["physmem"]["layout"] + m["physmem"].get("extra_files", [])))
EOF
}

usable() {	# S: the cache is there and not being regenerated
	local s=$1 f=$CACHE/$1/physmem.bin
	[[ -f $f && -f $CACHE/$s/vmcore.bin ]] || return 1
	[[ $(($(date +%s) - $(stat -c %Y "$f"))) -ge 30 ]] &&
		! pgrep -f "mem-path=[^ ]*/$s/physmem.bin" >/dev/null 2>&1
}

crash_check() {	# S MOUNTED
	local s=$1 core=$2 rel vmlinux
	rel=$(jget "tests/kernel/captures/$s/meta.json" kernel release)
	vmlinux=${VMC_DBG_VMLINUX:-$CACHE/dbg/usr/lib/debug/boot/vmlinux-$rel}
	if ! have crash; then
		skip "$s crash" "crash is not installed"
	elif [[ ! -f $vmlinux ]]; then
		skip "$s crash" "no debug vmlinux for $rel (run tests/e2e/run-crash.sh once, or set VMC_DBG_VMLINUX)"
	else
		printf 'sys\nlog\n' | timeout 600 crash -s "$vmlinux" "$core" >"$TMP/crash.out" 2>&1
		if grep -q 'RELEASE: *'"$rel" "$TMP/crash.out" &&
		   grep -q 'sysrq: Trigger a crash' "$TMP/crash.out"; then
			ok "$s crash" "sys names $rel, log has the sysrq crash ($(wc -l <"$TMP/crash.out") lines)"
		else
			bad "$s crash" "$(grep -m3 -iE 'crash:|error|invalid' "$TMP/crash.out")"
		fi
	fi
}

one_capture() {
	local s=$1 mp=$TMP/mnt-$1 pid args real h1 h2 size
	args=$(capture_args "$s")
	real=$CACHE/$s/vmcore.bin
	# shellcheck disable=SC2086
	if ! pid=$(do_mount "$mp" $args) || [[ -z $pid ]]; then
		bad "$s mount" "vmcorekit mount failed"
		return
	fi
	ok "$s mount" "server pid $pid"
	sha "$mp/vmcore" >"$TMP/h1" &
	sha "$mp/vmcore" >"$TMP/h2"
	wait
	h1=$(cat "$TMP/h1") h2=$(cat "$TMP/h2")
	if [[ $h1 == "$(sha "$real")" && $h2 == "$h1" ]]; then
		ok "$s sha256" "two concurrent readers: $h1 = the real vmcore's"
	else
		bad "$s sha256" "readers $h1 / $h2, real $(sha "$real")"
	fi
	size=$(jget "$mp/vmcore.json" size)
	if [[ $size == "$(stat -c %s "$mp/vmcore")" ]]; then
		ok "$s vmcore.json" "size $size"
	else
		bad "$s vmcore.json" "size '$size' vs $(stat -c %s "$mp/vmcore")"
	fi
	if /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
		if n=$(drgn_same "$mp/vmcore" "$real" 2>&1); then
			ok "$s drgn" "opens the mounted vmcore; $n physical reads = the real vmcore's"
		else
			bad "$s drgn" "$n"
		fi
	else
		skip "$s drgn" "drgn is not installed for /usr/bin/python3"
	fi
	if have makedumpfile; then
		# shellcheck disable=SC2086
		"$BIN" assemble $args -o "$TMP/written" >/dev/null
		rm -f "$TMP"/m.z "$TMP"/w.z "$TMP"/*.dmesg
		if makedumpfile -d 31 -z "$mp/vmcore" "$TMP/m.z" >/dev/null 2>&1 &&
		   makedumpfile -d 31 -z "$TMP/written" "$TMP/w.z" >/dev/null 2>&1 &&
		   makedumpfile --dump-dmesg "$TMP/m.z" "$TMP/m.dmesg" >/dev/null 2>&1 &&
		   makedumpfile --dump-dmesg "$TMP/w.z" "$TMP/w.dmesg" >/dev/null 2>&1 &&
		   [[ -s $TMP/m.dmesg ]] && cmp -s "$TMP/m.dmesg" "$TMP/w.dmesg"; then
			ok "$s makedumpfile" "-d 31 -z from the mount, --dump-dmesg = from the written file ($(wc -l <"$TMP/m.dmesg") lines)"
		else
			bad "$s makedumpfile" "-d 31 -z / --dump-dmesg differ or failed"
		fi
		rm -f "$TMP"/m.z "$TMP"/w.z "$TMP/written"
	fi
	[[ $s == 61-* ]] && crash_check "$s" "$mp/vmcore"
	do_umount "$s" "$mp" "$pid"
}

devdumps() {	# S: device dumps through the mount
	local s=$1 mp=$TMP/mnt-dd pid args real
	args=$(capture_args "$s")
	real=$CACHE/$s/vmcore.bin
	head -c 100000 /dev/urandom >"$TMP/fw.bin"
	head -c 5000 /dev/urandom >"$TMP/regs.bin"
	# shellcheck disable=SC2086
	"$BIN" assemble $args --device-dump "fw log=$TMP/fw.bin" \
		--device-dump "regs=$TMP/regs.bin" -o "$TMP/dd.core" >/dev/null
	# shellcheck disable=SC2086
	if ! pid=$(do_mount "$mp" $args --device-dump "fw log=$TMP/fw.bin" \
		--device-dump "regs=$TMP/regs.bin") || [[ -z $pid ]]; then
		bad "$s devdump mount" "vmcorekit mount failed"
		return
	fi
	if cmp -s "$mp/vmcore" "$TMP/dd.core"; then
		ok "$s devdump vmcore" "= assemble --device-dump x2 ($(stat -c %s "$TMP/dd.core") bytes)"
	else
		bad "$s devdump vmcore" "differs from assemble --device-dump"
	fi
	for n in "fw log" regs; do
		"$BIN" devdump extract "$TMP/dd.core" "$n" -o "$TMP/x.bin" >/dev/null
		if cmp -s "$mp/devdump/$n" "$TMP/x.bin"; then
			ok "$s devdump/$n" "= devdump extract ($(stat -c %s "$TMP/x.bin") bytes)"
		else
			bad "$s devdump/$n" "differs from devdump extract"
		fi
	done
	do_umount "$s devdump" "$mp" "$pid"
	rm -f "$TMP/dd.core"
	"$BIN" devdump add "$real" "regs=$TMP/regs.bin" -o "$TMP/add.core" >/dev/null
	if pid=$(do_mount "$mp" --vmcore "$real" --device-dump "regs=$TMP/regs.bin") &&
	   cmp -s "$mp/vmcore" "$TMP/add.core" &&
	   cmp -s "$mp/devdump/regs" <("$BIN" devdump extract "$TMP/add.core" regs -o -); then
		ok "$s --vmcore" "mount --vmcore REAL --device-dump = devdump add; devdump/regs = extract"
	else
		bad "$s --vmcore" "differs from devdump add"
	fi
	[[ -n $pid ]] && do_umount "$s --vmcore" "$mp" "$pid"
	rm -f "$TMP/add.core"
}

# same_as_written LABEL CMD MOUNTCMD ARGS...: `vmcorekit CMD ARGS -o F` and
# `vmcorekit mount MOUNTCMD ARGS MP` give the same bytes (sha256); MOUNTCMD
# is the source word and any serving options
same_as_written() {
	local label=$1 cmd=$2 mcmd=$3 mp=$TMP/mnt-${1// /-} pid h w
	shift 3
	# shellcheck disable=SC2086 # CMD may be two words
	if ! "$BIN" $cmd "$@" -o "$TMP/${label// /-}.core" >/dev/null 2>"$TMP/w.err"; then
		bad "$label write" "$(head -2 "$TMP/w.err")"
		return
	fi
	mkdir -p "$mp"
	MOUNTS+=("$mp")
	# shellcheck disable=SC2086
	if ! pid=$("$BIN" mount $mcmd "$@" "$mp" 2>"$TMP/m.err" |
		   sed -n 's/.*served by pid \([0-9]*\);.*/\1/p') || [[ -z $pid ]]; then
		bad "$label mount" "$(head -2 "$TMP/m.err")"
		return
	fi
	h=$(sha "$mp/vmcore") w=$(sha "$TMP/${label// /-}.core")
	if [[ $h == "$w" && $(jget "$mp/vmcore.json" source) == "${mcmd%% *}" ]]; then
		ok "$label sha256" "mount $mcmd = $cmd -o ($(stat -c %s "$TMP/${label// /-}.core") bytes): $h"
	else
		bad "$label sha256" "mounted $h, written $w, source $(jget "$mp/vmcore.json" source)"
	fi
	do_umount "$label" "$mp" "$pid"
	rm -f "$TMP/${label// /-}.core"
}

guest_mount() {	# S: the capture's RAM served as `guest` would write it
	local s=$1 vi
	vi=$(cut -d' ' -f1 "tests/kernel/captures/$s/sysroot/sys/kernel/vmcoreinfo")
	same_as_written "$s guest" guest guest --memory "$CACHE/$s/physmem.bin@0" \
		--vmcoreinfo-addr "$vi"
}

zfcpdump_mount() {	# the synthetic s390 stand-alone dump of run-zfcpdump.sh
	local f=$TMP/zfcp
	if ! /usr/bin/python3 tests/e2e/zfcpdump-fixture.py "$f" >/dev/null; then
		bad "zfcpdump fixture" "zfcpdump-fixture.py failed"
		return
	fi
	same_as_written "zfcpdump" "zfcpdump assemble" zfcpdump \
		--save-areas "$f/sa" --hsa "$f/hsa.bin" --memory "$f/mem.bin@0"
	# --splice (fd buffers that libfuse splices) serves the same bytes
	same_as_written "zfcpdump --splice" "zfcpdump assemble" "zfcpdump --splice" \
		--save-areas "$f/sa" --hsa "$f/hsa.bin" --memory "$f/mem.bin@0"
}

signals_and_errors() {	# S
	local s=$1 mp=$TMP/mnt-sig pid rc args i
	args=$(capture_args "$s")
	mkdir -p "$mp"
	MOUNTS+=("$mp")
	# shellcheck disable=SC2086
	"$BIN" mount -f $args "$mp" 2>"$TMP/fg.err" &
	pid=$!
	for i in $(seq 100); do mounted "$mp" && break; sleep 0.1; done
	head -c 4096 "$mp/vmcore" >/dev/null
	# shellcheck disable=SC2086
	"$BIN" mount $args "$mp" >/dev/null 2>"$TMP/busy.err"
	rc=$?
	if [[ $rc == 3 ]] && grep -q busy "$TMP/busy.err"; then
		ok "busy mount point" "exit 3: $(head -1 "$TMP/busy.err")"
	else
		bad "busy mount point" "exit $rc: $(head -1 "$TMP/busy.err")"
	fi
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	if [[ $rc == 0 ]] && ! mounted "$mp" && ! kill -0 "$pid" 2>/dev/null; then
		ok "SIGTERM" "foreground server unmounted and exited 0"
	else
		bad "SIGTERM" "exit $rc, mounted: $(mounted "$mp" && echo yes || echo no)"
	fi
	# shellcheck disable=SC2086
	"$BIN" mount $args "$TMP/nonexistent" >/dev/null 2>"$TMP/e.err"
	rc=$?
	if [[ $rc == 3 ]] && grep -q "nonexistent" "$TMP/e.err"; then
		ok "missing mount point" "exit 3: $(head -1 "$TMP/e.err")"
	else
		bad "missing mount point" "exit $rc: $(head -1 "$TMP/e.err")"
	fi
	"$BIN" mount --memory "$CACHE/$s/physmem.bin@0" "$mp" >/dev/null 2>"$TMP/e.err"
	rc=$?
	if [[ $rc == 2 ]]; then
		ok "no header" "exit 2: $(head -1 "$TMP/e.err")"
	else
		bad "no header" "exit $rc"
	fi
}

any=
for s in 612-file-1cpu 61-file-1cpu; do
	if ! usable "$s"; then
		skip "$s" "no cache ($CACHE/$s/physmem.bin, vmcore.bin; make check-kernel) or being regenerated"
		continue
	fi
	one_capture "$s"
	any=$s
done
zfcpdump_mount
if [[ -n $any ]]; then
	guest_mount "$any"
	devdumps "$any"
	signals_and_errors "$any"
fi
finish
