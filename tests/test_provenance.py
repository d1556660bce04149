"""Every figure in the built-in content is found, as printed, in the source it cites."""
from __future__ import annotations

import pytest

from pathlib import Path

from briefgen.library.provenance import check_provenance

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_every_figure_and_locator_is_in_its_source(library):
    problems = check_provenance(library, SEEDS)
    assert problems == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_a_wrong_figure_is_caught(library):
    from dataclasses import replace

    ind = next(iter(library.indicators.values()))
    wrong = replace(ind, value=ind.value + "1")
    broken = replace(library, indicators={**library.indicators, ind.id: wrong})
    problems = check_provenance(broken, SEEDS)
    assert len(problems) == 1 and ind.id in problems[0]


def test_built_in_records_quote_their_sources_never_cite_a_page(library):
    """Page and table locators are for a user's own documents; built-in content cites seed texts,
    so every built-in figure and statement stays checkable against its source, word for word."""
    from briefgen.library.loader import is_reference_locator

    for kind in ("indicators", "findings", "cases", "recommendations"):
        for rec in getattr(library, kind).values():
            assert library.sources[rec.source].seed_file, f"{kind} {rec.id}: source without a seed text"
            assert not is_reference_locator(rec.locator), f"{kind} {rec.id}: locator {rec.locator!r}"


def test_reference_locators_are_told_apart_from_phrases():
    from briefgen.library.loader import is_reference_locator

    for place in ("p. 12", "pp. 3-4", "Table 3", "table 2, row 4", "表3", "附表2", "第12页", "第三页", "Fig. 2"):
        assert is_reference_locator(place), place
    for phrase in ("跨境电商出口规模达到3586.8 亿元", "表现出强劲动能", "page-turning growth of 12%", "第一"):
        assert not is_reference_locator(phrase), phrase
