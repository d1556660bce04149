"""Every brief argues one point its sources support, for its own reader, in both languages.

The sweep covers every region x audience x length, written in English and in
Chinese through the same public build the CLI uses, and fails on what an
editor would object to: advice addressed to another place, advice for another
reader, a "lessons from" brief without a lesson, a first step that is not
recommendation 1, a strength shown as a gap, a repeated sentence, a filler
section, or two language editions that say different things.
"""
from __future__ import annotations

import itertools
import re

import pytest

from briefgen.build import build
from briefgen.document import BulletList, Callout, Heading, NumberedList, Paragraph, Table, plain
from briefgen.plan import rules
from briefgen.spec import AUDIENCES, LENGTHS, BriefSpec


def _regions():
    from briefgen.library import load_library

    return sorted(load_library().regions)


def shape(brief) -> list[tuple]:
    """What a brief holds, language aside: block kinds, list lengths, table sizes."""
    out = []
    for b in brief.blocks:
        if isinstance(b, (NumberedList, BulletList, Callout)):
            out.append((type(b).__name__, len(b.items)))
        elif isinstance(b, Table):
            out.append(("Table", len(b.rows), len(b.header)))
        elif isinstance(b, Heading):
            out.append(("Heading", b.level))
        else:
            out.append((type(b).__name__,))
    return out


_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_MARK = re.compile(r"\[\d+(, [^\]]*)?\]")
#: The labels of formula lines (who acts, the evidence on a question), which recur by design.
_FORMULAS = ("Proposed lead", "What could travel", "Evidence:", "Figures the sources give", "The source builds this",
             "建议实施主体", "可借鉴之处", "现有证据", "资料给出的数据", "此条资料以")


def sentences(brief) -> list[str]:
    out = []
    for b in brief.blocks:
        items = b.items if isinstance(b, (NumberedList, BulletList, Callout)) else \
            [b.inlines] if isinstance(b, Paragraph) else []
        for item in items:
            text = _MARK.sub("", plain(item))
            out += [s.strip() for s in _SENTENCE.split(text)
                    if len(s.strip()) > 30 and not s.strip().startswith(_FORMULAS)]
    return out


def problems_of(library, region, audience, length) -> list[str]:
    found = []
    builds = {lang: build(BriefSpec(region, audience=audience, length=length, lang=lang), ["md"], library)
              for lang in ("en", "zh")}
    label = f"{region}/{audience}/{length}"
    en, zh = builds["en"], builds["zh"]
    plan = en.plan
    if en.plan.recommendations != zh.plan.recommendations or en.plan.lessons != zh.plan.lessons \
            or en.plan.table != zh.plan.table or shape(en.brief) != shape(zh.brief):
        found.append(f"{label}: the English and Chinese editions differ")
    for rid in plan.recommendations:
        rec = library.recommendations[rid]
        if rec.region != region:
            found.append(f"{label}: numbered recommendation {rid} is addressed to {rec.region}")
        if not rules.acts_for(rec, audience):
            found.append(f"{label}: recommendation {rid} is not for {audience} ({', '.join(rec.actors)})")
    if plan.recommendations:
        rec1 = library.recommendations[plan.recommendations[0]]
        earliest = min(("short", "medium", "long").index(library.recommendations[r].horizon)
                       for r in plan.recommendations)
        if ("short", "medium", "long").index(rec1.horizon) != earliest:
            found.append(f"{label}: recommendation 1 is not under the earliest horizon")
        for lang, built in builds.items():
            km = next(b for b in built.brief.blocks if isinstance(b, Callout))
            action = rec1.action(lang).rstrip("。.")
            if action not in plain(km.items[-1]):
                found.append(f"{label}/{lang}: the first step in the key messages is not recommendation 1")
    bench = plan.benchmark.region
    for lang, built in builds.items():
        title = built.brief.meta.title
        if bench and ("lessons from" in title or "的经验" in title):
            learned = any(library.recommendations[r].benchmark == bench for r in plan.recommendations)
            if not plan.lessons and not learned:
                found.append(f"{label}/{lang}: '{title}' offers no lesson from {bench}")
        said = sentences(built.brief)
        first_step = plain(next(b for b in built.brief.blocks if isinstance(b, Callout)).items[-1])
        repeated = {s for s in said if said.count(s) > 1 and s not in first_step}
        if repeated:
            found.append(f"{label}/{lang}: repeated sentence {sorted(repeated)[0][:60]!r}")
        text = built.brief.text()
        for filler in ("set out in the key messages above", "已在上文核心观点中列出"):
            if filler in text:
                found.append(f"{label}/{lang}: filler section ({filler!r})")
    strengths = {f.theme for f in library.findings.values()
                 if f.region == region and f.kind in ("strength", "result")}
    for gap in plan.gap_sections:
        kinds = {library.findings[f].kind for f in gap.findings}
        if kinds - {"problem"}:
            found.append(f"{label}: gap '{gap.theme}' shows a finding that is not a problem")
    for theme in plan.gaps:
        if not any(f.region == region and f.kind == "problem" and f.theme == theme
                   for f in library.findings.values()):
            found.append(f"{label}: '{theme}' is called a gap, but the sources record no problem there"
                         + (" (it is a strength)" if theme in strengths else ""))
    return found


