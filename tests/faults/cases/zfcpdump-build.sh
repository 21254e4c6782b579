# shellcheck shell=bash
# vmcorekit zfcpdump build: the s390 dump kernel's header from CPU
# save-area files, an HSA image and a memory image (synthetic, from
# tests/e2e/zfcpdump-fixture.py), written through vmc_outfile.
setup() {
	/usr/bin/python3 "$ROOT/tests/e2e/zfcpdump-fixture.py" "$TMP/fx" --vx --small
}

run() {
	"$BIN" zfcpdump build --save-areas "$TMP/fx/sa" --hsa "$TMP/fx/hsa.bin" \
		--memory "$TMP/fx/mem.bin@0" -o "$OUT"
}
