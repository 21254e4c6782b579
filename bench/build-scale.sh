#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build and run bench/build_scale.c against the static library.
#
#   bench/build-scale.sh [MAX_N [M]]     (defaults 1000000 and 10000)
#
# Run from the repository root after `ninja -C build` (BUILD=dir to use
# another build directory).  Results are recorded in docs/performance.md.
set -euo pipefail

BUILD=${BUILD:-build}
CC=${CC:-cc}
if [[ ! -f $BUILD/libvmcorekit.a ]]; then
	echo "build-scale: $BUILD/libvmcorekit.a missing (ninja -C $BUILD)" >&2
	exit 2
fi
$CC -std=c11 -O2 -Wall -Wextra -I include bench/build_scale.c \
	"$BUILD/libvmcorekit.a" -lm -o "$BUILD/bench-build-scale"
echo "# $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $($CC --version | head -1)"
"$BUILD/bench-build-scale" "$@"
