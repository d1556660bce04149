"""Word writer: a .docx draft built on Word's own styles, so an analyst restyles a brief in one place.

Every look (font, size, colour, spacing, borders) lives in a named style that this
module defines once from the :class:`~briefgen.style.HouseStyle`: Title, Subtitle,
Heading 1-3, Normal, List Bullet, List Number, Caption, "Brief Table", "Key
Messages", "Source Note", "Edition" and a few more.  Runs carry only bold, italic,
hyperlink and the East Asian font and language, which Word needs on the run to
pick a Chinese font for Chinese text.

``HouseStyle.reference_docx`` works like pandoc's reference doc: the document
starts from that file, keeps its page setup, header, footer and styles, and only
the styles it lacks are added.

The styled, empty document is prepared once per (house style, language) and kept
as bytes; each call loads a fresh copy, so nothing leaks between calls and
threads.  The saved package is re-zipped with fixed timestamps and member order,
so the same brief gives the same bytes (SOURCE_DATE_EPOCH sets the zip dates).
"""
from __future__ import annotations

import copy
import functools
import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..document import (Brief, BulletList, Callout, Citation, Figure, Heading, Inlines, Link,
                        NumberedList, Paragraph, References, Table, TableOfContents, Text, plain)
from .. import characters, clock, links
from ..units import keep_with_units
from . import _reference
from ..errors import BriefgenError
from ..style import HouseStyle

if TYPE_CHECKING:  # python-docx is imported lazily: `briefgen --help` must not pay for it
    from docx.document import Document as DocxDocument

__all__ = ["render"]

# --------------------------------------------------------------------------- constants

_CM = 567                         # twentieths of a point (twips) per centimetre
_EMU_PER_TWIP = 635
_PAPER = {"A4": (11906, 16838), "LETTER": (12240, 15840)}   # width, height in twips
_MARGIN = 2 * _CM

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_LANG_TAG = {"en": "en-GB", "zh": "zh-CN"}

_FOOTER_TEXT = {"en": ("Page ", " of ", ""), "zh": ("第 ", " 页，共 ", " 页")}
_TOC_PLACEHOLDER = {"en": "Right-click and choose Update Field to build the table of contents.",
                    "zh": "右键单击并选择“更新域”以生成目录。"}

#: Bookmark names: hidden (leading underscore) for headings, as Word's own _Toc marks are.
_HEADING_MARK = "_TocBG{:04d}"
_REF_MARK = "ref_{}"

#: The Word styles this writer uses: UI name -> (internal name, style id).  Word matches
#: built-in styles by internal name ("heading 1", "caption", "toc 1"), so those are kept.
_STYLE_NAMES: dict[str, tuple[str, str]] = {
    "Normal": ("Normal", "Normal"),
    "Title": ("Title", "Title"),
    "Subtitle": ("Subtitle", "Subtitle"),
    "Edition": ("Edition", "Edition"),
    "Lead": ("Lead", "Lead"),
    "Heading 1": ("heading 1", "Heading1"),
    "Heading 2": ("heading 2", "Heading2"),
    "Heading 3": ("heading 3", "Heading3"),
    "List Bullet": ("List Bullet", "ListBullet"),
    "List Number": ("List Number", "ListNumber"),
    "Caption": ("caption", "Caption"),
    "Figure": ("Figure", "Figure"),
    "Source Note": ("Source Note", "SourceNote"),
    "Key Messages Title": ("Key Messages Title", "KeyMessagesTitle"),
    "Key Messages": ("Key Messages", "KeyMessages"),
    "Bibliography": ("Bibliography", "Bibliography"),
    "TOC Heading": ("TOC Heading", "TOCHeading"),
    "TOC 1": ("toc 1", "TOC1"),
    "TOC 2": ("toc 2", "TOC2"),
    "TOC 3": ("toc 3", "TOC3"),
    "Header": ("header", "Header"),
    "Footer": ("footer", "Footer"),
    "Hyperlink": ("Hyperlink", "Hyperlink"),
    "Brief Table": ("Brief Table", "BriefTable"),
}


#: Han, kana, CJK punctuation and full-width forms: text that is never set in italic.
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
_CJK_PIECES = re.compile(f"{_CJK.pattern}+|(?:(?!{_CJK.pattern}).)+", re.S)


def _clean(text: str) -> str:
    """``text`` without the characters the character policy refuses (XML cannot hold most)."""
    return characters.strip(text)


