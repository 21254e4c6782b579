#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# diff compares contents, on the real vmcores of the shared cache:
#  - 6.12 vs 6.1: exactly the VMCOREINFO keys that differ (computed here
#    from the notes with a parser of its own: added, removed, changed;
#    OSRELEASE among them) are reported as vmcoreinfo items;
#  - a vmcore against itself after `devdump add`: one device-dump item
#    and nothing else; against itself: no difference, exit 0.
# Skips when the cache is absent.   run-diff-contents.sh VMCOREKIT
set -uo pipefail
VMC=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
C=$ROOT/tests/kernel/cache
A=$C/612-file-1cpu/vmcore.bin
B=$C/61-file-1cpu/vmcore.bin
if [ ! -r "$A" ] || [ ! -r "$B" ]; then
	echo "SKIP: no 612-file-1cpu / 61-file-1cpu vmcore in the cache"
	exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

"$VMC" diff --json "$A" "$B" > "$T/d.json"
python3 - "$A" "$B" "$T/d.json" "$ROOT/tests/e2e/show-contents-check.py" <<'PY' || fail=1
import json, sys
src = open(sys.argv[4]).read()
# reuse only the note reader of show-contents-check.py
ns = {}
exec(src.split("want = vmcoreinfo_notes")[0].replace("vmc, path = sys.argv[1], sys.argv[2]", ""), ns)
def keys(path):
    out = {}
    for line in ns['vmcoreinfo_notes'](path).decode().split('\n'):
        k, eq, v = line.partition('=')
        if eq and k and k not in out:
            out[k] = v
    return out
a, b = keys(sys.argv[1]), keys(sys.argv[2])
want = {k for k in a if k not in b or a[k] != b[k]} | {k for k in b if k not in a}
items = [i for i in json.load(open(sys.argv[3]))['differences'] if i['kind'] == 'vmcoreinfo']
got = set()
for i in items:
    t = i['text'][len('VMCOREINFO '):]
    got.add(t.split(':')[0].split(' removed')[0].split(' added')[0])
ok = got == want and len(items) == len(want) and 'OSRELEASE' in got
print("%s: diff 6.12 6.1: %d VMCOREINFO differences reported, %d expected%s" %
      ("ok" if ok else "FAIL", len(items), len(want), ", OSRELEASE among them" if ok else
       " missing %s extra %s" % (sorted(want - got)[:5], sorted(got - want)[:5])))
sys.exit(0 if ok else 1)
PY

head -c 5000 /dev/urandom > "$T/nic.bin"
if "$VMC" devdump add "$A" nic="$T/nic.bin" -o "$T/dd.vmcore" >/dev/null; then
	rc=0
	"$VMC" diff --json "$A" "$T/dd.vmcore" > "$T/dd.json" || rc=$?
	if [ $rc = 1 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["differences"]
sys.exit(0 if len(d) == 1 and d[0]["kind"] == "device-dump" and "nic" in d[0]["text"] else 1)' "$T/dd.json"; then
		echo "ok: diff after devdump add: the device dump and nothing else"
	else
		echo "FAIL: diff after devdump add: exit $rc, $(cat "$T/dd.json")"
		fail=1
	fi
else
	echo "FAIL: devdump add"
	fail=1
fi
if "$VMC" diff "$A" "$A" | grep -q "^same"; then
	echo "ok: diff of a vmcore with itself: same"
else
	echo "FAIL: diff of a vmcore with itself"
	fail=1
fi
exit $fail
