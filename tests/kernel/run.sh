#!/bin/bash
# Real-kernel kdump bench: boots Debian kernels under QEMU, crashes them with
# kdump loaded and records captures under tests/kernel/captures/<scenario>/.
#
#   tests/kernel/run.sh [SCENARIO...]     (default: all x86_64 scenarios)
#   tests/kernel/run.sh --foreign [SCENARIO...]
#                                         (default: all foreign-architecture
#                                         scenarios, FOREIGN_SCENARIOS below;
#                                         `make check-kernel-foreign`)
#
# Environment:
#   BENCH_ACCEL=auto|kvm|tcg   accelerator (default auto: probe KVM, else TCG)
#   BENCH_TIMEOUT=SECONDS      per-VM timeout (default 600 TCG, 300 KVM; no-kdump
#                              panic scenarios under TCG: 600 + RAM-MiB/2)
#   BENCH_JOBS=N               scenarios run in parallel (default 1)
#   BENCH_QEMU_EXTRA="ARGS"    extra QEMU arguments (diagnosis, e.g. -d cpu_reset)
#   BENCH_CPU_HOTADD=0|1       612-hotplug-event: also device_add a CPU (default 0:
#                              it breaks the kdump boot, see README.md)
#   BENCH_CACHE=DIR, BENCH_CAPTURES=DIR  other cache / captures directories (a
#                              trial run that must not touch the shared cache)
#   BENCH_KEXEC=PATH           amd64 kexec binary for the initramfs (default:
#                              the system's; for a one-off run of another build);
#                              foreign architectures use their Debian package's
#   BENCH_FOREIGN_CAPTURES=DIR where foreign-architecture captures go (default
#                              tests/kernel/foreign-captures)
#
# Prints one line per scenario:
#   scenario kernel accel CPUs RAM #PT_NOTE #PT_LOAD vmcore-size wall-time
# and exits non-zero if any scenario failed.  See README.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${BENCH_CACHE:-$HERE/cache}
CAPS=${BENCH_CAPTURES:-$HERE/captures}
PY=/usr/bin/python3
export LC_ALL=C

# Pinned kernels (Debian bookworm / bookworm-security), by ARCH:KEY.
declare -A KPKG=(
	[amd64:612]=linux-image-6.12.117+deb12-cloud-amd64-unsigned
	[amd64:61]=linux-image-6.1.0-56-cloud-amd64-unsigned
	[arm64:612]=linux-image-6.12.117+deb12-arm64-unsigned
	[arm64:61]=linux-image-6.1.0-56-arm64-unsigned
	# ppc64el has no -unsigned flavour (no Secure Boot signing there);
	# bookworm main's newest 6.1 while bookworm-security's ppc64el index
	# would not update (README.md "ppc64el")
	[ppc64el:61]=linux-image-6.1.0-50-powerpc64le
)
# Fallback flavour if the cloud one lacks a needed option.
declare -A KPKG_FALLBACK=(
	[amd64:612]=linux-image-6.12.117+deb12-amd64-unsigned
	[amd64:61]=linux-image-6.1.0-56-amd64-unsigned
)

# Per architecture (Debian's name): the QEMU that boots it, its machine,
# CPU and console, where guest RAM starts (the RAM backend file's offset 0),
# the kernel options the bench needs, and the packages of the foreign
# initramfs (busybox-static, kexec-tools and the libraries kexec NEEDs,
# fetched with `apt-get download PKG:ARCH`; build_initramfs checks that every
# NEEDED library, transitively, is among them). amd64 is the host: its
# initramfs takes the host's busybox and kexec (BENCH_KEXEC) as always.
declare -A QEMU_BIN=([amd64]=qemu-system-x86_64 [arm64]=qemu-system-aarch64
	[ppc64el]=qemu-system-ppc64)
declare -A QEMU_MACHINE=([amd64]=pc [arm64]=virt [ppc64el]=pseries)
# arm64: pauth-impdef=on makes TCG's pointer authentication cheap (QEMU's
# own recommendation for -cpu max under TCG); the guest sees the same
# features otherwise.
# ppc64el: POWER9 (radix MMU), the newest CPU QEMU 7.2's TCG models well;
# SLOF boots the ELF vmlinux, the console is the hypervisor's vty (hvc0).
declare -A QEMU_CPU_TCG=([amd64]="max,la57=off" [arm64]="max,pauth-impdef=on"
	[ppc64el]=POWER9)
