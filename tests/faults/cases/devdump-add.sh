# shellcheck shell=bash
# vmcorekit devdump add: an existing vmcore (the tiny machine of
# tests/data/devdump) re-laid out with two device dumps, streamed
# (copy_file_range for the file's bytes, the dumps written).
setup() {
	"$BIN" assemble --elfcorehdr "$ROOT/tests/data/devdump/elfcorehdr.bin" \
		--memory "$ROOT/tests/data/devdump/memory.bin@0" \
		-o "$TMP/in.core" >/dev/null &&
	head -c 5000 "$ROOT/tests/data/devdump/memory.bin" >"$TMP/nic.bin" &&
	printf 'firmware log\n' >"$TMP/fw.bin"
}
run() {
	"$BIN" devdump add "$TMP/in.core" "nic0=$TMP/nic.bin" "fw=$TMP/fw.bin" \
		-o "$OUT"
}
