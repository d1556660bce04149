"""One brief's blocks, written into a fresh copy of the prepared template."""
from __future__ import annotations

import io
from typing import Any

from ...document import (Brief, BulletList, Callout, Citation, Figure, Heading, Inlines, Link,
                         NumberedList, Paragraph, References, Table, TableOfContents, Text)
from ... import links
from ...style import HouseStyle
from .package import properties, renumber_drawings, stable_zip, zip_time, package_members
from .styles import _numbering_root
from .template import _Template, _ask_to_update_fields
from .xml import (_CJK, _CJK_PIECES, _EMU_PER_TWIP, _SECT_PR, _clean, _el, _instr, _run_rpr,
                  _text_run)

_TOC_PLACEHOLDER = {"en": "Right-click and choose Update Field to build the table of contents.",
                    "zh": "右键单击并选择“更新域”以生成目录。"}
#: Bookmark names: hidden (leading underscore) for headings, as Word's own _Toc marks are.
_HEADING_MARK = "_TocBG{:04d}"
_REF_MARK = "ref_{}"


# --------------------------------------------------------------------------- rendering a brief


class BriefWriter:
    """Walks one Brief and appends its blocks to a freshly loaded copy of the template."""

    def __init__(self, brief: Brief, house: HouseStyle, template: _Template) -> None:
        import docx

        self.brief = brief
        self.house = house
        self.lang = brief.meta.lang
        self.template = template
        self.ids = template.style_ids
        self.doc = docx.Document(io.BytesIO(template.data))
        self.body = self.doc.element.body
        self.numbering = _numbering_root(self.doc)
        self._bookmark_id = 0
        self._rpr_cache: dict[tuple[str | None, bool, bool], Any] = {}
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

    def rpr(self, style_id: str | None = None, bold: bool = False, italic: bool = False) -> Any:
        key = (style_id, bold, italic)
        if key not in self._rpr_cache:
            self._rpr_cache[key] = _run_rpr(self.house, self.lang, style_id=style_id, bold=bold,
                                            italic=italic)
        return self._rpr_cache[key]

    def run(self, text: str, *, bold: bool = False, style: str | None = None) -> Any:
        return _text_run(text, self.rpr(self.ids[style] if style else None, bold, False))

    def text_runs(self, item: Text) -> list[Any]:
        """The runs of one piece of text; of italic text, only the pieces that are not Chinese lean."""
        if not (item.italic and _CJK.search(item.text)):
            return [_text_run(item.text, self.rpr(None, item.bold, item.italic))]
        # Chinese has no italic: Word would slant the glyphs, a fake no Chinese typesetter uses.
        return [_text_run(piece, self.rpr(None, item.bold, not _CJK.match(piece)))
                for piece in _CJK_PIECES.findall(item.text)]

    def paragraph(self, style: str) -> Any:
        # What body.add_p() and p.style = ... make, built directly: python-docx searches
        # the whole body for w:sectPr on every add_p, a tenth of a brief's Word time.
        p = _el("w:p", children=[_el("w:pPr", children=[_el("w:pStyle", {"w:val": self.ids[style]})])])
        sect_pr = self.body[-1] if len(self.body) else None
        if sect_pr is not None and sect_pr.tag == _SECT_PR:
            sect_pr.addprevious(p)
        else:
            self.body.append(p)
        return p

    def inlines(self, p: Any, inlines: Inlines) -> None:
        for item in inlines:
            if isinstance(item, Text):
                for r in self.text_runs(item):
                    p.append(r)
            elif isinstance(item, Citation):
                mark = self.run(_unbreakable(item.label, self.lang))
                if item.number in self.ref_numbers:
                    p.append(_el("w:hyperlink", {"w:anchor": _REF_MARK.format(item.number),
                                                 "w:history": "1"}, [mark]))
                else:
                    p.append(mark)
            elif isinstance(item, Link):
                p.append(self.hyperlink(item.text, item.url))
            else:
                raise TypeError(f"not an inline: {item!r}")

    def hyperlink(self, text: str, url: str) -> Any:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        # The one link policy (briefgen/links.py): a javascript:, file: or UNC target
        # would be live in Word (a UNC link opens an SMB connection), so it stays text.
        target = links.safe(url)
        if target is None:
            return self.run(text or url)
        run = self.run(text or url, style="Hyperlink")
        rid = self.doc.part.relate_to(target, RT.HYPERLINK, is_external=True)
        return _el("w:hyperlink", {"r:id": rid, "w:history": "1"}, [run])

    def bookmark(self, p: Any, name: str) -> None:
        """Wrap the paragraph's content in a bookmark; ids are sequential, never random."""
        self._bookmark_id += 1
        bid = str(self._bookmark_id)
        start = _el("w:bookmarkStart", {"w:id": bid, "w:name": name})
        ppr = p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(_el("w:bookmarkEnd", {"w:id": bid}))

    def outline_mark(self) -> str:
        self._outline_index += 1
        return _HEADING_MARK.format(self._outline_index)

    # ---- blocks

    def title_block(self) -> None:
        meta = self.brief.meta
        for style, text in (("Title", meta.title), ("Subtitle", meta.subtitle),
                            ("Edition", meta.edition)):
            if text:
                self.paragraph(style).append(self.run(text))

    def block(self, block: Any) -> None:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            p = self.paragraph(f"Heading {level}")
            p.append(self.run(block.text))
            self.bookmark(p, self.outline_mark())
        elif isinstance(block, Paragraph):
            style = {"lead": "Lead", "note": "Source Note"}.get(block.role, "Normal")
            self.inlines(self.paragraph(style), block.inlines)
        elif isinstance(block, BulletList):
            for item in block.items:
                p = self.paragraph("List Bullet")
                if self.template.bullet_num is not None:
                    _number(p, self.template.bullet_num)
                self.inlines(p, item)
        elif isinstance(block, NumberedList):
            self.numbered(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            self.figure(block)
        elif isinstance(block, Callout):
            if block.title:
                self.paragraph("Key Messages Title").append(self.run(block.title))
            for item in block.items:
                self.inlines(self.paragraph("Key Messages"), item)
        elif isinstance(block, References):
            self.references(block)
        elif isinstance(block, TableOfContents):
            self.toc(block)
        else:
            raise TypeError(f"not a block: {block!r}")

    def numbered(self, block: NumberedList) -> None:
        """A numbered list that restarts at ``block.start``: its own w:num with a startOverride."""
        num = self.numbering.add_num(self.template.number_abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(max(int(block.start), 0))
        num_id = int(num.numId)
        for item in block.items:
            p = self.paragraph("List Number")
            _number(p, num_id)
            self.inlines(p, item)

    def table(self, block: Table) -> None:
        from docx.oxml.ns import qn
        from docx.oxml.table import CT_Tbl
        from docx.shared import Twips
        from docx.table import Table as DocxTable

        ncols = max([len(block.header), *(len(row) for row in block.rows)], default=0)
        if ncols == 0:
            return
        if block.caption:
            cap = self.paragraph("Caption")
            cap.get_or_add_pPr().keepNext_val = True      # a caption stays with its table
            cap.append(self.run(block.caption))
        weights = list(block.widths or ())[:ncols]
        weights += [1.0] * (ncols - len(weights))
        weights = [w if w and w > 0 else 1.0 for w in weights]
        total = sum(weights)
        widths = [int(self.template.text_width * w / total) for w in weights]

        tbl = CT_Tbl.new_tbl(1 + len(block.rows), ncols, Twips(self.template.text_width))
        self.body._insert_tbl(tbl)
        tbl.tblPr.style = self.ids["Brief Table"]
        DocxTable(tbl, self.doc._body).autofit = False   # fixed layout: widths are honoured
        look = tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstColumn"), "0")
            look.set(qn("w:val"), "0420")
        for gc, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
            gc.set(qn("w:w"), str(width))
        tbl_w = tbl.tblPr.find(qn("w:tblW"))
        tbl_w.set(qn("w:w"), str(sum(widths)))
        tbl_w.set(qn("w:type"), "dxa")

        rows = [[(Text(h),) for h in block.header], *[list(r) for r in block.rows]]
        for r_index, (tr, cells) in enumerate(zip(tbl.tr_lst, rows)):
            tr_pr = tr.get_or_add_trPr()
            tr_pr.append(_el("w:cantSplit"))
            if r_index == 0:
                tr_pr.append(_el("w:tblHeader"))          # repeat the header on each page
            for c_index, tc in enumerate(tr.tc_lst):
                tc.get_or_add_tcPr().get_or_add_tcW().set(qn("w:w"), str(widths[c_index]))
                tc.tcPr.tcW.set(qn("w:type"), "dxa")
                if c_index < len(cells):
                    # Cells are set ragged: justified Chinese (Normal's) spreads a short
                    # cell's characters across the column ("《 电 子 商 务 》").
                    tc.p_lst[0].get_or_add_pPr().append(_el("w:jc", {"w:val": "left"}))
                    self.inlines(tc.p_lst[0], cells[c_index])
        if block.note:
            self.inlines(self.paragraph("Source Note"), block.note)

    def figure(self, block: Figure) -> None:
        from docx.oxml import parse_xml

        from ... import charts
        from .. import docx_chart

        if block.chart.bars:        # a chart with no data is no chart: keep caption and source
            width = self.template.text_width                       # twips
            # The height the PDF's drawing of the chart takes at this width, plus Word's own
            # padding around the plot area (with less, LibreOffice drops category labels).
            geo = charts.layout(block.chart, width / 20, self.house.body_size * 0.85,
                                self.house.accent, charts.estimate_width)
            height_pt = geo.height * 1.3 + 36
            r_id = docx_chart.add_chart(self.doc.part, block.chart, self.house)
            run = _el("w:r")
            run.append(parse_xml(docx_chart.inline_xml(
                r_id, width * _EMU_PER_TWIP, round(height_pt * 12700), _clean(block.alt_text),
                _clean(block.caption))))
            self.paragraph("Figure").append(run)
        if block.caption:
            self.paragraph("Caption").append(self.run(block.caption))
        if block.source:
            self.inlines(self.paragraph("Source Note"), block.source)

    def references(self, block: References) -> None:
        if block.title:
            p = self.paragraph("Heading 1")
            p.append(self.run(block.title))
            self.bookmark(p, self.outline_mark())
        for ref in block.items:
            p = self.paragraph("Bibliography")
            p.append(self.run(f"[{ref.number}]\t"))
            p.append(self.run(ref.text))
            if ref.url:
                p.append(self.run(" "))
                p.append(self.hyperlink(ref.url, ref.url))
            self.bookmark(p, _REF_MARK.format(ref.number))

    def toc(self, block: TableOfContents) -> None:
        """Write a real TOC field, pre-filled with the headings so it reads well before an update."""
        # LibreOffice shows the pre-filled entries as they are; Word rebuilds the field with
        # page numbers on open (settings/updateFields and the dirty flag).
        if block.title:
            self.paragraph("TOC Heading").append(self.run(block.title))
        begin = [
            _el("w:r", children=[_el("w:fldChar", {"w:fldCharType": "begin", "w:dirty": "true"})]),
            _el("w:r", children=[_instr('TOC \\o "1-3" \\h \\z \\u')]),
            _el("w:r", children=[_el("w:fldChar", {"w:fldCharType": "separate"})]),
        ]
        entries = self.outline or [(1, _TOC_PLACEHOLDER.get(self.lang, _TOC_PLACEHOLDER["en"]))]
        for index, (level, text) in enumerate(entries, start=1):
            p = self.paragraph(f"TOC {level}")
            if index == 1:
                for r in begin:
                    p.append(r)
            if not self.outline:
                p.append(self.run(text))
                continue
            # No page numbers yet: Word adds them when it updates the field on open.
            p.append(_el("w:hyperlink", {"w:anchor": _HEADING_MARK.format(index),
                                         "w:history": "1"}, [self.run(text)]))
        p.append(_el("w:r", children=[_el("w:fldChar", {"w:fldCharType": "end"})]))

    # ---- the whole document

    def write(self) -> bytes:
        self.title_block()
        for block in self.brief.blocks:
            self.block(block)
        if any(isinstance(b, TableOfContents) for b in self.brief.blocks):
            _ask_to_update_fields(self.doc)
        properties(self.doc, self.brief)
        renumber_drawings(self.doc)
        return stable_zip(package_members(self.doc), zip_time(self.brief.meta.date))


def _number(p: Any, num_id: int) -> None:
    """Attach list numbering ``num_id`` to paragraph ``p``."""
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id




def _unbreakable(label: str, lang: str) -> str:
    """A citation mark Word and LibreOffice never break ("[1, / §3.3]", "[1, §3. / 3]").

    No-break spaces serve in English.  In a Chinese document LibreOffice breaks a mark even
    at a no-break space, but keeps characters joined by U+200D (Word's no-width non-break)
    together, so there every character of the mark is joined so."""
    label = label.replace(" ", "\u00a0")
    return "\u200d".join(label) if lang.startswith("zh") else label
