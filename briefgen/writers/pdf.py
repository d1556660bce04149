"""The PDF writer: a Brief set with reportlab's platypus, every font embedded, ready to circulate.

Layout follows the think-tank brief (Brookings, OECD country notes): a masthead
and title block on page one, key messages in a shaded box, accent-coloured
headings that double as PDF bookmarks, tables and charts with captions, numbered
sources with live links, and a running footer with "Page N of M".

Text is set in the fonts of :func:`briefgen.fonts.font_set`, split into runs by
glyph coverage so that a Chinese name inside an English sentence gets the CJK
font: body text in the house style's serif or sans family per language, titles,
headings and captions in the sans family, bold and italic in true faces (Chinese
stays upright in an italic run).  The Base-14 fonts (Helvetica...) are never used:
they are not embedded.

Output is reproducible: reportlab runs in invariant mode and the file's dates
come from ``brief.meta.date``, so the same Brief gives the same bytes.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import re
import threading
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..document import (Block, Brief, BulletList, Callout, Citation, Figure, Heading, Inlines,
                        Link, NumberedList, Paragraph, References, Table, TableOfContents,
                        plain)
from .. import characters, links
from ..errors import BriefgenError, BriefgenWarning
from ..fonts import (Family, FontFile, FontSet, coverage, fallbacks_for, family_coverage, font_set,
                     remember_coverage, settable, split_runs)
from ..units import NBSP, WORD_JOINER, keep_with_units
from ..style import DEFAULT_STYLE, HouseStyle
from . import pdf_archive, pdf_tags

# reportlab's font registry and its TrueType subsetting state are process-global
# and not documented as thread-safe, so one brief is built at a time.
_BUILD_LOCK = threading.RLock()

_INK = "#1A1A1A"
_GREY = "#5F6B77"
_RULE = "#C8CFD6"

_CM = 72 / 2.54
_MARGIN = 2.0 * _CM
_MASTHEAD = 1.1 * _CM          # height of the organisation line above page one's rule
#: Longest text the PDF lays out as one piece: five prose fields' worth.
MAX_TEXT_CHARS = 20_000
#: About the smallest frame a flowable meets: page one's, on Letter (the shorter paper).
_MIN_FRAME = 792 - 2 * _MARGIN - _MASTHEAD - 0.6 * _CM
_FOOTER_SIZE = 7.5

_PAGE_LABEL = {"en": "Page {n} of {m}", "zh": "第 {n} 页，共 {m} 页"}
_PDF_LANG = pdf_tags.PDF_LANG


# --------------------------------------------------------------------------- fonts

@dataclass(frozen=True, eq=False)       # hashed by identity: _faces() makes one per font set
class _Faces:
    """One font set, its faces registered with reportlab as they are first asked for.

    A Chinese brief with a serif body needs Noto Serif SC and Noto Sans SC Bold,
    not every shipped face: registering one reads its 2-3 MB file, which every
    cold start pays for."""

    fonts: FontSet

    def name(self, family: Family, bold: bool = False, italic: bool = False) -> str:
        """The reportlab name of the face of ``family`` (CJK families have no italic)."""
        return _register(family.face(bold, italic))

    def cover(self, family: Family, bold: bool = False, italic: bool = False) -> frozenset[int]:
        """What the face of ``family`` in this weight and slant sets, when it comes first.

        Chinese fonts draw "§" full-width, which opens a gap inside every citation mark
        ("[1, §3.1]"): it is left to the Latin family, which sets it as Chinese books do."""
        return _cover(self, family.face(bold, italic),
                      family in (self.fonts.cjk, self.fonts.cjk_heading)
                      and family not in (self.fonts.latin, self.fonts.latin_heading))


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


# --------------------------------------------------------------------------- text

# Besides what the character policy refuses, U+FEFF (a byte-order mark stranded
# mid-text) goes: it is invisible, and text extractors such as pypdf class it as
# Arabic and reverse the characters around it.
_BREAKS = re.compile("[\t\n\r\u2028\u2029]")


@functools.lru_cache(maxsize=4096)
def _clean(text: str, order: tuple[Family, ...]) -> str:
    """Text reportlab can set and a reader can copy.

    Control characters go; line and paragraph separators become spaces; invisible
    format marks no font has (bidi overrides, joiners) go; any other character no
    font has a glyph for (emoji, say) becomes U+FFFD, because reportlab would draw
    .notdef and extraction would yield NUL for it."""
    text = characters.strip(_BREAKS.sub(" ", text)).replace("\ufeff", "")
    covers = [family_coverage(f) for f in order]     # read by _render's _with_fallbacks
    missing = {ch for ch in set(text) if not any(ord(ch) in c for c in covers)}
    if not missing:
        return text
    replacement = "\ufffd" if any(0xFFFD in c for c in covers) else "?"
    out = []
    for ch in text:
        if ch not in missing:
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) != "Cf":
            out.append(replacement)
    return "".join(out)


# A citation mark written into the text itself ("依据：[1, §3.3]"): its space must not break.
_LITERAL_MARK = re.compile(r"(\[\d+,) (?=[^\[\]\s][^\[\]]{0,40}\])")


def _xml_escape(text: str) -> str:
    # xml.sax.saxutils.escape does the same, but importing it pulls in urllib.request,
    # http.client, ssl and email: about 35 ms of every cold PDF.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _xml_escape(value).replace('"', "&quot;").replace("'", "&apos;")


@dataclass
class _Context:
    """Everything one render needs; built per call so nothing leaks between briefs."""

    brief: Brief
    style: HouseStyle
    faces: _Faces
    lang: str
    #: Families of body text, in the order that decides who sets a character; then headings'.
    order: tuple[Family, ...]
    heading_order: tuple[Family, ...]
    styles: dict
    ref_numbers: frozenset[int]
    frame_width: float
    #: Lay the pages out only: nothing is drawn or saved, and ``pages`` gets the count.
    measure: bool = False
    pages: int = 0        # set when the canvas is saved
    #: Pages filled, the last one in part (3.4 = three and 40% of the fourth), set by _render.
    filled: float = 0.0
    #: The share of each page's frame used, set by _render.
    page_fills: list[float] = field(default_factory=list)
    #: The structure tree being filled as pages are drawn (None: an untagged PDF).
    tagger: pdf_tags.Tagger | None = None
    #: Share of the usual vertical space between blocks (below 1 when copyfitting, see layout).
    spacing: float = 1.0

    def runs(self, text: str, *, bold: bool = False, italic: bool = False, heading: bool = False) -> str:
        """Paragraph markup for plain text: escaped, and each run in a font that has its glyphs.

        ``heading`` sets it in the heading families (sans); Chinese is never slanted."""
        if len(text) > MAX_TEXT_CHARS:
            # Line breaking costs more than linearly in a paragraph's length: bound it, and say
            # where such a text comes from (validated content is far shorter).
            raise BriefgenError(f"the brief holds a text of {len(text):,} characters (it begins "
                                f"{text[:40]!r}); the PDF sets at most {MAX_TEXT_CHARS:,} in one piece. "
                                "A text this long comes from a template: shorten what its macro returns")
        order = self.heading_order if heading else self.order
        # Numbers stay with their units (briefgen/units.py): Latin lines break only at
        # spaces, and a no-break space is none; Chinese lines see the word joiners as glue
        # (_cjk_lines), which no font draws, so they pass _clean piece by piece.
        text = keep_with_units(text)
        if self.lang == "zh" and WORD_JOINER in text:
            text = WORD_JOINER.join(_clean(piece, order) for piece in text.split(WORD_JOINER))
        else:
            text = _clean(text.replace(WORD_JOINER, ""), order)
        if self.lang != "zh":   # Chinese lines keep marks whole by rule (_cjk_break) instead
            text = _LITERAL_MARK.sub("\\1\u00a0", text)
        out = []
        faces = self.faces
        for family, run in split_runs(text, order, lambda f: faces.cover(f, bold, italic)):
            out.append(f'<font face="{faces.name(family, bold, italic)}">{_xml_escape(run)}</font>')
        return "".join(out)

    def inlines(self, inlines: Inlines) -> str:
        """Paragraph markup for a run of inlines: citations link to their source, links are live."""
        out = []
        accent = self.style.accent
        for run in inlines:
            if isinstance(run, Citation):
                # A no-break space keeps a mark such as "[1, §3.1]" on one line.  Not in
                # Chinese: reportlab justifies a CJK line by widening its no-break spaces
                # alone, so there the line breaker keeps the mark whole (_cjk_break).
                label = run.label if self.lang == "zh" else run.label.replace(" ", "\u00a0")
                mark = self.runs(label)
                if run.number in self.ref_numbers:
                    mark = f'<a href="#ref-{run.number}" color="{accent}">{mark}</a>'
                out.append(mark)
            elif isinstance(run, Link):
                shown = self.runs(run.text or run.url)
                target = links.safe(run.url)
                if target is not None:
                    shown = f'<a href="{_attr(target)}" color="{accent}">{shown}</a>'
                out.append(shown)
            else:
                out.append(self.runs(run.text, bold=run.bold, italic=run.italic))
        return "".join(out)


# --------------------------------------------------------------------------- styles

@functools.lru_cache(maxsize=16)
def _styles(style: HouseStyle, lang: str, faces: _Faces) -> dict:
    """Paragraph styles for one house style and language (immutable once built, so shared)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    zh = lang == "zh"
    regular = faces.name(faces.fonts.order(lang)[0])
    bold = faces.name(faces.fonts.order(lang, heading=True)[0], bold=True)
    body = style.body_size
    small = style.small_size
    h1, h2, h3 = style.heading_sizes
    accent = colors.HexColor(style.accent)
    ink = colors.HexColor(_INK)
    grey = colors.HexColor(_GREY)
    # Chinese is set justified on a wider leading, as Chinese books are; English ragged right.
    leading = 1.62 if zh else 1.42
    base = ParagraphStyle(
        "body", fontName=regular, fontSize=body, leading=body * leading, textColor=ink,
        alignment=TA_JUSTIFY if zh else TA_LEFT, wordWrap="CJK" if zh else None,
        spaceAfter=body * 0.6, splitLongWords=1, bulletFontName=regular,
        allowOrphans=0, allowWidows=0, hyphenationLang=None)

    def derive(name: str, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "lead": derive("lead", fontSize=body * 1.14, leading=body * 1.14 * leading,
                       textColor=colors.HexColor("#333333"), spaceAfter=body),
        "note": derive("note", fontSize=small, leading=small * 1.4, textColor=grey,
                       spaceAfter=small * 0.8),
        "title": derive("title", fontName=bold, fontSize=style.title_size,
                        leading=style.title_size * 1.22, textColor=ink, alignment=TA_LEFT,
                        spaceAfter=style.title_size * 0.35),
        "subtitle": derive("subtitle", fontSize=body * 1.3, leading=body * 1.3 * 1.3,
                           textColor=grey, alignment=TA_LEFT, spaceAfter=body * 0.5),
        "edition": derive("edition", fontSize=small, leading=small * 1.4, textColor=grey,
                          alignment=TA_LEFT, spaceAfter=0),
        "h1": derive("h1", fontName=bold, fontSize=h1, leading=h1 * 1.3, textColor=accent,
                     alignment=TA_LEFT, spaceBefore=body * 1.7, spaceAfter=body * 0.55,
                     keepWithNext=1),
        "h2": derive("h2", fontName=bold, fontSize=h2, leading=h2 * 1.3, textColor=ink,
                     alignment=TA_LEFT, spaceBefore=body * 1.2, spaceAfter=body * 0.4,
                     keepWithNext=1),
        "h3": derive("h3", fontName=bold, fontSize=h3, leading=h3 * 1.35, textColor=ink,
                     alignment=TA_LEFT, spaceBefore=body * 0.9, spaceAfter=body * 0.3,
                     keepWithNext=1),
        "callout_title": derive("callout_title", fontName=bold, fontSize=h2,
                                leading=h2 * 1.3, textColor=accent, alignment=TA_LEFT,
                                spaceAfter=0),
        "callout_item": derive("callout_item", leftIndent=body * 1.3,
                               bulletIndent=0, bulletFontName=faces.name(_bullet_font(faces, lang)),
                               bulletColor=accent, spaceAfter=0),
        "bullet_item": derive("bullet_item", leftIndent=body * 1.7, bulletIndent=body * 0.1,
                              bulletFontName=faces.name(_bullet_font(faces, lang)),
                              bulletColor=accent, spaceAfter=body * 0.3),
        "number_item": derive("number_item", leftIndent=body * 1.7, bulletIndent=0,
                              bulletFontName=regular, bulletColor=ink, spaceAfter=body * 0.3),
        "cell": derive("cell", fontSize=body * 0.9, leading=body * 0.9 * 1.32,
                       alignment=TA_LEFT, spaceAfter=0),
        "cell_head": derive("cell_head", fontName=bold, fontSize=body * 0.9,
                            leading=body * 0.9 * 1.32, alignment=TA_LEFT, spaceAfter=0),
        "caption": derive("caption", fontName=bold, fontSize=small * 1.08,
                          leading=small * 1.08 * 1.4, alignment=TA_LEFT,
                          spaceBefore=body * 0.4, spaceAfter=body * 0.4, keepWithNext=1),
        "figure_caption": derive("figure_caption", fontName=bold, fontSize=small * 1.08,
                                 leading=small * 1.08 * 1.4, alignment=TA_LEFT,
                                 spaceBefore=body * 0.3, spaceAfter=small * 0.2),
        "toc_title": derive("toc_title", fontName=bold, fontSize=small, leading=small * 1.5,
                            textColor=grey, alignment=TA_LEFT, spaceBefore=body * 0.6,
                            spaceAfter=small * 0.3),
        "toc_item": derive("toc_item", fontSize=small * 1.05, leading=small * 1.05 * 1.5,
                           alignment=TA_LEFT, spaceAfter=0),
        "reference": derive("reference", fontSize=small, leading=small * 1.45,
                            alignment=TA_LEFT, leftIndent=small * 2.8,
                            firstLineIndent=-small * 2.8, spaceAfter=small * 0.45),
    }