def _hex(colour: str) -> str:
    """A HouseStyle colour ("#1F4E79") as Word writes it ("1F4E79")."""
    value = colour.strip().lstrip("#").upper()
    if not re.fullmatch(r"[0-9A-F]{6}", value):
        raise BriefgenError(f"house style colour {colour!r} is not a #RRGGBB value")
    return value


def _half_points(size: float) -> str:
    return str(int(round(size * 2)))


# --------------------------------------------------------------------------- XML helpers

_SECT_PR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"

def _el(tag: str, attrs: dict[str, str] | None = None, children: Iterable[Any] = ()) -> Any:
    """A new WordprocessingML element; ``attrs`` keys are prefixed names such as ``w:val``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        el.set(qn(key), value)
    for child in children:
        if child is not None:
            el.append(child)
    return el


def word_fonts(house: HouseStyle, lang: str) -> tuple[str, str]:
    """The (Latin, East Asian) font *names* Word is told for ``lang``: the one place they are read.

    Only the document defaults, Normal, the theme, the chart and the bullet glyph use
    them; every other style inherits, so a reference docx restyles the brief in one step."""
    return house.word_font_latin, house.word_font_east_asia


def _fonts_el(latin: str, east_asia: str) -> Any:
    return _el("w:rFonts", {"w:ascii": latin, "w:hAnsi": latin, "w:eastAsia": east_asia,
                            "w:cs": latin})


def _lang_el(lang: str) -> Any:
    return _el("w:lang", {"w:val": _LANG_TAG.get(lang, "en-GB"), "w:eastAsia": "zh-CN"})


def _rpr(house: HouseStyle, lang: str, *, size: float | None = None, bold: bool | None = None,
         italic: bool | None = None, colour: str | None = None, underline: bool = False,
         fonts: bool = False, with_lang: bool = True) -> Any:
    """A style's run properties, children in the order the schema requires."""
    kids: list[Any] = []
    if fonts:
        kids.append(_fonts_el(*word_fonts(house, lang)))
    if bold is not None:
        val = "1" if bold else "0"
        kids += [_el("w:b", {"w:val": val}), _el("w:bCs", {"w:val": val})]
    if italic is not None:
        val = "1" if italic else "0"
        kids += [_el("w:i", {"w:val": val}), _el("w:iCs", {"w:val": val})]
    if colour:
        kids.append(_el("w:color", {"w:val": _hex(colour)}))
    if size is not None:
        kids += [_el("w:sz", {"w:val": _half_points(size)}),
                 _el("w:szCs", {"w:val": _half_points(size)})]
    if underline:
        kids.append(_el("w:u", {"w:val": "single"}))
    if with_lang:
        kids.append(_lang_el(lang))
    return _el("w:rPr", children=kids)


def _border(side: str, colour: str, size_eighths: int, space: int = 0) -> Any:
    return _el(f"w:{side}", {"w:val": "single", "w:sz": str(size_eighths),
                             "w:space": str(space), "w:color": _hex(colour)})


