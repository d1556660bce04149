"""HTML writer: one self-contained HTML5 file that reads well on screen and prints on A4 or Letter.

The page is laid out by ``templates/html/brief.html.j2`` (jinja2, autoescape on):
every piece of brief text reaches the page through the template's escaping, never
through string building here.  This module only prepares what the template cannot
work out itself: heading anchors, the table of contents, each chart's geometry
(the template draws it as inline SVG), checked link targets and the house style's colours, sizes and fonts.
"""
from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import characters
from ..units import keep_with_units
from ..document import (Brief, BulletList, Callout, Citation, Figure, Heading, Link,
                        NumberedList, Paragraph, References, Table, TableOfContents, Text, plain)
from ..fonts import FAMILY_NAMES, word_font_names
from ..style import DEFAULT_STYLE, HouseStyle
from ._markup import TocEntry, clean, heading_anchors, ref_anchor, safe_url, slug, toc_entries

from markupsafe import Markup

if TYPE_CHECKING:
    import jinja2

    from .. import charts

__all__ = ["render"]

_TEMPLATE = "html/brief.html.j2"
_LANG_TAG = {"en": "en", "zh": "zh-CN"}
_PAGE = {"A4": "A4", "LETTER": "letter"}

# Charts are laid out for this width (in points, as the PDF's) and scale with the page.
_CHART_WIDTH_IN = 6.3

_HEX_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")   # fullmatch: "$" passes a final "\n"
# Font names end up inside a CSS string; anything that could close it is refused.
_FONT_NAME = re.compile(r"[\w .\-]+")

# After the shipped families (briefgen.fonts.FAMILY_NAMES), what readers' systems have.
_FALLBACKS = {
    ("latin", "serif"): ("Georgia", "Times New Roman"),
    ("latin", "sans"): ("Segoe UI", "Helvetica Neue", "Arial"),
    ("cjk", "serif"): ("Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun"),
    ("cjk", "sans"): ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"),
}



def render(brief: Brief, style: HouseStyle) -> bytes:
    """Write ``brief`` as a single self-contained HTML5 page and return its UTF-8 bytes."""
    page = _template().render(brief=brief, meta=brief.meta, **_context(brief, style))
    # What the character policy refuses (HTML cannot carry controls; lone surrogates
    # cannot even be encoded) goes from the finished page in one pass: the template
    # itself contains none.
    return characters.strip(page).encode("utf-8")


def templates_dir() -> Path:
    """The folder that holds ``html/brief.html.j2`` (top-level templates/, or the wheel's copy)."""
    from ..paths import data_dir

    return data_dir("templates")


@functools.lru_cache(maxsize=1)
def _template() -> "jinja2.Template":
    # Loading and compiling the template is the expensive part, so it happens once per
    # process; a compiled jinja2 Template renders safely from many threads at once.
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        # Every text the page prints passes here: numbers are tied to their units (units.py).
        finalize=_tie_units,
    )
    kinds = {"heading": Heading, "paragraph": Paragraph, "bullet_list": BulletList,
             "numbered_list": NumberedList, "table": Table, "figure": Figure,
             "callout": Callout, "references": References, "toc": TableOfContents,
             "text": Text, "citation": Citation, "link": Link}
    for name, cls in kinds.items():
        env.tests[name] = _is(cls)
    env.filters["url"] = safe_url
    env.filters["ref_anchor"] = ref_anchor
    env.filters["token"] = slug
    return env.get_template(_TEMPLATE)


def _tie_units(value: Any) -> Any:
    # Only plain text: markup the template already built (Markup) must not be escaped twice.
    return keep_with_units(value) if type(value) is str else value


def _is(cls: type) -> Callable[[Any], bool]:
    """A jinja2 test, so the template can say ``block is table``."""
    return lambda value: isinstance(value, cls)


