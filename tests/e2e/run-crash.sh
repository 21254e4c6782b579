#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# crash(8) against our assembled vmcore and the real one, on the 6.1 capture
# (Debian 12's crash 8.0.2 is too old for 6.12 vmcores: it stops at module
# structures).  Needs the kernel's debug vmlinux: this script fetches
# linux-image-<release>-dbg with apt-get download into the git-ignored
# tests/kernel/cache/dbg/ (283 MB, about 1.7 GB unpacked), or uses
# $VMC_DBG_VMLINUX.  `crash -s vmlinux vmcore` must start and its `log`
# must be identical on both.  Skipped (not failed) when the cache, crash or
# the package cannot be had.
set -euo pipefail
BIN=${1:-build/cli/vmcorekit}
S=61-file-1cpu
C=tests/kernel/captures/$S
CACHE=tests/kernel/cache
TMP=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

finish() { summary; exit $?; }
if [[ ! -f $CACHE/$S/physmem.bin || ! -f $CACHE/$S/vmcore.bin ]]; then
	skip crash "no cache for $S (run make check-kernel)"
	finish
fi
command -v crash >/dev/null || { skip crash "crash is not installed"; finish; }
rel=$(jget "$C/meta.json" kernel release)
vmlinux=${VMC_DBG_VMLINUX:-$CACHE/dbg/usr/lib/debug/boot/vmlinux-$rel}
if [[ ! -f $vmlinux ]]; then
	mkdir -p "$CACHE/dbg"
	if ! (cd "$CACHE/dbg" && apt-get download "linux-image-$rel-dbg" >/dev/null 2>&1); then
		skip crash "linux-image-$rel-dbg could not be downloaded"
		finish
	fi
	dpkg -x "$CACHE"/dbg/linux-image-"$rel"-dbg_*.deb "$CACHE/dbg"
	rm -f "$CACHE"/dbg/*.deb
fi
addr=$(grep -o 'elfcorehdr=[^ ]*' "$C/kdump-cmdline" | cut -d= -f2)
"$BIN" assemble --elfcorehdr-addr "$addr" --memory "$CACHE/$S/physmem.bin@0" \
	-o "$TMP/ours" >/dev/null
for which in ours real; do
	core=$TMP/ours
	[[ $which == real ]] && core=$CACHE/$S/vmcore.bin
	echo log | timeout 600 crash -s "$vmlinux" "$core" >"$TMP/$which.log" 2>&1 || true
done
if grep -q 'sysrq: Trigger a crash' "$TMP/ours.log"; then
	ok "crash starts on ours" "$(wc -l <"$TMP/ours.log") lines of log"
else
	bad "crash starts on ours" "$(head -3 "$TMP/ours.log")"
fi
if cmp -s "$TMP/ours.log" "$TMP/real.log"; then
	ok "crash log identical on ours and the real vmcore"
else
	bad "crash log" "differs from the real vmcore's"
fi
finish
