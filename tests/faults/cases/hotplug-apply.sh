# shellcheck shell=bash
# vmcorekit hotplug apply: a captured sysroot and the old segment read
# (system files, slurp of --elfcorehdr), a DIMM added and a CPU event, the
# 917680-byte segment written through vmc_outfile.
setup() {
	cp -r "$ROOT/tests/kernel/captures/612-hotplug/sysroot" "$TMP/sysroot"
	cp "$ROOT/tests/kernel/captures/612-hotplug/elfcorehdr.bin" "$TMP/hdr"
}
run() {
	"$BIN" hotplug apply --sysroot "$TMP/sysroot" --elfcorehdr "$TMP/hdr" \
		--event add-memory:0x100000000-0x13fffffff --event add-cpu:0 \
		--capacity 917680 -o "$OUT"
}
