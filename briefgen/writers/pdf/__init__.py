"""The PDF writer: a Brief set with reportlab's platypus, every font embedded, ready to circulate.

Layout follows the think-tank brief (Brookings, OECD country notes): a masthead
and title block on page one, key messages in a shaded box, accent-coloured
headings that double as PDF bookmarks, tables and charts with captions, numbered
sources with live links, and a running footer with "Page N of M".

Text is set in the fonts of :func:`briefgen.fonts.font_set`, split into runs by
glyph coverage so that a Chinese name inside an English sentence gets the CJK
font: body text in the house style's serif or sans family per language, titles,
headings and captions in the sans family, bold and italic in true faces (Chinese
stays upright in an italic run).  The Base-14 fonts (Helvetica...) are never used:
they are not embedded.

Output is reproducible: reportlab runs in invariant mode and the file's dates
come from ``brief.meta.date``, so the same Brief gives the same bytes.

The modules, in the order a brief passes through them: ``faces`` (fonts),
``text`` (markup), ``styles``, ``lines`` (line breaking), ``blocks`` (flowables),
``pages`` (what every page carries) and ``typeset`` (layout, copyfitting, the file);
``geometry`` holds the page measures they share.
"""
from __future__ import annotations

from .blocks import _block, _measurer
from .faces import _faces
from .geometry import _CM, _FOOTER_SIZE, _MARGIN, _MASTHEAD, MAX_TEXT_CHARS
from .typeset import SHORT_PAGE, STUB_PAGE, TIGHT_SPACING, Layout, _render, layout, render

__all__ = ["render", "layout", "Layout", "MAX_TEXT_CHARS", "STUB_PAGE", "SHORT_PAGE", "TIGHT_SPACING"]
