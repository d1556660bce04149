"""Table 1 compares facts that are not amounts (content/*/facts.yaml) as it compares
figures: only when both regions have one, each cell sourced, the same rows in both
languages; "not published" only where a source says so."""
from __future__ import annotations

import pytest

from briefgen import BriefSpec, compose
from briefgen.document import Citation, Table
from briefgen.errors import ContentError
from briefgen.library import load_library


def _table(brief) -> Table:
    return next(b for b in brief.blocks if isinstance(b, Table))


def test_suqian_from_hangzhou_sets_the_years_the_zones_were_approved_side_by_side(library):
    for lang, label, suqian, hangzhou in (("en", "comprehensive pilot zone", "April 2020", "March 2015"),
                                          ("zh", "综合试验区", "2020年4月", "2015年3月")):
        brief = compose(BriefSpec("suqian", benchmark="hangzhou", lang=lang), library)
        table = _table(brief)
        assert len(table.header) == 3                       # the benchmark has its column
        row = next(r for r in table.rows if label in "".join(x.text for x in r[0]))
        for cell, text in zip(row[1:], (suqian, hangzhou)):
            assert any(isinstance(x, Citation) for x in cell), cell
            assert text in "".join(getattr(x, "text", "") for x in cell)


def test_a_pair_without_shared_facts_has_no_fact_rows(library):
    from briefgen.plan import argue

    spec = BriefSpec("ningbo", benchmark="hangzhou")
    plan = argue(spec, library).cut(argue(spec, library).budget)
    assert plan.table_facts == ()
    text = "\n".join(" | ".join("".join(getattr(x, "text", "") for x in c) for c in r)
                     for r in _table(compose(spec, library)).rows)
    assert "approved" not in text.lower() and "regulation" not in text.lower()


@pytest.mark.parametrize("region", ["suqian", "xiongan", "baoding", "ningbo", "hangzhou"])
def test_english_and_chinese_tables_have_the_same_rows(library, region):
    tables = {lang: _table(compose(BriefSpec(region, lang=lang), library)) for lang in ("en", "zh")}
    assert len(tables["en"].rows) == len(tables["zh"].rows)
    assert len(tables["en"].header) == len(tables["zh"].header)
    for en, zh in zip(tables["en"].rows, tables["zh"].rows):   # a cell is sourced in one iff in the other
        assert [any(isinstance(x, Citation) for x in c) for c in en] == \
               [any(isinstance(x, Citation) for x in c) for c in zh]


def test_not_published_only_where_a_source_says_so(library):
    said = {f.value(lang) for f in library.facts.values() if f.kind == "not-published" for lang in ("en", "zh")}
    seen = 0
    for region in sorted(library.regions):
        for lang, words in (("en", "not published"), ("zh", "未公布")):
            for row in _table_rows(compose(BriefSpec(region, lang=lang), library)):
                for cell in row[1:]:
                    text = "".join(getattr(x, "text", "") for x in cell).strip()
                    if words in text.lower():
                        assert text in said and isinstance(cell[-1], Citation), (region, text)
                        seen += 1
    assert seen >= 2          # Suqian's digital-economy share, in both languages


def _table_rows(brief):
    tables = [b for b in brief.blocks if isinstance(b, Table)]
    return tables[0].rows if tables else ()


def test_a_fact_of_the_wrong_kind_is_refused_with_its_file_and_line(tmp_path):
    office = tmp_path / "office"
    office.mkdir()
    (office / "facts.yaml").write_text("""
- id: siyang-zone
  region: suqian
  key: cbec-pilot-zone-approved
  kind: rumour
  label_en: Approved
  label_zh: 获批
  value_en: "2020"
  value_zh: 2020年
  theme: platforms-zones
  source: s003
  locator: 2020年4月
""", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_library(overlays=[office])
    assert "office/facts.yaml:2: fact 'siyang-zone': field 'kind': 'rumour' is not allowed" in str(err.value)


def test_an_overlay_adds_a_term_and_a_sourced_definition_needs_its_phrase(tmp_path, library):
    office = tmp_path / "office"
    office.mkdir()
    term = """
- id: haiwaicang
  term_en: overseas warehouse
  term_zh: 海外仓
  definition_en: A warehouse abroad where sellers stock goods before they are sold.
  definition_zh: 卖家在境外预先备货的仓库。
"""
    (office / "terms.yaml").write_text(term, encoding="utf-8")
    assert "haiwaicang" in load_library(overlays=[office]).terms
    (office / "terms.yaml").write_text(term + "  source: s003\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_library(overlays=[office])
    assert "office/terms.yaml:2: term 'haiwaicang': field 'locator': missing" in str(err.value)
