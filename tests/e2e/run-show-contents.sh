#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# show's contents on every real vmcore of the shared cache
# (tests/kernel/cache/*/vmcore.bin): --vmcoreinfo is the note's exact text,
# every CPU's registers equal eu-readelf -n's (show-contents-check.py).
# Skips when the cache is absent.   run-show-contents.sh VMCOREKIT
set -uo pipefail
VMC=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
shopt -s nullglob
files=("$ROOT"/tests/kernel/cache/*/vmcore.bin)
if [ ${#files[@]} -eq 0 ] || ! command -v eu-readelf >/dev/null; then
	echo "SKIP: no real vmcore in tests/kernel/cache or no eu-readelf"
	exit 77
fi
fail=0
for f in "${files[@]}"; do
	python3 "$ROOT/tests/e2e/show-contents-check.py" "$VMC" "$f" || fail=1
done
exit $fail
