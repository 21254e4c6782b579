#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run libFuzzer targets and print one row per target for docs/robustness.md.
#
#   fuzz/campaign.sh [-b BUILD] [-t SECONDS] [--cpu] [-j JOBS] [-n NICE]
#                    [-d WALL_SECONDS] [TARGET...]
#
# TARGET: the NAME of fuzz/fuzz_NAME.c (default: every target built in
# BUILD, default build-fuzz; `make fuzz` builds them).  Each runs for
# SECONDS (default 60) of wall time, or with --cpu until it has used SECONDS
# of CPU time (in rounds of at most 10 minutes, resuming from the corpus),
# which is what the issue's "10 CPU-minutes per target" means on a shared
# machine.  Everything runs under nice (-n, default 19); -j runs that many
# targets at once (default 1; each is one process on one core); -d stops
# every round when the campaign has run that long, whatever was reached.
#
# Corpus: fuzz/corpus-work/NAME (git-ignored; grows across runs), seeded
# from fuzz/seeds/NAME and fuzz/regressions/NAME.  A crash, leak, timeout
# or out-of-memory input stops the target and is copied to
# fuzz/regressions/NAME/ -- commit it with the fix; `make check` replays it.
# A timeout is kept only if it times out again when replayed alone (a load
# spike is no hang); libFuzzer's slow-unit reports are not findings.
# Logs: fuzz/corpus-work/logs/NAME.log.
#
# Row: target, executions per CPU-second, coverage edges ("cov"), features
# ("ft"), corpus inputs, findings, CPU-seconds, total executions.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-fuzz
SECONDS_EACH=60
CPU_MODE=0
JOBS=1
NICE=19
DEADLINE=0
ROUND_MAX=600
while [[ $# -gt 0 ]]; do
	case $1 in
	-b) BUILD=$(cd "$2" && pwd); shift 2 ;;
	-t) SECONDS_EACH=$2; shift 2 ;;
	--cpu) CPU_MODE=1; shift ;;
	-j) JOBS=$2; shift 2 ;;
	-d) DEADLINE=$(($(date +%s) + $2)); shift 2 ;;
	-n) NICE=$2; shift 2 ;;
	-h|--help) sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "campaign.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
	for f in "$ROOT"/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}
		targets+=("${n%.c}")
	done
fi

WORK=$ROOT/fuzz/corpus-work
mkdir -p "$WORK/logs" "$WORK/rows"

# One libFuzzer run of target $1 for $2 wall seconds; sets R_* from its
# final statistics.
run_round() {
	local name=$1 secs=$2 log=$WORK/logs/$1.log art=$WORK/artifacts/$1/
	local t0 t1 extra=() line
	mkdir -p "$WORK/$name" "$art"
	[[ -f $ROOT/fuzz/$name.dict ]] && extra+=("-dict=$ROOT/fuzz/$name.dict")
	[[ -d $ROOT/fuzz/seeds/$name ]] && extra+=("$ROOT/fuzz/seeds/$name")
	[[ -d $ROOT/fuzz/regressions/$name ]] && extra+=("$ROOT/fuzz/regressions/$name")
	echo "=== $(date -u +%FT%TZ) $name: $secs s" >>"$log"
	cpu_of_children
	t0=$CHILD_CPU
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	nice -n "$NICE" "$BUILD/fuzz/fuzz_$name" -max_total_time="$secs" \
		-print_final_stats=1 -timeout=25 -rss_limit_mb=2048 \
		-artifact_prefix="$art" "$WORK/$name" "${extra[@]}" \
		>>"$log" 2>&1
	R_RC=$?
	cpu_of_children
	t1=$CHILD_CPU
	R_CPU=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	R_EXECS=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	R_COV=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$line")
	R_FT=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$line")
	R_CORP=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$line")
	if [[ -z $R_EXECS ]]; then	# stopped by a finding: no final stats
		R_EXECS=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$line")
	fi
}

# CHILD_CPU: user + system CPU seconds of this shell's finished children
# (bash `times`; not in $(...), whose subshell has children of its own).
cpu_of_children() {
	local a b
	times >"$WORK/.times.$BASHPID"
	{ read -r _; read -r a b; } <"$WORK/.times.$BASHPID"
	rm -f "$WORK/.times.$BASHPID"
	CHILD_CPU=$(awk -v a="$a" -v b="$b" 'function s(x, m) { split(x, m, /[ms]/);
		return m[1] * 60 + m[2] } BEGIN { printf "%.2f", s(a) + s(b) }')
}

