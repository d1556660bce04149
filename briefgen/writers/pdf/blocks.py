"""Each block of a brief as reportlab flowables: title, key messages, lists, tables, charts, references."""
from __future__ import annotations


import functools
import re

from ...document import (Block, BulletList, Callout, Figure, Heading, NumberedList, Paragraph, References, Table, TableOfContents,
                        plain)
from ... import links
from ...fonts import (Family, split_runs)
from .. import pdf_tags

from .geometry import _MIN_FRAME, _RULE
from .faces import _Faces
from .text import _Context, _attr, _clean
from .lines import _measuring, _paragraph_class
from .pages import _text_width



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


#: Where a title that must wrap may break, best first: after its colon (a headline and
#: its dek), then after a Chinese comma.  Balancing by width alone splits Chinese words
#: ("做|法"): a line breaker without a dictionary knows no word boundaries but punctuation.
_TITLE_BREAKS = (re.compile(r"(?<=：)|(?<=:)\s+"), re.compile(r"(?<=，)"))


def _title_markup(ctx: _Context, title: str) -> str:
    """A title that must wrap breaks at the first of _TITLE_BREAKS where both halves fit
    a line each; otherwise it is balanced by width."""
    size = ctx.styles["title"].fontSize
    if _text_width(ctx, title, size, bold=True) > ctx.frame_width:
        for breaks in _TITLE_BREAKS:
            parts = breaks.split(title, maxsplit=1)
            if (len(parts) == 2 and all(p.strip() for p in parts)
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

    from ... import charts

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