@pytest.mark.parametrize("region", _regions())
def test_every_brief_of_a_region_argues_coherently(library, region):
    problems = []
    for audience, length in itertools.product(AUDIENCES, LENGTHS):
        problems += problems_of(library, region, audience, length)
    assert problems == []


def test_the_sweep_catches_advice_addressed_elsewhere(library, monkeypatch):
    """The sweep is not vacuous: hand Ningbo's advice to Cixi and it objects."""
    ningbo = [r for r in library.recommendations.values() if r.region == "ningbo"]
    real = rules.recommendations_for
    monkeypatch.setattr(rules, "recommendations_for",
                        lambda lib, region, audience, gaps: ningbo if region == "cixi" else real(lib, region, audience, gaps))
    from briefgen import build as build_module

    build_module._fitted.clear()
    try:
        found = problems_of(library, "cixi", "government", "standard")
    finally:
        build_module._fitted.clear()
    assert any("is addressed to ningbo" in p for p in found)


def test_zhengzhou_culture_is_neither_a_gap_nor_a_strength(library):
    """The feature argues for culture-led trade as something still being nurtured (正在……孕育,
    新机遇): it records no problem there, and no achievement either."""
    for lang in ("en", "zh"):
        built = build(BriefSpec("zhengzhou", lang=lang), ["md"], library)
        assert "culture" not in built.plan.gaps and "culture" not in built.plan.strength_themes
        title = built.brief.meta.title
        assert "culture" not in title and "文化" not in title, title
    assert "held back by talent" in build(BriefSpec("zhengzhou"), ["md"], library).brief.meta.title


def test_advice_is_not_a_gap_nor_is_a_difficulty_being_solved(library):
    """Ningbo's series advises removing barriers but records none; Xiong'an's article reports
    the measures that overcome its talent difficulty (破解高端人才集聚难题), not a gap left open."""
    ningbo = build(BriefSpec("ningbo"), ["md"], library)
    assert ningbo.plan.gaps == () and "The sources record no problems for Ningbo" in ningbo.brief.text()
    xiongan = build(BriefSpec("xiongan"), ["md"], library)
    assert xiongan.plan.gaps == () and "held back" not in xiongan.brief.meta.title


def test_benchmark_only_where_the_sources_support_it(library):
    chosen = {r: build(BriefSpec(r), ["md"], library).plan.benchmark for r in ("suqian", "ningbo", "zhejiang", "cixi")}
    assert chosen["suqian"].region == "hangzhou" and chosen["suqian"].chosen_by == "sources"
    assert chosen["ningbo"].region is None          # its sources never mention Hangzhou
    assert chosen["zhejiang"].region is None        # a province is not taught by a county
    assert chosen["cixi"].region is None            # nor a county by its parent city


def test_thin_region_inherits_nobody_elses_advice(library):
    # Jinhua joined this list when the support policy the article reports as issued
    # stopped being filed as advice to Jinhua.
    for region in ("anji", "jinhua", "dongyang"):
        built = build(BriefSpec(region, length="full"), ["md"], library)
        assert built.plan.shape == "thin"
        assert built.plan.recommendations == () and built.plan.parent_plans == ()
        text = built.brief.text()
        assert "CPTPP" not in text and "DEPA" not in text
