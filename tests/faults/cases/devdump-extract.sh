# shellcheck shell=bash
# vmcorekit devdump extract: one device dump's payload out of a vmcore
# (list: note headers read through pread; then chunked reads and writes).
setup() {
	head -c 9000 "$ROOT/tests/data/devdump/memory.bin" >"$TMP/nic.bin" &&
	"$BIN" assemble --elfcorehdr "$ROOT/tests/data/devdump/elfcorehdr.bin" \
		--memory "$ROOT/tests/data/devdump/memory.bin@0" \
		--device-dump "nic0=$TMP/nic.bin" -o "$TMP/in.core" >/dev/null
}
run() {
	"$BIN" devdump extract "$TMP/in.core" nic0 -o "$OUT"
}
