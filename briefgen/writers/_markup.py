"""What the Markdown and HTML writers share: text cleaning, heading anchors and safe link targets.

Both writers must give a heading the same anchor, so a link into a brief works in
either file, and both must refuse the same dangerous link targets.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import quote

from .. import characters, links
from ..units import keep_with_units
from ..document import Block, Heading, References

# Line and paragraph separators become spaces: a brief's inline text is one line, and a
# stray newline must not start a Markdown block or split a table row.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")
# Characters that would end or break a Markdown link destination or an HTML attribute
# value are percent-encoded; everything else (including non-ASCII) is left alone.
_URL_SAFE = "!#$%&'*+,-./:;=?@_~" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

#: Longest heading anchor; a 500-character word should not become a 500-character id.
_MAX_SLUG = 80


def clean(text: str) -> str:
    """Return ``text`` as one line with the characters no output format can hold removed.

    Numbers are bound to their units (briefgen/units.py): a browser never breaks "40亿元"."""
    return keep_with_units(characters.strip(_BREAKS.sub(" ", text)))


def safe_url(url: str | None) -> str | None:
    """Return ``url`` percent-encoded for embedding, or None when the link policy refuses it."""
    seen = links.safe(url)
    if seen is None:
        return None
    return "".join(ch if ch in _URL_SAFE or ord(ch) > 127 else quote(ch, safe="")
                   for ch in _BREAKS.sub(" ", seen))


def slug(text: str) -> str:
    """Return a stable anchor for a heading: lower case, words joined by hyphens, CJK kept.

    It follows pandoc's rule (letters, digits, ``_ - .`` kept; up to the first letter
    dropped), so an id is the one pandoc would give, and Chinese headings keep their
    characters instead of collapsing to nothing.
    """
    text = unicodedata.normalize("NFC", clean(text)).lower()
    kept = "".join(ch if (ch.isalnum() or ch in "_-.") else " " if ch.isspace() else ""
                   for ch in text)
    words = "-".join(kept.split())
    start = next((i for i, ch in enumerate(words) if ch.isalpha()), len(words))
    words = words[start:][:_MAX_SLUG].rstrip("-.")
    return words or "section"


def ref_anchor(number: int) -> str:
    """The anchor of reference ``number``, which every citation mark links to."""
    return f"ref-{number}"


@dataclass(frozen=True)
class TocEntry:
    """One line of a table of contents: a level-1 or level-2 heading and its anchor."""

    level: int
    text: str
    anchor: str


def heading_anchors(blocks: Sequence[Block], reserved: Sequence[str] = ()) -> dict[int, str]:
    """Give each Heading, and each References block with a title, a unique anchor, keyed by block index."""
    taken = set(reserved)
    taken.update(ref_anchor(ref.number) for block in blocks if isinstance(block, References)
                 for ref in block.items)
    anchors: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            title = block.text
        elif isinstance(block, References) and block.title:
            title = block.title
        else:
            continue
        base = candidate = slug(title)
        n = 0
        while candidate in taken:      # pandoc's rule for repeated headings: -1, -2, ...
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        anchors[index] = candidate
    return anchors


def toc_entries(blocks: Sequence[Block], anchors: dict[int, str]) -> list[TocEntry]:
    """The level-1 and level-2 headings a table of contents lists, in order.

    A References block counts as a level-1 heading, as it does in the Word writer.
    """
    entries: list[TocEntry] = []
    for index, anchor in anchors.items():
        block = blocks[index]
        if isinstance(block, Heading):
            if block.level <= 2:
                entries.append(TocEntry(max(block.level, 1), block.text, anchor))
        elif isinstance(block, References):
            entries.append(TocEntry(1, block.title, anchor))
    return entries
