"""WordprocessingML elements for preparing the template: styles' run and paragraph properties.

Everything here makes lxml elements and knows nothing about a brief; a brief's own
body is written as text (wml.py).  python-docx is imported inside the functions:
`briefgen --help` must not pay for it, and a brief whose template is in the user
cache folder never imports it.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Iterable, Sequence

from ...errors import BriefgenError
from ...style import HouseStyle
from .wml import LANG_TAG as _LANG_TAG
from .wml import W_NS

_CM = 567                         # twentieths of a point (twips) per centimetre
_EMU_PER_TWIP = 635


def _hex(colour: str) -> str:
    """A HouseStyle colour ("#1F4E79") as Word writes it ("1F4E79")."""
    value = colour.strip().lstrip("#").upper()
    if not re.fullmatch(r"[0-9A-F]{6}", value):
        raise BriefgenError(f"house style colour {colour!r} is not a #RRGGBB value")
    return value


def _half_points(size: float) -> str:
    return str(int(round(size * 2)))


# --------------------------------------------------------------------------- XML helpers

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


def _runs(xml: str) -> list[Any]:
    """The elements of ``xml``, runs written by :mod:`.wml`, to append to a paragraph."""
    from docx.oxml import parse_xml

    return list(parse_xml(f'<w:p xmlns:w="{W_NS}">{xml}</w:p>'))