declare -A CONSOLE=([amd64]=ttyS0 [arm64]=ttyAMA0 [ppc64el]=hvc0)
declare -A RAM_BASE=([amd64]=0 [arm64]=0x40000000 [ppc64el]=0)
declare -A ARCH_CONFIG=(
	[amd64]="CONFIG_CRASH_DUMP CONFIG_PROC_VMCORE CONFIG_KEXEC_FILE CONFIG_KEXEC"
	# Debian arm64 has no CONFIG_KEXEC_FILE: kexec_load only
	[arm64]="CONFIG_CRASH_DUMP CONFIG_PROC_VMCORE CONFIG_KEXEC"
	# Debian ppc64el: no CONFIG_KEXEC_FILE and no CONFIG_FA_DUMP either
	[ppc64el]="CONFIG_CRASH_DUMP CONFIG_PROC_VMCORE CONFIG_KEXEC CONFIG_PPC_PSERIES"
)
declare -A USER_PKGS=(
	# kexec-tools 2.0.25 ppc64el NEEDs libc.so.6 only
	[ppc64el]="busybox-static kexec-tools libc6"
	[arm64]="busybox-static kexec-tools libc6 zlib1g libxenmisc4.17 libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxentoollog1 libxentoolcore1 libxenstore4 libxenhypfs1"
)

