"""The one character policy: what text a reader sees may contain, and how long it may be.

Every text that reaches a brief -- content fields, source authors, units, the
organisation in briefgen.toml, style overrides -- is checked here when it is
read (:func:`check`), so a bad character is refused with the file and line to
fix.  Writers call :func:`strip` as a last line of defence for text that came
from elsewhere (a user's template), so no format ever holds what validation
would have refused.
"""
from __future__ import annotations

import re

# C0/C1 control characters other than tab, newline and carriage return break PDF
# and Word output and are never meant in prose.  Explicit direction controls
# (embeddings, overrides, isolates) are invisible and reorder the text a reader
# sees in HTML and Word ("Trojan Source") while a PDF drops them, so the same
# brief would read differently by format; right-to-left letters and the marks
# U+200E/U+200F are text and are kept.  Lone surrogates and the non-characters
# U+FFFE/U+FFFF cannot be written as UTF-8 or XML.
_KINDS = (
    ("control character", "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"),
    ("invisible text-direction control", "\u202a-\u202e\u2066-\u2069"),
    ("non-character", "\ud800-\udfff\ufffe\uffff"),
)
FORBIDDEN = re.compile("[" + "".join(chars for _, chars in _KINDS) + "]")
_WHAT = [(re.compile(f"[{chars}]"), what) for what, chars in _KINDS]

#: Longest name-like field (a region, theme, indicator or case name, a title, an
#: author, a locator): longer is a paste gone wrong, and would not fit a heading.
NAME_CHARS = 300
#: Longest prose field (a finding, a profile, a case's story, a note): about 600
#: English words.  Longer does not belong in a brief of two to twelve pages.
PROSE_CHARS = 4000


def check(text: str, limit: int | None = None) -> None:
    """Raise ValueError saying what is wrong with ``text`` and what to do.

    A forbidden character is named with its position; a text longer than
    ``limit`` characters is refused with the limit stated."""
    if FORBIDDEN.search(text):
        # The first character of the first kind found, kinds in the order above.
        for rx, what in _WHAT:
            bad = rx.search(text)
            if bad:
                raise ValueError(f"contains {what} U+{ord(bad.group()):04X} at position {bad.start() + 1}; "
                                 "remove it")
    if limit is not None and len(text) > limit:
        raise ValueError(f"is {len(text):,} characters long; the limit is {limit:,}, so shorten it")


def strip(text: str) -> str:
    """``text`` without the characters :func:`check` refuses."""
    return FORBIDDEN.sub("", text)