@functools.lru_cache(maxsize=16)
def _fitted_styles(style: HouseStyle, lang: str, faces: _Faces, spacing: float) -> dict:
    """:func:`_styles` with the space between blocks scaled by ``spacing`` and lines set a
    little closer in proportion (copyfitting: see :func:`layout`)."""
    from reportlab.lib.styles import ParagraphStyle

    styles = _styles(style, lang, faces)
    if spacing == 1.0:
        return styles
    leading = 1 - (1 - spacing) / 8        # 0.6 of the spacing: lines 5% closer
    return {name: ParagraphStyle(name, parent=st, spaceBefore=st.spaceBefore * spacing,
                                 spaceAfter=st.spaceAfter * spacing, leading=st.leading * leading)
            for name, st in styles.items()}


def _bullet_font(faces: _Faces, lang: str) -> Family:
    # Chinese fonts draw U+2022 as a small middle dot: the Latin sans bullet reads as one.
    for family in (faces.fonts.latin_heading, *faces.fonts.order(lang)):
        if 0x2022 in faces.cover(family):
            return family
    return faces.fonts.order(lang)[0]


# --------------------------------------------------------------------------- flowables

# Line-breaking rules for Chinese (W3C "Requirements for Chinese Text Layout", GB/T 15834):
# closing punctuation never starts a line, opening punctuation never ends one.  reportlab's
# own CJK wrapper knows only the Japanese set (it lets "，" "；" "：" "”" start a line), may
# start a line with a space, and splits a Latin word or a citation mark anywhere.
_CANNOT_START = frozenset("，。、；：！？）】》」』〕〉］｝〗〙”’·・‥%‰℃°,.;:!?)]}")
_CANNOT_END = frozenset("（【《「『〔〈［｛〖〘“‘([{")
_NO_SPLIT_PAIRS = frozenset("—…")        # "——" and "……" are one mark each


