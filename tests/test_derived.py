"""Derived figures are worked out in code, shown with their working, and recomputed here."""
from __future__ import annotations

from decimal import Decimal

import pytest

from briefgen.build import build
from briefgen.plan.derived import compute, derive
from briefgen.spec import BriefSpec
from helpers import county_overlay


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


def _office_total(tmp_path, period: str, qualifier: str = "exact"):
    """A county office's own three-year total, as an overlay (its own bulletin, cited by page)."""
    overlay = county_overlay(tmp_path, sources="siyang-bulletin")
    (overlay / "sources.yaml").write_text("""
- id: siyang-bulletin
  title_en: Siyang County cross-border e-commerce bulletin
  title_zh: 泗阳县跨境电商发展公报
  kind: bulletin
  date: 2025
  date_status: printed
  language: zh
""", encoding="utf-8")
    (overlay / "indicators.csv").write_text(
        "id,region,indicator_en,indicator_zh,value,unit,period,qualifier,theme,source,locator,section,note_en,note_zh\n"
        f"siyang-cbec-total,siyang,Cross-border e-commerce transaction value,跨境电商交易额,36.5,亿元,{period},"
        f"{qualifier},trade-scale,siyang-bulletin,p. 3,p. 3,,\n", encoding="utf-8")
    from briefgen.library import load_library
    return load_library(overlays=[overlay])


@pytest.mark.parametrize("lang,words", [
    ("en", "Siyang's cross-border e-commerce transaction value, RMB 3.65 billion over 2022–2024, "
           "came to about RMB 1.216 billion a year on average (36.5 ÷ 3)."),
    ("zh", "泗阳2022—2024年跨境电商交易额36.5亿元，年均约12.16亿元（36.5 ÷ 3）")])
def test_a_multi_year_total_is_shown_as_a_yearly_average_with_its_working(tmp_path, lang, words):
    lib = _office_total(tmp_path, "2022-2024")
    text = build(BriefSpec("siyang", lang=lang), [], lib).brief.text().replace("\u2060", "")
    assert words in text
    (d,) = [d for d in derive(lib, "siyang", None, 50) if d.kind == "average"]
    assert d.value == Decimal("12.16") and d.value <= Decimal("36.5") / 3 < d.value + Decimal("0.01")


def test_no_average_over_a_run_whose_end_no_date_fixes(tmp_path):
    """"2023 to mid-2024" has no exact length, so no yearly figure is made of it."""
    lib = _office_total(tmp_path, "2023 to mid-2024", "over")
    assert not [d for d in derive(lib, "siyang", None, 50) if d.kind == "average"]
