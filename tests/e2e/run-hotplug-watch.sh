#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vmcorekit hotplug watch`: 1,000 synthetic kernel uevents in bursts, from
# a replay file (its own clock: deterministic), must run the command exactly
# once per burst; bursts are skipped when the sysroot's crash_hotplug says
# the kernel updates the header; other subsystems and actions start no
# burst; standard input runs on the real clock; malformed records fail.
# The CMD counts its runs by appending to a file.  If the netlink socket can
# be opened and a uevent synthesized (writing "add" to a cpu's uevent file),
# the live path is checked too (not where udevd runs).
set -euo pipefail
BIN=${1:-build/cli/vmcorekit}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

seq=0
# uevent ACTION SUBSYSTEM DEVPATH: one kernel-format record, NUL-separated
# (lib/kobject_uevent.c), ended by an empty field.
uevent() {
	seq=$((seq + 1))
	printf '%s@%s\0ACTION=%s\0DEVPATH=%s\0SUBSYSTEM=%s\0SEQNUM=%d\0\0' \
		"$1" "$3" "$1" "$3" "$2" "$seq"
}
pause() { printf '+%d\n\n' "$1"; }

# 25 bursts, 1,000 hotplug events in all: bursts of 8..70 events (a DIMM's
# memory blocks added then onlined, CPUs), gaps inside a burst below the
# settle time (up to 90 ms of 100), 400..900 ms between bursts; plus
# events that must not count (a block device, "change" actions).
make_replay() {
	local b i n total=0 sizes=()
	# 24 bursts of 8..70 events, the 25th (40) makes 1,000
	for b in $(seq 1 24); do sizes+=($(( 8 + (b * 37) % 63 ))); done
	for n in "${sizes[@]}"; do total=$((total + n)); done
	sizes+=($(( 1000 - total )))
	for b in $(seq 0 24); do
		for i in $(seq 1 "${sizes[$b]}"); do
			case $(( (b + i) % 4 )) in
			0) uevent add memory "/devices/system/memory/memory$((32 + i))" ;;
			1) uevent online memory "/devices/system/memory/memory$((32 + i))" ;;
			2) uevent offline cpu "/devices/system/cpu/cpu$((i % 4))" ;;
			3) uevent online cpu "/devices/system/cpu/cpu$((i % 4))" ;;
			esac
			(( i % 7 == 0 )) && uevent change memory /devices/system/memory/memory1
			(( i % 11 == 0 )) && uevent add block /devices/virtual/block/loop0
			(( i % 5 == 0 )) && pause $(( (b * i) % 91 ))
		done
		pause $(( 400 + (b * 53) % 500 ))
	done
	echo "${sizes[*]}" >"$TMP/sizes"
}
make_replay >"$TMP/replay"

# The command records the burst it was run for.
CMD="echo \"\$VMC_HOTPLUG_EVENTS \$VMC_HOTPLUG_SUBSYSTEMS\" >> $TMP/runs"
mkdir -p "$TMP/none/sys/devices/system/memory" "$TMP/none/sys/devices/system/cpu"
echo 0 >"$TMP/none/sys/devices/system/memory/crash_hotplug"
echo 0 >"$TMP/none/sys/devices/system/cpu/crash_hotplug"

rm -f "$TMP/runs"
"$BIN" hotplug watch --uevents "$TMP/replay" --settle 100 --sysroot "$TMP/none" \
	--exec "$CMD" --json >"$TMP/w.json" 2>"$TMP/w.err"
runs=$(wc -l <"$TMP/runs")
events=$(awk '{ s += $1 } END { print s }' "$TMP/runs")
want=$(tr ' ' '\n' <"$TMP/sizes" | paste -sd' ')
got=$(cut -d' ' -f1 "$TMP/runs" | paste -sd' ')
if [[ $runs == 25 && $events == 1000 && $got == "$want" ]]; then
	ok "watch: 1000 uevents in 25 bursts ran the command 25 times" "burst sizes $got"
else
	bad "watch 1000 events" "$runs runs, $events events; burst sizes '$got', want '$want'"
fi
[[ $(jget "$TMP/w.json" events) == 1000 && $(jget "$TMP/w.json" runs) == 25 &&
   $(jget "$TMP/w.json" ignored) -gt 0 && $(jget "$TMP/w.json" skipped) == 0 ]] &&
	ok "watch --json counts" "$(tr -d ' \n' <"$TMP/w.json")" ||
	bad "watch --json" "$(cat "$TMP/w.json")"

# A settle time longer than every gap: one burst.
rm -f "$TMP/runs"
"$BIN" hotplug watch --uevents "$TMP/replay" --settle 1000 --sysroot "$TMP/none" \
	--exec "$CMD" 2>/dev/null
[[ $(cat "$TMP/runs") == "1000 memory cpu" ]] && ok "watch: settle > every gap, one run" ||
	bad "watch one burst" "$(cat "$TMP/runs")"

