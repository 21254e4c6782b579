#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Output safety (docs/robustness.md, "Output safety"): every writing command
# against each hazard of an output path, as root in a temporary directory.
#
#   tests/e2e/run-output-safety.sh VMCOREKIT SHIM
#
# SHIM is tests/faults/shim.c's LD_PRELOAD module: VMC_STALL=1 holds the
# first write so a signal finds the output open; VMC_NO_TMPFILE=1 plays a
# filesystem without O_TMPFILE (the named temporary file + rename path).
#   char device   -o NODE (mknod c 1 3) stays a character device
#   FIFO          the reader gets exactly the bytes of a regular run
#   symlink       the target is written, the link stays a link
#   >>            -o - >> FILE: the old bytes, then exactly the output
#   same file     -o naming any input (by a hard link) exits 2, input intact
#   full          -o /dev/full and a full tmpfs exit 3 and leave nothing
#   signals       SIGTERM, SIGINT, SIGHUP (O_TMPFILE and named temp file)
#                 and SIGKILL (O_TMPFILE) leave nothing beside the output
#   | head -c 100 ends quietly (no message; exit 0 or SIGPIPE)
#   --no-clobber  an existing output is kept (exit 3); default replaces
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "${1:?usage: run-output-safety.sh VMCOREKIT SHIM}")
SHIM=$(realpath "${2:?usage: run-output-safety.sh VMCOREKIT SHIM}")
# shellcheck source=lib.sh
. "$HERE/lib.sh"
export LC_ALL=C
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

TMP=$(mktemp -d)
MNT=$TMP/mnt
# SIGHUP ignored by whoever started us (nohup): bit 0 of SigIgn.
hup_ignored=$(( 0x$(awk '/^SigIgn/ { print $2 }' /proc/$$/status) & 1 ))
# Only this shell cleans up: a forked child signalled before its exec
# would run the EXIT trap too (and remove the fixtures under the test).
MAINPID=$BASHPID
cleanup() {
	[[ $BASHPID == "$MAINPID" ]] || return 0
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	rm -rf "$TMP"
}
trap cleanup EXIT
F=$TMP/fx
mkdir -p "$F"
CAP=$ROOT/tests/kernel/captures
SYS=$CAP/612-hotplug/sysroot

# ---- fixtures (the inputs of the fault cases) ----
printf '0x100000+64K\n0x200000+96K\n' >"$F/ranges.txt"
"$BIN" build --ranges "$F/ranges.txt" --profile generic --cpu-note 0x300000:0x170 \
	--vmcoreinfo 0x301000:0x100 --no-kernel-text -o "$F/hdr.bin" >/dev/null &&
/usr/bin/python3 "$ROOT/tests/faults/make-memory.py" "$F/mem.bin" &&
echo "mem.bin@0" >"$F/mem.map" &&
"$BIN" assemble --elfcorehdr "$F/hdr.bin" --memory "$F/mem.bin@0" -o "$F/core" >/dev/null &&
head -c 9000 "$F/mem.bin" >"$F/nic.bin" &&
"$BIN" assemble --elfcorehdr "$F/hdr.bin" --memory "$F/mem.bin@0" \
	--device-dump "nic0=$F/nic.bin" -o "$F/core-dd" >/dev/null &&
/usr/bin/python3 "$ROOT/tests/e2e/fadump_gen.py" header "$F/fa-hdr.bin" 1 big &&
/usr/bin/python3 "$ROOT/tests/e2e/fadump_gen.py" cpustate "$F/regsave.bin" 0,1,2,3 &&
printf '0x0+32M\n0x3000000+16M\n' >"$F/fa-ranges.txt" &&
/usr/bin/python3 "$ROOT/tests/e2e/zfcpdump-fixture.py" "$F/z" --small >/dev/null &&
cp "$SYS/proc/iomem" "$F/iomem" &&
cp "$CAP/612-hotplug/elfcorehdr.bin" "$F/seg.bin" || { bad fixtures "setup failed"; summary; exit 1; }

