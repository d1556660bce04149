"""What a brief says: anatomy, audiences, lengths, benchmarks, languages."""
from __future__ import annotations

import re

import pytest

from briefgen.build import build
from briefgen.document import (BulletList, Callout, Citation, Figure, NumberedList, Paragraph, plain,
                               References, Table)
from briefgen.errors import UsageError
from briefgen.spec import BriefSpec


def _brief(library, templates=None, **kw):
    return build(BriefSpec(**kw), [], library, templates=templates)


def citations(brief):
    """Every citation mark anywhere in the brief."""
    found = []

    def walk(inlines):
        found.extend(i for i in inlines if isinstance(i, Citation))

    for b in brief.blocks:
        if isinstance(b, Paragraph):
            walk(b.inlines)
        elif isinstance(b, (BulletList, NumberedList, Callout)):
            for item in b.items:
                walk(item)
        elif isinstance(b, Table):
            for row in b.rows:
                for cell in row:
                    walk(cell)
            walk(b.note)
        elif isinstance(b, Figure):
            walk(b.source)
    return found


def test_lessons_for_suqian_from_hangzhou(library):
    result = _brief(library, region="suqian")
    brief = result.brief
    assert result.spec.benchmark == "hangzhou"
    assert brief.meta.title.startswith("Suqian is strong in ")
    assert brief.meta.title.endswith("lessons from Hangzhou")
    assert "23 November 2026" in brief.meta.edition
    callout = brief.blocks[0]
    assert isinstance(callout, Callout) and 3 <= len(callout.items) <= 5
    headings = [h.text for h in brief.headings()]
    for expected in ("The situation in numbers", "The gaps, theme by theme",
                     "What Hangzhou did and what came of it"):
        assert expected in headings
    refs = next(b for b in brief.blocks if isinstance(b, References))
    assert refs.title == "Sources" and "Source text" not in brief.text()
    assert plain(brief.blocks[-1].inlines).startswith("Cite as: Suqian is strong in")
    assert any(isinstance(b, Table) for b in brief.blocks)
    assert any(isinstance(b, Figure) for b in brief.blocks)
    assert "is the benchmark because the sources themselves hold it up to Suqian" in brief.text()


def test_every_citation_resolves(library):
    for lang in ("en", "zh"):
        brief = _brief(library, region="suqian", lang=lang, length="full").brief
        refs = next(b for b in brief.blocks if isinstance(b, References))
        numbers = {r.number for r in refs.items}
        marks = citations(brief)
        assert marks and {c.number for c in marks} == numbers


def test_table_cells_give_period_and_source(library):
    brief = _brief(library, region="suqian").brief
    table = next(b for b in brief.blocks if isinstance(b, Table))
    for row in table.rows:
        for cell in row[1:]:
            text = "".join(getattr(i, "text", "") for i in cell)
            # A two-region table holds only rows that compare: every cell is sourced,
            # "not published" included (a source says so).
            assert any(isinstance(i, Citation) for i in cell), text


def test_audiences_get_different_recommendations(library):
    recs = {}
    for audience in ("government", "industry", "education", "research"):
        brief = _brief(library, region="suqian", audience=audience).brief
        lists = [b for b in brief.blocks if isinstance(b, NumberedList)]
        recs[audience] = tuple(tuple(getattr(i, "text", "") for i in item)[0] for lst in lists for item in lst.items)
    assert len(set(recs.values())) == 4
    gov = _brief(library, region="suqian", audience="government").brief
    assert any(h.text.startswith(("First steps", "Next (", "Longer term")) for h in gov.headings())
    research = _brief(library, region="suqian", audience="research").brief
    assert any(h.text == "Data and method" for h in research.headings())
    assert any(h.text == "Open questions and the evidence on them" for h in research.headings())


def test_benchmark_equal_to_region_is_an_error(library):
    with pytest.raises(UsageError, match="the benchmark is the region itself"):
        _brief(library, region="suqian", benchmark="宿迁")


def test_chosen_benchmark_is_explained(library):
    result = _brief(library, region="ningbo", benchmark="hangzhou")
    assert result.spec.benchmark == "hangzhou"
    assert "Hangzhou" in result.brief.meta.title
    assert "as the reader asked" in result.brief.text()


def test_full_is_longer_than_standard_is_longer_than_short(library):
    sizes = [len(_brief(library, region="suqian", length=n).brief.text()) for n in ("short", "standard", "full")]
    assert sizes[0] < sizes[1] < sizes[2]