# name kernel method cpus ram-MiB options [arch]   (arch: Debian's name,
# default amd64; a foreign one goes in FOREIGN_SCENARIOS)
# options: - | crashkernel=SIZE@BASE (instead of crashkernel=256M) |
#          hotplug (slots for DIMMs and CPUs, nothing plugged) |
#          hotplug-event (same, plus a DIMM_MIB DIMM hot-added through QMP,
#          CPU 1 offlined and onlined, before the crash; see README.md) |
#          hotplug-remove (hotplug-event, then the DIMM offlined and
#          removed again through QMP device_del before the crash) |
#          hotplug-readd (hotplug-remove, then a DIMM of half the size plugged)
SCENARIOS=(
	"612-file-1cpu 612 file 1 1024 -"
	"612-load-1cpu 612 load 1 1024 -"
	"612-file-4cpu 612 file 4 1024 -"
	"612-load-4cpu 612 load 4 1024 -"
	"612-file-5g   612 file 1 5120 -"
	"61-file-1cpu  61  file 1 1024 -"
	"612-hotplug   612 file 1 1024 hotplug"
	"612-hotplug-event 612 file 2 1024 hotplug-event"
	# No kdump kernel: the guest panics, QEMU pauses on pvpanic (issue 15;
	# README.md "No kdump: pvpanic"; check-guest.sh checks them).
	"61-panic 61 none 1 1024 panic"
	"612-panic 612 none 1 1024 panic"
	"61-panic-novmci 61 none 1 1024 panic-novmci"
	"612-panic-novmci 612 none 1 1024 panic-novmci"
	"612-panic-q35 612 none 1 2816 panic-q35"
)
# Run only when named: kexec_load --hotplug needs kexec-tools >= 2.0.28
# (BENCH_KEXEC=/path/to/kexec; Debian 12 has 2.0.25). See README.md.
MANUAL_SCENARIOS=(
	"612-load-hotplug-event 612 load 2 1024 hotplug-event"
	"612-hotplug-remove 612 file 2 1024 hotplug-remove"
	"612-hotplug-readd 612 file 2 1024 hotplug-readd"
)
# Foreign architectures (QEMU TCG only): run with --foreign, not by default
# (CI time; README.md "Foreign architectures").
FOREIGN_SCENARIOS=(
	"arm64-612-load-1cpu 612 load 1 1024 - arm64"
	"arm64-612-load-2cpu 612 load 2 2048 - arm64"
	"ppc64el-61-load-1cpu 61 load 1 1024 - ppc64el"
	# at 256 MiB, below RTAS: README.md "ppc64el (pseries)"
	"ppc64el-61-load-2cpu 61 load 2 2048 crashkernel=256M@256M ppc64el"
	# No arm64 6.1 scenario: its /proc/kallsyms has no _text, so
	# kexec-tools 2.0.25 builds a header with a bogus kernel text PT_LOAD
	# and PAGE_OFFSET 0, and the kdump kernel faults reading /proc/vmcore
	# (README.md "Foreign architectures"); arm64:61 stays for a manual run.
)
MANUAL_FOREIGN_SCENARIOS=(
	"arm64-61-load-2cpu 61 load 2 2048 - arm64"
)
DIMM_MIB=256   # 2 memory blocks of 128 MiB: two MEM_ONLINE regenerations

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- packages --
HOST_PKGS=(qemu-system-x86 kexec-tools busybox-static cpio elfutils binutils zstd xz-utils kmod python3)
ensure_pkgs() {
	local missing=() p
	for p in "${HOST_PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} and not root"
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# The QEMU of each foreign architecture asked for (qemu-system-arm has
# qemu-system-aarch64).
declare -A QEMU_PKG=([arm64]=qemu-system-arm [ppc64el]=qemu-system-ppc)
ensure_foreign_pkgs() {
	local a
	for a in "$@"; do
		HOST_PKGS+=("${QEMU_PKG[$a]}")
		dpkg --print-foreign-architectures | grep -x "$a" >/dev/null ||
			die "dpkg does not know $a: run dpkg --add-architecture $a && apt-get update"
	done
	ensure_pkgs
}

# ----------------------------------------------------------------- kernels --
config_ok() { # config file arch
	local c
	for c in ${ARCH_CONFIG[$2]}; do grep -q "^$c=y" "$1" || return 1; done
	grep -Eq '^CONFIG_VIRTIO_BLK=(y|m)' "$1" || return 1
}
# deb_file pkg arch: the newest downloaded .deb of pkg for arch
deb_file() { ls -t "$CACHE"/debs/"$1"_*_"$2".deb 2>/dev/null | head -1; }
# download pkg arch: apt-get download into $CACHE/debs (the host's own
# architecture without a suffix, as always)
download_pkg() {
	local spec=$1
	[ "$2" = amd64 ] || spec=$1:$2
	[ -n "$(deb_file "$1" "$2")" ] && return 0
	mkdir -p "$CACHE/debs"
	log "downloading $spec"
	if ! (cd "$CACHE/debs" && apt-get download "$spec" >&2 2>/dev/null); then
		apt-get update -qq >&2 || true
		(cd "$CACHE/debs" && apt-get download "$spec" >&2) || return 1
	fi
}
fetch_pkg() { # pkg arch -> echoes extracted dir
	local pkg=$1 dir=$CACHE/kernels/$1
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir"
		download_pkg "$pkg" "$2" || return 1
		mkdir -p "$dir"
		dpkg -x "$(deb_file "$pkg" "$2")" "$dir"
		touch "$dir/.done"
	fi
	echo "$dir"
}
# kernel key arch -> sets KDIR, KREL
KDIR=; KREL=
get_kernel() {
	local key=$1 arch=${2:-amd64} pkg dir cfg
	for pkg in "${KPKG[$arch:$key]:-}" "${KPKG_FALLBACK[$arch:$key]:-}"; do
		[ -n "$pkg" ] || continue
		dir=$(fetch_pkg "$pkg" "$arch") || continue
		cfg=$(ls "$dir"/boot/config-* | head -1)
		if config_ok "$cfg" "$arch"; then
			KDIR=$dir; KREL=${cfg##*/config-}
			return 0
		fi
		log "$pkg lacks a required option, trying the fallback flavour"
	done
	die "no usable kernel for $arch:$key"
}

# The kernel image QEMU and kexec load: vmlinuz, or ppc64el's ELF vmlinux
kernel_image() { ls "$KDIR"/boot/vmlinuz-"$KREL" "$KDIR"/boot/vmlinux-"$KREL" 2>/dev/null | head -1; }

# user_root arch -> sets UROOT: USER_PKGS[arch] unpacked into one tree
# ($CACHE/userland/ARCH, rebuilt when the list changes)
UROOT=
user_root() {
	local arch=$1 p tag
	UROOT=$CACHE/userland/$arch
	tag=$(echo "${USER_PKGS[$arch]}" | sha256sum | cut -c1-12)
	[ "$(cat "$UROOT/.done" 2>/dev/null)" = "$tag" ] && return 0
	rm -rf "$UROOT"; mkdir -p "$UROOT"
	for p in ${USER_PKGS[$arch]}; do
		download_pkg "$p" "$arch" || die "cannot download $p:$arch"
		dpkg -x "$(deb_file "$p" "$arch")" "$UROOT"
	done
	echo "$tag" > "$UROOT/.done"
}

# copy_needed ROOT BIN: copy the shared libraries BIN NEEDs (readelf -d, so
# it works for a foreign BIN), transitively, and its program interpreter,
# from UROOT into ROOT at the same paths
copy_needed() {
	local root=$1 bin=$2 lib f d found
	f=$(readelf -lW "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -n "$f" ] && [ ! -e "$root$f" ]; then
		local src=$UROOT$f
		# an absolute link inside the packages (ppc64el's /lib64/ld64.so.2
		# -> /lib/powerpc64le-linux-gnu/ld64.so.2) points into UROOT
		[ -L "$src" ] && case $(readlink "$src") in /*) src=$UROOT$(readlink "$src") ;; esac
		[ -e "$src" ] || die "interpreter $f of $bin not in the $ARCH packages"
		mkdir -p "$root$(dirname "$f")"; cp -L "$src" "$root$f"
	fi
	for lib in $(readelf -dW "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=
		for d in lib usr/lib $(cd "$UROOT" && ls -d lib/*-linux-gnu* usr/lib/*-linux-gnu* 2>/dev/null); do
			if [ -e "$UROOT/$d/$lib" ]; then found=$d/$lib; break; fi
		done
		[ -n "$found" ] || die "$lib (NEEDED by ${bin#$UROOT}) is in none of USER_PKGS[$ARCH]"
		[ -e "$root/$found" ] && continue
		mkdir -p "$root/$(dirname "$found")"
		cp -L "$UROOT/$found" "$root/$found"
		copy_needed "$root" "$UROOT/$found"
	done
}

# --------------------------------------------------------------- initramfs --
# Builds $CACHE/initramfs/$KREL-$KEY/{kdump-initrd.gz,first-initrd.gz} for
# $ARCH; KEY hashes what goes in (init.sh, this function, the kexec binary,
# a foreign architecture's package list), so worktrees sharing the cache
# never use each other's initramfs.
KEXEC_BIN=${BENCH_KEXEC:-$(command -v kexec || echo /sbin/kexec)}
INITRD=
ARCH=amd64
build_initramfs() {
	local key out root f busybox kexec_bin=$KEXEC_BIN
	if [ "$ARCH" != amd64 ]; then
		user_root "$ARCH"
		busybox=$UROOT/bin/busybox kexec_bin=$UROOT/sbin/kexec
	fi
	key=$( { cat "$HERE/init.sh" "$kexec_bin"; declare -f build_initramfs copy_needed; echo "${USER_PKGS[$ARCH]:-}"; } | sha256sum | cut -c1-12)
	out=$CACHE/initramfs/$KREL-$key
	INITRD=$out
	if [ -f "$out/first-initrd.gz" ]; then
		return 0
	fi
	log "building initramfs for $KREL"
	rm -rf "$out"; mkdir -p "$out"
	root=$out/root
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,boot,lib/bench-mods,usr/bin,usr/sbin}
	install -m 0755 "$HERE/init.sh" "$root/init"
	if [ "$ARCH" = amd64 ]; then
		cp /bin/busybox "$root/bin/busybox"
		cp "$kexec_bin" "$root/sbin/kexec"
		for f in $(ldd "$kexec_bin" | grep -o '/[^ ]*'); do
			mkdir -p "$root/$(dirname "$f")"
			cp -L "$f" "$root/$f"
		done
	else
		# the foreign busybox-static cannot run here: its applet list is
		# the host's busybox-static (the same Debian source and config)
		cp "$busybox" "$root/bin/busybox"
		cp "$kexec_bin" "$root/sbin/kexec"
		copy_needed "$root" "$kexec_bin"
	fi
	for f in $(/bin/busybox --list); do
		[ -e "$root/bin/$f" ] || ln -s busybox "$root/bin/$f"
	done
	# modules: virtio_pci + virtio_blk and their dependencies (if modular)
	local moddir; moddir=$(ls -d "$KDIR"/lib/modules/* | head -1)
	declare -A seen=()
	local order=()
	addmod() {
		local name=$1 file dep
		[ -n "${seen[$name]:-}" ] && return 0
		seen[$name]=1
		file=$(find "$moddir/kernel" -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" -o -name "$name.ko.gz" | head -1)
		[ -n "$file" ] || { file=$(find "$moddir/kernel" -name "${name//_/-}.ko*" | head -1); }
		[ -n "$file" ] || return 0   # built in
		for dep in $(modinfo -F depends "$file" | tr ',' ' '); do addmod "$dep"; done
		case $file in
			*.xz) xz -dc "$file" > "$root/lib/bench-mods/$name.ko";;
			*.zst) zstd -qdc "$file" > "$root/lib/bench-mods/$name.ko";;
			*.gz) gzip -dc "$file" > "$root/lib/bench-mods/$name.ko";;
			*) cp "$file" "$root/lib/bench-mods/$name.ko";;
		esac
		order+=("$name.ko")
	}
	addmod virtio_pci
	addmod virtio_blk
	printf '%s\n' "${order[@]}" > "$root/lib/bench-mods/order"
	# the no-kdump panic scenarios also load pvpanic-pci (QEMU pauses on
	# the panic notifier) and qemu_fw_cfg (writes VMCOREINFO to
	# -device vmcoreinfo); /init loads these only with bench.panic=1
	order=()
	addmod pvpanic_pci
	addmod qemu_fw_cfg
	printf '%s\n' "${order[@]}" > "$root/lib/bench-mods/order-panic"
	log "modules in initramfs: ${order[*]:-none}"
	[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	(cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --quiet | gzip -9) > "$out/kdump-initrd.gz"
	# the first kernel also carries the kdump kernel + its initrd in /boot
	local broot=$out/bootroot
	mkdir -p "$broot/boot"
	cp "$(kernel_image)" "$broot/boot/vmlinuz"	# ppc64el: an ELF vmlinux
	cp "$out/kdump-initrd.gz" "$broot/boot/kdump-initrd.gz"
	(cd "$broot" && find . | sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out/boot.cpio.gz"
	cat "$out/kdump-initrd.gz" "$out/boot.cpio.gz" > "$out/first-initrd.gz.tmp"
	mv "$out/first-initrd.gz.tmp" "$out/first-initrd.gz"
	rm -rf "$root" "$broot" "$out/boot.cpio.gz"
}

# ------------------------------------------------------------------- accel --
ACCEL=
probe_accel() {
	local want=${BENCH_ACCEL:-auto}
	if [ "$want" = tcg ]; then ACCEL=tcg; return; fi
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		local d=$CACHE/probe; mkdir -p "$d"; rm -f "$d/console.log"
		get_kernel 612; build_initramfs
		( timeout -k 5 45 qemu-system-x86_64 -machine pc -accel kvm -cpu host -m 512M -smp 1 \
			-kernel "$KDIR/boot/vmlinuz-$KREL" -initrd "$INITRD/kdump-initrd.gz" \
			-append "console=ttyS0 panic=-1 bench.probe=1" -display none -vga none \
			-serial "file:$d/console.log" -monitor none -no-reboot > "$d/qemu.log" 2>&1 || true ) 2>/dev/null || true
		if grep -q 'BENCH: stage=probe-ok' "$d/console.log" 2>/dev/null; then
			ACCEL=kvm
			log "KVM probe boot succeeded: using KVM"
			return
		fi
		log "KVM probe boot failed: $(tail -n 2 "$d/qemu.log" | tr '\n' ' ') last console line: $(tail -c 300 "$d/console.log" 2>/dev/null | tail -1 | tr -d '\r')"
	else
		log "/dev/kvm not usable"
	fi
	[ "$want" = kvm ] && die "BENCH_ACCEL=kvm but KVM does not work"
	ACCEL=tcg
	log "using TCG"
}

# ------------------------------------------------------- panic (no kdump) --
# The guest has no kdump kernel: it panics (sysrq-c), the panic notifier of
# pvpanic-pci tells QEMU, which pauses (-action panic=pause, QEMU >= 6.0);
# bench.py panic then takes over QMP: `info registers -a` (HMP), QEMU's own
# dump-guest-memory (timed) and quit. The RAM file is the guest's memory at
# the panic. opts: panic (-device vmcoreinfo) | panic-novmci (without) |
# panic-q35 (q35, RAM above 4 GiB, -device vmcoreinfo).
PANIC_CAPS=${BENCH_PANIC_CAPTURES:-$HERE/panic-captures}
FOREIGN_CAPS=${BENCH_FOREIGN_CAPTURES:-$HERE/foreign-captures}
run_panic_scenario() { # name kernel method cpus ram opts
	local name=$1 kkey=$2 cpus=$4 ram=$5 opts=$6
	local W=$CACHE/$name OUT=$PANIC_CAPS/$name t0 t1 rc=0 tmo machine=pc vmci=1
	get_kernel "$kkey"; build_initramfs
	rm -rf "$W"; mkdir -p "$W"
	truncate -s 64M "$W/capture.img"
	case $opts in
	panic-novmci) vmci=0 ;;
	panic-q35) machine=q35 ;;
	esac
	local accel_opt=tcg cpu_opt="max,la57=off"
	[ "$ACCEL" = kvm ] && { accel_opt=kvm; cpu_opt=host; }
	[ "$ACCEL" = tcg ] && [ "$cpus" -gt 1 ] && accel_opt="tcg,thread=multi"
	# The deadline covers the boot, the panic and QEMU's dump-guest-memory,
	# which writes every page: under TCG on a loaded host 1 GiB took up to
	# 154 s and 2.75 GiB 526 s (README.md), and the 300 s of a KVM boot made
	# 612-panic-novmci time out before the dump.
	if [ "$ACCEL" = kvm ]; then tmo=${BENCH_TIMEOUT:-300}; else tmo=${BENCH_TIMEOUT:-$((600 + ram / 2))}; fi
	local qemu=(qemu-system-x86_64 -machine "$machine,memory-backend=ram0" -accel "$accel_opt" -cpu "$cpu_opt"
		-m "${ram}M" -smp "$cpus"
		-object "memory-backend-file,id=ram0,size=${ram}M,mem-path=$W/physmem.bin,share=on"
		-kernel "$KDIR/boot/vmlinuz-$KREL" -initrd "$INITRD/kdump-initrd.gz"
		-append "console=ttyS0 panic=0 no_timer_check bench.panic=1"
		-display none -vga none -monitor none -serial "file:$W/console.log" -no-reboot
		-drive "file=$W/capture.img,format=raw,if=virtio"
		-device pvpanic-pci -action panic=pause
		-qmp "unix:$W/qmp.sock,server=on,wait=off")
	[ $vmci = 1 ] && qemu+=(-device vmcoreinfo)
	# shellcheck disable=SC2206
	[ -n "${BENCH_QEMU_EXTRA:-}" ] && qemu+=($BENCH_QEMU_EXTRA)
	printf '%q ' "${qemu[@]}" > "$W/qemu-cmd.txt"
	log "$name: booting $KREL ($ACCEL, $machine, $cpus CPU, ${ram} MiB, no kdump, pvpanic)"
	t0=$(date +%s.%N)
	local qpid drc=0
	timeout -k 10 "$tmo" "${qemu[@]}" > "$W/qemu.log" 2>&1 &
	qpid=$!
	"$PY" "$HERE/bench.py" panic-drive --work "$W" --timeout "$tmo" --qemu-pid "$qpid" || drc=$?
	wait "$qpid" || rc=$?
	t1=$(date +%s.%N)
	if [ $drc != 0 ] || [ $rc != 0 ]; then
		log "$name: panic driver $drc, qemu $rc; see $W/console.log $W/qemu.log"
		grep -a 'BENCH:' "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2 || true
		tail -n 15 "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2
		return 1
	fi
	"$PY" "$HERE/bench.py" panic-post --name "$name" --work "$W" --out "$OUT" \
		--kernel-dir "$KDIR" --krel "$KREL" --accel "$ACCEL" --cpus "$cpus" --ram-mib "$ram" \
		--machine "$machine" --vmcoreinfo-device $vmci \
		--wall "$("$PY" -c "print(round($t1-$t0,1))")"
}

# --------------------------------------------------------------- scenario --
run_scenario() { # name kernel method cpus ram opts [arch]
	ARCH=${7:-amd64}
	case $6 in panic*) [ "$ARCH" = amd64 ] || die "$1: no panic scenarios for $ARCH"
		run_panic_scenario "$@"; return;; esac
	local name=$1 kkey=$2 method=$3 cpus=$4 ram=$5 opts=$6
	local W=$CACHE/$name OUT=$CAPS/$name t0 t1 rc=0 tmo
	[ "$ARCH" = amd64 ] || OUT=$FOREIGN_CAPS/$name
	get_kernel "$kkey" "$ARCH"; build_initramfs
	rm -rf "$W"; mkdir -p "$W"
	truncate -s 64M "$W/capture.img" "$W/kdump.img"
	local ck=256M
	# crashkernel=SIZE@BASE: where the crash region goes (ppc64el-61-load-2cpu)
	case $opts in crashkernel=*) ck=${opts#crashkernel=} ;; esac
	local append="console=${CONSOLE[$ARCH]} crashkernel=$ck panic=-1 bench.method=$method"
	local mem="-m ${ram}M" smp="-smp $cpus" plugged=0
	local event=0
	local remove=0
	case $opts in
	hotplug-event) event=1 ;;
	hotplug-remove) event=1 remove=1 ;;
	hotplug-readd) event=1 remove=2 ;;
	esac
	if [ "$opts" = hotplug ] || [ $event = 1 ]; then
		[ "$ARCH" = amd64 ] || die "$name: no hotplug scenarios for $ARCH"
		mem="-m ${ram}M,slots=4,maxmem=4G"
		smp="-smp $cpus,maxcpus=4"
		append+=" bench.kdump_extra=acpi_no_memhotplug"
	fi
	if [ $event = 1 ]; then
		append+=" bench.hotplug_mib=$DIMM_MIB"
		# Removable: the DIMM's blocks go to ZONE_MOVABLE, so offline works.
		[ $remove != 0 ] &&
			append+=" bench.hotplug_remove=$remove memhp_default_state=online_movable"
		plugged=$DIMM_MIB
		if [ "$method" = load ]; then
			"$KEXEC_BIN" --help 2>&1 | grep -- --hotplug >/dev/null ||
				die "$name: $KEXEC_BIN has no --hotplug (kexec-tools >= 2.0.28 needed; set BENCH_KEXEC)"
			append+=" bench.kexec_extra=--hotplug"
		fi
	fi
	truncate -s $(( (ram + plugged + 256) * 1024 * 1024 )) "$W/vmcore.img"
	local accel_opt cpu_opt
	# KVM only for the host's architecture
	if [ "$ACCEL" = kvm ] && [ "$ARCH" = amd64 ]; then accel_opt="kvm"; cpu_opt="host"; tmo=${BENCH_TIMEOUT:-300}
	else accel_opt="tcg"; [ "$cpus" -gt 1 ] && accel_opt="tcg,thread=multi"; cpu_opt=${QEMU_CPU_TCG[$ARCH]}; tmo=${BENCH_TIMEOUT:-600}; fi
	local qemu=("${QEMU_BIN[$ARCH]}" -machine "${QEMU_MACHINE[$ARCH]},memory-backend=ram0" -accel "$accel_opt" -cpu "$cpu_opt"
		$mem $smp
		-object "memory-backend-file,id=ram0,size=${ram}M,mem-path=$W/physmem.bin,share=on"
		-kernel "$(kernel_image)" -initrd "$INITRD/first-initrd.gz"
		-append "$append"
		-display none -vga none -monitor none -serial "file:$W/console.log" -no-reboot
		-drive "file=$W/capture.img,format=raw,if=virtio"
		-drive "file=$W/vmcore.img,format=raw,if=virtio"
		-drive "file=$W/kdump.img,format=raw,if=virtio")
	[ $event = 1 ] && qemu+=(-qmp "unix:$W/qmp.sock,server=on,wait=off")
	# shellcheck disable=SC2206
	[ -n "${BENCH_QEMU_EXTRA:-}" ] && qemu+=($BENCH_QEMU_EXTRA)
	printf '%q ' "${qemu[@]}" > "$W/qemu-cmd.txt"
	log "$name: booting $KREL ($ARCH, ${accel_opt%%,*}, $cpus CPU, ${ram} MiB, kexec $method)"
	t0=$(date +%s.%N)
	if [ $event = 1 ]; then
		# QEMU in the background, bench.py drives the hotplug through QMP
		local qpid drc=0
		timeout -k 10 "$tmo" "${qemu[@]}" > "$W/qemu.log" 2>&1 &
		qpid=$!
		"$PY" "$HERE/bench.py" drive --work "$W" --dimm-mib "$DIMM_MIB" --timeout "$tmo" \
			--cpu-hotadd "${BENCH_CPU_HOTADD:-0}" --qemu-pid "$qpid" \
			--remove "$remove" || drc=$?
		wait "$qpid" || rc=$?
		if [ $drc != 0 ]; then
			log "$name: hotplug driver failed ($drc); see $W/hotplug-host.json, $W/console.log"
			return 1
		fi
	else
		timeout -k 10 "$tmo" "${qemu[@]}" > "$W/qemu.log" 2>&1 || rc=$?
	fi
	t1=$(date +%s.%N)
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		log "$name: TIMEOUT after ${tmo}s; stage markers seen:"
		grep -a 'BENCH:' "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2 || true
		log "$name: last console lines ($W/console.log):"
		tail -n 15 "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2
		return 1
	elif [ $rc != 0 ]; then
		log "$name: qemu exited $rc: $(tail -3 "$W/qemu.log")"
		tail -n 15 "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2
		return 1
	fi
	if ! grep -aq 'BENCH: stage=kdump-done' "$W/console.log"; then
		log "$name: kdump stage did not finish; stage markers seen:"
		grep -a 'BENCH:' "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2 || true
		tail -n 15 "$W/console.log" | tr -d '\r' | sed 's/^/    /' >&2
		return 1
	fi
	"$PY" "$HERE/bench.py" post --name "$name" --work "$W" --out "$OUT" \
		--kernel-dir "$KDIR" --krel "$KREL" --accel "$ACCEL" --cpus "$cpus" --ram-mib "$ram" \
		--method "$method" --opts "$opts" --wall "$("$PY" -c "print(round($t1-$t0,1))")" \
		--arch "$ARCH" --machine "${QEMU_MACHINE[$ARCH]}" --ram-base "${RAM_BASE[$ARCH]}"
}

main() {
	local want=() s fields failed=0 todo=() foreign=0 archs=" "
	[ "${1:-}" = --foreign ] && { foreign=1; shift; }
	want=("$@")
	mkdir -p "$CACHE" "$CAPS" "$PANIC_CAPS"
	ensure_pkgs
	if [ $foreign = 0 ]; then
		for s in "${SCENARIOS[@]}"; do
			read -r -a fields <<< "$s"
			if [ ${#want[@]} = 0 ] || [[ " ${want[*]} " == *" ${fields[0]} "* ]]; then todo+=("$s"); fi
		done
		for s in "${MANUAL_SCENARIOS[@]}"; do
			read -r -a fields <<< "$s"
			if [[ " ${want[*]} " == *" ${fields[0]} "* ]]; then todo+=("$s"); fi
		done
	fi
	# foreign scenarios: all with --foreign alone, else those named
	for s in "${FOREIGN_SCENARIOS[@]}"; do
		read -r -a fields <<< "$s"
		if { [ $foreign = 1 ] && [ ${#want[@]} = 0 ]; } || [[ " ${want[*]} " == *" ${fields[0]} "* ]]; then
			todo+=("$s"); archs+="${fields[6]} "
		fi
	done
	for s in "${MANUAL_FOREIGN_SCENARIOS[@]}"; do
		read -r -a fields <<< "$s"
		if [[ " ${want[*]} " == *" ${fields[0]} "* ]]; then todo+=("$s"); archs+="${fields[6]} "; fi
	done
	[ ${#todo[@]} -gt 0 ] || die "no such scenario: ${want[*]} (known: $(printf '%s\n' "${SCENARIOS[@]}" "${FOREIGN_SCENARIOS[@]}" | awk '{print $1}' | tr '\n' ' '))"
	[ "$archs" = " " ] || { ensure_foreign_pkgs $archs; mkdir -p "$FOREIGN_CAPS"; }
	# KVM is for the host's architecture only: no probe without an amd64 scenario
	if [ "$(printf '%s\n' "${todo[@]}" | awk 'NF < 7 || $7 == "amd64"' | wc -l)" = 0 ]; then
		ACCEL=tcg
	else
		probe_accel
	fi
	# Build every needed kernel/initramfs up front (safe for parallel runs).
	for s in "${todo[@]}"; do
		read -r -a fields <<< "$s"; ARCH=${fields[6]:-amd64}
		get_kernel "${fields[1]}" "$ARCH"; build_initramfs
	done
	ARCH=amd64
	local T0=$SECONDS jobs=${BENCH_JOBS:-1} pids=() names=()
	for s in "${todo[@]}"; do
		read -r -a fields <<< "$s"
		( run_scenario "${fields[@]}" > "$CACHE/${fields[0]}.summary" ) &
		pids+=($!); names+=("${fields[0]}")
		if [ ${#pids[@]} -ge "$jobs" ]; then
			wait "${pids[0]}" || { failed=$((failed+1)); echo "${names[0]} FAILED (see $CACHE/${names[0]}/console.log)" > "$CACHE/${names[0]}.summary"; }
			cat "$CACHE/${names[0]}.summary"
			pids=("${pids[@]:1}"); names=("${names[@]:1}")
		fi
	done
	local i
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { failed=$((failed+1)); echo "${names[$i]} FAILED (see $CACHE/${names[$i]}/console.log)" > "$CACHE/${names[$i]}.summary"; }
		cat "$CACHE/${names[$i]}.summary"
	done
	log "total wall time $((SECONDS - T0)) s, $failed failed"
	[ $failed = 0 ]
}

main "$@"
