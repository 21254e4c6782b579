#!/usr/bin/env bash
# Install the Debian packages vmcorekit needs (idempotent: nothing is
# installed, and apt is not touched, when everything is present).
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --kernel   also the real-kernel bench's (QEMU...,
#                                      and crash(8) for the 6.1 capture)
#   scripts/install-deps.sh --bench    also make bench's (libkdumpfile...)
#   scripts/install-deps.sh --wait-lock  only wait for the dpkg/apt locks
#
# A fresh machine often has apt running (unattended-upgrades, cloud-init):
# instead of failing at once on "Could not get lock", we wait for the lock
# files to be free (DEPS_LOCK_WAIT seconds, default 900), and apt-get
# itself waits for dpkg's lock (-o DPkg::Lock::Timeout).
set -euo pipefail

LOCK_WAIT=${DEPS_LOCK_WAIT:-900}
# The locks apt and dpkg take (fcntl locks, listed in /proc/locks by inode);
# DEPS_LOCK_FILES replaces the list (tests/e2e/run-install-deps.sh).
read -ra LOCKS <<<"${DEPS_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"

# The PID holding a lock on FILE, or nothing: /proc/locks lines read
# "1: POSIX  ADVISORY  WRITE 1234 08:01:131090 0 EOF" (pid, dev:inode).
lock_holder() {
	local ino
	ino=$(stat -c %i "$1" 2>/dev/null) || return 0
	awk -v ino="$ino" '{ n = split($6, f, ":"); if (f[n] == ino) { print $5; exit } }' /proc/locks
}

wait_for_locks() {
	local waited=0 said= pid f
	while :; do
		pid=
		for f in "${LOCKS[@]}"; do
			pid=$(lock_holder "$f")
			[ -n "$pid" ] && break
		done
		[ -z "$pid" ] && return 0
		if [ "$waited" -ge "$LOCK_WAIT" ]; then
			echo "install-deps: $f is still locked by PID $pid after ${LOCK_WAIT}s: giving up" >&2
			return 1
		fi
		if [ -z "$said" ]; then
			echo "install-deps: waiting for $f (locked by PID $pid: $(tr '\0\n' '  ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-60))" >&2
			said=1
		fi
		sleep 1
		waited=$((waited + 1))
	done
}

if [ "${1:-}" = "--wait-lock" ]; then
	wait_for_locks
	exit
fi

pkgs=(build-essential meson ninja-build pkg-config python3 binutils elfutils
      clang makedumpfile)
# make fuzz: clang 14 with its sanitizer and libFuzzer runtimes.
pkgs+=(clang-14 libclang-rt-14-dev)
# SHA-256 of the kexec purgatory digest (src/hotplug/kexec_digest.c);
# json-c for vmcorekit guest's JSON vCPU state (src/guest/vcpu_json.c).
pkgs+=(nettle-dev libjson-c-dev)
# Page decompression of makedumpfile's kdump-compressed files (src/diskdump/).
pkgs+=(zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev)
# The e2e consumers: drgn reads every assembled vmcore (Debian's
# /usr/bin/python3 only; tests/e2e/run-assemble.sh).
pkgs+=(python3-drgn)
# vmcorekit mount: libfuse 3 (linked into the CLI only) and fusermount3.
pkgs+=(libfuse3-dev fuse3)
if [ "${1:-}" = "--bench" ]; then
	pkgs+=(python3-libkdumpfile hyperfine time bc)
	# bench/assemble.sh: the XFS loop image with reflink
	pkgs+=(xfsprogs)
fi
if [ "${1:-}" = "--kernel" ]; then
	pkgs+=(qemu-system-x86 qemu-utils kexec-tools busybox-static cpio zstd crash)
fi
# make check-kernel-foreign: the foreign architectures' QEMU (their kernels,
# busybox-static and kexec-tools come as .debs: apt-get download PKG:ARCH
# needs `dpkg --add-architecture ARCH`, which tests/kernel/run.sh checks).
if [ "${1:-}" = "--kernel-foreign" ]; then
	# qemu-system-ppc has qemu-system-ppc64 and, in qemu-system-data, SLOF
	pkgs+=(qemu-system-arm qemu-system-ppc qemu-utils busybox-static cpio zstd)
	# Debian's makedumpfile:arm64 run by tests/e2e/run-foreign-captures.sh
	pkgs+=(qemu-user-static)
fi

# The foreign architectures' packages are downloaded as PKG:ARCH, which
# needs dpkg to know the architecture and apt its index.  One architecture
# at a time: a mirror still syncing one index fails `apt-get update` for
# all, and the other may still be usable.  Exit 3 when an index the bench
# needs is still missing (.ci/run then skips the foreign bench and says so).
if [ "${1:-}" = "--kernel-foreign" ]; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	for a in arm64 ppc64el; do
		dpkg --print-foreign-architectures | grep -x "$a" >/dev/null && continue
		echo "install-deps: dpkg --add-architecture $a" >&2
		wait_for_locks
		$SUDO dpkg --add-architecture "$a"
		for try in 1 2 3; do
			wait_for_locks
			$SUDO apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" update -qq && break
			echo "install-deps: apt-get update failed (try $try; a mirror syncing?)" >&2
			sleep 20
		done
	done
	for p in busybox-static:arm64 kexec-tools:arm64 busybox-static:ppc64el \
		 kexec-tools:ppc64el; do
		apt-cache show "$p" >/dev/null 2>&1 || {
			echo "install-deps: no index for $p (apt-get update failed?)" >&2
			exit 3
		}
	done
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
wait_for_locks
$SUDO apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" update -qq
wait_for_locks
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" \
	install -y -qq --no-install-recommends "${missing[@]}"
