#!/usr/bin/env python3
"""Read what a Linux extension module needs at load time, and judge it against its tag.

Used by dist_check.py. Parses the ELF file itself (64-bit little-endian: x86_64,
aarch64): the NEEDED libraries and the GNU symbol versions it requires. A manylinux
wheel may need only glibc's own libraries and libgcc_s, with no symbol version newer
than its tag's glibc; a musllinux one no glibc at all; an abi3 one never libpython.
"""

from __future__ import annotations

import re
import struct

# Libraries a manylinux wheel may need from the system (PEP 599's list, trimmed to what a
# Rust cdylib can pull in, plus the dynamic loader, which is part of glibc).
MANYLINUX_LIBS = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0",
    "libgcc_s.so.1", "libutil.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
}
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
ELF_MACHINES = {"x86_64": 62, "aarch64": 183, "i686": 3, "armv7l": 40, "ppc64le": 21, "s390x": 22}


def elf_facts(data: bytes) -> tuple[int, list[str], set[str]]:
    """(e_machine, NEEDED libraries, required symbol versions) of a 64-bit little-endian ELF."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    (machine,) = struct.unpack_from("<H", data, 0x12)
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        _, sh_type, _, _, offset, size, link, _, _, _ = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + i * shentsize
        )
        sections.append((sh_type, offset, size, link))

    def string(table: int, index: int) -> str:
        start = sections[table][1] + index
        return data[start : data.index(b"\0", start)].decode()

    needed: list[str] = []
    versions: set[str] = set()
    for sh_type, offset, size, link in sections:
        if sh_type == 6:  # SHT_DYNAMIC
            for pos in range(offset, offset + size, 16):
                tag, value = struct.unpack_from("<qQ", data, pos)
                if tag == 0:
                    break
                if tag == 1:  # DT_NEEDED
                    needed.append(string(link, value))
        elif sh_type == 0x6FFFFFFE:  # SHT_GNU_verneed
            pos = offset
            while True:
                _, count, _, aux, nxt = struct.unpack_from("<HHIII", data, pos)
                apos = pos + aux
                for _ in range(count):
                    _, _, _, name, anext = struct.unpack_from("<IHHII", data, apos)
                    versions.add(string(link, name))
                    apos += anext
                if not nxt:
                    break
                pos += nxt
    return machine, needed, versions


def linux_extension_problems(platform: str, data: bytes) -> list[str]:
    """What keeps the ELF extension ``data`` from meeting its wheel's ``platform`` tag."""
    problems: list[str] = []
    match = re.fullmatch(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)", platform)
    legacy = re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)", platform)
    if match:
        family, limit, arch = match[1], (int(match[2]), int(match[3])), match[4]
    elif legacy:
        family, limit, arch = "manylinux", LEGACY_MANYLINUX[legacy[1]], legacy[2]
    else:
        family, limit, arch = "local", None, platform.removeprefix("linux_")
    try:
        machine, needed, versions = elf_facts(data)
    except (ValueError, struct.error, IndexError) as exc:
        return [f"extension is not a readable ELF file: {exc}"]
    if ELF_MACHINES.get(arch) not in (None, machine):
        problems.append(f"extension is built for ELF machine {machine}, tag says {arch}")
    if any(lib.startswith("libpython") for lib in needed):
        problems.append(f"extension links libpython ({needed}): not an abi3 extension")
    glibc = sorted(
        tuple(int(p) for p in v.removeprefix("GLIBC_").split("."))
        for v in versions
        if re.fullmatch(r"GLIBC_[\d.]+", v)
    )
    if family == "manylinux":
        outside = [lib for lib in needed if lib not in MANYLINUX_LIBS]
        if outside:
            problems.append(f"extension needs libraries outside manylinux: {outside}")
        if glibc and limit is not None and glibc[-1][:2] > limit:
            newest = ".".join(map(str, glibc[-1]))
            problems.append(f"extension needs glibc {newest}, tag allows {limit[0]}.{limit[1]}")
    elif family == "musllinux":
        if glibc:
            problems.append("musllinux extension needs glibc symbols")
        outside = [lib for lib in needed if not lib.startswith(("libc.musl-", "libgcc_s"))]
        if outside:
            problems.append(f"extension needs libraries outside musllinux: {outside}")
    return problems
