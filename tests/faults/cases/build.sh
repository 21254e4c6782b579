# shellcheck shell=bash
# vmcorekit build from a captured sysroot: ~30 files read (several absent),
# the header written through vmc_outfile.
setup() {
	cp -r "$ROOT/tests/kernel/captures/612-file-4cpu/sysroot" "$TMP/sysroot"
}
run() {
	"$BIN" build --sysroot "$TMP/sysroot" -o "$OUT"
}