def _ppr(*, keep_next: bool = False, keep_lines: bool = False, num_id: int | None = None,
         borders: Sequence[Any] = (), fill: str | None = None,
         tabs: Sequence[tuple[str, int, str | None]] = (),
         before: int | None = None, after: int | None = None, line: int | None = None,
         left: int | None = None, hanging: int | None = None, jc: str | None = None,
         outline: int | None = None, contextual: bool = False) -> Any:
    """A style's paragraph properties (twips), children in schema order."""
    kids: list[Any] = []
    if keep_next:
        kids.append(_el("w:keepNext"))
    if keep_lines:
        kids.append(_el("w:keepLines"))
    if num_id is not None:
        kids.append(_el("w:numPr", children=[_el("w:ilvl", {"w:val": "0"}),
                                             _el("w:numId", {"w:val": str(num_id)})]))
    if borders:
        kids.append(_el("w:pBdr", children=borders))
    if fill:
        kids.append(_el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": _hex(fill)}))
    if tabs:
        kids.append(_el("w:tabs", children=[
            _el("w:tab", {"w:val": kind, "w:pos": str(pos), **({"w:leader": leader} if leader else {})})
            for kind, pos, leader in tabs]))
    spacing = {k: str(v) for k, v in (("w:before", before), ("w:after", after), ("w:line", line))
               if v is not None}
    if line is not None:
        spacing["w:lineRule"] = "auto"
    if spacing:
        kids.append(_el("w:spacing", spacing))
    ind = {k: str(v) for k, v in (("w:left", left), ("w:hanging", hanging)) if v is not None}
    if ind:
        kids.append(_el("w:ind", ind))
    if contextual:
        kids.append(_el("w:contextualSpacing"))
    if jc:
        kids.append(_el("w:jc", {"w:val": jc}))
    if outline is not None:
        kids.append(_el("w:outlineLvl", {"w:val": str(outline)}))
    return _el("w:pPr", children=kids)


# --------------------------------------------------------------------------- the prepared template

@dataclass(frozen=True)
class _Template:
    """A styled, empty document as bytes plus what rendering needs to know about it."""

    data: bytes
    style_ids: dict[str, str]        # UI name -> style id, for every style in _STYLE_NAMES
    number_abstract: int             # abstractNum that numbered lists restart from
    bullet_num: int | None           # numId for bullets when List Bullet has no numbering
    text_width: int                  # twips


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


def _template(style: HouseStyle, lang: str) -> _Template:
    return _prepare(style, lang, _reference_key(style))


@functools.lru_cache(maxsize=16)
def _prepare(style: HouseStyle, lang: str, reference: tuple[str, int, int] | None) -> _Template:
    """Build the styled empty document for ``style`` and ``lang`` (cached: it is the slow part)."""
    import docx

    own = reference is None
    if own:
        doc = docx.Document()
        _strip_default_template(doc)
    else:
        # Sizes checked before any part is inflated; only styles, numbering, theme, settings,
        # headers and footers (with their own pictures) are kept (see _reference.py).
        doc = _reference.load(Path(style.reference_docx))
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
    _header_footer(doc, style, lang, style_ids, own)

    buf = io.BytesIO()
    doc.save(buf)
    return _Template(buf.getvalue(), style_ids, number_abstract, bullet_num, text_width)


def _strip_default_template(doc: DocxDocument) -> None:
    """Drop python-docx template parts that would mislead: a blank page's thumbnail, a stale styles copy."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in (RT.THUMBNAIL, _STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
                del rels[rid]
    # The 140-odd table styles of the default template make every load and save slower;
    # Word still offers its built-in table styles from its own list (latentStyles).
    from docx.oxml.ns import qn

    styles = doc.styles.element
    for el in styles.findall(qn("w:style")):
        if el.get(qn("w:type")) == "table" and el.get(qn("w:styleId")) not in (
                "TableNormal", "TableGrid"):
            styles.remove(el)


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


def _ask_to_update_fields(doc: DocxDocument) -> None:
    """Have Word fill the fields on open (it asks first): only a brief with a table of contents needs it."""
    from docx.oxml.ns import qn

    settings = doc.settings.element
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


# --------------------------------------------------------------------------- numbering

def _numbering_root(doc: DocxDocument) -> Any:
    """The document's <w:numbering>, creating numbering.xml if the template has none."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.parts.numbering import NumberingPart

    try:
        return doc.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element,
                             doc.part.package)
        doc.part.relate_to(part, RT.NUMBERING)
        return element


def _add_abstract_num(numbering: Any, fmt: str, text: str, left: int, hanging: int,
                      colour: str | None = None, font: str | None = None) -> int:
    """Add a one-level list definition and return its abstractNumId."""
    from docx.oxml.ns import qn

    ids = [int(el.get(qn("w:abstractNumId"))) for el in numbering.findall(qn("w:abstractNum"))]
    new_id = max(ids, default=-1) + 1
    rpr_kids = []
    if font:
        rpr_kids.append(_el("w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:hint": "default"}))
    if colour:
        rpr_kids.append(_el("w:color", {"w:val": _hex(colour)}))
    lvl = _el("w:lvl", {"w:ilvl": "0"}, [
        _el("w:start", {"w:val": "1"}),
        _el("w:numFmt", {"w:val": fmt}),
        _el("w:lvlText", {"w:val": text}),
        _el("w:lvlJc", {"w:val": "left"}),
        _el("w:pPr", children=[_el("w:ind", {"w:left": str(left), "w:hanging": str(hanging)})]),
        _el("w:rPr", children=rpr_kids) if rpr_kids else None,
    ])
    abstract = _el("w:abstractNum", {"w:abstractNumId": str(new_id)}, [
        # nsid identifies the list to Word; derived from the id, never random.
        _el("w:nsid", {"w:val": f"{0x5B1E0000 + new_id:08X}"}),
        _el("w:multiLevelType", {"w:val": "singleLevel"}),
        lvl,
    ])
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)     # schema: every abstractNum before any num
    else:
        numbering.append(abstract)
    return new_id


