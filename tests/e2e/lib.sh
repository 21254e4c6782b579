# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared helpers of the tests/e2e scripts (sourced, not run).
#
#   ok NAME [DETAIL] / bad NAME DETAIL   record and print one check
#   skip NAME WHY                         print, count nothing
#   summary                              "N passed, N failed"; status 1 on failure
#   jget FILE KEY...                     a JSON value (python3 stdlib); "" if absent
#   readelf_check FILE NOTES LOADS       readelf -lW / -lnW and eu-readelf -l
#
# Callers set BIN (the vmcorekit binary) and TMP (a scratch directory).

PASS=0
FAIL=0

ok() {
	PASS=$((PASS + 1))
	echo "PASS $1${2:+: $2}"
}

bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL $1: $2"
}

skip() {
	echo "SKIP $1: $2"
}

summary() {
	echo "$PASS passed, $FAIL failed"
	[[ $FAIL == 0 ]]
}

# jget FILE KEY... : walk dicts by key and lists by index; prints the value
# (JSON for lists/objects), nothing when a key is absent.
jget() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    if isinstance(v, list):
        v = v[int(k)]
    elif isinstance(v, dict) and k in v:
        v = v[k]
    else:
        sys.exit(0)
print(json.dumps(v) if isinstance(v, (list, dict)) else v)
EOF
}

have() { command -v "$1" >/dev/null 2>&1; }

# count_types OUTPUT TYPE: program header lines of TYPE in readelf -l output
count_types() {
	grep -cE "^[[:space:]]+$2[[:space:]]" "$1" || true
}

# readelf_check LABEL FILE NOTES LOADS
#
# binutils readelf -lW and elfutils eu-readelf -l must exit 0 with a clean
# stderr and list NOTES PT_NOTE and LOADS PT_LOAD entries.  readelf -lnW
# also walks the notes: in an elfcorehdr p_offset of a PT_NOTE is a
# physical address far past the end of the file, so readelf necessarily
# reports "Reading N bytes extends past end of file for notes" once per
# PT_NOTE (it does so for the kernel's own elfcorehdr too).  Those lines,
# exactly NOTES of them, are the only stderr tolerated there; for a file
# whose notes lie inside it, -lnW must be clean and exit 0.
readelf_check() {
	local label=$1 f=$2 notes=$3 loads=$4 rc n l size past
	if have readelf; then
		rc=0
		readelf -lW "$f" >"$TMP/re.out" 2>"$TMP/re.err" || rc=$?
		n=$(count_types "$TMP/re.out" NOTE)
		l=$(count_types "$TMP/re.out" LOAD)
		if [[ $rc != 0 || -s $TMP/re.err ]]; then
			bad "$label readelf -lW" "exit $rc: $(head -1 "$TMP/re.err")"
		elif [[ $n != "$notes" || $l != "$loads" ]]; then
			bad "$label readelf -lW" "$n NOTE/$l LOAD, want $notes/$loads"
		else
			ok "$label readelf -lW" "$n NOTE, $l LOAD"
		fi
		rc=0
		readelf -lnW "$f" >"$TMP/re.out" 2>"$TMP/re.err" || rc=$?
		size=$(stat -c %s "$f")
		past=$(notes_past_eof "$f" "$size")
		n=$(grep -c 'extends past end of file for notes' "$TMP/re.err" || true)
		if grep -v 'extends past end of file for notes' "$TMP/re.err" |
			grep -q .; then
			bad "$label readelf -lnW" "$(grep -v 'extends past end' "$TMP/re.err" | head -1)"
		elif [[ $n != "$past" ]]; then
			bad "$label readelf -lnW" "$n note read errors, want $past (PT_NOTEs outside the file)"
		elif [[ $past == 0 && $rc != 0 ]]; then
			bad "$label readelf -lnW" "exit $rc"
		elif [[ $past == 0 ]]; then
			ok "$label readelf -lnW" "exit 0, clean"
		else
			ok "$label readelf -lnW" "only the $past expected 'notes past EOF' errors (elfcorehdr)"
		fi
	else
		skip "$label readelf" "binutils readelf not installed"
	fi
	if have eu-readelf; then
		rc=0
		eu-readelf -l "$f" >"$TMP/re.out" 2>"$TMP/re.err" || rc=$?
		n=$(count_types "$TMP/re.out" NOTE)
		l=$(count_types "$TMP/re.out" LOAD)
		if [[ $rc != 0 || -s $TMP/re.err ]]; then
			bad "$label eu-readelf -l" "exit $rc: $(head -1 "$TMP/re.err")"
		elif [[ $n != "$notes" || $l != "$loads" ]]; then
			bad "$label eu-readelf -l" "$n NOTE/$l LOAD, want $notes/$loads"
		else
			ok "$label eu-readelf -l" "$n NOTE, $l LOAD"
		fi
	else
		skip "$label eu-readelf" "elfutils not installed"
	fi
}

# notes_past_eof FILE SIZE: how many PT_NOTE have p_offset + p_filesz > SIZE
# (from `vmcorekit show --json`).
notes_past_eof() {
	"$BIN" show --json "$1" >"$TMP/show.json" 2>/dev/null || true
	/usr/bin/python3 - "$TMP/show.json" "$2" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    print(-1)
    sys.exit(0)
size = int(sys.argv[2])
print(sum(1 for p in d["phdrs"] if p["type"] == "NOTE"
          and int(p["offset"], 16) + p["filesz"] > size))
EOF
}
