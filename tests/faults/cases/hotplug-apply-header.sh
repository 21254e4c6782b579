# shellcheck shell=bash
# vmcorekit hotplug apply from a header alone (its notes, text mapping and
# RAM loads are the system), output on standard output through a pipe.
PIPE=1
setup() {
	cp "$ROOT/tests/kernel/captures/612-hotplug/elfcorehdr.bin" "$TMP/hdr"
}
run() {
	"$BIN" hotplug apply --elfcorehdr "$TMP/hdr" --capacity 64K \
		--event add-memory:0x100000000+1G --event remove-memory:0x3f000000+16M \
		-o -
}