def _style_numbering(numbering: Any, style_el: Any) -> tuple[int | None, int | None]:
    """The (numId, abstractNumId) a paragraph style's own numbering points at, if any."""
    from docx.oxml.ns import qn

    num_id_el = style_el.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id_el is None:
        return None, None
    num_id = int(num_id_el.get(qn("w:val")))
    for num in numbering.findall(qn("w:num")):
        if int(num.get(qn("w:numId"))) == num_id:
            abstract = num.find(qn("w:abstractNumId"))
            return num_id, int(abstract.get(qn("w:val")))
    return None, None


# --------------------------------------------------------------------------- styles

def _define_styles(doc: DocxDocument, house: HouseStyle, lang: str, own: bool, numbering: Any,
                   text_width: int) -> tuple[dict[str, str], int, int | None]:
    """Define every style the brief uses (in a reference docx, only the missing ones)."""
    # Returns the style ids, the abstractNum numbered lists restart from, and the numId
    # bullets need on each paragraph when a template's List Bullet has no numbering.
    from docx.oxml.ns import qn

    styles = doc.styles.element
    by_name: dict[str, Any] = {}
    for el in styles.findall(qn("w:style")):
        name_el = el.find(qn("w:name"))
        if name_el is not None:
            by_name.setdefault(name_el.get(qn("w:val")).lower(), el)
    used_ids = {el.get(qn("w:styleId")) for el in styles.findall(qn("w:style"))}
    ids: dict[str, str] = {}

    def find(ui: str) -> Any:
        internal = _STYLE_NAMES[ui][0]
        found = by_name.get(internal.lower())
        return found if found is not None else by_name.get(ui.lower())

    def define(ui: str, kind: str, based_on: str | None = None, next_style: str | None = None,
               parts: Sequence[Any] = (), custom: bool = False,
               based_on_id: str | None = None) -> tuple[Any, bool]:
        """Create or redefine style ``ui``; returns (element, whether this writer defines it)."""
        internal, style_id = _STYLE_NAMES[ui]
        existing = find(ui)
        if existing is not None and not own:
            ids[ui] = existing.get(qn("w:styleId"))      # the template's look wins
            return existing, False
        if existing is None:
            while style_id in used_ids:                  # never clash with a template's id
                style_id += "BG"
            used_ids.add(style_id)
            attrs = {"w:type": kind, "w:styleId": style_id}
            if custom:
                attrs["w:customStyle"] = "1"
            existing = _el("w:style", attrs)
            styles.append(existing)
            by_name[internal.lower()] = existing
        ids[ui] = existing.get(qn("w:styleId"))
        link = existing.find(qn("w:link"))            # keep the tie to a "... Char" twin
        for child in list(existing):
            existing.remove(child)
        # Children in the order the schema requires: name, basedOn, next, link, qFormat, pPr...
        existing.append(_el("w:name", {"w:val": internal}))
        parent = ids.get(based_on) if based_on else based_on_id
        if parent:
            existing.append(_el("w:basedOn", {"w:val": parent}))
        if next_style and next_style in ids:
            existing.append(_el("w:next", {"w:val": ids[next_style]}))
        if link is not None:
            existing.append(link)
        existing.append(_el("w:qFormat"))
        for el in parts:
            existing.append(el)
        return existing, True

    def rpr(**kw: Any) -> Any:
        return _rpr(house, lang, **kw)

    accent, light = house.accent, house.accent_light
    h1, h2, h3 = house.heading_sizes
    small = house.small_size
    zh = lang == "zh"

    # Fonts are named once, on Normal (and the document defaults): every other style is
    # based on Normal or on Heading 1, which is based on Normal, and names none, so
    # changing Normal's or Heading 1's font in Word or in a reference docx changes every
    # style that follows it.  Styles that read as headings (title, box title, contents
    # heading) follow Heading 1 but stay out of the outline (level 9 is body text).
    # Chinese is set justified, as in the PDF (and as Chinese documents are); English ragged right.
    define("Normal", "paragraph",
           parts=[_ppr(jc="both"), rpr(fonts=True)] if zh else [rpr(fonts=True)])
    for level, size, before, after in ((1, h1, 360, 120), (2, h2, 240, 80), (3, h3, 200, 60)):
        define(f"Heading {level}", "paragraph", "Normal" if level == 1 else "Heading 1", "Normal",
               [_ppr(keep_next=True, keep_lines=True, before=before, after=after,
                     outline=level - 1),
                rpr(size=size, bold=True, colour=accent)])
    define("Title", "paragraph", "Heading 1", "Subtitle",
           [_ppr(keep_next=True, before=0, after=120, line=240, outline=9),
            rpr(size=house.title_size, bold=True, colour=accent)])
    define("Subtitle", "paragraph", "Title", "Edition",
           [_ppr(keep_next=True, before=0, after=60, outline=9),
            rpr(size=h2, bold=False, colour=accent)])
    define("Edition", "paragraph", "Normal", "Normal",
           [_ppr(after=360, borders=[_border("bottom", accent, 6, 6)]), rpr(size=small)],
           custom=True)
    define("Lead", "paragraph", "Normal", "Normal",
           # Space before: the lead follows the key-messages box and must not touch it.
           # Upright: a whole italic paragraph is hard to read, and Chinese has no italic.
           [_ppr(before=240, after=200), rpr(size=round(h3 * 1.1, 1))],
           custom=True)

    # Lists keep the template's numbering definitions when it has them.
    found = find("List Number")
    num_id, number_abstract = (_style_numbering(numbering, found) if found is not None
                               else (None, None))
    el, ours = define("List Number", "paragraph", "Normal")
    if number_abstract is None:
        number_abstract = _add_abstract_num(numbering, "decimal", "%1.", 360, 360)
        num_id = None
    if ours:
        if num_id is None:
            num_id = int(numbering.add_num(number_abstract).numId)
        el.append(_ppr(num_id=num_id, after=60, left=360, hanging=360))
        el.append(rpr())

    found = find("List Bullet")
    bullet_num = _style_numbering(numbering, found)[0] if found is not None else None
    el, ours = define("List Bullet", "paragraph", "Normal")
    direct_bullets: int | None = None
    if bullet_num is None:
        bullet_num = int(numbering.add_num(
            _add_abstract_num(numbering, "bullet", "\u2022", 360, 360)).numId)
        if not ours:                    # a template style without bullets: number the paragraphs
            direct_bullets = bullet_num
    if ours:
        el.append(_ppr(num_id=bullet_num, after=60, left=360, hanging=360))
        el.append(rpr())

    define("Caption", "paragraph", "Normal", "Normal",
           [_ppr(before=160, after=80), rpr(size=house.body_size, bold=True, colour=accent)])
    define("Figure", "paragraph", "Normal", "Caption",
           [_ppr(keep_next=True, before=120, after=60, jc="center"), rpr()], custom=True)
    define("Source Note", "paragraph", "Normal", "Normal",
           [_ppr(before=40, after=200), rpr(size=small)], custom=True)

    # Key messages: a shaded box with an accent rule on the left.  Title and items share
    # border, shading and indents, which is what makes Word draw them as one box.
    def box(**kw: Any) -> Any:
        return _ppr(borders=[_border("left", accent, 24, 8)], fill=light, left=480, hanging=300,
                    **kw)

    define("Key Messages Title", "paragraph", "Heading 1", "Key Messages",
           [box(keep_next=True, before=120, after=80, outline=9),
            rpr(size=h2, bold=True, colour=accent)], custom=True)
    el, ours = define("Key Messages", "paragraph", "Normal", "Normal", custom=True)
    if ours:
        abstract = _add_abstract_num(numbering, "bullet", "\u25A0", 480, 300, colour=accent,
                                     font=word_fonts(house, lang)[0])
        el.append(box(num_id=int(numbering.add_num(abstract).numId), after=80))
        el.append(rpr())

    define("Bibliography", "paragraph", "Normal", "Normal",
           [_ppr(after=80, left=480, hanging=480), rpr()])
    define("TOC Heading", "paragraph", "Heading 1", "Normal",
           [_ppr(keep_next=True, outline=9), rpr(size=h1, bold=True, colour=accent)])
    for level in (1, 2, 3):
        define(f"TOC {level}", "paragraph", "Normal", "Normal",
               [_ppr(tabs=[("right", text_width, "dot")], after=60, left=(level - 1) * 360),
                rpr(bold=True if level == 1 else None)])
    define("Header", "paragraph", "Normal", parts=[
        _ppr(borders=[_border("bottom", accent, 4, 4)], after=0, line=240,
             tabs=[("right", text_width, None)]),
        rpr(size=small, colour=accent)])
    define("Footer", "paragraph", "Normal", parts=[_ppr(after=0, line=240, jc="right"),
                                                   rpr(size=small)])
    define("Hyperlink", "character",
           parts=[rpr(colour=accent, underline=True, with_lang=False)])

    # "Brief Table": horizontal rules only, the header row bold on the light accent.
    grid = by_name.get("table grid")
    define("Brief Table", "table", custom=True,
           based_on_id=grid.get(qn("w:styleId")) if grid is not None else None,
           parts=[_ppr(after=0, line=240), rpr(), _table_properties(house),
                  _table_header_properties(house, lang)])

    if zh:
        _upright(styles, ids)
    missing = [ui for ui in _STYLE_NAMES if ui not in ids]
    if missing:  # a programming error, not a user's: every looked-up style must exist
        raise AssertionError(f"styles not defined: {missing}")
    return ids, number_abstract, direct_bullets


