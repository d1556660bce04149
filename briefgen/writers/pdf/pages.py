"""What is drawn on every page: masthead, header, footer with "Page N of M", the logo."""
from __future__ import annotations


import functools
from pathlib import Path

from ...errors import BriefgenError
from ...fonts import (split_runs)
from .. import pdf_archive

from .geometry import _CM, _FOOTER_SIZE, _GREY, _MARGIN, _MASTHEAD, _PAGE_LABEL, _PDF_LANG, _RULE
from .text import _Context, _clean


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
