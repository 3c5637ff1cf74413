#!/usr/bin/env python3
"""Marks one version requirement (e.g. GLIBCXX_3.4.32) of an ELF64 shared object as weak.

A weak requirement (VER_FLG_WEAK) that the loaded library does not define is reported by the
dynamic loader as a warning instead of refusing to load. patchelf cannot set this flag, so it is
edited in place here: .gnu.version_r is a chain of Verneed entries, each with a chain of Vernaux.
Usage: weaken_verneed.py FILE VERSION. Exit 0 when the flag is set or was already set.
"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            print(f"{path}: not a little-endian ELF64 file", file=sys.stderr)
            return 1
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        verneed = next((s for s in sections if s[1] == SHT_GNU_VERNEED), None)
        if verneed is None:
            print(f"{path}: no .gnu.version_r section", file=sys.stderr)
            return 1
        strtab = sections[verneed[6]]  # sh_link names the string table
        str_off = strtab[4]

        def name_at(offset: int) -> str:
            end = data.index(0, str_off + offset)
            return data[str_off + offset:end].decode()

        entry = verneed[4]
        while True:
            _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, entry)
            aux_off = entry + aux
            for _ in range(cnt):
                _, flags, other, name, aux_next = struct.unpack_from("<IHHII", data, aux_off)
                if name_at(name) == version:
                    struct.pack_into("<H", data, aux_off + 4, flags | VER_FLG_WEAK)
                    f.seek(0)
                    f.write(data)
                    return 0
                aux_off += aux_next
            if nxt == 0:
                break
            entry += nxt
        print(f"{path}: no requirement on {version}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
