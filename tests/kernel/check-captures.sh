#!/bin/sh
# Fast soundness check of the committed real-kernel captures (no QEMU).
# Run by `make check`.  See tests/kernel/README.md.
exec /usr/bin/python3 "$(dirname "$0")/capture_check.py" "$@"
