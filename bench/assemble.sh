#!/bin/bash
# SPDX-License-Identifier: MIT
# Throughput and peak RSS of `vmcorekit assemble` on a >= 4 GiB image, part
# sparse and part dense, against `cat image > out` and `makedumpfile -E -d 0`
# on an ELF input holding the same data, in one run.
#
# Then, per filesystem (FS_GIB GiB image, default 1, a quarter dense): ext4
# (or whatever BENCH_DIR is on) with the page cache hot and dropped, tmpfs,
# and an XFS loop image with reflink=1 (root, xfsprogs), hot and cold:
# the default copy path against cat, cp --reflink=never, 4 MiB pread/pwrite
# and copy_file_range on each, the median of ROUNDS runs each (FS_BENCH=0
# skips it; MAIN_BENCH=0 skips the first part).  Each command runs
# ROUNDS (9) times, interleaved with the others; see fs_round.
#
# usage: bench/assemble.sh [GiB]   (default 4; needs ~2.5x GiB of disk for
#                                   the dense parts; BENCH_DIR to choose where)
set -eu
GIB=${1:-4}
VMC=$(readlink -f "${VMC:-build/cli/vmcorekit}")
DIR=${BENCH_DIR:-/var/tmp/vmc-bench-assemble}
TIME=/usr/bin/time
mkdir -p "$DIR"
XFS_MNT=$DIR/xfs
TMPFS_MNT=$DIR/tmpfs
cleanup() {
	rm -f "$DIR"/out.*
	grep -qs " $XFS_MNT xfs" /proc/mounts && umount "$XFS_MNT"
	grep -qs " $TMPFS_MNT tmpfs" /proc/mounts && umount "$TMPFS_MNT"
	rm -rf "$DIR/xfs.img"
}
trap cleanup EXIT
cd "$DIR"
SIZE=$((GIB << 30))
DENSE_MB=$((GIB * 256))		# a quarter of the image is dense random data

if [ ! -f physmem.bin ] || [ "$(stat -c %s physmem.bin)" != $SIZE ]; then
	echo "building a $GIB GiB physmem.bin: $DENSE_MB MiB dense random in 8 regions"
	rm -f physmem.bin
	truncate -s $SIZE physmem.bin
	for i in 0 1 2 3 4 5 6 7; do
		dd if=/dev/urandom of=physmem.bin bs=1M count=$((DENSE_MB / 8)) \
		   seek=$((i * (SIZE >> 20) / 8 + 16)) conv=notrunc status=none
	done
	# One CPU note (NT_PRSTATUS, "CORE") at 0x1000, then a terminator.
	python3 - <<'EOF'
import struct
with open("physmem.bin", "r+b") as f:
    f.seek(0x1000)
    f.write(struct.pack("<III", 5, 336, 1) + b"CORE\0\0\0\0" + bytes(336) + bytes(12))
EOF
fi
printf '0x1000-0x%x\n' $((SIZE - 1)) >ranges.txt
"$VMC" build --profile generic --arch x86_64 --ranges ranges.txt \
	--cpu-note 0x1000:0x400 -o hdr.bin >/dev/null
# Place the header in old memory too, so both header sources are timed alike.
HDR_AT=$((SIZE - 0x10000))
dd if=hdr.bin of=physmem.bin bs=4096 seek=$((HDR_AT / 4096)) conv=notrunc status=none