def _is_space(ch: str) -> bool:
    # U+00A0 is a space that must not break (citation marks use it).
    return ch in (" ", "\t", "\u3000") or (ch != "\u00a0" and ch.isspace())


def _is_cjk(ch: str) -> bool:
    """A character a line may break before or after without a space (ideographs, CJK punctuation)."""
    return bool(ch) and (ord(ch[0]) >= 0x2E80 or ch in "“”‘’—…·")


def _in_citation_mark(chars: list, comma: int) -> bool:
    """Whether ``chars[comma]`` is the comma of a citation mark such as "[12, §3.1]"."""
    if chars[comma] != ",":
        return False
    k = comma - 1
    while k >= 0 and chars[k].isdigit():
        k -= 1
    return k < comma - 1 and k >= 0 and chars[k] == "["


def _cjk_break(chars: list, start: int, overflow: int) -> int:
    """Where the line that began at ``start`` ends, given that ``chars[overflow]`` does not fit.

    Returns the index the next line starts at.  The break goes as late as possible
    where the rules allow: not before closing punctuation, not after opening
    punctuation, not inside "——" or "……" or a citation mark, and inside Latin text only
    at a space.  A line the rules cannot break is broken where it overflows."""
    n = len(chars)
    first = overflow
    while first < n and _is_space(chars[first]):
        first += 1                       # spaces at the break hang at the line's end, unseen
    if first >= n:
        return n
    for b in range(first, start, -1):
        nxt = chars[b]
        if _is_space(nxt):
            continue
        gap = _is_space(chars[b - 1])
        k = b - 1
        while k >= start and (_is_space(chars[k]) or chars[k] == ""):
            k -= 1
        if k < start:
            continue                     # nothing but spaces before: not a line
        prev = chars[k]
        if nxt in _CANNOT_START or prev in _CANNOT_END:
            continue
        if prev == nxt and prev in _NO_SPLIT_PAIRS:
            continue
        if nxt == NBSP or prev == NBSP or getattr(chars[b - 1], "joined", False):
            continue                     # a number and its unit (briefgen/units.py)
        if gap and _in_citation_mark(chars, k):
            continue
        if gap or _is_cjk(prev) or _is_cjk(nxt):
            return b
    return max(overflow, start + 1)      # e.g. a URL wider than the column


def _cjk_line(chars: list, max_width: float, line_width: float, line_break: bool, calc_bounds: bool,
              justify: bool):
    """One line for reportlab, set up so a justified paragraph fills the measure.

    Chinese has no spaces to stretch, so reportlab leaves justified CJK lines ragged.
    Here the line counts one "word" per character; reportlab then asks for word
    spacing of (slack / gaps), which _cjk_text_class turns into character spacing.
    A line whose slack would visibly letter-space it (a long Latin word pushed to
    the next line) stays ragged instead."""
    line = _cjk_para_line(chars, max_width, line_width, max_width - line_width, line_break, calc_bounds)
    if not justify or line_break:
        return line
    glyphs = sum(1 for u in chars if u != "")
    nbsp = sum(1 for u in chars if u == "\u00a0")
    font_size = max((u.frag.fontSize for u in chars), default=10)
    if glyphs > 1 and 0 < line.extraSpace / (glyphs - 1) <= 0.12 * font_size:
        line.wordCount = glyphs - nbsp   # reportlab adds the no-break spaces back
    else:
        line.extraSpace = 0              # set flush left: nothing to spread
    return line


def _cjk_para_line(chars: list, max_width: float, width_used: float, extra_space: float, line_break: bool,
                   calc_bounds: bool):
    """reportlab's makeCJKParaLine, which joins a line's characters into runs of one frag,
    without comparing each character's frag with the last: a character of the same frag
    object as the one before joins its run as sameFrag would have said (a frag with a
    cbDefn or a lineBreak is never the same, so each of its characters stands alone)."""
    from reportlab.platypus.paragraph import FragLine, getAscentDescent, imgNormV, imgVRange, sameFrag

    words = []
    run: list = []
    f0 = FragLine()
    max_size = max_ascent = min_descent = 0
    for u in chars:
        f = u.frag
        if f is f0 and not ("cbDefn" in f.__dict__ or "lineBreak" in f.__dict__):
            run.append(u)          # same size and face: the bounds below cannot change
            continue
        font_size = f.fontSize
        cb = getattr(f, "cbDefn", None) if calc_bounds else None
        if getattr(cb, "width", 0):
            descent, ascent = imgVRange(imgNormV(cb.height, font_size), cb.valign, font_size)
        else:
            ascent, descent = getAscentDescent(f.fontName, font_size)
        max_size = max(max_size, font_size)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        if not sameFrag(f0, f):
            f0 = f0.clone()
            f0.text = "".join(run)
            words.append(f0)
            run = []
            f0 = f
        run.append(u)
    if run:
        f0 = f0.clone()
        f0.text = "".join(run)
        words.append(f0)
    return FragLine(kind=1, extraSpace=extra_space, wordCount=1, words=words[1:], fontSize=max_size,
                    ascent=max_ascent, descent=min_descent, maxWidth=max_width, currentWidth=width_used,
                    lineBreak=line_break)


