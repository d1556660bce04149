"""Paragraph styles from the house style, and the tighter ones copyfitting tries."""
from __future__ import annotations


import functools

from ...fonts import (Family)
from ...style import HouseStyle

from .geometry import _GREY, _INK
from .faces import _Faces


# --------------------------------------------------------------------------- styles

@functools.lru_cache(maxsize=16)
def _styles(style: HouseStyle, lang: str, faces: _Faces) -> dict:
    """Paragraph styles for one house style and language (immutable once built, so shared)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    zh = lang == "zh"
    regular = faces.name(faces.fonts.order(lang)[0])
    bold = faces.name(faces.fonts.order(lang, heading=True)[0], bold=True)
    body = style.body_size
    small = style.small_size
    h1, h2, h3 = style.heading_sizes
    accent = colors.HexColor(style.accent)
    ink = colors.HexColor(_INK)
    grey = colors.HexColor(_GREY)
    # Chinese is set justified on a wider leading, as Chinese books are; English ragged right.
    leading = 1.62 if zh else 1.42
    base = ParagraphStyle(
        "body", fontName=regular, fontSize=body, leading=body * leading, textColor=ink,
        alignment=TA_JUSTIFY if zh else TA_LEFT, wordWrap="CJK" if zh else None,
        spaceAfter=body * 0.6, splitLongWords=1, bulletFontName=regular,
        allowOrphans=0, allowWidows=0, hyphenationLang=None)

    def derive(name: str, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "lead": derive("lead", fontSize=body * 1.14, leading=body * 1.14 * leading,
                       textColor=colors.HexColor("#333333"), spaceAfter=body),
        "note": derive("note", fontSize=small, leading=small * 1.4, textColor=grey,
                       spaceAfter=small * 0.8),
        "title": derive("title", fontName=bold, fontSize=style.title_size,
                        leading=style.title_size * 1.22, textColor=ink, alignment=TA_LEFT,
                        spaceAfter=style.title_size * 0.35),
        "subtitle": derive("subtitle", fontSize=body * 1.3, leading=body * 1.3 * 1.3,
                           textColor=grey, alignment=TA_LEFT, spaceAfter=body * 0.5),
        "edition": derive("edition", fontSize=small, leading=small * 1.4, textColor=grey,
                          alignment=TA_LEFT, spaceAfter=0),
        "h1": derive("h1", fontName=bold, fontSize=h1, leading=h1 * 1.3, textColor=accent,
                     alignment=TA_LEFT, spaceBefore=body * 1.7, spaceAfter=body * 0.55,
                     keepWithNext=1),
        "h2": derive("h2", fontName=bold, fontSize=h2, leading=h2 * 1.3, textColor=ink,
                     alignment=TA_LEFT, spaceBefore=body * 1.2, spaceAfter=body * 0.4,
                     keepWithNext=1),
        "h3": derive("h3", fontName=bold, fontSize=h3, leading=h3 * 1.35, textColor=ink,
                     alignment=TA_LEFT, spaceBefore=body * 0.9, spaceAfter=body * 0.3,
                     keepWithNext=1),
        "callout_title": derive("callout_title", fontName=bold, fontSize=h2,
                                leading=h2 * 1.3, textColor=accent, alignment=TA_LEFT,
                                spaceAfter=0),
        "callout_item": derive("callout_item", leftIndent=body * 1.3,
                               bulletIndent=0, bulletFontName=faces.name(_bullet_font(faces, lang)),
                               bulletColor=accent, spaceAfter=0),
        "bullet_item": derive("bullet_item", leftIndent=body * 1.7, bulletIndent=body * 0.1,
                              bulletFontName=faces.name(_bullet_font(faces, lang)),
                              bulletColor=accent, spaceAfter=body * 0.3),
        "number_item": derive("number_item", leftIndent=body * 1.7, bulletIndent=0,
                              bulletFontName=regular, bulletColor=ink, spaceAfter=body * 0.3),
        "cell": derive("cell", fontSize=body * 0.9, leading=body * 0.9 * 1.32,
                       alignment=TA_LEFT, spaceAfter=0),
        "cell_head": derive("cell_head", fontName=bold, fontSize=body * 0.9,
                            leading=body * 0.9 * 1.32, alignment=TA_LEFT, spaceAfter=0),
        "caption": derive("caption", fontName=bold, fontSize=small * 1.08,
                          leading=small * 1.08 * 1.4, alignment=TA_LEFT,
                          spaceBefore=body * 0.4, spaceAfter=body * 0.4, keepWithNext=1),
        "figure_caption": derive("figure_caption", fontName=bold, fontSize=small * 1.08,
                                 leading=small * 1.08 * 1.4, alignment=TA_LEFT,
                                 spaceBefore=body * 0.3, spaceAfter=small * 0.2),
        "toc_title": derive("toc_title", fontName=bold, fontSize=small, leading=small * 1.5,
                            textColor=grey, alignment=TA_LEFT, spaceBefore=body * 0.6,
                            spaceAfter=small * 0.3),
        "toc_item": derive("toc_item", fontSize=small * 1.05, leading=small * 1.05 * 1.5,
                           alignment=TA_LEFT, spaceAfter=0),
        "reference": derive("reference", fontSize=small, leading=small * 1.45,
                            alignment=TA_LEFT, leftIndent=small * 2.8,
                            firstLineIndent=-small * 2.8, spaceAfter=small * 0.45),
    }


@functools.lru_cache(maxsize=16)
def _fitted_styles(style: HouseStyle, lang: str, faces: _Faces, spacing: float) -> dict:
    """:func:`_styles` with the space between blocks scaled by ``spacing`` and lines set a
    little closer in proportion (copyfitting: see :func:`layout`)."""
    from reportlab.lib.styles import ParagraphStyle

    styles = _styles(style, lang, faces)
    if spacing == 1.0:
        return styles
    leading = 1 - (1 - spacing) / 8        # 0.6 of the spacing: lines 5% closer
    return {name: ParagraphStyle(name, parent=st, spaceBefore=st.spaceBefore * spacing,
                                 spaceAfter=st.spaceAfter * spacing, leading=st.leading * leading)
            for name, st in styles.items()}


def _bullet_font(faces: _Faces, lang: str) -> Family:
    # Chinese fonts draw U+2022 as a small middle dot: the Latin sans bullet reads as one.
    for family in (faces.fonts.latin_heading, *faces.fonts.order(lang)):
        if 0x2022 in faces.cover(family):
            return family
    return faces.fonts.order(lang)[0]
