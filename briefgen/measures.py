"""The page-count cache: a brief laid out once is not laid out again to count its pages.

Fitting a plan near its page budget lays out the real PDF to count pages (see
fit.py), and that layout (importing reportlab, reading the fonts, setting every
line) is most of what a Word, Markdown or HTML brief costs.  What it finds, the
pages and how full the last one is, depends only on

- the brief itself (the document model, compared by its full ``repr``: every
  block, every inline, the metadata),
- the house style (paper, fonts, sizes, logo) and the font files it resolves to
  (path, size, modification time),
- briefgen's own code and the reportlab version,

so it is kept in the user cache folder (``~/.cache/briefgen/layout/`` on Linux),
one small JSON file per brief, under a SHA-256 of all of these.  A change to any
of them is a different key; a folder written by other code is removed when new
code first writes.  Only two numbers are stored and they are checked when read,
and a file is read only if the folder and the file belong to this user and
nobody else may write them; anything else is a miss, never an error.  The PDF
file itself is never cached: a PDF brief is still laid out once, to be drawn.

``cache=False`` (``--no-cache`` on the CLI) neither reads nor writes it.
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .document import Brief
from .fit import Measure, Measured
from .style import HouseStyle
from .usercache import Records

#: Entries kept per code version; past this the oldest half is removed.
KEEP = 20000


@dataclass
class Pages:
    """A remembered layout: what fitting needs (pages, filled), without the PDF."""

    pages: int
    filled: float
    pdf: bytes | None = None


def _valid(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    pages, filled = record.get("pages"), record.get("filled")
    return type(pages) is int and type(filled) in (int, float) and 0 < pages <= 10000


_LAYOUTS = Records("layout", KEEP, _valid)


def remembered(measure: Measure, style: HouseStyle) -> Measure:
    """``measure`` that answers from the cache when it can and fills it when it cannot."""

    def cached(brief: Brief) -> Measured:
        key = _key(brief, style)
        hit = _LAYOUTS.get(key)
        if hit is not None:
            return Pages(hit["pages"], float(hit["filled"]))
        result = measure(brief)
        _LAYOUTS.put(key, {"pages": result.pages, "filled": result.filled})
        return result

    return cached


# --------------------------------------------------------------------------- the key

@functools.lru_cache(maxsize=16)
def style_digest(style: HouseStyle) -> str:
    """The house style and the font and logo files it resolves to (path, size, modification time)."""
    from .fonts import font_set

    fonts = font_set(style.font_latin, style.font_cjk, style.body_font_en, style.body_font_zh)
    families = (fonts.latin, fonts.cjk, fonts.latin_heading, fonts.cjk_heading)
    files = sorted({face.path for fam in families
                    for face in (fam.regular, fam.bold, fam.italic, fam.bold_italic)})
    files += [Path(style.logo)] if style.logo else []
    parts = [repr(style), repr(fonts)]
    for path in files:
        try:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(brief: Brief, style: HouseStyle) -> str:
    h = hashlib.sha256(style_digest(style).encode())
    h.update(repr(brief).encode())
    return h.hexdigest()
