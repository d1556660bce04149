"""Which font files render a brief, and which of them covers each character.

The PDF writer must embed every font it uses, and reportlab embeds TrueType
outlines only (the Noto CJK files Linux distributions install are CFF and fail).
The chain, first match wins:

1. the house style's ``font_latin`` / ``font_cjk`` paths (briefgen.toml or --config);
2. the fonts shipped inside briefgen (``briefgen/fonts/``, built by
   ``tools/build_fonts.py``, SIL Open Font License): Noto Serif SC and Noto Sans SC
   in Regular and Bold for Chinese, Noto Serif and Noto Sans with a true italic for
   Latin; the body is serif or sans per language (``body_font_en`` / ``body_font_zh``),
   headings are always sans;
3. a TrueType CJK font installed on the system (Debian's fonts-wqy-*, AR PL
   UMing, Windows' SimSun / Microsoft YaHei), in case the shipped files are gone.

The shipped Chinese faces hold GB2312 and every character of the built-in content.
A character outside them (a rare name in a user's overlay) is looked up, per glyph,
in the system's TrueType fonts (:func:`fallbacks_for`); what no font has is named in
a warning that says how to fix it.

Text is split into runs by coverage: each character goes to the first family in
the brief's order that has a glyph for it, so an English brief sets Latin text in
Noto and any Chinese name in the CJK face, and no character is left to ".notdef".
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Callable, Hashable, Iterable, Iterator, Sequence, TypeVar

from .errors import BriefgenError

SHIPPED = Path(__file__).parent / "fonts"
#: The body-text choices of ``body_font_en`` / ``body_font_zh``.
BODY_FONTS = ("serif", "sans")

#: Family names of the shipped faces, as Word and browsers know the installed fonts.
FAMILY_NAMES = {("latin", "serif"): "Noto Serif", ("latin", "sans"): "Noto Sans",
                ("cjk", "serif"): "Noto Serif SC", ("cjk", "sans"): "Noto Sans SC"}

_SYSTEM_CJK = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)
#: Folders searched, per glyph, for a character the brief's fonts lack.
_SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")
#: At most this many system font files are opened while looking for missing glyphs.
_MAX_FALLBACK_FILES = 300


def _hash_once(self) -> int:
    """A frozen font value's hash, worked out once: families key the PDF writer's caches,
    which ask for every run of text, and hashing four font paths each time cost more
    than the lookups.  (Kept past the frozen __setattr__, as functools.cached_property does.)"""
    kept = self.__dict__.get("_hash")
    if kept is None:
        kept = self.__dict__["_hash"] = hash(tuple(getattr(self, f.name) for f in fields(self)))
    return kept


def _state_without_hash(self) -> dict:
    # A string's hash differs between processes: a pickled value must not carry its own.
    return {k: v for k, v in self.__dict__.items() if k != "_hash"}


@dataclass(frozen=True)
class FontFile:
    """One face of a font file; ``index`` picks the face inside a .ttc collection."""

    path: Path
    index: int = 0

    __hash__ = _hash_once
    __getstate__ = _state_without_hash

    @property
    def key(self) -> str:
        """A name safe to register with reportlab, unique per file and face."""
        return f"{self.path.stem}-{self.index}".replace(" ", "_")


@dataclass(frozen=True)
class Family:
    """The four faces of one typeface; a face a font lacks is its nearest sibling.

    Chinese families have no italic: their italic faces *are* the upright ones, so a
    run marked italic sets its Chinese characters upright, as Chinese typesetting does."""

    regular: FontFile
    bold: FontFile
    italic: FontFile
    bold_italic: FontFile

    __hash__ = _hash_once
    __getstate__ = _state_without_hash

    @classmethod
    def single(cls, font: FontFile) -> "Family":
        return cls(font, font, font, font)

    def face(self, bold: bool = False, italic: bool = False) -> FontFile:
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular

    @property
    def has_bold(self) -> bool:
        return self.bold != self.regular


@dataclass(frozen=True)
class FontSet:
    """The families a brief is set in: body text per language, and headings (sans)."""

    latin: Family           # body text in Latin script
    cjk: Family             # body text in Chinese
    latin_heading: Family   # titles, headings, captions
    cjk_heading: Family

    def order(self, lang: str, heading: bool = False) -> tuple[Family, ...]:
        """Families in the order that decides who renders a character.

        Chinese briefs set everything, digits and Latin included, in the CJK font
        so that a sentence keeps one texture; English briefs use Latin first."""
        latin, cjk = (self.latin_heading, self.cjk_heading) if heading else (self.latin, self.cjk)
        return (cjk, latin) if lang == "zh" else (latin, cjk)


def _shipped(stem: str) -> FontFile | None:
    path = SHIPPED / f"{stem}.ttf"
    return FontFile(path) if path.is_file() else None


def _shipped_latin(kind: str) -> Family | None:
    stem = "NotoSerif" if kind == "serif" else "NotoSans"
    faces = [_shipped(f"{stem}-{s}") for s in ("Regular", "Bold", "Italic", "BoldItalic")]
    return Family(*faces) if all(faces) else None       # type: ignore[arg-type]


def _shipped_cjk(kind: str) -> Family | None:
    stem = "NotoSerifSC" if kind == "serif" else "NotoSansSC"
    regular, bold = _shipped(f"{stem}-Regular"), _shipped(f"{stem}-Bold")
    return Family(regular, bold, regular, bold) if regular and bold else None


def find_cjk_font() -> Path:
    """A TrueType CJK font installed on the system, or an error that says what to do."""
    for candidate in _SYSTEM_CJK:
        if Path(candidate).exists():
            return Path(candidate)
    raise BriefgenError(
        f"no TrueType Chinese font found: the fonts shipped with briefgen are missing from "
        f"{SHIPPED}; reinstall briefgen, install Debian's fonts-wqy-microhei, or set font_cjk in "
        "briefgen.toml to a .ttf/.ttc file")


def _reportlab_font(name: str) -> FontFile:
    import reportlab

    return FontFile(Path(reportlab.__file__).parent / "fonts" / name)


@functools.lru_cache(maxsize=16)
def font_set(latin: str | None = None, cjk: str | None = None, body_en: str = "serif",
             body_zh: str = "serif") -> FontSet:
    """Resolve the font chain once per process and house style (the answer cannot change)."""
    if latin:
        regular = FontFile(_checked(latin))
        _require_glyphs(regular, latin, "font_latin", _LATIN_SAMPLE, "Latin letters and digits")
        latin_body = latin_head = Family.single(regular)
    else:
        # Bitstream Vera from reportlab only if the shipped files were deleted.
        vera = Family(*(_reportlab_font(n) for n in ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf")))
        latin_body = _shipped_latin(body_en) or vera
        latin_head = _shipped_latin("sans") or vera
    if cjk:
        font = FontFile(_checked(cjk))
        _require_glyphs(font, cjk, "font_cjk", _cjk_sample(), "the common Chinese characters (GB2312 level 1)")
        cjk_body = cjk_head = Family.single(font)
    else:
        system = None if _shipped_cjk("sans") else Family.single(FontFile(find_cjk_font()))
        cjk_body = _shipped_cjk(body_zh) or system
        cjk_head = _shipped_cjk("sans") or system
    return FontSet(latin_body, cjk_body, latin_head, cjk_head)      # type: ignore[arg-type]


def word_font_names(style, lang: str) -> tuple[str, str]:
    """The (Latin, East Asian) font names Word should be told for a brief in ``lang``.

    The house style's ``word_font_latin`` / ``word_font_east_asia`` win when set to
    anything but their defaults; otherwise Word names the PDF's body faces.  A Chinese
    brief sets its Latin text and digits in the Chinese face, as the PDF does."""
    from .style import DEFAULT_STYLE

    east = style.word_font_east_asia
    if east == DEFAULT_STYLE.word_font_east_asia:
        east = FAMILY_NAMES[("cjk", style.body_font_zh if lang == "zh" else style.body_font_en)]
    latin = style.word_font_latin
    if latin == DEFAULT_STYLE.word_font_latin:
        latin = east if lang == "zh" else FAMILY_NAMES[("latin", style.body_font_en)]
    return latin, east


_LATIN_SAMPLE = frozenset(map(ord, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,%()"))


def gb2312(first_row: int = 0xA1, last_row: int = 0xF7) -> frozenset[int]:
    """The characters GB2312 encodes in rows ``first_row``..``last_row`` of its 94x94 grid,
    read from Python's own codec (0xB0-0xD7 is level 1; the default is the whole set)."""
    chars = set()
    for row in range(first_row, last_row + 1):
        for col in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, col)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@functools.lru_cache(maxsize=1)
