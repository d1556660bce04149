"""Tagged PDF for the PDF writer: a structure tree in reading order, tied to the page content.

reportlab has no tagging API, so the writer does the three things a tagged PDF needs:

1. Before layout, :class:`Tagger` builds the logical tree from the blocks (Document,
   H1-H3, P, L/LI/Lbl/LBody, Table/TR/TH/TD, Figure with its alternative text, Note
   for each source, a titled Sect for the key messages) and hangs a :class:`Leaf` on
   each flowable that draws text or an image.
2. While drawing, each leaf's drawing is wrapped in ``/P <</MCID n>> BDC ... EMC``
   (:func:`marked`); everything else on the page (header, footer, rules, table
   grids and fills, a repeated table header) is an ``/Artifact``.  Links drawn inside
   a leaf become Link elements that own their annotation.  A run of text in the other
   language is marked content of its own, ``/Span <</Lang (..) /MCID n>>`` (:func:`text_class`).
3. After the last page, :meth:`Tagger.write` (pdf_struct_tree) adds the StructTreeRoot,
   the ParentTree and ``/MarkInfo`` to reportlab's document, through its own object model.

Everything is derived from the brief, so the same brief gives the same bytes.
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from typing import Iterator

from ..document import (Block, BulletList, Callout, Figure, Heading, NumberedList, Paragraph,
                        References, Table, TableOfContents)

PDF_LANG = {"en": "en-GB", "zh": "zh-CN"}

#: Runs of the other language inside a brief's text: Chinese in English, Latin words in Chinese.
_OTHER_LANG = {
    "en": re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+"),
    "zh": re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*(?:[ .&/]+[A-Za-z0-9][A-Za-z0-9'’\-]*)*"),
}

#: What a link annotation says it does (PDF/UA wants /Contents on every annotation).
_LINK_TEXT = {"en": {"ref": "Source {n}", "sec": "Section"},
              "zh": {"ref": "来源 {n}", "sec": "章节"}}


class Element:
    """One structure element: a role such as "P" or "TH", its children, its attributes."""

    __slots__ = ("role", "parent", "kids", "attrs", "name")

    def __init__(self, role: str, parent: Element | None = None, **attrs: str) -> None:
        self.role = role
        self.parent = parent
        #: Child elements, ``(page, mcid)`` for marked content, ``(page, annot_name)`` for links.
        self.kids: list = []
        self.attrs = attrs
        self.name = ""
        if parent is not None:
            parent.kids.append(self)

    def add(self, role: str, **attrs: str) -> Element:
        return Element(role, self, **attrs)

    def elements(self) -> Iterator[Element]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.elements()

    def text_free(self) -> bool:
        """Whether nothing was drawn for this element or under it (it is left out of the tree)."""
        return all(isinstance(k, Element) and k.text_free() for k in self.kids)


class Leaf:
    """What a flowable draws into: one element, or a list item's label then its body."""

    __slots__ = ("element", "label")

    def __init__(self, element: Element, label: Element | None = None) -> None:
        self.element = element
        self.label = label


# --------------------------------------------------------------------------- the tree

def _paragraphs(flows: list) -> list:
    from reportlab.platypus import Paragraph as RLParagraph

    return [f for f in flows if isinstance(f, RLParagraph)]


def _tag(flowable, element: Element, label: Element | None = None) -> None:
    flowable.tag = Leaf(element, label)


