"""WordprocessingML building blocks: elements, run and paragraph properties, runs, fields.

Everything here makes XML and knows nothing about a brief.  python-docx is imported
inside the functions: `briefgen --help` must not pay for it.
"""
from __future__ import annotations

import copy
import functools
import re
from typing import Any, Iterable, Sequence

from ... import characters
from ...errors import BriefgenError
from ...style import HouseStyle
from ...units import WORD_JOINER, keep_with_units

_CM = 567                         # twentieths of a point (twips) per centimetre
_EMU_PER_TWIP = 635
_LANG_TAG = {"en": "en-GB", "zh": "zh-CN"}
_NO_WIDTH_NON_BREAK = "\u200d"

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
    """A new WordprocessingML element; ``attrs`` keys are prefixed names such as ``w:val``.

    The element python-docx's OxmlElement(tag) makes, with its attributes set in order;
    the tag and attribute names are resolved once per name, not once per element (a
    brief makes some 700 elements, and resolving them was a fifth of its Word time)."""
    clark, nsmap, make = _tag(tag)
    el = make(clark, attrib={_qname(k): v for k, v in attrs.items()} if attrs else None, nsmap=nsmap)
    for child in children:
        if child is not None:
            el.append(child)
    return el


@functools.lru_cache(maxsize=None)
def _tag(tag: str) -> tuple[str, dict[str, str], Any]:
    from docx.oxml.ns import NamespacePrefixedTag
    from docx.oxml.parser import oxml_parser

    nsptag = NamespacePrefixedTag(tag)
    return nsptag.clark_name, nsptag.nsmap, oxml_parser.makeelement


@functools.lru_cache(maxsize=None)
def _qname(key: str) -> str:
    from docx.oxml.ns import qn

    return qn(key)


def word_fonts(house: HouseStyle, lang: str) -> tuple[str, str]:
    """The (Latin, East Asian) font *names* Word is told for ``lang`` (briefgen.fonts decides them).

    Only the document defaults, Normal, the theme, the chart and the bullet glyph use
    them; every other style inherits, so a reference docx restyles the brief in one step."""
    from ...fonts import word_font_names

    return word_font_names(house, lang)


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
    r = _el("w:r", children=[copy.copy(rpr)])   # lxml copies an element with its subtree
    # Word and LibreOffice do not honour the word joiner between Chinese characters; both
    # keep a zero-width joiner together (Word's own "No-Width Non Break" character).
    text = keep_with_units(_clean(text)).replace(WORD_JOINER, _NO_WIDTH_NON_BREAK)
    if "\t" in text or "\n" in text or "\r" in text:
        r.text = text                # CT_R.text turns \t and \n into Word tabs and breaks
    elif text:
        # The one w:t that CT_R.text (or CT_R.add_t) would make, without their loops.
        t = _el("w:t", {"xml:space": "preserve"} if len(text.strip()) < len(text) else None)
        t.text = text
        r.append(t)
    return r


def _instr(text: str) -> Any:
    el = _el("w:instrText", {"xml:space": "preserve"})
    el.text = f" {text} "
    return el

