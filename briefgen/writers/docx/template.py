"""The styled, empty document every brief starts from: page, theme, settings, header and footer.

``HouseStyle.reference_docx`` works like pandoc's reference doc: the document
starts from that file, keeps its page setup, header, footer and styles, and only
the styles it lacks are added.  The result is prepared once per (house style,
language), cut into the parts a brief fills and the parts it keeps (prepared.py),
and kept: in memory, and in the user cache folder for the next process (cache.py).
A brief only reads it, so nothing leaks between calls and threads.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import BriefgenError
from ...style import HouseStyle
from .styles import _STYLE_NAMES, _define_styles, _numbering_root
from . import wml
from .prepared import Prepared, cut
from .xml import _CM, _EMU_PER_TWIP, _el, _ppr, _rpr, _runs, word_fonts

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_PAPER = {"A4": (11906, 16838), "LETTER": (12240, 15840)}   # width, height in twips
_MARGIN = 2 * _CM
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_FOOTER_TEXT = {"en": ("Page ", " of ", ""), "zh": ("第 ", " 页，共 ", " 页")}


# --------------------------------------------------------------------------- the prepared template


def _reference_key(style: HouseStyle) -> tuple[str, int, int] | None:
    """Identify the reference docx by path, size and mtime, so an edited template is re-read."""
    if style.reference_docx is None:
        return None
    path = Path(style.reference_docx)
    try:
        st = path.stat()
    except OSError as exc:
        raise BriefgenError(f"reference_docx {str(path)!r} cannot be read: {exc.strerror}") from exc
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _template(style: HouseStyle, lang: str, header_footer: bool = True) -> Prepared:
    return _prepare(style, lang, _reference_key(style), header_footer)


@functools.lru_cache(maxsize=16)
def _prepare(style: HouseStyle, lang: str, reference: tuple[str, int, int] | None,
             header_footer: bool) -> Prepared:
    """The styled empty document for ``style`` and ``lang``, from the user cache folder when a
    process made it before (it is the slow part: python-docx alone takes longer to import
    than a brief takes to write), else made and kept there."""
    from . import cache

    key = cache.key(style, lang, reference, header_footer)
    prepared = cache.read(key)
    if prepared is None:
        prepared = _make(style, lang, reference is not None, header_footer)
        cache.write(key, prepared)
    return prepared


def _make(style: HouseStyle, lang: str, has_reference: bool, header_footer: bool) -> Prepared:
    import docx

    own = not has_reference
    if own:
        doc = docx.Document()
        _strip_default_template(doc)
    else:
        # Sizes checked before any part is inflated; only styles, numbering, theme, settings,
        # headers and footers (with their own pictures) are kept (see _reference.py).
        from . import reference

        doc = reference.load(Path(style.reference_docx))
        _clear_body(doc)

    if own:
        _setup_page(doc, style)
        _fix_east_asian_defaults(doc, style, lang)
    section = doc.sections[0]
    text_width = int((section.page_width - section.left_margin - section.right_margin)
                     / _EMU_PER_TWIP)

    numbering = _numbering_root(doc)
    style_ids, number_abstract, bullet_num = _define_styles(doc, style, lang, own, numbering,
                                                            text_width)
    _settings(doc, lang)
    if header_footer:
        _header_footer(doc, style, lang, style_ids, own)
    else:
        _drop_header_footer(doc)
    doc.core_properties      # noqa: B018 -- python-docx adds the core properties part if missing
    first_drawing = _number_drawings(doc)

    buf = io.BytesIO()
    doc.save(buf)
    return cut(buf.getvalue(), style_ids, number_abstract, bullet_num, text_width, first_drawing)


def _number_drawings(doc: DocxDocument) -> int:
    """Number the header's and footer's pictures 1, 2, ...; return the id the body's first takes.

    Word repairs a document whose pictures share an id; these come first so that the
    parts stay the same in every brief and the body's charts continue the count."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    next_id = 1
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            for doc_pr in rel.target_part.element.iter(
                    "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
                doc_pr.set("id", str(next_id))
                next_id += 1
    return next_id


def _drop_header_footer(doc: DocxDocument) -> None:
    """No header or footer (the starter reference document: one there would replace a brief's own)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    sect_pr = doc.element.body.find(qn("w:sectPr"))
    for tag in ("w:headerReference", "w:footerReference"):
        for ref in sect_pr.findall(qn(tag)):
            sect_pr.remove(ref)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            del doc.part.rels[rid]


def _strip_default_template(doc: DocxDocument) -> None:
    """Drop python-docx template parts that would mislead: a blank page's thumbnail, a stale styles copy."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in (RT.THUMBNAIL, _STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
                del rels[rid]
    # The 140-odd table styles of the default template make every load and save slower,
    # and its other styles (Heading 4-9 in italic, Quote, Macro Text in Courier, the
    # "... Char" twins) carry looks of their own that would not follow Normal.  Only the
    # defaults, Table Grid and briefgen's styles stay; Word still offers its built-in
    # styles from its own list (latentStyles), defined afresh from Normal.
    from docx.oxml.ns import qn

    ours = {internal.lower() for internal, _ in _STYLE_NAMES.values()} | {"table grid"}
    styles = doc.styles.element
    for el in styles.findall(qn("w:style")):
        name = el.find(qn("w:name"))
        if el.get(qn("w:default")) != "1" and (name is None or name.get(qn("w:val")).lower() not in ours):
            styles.remove(el)
    for link in list(styles.iter(qn("w:link"))):  # ties to the "... Char" twins just removed
        link.getparent().remove(link)


def _clear_body(doc: DocxDocument) -> None:
    """Empty a reference document's body but keep its final section (page setup, header, footer)."""
    from docx.oxml.ns import qn

    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _setup_page(doc: DocxDocument, style: HouseStyle) -> None:
    from docx.shared import Twips

    paper = style.paper.upper()
    if paper not in _PAPER:
        raise BriefgenError(f"house style paper {style.paper!r} is not A4 or Letter")
    width, height = _PAPER[paper]
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(width), Twips(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(_MARGIN))
    section.header_distance = section.footer_distance = Twips(int(0.9 * _CM))
    section.gutter = Twips(0)


def _fix_east_asian_defaults(doc: DocxDocument, style: HouseStyle, lang: str) -> None:
    """Send East Asian text to the house CJK font, not the theme's Japanese one (MS Mincho)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from lxml import etree

    styles = doc.styles.element
    # Theme font attributes win over explicit names in Word, so remove them everywhere.
    theme_attrs = [qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")]
    for fonts in list(styles.iter(qn("w:rFonts"))):
        for attr in theme_attrs:
            fonts.attrib.pop(attr, None)
        if not fonts.attrib:
            fonts.getparent().remove(fonts)
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    for child in list(defaults):
        defaults.remove(child)
    body_line = 300 if lang == "zh" else 276      # CJK text needs a little more leading
    defaults.append(_el("w:rPrDefault", children=[_rpr(style, lang, size=style.body_size, fonts=True)]))
    defaults.append(_el("w:pPrDefault", children=[_ppr(after=120, line=body_line)]))

    # The theme itself: its empty <a:ea> plus themeFontLang ja-JP resolves to MS Mincho.
    theme = doc.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    latin, east_asia = word_fonts(style, lang)
    for scheme in root.iter(f"{a}majorFont", f"{a}minorFont"):
        for child in scheme:
            if child.tag == f"{a}latin":
                child.set("typeface", latin)
            elif child.tag == f"{a}ea":
                child.set("typeface", east_asia)
            elif child.tag == f"{a}font" and child.get("script") in ("Hans", "Jpan"):
                child.set("typeface", east_asia)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _settings(doc: DocxDocument, lang: str) -> None:
    """Declare Chinese as the East Asian language, and drop settings that would be untrue of a brief."""
    from docx.oxml.ns import qn

    settings = doc.settings.element
    # "Spelling and grammar checked" would stop Word from checking a brief nobody has
    # proofed; a preview picture is never written; fields are asked for per brief.
    for tag in ("w:proofState", "w:savePreviewPicture", "w:updateFields"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
        if lang == "zh":
            theme_lang.set(qn("w:val"), "zh-CN")


def _ask_to_update_fields(settings: Any) -> None:
    """Have Word fill the fields on open (it asks first): only a brief with a table of contents needs it."""
    from docx.oxml.ns import qn

    update = _el("w:updateFields", {"w:val": "true"})
    # Schema order: updateFields sits after the few elements that precede it in CT_Settings.
    anchor = None
    for tag in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
                "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang"):
        anchor = settings.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)


def _cleared_paragraph(part: Any, style_id: str) -> Any:
    """The first paragraph of a header or footer, emptied, unlinked and styled, ready to fill."""
    part.is_linked_to_previous = False
    p = part.paragraphs[0]._p
    for child in list(p):
        p.remove(child)
    p.style = style_id
    return p


def _header_footer(doc: DocxDocument, house: HouseStyle, lang: str, ids: dict[str, str],
                   own: bool) -> None:
    """Organisation name in the header, "Page N of M" in the footer, unless the template has its own."""
    section = doc.sections[0]
    rpr = wml.run_props(lang)
    header = section.header
    if own or header.is_linked_to_previous:
        p = _cleared_paragraph(header, ids["Header"])
        p.extend(_runs(wml.run(house.organisation_for(lang), rpr)))
        if house.logo is not None:
            from docx.shared import Cm
            from docx.text.paragraph import Paragraph as DocxParagraph
            p.extend(_runs(wml.run("\t", rpr)))
            try:
                DocxParagraph(p, header).add_run().add_picture(str(house.logo), height=Cm(0.8))
            except Exception as exc:
                raise BriefgenError(f"logo {str(house.logo)!r} cannot be used: {exc}") from exc
    footer = section.footer
    if own or footer.is_linked_to_previous:
        p = _cleared_paragraph(footer, ids["Footer"])
        before, middle, after = _FOOTER_TEXT.get(lang, _FOOTER_TEXT["en"])
        p.extend(_runs(wml.run(before, rpr) + wml.field("PAGE", "1", rpr) + wml.run(middle, rpr)
                       + wml.field("NUMPAGES", "1", rpr) + (wml.run(after, rpr) if after else "")))
