# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# vmcorekit fadump build: reads a crash info header, a register save area
# and a ranges file, writes the capture kernel's elfcorehdr to $OUT.
setup() {
	/usr/bin/python3 "$ROOT/tests/e2e/fadump_gen.py" header "$TMP/hdr.bin" 1 big
	/usr/bin/python3 "$ROOT/tests/e2e/fadump_gen.py" cpustate "$TMP/regsave.bin" 0,1,2,3
	printf '0x0+32M\n0x3000000+16M\n' >"$TMP/ranges.txt"
}

run() {
	"$BIN" fadump build --header "$TMP/hdr.bin" \
		--boot-mem 0:0x100000:0x1010000 --boot-mem 0x200000:0x100000 \
		--reserved 0x1000000:0x400000 --ranges "$TMP/ranges.txt" \
		--cpu-state "$TMP/regsave.bin" -o "$OUT"
}