def _cjk_lines(frags, max_widths, calc_bounds: bool, justify: bool = False):
    """reportlab's cjkFragSplit with Chinese line-breaking rules (see _cjk_break)."""
    from reportlab.platypus.paragraph import ParaLines, cjkU
    from reportlab.rl_config import _FUZZ

    chars = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        if text:
            for ch in text:
                if ch == WORD_JOINER:    # not drawn: it marks the character before as joined
                    if chars:
                        chars[-1].joined = True
                    continue
                chars.append(cjkU(ch, frag, "utf8"))
        else:                            # an anchor, an image or a <br/>: one empty slot
            chars.append(cjkU(text, frag, "utf8"))

    def width(u, max_width: float) -> float:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return w

    lines = []
    n = len(chars)
    start = i = 0
    used = 0.0
    max_width = max_widths[0]
    while i < n:
        u = chars[i]
        used += width(u, max_width)
        line_break = hasattr(u.frag, "lineBreak")
        if not line_break and not (used > max_width + _FUZZ and used > 0):
            i += 1
            continue
        nxt = i + 1 if line_break else _cjk_break(chars, start, i)
        end = nxt
        while end > start + 1 and _is_space(chars[end - 1]):
            end -= 1                     # trailing spaces take no room and are not drawn
        line_width = sum(width(c, max_width) for c in chars[start:end])
        lines.append(_cjk_line(chars[start:end], max_width, line_width, line_break, calc_bounds, justify))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = i = nxt
        while not line_break and start < n and _is_space(chars[start]):
            start = i = start + 1       # a line never begins with a space
        used = 0.0
    if start < n:
        line_width = sum(width(c, max_width) for c in chars[start:])
        lines.append(_cjk_line(chars[start:], max_width, line_width, False, calc_bounds, justify))
    return ParaLines(kind=1, lines=lines)


@functools.lru_cache(maxsize=1)
def _paragraph_class():
    from reportlab.platypus import Paragraph as RLParagraph

    class BriefParagraph(RLParagraph):
        """A Paragraph that can join the PDF outline, fake a bold face and balance its lines."""

        outline_key = ""
        outline_text = ""
        outline_level = 0
        #: Stroke width (points) that thickens a face with no bold of its own (a configured CJK font).
        faux_bold = 0.0
        #: Wrap to the narrowest width that keeps the line count, so a title never ends
        #: on one orphaned character.
        balanced = False

        def wrap(self, avail_width, avail_height):
            # The lines depend on the width alone, and platypus asks again and again
            # (keep-with-next groups, then the frame): break them once per width.
            memo = self.__dict__.get("_memo")
            if memo is not None and memo[0] == avail_width:
                _, result, self.width, self.height, self.blPara, self._wrapWidths = memo
                return result
            result = self._wrap(avail_width, avail_height)
            self._memo = (avail_width, result, self.width, self.height, self.blPara, self._wrapWidths)
            return result

        def _wrap(self, avail_width, avail_height):
            width, height = super().wrap(avail_width, avail_height)
            if not self.balanced or len(getattr(self.blPara, "lines", ())) < 2:
                return width, height
            lines = len(self.blPara.lines)
            lo, hi = avail_width * 0.55, avail_width
            for _ in range(8):
                mid = (lo + hi) / 2
                super().wrap(mid, avail_height)
                if len(self.blPara.lines) > lines:
                    lo = mid
                else:
                    hi = mid
            _, height = super().wrap(hi, avail_height)
            return avail_width, height

        def breakLinesCJK(self, maxWidths):  # noqa: N802 (reportlab's name)
            from reportlab.platypus.paragraph import _handleBulletWidth

            if not isinstance(maxWidths, (list, tuple)):
                maxWidths = [maxWidths]
            if not self.frags or getattr(self.style, "endDots", None):
                return super().breakLinesCJK(maxWidths)
            if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
                return self.blPara       # the rest of a paragraph split across pages
            self.height = 0
            _handleBulletWidth(self.bulletText, self.style, maxWidths)
            auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
            return _cjk_lines(self.frags, maxWidths, auto not in ("", "off"), self._justified())

        def drawOn(self, canv, x, y, _sW=0):  # noqa: N802 (reportlab's name)
            with pdf_tags.marked(canv, self):
                super().drawOn(canv, x, y, _sW)

        def split(self, avail_width, avail_height):
            parts = super().split(avail_width, avail_height)
            for part in parts:          # both halves of a split paragraph are one element
                if "tag" in self.__dict__ and part is not self:
                    part.tag = self.tag
            return parts

        def _justified(self) -> bool:
            from reportlab.lib.enums import TA_JUSTIFY

            return self.style.alignment == TA_JUSTIFY

        def beginText(self, x, y):  # noqa: N802 (reportlab's name)
            text = super().beginText(x, y)
            if self.style.wordWrap == "CJK" and self._justified():
                text.__class__ = _cjk_text_class()
            text.__class__ = pdf_tags.text_class(text.__class__)   # /Lang on the other language
            return text

        def draw(self):
            if _measuring(self.canv):
                return            # the text was set when it wrapped; drawing it moves nothing
            if not self.faux_bold:
                return super().draw()
            canv = self.canv
            canv.saveState()
            canv.setStrokeColor(self.style.textColor)
            canv.setLineWidth(self.faux_bold)
            canv.setLineJoin(1)
            canv._code.append("2 Tr")     # fill and stroke: text render mode persists across BT
            try:
                super().draw()
            finally:
                canv.restoreState()

    return BriefParagraph


@functools.lru_cache(maxsize=1)
def _cjk_text_class():
    from reportlab.pdfgen.textobject import PDFTextObject

    class CJKJustifiedText(PDFTextObject):
        """Spreads a justified line's slack between characters, not spaces (see _cjk_line)."""

        def setWordSpace(self, wordSpace):  # noqa: N802 (reportlab's name)
            # Zero word spacing keeps reportlab's own link and underline arithmetic,
            # which adds word spacing per space, from counting the slack twice.
            self._wordSpace = 0
            self.setCharSpace(wordSpace)

    return CJKJustifiedText


def _measuring(canv) -> bool:
    """Whether ``canv`` only lays pages out (layout(draw=False)), so flowables need not draw."""
    ctx = getattr(canv, "_brief_ctx", None)
    return bool(ctx is not None and ctx.measure)


def _para(ctx: _Context, markup: str, style_name: str, *, bold: bool = False,
          balanced: bool = False):
    """A paragraph in a named style; ``bold`` fakes weight where the CJK face has no bold
    (a house style's single font_cjk file): the shipped Noto SC has a true Bold."""
    style = ctx.styles[style_name]
    para = _paragraph_class()(markup, style)
    if bold and ctx.lang == "zh" and not ctx.faces.fonts.cjk_heading.has_bold:
        para.faux_bold = round(style.fontSize / 38, 3)
    para.balanced = balanced
    return para


def _heading(ctx: _Context, text: str, level: int, key: str):
    para = _para(ctx, ctx.runs(text, bold=True, heading=True), f"h{min(max(level, 1), 3)}", bold=True)
    para.outline_key = key
    para.outline_text = _clean(text, ctx.order)
    para.outline_level = max(level, 1) - 1
    return para


_TITLE_BREAK = re.compile(r"(?<=：)|(?<=:)\s+")


def _title_markup(ctx: _Context, title: str) -> str:
    """A title that must wrap breaks after its colon when both halves fit a line each,
    the way a headline and its dek are set; otherwise it is balanced by width."""
    size = ctx.styles["title"].fontSize
    parts = _TITLE_BREAK.split(title, maxsplit=1)
    if (len(parts) == 2 and all(p.strip() for p in parts)
            and _text_width(ctx, title, size, bold=True) > ctx.frame_width
            and all(_text_width(ctx, p, size, bold=True) <= ctx.frame_width * 0.98
                    for p in parts)):
        return (ctx.runs(parts[0].rstrip(), bold=True, heading=True) + "<br/>"
                + ctx.runs(parts[1], bold=True, heading=True))
    return ctx.runs(title, bold=True, heading=True)