def _upright(styles: Any, ids: dict[str, str]) -> None:
    """Set upright every style a Chinese brief uses that would be italic (a template's caption, say)."""
    from docx.oxml.ns import qn

    by_id = {el.get(qn("w:styleId")): el for el in styles.findall(qn("w:style"))}

    def italic(style_id: str | None, seen: int = 0) -> bool:
        el = by_id.get(style_id) if style_id else None
        if el is None or seen > 20:          # a basedOn loop in a damaged template
            return False
        i = el.find(f"{qn('w:rPr')}/{qn('w:i')}")
        if i is not None:
            return i.get(qn("w:val"), "1") not in ("0", "false", "off")
        parent = el.find(qn("w:basedOn"))
        return italic(parent.get(qn("w:val")) if parent is not None else None, seen + 1)

    for style_id in set(ids.values()):
        if italic(style_id):
            el = by_id[style_id]
            rpr = el.find(qn("w:rPr"))
            if rpr is None:
                rpr = _el("w:rPr")
                el.append(rpr)
            for tag in ("w:i", "w:iCs"):
                for old in rpr.findall(qn(tag)):
                    rpr.remove(old)
            # Schema order: w:i follows rStyle, rFonts, b, bCs.
            after = [c for c in rpr if c.tag in {qn(t) for t in ("w:rStyle", "w:rFonts", "w:b", "w:bCs")}]
            upright = [_el("w:i", {"w:val": "0"}), _el("w:iCs", {"w:val": "0"})]
            if after:
                after[-1].addnext(upright[1])
                after[-1].addnext(upright[0])
            else:
                rpr.insert(0, upright[1])
                rpr.insert(0, upright[0])


