# shellcheck shell=bash
# vmcorekit build from explicit files (--iomem, --ranges: the CLI's slurp),
# padded to the segment size so the output takes several writes' worth.
setup() {
	cp "$ROOT/tests/kernel/captures/612-file-5g/sysroot/proc/iomem" "$TMP/iomem"
	printf '# RAM\n0x100000-0x7fffffff\n0x100000000+1G\n' >"$TMP/ranges"
}
run() {
	"$BIN" build --iomem "$TMP/iomem" --ranges "$TMP/ranges" \
		--profile generic --cpu-note 0x3000000:0x170 \
		--vmcoreinfo 0x3001000:0x100 --no-kernel-text \
		--capacity 256K -o "$OUT"
}
