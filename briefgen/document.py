"""The document model: one small tree of typed blocks that every writer renders.

compose() builds a :class:`Brief`; the PDF, Word, Markdown and HTML writers each
walk it and know nothing about the content layer.  Like pandoc's AST, the model
says *what* a piece of text is (a heading, a citation mark, a key message), never
how it looks: fonts, colours and sizes belong to :mod:`briefgen.style`.

All text is plain Unicode.  Writers escape it for their own format, so content
that contains ``<b>``, ``{{ }}`` or ``&`` is shown literally everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator, Union


# --------------------------------------------------------------------------- inlines

@dataclass(frozen=True)
class Text:
    """A run of text, optionally bold or italic."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Citation:
    """A citation mark such as ``[3]`` or ``[3, §2.1]`` that resolves to reference ``number``.

    ``where`` locates the statement inside the source (a section, a heading)."""

    number: int
    where: str = ""

    @property
    def label(self) -> str:
        """The mark as printed: every writer shows citations through this."""
        return f"[{self.number}, {self.where}]" if self.where else f"[{self.number}]"


@dataclass(frozen=True)
class Link:
    """A hyperlink; ``text`` is what the reader sees."""

    text: str
    url: str


Inline = Union[Text, Citation, Link]
Inlines = tuple[Inline, ...]


def plain(inlines: Inlines) -> str:
    """The text of a run of inlines as a reader would copy it, citation marks included."""
    out: list[str] = []
    for run in inlines:
        if isinstance(run, Citation):
            out.append(run.label)
        else:
            out.append(run.text)
    return "".join(out)


# --------------------------------------------------------------------------- blocks

@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is a main section, 2 and 3 are sub-sections."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    inlines: Inlines
    #: "body" for running text, "lead" for the standfirst under the title,
    #: "note" for small print such as a table's source line.
    role: str = "body"


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inlines, ...]


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inlines, ...]
    start: int = 1


@dataclass(frozen=True)
class Table:
    """A table with one header row.  Each cell is a run of inlines."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    #: Relative column widths (they need not sum to 1); None means equal widths.
    widths: tuple[float, ...] | None = None
    #: Small print under the table (sources, "not published" explained...).
    note: Inlines = ()


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a category, and the value for each series (None = no data)."""

    label: str
    values: tuple[float | None, ...]
    #: The figure as the reader should see it printed on the bar, per series.
    value_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A grouped horizontal bar chart: categories down, one bar per series."""

    title: str
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    unit_label: str
    lang: str = "en"


@dataclass(frozen=True)
class Figure:
    """A chart with caption, alternative text for screen readers and a source line."""

    chart: Chart
    caption: str
    alt_text: str
    source: Inlines = ()


@dataclass(frozen=True)
class Callout:
    """A boxed set of points set apart from the text, e.g. the key messages."""

    title: str
    items: tuple[Inlines, ...]
    kind: str = "key-messages"


@dataclass(frozen=True)
class Reference:
    number: int
    text: str
    url: str | None = None


@dataclass(frozen=True)
class References:
    title: str
    items: tuple[Reference, ...]


@dataclass(frozen=True)
class TableOfContents:
    """Where a table of contents goes (Word writes a TOC field; others list headings)."""

    title: str


Block = Union[Heading, Paragraph, BulletList, NumberedList, Table, Figure, Callout,
              References, TableOfContents]


# --------------------------------------------------------------------------- the brief

@dataclass(frozen=True)
class BriefMeta:
    """What a reader or a file manager sees about the brief as a whole."""

    title: str
    subtitle: str
    edition: str            # the dated edition line, already worded in the brief's language
    lang: str               # "en" | "zh"
    date: date
    author: str             # the publishing organisation
    subject: str
    keywords: tuple[str, ...]
    brief_id: str           # e.g. "BG-SUQIAN-HANGZHOU-GOV-STD-EN-202611"


@dataclass(frozen=True)
class Brief:
    meta: BriefMeta
    blocks: tuple[Block, ...]

    def headings(self) -> Iterator[Heading]:
        return (b for b in self.blocks if isinstance(b, Heading))

    def text(self) -> str:
        """All of the brief's text, one block a line; for search, tests and checks."""
        lines = [self.meta.title, self.meta.subtitle, self.meta.edition]
        for block in self.blocks:
            lines.extend(block_text(block))
        return "\n".join(line for line in lines if line)


def block_text(block: Block) -> list[str]:
    """The reader-visible text of one block, one entry a line."""
    if isinstance(block, Heading):
        return [block.text]
    if isinstance(block, Paragraph):
        return [plain(block.inlines)]
    if isinstance(block, (BulletList, NumberedList)):
        return [plain(item) for item in block.items]
    if isinstance(block, Table):
        rows = [" | ".join(block.header)]
        rows += [" | ".join(plain(cell) for cell in row) for row in block.rows]
        return [block.caption, *rows, plain(block.note)]
    if isinstance(block, Figure):
        return [block.caption, plain(block.source)]
    if isinstance(block, Callout):
        return [block.title, *(plain(item) for item in block.items)]
    if isinstance(block, References):
        return [block.title, *(f"[{r.number}] {r.text}" for r in block.items)]
    if isinstance(block, TableOfContents):
        return [block.title]
    raise TypeError(f"not a block: {block!r}")


def text(s: str, *, bold: bool = False, italic: bool = False) -> Inlines:
    """A one-run inline sequence; a convenience for composers and tests."""
    return (Text(s, bold=bold, italic=italic),)
