"""Which font files render a brief, and which of them covers each character.

The PDF writer must embed every font it uses, and reportlab embeds TrueType
outlines only (most Noto CJK files are CFF and fail).  The chain, first match wins:

1. the house style's ``font_latin`` / ``font_cjk`` paths (briefgen.toml or --config);
2. the fonts shipped with briefgen's dependencies, so a fresh ``pip install`` is
   enough: Bitstream Vera from reportlab for Latin text, WenQuanYi Micro Hei
   (TrueType, from the ``paperang-p2-fonts-cjk`` wheel) for Chinese;
3. a TrueType CJK font installed on the system (Debian's fonts-wqy-*, AR PL
   UMing, Windows' SimSun / Microsoft YaHei), in case the wheel is missing.

Text is split into runs by coverage: each character goes to the first font in
the brief's order that has a glyph for it, so an English brief sets Latin text in
Vera and any Chinese name in the CJK font, and no character is left to ".notdef".
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import BriefgenError

_SYSTEM_CJK = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)


@dataclass(frozen=True)
class FontFile:
    """One face of a font file; ``index`` picks the face inside a .ttc collection."""

    path: Path
    index: int = 0

    @property
    def key(self) -> str:
        """A name safe to register with reportlab, unique per file and face."""
        return f"{self.path.stem}-{self.index}".replace(" ", "_")


@dataclass(frozen=True)
class FontSet:
    """The faces a brief is set in.  Bold and italic fall back to regular."""

    latin: FontFile
    latin_bold: FontFile
    latin_italic: FontFile
    latin_bold_italic: FontFile
    cjk: FontFile

    def order(self, lang: str) -> tuple[FontFile, ...]:
        """Fonts in the order that decides who renders a character.

        Chinese briefs set everything, digits and Latin included, in the CJK font
        so that a sentence keeps one texture; English briefs use Latin first."""
        return (self.cjk, self.latin) if lang == "zh" else (self.latin, self.cjk)


def _reportlab_font(name: str) -> Path:
    import reportlab

    return Path(reportlab.__file__).parent / "fonts" / name


def _bundled_cjk() -> Path | None:
    try:
        import paperang_p2_fonts_cjk  # a wheel that ships wqy-microhei.ttc
    except ImportError:
        return None
    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    return path if path.exists() else None


def find_cjk_font() -> Path:
    """The first TrueType CJK font in the chain, or an error that says what to install."""
    bundled = _bundled_cjk()
    if bundled:
        return bundled
    for candidate in _SYSTEM_CJK:
        if Path(candidate).exists():
            return Path(candidate)
    raise BriefgenError(
        "no TrueType Chinese font found; reinstall briefgen (it depends on "
        "paperang-p2-fonts-cjk), install Debian's fonts-wqy-microhei, or set "
        "font_cjk in briefgen.toml to a .ttf/.ttc file")


@functools.lru_cache(maxsize=8)
def font_set(latin: str | None = None, cjk: str | None = None) -> FontSet:
    """Resolve the font chain once per process (the answer cannot change)."""
    if latin:
        regular = FontFile(_checked(latin))
        _require_glyphs(regular, latin, "font_latin", _LATIN_SAMPLE, "Latin letters and digits")
        bold = italic = bold_italic = regular
    else:
        regular = FontFile(_reportlab_font("Vera.ttf"))
        bold = FontFile(_reportlab_font("VeraBd.ttf"))
        italic = FontFile(_reportlab_font("VeraIt.ttf"))
        bold_italic = FontFile(_reportlab_font("VeraBI.ttf"))
    cjk_file = FontFile(_checked(cjk)) if cjk else FontFile(find_cjk_font())
    if cjk:
        _require_glyphs(cjk_file, cjk, "font_cjk", _cjk_sample(), "the common Chinese characters (GB2312 level 1)")
    return FontSet(regular, bold, italic, bold_italic, cjk_file)


_LATIN_SAMPLE = frozenset(map(ord, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,%()"))


@functools.lru_cache(maxsize=1)
def _cjk_sample() -> frozenset[int]:
    """GB2312 level 1: the 3,755 most common Chinese characters, which any Chinese font has."""
    chars = set()
    for row in range(0xB0, 0xD8):
        for col in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, col)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _require_glyphs(font: FontFile, shown: str, key: str, needed: frozenset[int], what: str) -> None:
    """Refuse a configured font that lacks what it is set for: the PDF would print '?' for it."""
    try:
        have = coverage(font)
    except Exception:   # fontTools raises many kinds on a file that is not a font
        raise BriefgenError(f"{key} {shown}: not a readable TrueType font; choose another file") from None
    missing = len(needed - have)
    if missing > len(needed) // 100:
        raise BriefgenError(f"{key} {shown}: the font lacks {missing:,} of {len(needed):,} of {what}, so the "
                            f"PDF would print them as '?'; choose a font that has them, or remove {key} to "
                            "use the bundled one")


def _checked(path: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise BriefgenError(f"font file not found: {path}; give the path of a .ttf or .ttc file")
    if p.suffix.lower() not in {".ttf", ".ttc"}:
        raise BriefgenError(
            f"font {path} is not TrueType (.ttf/.ttc); PDF output can embed TrueType "
            "outlines only, so convert it or choose another font")
    return p


_COVERAGE: dict[FontFile, frozenset[int]] = {}


def remember_coverage(font: FontFile, codepoints: Iterable[int]) -> None:
    """Record a font's coverage read by someone who already parsed its cmap.

    The PDF writer registers each face with reportlab, which reads the cmap anyway;
    reading it a second time with fontTools cost about 0.1 s for the 5 MB CJK file.
    reportlab's map is also the right one there: it is what the PDF can draw."""
    _COVERAGE[font] = frozenset(codepoints)


def coverage(font: FontFile) -> frozenset[int]:
    """The code points a font has glyphs for (read once per process)."""
    hit = _COVERAGE.get(font)
    if hit is not None:
        return hit
    from fontTools.ttLib import TTFont

    tt = TTFont(str(font.path), fontNumber=font.index, lazy=True)
    try:
        # Only code points are wanted, not glyph names: without a glyph order of our own,
        # fontTools decodes the 'post' table's 30 000 names first (three quarters of the time).
        tt.setGlyphOrder([f"g{i}" for i in range(tt["maxp"].numGlyphs)])
        return _COVERAGE.setdefault(font, frozenset(tt.getBestCmap() or {}))
    finally:
        tt.close()


def split_runs(text: str, fonts: tuple[FontFile, ...]) -> Iterator[tuple[FontFile, str]]:
    """Split ``text`` into maximal runs that one font can render.

    A character no font has (an emoji, say) stays with the preceding run so
    that it is at least extractable; validation warns about such characters."""
    covers = [coverage(f) for f in fonts]
    current: FontFile | None = None
    buf: list[str] = []
    for ch in text:
        cp = ord(ch)
        chosen = current or fonts[0]
        for font, cov in zip(fonts, covers):
            if cp in cov:
                chosen = font
                break
        if chosen is not current and buf:
            yield current or fonts[0], "".join(buf)
            buf = []
        current = chosen
        buf.append(ch)
    if buf:
        yield current or fonts[0], "".join(buf)
