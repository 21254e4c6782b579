#!/usr/bin/env bash
# Install the Debian packages vmcorekit needs (idempotent: nothing is
# installed, and apt is not touched, when everything is present).
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --kernel   also the real-kernel bench's (QEMU...,
#                                      and crash(8) for the 6.1 capture)
#   scripts/install-deps.sh --bench    also make bench's (libkdumpfile...)
set -euo pipefail

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

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