def test_english_converts_units_exactly(library):
    text = _brief(library, region="suqian", length="full").brief.text()
    assert "RMB 4 billion" in text            # 40 亿元, Jan-Aug 2025
    assert "亿元" not in text and "万美元" not in text


def test_chinese_reads_as_chinese(library):
    brief = _brief(library, region="宿迁", lang="zh", length="full").brief
    # citation marks quote the source's own headings, which may contain spaces
    # (the source list follows GB/T 7714, whose punctuation is half-width by design)
    text = re.sub(r"\[\d+(, [^\]]*)?\]", "", brief.text().split("\n参考文献\n")[0])
    assert brief.meta.title.endswith("：杭州的经验")
    assert "超过40亿元" in text
    # figures sit against their Chinese units: no "40 亿元" (captions keep "表1 宿迁…")
    assert not re.search(r"(?<![表图\d])\d+ [\u4e00-\u9fff]", text)
    # no space between two Chinese characters, and no half-width comma after a Chinese character
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)
    assert not re.search(r"[\u4e00-\u9fff],", text)
    # no stray English words in the body (ids, 'unspecified', 'not published')
    body = "\n".join(line for line in text.splitlines() if not line.startswith("["))
    assert not re.search(r"\b(unspecified|not published|period not stated|Source)\b", body)


def test_an_office_can_change_the_wording(tmp_path, library):
    """--templates DIR overrides the built-in narrative, file by file."""
    from briefgen.paths import data_dir

    own = tmp_path / "templates" / "en"
    own.mkdir(parents=True)
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    own.joinpath("narrative.j2").write_text(text.replace('"key_messages": "Key messages"',
                                                         '"key_messages": "In brief"'), encoding="utf-8")
    brief = _brief(library, region="suqian", templates=str(tmp_path / "templates")).brief
    assert brief.blocks[0].title == "In brief"
    # the Chinese templates were not overridden, so Chinese briefs keep the built-in wording
    zh = _brief(library, region="suqian", lang="zh", templates=str(tmp_path / "templates")).brief
    assert zh.blocks[0].title == "核心观点"


def test_a_template_from_an_earlier_version_gets_the_new_sentences_in_built_in_words(tmp_path, library):
    # An office's copy of the templates, made before the edition line existed: the brief
    # still says what its figures date from, in the built-in wording, and keeps the
    # office's own words everywhere else.
    import re

    from briefgen.paths import data_dir

    own = tmp_path / "en"
    own.mkdir()
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    text = re.sub(r"{% macro vintage\(.*?{%- endmacro %}", "", text, count=1, flags=re.S)
    assert "macro vintage(" not in text
    text = text.replace('"key_messages": "Key messages"', '"key_messages": "In brief"')
    own.joinpath("narrative.j2").write_text(text, encoding="utf-8")
    built_in = _brief(library, region="suqian").brief
    theirs = _brief(library, region="suqian", templates=str(tmp_path)).brief
    assert theirs.blocks[0].title == "In brief"
    assert "figures 20" in built_in.meta.edition and theirs.meta.edition == built_in.meta.edition


def test_a_template_missing_a_variable_is_an_error_not_a_blank(tmp_path, library):
    from briefgen.errors import BriefgenError
    from briefgen.paths import data_dir

    own = tmp_path / "en"
    own.mkdir()
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    own.joinpath("narrative.j2").write_text(text.replace("{{ region }} is strong in", "{{ regoin }} is strong in"),
                                            encoding="utf-8")
    with pytest.raises(BriefgenError, match="it uses 'regoin', which is not defined there"):
        _brief(library, region="suqian", templates=str(tmp_path))


def test_situation_brief_when_no_benchmark_fits(library):
    # Zhengzhou, not Ningbo: the Ningbo series records no problem of Ningbo's own (its one
    # "problem" was advice, 宁波要破除体制机制障碍), so Ningbo's brief is thin, not a situation.
    result = _brief(library, region="zhengzhou")
    assert result.spec.benchmark is None and result.plan.shape == "situation"
    assert "No source compares Zhengzhou with another place" in result.brief.text()
    assert "lessons from" not in result.brief.meta.title


def test_a_region_the_sources_barely_mention_says_so(library):
    brief = _brief(library, region="mexico").brief
    text = brief.text()
    assert "The sources record no problems for Mexico and make no recommendations for it" in text
    assert "The sources give none." in text
    assert "figures above" not in text


