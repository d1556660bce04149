"""Markdown writer: pandoc-flavoured Markdown that pandoc turns into HTML, Word or PDF unchanged.

The file opens with a YAML metadata block (title, subtitle, date, lang, author,
subject, keywords); headings are ATX headings with explicit ``{#id}`` anchors that
the table of contents links to; tables are pipe tables with a ``Table:`` caption;
a chart is its data as a pipe table under its caption (category, then each series, the
figures as printed on the bars), so the file stands alone and the numbers can be copied.

Every piece of text is escaped: characters with a meaning anywhere in Markdown are
backslash-escaped, and what only means something at the start of a line (``-``,
``1.``, ``:``) is escaped there, so hostile content shows up literally.
"""
from __future__ import annotations

import re
from itertools import groupby

from ..document import (Block, Brief, BriefMeta, BulletList, Callout, Citation, Figure, Heading,
                        Inlines, Link, NumberedList, Paragraph, References, Table,
                        TableOfContents, Text)
from ..style import HouseStyle
from ._markup import clean, heading_anchors, ref_anchor, safe_url, toc_entries

__all__ = ["render"]

_LANG_TAG = {"en": "en", "zh": "zh-CN"}

# Characters that mean something wherever they stand, in CommonMark or in one of
# pandoc's extensions (raw HTML, attributes, citations, math, sub/superscript, pipes).
# "&" only when it would start an entity such as &lt; so "R&D" stays readable; a
# second hyphen so pandoc does not turn "--" into a dash.
_SPECIAL = re.compile(r"[\\`_{}\[\]<>#|~^$@]|&(?=#?[0-9A-Za-z]+;)|(?<=-)-")
# A literal asterisk becomes a character reference, not "\*": next to the "**" of a
# bold run an escaped asterisk still confuses emphasis parsing, an entity never does.
_ASTERISK = "&#42;"
# What starts a block only at the beginning of a line: list markers, pandoc's fancy
# and example lists ("a.", "iv)", "(1)"), definition lists, table captions.
_LINE_START = re.compile(r"^(?:[-+=:(]|(?:\d+|[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+)(?=[.)](?:\s|$))"
                         r"|[Tt]able(?=:))")

# Pipe-table separator dashes: pandoc reads relative column widths from them.
_TABLE_DASHES = 60


def render(brief: Brief, style: HouseStyle) -> bytes:
    """Write ``brief`` as pandoc-flavoured Markdown and return the UTF-8 bytes."""
    anchors = heading_anchors(brief.blocks)
    chunks = [_front_matter(brief.meta), _line(escape(brief.meta.edition))]
    for index, block in enumerate(brief.blocks):
        chunks.append(_block(block, anchors.get(index), brief, anchors, style))
    return ("\n\n".join(chunk for chunk in chunks if chunk) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- escaping

def escape(text: str) -> str:
    """Return ``text`` with every Markdown-special character backslash-escaped."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), clean(text)).replace("*", _ASTERISK)


def _line(markdown: str) -> str:
    """Trim a block's first line and escape what would make it a list, caption or definition."""
    markdown = markdown.strip(" ")
    match = _LINE_START.match(markdown)
    if not match:
        return markdown
    if match.group(0) and match.group(0)[0] in "-+=:(":
        return "\\" + markdown
    return f"{markdown[:match.end()]}\\{markdown[match.end():]}"


def _yaml(text: str) -> str:
    """A YAML single-quoted scalar holding Markdown, since pandoc reads metadata strings as Markdown."""
    return "'" + _line(escape(text)).replace("'", "''") + "'"


# --------------------------------------------------------------------------- inlines

def _inlines(inlines: Inlines) -> str:
    # Emphasis is nested the way pandoc's AST nests it (bold outside, italic inside), so
    # neighbouring runs never put "**" and "*" back to back in an ambiguous "*****".
    out: list[str] = []
    # Empty runs go first: they would split one emphasis group into two touching ones.
    inlines = tuple(run for run in inlines if not isinstance(run, Text) or clean(run.text))
    for bold, group in groupby(inlines, key=lambda run: isinstance(run, Text) and run.bold):
        inner = "".join(_emphasis("".join(_inline(run) for run in runs), "*" if italic else "")
                        for italic, runs in groupby(
                            group, key=lambda run: isinstance(run, Text) and run.italic))
        out.append(_emphasis(inner, "**" if bold else ""))
    return "".join(out)


def _emphasis(markdown: str, mark: str) -> str:
    core = markdown.strip(" ")
    if not mark or not core:
        return markdown
    # Emphasis must hug its text ("** x**" is not bold), so edge spaces go outside it.
    lead = markdown[:len(markdown) - len(markdown.lstrip(" "))]
    trail = markdown[len(markdown.rstrip(" ")):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _inline(run: Text | Citation | Link) -> str:
    if isinstance(run, Citation):
        return f"[{escape(run.label)}](#{ref_anchor(run.number)})"
    if isinstance(run, Link):
        url = safe_url(run.url)
        if not url:      # an unsafe target loses its link, never its text
            return escape(run.text)
        return f"[{escape(run.text) or escape(run.url)}]({url})"
    return escape(run.text)


# --------------------------------------------------------------------------- blocks

def _front_matter(meta: BriefMeta) -> str:
    keywords = "".join(f"\n- {_yaml(k)}" for k in meta.keywords) or " []"
    return "\n".join([
        "---",
        f"title: {_yaml(meta.title)}",
        f"subtitle: {_yaml(meta.subtitle)}",
        f"date: '{meta.date.isoformat()}'",
        f"lang: {_LANG_TAG.get(meta.lang, 'en')}",
        f"author: {_yaml(meta.author)}",
        f"subject: {_yaml(meta.subject)}",
        f"keywords:{keywords}",
        "---",
    ])


def _block(block: Block, anchor: str | None, brief: Brief, anchors: dict[int, str],
           style: HouseStyle) -> str:
    if isinstance(block, Heading):
        return _heading(block.level, block.text, anchor)
    if isinstance(block, Paragraph):
        return _line(_inlines(block.inlines))
    if isinstance(block, BulletList):
        return "\n".join(f"- {_line(_inlines(item))}" for item in block.items)
    if isinstance(block, NumberedList):
        return "\n".join(f"{block.start + i}. {_line(_inlines(item))}"
                         for i, item in enumerate(block.items))
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block, style)
    if isinstance(block, Callout):
        return _callout(block)
    if isinstance(block, References):
        return _references(block, anchor)
    if isinstance(block, TableOfContents):
        return _toc(block, brief, anchors)
    raise TypeError(f"not a block: {block!r}")


def _heading(level: int, text: str, anchor: str | None) -> str:
    words = _line(escape(text))
    attributes = f"{{#{anchor}}}" if anchor else ""
    return " ".join(part for part in ("#" * min(max(level, 1), 6), words, attributes) if part)


def _table(table: Table, *, caption_first: bool = False) -> str:
    columns = max([len(table.header), *(len(row) for row in table.rows)])
    if columns == 0:
        return _line(escape(table.caption))
    header = [escape(h).strip(" ") for h in table.header] + [""] * (columns - len(table.header))
    widths = list(table.widths or ())
    if len(widths) != columns or any(w <= 0 for w in widths):
        widths = [1.0] * columns
    total = sum(widths)
    dashes = [max(3, round(_TABLE_DASHES * w / total)) for w in widths]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("-" * d for d in dashes) + "|"]
    for row in table.rows:
        # escape() has escaped every pipe and safe_url() percent-encodes those in link
        # targets, so no cell text can end its cell early.
        cells = [_inlines(cell).strip(" ") for cell in row] + [""] * (columns - len(row))
        lines.append("| " + " | ".join(cells) + " |")
    parts = ["\n".join(lines)]
    if clean(table.caption).strip():
        # pandoc takes the caption on either side; a figure's goes first, as its title.
        parts.insert(0 if caption_first else 1, f"Table: {escape(table.caption).strip()}")
    if table.note:
        parts.append(_line(_inlines(table.note)))
    return "\n\n".join(p for p in parts if p)


