# shellcheck shell=bash
# vmcorekit assemble into a regular file: header from a file, notes and RAM
# from a sparse image (copy_file_range for data, holes kept, ftruncate).
setup() {
	"$BIN" build --ranges <(printf '0x100000+64K\n0x200000+96K\n') \
		--profile generic --cpu-note 0x300000:0x170 \
		--vmcoreinfo 0x301000:0x100 --no-kernel-text \
		-o "$TMP/hdr.bin" >/dev/null &&
	/usr/bin/python3 "$ROOT/tests/faults/make-memory.py" "$TMP/mem.bin"
}
run() {
	"$BIN" assemble --elfcorehdr "$TMP/hdr.bin" --memory "$TMP/mem.bin@0" \
		-o "$OUT"
}
