#!/usr/bin/env python3
"""Build the fonts briefgen ships (briefgen/fonts/*.ttf) from Debian's Noto packages.

    python tools/build_fonts.py            # needs fonts-noto-cjk and fonts-noto-core

Why a build at all: reportlab embeds TrueType outlines only, and Noto CJK is
published as CFF (cubic) outlines in 20 MB collections.  This script picks the
Simplified Chinese face of each collection by its name, keeps the characters a
brief can contain, turns the cubic curves into quadratic ones (fontTools' cu2qu)
and writes plain TrueType files.  The Latin faces (Noto Sans and Noto Serif with
a real italic) are TrueType already and are only subset.

Kept for Chinese: all of GB2312 (derived from Python's gb2312 codec), every
character in content/, templates/ and seeds/, CJK punctuation, full-width forms
and the Latin set below.  Kept for Latin: Latin-1, Latin Extended-A, general
punctuation, superscripts and subscripts, currency signs, letterlike symbols,
arrows and a few maths signs.

The output is deterministic: the same sources give the same bytes (no timestamps
are refreshed, tables are written in a fixed order), so the committed files can be
rebuilt and compared.  A character outside these sets is not lost: the PDF writer
looks for it in the system's fonts, else warns (briefgen/fonts.py).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a checkout
from briefgen.fonts import gb2312  # noqa: E402  (one reading of GB2312, shared with the font checks)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "briefgen" / "fonts"
CJK_DIR = Path("/usr/share/fonts/opentype/noto")
LATIN_DIR = Path("/usr/share/fonts/truetype/noto")

#: (output stem, family name, style, source collection) for the Chinese faces.
CJK_FACES = [
    ("NotoSansSC-Regular", "Noto Sans SC", "Regular", "NotoSansCJK-Regular.ttc"),
    ("NotoSansSC-Bold", "Noto Sans SC", "Bold", "NotoSansCJK-Bold.ttc"),
    ("NotoSerifSC-Regular", "Noto Serif SC", "Regular", "NotoSerifCJK-Regular.ttc"),
    ("NotoSerifSC-Bold", "Noto Serif SC", "Bold", "NotoSerifCJK-Bold.ttc"),
]
#: The face inside a collection, by its family name (the index differs between releases).
CJK_SOURCE_FAMILY = {"Noto Sans SC": "Noto Sans CJK SC", "Noto Serif SC": "Noto Serif CJK SC"}
LATIN_FACES = [f"Noto{family}-{style}" for family in ("Sans", "Serif")
               for style in ("Regular", "Bold", "Italic", "BoldItalic")]

#: Largest distance (font units, of 1000 per em) a quadratic curve may stray from the cubic.
#: 1.0 is what Google's own TrueType builds of Noto use; invisible at any print size.
MAX_ERR = 1.0

_RANGES_LATIN = [
    (0x0020, 0x007E),   # Basic Latin
    (0x00A0, 0x00FF),   # Latin-1 Supplement
    (0x0100, 0x017F),   # Latin Extended-A
    (0x0192, 0x0192), (0x0218, 0x021B),     # ƒ, Ș ș Ț ț
    (0x02C6, 0x02C7), (0x02D8, 0x02DD),     # spacing accents
    (0x2000, 0x206F),   # General Punctuation (dashes, quotes, bullet, ellipsis, ‰)
    (0x2070, 0x209F),   # Superscripts and Subscripts (m², CO₂)
    (0x20A0, 0x20CF),   # Currency Symbols (€, ₹)
    (0x2100, 0x214F),   # Letterlike Symbols (℃, №, ™)
    (0x2190, 0x2199),   # arrows
    (0x2212, 0x2212), (0x2215, 0x2215), (0x221E, 0x221E), (0x2248, 0x2248),
    (0x2260, 0x2265),   # minus, division slash, infinity, approx, ≠ ≤ ≥
    (0x25A0, 0x25A1), (0x25CF, 0x25CF),     # ■ □ ●
    (0xFFFD, 0xFFFD),   # the replacement character the PDF writer draws for a glyph no font has
]
_RANGES_CJK = _RANGES_LATIN + [
    (0x2E80, 0x2EFF),   # CJK Radicals Supplement (only what the font has is kept)
    (0x3000, 0x303F),   # CJK Symbols and Punctuation
    (0x3200, 0x32FF),   # enclosed CJK (㈠ ㊣)
    (0xFE30, 0xFE4F),   # CJK compatibility forms
    (0xFF00, 0xFFEF),   # Halfwidth and Fullwidth Forms
]


def _codepoints(ranges: list[tuple[int, int]]) -> set[int]:
    return {cp for lo, hi in ranges for cp in range(lo, hi + 1)}



def used_in_repository() -> set[int]:
    """Every character in the built-in content, the templates and the seeds."""
    chars: set[int] = set()
    for folder in ("content", "templates", "seeds"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                try:
                    chars.update(map(ord, path.read_text(encoding="utf-8")))
                except UnicodeDecodeError:
                    pass        # a binary file (an image) holds no text to set
    return {cp for cp in chars if cp >= 0x20}


def _sc_face(collection: Path, family: str) -> int:
    """The index of the face named ``family`` in a .ttc, so a reordered release still works."""
    ttc = TTCollection(str(collection), lazy=True)
    for index, face in enumerate(ttc.fonts):
        if face["name"].getDebugName(1) == family:
            return index
    raise SystemExit(f"{collection}: no face named {family!r}")


def _subset(font: TTFont, unicodes: set[int]) -> None:
    options = subset.Options()
    # reportlab reads only outlines, metrics and the cmap: shaping tables, vertical metrics
    # and hinting programs would be shipped for nothing.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG",
                            "meta", "STAT", "gasp"]
    options.hinting = False
    options.glyph_names = False
    options.notdef_outline = True
    options.name_IDs = []           # the name table is written afresh below
    options.name_languages = [0x409]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines by TrueType quadratic ones (after fontTools' otf2ttf snippet)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # TrueType contours run clockwise, CFF ones anticlockwise: reverse while converting.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _names(font: TTFont, old: dict[int, str], family: str, style: str, stem: str, source: str) -> None:
    """English names only, naming the file as shipped and saying what was changed (OFL 1.1, §4)."""
    copyright_ = old.get(0) or ""
    version = old.get(5) or ""
    licence = old.get(13) or "This Font Software is licensed under the SIL Open Font License, Version 1.1."
    bold = "Bold" in style
    italic = "Italic" in style
    table = newTable("name")
    table.names = []
    subfamily = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "Bold Italic"}[style]
    records = {
        0: copyright_,
        1: family,
        2: subfamily,
        3: f"{version.split(';')[0]};briefgen-subset;{stem}",
        4: f"{family} {subfamily}",
        5: version.split(";")[0],
        6: stem,
        10: f"Subset of {source} made by briefgen's tools/build_fonts.py for PDF embedding.",
        13: licence,
        14: "https://openfontlicense.org",
    }
    for name_id, text in records.items():
        table.setName(text, name_id, 3, 1, 0x409)
    font["name"] = table
    os2 = font["OS/2"]
    # fsSelection: italic (bit 0), bold (bit 5), regular (bit 6); macStyle to match.
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (1 if italic else 0) | (32 if bold else 0) \
        | (64 if not (bold or italic) else 0)
    font["head"].macStyle = (1 if bold else 0) | (2 if italic else 0)
    post = font["post"]
    post.formatType = 3.0           # no glyph names: reportlab and PDF viewers need none
    post.extraNames = []
    post.mapping = {}


def build_one(source: Path, face_index: int, unicodes: set[int], family: str, style: str,
              stem: str, convert: bool) -> bytes:
    font = TTFont(str(source), fontNumber=face_index, recalcTimestamp=False, recalcBBoxes=True)
    old = {i: font["name"].getDebugName(i) for i in (0, 4, 5, 13)}
    _subset(font, unicodes)
    if convert:
        _cff_to_glyf(font)
    _names(font, old, family, style, stem, f"{source.name} ({old[4] or family})")
    path = OUT / f"{stem}.ttf"
    font.save(str(path), reorderTables=True)
    return path.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="build only faces whose name contains this (e.g. Serif)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    cjk_set = gb2312() | used_in_repository() | _codepoints(_RANGES_CJK)
    latin_set = _codepoints(_RANGES_LATIN) | {cp for cp in used_in_repository() if cp < 0x2E80}
    for stem, family, style, source in CJK_FACES:
        if args.only and args.only not in stem:
            continue
        path = CJK_DIR / source
        data = build_one(path, _sc_face(path, CJK_SOURCE_FAMILY[family]), cjk_set, family, style,
                         stem, convert=True)
        print(f"{stem}.ttf  {len(data):>10,} bytes  sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    for stem in LATIN_FACES:
        if args.only and args.only not in stem:
            continue
        family, style = stem.split("-")
        family = "Noto " + family[len("Noto"):]
        data = build_one(LATIN_DIR / f"{stem}.ttf", 0, latin_set, family, style, stem, convert=False)
        print(f"{stem}.ttf  {len(data):>10,} bytes  sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
