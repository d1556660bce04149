"""The content layer as a user meets it: loading, finding regions, and clear errors."""
from __future__ import annotations

import pytest

from briefgen.errors import ContentError, UsageError
from briefgen.library import load_library
from helpers import county_overlay


def test_builtin_content_covers_the_seeds(library):
    counts = library.counts()
    assert counts["regions"] >= 15
    assert counts["indicators"] >= 100
    assert counts["cases"] >= 30
    assert counts["recommendations"] >= 60
    # every one of the five seed documents is a source of something
    files = {s.seed_file for s in library.sources.values()}
    assert len(files) == 5


@pytest.mark.parametrize("name", ["suqian", "Suqian", "SUQIAN", "宿迁", "宿迁市", "  suqian "])
def test_region_by_id_english_or_chinese_name(library, name):
    assert library.region(name).id == "suqian"


def test_unknown_region_suggests_the_closest(library):
    with pytest.raises(UsageError) as e:
        library.region("suqain")
    assert str(e.value) == "unknown region 'suqain'; did you mean 'suqian'? (briefgen list regions shows all)"


def test_every_text_has_both_languages(library):
    for rec in library.recommendations.values():
        assert rec.action_en and rec.action_zh
    for f in library.findings.values():
        assert f.text_en and f.text_zh


def test_frames_have_id_value_unit_source(library):
    df = library.frame("indicators", region="suqian")
    assert list(df.columns)[0] == "id"
    assert {"value", "unit", "source", "period", "qualifier"} <= set(df.columns)
    assert len(df) > 5 and set(df["region"]) == {"suqian"}


def _problems(folder) -> str:
    with pytest.raises(ContentError) as e:
        load_library(folder)
    return str(e.value)


def test_broken_yaml_names_file_and_line(content_copy):
    path = content_copy / "themes.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: [unclosed\n", encoding="utf-8")
    msg = _problems(content_copy)
    assert "themes.yaml:" in msg and "not valid YAML" in msg


def test_csv_missing_column(content_copy):
    path = next(content_copy.rglob("indicators.csv"))
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    header[header.index("unit")] = "units"
    path.write_text("\n".join([",".join(header), *lines[1:]]) + "\n", encoding="utf-8")
    msg = _problems(content_copy)
    assert "indicators.csv:1" in msg and "missing column(s) unit" in msg


def test_non_utf8_file(content_copy):
    path = content_copy / "themes.yaml"
    path.write_bytes(path.read_bytes() + "\n# 注释\n".encode("gbk"))
    msg = _problems(content_copy)
    assert "themes.yaml" in msg and "not UTF-8" in msg


def test_every_problem_reported_with_field_and_fix(content_copy):
    (content_copy / "extra").mkdir()
    (content_copy / "extra" / "recommendations.yaml").write_text("""
- id: Bad Id
  region: suqain
  action_en: Do something.
  actors: [government]
  audiences: [mayors]
  themes: [talent]
  horizon: soon
  evidence: [nowhere]
  source: s003
""", encoding="utf-8")
    (content_copy / "extra" / "indicators.csv").write_text(
        "id,region,indicator_en,indicator_zh,value,unit,period,qualifier,theme,source,locator,section,note_en,note_zh\n"
        "x-1,suqian,Trade,贸易,3586.8,亿,2024 Jan to Aug,over,trade-scale,s003,loc,§1,,\n"
        "x-2,suqian,Trade,贸易,12a,亿元,2024,over,trade-scale,s003,loc,§1,,\n"
        "x-1,suqian,Trade,贸易,12,亿元,2024,over,trade-scale,s003,loc,§1,,\n", encoding="utf-8")
    msg = _problems(content_copy)
    # action_en alone is fine: one language is enough (tests/test_one_language.py).
    for expected in ("'Bad Id' is not a valid id",
                     "'mayors' is not allowed", "'soon' is not allowed", "field 'unit': '亿' is not in the unit list",
                     "does not fit the grammar", "'12a' is not a number", "indicator id 'x-1' is used twice"):
        assert expected in msg, expected
    assert "extra/recommendations.yaml:2" in msg


def test_references_that_point_nowhere(content_copy):
    (content_copy / "extra").mkdir()
    (content_copy / "extra" / "findings.yaml").write_text("""
- id: extra-finding
  region: suqain
  theme: talent-education
  kind: problem
  text_en: x
  text_zh: 某
  indicators: [no-such-figure]
  source: s003
""", encoding="utf-8")
    msg = _problems(content_copy)
    assert "no region 'suqain'; did you mean 'suqian'?" in msg
    assert "no indicator 'no-such-figure'" in msg


def test_yaml_cannot_construct_objects(content_copy):
    (content_copy / "extra").mkdir()
    (content_copy / "extra" / "themes.yaml").write_text(
        "- !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    msg = _problems(content_copy)
    assert "not valid YAML" in msg


def test_overlay_adds_a_region_and_a_figure(tmp_path, library):
    overlay = county_overlay(tmp_path)
    (overlay / "indicators.csv").write_text(
        "id,region,indicator_en,indicator_zh,value,unit,period,qualifier,theme,source,locator,section,note_en,note_zh\n"
        "siyang-cbec-2025,siyang,CBEC trade,跨境电商交易额,12.5,亿元,2025,exact,trade-scale,s003,office data,table 1,,\n",
        encoding="utf-8")
    lib = load_library(overlays=[overlay])
    assert lib.region("泗阳").id == "siyang"
    assert lib.indicators["siyang-cbec-2025"].value == "12.5"
    assert len(lib.indicators) == len(library.indicators) + 1


def test_missing_content_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="content folder not found"):
        load_library(tmp_path / "nope")


def test_as_of_drops_later_figures(library):
    from datetime import date

    old = library.as_of(date(2020, 12, 31))
    assert all(not i.period.end or i.period.end <= date(2020, 12, 31) for i in old.indicators.values())
    assert len(old.indicators) < len(library.indicators)


@pytest.mark.parametrize("text,en,zh", [
    ("2024", "2024", "2024年"),
    ("2016-2018", "2016–2018", "2016—2018年"),
    ("2025-08", "Aug 2025", "2025年8月"),
    ("2025 Jan-Aug", "2025 Jan–Aug", "2025年1—8月"),
    ("2024 H1", "first half of 2024", "2024年上半年"),
    ("2024 Q3", "2024 Q3", "2024年第三季度"),
    ("since 2015", "cumulative since 2015", "2015年以来累计"),
    ("by 2026", "by 2026", "到2026年"),
    ("as of 2025-06", "as of Jun 2025", "截至2025年6月"),
    ("as of 2024 H1", "as of the first half of 2024", "截至2024年上半年"),
    ("as of 2024 end", "as of the end of 2024", "截至2024年底"),
    ("unspecified", "period not stated", "未注明时间")])
def test_periods_are_worded_as_the_sources_word_them(text, en, zh):
    from briefgen.library.periods import parse

    period = parse(text)
    assert (period.words("en"), period.words("zh")) == (en, zh)


def test_a_period_outside_the_grammar_names_the_grammar():
    from briefgen.library.periods import parse

    with pytest.raises(ValueError, match="as of YYYY H1"):
        parse("as of mid-2024")