# The kernel updates the header itself: memory bursts are skipped, bursts
# with a CPU event still run (cpu/crash_hotplug is 0).
mkdir -p "$TMP/mem/sys/devices/system/memory" "$TMP/mem/sys/devices/system/cpu"
echo 1 >"$TMP/mem/sys/devices/system/memory/crash_hotplug"
echo 0 >"$TMP/mem/sys/devices/system/cpu/crash_hotplug"
{ for i in $(seq 1 8); do uevent online memory "/devices/system/memory/memory$i"; done
  pause 500
  uevent offline cpu /devices/system/cpu/cpu1; uevent online cpu /devices/system/cpu/cpu1
  pause 500
  uevent online memory /devices/system/memory/memory9; uevent online cpu /devices/system/cpu/cpu2
} >"$TMP/mixed"
rm -f "$TMP/runs"
"$BIN" hotplug watch --uevents "$TMP/mixed" --settle 100 --sysroot "$TMP/mem" \
	--exec "$CMD" --json >"$TMP/w.json" 2>/dev/null
if [[ $(paste -sd, "$TMP/runs") == "2 cpu,2 memory cpu" && $(jget "$TMP/w.json" skipped) == 1 ]]; then
	ok "watch: memory burst skipped (memory/crash_hotplug = 1), CPU bursts run"
else
	bad "watch crash_hotplug" "runs $(paste -sd, "$TMP/runs"), $(tr -d '\n ' <"$TMP/w.json")"
fi
echo 1 >"$TMP/mem/sys/devices/system/cpu/crash_hotplug"
rm -f "$TMP/runs"
"$BIN" hotplug watch --uevents "$TMP/replay" --settle 100 --sysroot "$TMP/mem" \
	--exec "$CMD" --json >"$TMP/w.json" 2>/dev/null
[[ ! -e $TMP/runs && $(jget "$TMP/w.json" skipped) == 25 ]] &&
	ok "watch: kernel updates both, 25 bursts skipped, no run" ||
	bad "watch all skipped" "$(tr -d '\n ' <"$TMP/w.json")"

# --count stops after N bursts.
rm -f "$TMP/runs"
"$BIN" hotplug watch --uevents "$TMP/replay" --settle 100 --sysroot "$TMP/none" \
	--exec "$CMD" --count 3 2>/dev/null
[[ $(wc -l <"$TMP/runs") == 3 ]] && ok "watch --count 3" || bad "watch --count" "$(wc -l <"$TMP/runs") runs"

# Standard input, on the real clock: two bursts half a second apart.
rm -f "$TMP/runs"
{ for i in 1 2 3; do uevent online memory "/devices/system/memory/memory$i"; done
  sleep 1
  for i in 4 5; do uevent online memory "/devices/system/memory/memory$i"; done
} | "$BIN" hotplug watch --uevents - --settle 200 --sysroot "$TMP/none" \
	--exec "$CMD" 2>/dev/null
[[ $(paste -sd, "$TMP/runs") == "3 memory,2 memory" ]] &&
	ok "watch --uevents - (real clock): two bursts, two runs" ||
	bad "watch stdin" "$(paste -sd, "$TMP/runs" 2>&1)"

# Malformed input is an error (exit 1), not a silent skip.
rc=0
printf 'online@/devices/system/memory/memory1\0ACTION=offline\0\0' >"$TMP/bad"
"$BIN" hotplug watch --uevents "$TMP/bad" --exec true 2>"$TMP/err" || rc=$?
[[ $rc == 1 ]] && grep -q 'disagrees' "$TMP/err" && ok "watch: malformed record, exit 1" ||
	bad "watch malformed" "rc $rc: $(cat "$TMP/err")"
rc=0
"$BIN" hotplug watch --uevents "$TMP/missing" --exec true 2>"$TMP/err" || rc=$?
[[ $rc == 3 ]] && ok "watch: missing input, exit 3" || bad "watch missing input" "rc $rc"

# The live path: netlink, and a uevent synthesized through sysfs -- only
# where no udevd runs (a container, CI), since udev rules (a kdump reload)
# would react to the synthesized event too.
live=
for f in /sys/devices/system/memory/memory0/uevent /sys/devices/system/cpu/cpu0/uevent; do
	[[ -w $f ]] && live=$f && break
done
if [[ -e /run/udev/control ]] || pgrep -x systemd-udevd >/dev/null 2>&1 ||
	pgrep -x udevd >/dev/null 2>&1; then
	skip "watch netlink" "udevd runs here: a synthesized uevent would run its rules"
elif [[ -z $live ]]; then
	skip "watch netlink" "no writable memory/cpu uevent file to synthesize an event"
else
	rm -f "$TMP/runs"
	"$BIN" hotplug watch --settle 200 --count 1 --sysroot "$TMP/none" \
		--exec "$CMD" 2>"$TMP/live.err" &
	pid=$!
	sleep 1
	if ! kill -0 "$pid" 2>/dev/null; then
		rc=0; wait "$pid" || rc=$?
		skip "watch netlink" "the socket could not be used here (exit $rc: $(head -1 "$TMP/live.err"))"
	elif ! echo add >"$live" 2>/dev/null; then
		kill "$pid"; wait "$pid" || true
		skip "watch netlink" "writing $live failed"
	else
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid"; wait "$pid" || true
			skip "watch netlink" "no uevent arrived within 5 s (netlink filtered here)"
		else
			wait "$pid" || true
			[[ -s $TMP/runs ]] && ok "watch netlink: a synthesized uevent ran the command" "$(cat "$TMP/runs")" ||
				bad "watch netlink" "$(cat "$TMP/live.err")"
		fi
	fi
fi

summary
