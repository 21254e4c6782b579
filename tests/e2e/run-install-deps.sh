#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/install-deps.sh waits for the dpkg/apt locks instead of failing
# (issue 14): a stand-in lock file held by another process (an fcntl lock,
# as dpkg and apt take them) makes --wait-lock wait until it is released,
# and give up with exit 1 and a message after DEPS_LOCK_WAIT seconds.
#   tests/e2e/run-install-deps.sh [VMCOREKIT]   (the binary is not used)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TMP=$(mktemp -d)
locker=
cleanup() {
	[ -n "$locker" ] && kill "$locker" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
DEPS=$ROOT/scripts/install-deps.sh
LOCK=$TMP/lock-frontend
touch "$LOCK"

# Hold LOCK (lockf, as dpkg's fcntl lock) until $TMP/release appears.
/usr/bin/python3 - "$LOCK" "$TMP" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "w")
fcntl.lockf(f, fcntl.LOCK_EX)
open(os.path.join(sys.argv[2], "ready"), "w").close()
for _ in range(1200):
    if os.path.exists(os.path.join(sys.argv[2], "release")):
        break
    time.sleep(0.05)
PY
locker=$!
for _ in $(seq 600); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
[ -e "$TMP/ready" ] || { bad "locker" "never took the lock"; summary; exit 1; }

# A free lock file (and a missing one) do not hold anything up.
touch "$TMP/free"
rc=0; DEPS_LOCK_WAIT=0 DEPS_LOCK_FILES="$TMP/free $TMP/none" "$DEPS" --wait-lock 2>"$TMP/err0" || rc=$?
[[ $rc == 0 && ! -s $TMP/err0 ]] && ok "free locks" "no wait, exit 0" ||
	bad "free locks" "exit $rc: $(head -1 "$TMP/err0")"

# Held past the limit: exit 1, naming the file and the holder.
rc=0; DEPS_LOCK_WAIT=1 DEPS_LOCK_FILES="$TMP/free $LOCK" "$DEPS" --wait-lock 2>"$TMP/err1" || rc=$?
[[ $rc == 1 ]] && grep -q "still locked by PID $locker" "$TMP/err1" &&
	ok "held past DEPS_LOCK_WAIT" "exit 1: $(tail -1 "$TMP/err1")" ||
	bad "held past DEPS_LOCK_WAIT" "exit $rc: $(cat "$TMP/err1")"

# Held, then released: it waits (still running a second later, "waiting
# for" said), then goes on with exit 0.
DEPS_LOCK_WAIT=120 DEPS_LOCK_FILES="$LOCK" "$DEPS" --wait-lock 2>"$TMP/err2" &
waiter=$!
for _ in $(seq 600); do grep -q 'waiting for' "$TMP/err2" && break; sleep 0.05; done
sleep 1
if kill -0 "$waiter" 2>/dev/null && grep -q "waiting for $LOCK (locked by PID $locker" "$TMP/err2"; then
	ok "held" "waits: $(head -1 "$TMP/err2" | cut -c1-80)"
else
	bad "held" "did not wait: $(cat "$TMP/err2")"
fi
touch "$TMP/release"
wait "$locker"; locker=
rc=0; wait "$waiter" || rc=$?
[[ $rc == 0 ]] && ok "released" "went on, exit 0" || bad "released" "exit $rc"

# apt-get itself waits for dpkg's lock too (the lists lock has no option).
[[ $(grep -c 'DPkg::Lock::Timeout' "$DEPS") -ge 2 ]] &&
	ok "apt-get -o DPkg::Lock::Timeout" "on update and install" ||
	bad "apt-get -o DPkg::Lock::Timeout" "missing from $DEPS"
summary
