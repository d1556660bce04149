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


def test_a_misrendering_and_a_plural_are_recognised(library):
    """The matcher the test above and the glossary rely on: whole words, any case, plurals,
    either dash; a Chinese form anywhere in a text."""
    zone = library.terms["comprehensive-pilot-zone"]
    assert zone.used_in("Two Comprehensive Pilot Zones were approved.", "en")
    assert not zone.used_in("a comprehensive pilot zoned area", "en")
    assert zone.used_in("宿迁获批国家跨境电子商务综合试验区", "zh")
    assert library.terms["industry-education-integration"].used_in("industry-education integration", "en")
    assert library.terms["spillovers"].misrendered_in("to release the radiation effect of Xiong'an") == ["radiation effect"]
    assert not library.terms["cbec-customs-codes"].used_in("RMB 19610 million", "en")


def _glossary(brief, library) -> tuple[list[str], str]:
    """Ids of the terms a brief's glossary defines, in order, and the text before it."""
    from briefgen.document import BulletList, Heading, block_text, plain

    blocks = list(brief.blocks)
    lang = brief.meta.lang
    for n, block in enumerate(blocks):
        if isinstance(block, Heading) and block.text in ("Glossary", "术语"):
            assert isinstance(blocks[n + 1], BulletList)
            heads = [plain(item) for item in blocks[n + 1].items]
            ids = [t.id for head in heads for t in library.terms.values() if head.startswith(t.term(lang))]
            return ids, "\n".join(line for b in blocks[:n] for line in block_text(b))
    return [], "\n".join(line for b in blocks for line in block_text(b))


@pytest.mark.parametrize("length, at_least", [("short", 1), ("standard", 5)])
def test_both_editions_define_the_terms_their_text_uses(library, length, at_least):
    """Every region's brief, in English and in Chinese: the glossary lists the same terms in
    both, each one its text uses, and leaves one out only when the length's budget is full."""
    from briefgen.build import build
    from briefgen.spec import BriefSpec

    with_glossary = 0
    for region in sorted(library.regions):
        built = {lang: build(BriefSpec(region, length=length, lang=lang), ["md"], library) for lang in ("en", "zh")}
        found = {lang: _glossary(b.brief, library) for lang, b in built.items()}
        assert found["en"][0] == found["zh"][0], region
        ids, body = found["en"]
        with_glossary += bool(ids)
        for term in library.terms.values():
            if term.id in ids:
                assert term.used_in(body, "en"), (region, term.id)
            elif term.used_in(body, "en"):      # left out only when the length's cap is reached
                assert len(ids) == built["en"].plan.budget.glossary, (region, term.id, "left out")
    assert with_glossary >= at_least      # the sweep is not vacuous (short briefs give it up first)


@pytest.mark.parametrize("length", ["short", "standard", "full"])
def test_the_glossary_gives_way_to_substance_in_a_short_brief_only(length):
    from briefgen.plan.budget import budget_for

    start = budget = budget_for(length)
    assert start.glossary > 0
    while budget.can_shrink():
        budget = budget.shrink()
        cut = [f for f in ("key_messages", "table_rows", "gap_themes", "cases", "recommendations")
               if getattr(budget, f) < getattr(start, f)]
        if cut and length == "short":
            assert budget.glossary == 0, cut          # gone before the first cut of substance
        if budget.glossary == 0 and length != "short":
            assert budget.recommendations <= 5        # a longer brief keeps it to five recommendations
            break