def _cjk_sample() -> frozenset[int]:
    """GB2312 level 1: the 3,755 most common Chinese characters, which any Chinese font has."""
    return gb2312(0xB0, 0xD7)


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
    reading it a second time with fontTools would cost as much again.  reportlab's
    map is also the right one there: it is what the PDF can draw."""
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


def family_coverage(family: Family) -> frozenset[int]:
    """What a family can draw, from whichever of its faces was read already.

    The faces of one shipped family hold the same characters (one build, one list), so
    the heading family need not read its regular face just to answer."""
    for face in (family.regular, family.bold, family.italic, family.bold_italic):
        hit = _COVERAGE.get(face)
        if hit is not None:
            return hit
    return coverage(family.regular)


def _system_font_files() -> Iterator[FontFile]:
    """TrueType files installed on the system: the known CJK ones first, then every folder."""
    seen: set[Path] = set()
    listed = [Path(p) for p in _SYSTEM_CJK]
    for folder in _SYSTEM_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            listed += sorted(p for p in root.rglob("*") if p.suffix.lower() in (".ttf", ".ttc"))
    for path in listed:
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        yield FontFile(path)


def _is_truetype(font: FontFile) -> bool:
    with open(font.path, "rb") as fh:
        head = fh.read(4)
    return head in (b"\x00\x01\x00\x00", b"true", b"ttcf")


def fallbacks_for(missing: set[int]) -> tuple[list[FontFile], set[int]]:
    """System TrueType fonts that have glyphs for ``missing``, and what none of them has.

    Called only when a brief holds characters its fonts lack, so the cost of reading
    system fonts falls on that brief alone.  Only what :func:`settable` allows is looked up."""
    if os.environ.get("BRIEFGEN_NO_SYSTEM_FONTS"):     # tests: the answer on a bare machine
        return [], set(missing)
    found, left = _fallbacks_for(frozenset(cp for cp in missing if settable(cp)))
    return found, left | {cp for cp in missing if not settable(cp)}


@functools.lru_cache(maxsize=None)
def settable(cp: int) -> bool:
    """Whether reportlab can set ``cp`` so that it reads and copies right, whatever the font:
    in the Basic Multilingual Plane (beyond it, an emoji or CJK Extension B, reportlab writes
    a broken ToUnicode entry), and not of a right-to-left script (Hebrew, Arabic), which it
    would draw unshaped and in reverse order."""
    import unicodedata

    return cp <= 0xFFFF and unicodedata.bidirectional(chr(cp)) not in ("R", "AL", "AN")


@functools.lru_cache(maxsize=64)
def _fallbacks_for(missing: frozenset[int]) -> tuple[list[FontFile], set[int]]:
    left = set(missing)
    chosen: list[FontFile] = []
    for n, font in enumerate(_system_font_files()):
        if not left or n >= _MAX_FALLBACK_FILES:
            break
        try:
            # A .ttc holds CFF outlines at times (Noto CJK): reportlab cannot embed those.
            if not _is_truetype(font) or _has_cff(font):
                continue
            have = coverage(font) & left
        except Exception:   # an unreadable file is just not a candidate
            continue
        if have:
            chosen.append(font)
            left -= have
    return chosen, left


def _has_cff(font: FontFile) -> bool:
    from fontTools.ttLib import TTFont

    tt = TTFont(str(font.path), fontNumber=font.index, lazy=True)
    try:
        return "CFF " in tt or "glyf" not in tt
    finally:
        tt.close()


F = TypeVar("F", bound=Hashable)


def split_runs(text: str, fonts: Sequence[F],
               cover: Callable[[F], frozenset[int]] | None = None) -> Iterator[tuple[F, str]]:
    """Split ``text`` into maximal runs that one font can render.

    ``fonts`` are FontFiles, or anything ``cover`` maps to the code points it has
    (the PDF writer passes families).  A character no font has (an emoji, say)
    stays with the preceding run so that it is at least extractable; the PDF
    writer warns about such characters."""
    covers = [(cover or coverage)(f) for f in fonts]       # type: ignore[arg-type]
    if all(map(covers[0].__contains__, map(ord, text))):
        # The usual case, and a C-speed test: the first font has every character.
        if text:
            yield fonts[0], text
        return
    current: F | None = None
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