def _title_block(ctx: _Context) -> list:
    from reportlab.platypus import Spacer
    from reportlab.platypus.flowables import HRFlowable

    meta = ctx.brief.meta
    out = []
    if meta.title:
        out.append(_para(ctx, _title_markup(ctx, meta.title), "title", bold=True, balanced=True))
    if meta.subtitle:
        out.append(_para(ctx, ctx.runs(meta.subtitle), "subtitle"))
    if meta.edition:
        out.append(_para(ctx, ctx.runs(meta.edition), "edition"))
    out.append(Spacer(1, ctx.style.body_size * 0.9 * ctx.spacing))
    out.append(HRFlowable(width="100%", thickness=0.6, color=_RULE, spaceBefore=0,
                          spaceAfter=ctx.style.body_size * 1.2 * ctx.spacing))
    return out


def _callout(ctx: _Context, block: Callout) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    body = ctx.style.body_size
    rows = []
    if block.title:
        rows.append([_para(ctx, ctx.runs(block.title, bold=True, heading=True), "callout_title", bold=True)])
    for item in block.items:
        para = _para(ctx, ctx.inlines(item), "callout_item")
        para.bulletText = "\u2022"
        rows.append([para])
    if not rows:
        return []
    # One row per message, so a long box can break between messages across pages;
    # splitInRow lets one message longer than a page break inside itself too.
    table = RLTable(rows, colWidths=[ctx.frame_width], hAlign="LEFT", splitInRow=1)
    cmds = [
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(ctx.style.accent_light)),
        ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor(ctx.style.accent)),
        ("LEFTPADDING", (0, 0), (-1, -1), body * 1.3),
        ("RIGHTPADDING", (0, 0), (-1, -1), body * 1.3),
        ("TOPPADDING", (0, 0), (-1, -1), body * 0.35),
        ("BOTTOMPADDING", (0, 0), (-1, -1), body * 0.35),
        ("TOPPADDING", (0, 0), (-1, 0), body * 1.0),
        ("BOTTOMPADDING", (0, -1), (-1, -1), body * 1.1),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # Cells hold Paragraphs, but the table still sets a font per cell: never Helvetica.
        ("FONTNAME", (0, 0), (-1, -1), ctx.faces.name(ctx.order[0])),
    ]
    if block.title:
        cmds.append(("BOTTOMPADDING", (0, 0), (-1, 0), body * 0.55))
    table.setStyle(TableStyle(cmds))
    table.spaceAfter = body * 1.0 * ctx.spacing
    return [table]


def _toc(ctx: _Context, block: TableOfContents) -> list:
    """A short list of the main sections, each linked to its page (the outline does the rest)."""
    from reportlab.platypus import KeepTogether, Spacer

    items = [(_section_key(i), b) for i, b in enumerate(ctx.brief.blocks)
             if isinstance(b, Heading) and b.level == 1]
    if not items:
        return []
    flow = []
    if block.title:
        flow.append(_para(ctx, ctx.runs(block.title, bold=True, heading=True), "toc_title", bold=True))
    for i, (key, heading) in enumerate(items, 1):
        number = ctx.runs(f"{i}  ")
        flow.append(_para(ctx, f'<a href="#{key}" color="{ctx.style.accent}">{number}</a>'
                               f'<a href="#{key}">{ctx.runs(heading.text)}</a>', "toc_item"))
    # The items have no space after them; the text that follows must not touch the list.
    return [KeepTogether(flow), Spacer(1, ctx.style.body_size)]


def _list(ctx: _Context, block: BulletList | NumberedList) -> list:
    """One paragraph per item with a hanging bullet or number.

    Plain paragraphs rather than a ListFlowable: reportlab will not chain a container
    to the heading before it (keepWithNext), which left headings alone at page feet."""
    from reportlab.lib.styles import ParagraphStyle

    if not block.items:
        return []
    numbered = isinstance(block, NumberedList)
    style = ctx.styles["number_item" if numbered else "bullet_item"]
    last = ParagraphStyle("last_item", parent=style, spaceAfter=ctx.style.body_size * 0.8 * ctx.spacing)
    out = []
    for i, item in enumerate(block.items):
        para = _paragraph_class()(ctx.inlines(item), last if i == len(block.items) - 1 else style)
        para.bulletText = f"{block.start + i}." if numbered else "\u2022"
        out.append(para)
    return out


_NUMERIC = re.compile(r"^[\s(]*[-+−]?[\d.,]+\s*%?")


def _table(ctx: _Context, block: Table) -> list:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    ncols = max([len(block.header), *(len(r) for r in block.rows)] or [0])
    if ncols == 0:
        return []
    out = []
    if block.caption:
        out.append(_para(ctx, ctx.runs(block.caption, bold=True, heading=True), "caption", bold=True))

    # Columns whose every cell starts with a figure are right-aligned, as tables of numbers are.
    numeric = []
    for c in range(ncols):
        cells = [plain(row[c]).strip() for row in block.rows if c < len(row)]
        cells = [x for x in cells if x]
        numeric.append(c > 0 and bool(cells) and all(_NUMERIC.match(x) for x in cells))
    cell, head = ctx.styles["cell"], ctx.styles["cell_head"]
    cell_r = ParagraphStyle("cell_r", parent=cell, alignment=TA_RIGHT)
    head_r = ParagraphStyle("head_r", parent=head, alignment=TA_RIGHT)

    data = []
    if block.header:
        header = list(block.header) + [""] * (ncols - len(block.header))
        data.append([_para_style(ctx, ctx.runs(h, bold=True, heading=True), head_r if numeric[c] else head,
                                 bold=True) for c, h in enumerate(header)])
    for row in block.rows:
        cells = list(row) + [()] * (ncols - len(row))
        data.append([_para_style(ctx, ctx.inlines(x), cell_r if numeric[c] else cell)
                     for c, x in enumerate(cells)])

    weights = block.widths if block.widths and len(block.widths) == ncols and all(
        w > 0 for w in block.widths) else (1,) * ncols
    total = float(sum(weights))
    widths = [ctx.frame_width * w / total for w in weights]

    body = ctx.style.body_size
    grid = colors.HexColor(_RULE)
    cmds = [
        ("GRID", (0, 0), (-1, -1), 0.4, grid),
        ("FONTNAME", (0, 0), (-1, -1), ctx.faces.name(ctx.order[0])),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), body * 0.55),
        ("RIGHTPADDING", (0, 0), (-1, -1), body * 0.55),
        ("TOPPADDING", (0, 0), (-1, -1), body * 0.32),
        ("BOTTOMPADDING", (0, 0), (-1, -1), body * 0.42),
    ]
    if block.header:
        cmds += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(ctx.style.accent_light)),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.9, colors.HexColor(ctx.style.accent)),
                 ("VALIGN", (0, 0), (-1, 0), "BOTTOM")]
    # A header repeats on every page of a long table, unless it is so tall (a very long
    # region name) that repeating it would leave no room for a row: reportlab cannot
    # split a repeated row, and would give up on the whole brief.
    repeat = 1 if block.header and _row_height(data[0], widths, body * 1.1) < _MIN_FRAME / 3 else 0
    table = RLTable(data, colWidths=widths, repeatRows=repeat,
                    hAlign="LEFT", splitByRow=1, splitInRow=1)
    table.setStyle(TableStyle(cmds))
    table.spaceAfter = (body * 0.3 if block.note else body * 1.0) * ctx.spacing
    out.append(table)
    if block.note:
        note = _para(ctx, ctx.inlines(block.note), "note")
        note.style = ParagraphStyle("table_note", parent=note.style, spaceBefore=body * 0.15,
                                    spaceAfter=body * 0.9 * ctx.spacing)
        out.append(note)
    return out


