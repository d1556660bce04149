"""The .docx zip, written directly: members deflated once can be written into every brief.

The template's parts (styles, theme, settings, header and footer ...) are the same
in every brief of a house style and language, so they are deflated once, when the
template is prepared, and only a brief's own parts are deflated per brief.  The
bytes are those zipfile writes for the same members (one timestamp, attributes
fixed, no data descriptors), so the same inputs give the same file everywhere.
"""
from __future__ import annotations

import struct
import zlib
from typing import NamedTuple, Sequence

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DEFLATED, _STORED = 8, 0
_VERSION = 20                       # what zipfile writes: deflate needs PKZIP 2.0
_ATTR = 0o600 << 16                 # rw------- as zipfile's writestr sets it, on every platform
_ALREADY_COMPRESSED = (".png", ".jpeg", ".jpg")


class Member(NamedTuple):
    """One zip member, compressed: its name, stored bytes, CRC-32, size inflated, method."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int


def member(name: str, raw: bytes) -> Member:
    """``raw`` as the member ``name``: deflated at level 6, pictures stored as they are."""
    if name.lower().endswith(_ALREADY_COMPRESSED):
        return Member(name, raw, zlib.crc32(raw), len(raw), _STORED)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, packer.compress(raw) + packer.flush(), zlib.crc32(raw), len(raw), _DEFLATED)


def write(members: Sequence[Member], date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The zip of ``members`` in the order given, every member dated ``date_time``."""
    year, month, day, hour, minute, second = date_time
    dos_time = hour << 11 | minute << 5 | second // 2
    dos_date = (year - 1980) << 9 | month << 5 | day
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800          # bit 11: the name is UTF-8
        out.append(_LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, m.method, dos_time, dos_date,
                               m.crc, len(m.data), m.size, len(name), 0))
        out.append(name)
        out.append(m.data)
        central.append(_CENTRAL.pack(b"PK\001\002", _VERSION, 0, _VERSION, 0, flags, m.method,
                                     dos_time, dos_date, m.crc, len(m.data), m.size, len(name),
                                     0, 0, 0, 0, _ATTR, offset))
        central.append(name)
        offset += _LOCAL.size + len(name) + len(m.data)
    directory = b"".join(central)
    n = len(members)
    end = _END.pack(b"PK\005\006", 0, 0, n, n, len(directory), offset, 0)
    return b"".join(out) + directory + end