def _table_properties(house: HouseStyle) -> Any:
    accent = house.accent
    return _el("w:tblPr", children=[
        _el("w:tblBorders", children=[
            # Sides say "nil" explicitly: the grid style this is based on draws them.
            _border("top", accent, 8), _el("w:left", {"w:val": "nil"}),
            _border("bottom", accent, 8), _el("w:right", {"w:val": "nil"}),
            _border("insideH", accent, 2), _el("w:insideV", {"w:val": "nil"}),
        ]),
        _el("w:tblCellMar", children=[
            _el(f"w:{side}", {"w:w": str(w), "w:type": "dxa"})
            for side, w in (("top", 40), ("left", 100), ("bottom", 40), ("right", 100))
        ]),
    ])


def _table_header_properties(house: HouseStyle, lang: str) -> Any:
    return _el("w:tblStylePr", {"w:type": "firstRow"}, [
        _el("w:pPr", children=[_el("w:keepNext")]),
        _rpr(house, lang, bold=True, colour=house.accent, fonts=False, with_lang=False),
        _el("w:tblPr"),
        _el("w:trPr", children=[_el("w:tblHeader")]),
        _el("w:tcPr", children=[
            _el("w:tcBorders", children=[_border("bottom", house.accent, 8)]),
            _el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": _hex(house.accent_light)}),
        ]),
    ])


