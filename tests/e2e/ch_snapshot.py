#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Synthesize a cloud-hypervisor snapshot directory from a guest's RAM.

  ch_snapshot.py DIR IMAGE GPA:LEN:OFF... [--link]

DIR gets state.json and memory-ranges as cloud-hypervisor writes them
(vm-migration/src/lib.rs Snapshot/SnapshotData, vmm/src/memory_manager.rs
MemoryManagerSnapshotData and Transportable::send; docs/formats.md 18.4):
the memory manager's state is JSON inside the "state" string, its
memory_ranges.data lists {gpa, length} in table order, and memory-ranges
holds the ranges back to back in that order.  Each GPA:LEN:OFF takes LEN
bytes of IMAGE at OFF for guest range [GPA, GPA+LEN).  --link: the ranges
are IMAGE itself in order (memory-ranges becomes a symlink, no copy);
otherwise the bytes are copied keeping IMAGE's holes (SEEK_DATA).
"""
import json
import os
import sys


def num(s):
    return int(s, 0)


def copy_sparse(src, dst, off, length, at):
    """LEN bytes of src at off to dst at at, holes kept."""
    end = off + length
    pos = off
    while pos < end:
        try:
            data = os.lseek(src, pos, os.SEEK_DATA)
        except OSError:
            break
        if data >= end:
            break
        hole = min(os.lseek(src, data, os.SEEK_HOLE), end)
        n = hole - data
        o_src, o_dst = data, at + (data - off)
        while n:
            k = os.copy_file_range(src, dst, n, o_src, o_dst)
            if k <= 0:
                raise SystemExit("copy_file_range returned %d" % k)
            n -= k
            o_src += k
            o_dst += k
        pos = hole


def main():
    args = [a for a in sys.argv[1:] if a != "--link"]
    link = "--link" in sys.argv
    d, image, specs = args[0], args[1], args[2:]
    ranges = []
    for s in specs:
        gpa, length, off = (num(x) for x in s.split(":"))
        ranges.append((gpa, length, off))
    os.makedirs(d, exist_ok=True)
    mm = {
        "memory_ranges": {"data": [{"gpa": g, "length": l} for g, l, _ in ranges]},
        "guest_ram_mappings": [{"slot": i, "gpa": g, "size": l, "zone_id": "mem0",
                                "virtio_mem": False, "file_offset": 0}
                               for i, (g, l, _) in enumerate(sorted(ranges))],
        "start_of_device_area": 0x100000000 + sum(l for _, l, _ in ranges),
        "boot_ram": sum(l for _, l, _ in ranges),
        "current_ram": sum(l for _, l, _ in ranges),
        "arch_mem_regions": [{"base": g, "size": l, "r_type": "Ram"}
                             for g, l, _ in sorted(ranges)],
        "hotplug_slots": [],
        "next_memory_slot": len(ranges),
        "selected_slot": 0,
        "next_hotplug_slot": 0,
    }
    leaf = lambda state: {"snapshots": {}, "snapshot_data": {"state": json.dumps(state, separators=(",", ":"))}}
    tree = {
        "snapshots": {
            "cpu-manager": {"snapshots": {"0": leaf({"Kvm": {"regs": [0] * 144}})},
                            "snapshot_data": None},
            "memory-manager": leaf(mm),
            "device-manager": {"snapshots": {}, "snapshot_data": None},
        },
        "snapshot_data": {"state": json.dumps({"clock": None, "common_cpuid": []})},
    }
    with open(os.path.join(d, "state.json"), "w") as f:
        json.dump(tree, f, separators=(",", ":"))
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"cpus":{"boot_vcpus":1},"memory":{"size":%d}}' % mm["boot_ram"])
    mr = os.path.join(d, "memory-ranges")
    if os.path.lexists(mr):
        os.unlink(mr)
    if link:
        os.symlink(os.path.abspath(image), mr)
        return
    total = sum(l for _, l, _ in ranges)
    src = os.open(image, os.O_RDONLY)
    dst = os.open(mr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.ftruncate(dst, total)     # as send() sizes it first
    at = 0
    for _, length, off in ranges:
        copy_sparse(src, dst, off, length, at)
        at += length
    os.close(src)
    os.close(dst)


if __name__ == "__main__":
    main()