class Tagger:
    """The structure tree of one brief, and the marked content that fills it as pages are drawn."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.root = Element("Document")
        self._level = 0                         # the last heading level, so none is skipped
        #: Per page (0-based), the element each MCID belongs to, in MCID order.
        self.pages: list[list[Element]] = []
        #: Link annotations in the tree: (element, annotation object name).
        self.annotations: list[tuple[Element, str]] = []
        self.page_names: list[str] = []
        self._drawn: dict[int, object] = {}
        self._open: Leaf | None = None
        self._element: Element | None = None    # the element the open marked content is for
        self._mc_page = 0
        self._foreign = False                   # inside a run in the other language
        self._annots_before = 0

    # ------------------------------------------------------------ building, before layout

    def heading(self, parent: Element, level: int) -> Element:
        # PDF/UA: heading levels may go up by one at a time only.
        level = max(1, min(level, self._level + 1, 6))
        self._level = level
        return parent.add(f"H{level}")

    def title_block(self, flows: list, *, title: bool) -> None:
        paras = _paragraphs(flows)
        if title and paras:
            _tag(paras.pop(0), self.heading(self.root, 1))
        for para in paras:                      # subtitle and edition line
            _tag(para, self.root.add("P"))

    def block(self, block: Block, flows: list) -> None:
        """Hang leaves on the flowables the writer made for ``block`` (see pdf._block)."""
        root = self.root
        paras = _paragraphs(flows)
        if isinstance(block, Heading):
            _tag(flows[0], self.heading(root, block.level))
        elif isinstance(block, Paragraph):
            for para in paras:
                _tag(para, root.add("P"))
        elif isinstance(block, (BulletList, NumberedList)):
            self._list(root, paras, numbered=isinstance(block, NumberedList))
        elif isinstance(block, Table):
            self._table(block, flows)
        elif isinstance(block, Figure):
            self._figure(block, flows)
        elif isinstance(block, Callout):
            self._callout(block, flows)
        elif isinstance(block, References):
            sect = root.add("Sect", T=block.title)
            if block.title and paras:
                _tag(paras.pop(0), self.heading(sect, 1))
            for ref, para in zip(block.items, paras):
                _tag(para, sect.add("Note", ID=f"ref-{ref.number}"))
        elif isinstance(block, TableOfContents):
            self._toc(block, flows)

    def _list(self, parent: Element, paras: list, *, numbered: bool) -> None:
        if not paras:
            return
        lst = parent.add("L", ListNumbering="Decimal" if numbered else "Disc")
        for para in paras:
            item = lst.add("LI")
            _tag(para, item.add("LBody"), label=item.add("Lbl") if para.bulletText else None)
            # Lbl is drawn first: keep it first in the tree too.
            item.kids.sort(key=lambda e: e.role != "Lbl")

    def _table(self, block: Table, flows: list) -> None:
        from reportlab.platypus import Table as RLTable

        table = self.root.add("Table")
        for flow in flows:
            if isinstance(flow, RLTable):
                for r, row in enumerate(flow._cellvalues):
                    tr = table.add("TR")
                    head = r == 0 and bool(block.header)
                    for cell in row:
                        element = tr.add("TH", Scope="Column") if head else tr.add("TD")
                        for para in _paragraphs(cell if isinstance(cell, list) else [cell]):
                            _tag(para, element)
            elif flow is flows[0] and block.caption:
                _tag(flow, table.add("Caption"))        # drawn first, so the first child
            else:
                _tag(flow, self.root.add("P"))          # the note under the table

    def _figure(self, block: Figure, flows: list) -> None:
        from reportlab.platypus import Paragraph as RLParagraph

        for flow in flows:
            if not isinstance(flow, RLParagraph):       # the chart
                _tag(flow, self.root.add("Figure", Alt=block.alt_text or block.caption))
            elif flow.style.name == "figure_caption":
                _tag(flow, self.root.add("Caption"))
            else:
                _tag(flow, self.root.add("P"))          # the source line

    def _callout(self, block: Callout, flows: list) -> None:
        # PDF/UA-1 follows PDF 1.7, which has no Aside: a section titled by its heading.
        sect = self.root.add("Sect", T=block.title)
        paras = [p for flow in flows for row in flow._cellvalues for p in _paragraphs(row)]
        if block.title and paras:
            level = self._level
            _tag(paras.pop(0), self.heading(sect, level + 1 if level else 1))
            self._level = level                 # the box does not move the outline down
        self._list(sect, paras, numbered=False)

    def _toc(self, block: TableOfContents, flows: list) -> None:
        toc = self.root.add("TOC")
        paras = [p for flow in flows for p in _paragraphs(getattr(flow, "_content", [flow]))]
        if block.title and paras:
            _tag(paras.pop(0), toc.add("Caption"))
        for para in paras:
            _tag(para, toc.add("TOCI"))

    # ------------------------------------------------------------ drawing

    def _page(self, canv) -> int:
        index = canv.getPageNumber() - 1
        while len(self.pages) <= index:
            self.pages.append([])
        return index

    def _mcid(self, page: int, element: Element) -> int:
        mcid = len(self.pages[page])
        self.pages[page].append(element)
        element.kids.append((page, mcid))
        return mcid

    def _begin_content(self, canv, element: Element) -> None:
        page = self._mc_page = self._page(canv)
        self._element = element
        mcid = self._mcid(page, element)
        # Close the artifact the page is in between leaves (see open_page).
        canv._code.append(f"EMC /{element.role} <</MCID {mcid}>> BDC")

    def language(self, code: list, foreign: bool) -> None:
        """In a leaf's text object (``code``): begin a run in the other language, or end one.

        The run is marked content of the same element with a /Lang of its own.  It is not
        nested inside the element's marked content, because poppler (and so pdfinfo)
        stops collecting an element's text at the first nested sequence without an MCID."""
        element = self._element
        if element is None or foreign == self._foreign:
            return
        self._foreign = foreign
        mcid = self._mcid(self._mc_page, element)
        if foreign:
            other = PDF_LANG["zh" if self.lang == "en" else "en"]
            code.append(f"EMC /Span <</Lang ({other}) /MCID {mcid}>> BDC")
        else:
            code.append(f"EMC /{element.role} <</MCID {mcid}>> BDC")

    def begin(self, canv, flowable) -> bool:
        leaf = getattr(flowable, "tag", None)
        if leaf is None or self._open is not None:
            return False
        if id(flowable) in self._drawn:
            return False                # drawn again: a table header repeated on a new page
        self._drawn[id(flowable)] = flowable
        self._open = leaf
        start = leaf.label if leaf.label is not None and getattr(flowable, "bulletText", None) \
            else leaf.element
        self._begin_content(canv, start)
        self._annots_before = len(canv._annotationrefs)
        return True

    def after_bullet(self, canv) -> None:
        """The list item's label is drawn: what follows is its body."""
        leaf = self._open
        if leaf is not None and self._element is leaf.label:
            canv._code.append("EMC /Artifact BMC")
            self._begin_content(canv, leaf.element)

    def end(self, canv) -> None:
        leaf, self._open, self._element, self._foreign = self._open, None, None, False
        canv._code.append("EMC /Artifact BMC")
        for ref in canv._annotationrefs[self._annots_before:]:
            self._link(canv, leaf.element, ref.name)

    def _link(self, canv, element: Element, name: str) -> None:
        """A link drawn in ``element``: a Link element owns the annotation, which says where it goes."""
        from reportlab.pdfbase.pdfdoc import PDFDictionary

        annot = canv._doc.idToObject[name]
        words = _LINK_TEXT.get(self.lang, _LINK_TEXT["en"])
        if isinstance(annot, PDFDictionary):            # a URI link
            annot["Contents"] = annot["A"]["URI"]
            annot["F"] = 4                              # PDF/A: printable
        else:                                           # an internal link (a LinkAnnotation)
            dest = getattr(annot.Destination, "name", "")
            kind, _, number = dest.partition("-")
            annot.Contents = words.get(kind, words["sec"]).format(n=number)
            annot.otherkw["F"] = 4
            annot.permitted = annot.permitted + ("StructParent",)
        # A citation mark's Link is not wrapped in a Reference element: the Note it leads to
        # says what it is, and a brief has dozens of marks (each element costs bytes).
        link = element.add("Link")
        link.kids.append((self._page(canv), name))
        self.annotations.append((link, name))

    # ------------------------------------------------------------ pages and the file

    def open_page(self, canv) -> None:
        """Called when a held page is finished: all that is not a leaf is an artifact."""
        canv._code.insert(0, "/Artifact BMC")
        self.page_names.append(canv._doc.thisPageName())
        self._page(canv)

    def close_page(self, canv) -> None:
        canv._code.append("EMC")

    def page_written(self, page, index: int) -> None:
        """Set the keys a tagged page needs on reportlab's page object."""
        page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = index
        page.Tabs = _name("S")              # PDF/UA: annotations in structure order

    def write(self, doc) -> None:
        """Add the StructTreeRoot, ParentTree and MarkInfo to reportlab's ``doc``."""
        from .pdf_struct_tree import write_tree

        write_tree(self, doc)


