# shellcheck shell=bash
# vmcorekit zfcpdump assemble: the header built in-process, then the whole
# /proc/vmcore (HSA below 16 KiB, memory above) written through
# vmc_dump_write_fd and vmc_outfile.
setup() {
	/usr/bin/python3 "$ROOT/tests/e2e/zfcpdump-fixture.py" "$TMP/fx" --small
}

run() {
	"$BIN" zfcpdump assemble --save-areas "$TMP/fx/sa" \
		--hsa "$TMP/fx/hsa.bin" --memory "$TMP/fx/mem.bin@0" \
		--no-progress -o "$OUT"
}
