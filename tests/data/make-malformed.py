#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the malformed-input corpus in tests/data/malformed/.

Every file is tiny (well under 4 KiB) and built from one well-formed
ELF64 little-endian x86_64 core ("vmcore-style": p_offset are file
offsets, the notes live inside the file) with exactly one defect.

    /usr/bin/python3 tests/data/make-malformed.py [OUTDIR]

The output is deterministic; the generated files are committed next to
this script and tests/e2e/run-malformed.sh runs them through
`vmcorekit show`.  good.bin is the well-formed control (it must pass
`vmcorekit show --strict`), so each other file fails for its defect alone.  Expectations are in malformed/README.md and in the
table of run-malformed.sh.  Standard library only.
"""
import os
import struct
import sys

EHDR64 = 64
PHDR64 = 56
ET_CORE, ET_EXEC = 4, 2
EM_X86_64 = 62
PT_LOAD, PT_NOTE = 1, 4
NT_PRSTATUS = 1
NT_VMCOREDD = 0x700
PN_XNUM = 0xFFFF


def ehdr64(phnum, *, ident_class=2, ident_data=1, magic=b"\x7fELF",
           e_type=ET_CORE, phoff=EHDR64, phentsize=PHDR64, shoff=0,
           shnum=0, shentsize=0):
    """Elf64_Ehdr, little-endian (fields packed '<' whatever EI_DATA says)."""
    ident = magic + bytes([ident_class, ident_data, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", e_type, EM_X86_64, 1, 0,
                               phoff, shoff, 0, EHDR64, phentsize, phnum,
                               shentsize, shnum, 0)


def phdr64(p_type, offset, paddr, filesz, memsz=None, vaddr=0, flags=0,
           align=0):
    if memsz is None:
        memsz = filesz
    return struct.pack("<IIQQQQQQ", p_type, flags, offset, vaddr, paddr,
                       filesz, memsz, align)


def note(name, n_type, desc, namesz=None):
    """One ELF note with 4-byte padding; namesz may lie (n_namesz field)."""
    raw_name = name + b"\0"
    hdr = struct.pack("<III", len(raw_name) if namesz is None else namesz,
                      len(desc), n_type)

    def pad(b):
        return b + bytes(-len(b) % 4)
    return hdr + pad(raw_name) + pad(desc)


def vmcore(notes_blob, *, note_offset=None, note_filesz=None, ram=b"\0" * 64,
           **ehdr_kw):
    """ehdr | PT_NOTE | PT_LOAD | notes | ram: a minimal vmcore."""
    phoff = EHDR64
    notes_off = phoff + 2 * PHDR64
    ram_off = notes_off + len(notes_blob)
    ph = phdr64(PT_NOTE,
                notes_off if note_offset is None else note_offset, 0,
                len(notes_blob) if note_filesz is None else note_filesz)
    # p_paddr congruent to p_offset modulo 4096, so that the only lint
    # warning a defective file raises is about its defect.
    paddr = 0x100000 + ram_off
    ph += phdr64(PT_LOAD, ram_off, paddr, len(ram),
                 vaddr=0xFFFF888000000000 + paddr, flags=7)
    return ehdr64(2, **ehdr_kw) + ph + notes_blob + ram


GOOD_NOTES = note(b"CORE", NT_PRSTATUS, bytes(336))


def corpus():
    """name -> bytes.  good.bin is the well-formed control."""
    good = vmcore(GOOD_NOTES)
    # The control: well-formed, `vmcorekit show --strict` must exit 0.
    files = {"good.bin": good}
    # 1. Shorter than an ELF header (a valid ELF64 ident, then EOF).
    files["truncated-ehdr.bin"] = good[:10]
    # 2. e_phnum * 56 runs far past the end of a 120-byte file.
    files["phnum-past-eof.bin"] = ehdr64(1000) + bytes(PHDR64)
    # 3. PT_NOTE whose p_offset + p_filesz wraps past 2^64 to 0x100, which
    #    is inside the file: a naive "offset + filesz <= size" check
    #    passes.  (vmcore-style: p_paddr 0 != p_offset, so it is not
    #    mistaken for an elfcorehdr.)
    files["note-offset-overflow.bin"] = vmcore(
        GOOD_NOTES, note_offset=2**64 - 0x100, note_filesz=0x200)
    # 4. A note claiming n_namesz 0xffffffff inside a valid PT_NOTE.
    files["note-namesz-huge.bin"] = vmcore(
        note(b"CORE", NT_PRSTATUS, bytes(16), namesz=0xFFFFFFFF))
    # 5. EI_CLASS 3 (neither ELFCLASS32 nor ELFCLASS64).
    files["bad-class.bin"] = vmcore(GOOD_NOTES, ident_class=3)
    # 6. EI_DATA 0 (ELFDATANONE).
    files["bad-data.bin"] = vmcore(GOOD_NOTES, ident_data=0)
    # 7. e_type ET_EXEC instead of ET_CORE.
    files["not-core.bin"] = vmcore(GOOD_NOTES, e_type=ET_EXEC)
    # 8. Bad magic.
    files["bad-magic.bin"] = vmcore(GOOD_NOTES, magic=b"\x7fELG")
    # 9. e_phentsize 32 instead of 56.
    files["bad-phentsize.bin"] = vmcore(GOOD_NOTES, phentsize=32)
    # 10. e_phnum PN_XNUM with no section header (e_shoff 0).
    files["xnum-no-shdr.bin"] = ehdr64(PN_XNUM) + bytes(2 * PHDR64)
    # 11. Empty file.
    files["empty.bin"] = b""
    # 12. PT_LOAD whose p_offset + p_filesz wraps past 2^64.
    files["load-offset-overflow.bin"] = load_variant(
        GOOD_NOTES, offset=2**64 - 0x20, filesz=0x40)
    # 13. PT_LOAD whose p_paddr + p_memsz wraps past 2^64.
    files["load-paddr-overflow.bin"] = load_variant(
        GOOD_NOTES, paddr=2**64 - 0x1000, memsz=0x2000)
    # 14. NT_VMCOREDD note too short for its 44-byte dump-name header.
    files["vmcoredd-short.bin"] = vmcore(
        GOOD_NOTES + note(b"LINUX", NT_VMCOREDD, bytes(16)))
    # 15. NT_VMCOREDD note whose 44-byte name has no NUL.
    files["vmcoredd-no-nul.bin"] = vmcore(
        GOOD_NOTES + note(b"LINUX", NT_VMCOREDD, b"A" * 44 + bytes(8)))
    # 16. Two PT_LOADs over the same file bytes (different p_paddr).
    files["load-file-overlap.bin"] = two_loads(GOOD_NOTES)
    # 17. VMCOREINFO says PAGESIZE=16384: checked with --page-size 4096.
    files["pagesize-mismatch.bin"] = vmcore(
        GOOD_NOTES + note(b"VMCOREINFO", 0,
                          b"OSRELEASE=6.12.0\nPAGESIZE=16384\n"))
    # 18. A makedumpfile kdump-compressed file (its signature, then
    #     zeros): not an ELF core; the message says what it is.
    files["kdump-compressed.bin"] = b"KDUMP   " + bytes(1016)
    # 19. A device-dump name with UTF-8, a terminal escape and a byte that
    #     is not UTF-8 (well-formed otherwise: no warning).  Text output
    #     escapes the control and the bad byte; JSON stays valid UTF-8.
    files["name-escapes.bin"] = vmcore(
        GOOD_NOTES + note(b"LINUX", NT_VMCOREDD,
                          (b"\xc3\xbcber\x1b[2J\xff").ljust(44, b"\0") +
                          bytes(8)))
    return files


def load_variant(notes_blob, **kw):
    """vmcore() with fields of its PT_LOAD (index 1) replaced."""
    data = bytearray(vmcore(notes_blob))
    at = EHDR64 + PHDR64
    p_type, flags, off, vaddr, paddr, filesz, memsz, align = \
        struct.unpack_from("<IIQQQQQQ", data, at)
    off = kw.get("offset", off)
    paddr = kw.get("paddr", paddr)
    filesz = kw.get("filesz", filesz)
    memsz = kw.get("memsz", filesz if "filesz" in kw else memsz)
    data[at:at + PHDR64] = phdr64(p_type, off, paddr, filesz, memsz,
                                  vaddr=vaddr, flags=flags, align=align)
    return bytes(data)


def two_loads(notes_blob):
    """ehdr | PT_NOTE | PT_LOAD | PT_LOAD (same file bytes) | notes | ram."""
    phoff = EHDR64
    notes_off = phoff + 3 * PHDR64
    ram_off = notes_off + len(notes_blob)
    ph = phdr64(PT_NOTE, notes_off, 0, len(notes_blob))
    for base in (0x100000, 0x200000):
        paddr = base + ram_off
        ph += phdr64(PT_LOAD, ram_off, paddr, 64,
                     vaddr=0xFFFF888000000000 + paddr, flags=7)
    return ehdr64(3) + ph + notes_blob + bytes(64)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "malformed")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(corpus().items()):
        assert len(data) < 4096, name
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
