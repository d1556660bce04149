"""One brief's blocks, written as WordprocessingML text into the prepared template's parts."""
from __future__ import annotations

from itertools import groupby
from typing import Any

from ...document import (Brief, BulletList, Callout, Citation, Figure, Heading, Inlines, Link,
                         NumberedList, Paragraph, References, Table, TableOfContents, Text)
from ... import links
from ...style import HouseStyle
from .package import package
from .prepared import Prepared
from .wml import R_NS, attr, clean, field_instr, run, run_props
from .xml import _EMU_PER_TWIP

_TOC_PLACEHOLDER = {"en": "Right-click and choose Update Field to build the table of contents.",
                    "zh": "右键单击并选择“更新域”以生成目录。"}
#: Bookmark names: hidden (leading underscore) for headings, as Word's own _Toc marks are.
_HEADING_MARK = "_TocBG{:04d}"
_REF_MARK = "ref_{}"
_HYPERLINK = R_NS + "/hyperlink"
#: Han, kana, CJK punctuation and full-width forms: text that is never set in italic.
#: (Ranges compared, not a regular expression: compiling one was most of the writer's import.)
_CJK_RANGES = (("\u2e80", "\u9fff"), ("\uf900", "\ufaff"), ("\ufe30", "\ufe4f"), ("\uff00", "\uffef"),
               ("\U00020000", "\U0003ffff"))


def _is_cjk(ch: str) -> bool:
    return ch >= "\u2e80" and any(lo <= ch <= hi for lo, hi in _CJK_RANGES)
#: A table's look: header row styled, no first-column emphasis (the "Brief Table" style's bands).
_TBL_LOOK = ('<w:tblLook w:firstColumn="0" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
             'w:noHBand="0" w:noVBand="1" w:val="0420"/>')


# --------------------------------------------------------------------------- rendering a brief


