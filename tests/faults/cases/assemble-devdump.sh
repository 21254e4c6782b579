# shellcheck shell=bash
# vmcorekit assemble --device-dump: the tiny machine of tests/data/devdump
# with two device dumps read from files (the collectors' reads fault too).
setup() {
	head -c 5000 "$ROOT/tests/data/devdump/memory.bin" >"$TMP/nic.bin" &&
	printf 'firmware log\n' >"$TMP/fw.bin"
}
run() {
	"$BIN" assemble --elfcorehdr "$ROOT/tests/data/devdump/elfcorehdr.bin" \
		--memory "$ROOT/tests/data/devdump/memory.bin@0" \
		--device-dump "nic0=$TMP/nic.bin" --device-dump "fw=$TMP/fw.bin" \
		-o "$OUT"
}
