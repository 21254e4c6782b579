#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault injection: every tests/faults/cases/*.sh, with the Nth I/O call
# failing, for every N and every kind (tests/faults/README.md).
#
#   tests/e2e/run-faults.sh VMCOREKIT SHIM [CASE...]
#
# SHIM is the LD_PRELOAD module built from tests/faults/shim.c.  For each
# case: setup() once, a clean run() counting the calls each kind applies to
# (the reference output), then for each kind and each N in [1, count]:
#   eio, enospc   exit 3 (I/O, docs/man/vmcorekit.1); the first stderr line
#                 "vmcorekit CMD: ..." names the file and the error; no
#                 output file and no temporary file left in its directory
#   eintr, short  retried: exit 0, output identical to the clean run, only
#                 the output file in its directory
# and never a sanitizer report.  A line "matrix CASE KIND RUNS FAILED
# FUNCTIONS" per case and kind (the functions the faults hit) feeds
# docs/robustness.md.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "${1:?usage: run-faults.sh VMCOREKIT SHIM [CASE...]}")
SHIM=$(realpath "${2:?usage: run-faults.sh VMCOREKIT SHIM [CASE...]}")
shift 2
# shellcheck source=lib.sh
. "$HERE/lib.sh"
export LC_ALL=C
# The shim comes before libasan in the ASan build's library order.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

cases=("$@")
[[ ${#cases[@]} -eq 0 ]] && cases=("$ROOT"/tests/faults/cases/*.sh)
KINDS=(eio enospc eintr short)
TOP=$(mktemp -d)
trap 'rm -rf "$TOP"' EXIT

# invoke KIND [N]: run() with the shim; sets RC; stdout/stderr/log in $TMP.
invoke() {
	rm -rf "$TMP/out" "$TMP/log"
	mkdir "$TMP/out"
	if [[ $PIPE == 1 ]]; then
		( export LD_PRELOAD=$SHIM VMC_FAULT_MODE=$1 VMC_FAULT_N=${2:-0} \
			VMC_FAULT_LOG=$TMP/log VMC_FAULT_STDOUT=1; run ) \
			2>"$TMP/err" | cat >"$TMP/stdout"
		RC=${PIPESTATUS[0]}
	else
		( export LD_PRELOAD=$SHIM VMC_FAULT_MODE=$1 VMC_FAULT_N=${2:-0} \
			VMC_FAULT_LOG=$TMP/log; run ) >"$TMP/stdout" 2>"$TMP/err"
		RC=$?
	fi
}

# The output of the last run: the file, or what came through the pipe.
output() {
	if [[ $PIPE == 1 ]]; then echo "$TMP/stdout"; else echo "$OUT"; fi
}

# check KIND N: why the run with this fault is wrong ("" when right).
check() {
	local kind=$1 fired path base msg left
	fired=$(sed -n 's/^fired //p' "$TMP/log" 2>/dev/null)
	if [[ -z $fired ]]; then
		echo "the fault did not fire (calls differ from the counting run)"
		return
	fi
	if grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then
		echo "sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$TMP/err")"
		return
	fi
	path=${fired#* }
	left=$(ls -A "$TMP/out")
	case $kind in
	eio|enospc)
		msg=$(head -1 "$TMP/err")
		[[ $kind == eio ]] && want="Input/output error" || want="No space left on device"
		# The temporary file and the output pipe go by the output's name.
		case $path in
		# (an unnamed O_TMPFILE file reads "DIR/#INODE (deleted)")
		"$OUT".tmp.*|"$OUT"|"${OUT%/*}/#"*) base=${OUT##*/} ;;
		pipe:*) base="standard output" ;;
		*) base=${path##*/} ;;
		esac
		if [[ $RC != 3 ]]; then
			echo "exit $RC, want 3 ($fired): $msg"
		elif [[ $msg != "vmcorekit "* || $msg != *"$want"* || $msg != *"$base"* ]]; then
			echo "message '$msg' should name '$base' and say '$want' ($fired)"
		elif [[ -n $left ]]; then
			echo "left in the output directory: $left ($fired)"
		fi
		;;
	eintr|short)
		if [[ $RC != 0 ]]; then
			echo "exit $RC, want 0 ($fired): $(head -1 "$TMP/err")"
		elif ! cmp -s "$(output)" "$TMP/ref"; then
			echo "output differs from the clean run ($fired)"
		elif [[ $PIPE != 1 && $left != "${OUT##*/}" ]]; then
			echo "the output directory holds '$left' ($fired)"
		elif [[ $PIPE == 1 && -n $left ]]; then
			echo "the output directory holds '$left' ($fired)"
		fi
		;;
	esac
}

for c in "${cases[@]}"; do
	name=$(basename "$c" .sh)
	TMP=$TOP/$name
	mkdir -p "$TMP"
	OUT=$TMP/out/output.bin
	PIPE=0
	unset -f setup run
	# shellcheck source=/dev/null
	. "$c"
	if ! (setup) >"$TMP/setup.log" 2>&1; then
		bad "$name setup" "$(tail -1 "$TMP/setup.log")"
		continue
	fi
	invoke count
	if [[ $RC != 0 ]]; then
		bad "$name clean run" "exit $RC: $(head -1 "$TMP/err")"
		continue
	fi
	cp "$(output)" "$TMP/ref"
	cp "$TMP/log" "$TMP/counts"
	ok "$name clean run" "$(wc -c <"$TMP/ref") bytes; calls: $(tr '\n' ' ' <"$TMP/counts")"
	for kind in "${KINDS[@]}"; do
		n=$(awk -v k="$kind" '$1 == k { print $2 }' "$TMP/counts")
		failed=0
		: >"$TMP/hit"
		for ((i = 1; i <= n; i++)); do
			invoke "$kind" "$i"
			sed -n 's/^fired \([^ ]*\).*/\1/p' "$TMP/log" >>"$TMP/hit" 2>/dev/null
			why=$(check "$kind")
			if [[ -n $why ]]; then
				failed=$((failed + 1))
				[[ $failed -le 5 ]] && bad "$name $kind N=$i" "$why"
			fi
		done
		echo "matrix $name $kind $n $failed $(sort -u "$TMP/hit" | paste -sd, -)"
		[[ $failed == 0 ]] && ok "$name $kind" "N = 1..$n"
		[[ $failed -gt 5 ]] && bad "$name $kind" "$failed of $n runs failed"
	done
done
summary
