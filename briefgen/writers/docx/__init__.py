"""Word writer: a .docx draft built on Word's own styles, so an analyst restyles a brief in one place.

Every look (font, size, colour, spacing, borders) lives in a named style defined
once from the :class:`~briefgen.style.HouseStyle`: Title, Subtitle, Heading 1-3,
Normal, List Bullet, List Number, Caption, "Brief Table", "Key Messages", "Source
Note", "Edition" and a few more.  Fonts are named on Normal only; the other styles
inherit them from Normal or Heading 1.  Runs carry only bold, italic, hyperlink and
the East Asian hint and language, which Word needs on the run to pick a Chinese
font for Chinese text.

The modules, in the order a brief passes through them:

- ``xml``: WordprocessingML building blocks (elements, properties, runs, fields);
- ``styles``: the styles and list numbering;
- ``template``: the styled, empty document (page, theme, settings, header and
  footer), from python-docx's default or from a reference docx (``reference``);
- ``body``: one brief's blocks written into a fresh copy of it;
- ``package``: document properties and the reproducible zip;
- ``starter``: the starter reference document of ``briefgen reference-docx``.
"""
from __future__ import annotations

from ...document import Brief
from ...style import HouseStyle
from .body import BriefWriter
from .template import _template
from .xml import _LANG_TAG, word_fonts

__all__ = ["reference_docx", "render", "word_fonts"]


def render(brief: Brief, style: HouseStyle) -> bytes:
    """Render ``brief`` as a Word document and return the .docx file's bytes."""
    lang = brief.meta.lang if brief.meta.lang in _LANG_TAG else "en"
    return BriefWriter(brief, style, _template(style, lang)).write()


def reference_docx(style: HouseStyle, lang: str = "en") -> bytes:
    """The starter reference document (every style a brief uses, each on a sample paragraph)."""
    from .starter import starter

    return starter(style, lang if lang in _LANG_TAG else "en")
