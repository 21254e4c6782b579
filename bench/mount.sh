#!/bin/bash
# SPDX-License-Identifier: MIT
# vmcorekit mount against the materialized vmcore, in one run, on a real
# capture (the shared cache's physmem.bin + the elfcorehdr address):
#
#   sequential dd bs=1M: the mounted vmcore (the default pread/writev,
#     and --splice) vs the file assemble wrote, page cache dropped, then
#     warm; ROUNDS (5) interleaved rounds, medians
#   random 4 KiB pread through the mount: p50/p99, cold and warm
#   makedumpfile -d 31 -z (mmap) from the mount vs from the file
#   peak RSS of the server (VmHWM) after all of it
#
# usage: bench/mount.sh [CAPTURE]   (default 612-file-1cpu; root, for
#        drop_caches; BENCH_DIR: where the file is written)
set -eu
S=${1:-612-file-1cpu}
VMC=$(readlink -f "${VMC:-build/cli/vmcorekit}")
CACHE=tests/kernel/cache/$S
C=tests/kernel/captures/$S
DIR=${BENCH_DIR:-/var/tmp/vmc-bench-mount}
[[ -f $CACHE/physmem.bin ]] || { echo "mount bench: no $CACHE/physmem.bin" >&2; exit 2; }
cmdline=$CACHE/kdump/cmdline
[[ -f $cmdline ]] || cmdline=$C/kdump-cmdline
ADDR=$(grep -o 'elfcorehdr=[^ ]*' "$cmdline" | head -1 | cut -d= -f2)
ARGS=(--elfcorehdr-addr "$ADDR" --memory "$(readlink -f "$CACHE/physmem.bin")@0")
mkdir -p "$DIR/mnt"
MP=$DIR/mnt
cleanup() {
	grep -qs " $MP fuse" /proc/mounts && fusermount3 -u "$MP"
	rm -f "$DIR"/vmcore.file "$DIR"/out.*
}
trap cleanup EXIT
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }

"$VMC" assemble "${ARGS[@]}" --no-progress -o "$DIR/vmcore.file" >/dev/null
SIZE=$(stat -c %s "$DIR/vmcore.file")
echo "machine: $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "capture $S: vmcore $SIZE bytes; file at $DIR ($(df -T "$DIR" | awk 'NR==2{print $2}'))"

# dd_time FILE: seconds of dd bs=1M of FILE to /dev/null
dd_time() {
	local t0 t1
	t0=$(date +%s.%N)
	dd if="$1" of=/dev/null bs=1M status=none
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# pread_lat FILE N: random page-aligned 4 KiB preads; p50/p99 in us
pread_lat() {
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import os, random, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
rng = random.Random(7)
lat = []
for _ in range(int(sys.argv[2])):
    off = rng.randrange(0, size // 4096) * 4096
    t = time.perf_counter_ns()
    os.pread(fd, 4096, off)
    lat.append(time.perf_counter_ns() - t)
lat.sort()
print("p50 %.1f us  p99 %.1f us" % (lat[len(lat) // 2] / 1e3, lat[len(lat) * 99 // 100] / 1e3))
EOF
}

serve() {	# mount with extra options; prints the pid
	"$VMC" mount "${ARGS[@]}" "$@" "$MP" | sed -n 's/.*served by pid \([0-9]*\);.*/\1/p'
}

declare -A T R
# med KEY / best KEY: of the wall times collected in R[KEY]
med() { echo ${R[$1]} | tr ' ' '\n' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
best() { echo ${R[$1]} | tr ' ' '\n' | sort -n | head -1; }
# Sequential dd, ROUNDS (default 5) rounds: each round mounts each way
# afresh (and reads the file), drops the page cache, reads once (cold) and
# again (warm); the order rotates each round.  The machine is shared (the
# other engineers' builds and QEMU), so one run proves little: every run is
# printed, and the ratios use the medians.
modes=(copy splice file)
for r in $(seq 0 $((${ROUNDS:-5} - 1))); do
	for k in 0 1 2; do
		mode=${modes[$(((k + r) % 3))]}
		f=$MP/vmcore
		case $mode in
		copy) pid=$(serve) ;;
		splice) pid=$(serve --splice) ;;
		file) f=$DIR/vmcore.file ;;
		esac
		drop
		R[${mode}_cold]+="$(dd_time "$f") "
		R[${mode}_warm]+="$(dd_time "$f") "
		[ "$mode" = file ] || fusermount3 -u "$MP"
	done
done
for mode in copy splice file; do
	for k in cold warm; do
		T[${mode}_$k]=$(med ${mode}_$k)
		name="dd mount ($mode), $k"
		[ "$mode" = file ] && name="dd file, $k"
		printf '%-30s median %6.3f s %6.0f MB/s, best %6.3f s  (runs: %s)\n' "$name" \
			"${T[${mode}_$k]}" "$(echo "$SIZE / 1000000 / ${T[${mode}_$k]}" | bc -l)" \
			"$(best ${mode}_$k)" "$(echo ${R[${mode}_$k]} | xargs printf '%.2f ')"
	done
done

pid=$(serve)
dd if="$MP/vmcore" of=/dev/null bs=1M status=none
echo "random 4 KiB pread via the mount, warm: $(pread_lat "$MP/vmcore" 20000)"
fusermount3 -u "$MP"
pid=$(serve)
drop
echo "random 4 KiB pread via the mount, cold: $(pread_lat "$MP/vmcore" 2000)"
drop
echo "random 4 KiB pread of the file, cold:   $(pread_lat "$DIR/vmcore.file" 2000)"
echo "random 4 KiB pread of the file, warm:   $(pread_lat "$DIR/vmcore.file" 20000)"
if command -v makedumpfile >/dev/null; then
	for src in mount file; do
		f=$MP/vmcore
		[[ $src == file ]] && f=$DIR/vmcore.file
		rm -f "$DIR/out.z"
		drop
		t0=$(date +%s.%N)
		makedumpfile -d 31 -z "$f" "$DIR/out.z" >/dev/null 2>&1
		T[mdf_$src]=$(echo "$(date +%s.%N) - $t0" | bc -l)
		printf '%-44s %7.3f s\n' "makedumpfile -d 31 -z from the $src, cold" "${T[mdf_$src]}"
	done
fi
echo "server peak RSS (copy): $(awk '/VmHWM/{print $2, $3}' /proc/"$pid"/status)"
fusermount3 -u "$MP"
pid=$(serve --splice)
dd if="$MP/vmcore" of=/dev/null bs=1M status=none
echo "server peak RSS (splice): $(awk '/VmHWM/{print $2, $3}' /proc/"$pid"/status)"
fusermount3 -u "$MP"
echo "ratios (same run, medians; mount throughput / file throughput):"
for k in cold warm; do
	for mode in copy splice; do
		printf '  %-42s %6.2fx\n' "dd mount ($mode) vs file, $k" \
			"$(echo "${T[file_$k]} / ${T[${mode}_$k]}" | bc -l)"
	done
done
[[ -n ${T[mdf_mount]:-} ]] && printf '  %-42s %6.2fx\n' "makedumpfile from mount vs file" \
	"$(echo "${T[mdf_file]} / ${T[mdf_mount]}" | bc -l)"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
