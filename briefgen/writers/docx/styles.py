"""The Word styles a brief uses, defined once from the house style (or kept from a reference docx).

Fonts are named on Normal and the document defaults only; every other style is based
on Normal or on Heading 1, so a reference docx (or Modify Style in Word) changes the
fonts of the whole brief in one step.  List numbering definitions live here too,
since the list styles point at them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ...style import HouseStyle
from .xml import _border, _el, _hex, _ppr, _rpr, word_fonts

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument


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
