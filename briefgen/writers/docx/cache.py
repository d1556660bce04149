"""Prepared Word templates kept between processes, so a process's first Word brief is cheap.

Preparing the styled empty document takes python-docx (longer to import than a
brief takes to write) and some 50 ms more; what comes out depends only on

- the house style (every field, by ``repr``), the language, whether the header and
  footer are kept, the logo file and the reference docx (path, size, modification time),
- the code it is made by (this writer, the house style and fonts modules), Python's
  version and the installed python-docx and lxml,

so it is kept in the user cache folder (``~/.cache/briefgen/word/`` on Linux), one
file per template, under a SHA-256 of all of these; a folder written by other code is
removed when new code first writes, and past 64 templates the oldest half goes
(usercache.py holds these rules for every cache).  A file is read only if the folder and the file
belong to this user and nobody else may write them, and only if its contents match
the digest it carries; anything else (a stale, truncated or foreign file) is a miss
and the template is prepared again, never an error.  It holds XML text and zip
members, nothing that is run.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ... import __version__
from ...style import HouseStyle
from ...usercache import code_folder, read_trusted, write_replacing
from .prepared import Prepared
from .zipped import Member

_PACKAGE = Path(__file__).resolve().parents[2]       # the briefgen package
#: The code a prepared template comes from: this writer and what it asks of the house style.
_CODE = (*sorted(Path(__file__).resolve().parent.glob("*.py")),
         *(_PACKAGE / f"{name}.py" for name in ("__init__", "style", "fonts", "characters", "units",
                                               "errors")))
_MAGIC = b"briefgen-word-template 1\n"
_MAX_BYTES = 80 * 1024 * 1024


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """The sources of _CODE, briefgen's version, Python's, python-docx's and lxml's files."""
    h = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for path in _CODE:
        h.update(str(path.relative_to(_PACKAGE)).encode())
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    for name in ("docx", "lxml"):
        spec = find_spec(name)
        if spec is None or not spec.origin:
            continue
        origin = Path(spec.origin)
        for path in (origin, origin.parent / "templates" / "default.docx"):
            with contextlib.suppress(OSError):
                st = os.stat(path)
                h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def key(style: HouseStyle, lang: str, reference: tuple[str, int, int] | None, header_footer: bool) -> str:
    parts = [repr(style), lang, repr(reference), repr(header_footer)]
    if style.logo is not None:
        try:
            st = os.stat(style.logo)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --------------------------------------------------------------------------- the file


def _encode(name: str, p: Prepared) -> bytes:
    members = [*p.settings, *p.static]
    meta = {"style_ids": p.style_ids, "number_abstract": p.number_abstract, "bullet_num": p.bullet_num,
            "text_width": p.text_width, "document": p.document, "document_xml": p.document_xml,
            "rels": p.rels, "numbering": p.numbering, "numbering_xml": p.numbering_xml,
            "num_ids": p.num_ids, "core": p.core, "app": p.app, "defaults": p.defaults,
            "overrides": p.overrides, "first_drawing": p.first_drawing,
            "members": [[m.name, len(m.data), m.crc, m.size, m.method] for m in members]}
    payload = b"".join(m.data for m in members)
    head = json.dumps({"key": name, "meta": meta, "sha256": hashlib.sha256(payload).hexdigest()},
                      ensure_ascii=True).encode("ascii")
    return _MAGIC + head + b"\n" + payload


def _decode(name: str, data: bytes) -> Prepared:
    """The template ``name`` in ``data``; ValueError, KeyError or TypeError if it is not that."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a prepared template")
    head, _, payload = data[len(_MAGIC):].partition(b"\n")
    header = json.loads(head)
    if header["key"] != name:
        raise ValueError("another template's file")
    if hashlib.sha256(payload).hexdigest() != header["sha256"]:
        raise ValueError("damaged")
    meta = header["meta"]
    members, offset = [], 0
    for name, length, crc, size, method in meta["members"]:
        if not (isinstance(name, str) and all(type(v) is int for v in (length, crc, size, method))
                and method in (0, 8) and 0 <= length <= len(payload) - offset):
            raise ValueError("bad member")
        members.append(Member(name, payload[offset:offset + length], crc, size, method))
        offset += length
    if offset != len(payload) or len(members) < 2:
        raise ValueError("bad members")

    def pair(value: Any) -> tuple[str, str]:
        a, b = value
        return str(a), str(b)

    style_ids = {str(k): str(v) for k, v in meta["style_ids"].items()}
    bullet = meta["bullet_num"]
    return Prepared(style_ids, int(meta["number_abstract"]), None if bullet is None else int(bullet),
                    int(meta["text_width"]), str(meta["document"]), pair(meta["document_xml"]),
                    tuple((str(i), str(t), str(g), bool(e)) for i, t, g, e in meta["rels"]),
                    str(meta["numbering"]), pair(meta["numbering_xml"]),
                    tuple(int(n) for n in meta["num_ids"]), (members[0], members[1]), str(meta["core"]),
                    None if meta["app"] is None else str(meta["app"]),
                    tuple(pair(d) for d in meta["defaults"]), tuple(pair(o) for o in meta["overrides"]),
                    tuple(members[2:]), int(meta["first_drawing"]))


# --------------------------------------------------------------------------- the folder

#: Prepared templates kept per code version (one per style, language and reference docx).
KEEP = 64


def read(name: str) -> Prepared | None:
    folder = code_folder("word", _code_digest(), KEEP, "*.bin")
    data = read_trusted(folder / f"{name}.bin", _MAX_BYTES + 1) if folder is not None else None
    if data is None or len(data) > _MAX_BYTES:
        return None
    try:
        return _decode(name, data)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def write(name: str, prepared: Prepared) -> None:
    """Write one template by renaming a temporary file into place: concurrent workers never
    see half a file.  Any failure (a read-only home, a full disk) is silent."""
    folder = code_folder("word", _code_digest(), KEEP, "*.bin")
    if folder is not None:
        write_replacing(folder, f"{name}.bin", lambda fh: fh.write(_encode(name, prepared)))