# --------------------------------------------------------------------------- header and footer

def _field(instr: str, cached: str, rpr: Any | None = None) -> list[Any]:
    """The runs of one complex field (begin, instruction, separate, cached result, end)."""
    def run(*kids: Any) -> Any:
        r = _el("w:r", children=[copy.deepcopy(rpr)] if rpr is not None else [])
        for kid in kids:
            r.append(kid)
        return r

    t_instr = _el("w:instrText", {"xml:space": "preserve"})
    t_instr.text = f" {instr} "
    t_cached = _el("w:t", {"xml:space": "preserve"})
    t_cached.text = cached
    return [run(_el("w:fldChar", {"w:fldCharType": "begin"})), run(t_instr),
            run(_el("w:fldChar", {"w:fldCharType": "separate"})), run(t_cached),
            run(_el("w:fldChar", {"w:fldCharType": "end"}))]


def _run_rpr(house: HouseStyle, lang: str, *, style_id: str | None = None, bold: bool = False,
             italic: bool = False) -> Any:
    """A run's properties: optional character style, bold/italic, East Asian font and language."""
    kids: list[Any] = []
    if style_id:
        kids.append(_el("w:rStyle", {"w:val": style_id}))
    # The East Asian font itself is declared once, on the styles and document
    # defaults, so an analyst (or a reference docx) can change it in one place.
    if lang == "zh":
        # Shared punctuation (“ ” · …) is set in the East Asian font in a Chinese brief.
        kids.append(_el("w:rFonts", {"w:hint": "eastAsia"}))
    if bold:
        kids.append(_el("w:b"))
    if italic:
        kids.append(_el("w:i"))
    kids.append(_lang_el(lang))
    return _el("w:rPr", children=kids)


def _text_run(text: str, rpr: Any) -> Any:
    r = _el("w:r", children=[copy.deepcopy(rpr)])
    text = keep_with_units(_clean(text))
    if "\t" in text or "\n" in text or "\r" in text:
        r.text = text                # CT_R.text turns \t and \n into Word tabs and breaks
    elif text:
        # The one w:t that CT_R.text would make, without its loop over every character.
        r.add_t(text)
    return r


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
    rpr = _run_rpr(house, lang)
    header = section.header
    if own or header.is_linked_to_previous:
        p = _cleared_paragraph(header, ids["Header"])
        p.append(_text_run(house.organisation_for(lang), rpr))
        if house.logo is not None:
            from docx.shared import Cm
            from docx.text.paragraph import Paragraph as DocxParagraph
            p.append(_text_run("\t", rpr))
            try:
                DocxParagraph(p, header).add_run().add_picture(str(house.logo), height=Cm(0.8))
            except Exception as exc:
                raise BriefgenError(f"logo {str(house.logo)!r} cannot be used: {exc}") from exc
    footer = section.footer
    if own or footer.is_linked_to_previous:
        p = _cleared_paragraph(footer, ids["Footer"])
        before, middle, after = _FOOTER_TEXT.get(lang, _FOOTER_TEXT["en"])
        p.append(_text_run(before, rpr))
        for r in _field("PAGE", "1", rpr):
            p.append(r)
        p.append(_text_run(middle, rpr))
        for r in _field("NUMPAGES", "1", rpr):
            p.append(r)
        if after:
            p.append(_text_run(after, rpr))


# --------------------------------------------------------------------------- rendering a brief

