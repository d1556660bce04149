"""Fonts for the PDF: registering each face with reportlab once, and which face sets which character."""
from __future__ import annotations


import dataclasses
import functools
import hashlib
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Iterator

from ...document import (Brief)
from ...errors import BriefgenError, BriefgenWarning
from ...fonts import (Family, FontFile, FontSet, coverage, fallbacks_for, font_set,
                     remember_coverage, settable)
from ...style import HouseStyle




# --------------------------------------------------------------------------- fonts

@dataclass(frozen=True, eq=False)       # hashed by identity: _faces() makes one per font set
class _Faces:
    """One font set, its faces registered with reportlab as they are first asked for.

    A Chinese brief with a serif body needs Noto Serif SC and Noto Sans SC Bold,
    not every shipped face: registering one reads its 2-3 MB file, which every
    cold start pays for."""

    fonts: FontSet
    #: (id of a family, bold, italic) -> (the family, its cover): every run of text asks,
    #: and hashing a family (four font paths) and comparing it cost more than the split.
    #: The family is held so that its id cannot be reused while the entry stands.
    _covers: dict = dataclasses.field(default_factory=dict, repr=False)

    def name(self, family: Family, bold: bool = False, italic: bool = False) -> str:
        """The reportlab name of the face of ``family`` (CJK families have no italic)."""
        return _register(family.face(bold, italic))

    def cover(self, family: Family, bold: bool = False, italic: bool = False) -> frozenset[int]:
        """What the face of ``family`` in this weight and slant sets, when it comes first.

        Chinese fonts draw "§" full-width, which opens a gap inside every citation mark
        ("[1, §3.1]"): it is left to the Latin family, which sets it as Chinese books do."""
        key = (id(family), bold, italic)
        hit = self._covers.get(key)
        if hit is not None and hit[0] is family:
            return hit[1]
        if len(self._covers) > 256:       # fallback families are made per brief
            self._covers.clear()
        cover = _cover(self, family.face(bold, italic),
                      family in (self.fonts.cjk, self.fonts.cjk_heading)
                      and family not in (self.fonts.latin, self.fonts.latin_heading))
        self._covers[key] = (family, cover)
        return cover


@functools.lru_cache(maxsize=256)
def _cover(faces: _Faces, face: FontFile, cjk: bool) -> frozenset[int]:
    # Cached: every run of text asks, and a set difference on 8,000 code points is not free.
    _register(face)
    return coverage(face) - _LATIN_WIDTH if cjk else coverage(face)


#: Characters Chinese fonts set full-width that Chinese text wants at their Latin width.
_LATIN_WIDTH = frozenset({0x00A7})


def _reportlab_name(font: FontFile) -> str:
    # Two files may share a stem (Vera.ttf from two places), so the path is part of the name.
    digest = hashlib.sha1(f"{font.path}:{font.index}".encode()).hexdigest()[:8]
    return f"bg-{font.key}-{digest}"


@functools.lru_cache(maxsize=None)
def _register(font: FontFile) -> str:
    """Register one TrueType face with reportlab once per process; return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont, TTFError

    name = _reportlab_name(font)
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(name, str(font.path), subfontIndex=font.index))
        except TTFError as exc:     # CFF outlines, a broken file: the user can pick another
            raise BriefgenError(f"cannot embed font {font.path}: {exc}; PDF output needs "
                                "TrueType outlines, so choose or convert another font") from exc
    # Glyph 0 is .notdef: a code point mapped to it has no glyph of its own.  What reportlab
    # cannot set right (fonts.settable: emoji, Hebrew) counts as missing, whatever the font.
    remember_coverage(font, (cp for cp, gid in pdfmetrics.getFont(name).face.charToGlyph.items()
                             if gid and settable(cp)))
    return name


@functools.lru_cache(maxsize=16)
def _faces(latin: str | None, cjk: str | None, body_en: str = "serif", body_zh: str = "serif") -> _Faces:
    return _Faces(font_set(latin, cjk, body_en, body_zh))


def _with_fallbacks(brief: Brief, style: HouseStyle, faces: _Faces,
                    orders: tuple[tuple[Family, ...], ...]) -> tuple[tuple[Family, ...], ...]:
    """The font orders, extended by system fonts for characters the brief's own fonts lack.

    What no installed font has either is named in a warning, with the way to fix it:
    the PDF would otherwise show it as a replacement mark without a word."""
    chars = {ord(ch) for value in (brief, style) for text in _texts(value) for ch in text}
    # Headings are bold: reading their regular face only to ask would cost a font parse.
    have = frozenset().union(*(faces.cover(f, bold=heading) for heading, order in zip((False, True), orders)
                               for f in order))
    missing = {cp for cp in chars - have
               if cp >= 0x20 and unicodedata.category(chr(cp)) not in ("Cc", "Cf", "Zl", "Zp")}
    if not missing:
        return orders
    found, left = fallbacks_for(missing)
    if left:
        shown = "".join(sorted(map(chr, left)))
        codes = ", ".join(f"U+{cp:04X}" for cp in sorted(left)[:10])
        warnings.warn(BriefgenWarning(
            f"no font has a glyph for {len(left)} character(s) of this brief: {shown[:20]} ({codes}); "
            "the PDF shows them as a replacement mark. Set font_cjk (Chinese) or font_latin in "
            "briefgen.toml to a TrueType font that has them"), stacklevel=2)
    extra = tuple(Family.single(f) for f in found)
    return tuple(order + extra for order in orders)


def _texts(value) -> Iterator[str]:
    """Every string inside a brief (or any dataclass tree), for the coverage check."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _texts(getattr(value, f.name))
