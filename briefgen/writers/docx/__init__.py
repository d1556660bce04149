"""Word writer: a .docx draft built on Word's own styles, so an analyst restyles a brief in one place.

Every look (font, size, colour, spacing, borders) lives in a named style defined
once from the :class:`~briefgen.style.HouseStyle`: Title, Subtitle, Heading 1-3,
Normal, List Bullet, List Number, Caption, "Brief Table", "Key Messages", "Source
Note", "Edition" and a few more.  Fonts are named on Normal only; the other styles
inherit them from Normal or Heading 1.  Runs carry only bold, italic, hyperlink and
the East Asian hint and language, which Word needs on the run to pick a Chinese
font for Chinese text.

The modules, in the order a brief passes through them:

- ``xml``: the lxml building blocks the template's styles are made of;
- ``styles``: the styles and list numbering;
- ``template``: the styled, empty document (page, theme, settings, header and
  footer), from python-docx's default or from a reference docx (``reference``),
  made once per house style and language;
- ``prepared``: that document cut into the parts a brief fills (as text) and the
  parts it keeps (deflated once); ``cache`` keeps it for the next process;
- ``wml``: WordprocessingML as text: escaping, runs, fields;
- ``body``: one brief's blocks written as text into the prepared parts;
- ``package``: document properties, relationships, content types; ``zipped``: the
  reproducible zip;
- ``starter``: the starter reference document of ``briefgen reference-docx``.

A brief whose template is prepared (in this process, or in the user cache folder)
is written without python-docx or lxml.
"""
from __future__ import annotations

from ...document import Brief
from ...style import HouseStyle
from .body import BriefWriter
from .template import _template
from .wml import LANG_TAG as _LANG_TAG
from .xml import word_fonts

__all__ = ["reference_docx", "render", "word_fonts"]


def render(brief: Brief, style: HouseStyle) -> bytes:
    """Render ``brief`` as a Word document and return the .docx file's bytes."""
    lang = brief.meta.lang if brief.meta.lang in _LANG_TAG else "en"
    return BriefWriter(brief, style, _template(style, lang)).write()


def reference_docx(style: HouseStyle, lang: str = "en") -> bytes:
    """The starter reference document (every style a brief uses, each on a sample paragraph)."""
    from .starter import starter

    return starter(style, lang if lang in _LANG_TAG else "en")