sync
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
# run KEY NAME CMD...: one timed run; T[KEY] keeps its wall time.
declare -A T
run() {
	local key=$1 name=$2 t
	shift 2
	drop
	$TIME -f "%e %M" -o time.txt "$@" >/dev/null 2>&1 || { echo "$name: failed"; cat time.txt; return 1; }
	read -r t rss <time.txt
	T[$key]=$t
	printf '%-48s %7.2f s %8.0f MB/s  peak RSS %6d KiB\n' "$name" "$t" \
		"$(echo "$SIZE / 1000000 / $t" | bc -l)" "$rss"
	rm -f out.*
}
# ratio A B: how many times faster A is than B (B's time / A's time).
ratio() {
	printf '  %-46s %6.2fx\n' "$1 vs $2" "$(echo "${T[$2]} / ${T[$1]}" | bc -l)"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem:/{print $2}') GiB RAM, $(df -hT . | awk 'NR==2{print $2}') at $DIR," \
     "kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $GIB GiB physmem.bin, $DENSE_MB MiB dense ($(du -m physmem.bin | cut -f1) MiB allocated)"
A=(assemble --elfcorehdr-addr $HDR_AT --memory physmem.bin@0 --no-progress)
if [ "${MAIN_BENCH:-1}" != 0 ]; then
run cat "cat physmem.bin > out" sh -c 'cat physmem.bin > out.cat'
run cfr "vmcorekit assemble (copy_file_range, sparse)" "$VMC" "${A[@]}" -o out.a
run rw "vmcorekit assemble --no-copy-range" "$VMC" "${A[@]}" --no-copy-range -o out.b
run dense "vmcorekit assemble --no-copy-range --no-sparse" "$VMC" "${A[@]}" --no-copy-range --no-sparse -o out.c
run catpipe "cat physmem.bin | cat > out (pipe)" sh -c 'cat physmem.bin | cat > out.e'
run pipe "vmcorekit assemble -o - | cat > out (splice)" sh -c "'$VMC' ${A[*]} -o - | cat > out.d"
run piperw "vmcorekit assemble --no-copy-range -o - | cat > out" sh -c "'$VMC' ${A[*]} --no-copy-range -o - | cat > out.f"
if command -v makedumpfile >/dev/null; then
	"$VMC" "${A[@]}" -o input.elf >/dev/null
	run mdf "makedumpfile -E -d 0 (ELF in, ELF out)" makedumpfile -E -d 0 input.elf out.m
	rm -f input.elf
fi
echo "ratios (same run; >1: the first is faster):"
ratio cfr cat
ratio rw cat
ratio dense cat
ratio pipe catpipe
ratio piperw catpipe
ratio pipe cat
[ -n "${T[mdf]:-}" ] && { ratio cfr mdf; ratio dense mdf; }
fi

[ "${FS_BENCH:-1}" = 0 ] && exit 0
# ---- the copy path per filesystem ----
FS_GIB=${FS_GIB:-1}
FSIZE=$((FS_GIB << 30))
# make_image DIR: a FS_GIB physmem.bin (a quarter dense) with its header
make_image() {
	local d=$1 i
	rm -f "$d/physmem.bin"
	truncate -s $FSIZE "$d/physmem.bin"
	for i in 0 1 2 3; do
		dd if=physmem.bin of="$d/physmem.bin" bs=1M count=$((FS_GIB * 64)) \
		   skip=$((i * (SIZE >> 20) / 8 + 16)) seek=$((i * (FSIZE >> 20) / 4 + 16)) \
		   conv=notrunc status=none
	done
	dd if=physmem.bin of="$d/physmem.bin" bs=4096 count=1 skip=1 seek=1 \
	   conv=notrunc status=none
	printf '0x1000-0x%x\n' $((FSIZE - 1)) >"$d/ranges.txt"
	"$VMC" build --profile generic --arch x86_64 --ranges "$d/ranges.txt" \
		--cpu-note 0x1000:0x400 -o "$d/hdr.bin" >/dev/null
	dd if="$d/hdr.bin" of="$d/physmem.bin" bs=4096 seek=$(((FSIZE - 0x10000) / 4096)) \
	   conv=notrunc status=none
}
# fs_round FS MODE: the commands below, ROUNDS (default 9) rounds, every
# round runs each command once, in an order rotated by one each round (so
# no command always follows the same one); cold evicts the image from the
# page cache before each run (dd iflag=nocache count=0: the image only,
# and an XFS image's loop file, EVICT_ALSO, so
# the tools' own binaries and libraries stay cached and what is timed is
# the copy), hot runs each command once untimed first.  Each cell: the
# best and the median wall time; on a machine shared with builds and QEMU
# one run is worth little (cold runs of the same command differed by 10x
# at load 10), the median of interleaved runs is what the ratio uses, the
# best is printed beside it.
evict() {	# FILE...: out of the page cache (POSIX_FADV_DONTNEED)
	local f
	sync
	for f; do dd if="$f" iflag=nocache count=0 status=none; done
}
fs_round() {	# FS MODE
	local fs=$1 mode=$2 best=cat k r i n t keys=() names=() cmds=()
	local B="'$VMC' assemble --elfcorehdr-addr $((FSIZE - 0x10000)) --memory '$W/physmem.bin@0' --no-progress --json"
	echo "$fs, $mode cache ($(df -T "$W" | awk 'NR==2{print $2}'), $FS_GIB GiB image, load $(cut -d' ' -f1-3 /proc/loadavg)):"
	keys=(cat cp rw cfr)
	names=("cat > out" "cp --reflink=never" "assemble --copy-path read-write" "assemble --copy-path copy-range")
	cmds=("cat '$W/physmem.bin' > '$W/out.cat'" "cp --reflink=never '$W/physmem.bin' '$W/out.cp'"
	      "$B --copy-path read-write -o '$W/out.rw'" "$B --copy-path copy-range -o '$W/out.cfr'")
	if [ "$fs" = xfs ]; then
		keys+=(clone); names+=("assemble --copy-path clone")
		cmds+=("$B --copy-path clone -o '$W/out.clone'")
	fi
	keys+=(auto); names+=("assemble (default)"); cmds+=("$B -o '$W/out.auto'")
	n=${#keys[@]}
	declare -A ms=()
	if [ "$mode" = hot ]; then
		for i in $(seq 0 $((n - 1))); do
			sh -c "${cmds[$i]}" >/dev/null 2>&1; rm -f "$W"/out.*
		done
	fi
	for r in $(seq 0 $((${ROUNDS:-9} - 1))); do
		for k in $(seq 0 $((n - 1))); do
			i=$(((k + r) % n))
			# the previous command's output, removed, is still being
			# written back and freed: sync so that is not timed in this one
			sync
			[ "$mode" = cold ] && evict "$W/physmem.bin" ${EVICT_ALSO:-}
			t=$(date +%s%N)
			sh -c "${cmds[$i]}" >"$W/json.txt" 2>&1 ||
				{ echo "${names[$i]}: failed"; cat "$W/json.txt"; return 1; }
			ms[${keys[$i]}]+="$((($(date +%s%N) - t) / 1000000)) "
			[ "${keys[$i]}" = auto ] && ms[path]=$(grep -o '"copy_path": "[a-z-]*"' "$W/json.txt" | cut -d'"' -f4)
			rm -f "$W"/out.*
		done
	done
	for i in $(seq 0 $((n - 1))); do
		k=${keys[$i]}
		read -r lo med <<<"$(echo ${ms[$k]} | tr ' ' '\n' | sort -n |
			awk '{a[NR] = $1} END {print a[1], a[int((NR + 1) / 2)]}')"
		T[$fs.$mode.$k]=$(echo "$med / 1000" | bc -l)
		printf '  %-34s best %7.3f s  median %7.3f s %8.0f MB/s %s\n' "${names[$i]}" \
			"$(echo "$lo / 1000" | bc -l)" "${T[$fs.$mode.$k]}" \
			"$(echo "$FSIZE / 1000 / ($med + 0.5)" | bc -l)" \
			"$([ "$k" = auto ] && echo "${ms[path]}")"
	done
	for k in cp rw cfr; do
		[ "$(echo "${T[$fs.$mode.$k]} < ${T[$fs.$mode.$best]}" | bc -l)" = 1 ] && best=$k
	done
	printf '  default vs the best of cat/cp/read-write/copy-range (%s), medians: %.2fx\n' "$best" \
		"$(echo "(${T[$fs.$mode.$best]} + 0.0005) / (${T[$fs.$mode.auto]} + 0.0005)" | bc -l)"
	[ "$fs" = xfs ] && printf '  default vs clone, medians: %.2fx\n' \
		"$(echo "(${T[$fs.$mode.clone]} + 0.0005) / (${T[$fs.$mode.auto]} + 0.0005)" | bc -l)"
	return 0
}
# xfs_extents: O(extents) -- the clone path's time against the image's
# data extents, and the output's extents shared with the image
xfs_extents() {
	local n
	n=$(xfs_bmap "$W/physmem.bin" | grep -vc hole)
	"$VMC" assemble --elfcorehdr-addr $((FSIZE - 0x10000)) --memory "$W/physmem.bin@0" \
		--no-progress -o "$W/out.auto" >/dev/null
	echo "  image: $((n - 1)) data extents; output: $(xfs_bmap -v "$W/out.auto" | awk 'NR > 2 && length($NF) == 6 && substr($NF, 1, 1) == "1"' | wc -l) of $(($(xfs_bmap "$W/out.auto" | grep -vc hole) - 1)) extents shared (flag 100000)"
	rm -f "$W"/out.*
}
echo "copy path per filesystem (time; >1x: the default is faster):"
W=$DIR/fs-ext4
mkdir -p "$W"
make_image "$W"
fs_round ext4 hot
fs_round ext4 cold
rm -rf "$W"
# tmpfs: a mount of our own under BENCH_DIR (root), else /dev/shm
W=$TMPFS_MNT
mkdir -p "$W"
mount -t tmpfs -o size=$((FS_GIB * 3 + 1))G vmc-bench "$W" 2>/dev/null ||
	W=/dev/shm/vmc-bench-assemble
mkdir -p "$W"
make_image "$W"
fs_round tmpfs hot
rm -rf "$W"/*
[ "$W" = "$TMPFS_MNT" ] && umount "$W"
if command -v mkfs.xfs >/dev/null; then
	truncate -s $((FS_GIB * 3 + 1))G "$DIR/xfs.img"
	mkfs.xfs -q -f -m reflink=1 "$DIR/xfs.img"
	mkdir -p "$XFS_MNT"
	mount -o loop "$DIR/xfs.img" "$XFS_MNT"
	W=$XFS_MNT
	make_image "$W"
	fs_round xfs hot
	EVICT_ALSO=$DIR/xfs.img fs_round xfs cold
	xfs_extents
else
	echo "xfs: mkfs.xfs missing (xfsprogs), skipped"
fi
exit 0