def _row_height(cells: list, widths: list[float], padding: float) -> float:
    """The height a table row of Paragraphs takes at these column widths."""
    return max(p.wrap(max(w - padding, 1.0), 1e9)[1] for p, w in zip(cells, widths)) + padding


def _para_style(ctx: _Context, markup: str, style, *, bold: bool = False):
    para = _paragraph_class()(markup, style)
    if bold and ctx.lang == "zh" and not ctx.faces.fonts.cjk_heading.has_bold:
        para.faux_bold = round(style.fontSize / 38, 3)
    return para


@functools.lru_cache(maxsize=8)
def _measurer(faces: _Faces, order: tuple[Family, ...], italic: bool = False):
    """Width of a chart label as the PDF sets it: each run in the face that has its glyphs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def cover(family: Family) -> frozenset[int]:
        return faces.cover(family, italic=italic)

    def measure(text: str, size: float) -> float:
        text = _clean(text, order)
        return sum(stringWidth(run, faces.name(family, italic=italic), size)
                   for family, run in split_runs(text, order, cover))

    return measure


def _chart_drawing(ctx: _Context, block: Figure):
    """The chart as a reportlab Drawing: vector bars and rules, text in the brief's embedded faces.

    The geometry is :func:`briefgen.charts.layout`'s (y down from the top); reportlab's
    y goes up, so every y is flipped here and nowhere else."""
    from reportlab.graphics.shapes import Line, Rect, String
    from reportlab.lib.colors import HexColor

    from .. import charts

    # Charts are set in the body family: a sans face for them alone would cost a Chinese
    # brief one more 2-3 MB font to parse at every cold start.
    measure = _measurer(ctx.faces, ctx.order)
    geo = charts.layout(block.chart, round(ctx.frame_width, 3), ctx.style.body_size * 0.85,
                        ctx.style.accent, measure)
    top = geo.height
    drawing = _drawing_class()(geo.width, geo.height, ctx.faces.name(ctx.order[0]))
    if ctx.measure:
        return drawing              # counting pages needs only the size
    def line(rule) -> None:
        drawing.add(Line(rule.x1, top - rule.y1, rule.x2, top - rule.y2,
                         strokeColor=HexColor(rule.colour), strokeWidth=rule.width))

    for rule in geo.grid:
        line(rule)
    for box in geo.boxes:
        drawing.add(Rect(box.x, top - box.y - box.h, box.w, box.h, fillColor=HexColor(box.fill),
                         strokeColor=None, strokeWidth=0))
    for rule in geo.rules:
        line(rule)
    for label in geo.labels:
        text = _clean(label.text, ctx.order)
        runs = list(split_runs(text, ctx.order, lambda f: ctx.faces.cover(f, italic=label.italic)))
        width = _measurer(ctx.faces, ctx.order, label.italic)(text, label.size)
        x = label.x - {"start": 0.0, "middle": width / 2, "end": width}[label.anchor]
        colour = HexColor(label.colour)
        for font, run in runs:
            # One String per font run, so a Chinese name in an English chart gets the CJK face.
            name = ctx.faces.name(font, italic=label.italic)
            drawing.add(String(x, top - label.y, run, fontName=name, fontSize=label.size,
                               fillColor=colour))
            x += _measurer(ctx.faces, (font,), label.italic)(run, label.size)
    return drawing


@functools.lru_cache(maxsize=1)
def _drawing_class():
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import Flowable

    class ChartDrawing(Flowable):
        """A chart Drawing as a flowable that draws nothing while the pages are only being counted."""

        def __init__(self, width: float, height: float, font: str):
            super().__init__()
            self.width, self.height = width, height
            # Without an initial font the renderer selects Helvetica, which is never embedded.
            self.drawing = Drawing(width, height, initialFontName=font)

        def add(self, shape) -> None:
            self.drawing.add(shape)

        def wrap(self, avail_width, avail_height):
            return self.width, self.height

        def drawOn(self, canv, x, y, _sW=0):  # noqa: N802 (reportlab's name)
            with pdf_tags.marked(canv, self):
                super().drawOn(canv, x, y, _sW)

        def draw(self):
            if not _measuring(self.canv):
                self.drawing.drawOn(self.canv, 0, 0)

    return ChartDrawing


def _figure(ctx: _Context, block: Figure) -> list:
    body = ctx.style.body_size
    parts: list = []
    if block.chart.bars:            # a chart with no data is no chart: keep caption and source
        parts.append(_chart_drawing(ctx, block))
    if block.caption:
        parts.append(_para(ctx, ctx.runs(block.caption, bold=True, heading=True), "figure_caption", bold=True))
    if block.source:
        parts.append(_para(ctx, ctx.inlines(block.source), "note"))
    if not parts:
        return []
    # Chained with keepWithNext rather than boxed in a KeepTogether, so that a heading
    # just before the figure joins the chain and is never left alone at a page foot.
    for part in parts[:-1]:
        part.keepWithNext = 1
    parts[0].spaceBefore = body * 0.4 * ctx.spacing
    parts[-1].spaceAfter = body * ctx.spacing
    return parts


def _references(ctx: _Context, block: References, key: str) -> list:
    out = []
    if block.title:
        out.append(_heading(ctx, block.title, 1, key))
    for ref in block.items:
        text = ctx.runs(f"[{ref.number}]") + "\u00a0" * 2 + ctx.runs(ref.text)
        if ref.url:
            url = ref.url.strip()
            shown = ctx.runs(url)
            target = links.safe(url)
            if target is not None:
                shown = f'<a href="{_attr(target)}" color="{ctx.style.accent}">{shown}</a>'
            text += " " + shown
        out.append(_para(ctx, f'<a name="ref-{ref.number}"/>{text}', "reference"))
    return out


def _section_key(index: int) -> str:
    """The bookmark name of the block at ``index``: by position, since equal blocks may repeat."""
    return f"sec-{index}"


def _block(ctx: _Context, block: Block, index: int) -> list:
    if isinstance(block, Heading):
        return [_heading(ctx, block.text, block.level, _section_key(index))]
    if isinstance(block, Paragraph):
        role = block.role if block.role in ("lead", "note") else "body"
        return [_para(ctx, ctx.inlines(block.inlines), role)]
    if isinstance(block, (BulletList, NumberedList)):
        return _list(ctx, block)
    if isinstance(block, Table):
        return _table(ctx, block)
    if isinstance(block, Figure):
        return _figure(ctx, block)
    if isinstance(block, Callout):
        return _callout(ctx, block)
    if isinstance(block, References):
        return _references(ctx, block, _section_key(index))
    if isinstance(block, TableOfContents):
        return _toc(ctx, block)
    raise TypeError(f"the PDF writer does not know block {type(block).__name__}")


# --------------------------------------------------------------------------- pages

def _draw_text(canv, ctx: _Context, x: float, y: float, text: str, size: float,
               align: str = "left") -> float:
    """Draw one line of plain text in font runs on the canvas; return its width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = [(ctx.faces.name(family), run)
            for family, run in split_runs(_clean(text, ctx.order), ctx.order, ctx.faces.cover)]
    width = sum(stringWidth(run, name, size) for name, run in runs)
    if align == "right":
        x -= width
    for name, run in runs:
        canv.setFont(name, size)
        canv.drawString(x, y, run)
        x += stringWidth(run, name, size)
    return width


