"""The glossary: the codes and coined terms a brief's own text uses, defined.

Terms come from the content's term list (content/terms.yaml), in its order.  A
term is listed when the brief's text, in its language, uses one of the term's
forms; the English records use the listed English wherever the Chinese uses the
term (tests/test_terms.py), so the two editions of one spec list the same terms.
"""
from __future__ import annotations

import re
from typing import Iterable

from ..document import Block, block_text
from ..library import Library
from ..library.model import Term, dashes


def terms_used(blocks: Iterable[Block], lang: str, lib: Library, limit: int) -> list[Term]:
    """The terms the text of ``blocks`` uses, in the term list's order, at most ``limit``."""
    if limit <= 0 or not lib.terms:
        return []
    text = "\n".join(line for block in blocks for line in block_text(block))
    # A plain substring test first: the whole-word pattern is a hundred times slower, and
    # fitting writes each brief several times in each language.
    folded = dashes(text).casefold()
    used = [t for t in lib.terms.values()
            if t.has_lang(lang) and any(dashes(f).casefold() in folded for f in t.forms(lang) if f)
            and t.used_in(text, lang)]
    return used[:limit]


def _bare(text: str) -> str:
    """A headword without punctuation or list words: "OEM, ODM and OBM" is "OEM、ODM、OBM"."""
    return re.sub(r"[\W_]+|\band\b", "", text.casefold())


def other_form(term: Term, lang: str) -> str:
    """The term in the other language, when it tells the reader something (not a code twice)."""
    other = term.term("en" if lang == "zh" else "zh")
    return "" if not other or _bare(other) == _bare(term.term(lang)) else other