def test_chart_never_sets_a_place_beside_one_of_another_kind(library):
    from briefgen.plan.figures import chart_plan

    for region in library.regions:
        chart = chart_plan(library, region, None)
        if chart is not None and chart.kind == "peers":
            levels = {library.regions[f[0].region].level for f in chart.figures}
            assert levels == {library.regions[region].level}, region


def test_table_never_sets_a_running_total_beside_a_one_year_figure(library):
    from briefgen.plan.figures import _PERIOD_CLASS, comparison_rows

    for region in library.regions:
        for other in library.regions:
            for row in comparison_rows(library, region, other, 40) if other != region else ():
                if row.region and row.benchmark:
                    kinds = {_PERIOD_CLASS[i.period.kind] for i in (row.region, row.benchmark)}
                    assert len(kinds - {"unknown"}) <= 1 and "target" not in kinds, (region, row)


def test_a_table_that_cannot_compare_shows_the_region_alone(library):
    result = _brief(library, region="ningbo", benchmark="hangzhou")
    table = next(b for b in result.brief.blocks if isinstance(b, Table))
    assert table.header == ("Indicator", "Ningbo")
    assert "too few figures for Ningbo and Hangzhou on the same measure" in result.brief.text()
    assert "not published" not in result.brief.text()


def test_chinese_evidence_marks_quote_the_heading_as_the_links_do(library):
    # Zhengzhou's newspaper headings are two phrases with a space between them;
    # the evidence list and the linked marks must quote them alike.
    brief = _brief(library, region="zhengzhou", audience="industry", lang="zh").brief
    text = brief.text()
    assert "[1, 枢纽天成 才路待通" in text or "[1, 辉煌起笔 突围在即" in text
    assert "枢纽天成才路待通" not in text and "辉煌起笔突围在即" not in text


def test_source_without_author_is_listed_by_its_title(library):
    brief = _brief(library, region="anji", audience="industry").brief
    refs = next(b for b in brief.blocks if isinstance(b, References))
    entry = next(r.text for r in refs.items if "浙江省产业集群跨境电商发展人才引育对策" in r.text)
    assert entry.startswith("Strategies for attracting and cultivating cross-border e-commerce talent")
    assert "(2018, inferred)." in entry


@pytest.mark.parametrize("lang,first,later", [("en", "First step (recommendation 1, ", "Recommendation 1 ("),
                                              ("zh", "首要举措（建议1，", "建议1（")])
def test_key_messages_end_with_the_first_step(library, lang, first, later):
    for region in ("ningbo", "suqian", "baoding"):
        result = _brief(library, region=region, length="full", audience="government", lang=lang)
        items = [plain(item) for item in result.brief.blocks[0].items]
        rec1 = library.recommendations[result.plan.recommendations[0]]
        # "First step" only when recommendation 1 can be taken within a year.
        lead = first if rec1.horizon == "short" else later
        assert [item.startswith(lead) for item in items] == [False] * (len(items) - 1) + [True]
        assert rec1.action(lang).rstrip("。.") in items[-1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_brief_without_recommendations_for_its_readers_does_not_say_the_sources_make_none(library, lang):
    # The sources make many recommendations for Ningbo, none led by firms: the industry
    # brief says so instead of "make no recommendations for it".
    text = _brief(library, region="ningbo", audience="industry", lang=lang).brief.text()
    n = len(library.recommendations_of("ningbo"))
    assert n > 0
    if lang == "en":
        assert "make no recommendations" not in text and "address no recommendations" not in text
        assert f"none of the {n} recommendations they make for it falls to firms" in text
    else:
        assert "也没有针对宁波的建议" not in text and "资料未提出针对宁波的建议" not in text
        assert re.search(rf"{n}\W?条建议均不由企业、行业协会与平台实施", text)
    government = _brief(library, region="ningbo", audience="government", lang=lang).brief.text()
    assert "falls to" not in government and "均不由" not in government


def test_a_shorter_brief_counts_the_recommendations_its_readers_act_on(library):
    text = _brief(library, region="zhejiang", audience="industry").brief.text()
    line = next(s for s in text.split("\n") if "ends before its" in s)
    assert "recommendations addressed to firms, industry associations and platforms for Zhejiang" in line
    zh = _brief(library, region="zhejiang", audience="industry", lang="zh").brief.text()
    assert "条由企业、行业协会与平台实施的建议" in zh