def _text_width(ctx: _Context, text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    order = ctx.heading_order if bold else ctx.order
    return sum(stringWidth(run, ctx.faces.name(family, bold), size)
               for family, run in split_runs(_clean(text, order), order,
                                             lambda f: ctx.faces.cover(f, bold)))


def _fit(ctx: _Context, text: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis until it fits ``width`` points."""
    if _text_width(ctx, text, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:                      # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if _text_width(ctx, text[:mid].rstrip() + "…", size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


@functools.lru_cache(maxsize=1)
def _canvas_class():
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Holds pages back until the end, so each footer can say "Page N of M".

        Destinations made on a held-back page are re-pointed to it when it is
        finally written; otherwise every bookmark would point at page one."""

        def __init__(self, *args, brief_ctx: _Context, **kwargs):
            super().__init__(*args, **kwargs)
            self._brief_ctx = brief_ctx
            self._held: list[dict] = []
            self._page_dests: list = []
            meta_date = brief_ctx.brief.meta.date
            stamp = f"D:{meta_date:%Y%m%d}000000+00'00'"
            # The file's dates are the brief's date, never the clock.
            self.setDateFormatter(lambda *_: stamp)

        def bookmarkPage(self, key, **kwargs):  # noqa: N802 (reportlab's name)
            dest = super().bookmarkPage(key, **kwargs)
            self._page_dests.append(dest)
            return dest

        def showPage(self):  # noqa: N802
            self._held.append(dict(self.__dict__))
            self._page_dests = []
            self._startPage()

        def save(self):
            total = self._brief_ctx.pages = len(self._held)
            if self._brief_ctx.measure:
                # Fonts subset, pages compressed, objects serialised: a third of a render,
                # none of which changes the page count.
                return
            tagger = self._brief_ctx.tagger
            for index, state in enumerate(self._held):
                self.__dict__.update(state)
                for dest in self._page_dests:
                    dest.setPage(self._doc.thisPageRef())
                if tagger:
                    tagger.open_page(self)
                _footer(self, self._brief_ctx, total)
                if tagger:
                    tagger.close_page(self)
                Canvas.showPage(self)
                if tagger:
                    tagger.page_written(self._doc.Pages.pages[-1], index)
            if tagger:
                tagger.write(self._doc)
                pdf_archive.add_archive_metadata(self._doc, lang=_PDF_LANG[self._brief_ctx.lang],
                                                 when=self._brief_ctx.brief.meta.date)
            Canvas.save(self)

    return NumberedCanvas


def _footer(canv, ctx: _Context, total: int) -> None:
    from reportlab.lib import colors

    width, _height = canv._pagesize
    size = _FOOTER_SIZE
    y = _MARGIN * 0.55
    canv.saveState()
    canv.setStrokeColor(colors.HexColor(_RULE))
    canv.setLineWidth(0.4)
    canv.line(_MARGIN, y + size * 1.6, width - _MARGIN, y + size * 1.6)
    canv.setFillColor(colors.HexColor(_GREY))
    label = _PAGE_LABEL.get(ctx.lang, _PAGE_LABEL["en"]).format(n=canv.getPageNumber(), m=total)
    label_w = _draw_text(canv, ctx, width - _MARGIN, y, label, size, align="right")
    org = ctx.style.organisation_for(ctx.lang)
    left = " · ".join(x for x in (org, ctx.brief.meta.title) if x)
    left = _fit(ctx, left, size, width - 2 * _MARGIN - label_w - size * 3)
    _draw_text(canv, ctx, _MARGIN, y, left, size)
    canv.restoreState()


def _header(canv, doc, ctx: _Context, first: bool) -> None:
    from reportlab.lib import colors

    width, height = canv._pagesize
    top = height - _MARGIN
    canv.saveState()
    canv.setStrokeColor(colors.HexColor(ctx.style.accent))
    if first:
        # Masthead: organisation on the left, logo on the right, a firm accent rule beneath.
        rule_y = top - _MASTHEAD
        canv.setLineWidth(1.6)
        canv.line(_MARGIN, rule_y, width - _MARGIN, rule_y)
        canv.setFillColor(colors.HexColor(ctx.style.accent))
        org = ctx.style.organisation_for(ctx.lang)
        if org:
            _draw_text(canv, ctx, _MARGIN, rule_y + ctx.style.body_size * 0.7,
                       _fit(ctx, org.upper() if ctx.lang != "zh" else org,
                            ctx.style.body_size, width / 2 - _MARGIN),
                       ctx.style.body_size)
        if ctx.style.logo:
            logo = _logo(str(ctx.style.logo))
            lw, lh = logo.getSize()
            h = _MASTHEAD - 0.25 * _CM
            w = min(h * lw / lh, (width - 2 * _MARGIN) / 3)
            h = w * lh / lw
            canv.drawImage(logo, width - _MARGIN - w, rule_y + 0.15 * _CM, width=w, height=h,
                           mask="auto")
    else:
        canv.setLineWidth(0.8)
        canv.line(_MARGIN, top + 0.5 * _CM, width - _MARGIN, top + 0.5 * _CM)
    canv.restoreState()


@functools.lru_cache(maxsize=4)
def _logo(path: str):
    from reportlab.lib.utils import ImageReader

    p = Path(path).expanduser()
    if not p.is_file():
        raise BriefgenError(f"logo not found: {path}; give the path of a PNG or JPEG file")
    try:
        return ImageReader(str(p))
    except Exception:  # PIL's errors vary by format, and name objects; the user needs only the gist
        raise BriefgenError(f"logo {path} is not a readable PNG or JPEG image; save it as PNG or "
                            "JPEG") from None


# --------------------------------------------------------------------------- render

#: A last page filled less than this share of its frame is a stub, and a page before it
#: filled less than SHORT_PAGE ends short: either is worth a tighter setting.  (The
#: reader's measure, tests/page_fill.py, allows 15% and 85%; the layout's own counts the
#: space after the last block too, so it asks a little more.)
STUB_PAGE = 0.2
SHORT_PAGE = 0.87
#: The shares of the usual space between blocks tried, gentlest first, to save a page.
TIGHT_SPACING = (0.7, 0.45)


def render(brief: Brief, style: HouseStyle = DEFAULT_STYLE) -> bytes:
    """Render ``brief`` as a tagged PDF/A-2u (and PDF/UA-1) with embedded fonts; return its bytes."""
    return layout(brief, style).pdf


@dataclass(frozen=True)
class Layout:
    """What laying a brief out found: its pages, how full, and the file if drawn."""

    pages: int
    #: Pages filled, the last one counted by the share of its frame used (3.4 = three and 40%).
    filled: float
    pdf: bytes | None
    #: The share of each page's frame the text reaches down to.
    page_fills: tuple[float, ...] = ()


def layout(brief: Brief, style: HouseStyle = DEFAULT_STYLE, *, draw: bool = True,
           tagged: bool = True) -> Layout:
    """Lay ``brief`` out as :func:`render` does and say how many pages it fills.

    With ``draw`` the PDF is finished and returned too, so a brief measured
    against its page budget need not be rendered a second time.  ``tagged=False``
    leaves out the structure tree and PDF/A metadata (benchmarks/run.py measures
    what they cost)."""
    with _BUILD_LOCK:
        ctx, out = _render(brief, style, measure=not draw, tagged=tagged)
        if _wasteful(ctx.page_fills):
            # The last page would hold a line or two (the "cite as" line, two references),
            # or a heading and its paragraph left a page foot empty: set the brief a little
            # tighter, as a typesetter copyfits, if that mends it without adding a page.
            fewer = None
            for spacing in TIGHT_SPACING:
                tight = _render(brief, style, measure=not draw, tagged=tagged, spacing=spacing)
                if tight[0].pages <= ctx.pages and not _wasteful(tight[0].page_fills):
                    ctx, out = tight
                    break
                if fewer is None and tight[0].pages < ctx.pages:
                    fewer = tight
            else:
                if fewer is not None:       # a page saved, though not every page full
                    ctx, out = fewer
    return Layout(ctx.pages, ctx.filled, out.getvalue() if draw else None, tuple(ctx.page_fills))


def _wasteful(fills: list[float]) -> bool:
    """Whether a layout ends on a stub page, or leaves a page but the last short."""
    return len(fills) > 1 and (fills[-1] < STUB_PAGE or min(fills[:-1]) < SHORT_PAGE)


def _render(brief: Brief, style: HouseStyle, measure: bool = False,
            tagged: bool = True, spacing: float = 1.0) -> tuple[_Context, io.BytesIO]:
    """Lay out and draw ``brief``: its context (``pages`` set when measuring) and the file."""
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.platypus import Frame, PageTemplate

    lang = "zh" if brief.meta.lang == "zh" else "en"
    faces = _faces(style.font_latin, style.font_cjk, style.body_font_en, style.body_font_zh)
    if style.logo:
        # Read it now: inside the page callback reportlab would bury the message in its own.
        _logo(str(style.logo))
    order, heading_order = _with_fallbacks(
        brief, style, faces, (faces.fonts.order(lang), faces.fonts.order(lang, heading=True)))
    pagesize = letter if style.paper.lower() == "letter" else A4
    width, height = pagesize
    frame_width = width - 2 * _MARGIN
    ctx = _Context(
        brief=brief, style=style, faces=faces, lang=lang, order=order, heading_order=heading_order,
        styles=_fitted_styles(style, lang, faces, spacing), spacing=spacing,
        ref_numbers=frozenset(r.number for b in brief.blocks if isinstance(b, References)
                              for r in b.items),
        frame_width=frame_width, measure=measure,
        tagger=pdf_tags.Tagger(lang) if tagged and not measure else None)

    footer_room = _MARGIN * 0.55 + _FOOTER_SIZE * 3
    bottom = max(_MARGIN, footer_room + 0.3 * _CM)
    first = Frame(_MARGIN, bottom, frame_width, height - _MARGIN - _MASTHEAD - 0.6 * _CM - bottom,
                  id="first", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(_MARGIN, bottom, frame_width, height - _MARGIN - bottom,
                  id="later", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    templates = [
        PageTemplate("first", [first], onPage=lambda c, d: _header(c, d, ctx, True),
                     autoNextPageTemplate="later"),
        PageTemplate("later", [later], onPage=lambda c, d: _header(c, d, ctx, False)),
    ]

    meta = brief.meta
    out = io.BytesIO()
    doc = _doc_class()(
        out, pagesize=pagesize, pageTemplates=templates, invariant=1,
        title=_clean(meta.title, ctx.order),
        author=_clean(meta.author or style.organisation_for(lang), ctx.order),
        subject=_clean(meta.subject, ctx.order),
        keywords=[_clean(k, ctx.order) for k in meta.keywords],
        creator="briefgen", lang=_PDF_LANG[lang], pageCompression=1,
        initialFontName=faces.name(ctx.order[0]),    # else the canvas starts in Helvetica
        leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN, bottomMargin=bottom,
        displayDocTitle=1, keepTogetherClass=_keep_class())

    story = _title_block(ctx)
    tagger = ctx.tagger
    if tagger:
        pdf_tags.install_bullet_hook()
        tagger.title_block(story, title=bool(meta.title))
    for index, block in enumerate(brief.blocks):
        flows = _block(ctx, block, index)
        if tagger:
            tagger.block(block, flows)
        story.extend(flows)
    # Tagged files use PDF 1.5+ keys (/Tabs, /StructParents); PDF/A-2 is based on PDF 1.7.
    version = {"pdfVersion": (1, 7)} if tagger else {}
    doc.build(story, canvasmaker=functools.partial(_canvas_class(), brief_ctx=ctx, **version))
    ctx.page_fills = doc.page_fills
    # A last paragraph's trailing space may run past the frame's foot: a page is at most full.
    ctx.filled = ctx.pages - 1 + min(1.0, ctx.page_fills[-1])
    return ctx, out


@functools.lru_cache(maxsize=1)
def _keep_class():
    from reportlab.platypus import KeepTogether

    class KeepWithStart(KeepTogether):
        """keepWithNext that asks only for the *start* of the last flowable to fit.

        reportlab's KeepTogether moves a heading, a caption and a two-page table to
        the next page as one, leaving a blank page foot; here the group moves only
        if the heading or caption would be left without the least of what follows
        that can stand at a page foot: two lines of a paragraph of four or more
        (the paragraph styles allow no orphan and no widow, so a shorter one
        moves whole), or the first few lines of anything else."""

        start_height = 48.0

        def wrap(self, avail_width, avail_height):
            width, height = super().wrap(avail_width, avail_height)
            last = self._content[-1]
            if not hasattr(last, "frameAction"):
                _, last_h = last.wrapOn(self.canv, avail_width, 0xFFFFFFF)
                start = self._start(last, last_h)
                if last_h > start:     # (wrap returns a huge height to force split)
                    self._H -= last_h - start
            return width, height

        def _start(self, last, height: float) -> float:
            lines = getattr(getattr(last, "blPara", None), "lines", None)
            if lines is not None and isinstance(last, _paragraph_class()):
                leading = last.style.leading
                return height if len(lines) < 4 else 2 * leading + 0.5
            return min(height, self.start_height)

    return KeepWithStart


@functools.lru_cache(maxsize=1)
def _doc_class():
    from reportlab.platypus import BaseDocTemplate

    class BriefDocTemplate(BaseDocTemplate):
        """Adds an outline entry for every heading as it is placed, level by level."""

        def beforeDocument(self):
            self._outline_level = -1
            self.page_fills: list[float] = []

        def afterPage(self):
            frame = self.frame      # how far down its frame each page's text reaches
            self.page_fills.append((frame._y2 - frame._y) / frame._height)

        def afterFlowable(self, flowable):
            key = getattr(flowable, "outline_key", "")
            if not key:
                return
            # PDF outlines cannot skip a level (a level-3 heading straight under a level-1).
            level = min(flowable.outline_level, self._outline_level + 1)
            self._outline_level = level
            self.canv.bookmarkPage(key, fit="XYZ", top=self.frame._y + flowable.height + 6,
                                   left=0, zoom=0)
            self.canv.addOutlineEntry(flowable.outline_text, key, level=level, closed=False)

    return BriefDocTemplate