def _figure(figure: Figure, style: HouseStyle) -> str:
    """The chart's data as a table, captioned with the figure's caption, its source as the note."""
    from .. import charts

    chart = figure.chart
    if not chart.bars:
        return "\n\n".join(p for p in (_line(escape(figure.caption)), _line(_inlines(figure.source))) if p)
    names = charts.series_names(chart)
    rows = tuple(((Text(bar.label),),) + tuple((Text(charts.value_label(chart, i, s)),) for s in range(len(names)))
                 for i, bar in enumerate(chart.bars))
    table = Table(figure.caption, ("",) + tuple(names), tuple(rows), (2.0,) + (1.0,) * len(names),
                  figure.source)
    return _table(table, caption_first=True)


def _callout(callout: Callout) -> str:
    lines = []
    if clean(callout.title).strip():
        lines += [f"> **{escape(callout.title).strip(' ')}**", ">"]
    lines += [f"> - {_line(_inlines(item))}" for item in callout.items]
    if lines and lines[-1] == ">":
        lines.pop()
    return "\n".join(lines)


def _references(refs: References, anchor: str | None) -> str:
    parts = []
    if anchor:
        parts.append(_heading(1, refs.title, anchor))
    numbers = [ref.number for ref in refs.items]
    consecutive = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    lines = []
    for ref in refs.items:
        text = _line(escape(ref.text))
        url = safe_url(ref.url)
        if url:
            text = f"{text} [{escape(ref.url or '')}]({url})".lstrip(" ")
        # An empty span carries the anchor: pandoc makes it an id in HTML, a bookmark in Word.
        mark = f"[]{{#{ref_anchor(ref.number)}}}"
        # A Markdown list renumbers its items, so gaps in the numbering need explicit labels.
        lines.append(f"{ref.number}. {mark}{text}" if consecutive else
                     f"{mark}\\[{ref.number}\\] {text}".rstrip())
    parts.append(("\n" if consecutive else "\n\n").join(lines))
    return "\n\n".join(p for p in parts if p)


def _toc(toc: TableOfContents, brief: Brief, anchors: dict[int, str]) -> str:
    parts = []
    if clean(toc.title).strip():
        parts.append(f"**{escape(toc.title).strip(' ')}**")
    lines = []
    seen_top = False
    for entry in toc_entries(brief.blocks, anchors):
        # A level-2 heading nests under the last level-1 one; before any, it stands alone.
        indent = "  " if entry.level == 2 and seen_top else ""
        seen_top = seen_top or entry.level == 1
        label = escape(entry.text).strip(" ") or entry.anchor
        lines.append(f"{indent}- [{label}](#{entry.anchor})")
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