class _BriefWriter:
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
                mark = self.run(item.label)
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
                    self.inlines(tc.p_lst[0], cells[c_index])
        if block.note:
            self.inlines(self.paragraph("Source Note"), block.note)

    def figure(self, block: Figure) -> None:
        from docx.oxml import parse_xml

        from .. import charts
        from . import docx_chart

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

    def core_properties(self) -> None:
        """File > Info as it is true of this brief: its title, its publisher (or nobody), its dates.

        Everything the template's (or python-docx's) own properties said goes first."""
        meta = self.brief.meta
        when = _stamp(meta.date)
        cp = self.doc.core_properties
        for child in list(cp._element):
            cp._element.remove(child)

        def prop(text: str) -> str:
            return _clean(text)[:255]       # the limit python-docx enforces for properties

        lede = next((plain(b.inlines) for b in self.brief.blocks
                     if isinstance(b, Paragraph) and b.role == "lead"), "")
        publisher = prop(meta.author)       # the organisation of the house style, or empty
        cp.title = prop(meta.title)
        cp.subject = prop(meta.subject)
        cp.author = publisher
        cp.last_modified_by = publisher
        cp.keywords = prop(", ".join(meta.keywords))
        cp.language = _LANG_TAG.get(self.lang, "en-GB")
        cp.comments = prop(lede or meta.subtitle)
        cp.identifier = prop(meta.brief_id)
        cp.created = when
        cp.modified = when
        cp.revision = 1
        self.app_properties(publisher)

    def app_properties(self, publisher: str) -> None:
        """Extended properties without the template's claims (its program, page and word counts)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for rel in self.doc.part.package.rels.values():
            if rel.reltype == RT.EXTENDED_PROPERTIES:
                company = f"<Company>{_xml_text(publisher)}</Company>" if publisher else ""
                rel.target_part._blob = (
                    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'extended-properties">' f"{company}<DocSecurity>0</DocSecurity>"
                    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
                    "<HyperlinksChanged>false</HyperlinksChanged></Properties>").encode("utf-8")

    def renumber_drawings(self) -> None:
        """Give every picture a document-wide unique, sequential id (Word repairs duplicates)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        parts = [self.doc.part]
        for rel in self.doc.part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER):
                parts.append(rel.target_part)
        next_id = 1
        for part in parts:
            for doc_pr in part.element.iter(
                    "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
                doc_pr.set("id", str(next_id))
                next_id += 1

    def write(self) -> bytes:
        self.title_block()
        for block in self.brief.blocks:
            self.block(block)
        if any(isinstance(b, TableOfContents) for b in self.brief.blocks):
            _ask_to_update_fields(self.doc)
        self.core_properties()
        self.renumber_drawings()
        return _stable_zip(_package_members(self.doc), _zip_time(self.brief.meta.date))


def _instr(text: str) -> Any:
    el = _el("w:instrText", {"xml:space": "preserve"})
    el.text = f" {text} "
    return el


def _number(p: Any, num_id: int) -> None:
    """Attach list numbering ``num_id`` to paragraph ``p``."""
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


# --------------------------------------------------------------------------- reproducible zip

def _stamp(brief_date: date) -> datetime:
    """When the file was made: SOURCE_DATE_EPOCH when set, else the brief's date (never the clock).

    The one time a .docx holds: its created and modified properties and its zip dates."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return clock.now().replace(microsecond=0)
    return datetime(brief_date.year, brief_date.month, brief_date.day, tzinfo=timezone.utc)


def _zip_time(brief_date: date) -> tuple[int, int, int, int, int, int]:
    stamp = max(_stamp(brief_date), datetime(1980, 1, 1, tzinfo=timezone.utc))  # zip cannot go before 1980
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def _xml_text(text: str) -> str:
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _package_members(doc: DocxDocument) -> dict[str, bytes]:
    """The package's parts by zip member name, exactly as ``doc.save`` would write them.

    Saving through python-docx deflates every part only for :func:`_stable_zip` to
    inflate and deflate it again (a fifth of a brief's Word time); these are the
    steps of docx.opc.package.OpcPackage.save, with a dict in place of the zip."""
    from docx.opc.pkgwriter import PackageWriter

    class Members(dict):
        def write(self, pack_uri: Any, blob: bytes) -> None:   # PhysPkgWriter's interface
            self[pack_uri.membername] = blob

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    members = Members()
    PackageWriter._write_content_types_stream(members, package.parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, package.parts)
    return dict(members)


def _stable_zip(members: dict[str, bytes], date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Zip a package's members with one timestamp, fixed attributes and a stable member order."""
    first = ("[Content_Types].xml", "_rels/.rels")
    order = [n for n in first if n in members] + sorted(n for n in members if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = 0                        # same bytes on every platform
            info.external_attr = 0
            if name.endswith((".png", ".jpeg", ".jpg")):
                info.compress_type = zipfile.ZIP_STORED   # already compressed
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


# --------------------------------------------------------------------------- entry point

def render(brief: Brief, style: HouseStyle) -> bytes:
    """Render ``brief`` as a Word document and return the .docx file's bytes."""
    lang = brief.meta.lang if brief.meta.lang in _LANG_TAG else "en"
    return _BriefWriter(brief, style, _template(style, lang)).write()
