"""Text into reportlab's paragraph markup: cleaning, escaping, and the per-brief context."""
from __future__ import annotations


import functools
import re
import unicodedata
from dataclasses import dataclass, field

from ...document import (Brief, Citation, Inlines,
                        Link)
from ... import characters, links
from ...errors import BriefgenError
from ...fonts import (Family, family_coverage, split_runs)
from ...units import WORD_JOINER, keep_with_units
from ...style import HouseStyle
from .. import pdf_tags

from .geometry import MAX_TEXT_CHARS
from .faces import _Faces


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
