# shellcheck shell=bash
# vmcorekit assemble -o -: the dump streamed to a pipe (PIPE=1: the harness
# reads run's standard output through a pipe and faults it too): header and
# notes written, data spliced from the image, zeros vmspliced.  --small
# keeps the dump within the pipe's 64 KiB, so splice never returns early
# because the reader is slow and the call counts stay the same run to run.
PIPE=1
setup() {
	/usr/bin/python3 "$ROOT/tests/faults/make-memory.py" "$TMP/mem.bin" \
		--small --header-at 0x302000 "$BIN"
}
run() {
	"$BIN" assemble --elfcorehdr-addr 0x302000 --memory "$TMP/mem.bin@0" \
		-o -
}