def _name(value: str):
    from reportlab.pdfbase.pdfdoc import PDFName

    return PDFName(value)


# --------------------------------------------------------------------------- drawing hooks

def tagger_of(canv) -> Tagger | None:
    ctx = getattr(canv, "_brief_ctx", None)
    return getattr(ctx, "tagger", None) if ctx is not None and not ctx.measure else None


@contextmanager
def marked(canv, flowable):
    """Wrap what ``flowable`` draws in marked content for its structure element, if it has one."""
    tagger = tagger_of(canv)
    opened = tagger is not None and tagger.begin(canv, flowable)
    try:
        yield
    finally:
        if opened:
            tagger.end(canv)


@functools.lru_cache(maxsize=1)
def install_bullet_hook() -> None:
    """Let a list item's bullet be its Lbl: reportlab draws it in a module function of its own.

    The wrapper does nothing unless the canvas belongs to a tagged brief."""
    from reportlab.platypus import paragraph

    draw_bullet = paragraph._drawBullet

    def _drawBullet(canvas, *args, **kwargs):  # noqa: N802 (reportlab's name)
        offset = draw_bullet(canvas, *args, **kwargs)
        tagger = tagger_of(canvas)
        if tagger is not None:
            tagger.after_bullet(canvas)
        return offset

    paragraph._drawBullet = _drawBullet


@functools.lru_cache(maxsize=2)
def text_class(base):
    """``base`` (a reportlab text object class) that marks runs in the other language with /Lang."""

    class LangText(base):
        def _textOut(self, text, TStar=0):  # noqa: N802 (reportlab's name)
            tagger = tagger_of(self._canvas)
            if tagger is None or tagger._element is None or type(text) is not str:
                return super()._textOut(text, TStar)
            if TStar and tagger.lang == "en" and text and not text[-1].isspace():
                # reportlab drops the space an English line breaks at, and extraction (a screen
                # reader) would join the words either side; a space at the line's end is unseen.
                text += " "
            pattern = _OTHER_LANG[tagger.lang]
            # Several Tj in a row draw exactly what one would: the text position moves the same.
            pos = 0
            for match in pattern.finditer(text):
                if match.start() > pos:
                    tagger.language(self._code, False)
                    super()._textOut(text[pos:match.start()])
                tagger.language(self._code, True)
                super()._textOut(match.group())
                pos = match.end()
            if pos < len(text) or not pos:
                tagger.language(self._code, False)
                super()._textOut(text[pos:])
            if TStar:
                self._code.append("T*")

        def getCode(self):  # noqa: N802 (reportlab's name)
            tagger = tagger_of(self._canvas)
            if tagger is not None:
                tagger.language(self._code, False)     # a marked run ends inside its BT ... ET
            return super().getCode()

    return LangText
