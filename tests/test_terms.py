"""The term list (content/terms.yaml): English content renders each term one way, and
a brief's glossary lists the terms its text uses, the same in both languages."""
from __future__ import annotations

from dataclasses import fields

import pytest

from briefgen.library import KINDS

#: Kinds whose records hold reader-visible text in both languages.
TEXT_KINDS = [k for k in KINDS if k not in ("sources", "terms")]


def _pairs(library):
    """(where, English text, Chinese text) for every bilingual field of every record."""
    for kind in TEXT_KINDS:
        for rec in getattr(library, kind).values():
            for f in fields(rec):
                if f.name.endswith("_zh"):
                    en = getattr(rec, f.name[:-3] + "_en", None)
                    if isinstance(en, str):
                        yield f"{kind[:-1]} {rec.id} ({rec.origin}) {f.name[:-3]}", en, getattr(rec, f.name)


def test_english_content_uses_the_listed_english_for_every_term(library):
    """Where a Chinese text uses a term, its English uses the term list's English, and the
    other way round; no English text uses a rendering the list rules out."""
    problems = []
    for where, en, zh in _pairs(library):
        if not (en and zh):
            continue
        for term in library.terms.values():
            in_zh, in_en = term.used_in(zh, "zh"), term.used_in(en, "en")
            if in_zh and not in_en:
                problems.append(f"{where}: the Chinese says {term.term_zh}, the English lacks '{term.term_en}'")
            elif in_en and not in_zh:
                problems.append(f"{where}: the English says '{term.term_en}', the Chinese lacks {term.term_zh}")
            for bad in term.misrendered_in(en):
                problems.append(f"{where}: '{bad}' where the term list says '{term.term_en}'")
    assert problems == []