printf '| %-10s | %9s | %6s | %6s | %6s | %8s | %8s | %11s |\n' target \
	'execs/s' edges ft corpus findings 'CPU s' executions
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------ ----------: -------: \
	-------: -------: ---------: ---------: ------------:
# One target, start to end; its row goes to $WORK/rows/NAME.  Runs in a
# subshell of its own, so `times` counts only its fuzzer.
campaign_target() {
	local name=$1 cpu=0 execs=0 findings=0 left secs found f rate
	: >"$WORK/logs/$name.log"
	rm -f "$WORK/rows/$name"
	while :; do
		if [[ $CPU_MODE == 1 ]]; then
			left=$(awk -v t="$SECONDS_EACH" -v c="$cpu" 'BEGIN { l = t - c;
				print (l < 1 ? 0 : int(l + 0.999)) }')
			[[ $left == 0 ]] && break
			secs=$((left > ROUND_MAX ? ROUND_MAX : left))
			# Under contention a round uses less CPU than wall time.
			[[ $secs -lt 30 ]] && secs=30
		else
			secs=$SECONDS_EACH
		fi
		if [[ $DEADLINE != 0 ]]; then
			left=$((DEADLINE - $(date +%s)))
			[[ $left -lt 10 ]] && break
			[[ $secs -gt $left ]] && secs=$left
		fi
		run_round "$name" "$secs"
		cpu=$(awk -v a="$cpu" -v b="$R_CPU" 'BEGIN { printf "%.1f", a + b }')
		execs=$((execs + ${R_EXECS:-0}))
		found=0
		for f in "$WORK/artifacts/$name"/{crash,leak,timeout,oom}-*; do
			[[ -e $f ]] || continue
			# On a loaded machine a starved process trips
			# -timeout on any input: keep a timeout only when
			# it times out again on its own (it then hangs).
			if [[ ${f##*/} == timeout-* ]] &&
			   nice -n "$NICE" "$BUILD/fuzz/fuzz_$name" -timeout=25 "$f" >/dev/null 2>&1; then
				mkdir -p "$WORK/artifacts/$name/unconfirmed"
				mv "$f" "$WORK/artifacts/$name/unconfirmed/"
				echo "campaign.sh: $name: ${f##*/} ran in time when replayed: not kept (artifacts/$name/unconfirmed)" >&2
				continue
			fi
			mkdir -p "$ROOT/fuzz/regressions/$name"
			mv "$f" "$ROOT/fuzz/regressions/$name/"
			echo "campaign.sh: $name: finding fuzz/regressions/$name/${f##*/}" >&2
			found=$((found + 1))
		done
		findings=$((findings + found))
		if [[ $found -gt 0 || ($R_RC != 0 && -z $R_COV) ]]; then
			[[ $found == 0 ]] && echo "campaign.sh: $name: exit $R_RC, see $WORK/logs/$name.log" >&2
			break
		fi
		[[ $CPU_MODE == 1 ]] || break
	done
	rate=$(awk -v e="$execs" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? e / c : 0) }')
	printf '| %-10s | %9s | %6s | %6s | %6s | %8s | %8s | %11s |\n' "$name" \
		"$rate" "${R_COV:-?}" "${R_FT:-?}" "${R_CORP:-?}" "$findings" \
		"$cpu" "$execs" >"$WORK/rows/$name"
	[[ $findings == 0 && -n ${R_COV:-} ]]
}

status=0
running=0
for name in "${targets[@]}"; do
	if [[ ! -x $BUILD/fuzz/fuzz_$name ]]; then
		echo "campaign.sh: $BUILD/fuzz/fuzz_$name not built (make fuzz)" >&2
		status=1
		continue
	fi
	if [[ $running -ge $JOBS ]]; then
		wait -n || status=1
		running=$((running - 1))
	fi
	campaign_target "$name" &
	running=$((running + 1))
done
while [[ $running -gt 0 ]]; do
	wait -n || status=1
	running=$((running - 1))
done
for name in "${targets[@]}"; do
	[[ -f $WORK/rows/$name ]] && cat "$WORK/rows/$name"
done
exit $status
