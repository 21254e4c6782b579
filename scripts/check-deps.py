#!/usr/bin/env python3
"""Which src/ folder calls which: the folder graph must follow the table below
(docs/architecture.md, "File map") and stay acyclic.

  scripts/check-deps.py BUILD_DIR

Reads the static library's objects with nm: an object in folder A that needs a
symbol defined by an object in folder B is an edge A -> B.  A folder missing
from the table, or an edge the table does not allow, fails the check.
"""
import collections, os, subprocess, sys, tempfile

# folder: the folders it may call.  Keep in step with docs/architecture.md.
ALLOWED = {
    'base': [],
    'elf': ['base'],
    'system': ['base', 'elf'],
    'loader': ['base', 'elf', 'system'],
    'diskdump': ['base', 'elf'],
    'inspect': ['base', 'elf', 'diskdump'],
    'devdump': ['base', 'elf', 'diskdump'],
    'vmcore': ['base', 'elf', 'devdump'],
    'hotplug': ['base', 'elf', 'system', 'loader', 'inspect', 'vmcore'],
    'guest': ['base', 'elf', 'vmcore', 'diskdump'],
    'arch/s390': ['base', 'elf', 'vmcore'],
    'arch/powerpc': ['base', 'elf', 'system', 'vmcore'],
    'io': ['*'],
}


def folder_of(obj):
    # meson names objects after their path: src_arch_s390_save_area.c.o
    name = obj[len('src_'):] if obj.startswith('src_') else obj
    for f in sorted(ALLOWED, key=len, reverse=True):
        if name.startswith(f.replace('/', '_') + '_'):
            return f
    parts = name.split('_')
    return parts[0] if parts[0] != 'arch' else '/'.join(parts[:2])


def main():
    lib = os.path.join(sys.argv[1] if len(sys.argv) > 1 else 'build',
                       'libvmcorekit.a')
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(['ar', 'x', os.path.abspath(lib)], cwd=tmp, check=True)
        defined, needs = {}, collections.defaultdict(set)
        for obj in sorted(os.listdir(tmp)):
            f = folder_of(obj)
            out = subprocess.run(['nm', os.path.join(tmp, obj)], check=True,
                                 capture_output=True, text=True).stdout
            for line in out.splitlines():
                p = line.split()
                if len(p) == 3 and p[1] in 'TDRB':
                    defined[p[2]] = f
                elif len(p) == 2 and p[0] == 'U':
                    needs[f].add(p[1])
    edges = collections.defaultdict(lambda: collections.defaultdict(set))
    for f, syms in needs.items():
        for s in syms:
            g = defined.get(s)
            if g and g != f:
                edges[f][g].add(s)
    bad = 0
    for f in sorted(set(needs) | set(defined.values())):
        if f not in ALLOWED:
            print(f'check-deps: src/{f}/ is not in the table of '
                  f'scripts/check-deps.py (and docs/architecture.md)')
            bad += 1
            continue
        for g, syms in sorted(edges[f].items()):
            if '*' not in ALLOWED[f] and g not in ALLOWED[f]:
                print(f'check-deps: src/{f}/ calls src/{g}/ '
                      f'({", ".join(sorted(syms)[:4])}), which the table '
                      f'does not allow')
                bad += 1
    # The table itself must be acyclic (io, the edge, excepted).
    state = {}

    def visit(f, path):
        if state.get(f) == 1:
            raise SystemExit(f'check-deps: cycle {" -> ".join(path + [f])}')
        if state.get(f) == 2:
            return
        state[f] = 1
        for g in ALLOWED.get(f, []):
            if g != '*':
                visit(g, path + [f])
        state[f] = 2
    for f in ALLOWED:
        visit(f, [])
    if bad:
        sys.exit(1)
    print(f'check-deps: {len(ALLOWED)} folders, every call follows the table')


main()
