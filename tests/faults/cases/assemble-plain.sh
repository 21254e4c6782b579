# shellcheck shell=bash
# vmcorekit assemble the other way: pread/pwrite instead of
# copy_file_range, zeros written instead of holes, fsync before rename;
# the header in old memory at elfcorehdr= instead of a file.
setup() {
	/usr/bin/python3 "$ROOT/tests/faults/make-memory.py" "$TMP/mem.bin" \
		--header-at 0x302000 "$BIN"
}
run() {
	"$BIN" assemble --elfcorehdr-addr 0x302000 --memory "$TMP/mem.bin@0" \
		--no-copy-range --no-sparse --fsync -o "$OUT"
}