@dataclass(frozen=True)
class _TableLayout:
    """What the template needs to draw a table with ragged rows: padded header, widths in %."""

    columns: int
    header: tuple[str, ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class _TocNode:
    """A level-1 entry of the table of contents with the level-2 entries under it."""

    entry: TocEntry
    children: tuple["_TocNode", ...] = ()


def _context(brief: Brief, style: HouseStyle) -> dict[str, Any]:
    blocks = brief.blocks
    anchors = heading_anchors(blocks)
    extras: dict[int, Any] = {}
    for i, block in enumerate(blocks):
        if isinstance(block, Figure):
            extras[i] = _chart(block, style)
        elif isinstance(block, Table):
            extras[i] = _table_layout(block)
    lead = next((b for b in blocks if isinstance(b, Paragraph) and b.role == "lead"), None)
    return {
        "items": [(block, anchors.get(i), extras.get(i)) for i, block in enumerate(blocks)],
        "toc": _toc_tree(toc_entries(blocks, anchors)),
        "lang_tag": _LANG_TAG.get(brief.meta.lang, "en"),
        "description": clean(plain(lead.inlines)) if lead else clean(brief.meta.subtitle),
        "organisation": style.organisation_for(brief.meta.lang),
        "logo": _logo(style.logo),
        "css": _css(brief.meta.lang, style),
    }


def _table_layout(table: Table) -> _TableLayout:
    columns = max([len(table.header), *(len(row) for row in table.rows)])
    header = tuple(table.header) + ("",) * (columns - len(table.header))
    widths: tuple[float, ...] = ()
    if table.widths and len(table.widths) == columns and all(w > 0 for w in table.widths):
        total = sum(table.widths)
        widths = tuple(round(100 * w / total, 2) for w in table.widths)
    return _TableLayout(columns, header, widths)


def _toc_tree(entries: list[TocEntry]) -> list[_TocNode]:
    nodes: list[_TocNode] = []
    for entry in entries:
        # A level-2 heading nests under the last level-1 one; before any, it stands alone.
        if entry.level == 2 and nodes and nodes[-1].entry.level == 1:
            last = nodes[-1]
            nodes[-1] = _TocNode(last.entry, (*last.children, _TocNode(entry)))
        else:
            nodes.append(_TocNode(entry))
    return nodes


def _chart(figure: Figure, style: HouseStyle) -> "charts.Layout | None":
    """Where the chart's bars and labels go; None for a chart with no data (no picture)."""
    from .. import charts

    if not figure.chart.bars:
        return None
    # The browser picks the font, so widths are estimated generously (charts.estimate_width).
    return charts.layout(figure.chart, _CHART_WIDTH_IN * 72, style.body_size * 0.85,
                         _colour(style.accent, DEFAULT_STYLE.accent), charts.estimate_width)


def _logo(path: Path | None) -> str | None:
    """The house logo as a data: URI, so the page needs no file beside it."""
    if path is None:
        return None
    data = Path(path).read_bytes()
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _colour(value: str, fallback: str) -> str:
    # Colours go into a <style> block: only a plain hex colour is let through.
    return value if _HEX_COLOUR.fullmatch(value or "") else fallback


def _font_stack(lang: str, style: HouseStyle, kind: str | None = None) -> str:
    """A CSS font-family list naming the PDF's families first: body text by default, or
    ``kind`` ("sans" for headings).  Word's names from the house style lead when set."""
    latin_kind = kind or style.body_font_en
    cjk_kind = kind or (style.body_font_zh if lang == "zh" else style.body_font_en)
    word_latin, word_east = word_font_names(style, lang) if kind is None else ("", "")
    latin = [word_latin, FAMILY_NAMES[("latin", latin_kind)], *_FALLBACKS[("latin", latin_kind)]]
    cjk = [word_east, FAMILY_NAMES[("cjk", cjk_kind)], *_FALLBACKS[("cjk", cjk_kind)]]
    # Chinese pages name the CJK fonts first so Chinese punctuation and figures come from
    # one face; English pages name them last, as a fallback for Chinese source titles.
    names = cjk + latin if lang == "zh" else latin + cjk
    unique = list(dict.fromkeys(n for n in names if n and _FONT_NAME.fullmatch(n)))
    generic = "serif" if latin_kind == "serif" and cjk_kind == "serif" else "sans-serif"
    return ", ".join(f'"{n}"' for n in unique) + f", {generic}"


def _css(lang: str, style: HouseStyle) -> dict[str, Any]:
    # Print sizes come from the house style in points; everything else is in rem of the
    # body size, so the screen view can scale the whole page with one setting.
    body = style.body_size
    h1, h2, h3 = style.heading_sizes
    return {
        "accent": _colour(style.accent, DEFAULT_STYLE.accent),
        "accent_light": _colour(style.accent_light, DEFAULT_STYLE.accent_light),
        "page": _PAGE.get(style.paper.upper(), "A4"),
        # Checked by _FONT_NAME, and <style> is raw text: it must not be HTML-escaped.
        "fonts": Markup(_font_stack(lang, style)),
        "heading_fonts": Markup(_font_stack(lang, style, "sans")),
        "body_size": body,
        "screen_size": round(body * 1.25, 1),
        "title": round(style.title_size / body, 3),
        "h1": round(h1 / body, 3),
        "h2": round(h2 / body, 3),
        "h3": round(h3 / body, 3),
        "small": round(style.small_size / body, 3),
        "chart_width_in": _CHART_WIDTH_IN,
    }