# Each writing command: NAME, then its arguments with OUT where -o goes.
# Its input options follow after "::" as OPTION-INDEX pairs: the index of
# the argument (0-based) naming an input file, to replace by a hard link.
CMDS=(
	"build|build --sysroot $SYS --iomem $F/iomem -o OUT"
	"build-ranges|build --ranges $F/ranges.txt --profile generic --no-kernel-text -o OUT"
	"assemble|assemble --elfcorehdr $F/hdr.bin --memory $F/mem.bin@0 --device-dump x=$F/nic.bin --no-progress -o OUT"
	"assemble-map|assemble --elfcorehdr $F/hdr.bin --memory-map $F/mem.map --no-progress -o OUT"
	"assemble-elf|assemble --elfcorehdr $F/hdr.bin --memory-elf $F/core --memory $F/mem.bin@0x300000,offset=0x300000 --no-progress -o OUT"
	"devdump-add|devdump add $F/core fw=$F/nic.bin --no-progress -o OUT"
	"devdump-extract|devdump extract $F/core-dd nic0 -o OUT"
	"hotplug-apply|hotplug apply --sysroot $SYS --elfcorehdr $F/seg.bin --event add-memory:0x100000000+1G -o OUT"
	"hotplug-apply-iomem|hotplug apply --sysroot $SYS --iomem $F/iomem --event add-memory:0x100000000+1G -o OUT"
	"fadump-build|fadump build --header $F/fa-hdr.bin --boot-mem 0:0x100000:0x1010000 --boot-mem 0x200000:0x100000 --reserved 0x1000000:0x400000 --ranges $F/fa-ranges.txt --cpu-state $F/regsave.bin -o OUT"
	"zfcpdump-build|zfcpdump build --save-areas $F/z/sa --hsa $F/z/hsa.bin --memory $F/z/mem.bin@0 -o OUT"
	"zfcpdump-assemble|zfcpdump assemble --save-areas $F/z/sa --hsa $F/z/hsa.bin --memory $F/z/mem.bin@0 --no-progress -o OUT"
)

# args SPEC OUTPUT: the command line with OUT replaced.
args() {
	local a
	read -ra a <<<"${1#*|}"
	for i in "${!a[@]}"; do [[ ${a[$i]} == OUT ]] && a[$i]=$2; done
	printf '%s\n' "${a[@]}"
}