class BriefWriter:
    """Walks one Brief and writes its blocks as the body of a copy of the prepared template."""

    def __init__(self, brief: Brief, house: HouseStyle, template: Prepared) -> None:
        self.brief = brief
        self.house = house
        self.lang = brief.meta.lang
        self.template = template
        self.ids = template.style_ids
        self.out: list[str] = []                  # the body's blocks, as text
        self.rels = list(template.rels)           # the document's relationships, then the brief's
        self._rel_ids = {rid for rid, *_ in self.rels}
        self._links: dict[str, str] = {}          # URL -> relationship id: one per address
        self.nums: list[str] = []                 # each numbered list's own w:num
        self._num_ids = set(template.num_ids)
        self.parts: dict[str, bytes] = {}         # the charts' parts by member name
        self._next_drawing = template.first_drawing
        self._bookmark_id = 0
        self.ref_numbers = {ref.number for block in brief.blocks
                            if isinstance(block, References) for ref in block.items}
        # Headings get bookmarks so a pre-filled table of contents can link to them.
        self.outline: list[tuple[int, str]] = []
        for block in brief.blocks:
            if isinstance(block, Heading):
                self.outline.append((min(max(block.level, 1), 3), block.text))
            elif isinstance(block, References) and block.title:
                self.outline.append((1, block.title))
        self._outline_index = 0

    # ---- small builders

    def run(self, text: str, *, bold: bool = False, style: str | None = None) -> str:
        return run(text, run_props(self.lang, self.ids[style] if style else None, bold, False))

    def text_runs(self, item: Text) -> str:
        """The runs of one piece of text; of italic text, only the pieces that are not Chinese lean."""
        if not (item.italic and any(map(_is_cjk, item.text))):
            return run(item.text, run_props(self.lang, None, item.bold, item.italic))
        # Chinese has no italic: Word would slant the glyphs, a fake no Chinese typesetter uses.
        return "".join(run("".join(piece), run_props(self.lang, None, item.bold, not cjk))
                       for cjk, piece in groupby(item.text, _is_cjk))

    def paragraph(self, style: str, content: str, *, props: str = "", mark: str | None = None) -> None:
        """Add a paragraph in ``style``; ``props`` follow the style in its w:pPr, ``mark`` names a
        bookmark around its content (ids are sequential, never random)."""
        if mark is not None:
            self._bookmark_id += 1
            bid = self._bookmark_id
            content = (f'<w:bookmarkStart w:id="{bid}" w:name="{attr(mark)}"/>{content}'
                       f'<w:bookmarkEnd w:id="{bid}"/>')
        self.out.append(f'<w:p><w:pPr><w:pStyle w:val="{attr(self.ids[style])}"/>{props}</w:pPr>'
                        f"{content}</w:p>")

    def inlines(self, inlines: Inlines) -> str:
        out = []
        for item in inlines:
            if isinstance(item, Text):
                out.append(self.text_runs(item))
            elif isinstance(item, Citation):
                mark = self.run(_unbreakable(item.label, self.lang))
                if item.number in self.ref_numbers:
                    out.append(f'<w:hyperlink w:anchor="{_REF_MARK.format(item.number)}" '
                               f'w:history="1">{mark}</w:hyperlink>')
                else:
                    out.append(mark)
            elif isinstance(item, Link):
                out.append(self.hyperlink(item.text, item.url))
            else:
                raise TypeError(f"not an inline: {item!r}")
        return "".join(out)

    def relate(self, rtype: str, target: str, external: bool = False) -> str:
        """A new relationship of the document; its id the first rIdN free, as Word numbers them."""
        n = 1
        while f"rId{n}" in self._rel_ids:
            n += 1
        rid = f"rId{n}"
        self._rel_ids.add(rid)
        self.rels.append((rid, rtype, target, external))
        return rid

    def hyperlink(self, text: str, url: str) -> str:
        # The one link policy (briefgen/links.py): a javascript:, file: or UNC target
        # would be live in Word (a UNC link opens an SMB connection), so it stays text.
        target = links.safe(url)
        if target is None:
            return self.run(text or url)
        if target not in self._links:
            self._links[target] = self.relate(_HYPERLINK, target, external=True)
        return (f'<w:hyperlink r:id="{self._links[target]}" w:history="1">'
                f'{self.run(text or url, style="Hyperlink")}</w:hyperlink>')

    def outline_mark(self) -> str:
        self._outline_index += 1
        return _HEADING_MARK.format(self._outline_index)

    # ---- blocks

    def title_block(self) -> None:
        meta = self.brief.meta
        for style, text in (("Title", meta.title), ("Subtitle", meta.subtitle),
                            ("Edition", meta.edition)):
            if text:
                self.paragraph(style, self.run(text))

    def block(self, block: Any) -> None:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            self.paragraph(f"Heading {level}", self.run(block.text), mark=self.outline_mark())
        elif isinstance(block, Paragraph):
            style = {"lead": "Lead", "note": "Source Note"}.get(block.role, "Normal")
            self.paragraph(style, self.inlines(block.inlines))
        elif isinstance(block, BulletList):
            bullet = self.template.bullet_num
            props = _number(bullet) if bullet is not None else ""
            for item in block.items:
                self.paragraph("List Bullet", self.inlines(item), props=props)
        elif isinstance(block, NumberedList):
            self.numbered(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            self.figure(block)
        elif isinstance(block, Callout):
            if block.title:
                self.paragraph("Key Messages Title", self.run(block.title))
            for item in block.items:
                self.paragraph("Key Messages", self.inlines(item))
        elif isinstance(block, References):
            self.references(block)
        elif isinstance(block, TableOfContents):
            self.toc(block)
        else:
            raise TypeError(f"not a block: {block!r}")

    def numbered(self, block: NumberedList) -> None:
        """A numbered list that restarts at ``block.start``: its own w:num with a startOverride."""
        num_id = 1                               # the first id free, as python-docx and Word pick
        while num_id in self._num_ids:
            num_id += 1
        self._num_ids.add(num_id)
        self.nums.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{self.template.number_abstract}"/>'
                         f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{max(int(block.start), 0)}"/>'
                         "</w:lvlOverride></w:num>")
        for item in block.items:
            self.paragraph("List Number", self.inlines(item), props=_number(num_id))

    def table(self, block: Table) -> None:
        ncols = max([len(block.header), *(len(row) for row in block.rows)], default=0)
        if ncols == 0:
            return
        if block.caption:        # a caption stays with its table
            self.paragraph("Caption", self.run(block.caption), props="<w:keepNext/>")
        weights = list(block.widths or ())[:ncols]
        weights += [1.0] * (ncols - len(weights))
        weights = [w if w and w > 0 else 1.0 for w in weights]
        total = sum(weights)
        widths = [int(self.template.text_width * w / total) for w in weights]

        # Fixed layout: the widths are honoured.
        out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{attr(self.ids["Brief Table"])}"/>'
               f'<w:tblW w:type="dxa" w:w="{sum(widths)}"/><w:tblLayout w:type="fixed"/>{_TBL_LOOK}'
               "</w:tblPr><w:tblGrid>"]
        out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
        out.append("</w:tblGrid>")
        rows: list[list[Inlines]] = [[(Text(h),) for h in block.header], *[list(r) for r in block.rows]]
        for r_index, cells in enumerate(rows):
            # Rows never split over pages; the header row repeats on each page.
            out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if r_index == 0
                       else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for c_index, width in enumerate(widths):
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>')
                if c_index < len(cells):
                    # Cells are set ragged: justified Chinese (Normal's) spreads a short
                    # cell's characters across the column ("《 电 子 商 务 》").
                    out.append(f'<w:p><w:pPr><w:jc w:val="left"/></w:pPr>{self.inlines(cells[c_index])}</w:p>')
                else:
                    out.append("<w:p/>")
                out.append("</w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.out.append("".join(out))
        if block.note:
            self.paragraph("Source Note", self.inlines(block.note))

    def figure(self, block: Figure) -> None:
        from ... import charts
        from .. import docx_chart

        if block.chart.bars:        # a chart with no data is no chart: keep caption and source
            width = self.template.text_width                       # twips
            # The height the PDF's drawing of the chart takes at this width, plus Word's own
            # padding around the plot area (with less, LibreOffice drops category labels).
            geo = charts.layout(block.chart, width / 20, self.house.body_size * 0.85,
                                self.house.accent, charts.estimate_width)
            height_pt = geo.height * 1.3 + 36
            number = 1
            while f"word/charts/chart{number}.xml" in self.parts or any(
                    m.name == f"word/charts/chart{number}.xml" for m in self.template.static):
                number += 1
            self.parts.update(docx_chart.chart_parts(number, block.chart, self.house))
            r_id = self.relate(docx_chart.CHART_REL, f"charts/chart{number}.xml")
            drawing = docx_chart.inline_xml(r_id, self._next_drawing, width * _EMU_PER_TWIP,
                                            round(height_pt * 12700), clean(block.alt_text),
                                            clean(block.caption))
            self._next_drawing += 1
            self.paragraph("Figure", f"<w:r>{drawing}</w:r>")
        if block.caption:
            self.paragraph("Caption", self.run(block.caption))
        if block.source:
            self.paragraph("Source Note", self.inlines(block.source))

    def references(self, block: References) -> None:
        if block.title:
            self.paragraph("Heading 1", self.run(block.title), mark=self.outline_mark())
        for ref in block.items:
            content = self.run(f"[{ref.number}]\t") + self.run(ref.text)
            if ref.url:
                content += self.run(" ") + self.hyperlink(ref.url, ref.url)
            self.paragraph("Bibliography", content, mark=_REF_MARK.format(ref.number))

    def toc(self, block: TableOfContents) -> None:
        """Write a real TOC field, pre-filled with the headings so it reads well before an update."""
        # LibreOffice shows the pre-filled entries as they are; Word rebuilds the field with
        # page numbers on open (settings/updateFields and the dirty flag).
        if block.title:
            self.paragraph("TOC Heading", self.run(block.title))
        begin = ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                 + field_instr('TOC \\o "1-3" \\h \\z \\u')
                 + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        entries = self.outline or [(1, _TOC_PLACEHOLDER.get(self.lang, _TOC_PLACEHOLDER["en"]))]
        for index, (level, text) in enumerate(entries, start=1):
            if self.outline:
                # No page numbers yet: Word adds them when it updates the field on open.
                content = (f'<w:hyperlink w:anchor="{_HEADING_MARK.format(index)}" w:history="1">'
                           f"{self.run(text)}</w:hyperlink>")
            else:
                content = self.run(text)
            self.paragraph(f"TOC {level}", (begin if index == 1 else "") + content
                           + (end if index == len(entries) else ""))

    # ---- the whole document

    def write(self) -> bytes:
        self.title_block()
        for block in self.brief.blocks:
            self.block(block)
        return self.package(ask_to_update=any(isinstance(b, TableOfContents) for b in self.brief.blocks))

    def package(self, *, ask_to_update: bool) -> bytes:
        """The .docx of what has been written; ``ask_to_update`` has Word fill the fields on open
        (it asks first): only a brief with a table of contents needs it."""
        return package(self.template, self.brief, body="".join(self.out), rels=self.rels,
                       nums="".join(self.nums), parts=self.parts, ask_to_update=ask_to_update)


def _number(num_id: int) -> str:
    """The paragraph properties that attach list numbering ``num_id``."""
    return f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'


def _unbreakable(label: str, lang: str) -> str:
    """A citation mark Word and LibreOffice never break ("[1, / §3.3]", "[1, §3. / 3]").

    No-break spaces serve in English.  In a Chinese document LibreOffice breaks a mark even
    at a no-break space, but keeps characters joined by U+200D (Word's no-width non-break)
    together, so there every character of the mark is joined so."""
    label = label.replace(" ", "\u00a0")
    return "\u200d".join(label) if lang.startswith("zh") else label
