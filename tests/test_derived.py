"""Derived figures are worked out in code, shown with their working, and recomputed here."""
from __future__ import annotations

from decimal import Decimal

import pytest

from briefgen.build import build
from briefgen.plan.derived import compute, derive
from briefgen.spec import BriefSpec


def test_every_derived_figure_recomputes_from_its_inputs(library):
    checked = 0
    for region in library.regions:
        for d in derive(library, region, None, 50):
            a, b = d.inputs
            assert a.measure == b.measure and a.unit.base == b.unit.base
            assert a.period.end and (d.kind == "progress" or a.period.comparable_key == b.period.comparable_key)
            exact = Decimal(a.value) * a.unit.factor / (Decimal(b.value) * b.unit.factor) * 100
            assert d.value <= exact < d.value + Decimal("0.1")       # cut, never raised
            if a.qualifier == "over":
                assert d.qualifier == "over"
            elif exact != d.value:
                assert d.qualifier == "about"
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize("lang,words", [
    ("en", "came to over 40% of its target of RMB 10 billion by 2026 (40 ÷ 100 × 100)"),
    ("zh", "已超过其到2026年目标（100亿元）的40%（40 ÷ 100 × 100）")])
def test_suqian_brief_shows_its_progress_toward_the_target(library, lang, words):
    assert words in build(BriefSpec("suqian", lang=lang), [], library).brief.text()


def test_ningbo_brief_shows_its_share_of_zhejiang(library):
    text = build(BriefSpec("ningbo"), [], library).brief.text()
    assert "came to over 12.5% of Zhejiang's RMB 358.68 billion in 2024 (450 ÷ 3586.8 × 100)" in text


def test_nothing_is_derived_from_a_bound_or_across_measures(library):
    ind = library.indicators
    actual, target = ind["suqian-cbec-trade-2025-jan-aug"], ind["suqian-cbec-trade-target-2026"]
    assert compute("progress", target, actual) is None          # "over 40" is no denominator
    other = next(i for i in ind.values() if i.region == "suqian" and i.measure != actual.measure
                 and i.unit.base == actual.unit.base)
    assert all(set(d.inputs) != {actual, other} for d in derive(library, "suqian", None, 50))


def test_edition_line_states_the_data_vintage(library):
    for lang, words in (("en", "figures 2023–2025; latest 2025 Jan–Aug"), ("zh", "数据年份2023—2025年，最新为2025年1—8月")):
        assert build(BriefSpec("suqian", lang=lang), [], library).brief.meta.edition.endswith(words)
