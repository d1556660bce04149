"""Laying out and drawing a whole brief: copyfitting, page counts, the finished file."""
from __future__ import annotations


import contextlib
import functools
import gc
import io
import threading
from dataclasses import dataclass
from typing import Iterator

from ...document import (Brief, References)
from ...style import DEFAULT_STYLE, HouseStyle
from .. import pdf_tags

from .geometry import _CM, _FOOTER_SIZE, _MARGIN, _MASTHEAD, _PDF_LANG
from .faces import _faces, _with_fallbacks
from .text import _Context, _clean
from .styles import _fitted_styles
from .lines import _paragraph_class
from .blocks import _block, _title_block
from .pages import _canvas_class, _header, _logo


# reportlab's font registry and its TrueType subsetting state are process-global
# and not documented as thread-safe, so one brief is built at a time.
_BUILD_LOCK = threading.RLock()

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
    with _BUILD_LOCK, _collection_paused():
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


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a brief is laid out.

    A layout makes some hundred thousand short-lived objects (fragments, words, PDF
    objects), and the collector, triggered by the count, walks them again and again:
    about 5% of a layout.  They hold no cycles that outlive the layout, so nothing
    piles up; the collector runs as usual once the layout is done.  A caller that
    turned collection off finds it off still."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


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