# Inputs of a spec: every FILE argument under $F, also inside NAME=FILE
# and FILE@ADDR forms.
inputs() {
	local a
	read -ra a <<<"${1#*|}"
	for x in "${a[@]}"; do
		x=${x#*=}
		x=${x%@*}
		[[ $x == "$F"/* && -f $x ]] && echo "$x"
	done
}

for spec in "${CMDS[@]}"; do
	name=${spec%%|*}
	D=$TMP/$name
	mkdir -p "$D"
	mapfile -t cmd < <(args "$spec" "$D/ref")
	if ! "$BIN" "${cmd[@]}" >"$D/log" 2>&1; then
		bad "$name reference run" "$(head -1 "$D/log")"
		continue
	fi
	rm -rf "$D/ref."* 2>/dev/null

	# char device: stays one
	mknod "$D/null" c 1 3
	mapfile -t cmd < <(args "$spec" "$D/null")
	rc=0; "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
	[[ $rc == 0 && -c $D/null && -z $(ls -A "$D" | grep -v '^\(ref\|null\|log\|err\)$') ]] &&
		ok "$name: -o a char device" "stays a character device" ||
		bad "$name: -o a char device" "exit $rc, $(stat -c %F "$D/null"): $(head -1 "$D/err")"

	# FIFO: the reader gets the bytes
	mkfifo "$D/fifo"
	cat "$D/fifo" >"$D/got" &
	reader=$!
	mapfile -t cmd < <(args "$spec" "$D/fifo")
	rc=0; "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
	wait $reader
	[[ $rc == 0 && -p $D/fifo ]] && cmp -s "$D/got" "$D/ref" &&
		ok "$name: -o a FIFO" "the reader got the $(stat -c %s "$D/ref") bytes" ||
		bad "$name: -o a FIFO" "exit $rc, $(cmp "$D/got" "$D/ref" 2>&1): $(head -1 "$D/err")"
	rm -f "$D/fifo" "$D/got"

	# symlink: the target written, the link kept
	mkdir -p "$D/t"
	ln -s t/target "$D/link"
	mapfile -t cmd < <(args "$spec" "$D/link")
	rc=0; "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
	[[ $rc == 0 && -L $D/link ]] && cmp -s "$D/t/target" "$D/ref" &&
		[[ $(ls -A "$D/t") == target ]] &&
		ok "$name: -o a symlink" "its target written, the link kept" ||
		bad "$name: -o a symlink" "exit $rc, $(ls -l "$D/link" "$D/t" 2>&1 | tr '\n' ' ')"
	rm -rf "$D/link" "$D/t"

	# >> : the old bytes, then the output, or a refusal that leaves them
	printf 'OLD BYTES\n' >"$D/app"
	mapfile -t cmd < <(args "$spec" -)
	rc=0; "$BIN" "${cmd[@]}" >>"$D/app" 2>"$D/err" || rc=$?
	if [[ $rc == 0 ]] && cmp -s <(tail -c +11 "$D/app") "$D/ref" &&
		[[ $(head -c 10 "$D/app") == "OLD BYTES" ]]; then
		ok "$name: -o - >> FILE" "appended correctly"
	elif [[ $rc != 0 && $(cat "$D/app") == "OLD BYTES" && -s $D/err ]]; then
		ok "$name: -o - >> FILE" "refused: $(head -1 "$D/err")"
	else
		bad "$name: -o - >> FILE" "exit $rc, $(stat -c %s "$D/app") bytes: $(head -1 "$D/err")"
	fi
	rm -f "$D/app"

	# an output that is an input (through a hard link): exit 2, input intact
	while read -r in; do
		sum=$(sha256sum <"$in")
		ln "$in" "$D/hl"
		mapfile -t cmd < <(args "$spec" "$D/hl")
		rc=0; "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
		[[ $rc == 2 && $(sha256sum <"$in") == "$sum" ]] && grep -q 'is the input' "$D/err" &&
			ok "$name: -o a hard link of ${in#"$F"/}" "refused, exit 2" ||
			bad "$name: -o a hard link of ${in#"$F"/}" "exit $rc: $(head -1 "$D/err")"
		rm -f "$D/hl"
	done < <(inputs "$spec")

	# /dev/full and a full tmpfs: exit 3, nothing left
	mapfile -t cmd < <(args "$spec" /dev/full)
	rc=0; "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
	[[ $rc == 3 ]] && grep -q 'No space left' "$D/err" && [[ -c /dev/full ]] &&
		ok "$name: -o /dev/full" "exit 3: $(head -1 "$D/err")" ||
		bad "$name: -o /dev/full" "exit $rc: $(head -1 "$D/err")"
	mkdir -p "$MNT"
	if mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null; then
		dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
		for tmpfile in "" 1; do
			mapfile -t cmd < <(args "$spec" "$MNT/out")
			rc=0
			if [[ -n $tmpfile ]]; then
				LD_PRELOAD=$SHIM VMC_NO_TMPFILE=1 "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
			else
				"$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
			fi
			how=${tmpfile:+named temporary file}
			[[ $rc == 3 && $(ls -A "$MNT") == fill ]] &&
				ok "$name: full tmpfs${how:+ ($how)}" "exit 3, nothing left: $(head -1 "$D/err")" ||
				bad "$name: full tmpfs${how:+ ($how)}" "exit $rc, left $(ls -A "$MNT" | tr '\n' ' '): $(head -1 "$D/err")"
		done
		umount "$MNT"
	else
		skip "$name: full tmpfs" "cannot mount tmpfs (not root?)"
	fi

	# signals: the first write stalls (shim), then the signal
	for sig in TERM INT HUP KILL TERM/named INT/named HUP/named; do
		s=${sig%/*}
		# Under nohup SIGHUP comes ignored, and a command keeps an
		# ignored signal ignored (as nohup means); nor can this shell
		# un-ignore it.
		if [[ $s == HUP && $hup_ignored == 1 ]]; then
			skip "$name: SIG$sig while writing" "SIGHUP is ignored by our caller (nohup)"
			continue
		fi
		mkdir -p "$D/sig"
		mapfile -t cmd < <(args "$spec" "$D/sig/out")
		# A fresh stderr file: a "stalled" left by the previous case made
		# the signal hit the child before its handler (or before its
		# exec, where the forked shell ran this script's EXIT trap).
		rm -f "$D/err"
		set -m	# background jobs get SIGINT too
		if [[ $sig == */named ]]; then
			LD_PRELOAD=$SHIM VMC_STALL=1 VMC_NO_TMPFILE=1 "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" &
		else
			LD_PRELOAD=$SHIM VMC_STALL=1 "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" &
		fi
		pid=$!
		set +m
		for _ in $(seq 600); do grep -q stalled "$D/err" 2>/dev/null && break; sleep 0.05; done
		kill -"$s" $pid 2>/dev/null
		rc=0; wait $pid || rc=$?
		# The process ends by the signal itself (128+N) after removing
		# its temporary file and saying so; SIGKILL says nothing.
		want=$(( 128 + $(kill -l "$s") ))
		msg=1; [[ $s == KILL ]] || grep -q 'stopped by a signal' "$D/err" || msg=
		[[ $rc == "$want" && -n $msg && -z $(ls -A "$D/sig") ]] &&
			ok "$name: SIG$sig while writing" "exit $rc, nothing left" ||
			bad "$name: SIG$sig while writing" "exit $rc (want $want), left '$(ls -A "$D/sig" | tr '\n' ' ')': $(grep -v stalled "$D/err" | head -1)"
		rm -rf "$D/sig"
	done

	# --no-clobber keeps an existing output; the default replaces it
	printf 'KEEP\n' >"$D/keep"
	mapfile -t cmd < <(args "$spec" "$D/keep")
	rc=0; "$BIN" "${cmd[@]}" --no-clobber >/dev/null 2>"$D/err" || rc=$?
	[[ $rc == 3 && $(cat "$D/keep") == KEEP ]] && grep -q 'not replaced' "$D/err" &&
		ok "$name: --no-clobber" "the existing output kept, exit 3" ||
		bad "$name: --no-clobber" "exit $rc: $(head -1 "$D/err")"
	chmod 0600 "$D/keep"
	rc=0; "$BIN" "${cmd[@]}" >/dev/null 2>"$D/err" || rc=$?
	[[ $rc == 0 ]] && cmp -s "$D/keep" "$D/ref" && [[ $(stat -c %a "$D/keep") == 600 ]] &&
		ok "$name: an existing output" "replaced (its mode kept)" ||
		bad "$name: replace" "exit $rc, mode $(stat -c %a "$D/keep"): $(head -1 "$D/err")"
	rm -f "$D/keep"
done

# --force: a file the user may not write is refused by default (cp without
# -f cannot open it either) and replaced with --force, as cp -f does.  Root
# may write anything, so the command runs as nobody.
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
	W=$TMP/force
	mkdir -p "$W" && chmod 0777 "$W" && chmod a+rx "$TMP" "$F" "$TMP/build-ranges"
	printf 'RO\n' >"$W/ro" && chmod 0444 "$W/ro" && chown nobody "$W/ro"
	mapfile -t cmd < <(args "${CMDS[1]}" "$W/ro")
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	rc=0; asnobody "$BIN" "${cmd[@]}" >/dev/null 2>"$TMP/err" || rc=$?
	[[ $rc == 3 && $(cat "$W/ro") == RO ]] && grep -q 'not writable (--force' "$TMP/err" &&
		ok "build-ranges: a read-only output" "refused without --force, exit 3" ||
		bad "build-ranges: a read-only output" "exit $rc: $(head -1 "$TMP/err")"
	rc=0; asnobody "$BIN" "${cmd[@]}" --force >/dev/null 2>"$TMP/err" || rc=$?
	[[ $rc == 0 ]] && cmp -s "$W/ro" "$TMP/build-ranges/ref" &&
		ok "build-ranges: --force" "the read-only output replaced" ||
		bad "build-ranges: --force" "exit $rc: $(head -1 "$TMP/err")"
	# the last of --force and --no-clobber wins
	rc=0; asnobody "$BIN" "${cmd[@]}" --force --no-clobber >/dev/null 2>"$TMP/err" || rc=$?
	[[ $rc == 3 ]] && grep -q 'not replaced' "$TMP/err" &&
		ok "build-ranges: --force --no-clobber" "the last wins: kept, exit 3" ||
		bad "build-ranges: --force --no-clobber" "exit $rc: $(head -1 "$TMP/err")"
else
	skip "--force" "not root or no setpriv"
fi

# | head -c 100: the reader leaves, we end quietly (as cat does)
for spec in "assemble|assemble --elfcorehdr $F/hdr.bin --memory $F/mem.bin@0 --no-sparse --no-progress -o OUT" \
	    "devdump-add|devdump add $F/core fw=$F/nic.bin --no-progress -o OUT"; do
	name=${spec%%|*}
	mapfile -t cmd < <(args "$spec" -)
	"$BIN" "${cmd[@]}" 2>"$TMP/err" | head -c 100 >/dev/null
	rc=${PIPESTATUS[0]}
	[[ ($rc == 0 || $rc == 141) && ! -s $TMP/err ]] &&
		ok "$name -o - | head -c 100" "quiet, exit $rc" ||
		bad "$name -o - | head -c 100" "exit $rc: $(head -1 "$TMP/err")"
done

# Text and JSON reports: a full disk is exit 3 with a message; a reader
# that leaves ends them quietly.
for c in "show $F/core" "show --json $F/core" "diff $F/hdr.bin $F/hdr.bin" \
	 "devdump list --json $F/core-dd" "hotplug capacity --max-cpus 8 --max-ranges 8" \
	 "build --help"; do
	read -ra a <<<"$c"
	rc=0; "$BIN" "${a[@]}" >/dev/full 2>"$TMP/err" || rc=$?
	[[ $rc == 3 ]] && grep -q 'standard output: No space left' "$TMP/err" &&
		ok "$c > /dev/full" "exit 3" || bad "$c > /dev/full" "exit $rc: $(head -1 "$TMP/err")"
	"$BIN" "${a[@]}" 2>"$TMP/err" | head -c 100 >/dev/null
	rc=${PIPESTATUS[0]}
	[[ ($rc == 0 || $rc == 141) && ! -s $TMP/err ]] &&
		ok "$c | head -c 100" "quiet, exit $rc" || bad "$c | head -c 100" "exit $rc: $(head -1 "$TMP/err")"
done

summary
