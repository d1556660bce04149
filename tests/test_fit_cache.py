"""Fit decisions kept between processes: a later process writes the chosen plan once, and the
brief is the same as one fitted afresh.

Each ``_new_process`` call stands for a new process: the in-process cache of fitted
plans is emptied, and only the user cache folder (the test's own) carries over.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import briefgen
import briefgen.build
import briefgen.write

#: Cut 30 steps below its full budget (fitting writes it about a dozen times).
CUT = dict(region="suqian", length="standard")
#: Holds all the sources support and says why it is shorter (plan.shorter).
SHORTER = dict(region="anji", length="standard")


@pytest.fixture
def writes(monkeypatch, tmp_path):
    """The language of every plan written, with a cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls: list[str] = []
    real = briefgen.write.write

    def counted(plan, lang, *args, **kwargs):
        calls.append(lang)
        return real(plan, lang, *args, **kwargs)

    monkeypatch.setattr(briefgen.build, "write", counted)
    return calls


def _new_process() -> None:
    briefgen.build._fitted.clear()


def _decisions(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("briefgen/fits/*/*.json"))


@pytest.mark.parametrize("spec", [CUT, SHORTER], ids=["cut", "shorter"])
def test_a_later_process_writes_the_brief_once_and_it_is_the_same(writes, tmp_path, spec):
    _new_process()
    first = {lang: briefgen.make_all(**spec, lang=lang, formats=("docx", "md")) for lang in ("en", "zh")}
    fitted_writes = len(writes)
    assert fitted_writes > 2 and len(_decisions(tmp_path)) == 1
    writes.clear()
    _new_process()
    again = briefgen.make_all(**spec, lang="zh", formats=("docx", "md"))
    assert writes == ["zh"]                      # no fitting: the Chinese brief, written once
    assert again == first["zh"]
    _new_process()
    assert briefgen.make_all(**spec, lang="en", formats=("pdf", "docx", "md"))["docx"] == first["en"]["docx"]


def test_no_cache_neither_reads_nor_writes_decisions(writes, tmp_path):
    _new_process()
    fresh = briefgen.make_all(**CUT, formats=("md",), cache=False)
    assert _decisions(tmp_path) == []
    _new_process()
    briefgen.make_all(**CUT, formats=("md",))
    [record] = _decisions(tmp_path)
    record.write_text(json.dumps({"step": 0, "shorter": False}))   # a wrong decision, trusted by a cached run
    _new_process()
    writes.clear()
    assert briefgen.make_all(**CUT, formats=("md",), cache=False) == fresh
    assert len(writes) > 2                       # fitted afresh, the record not read


@pytest.mark.parametrize("damage", ['{"step": "many"}', "not json", '{"step": 100000, "shorter": false}',
                                    '{"step": 999, "shorter": false}'],
                         ids=["wrong-type", "not-json", "out-of-range", "past-the-chain"])
def test_a_damaged_decision_is_fitted_afresh(writes, tmp_path, damage):
    _new_process()
    first = briefgen.make_all(**CUT, formats=("md",))
    [record] = _decisions(tmp_path)
    record.write_text(damage)
    _new_process()
    writes.clear()
    assert briefgen.make_all(**CUT, formats=("md",)) == first
    assert len(writes) > 2


def test_a_decision_anyone_may_write_is_not_trusted(writes, tmp_path):
    _new_process()
    first = briefgen.make_all(**CUT, formats=("md",))
    [record] = _decisions(tmp_path)
    record.write_text(json.dumps({"step": 0, "shorter": False}))
    os.chmod(record, 0o666)
    _new_process()
    assert briefgen.make_all(**CUT, formats=("md",)) == first


def test_an_edited_template_is_fitted_afresh(writes, tmp_path):
    from briefgen.paths import data_dir

    templates = tmp_path / "templates"
    (templates / "en").mkdir(parents=True)
    source = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    (templates / "en" / "narrative.j2").write_text(source, encoding="utf-8")
    _new_process()
    briefgen.make_all(**CUT, formats=("md",), templates=templates)
    writes.clear()
    _new_process()
    briefgen.make_all(**CUT, formats=("md",), templates=templates)
    assert writes == ["en"]
    (templates / "en" / "narrative.j2").write_text(source + "\n", encoding="utf-8")
    os.utime(templates / "en" / "narrative.j2", ns=(1, 1))
    writes.clear()
    _new_process()
    briefgen.make_all(**CUT, formats=("md",), templates=templates)
    assert len(writes) > 2


def test_other_specs_and_content_are_other_decisions(writes, tmp_path):
    _new_process()
    briefgen.make_all(**CUT, formats=("md",))
    briefgen.make_all(**CUT, audience="education", formats=("md",))
    briefgen.make_all(**CUT, formats=("md",), edition=__import__("datetime").date(2027, 1, 1))
    assert len(_decisions(tmp_path)) == 3


def test_no_cache_leaves_the_cache_folder_alone(writes, tmp_path):
    # Every cache (parsed content, fit decisions, page counts, Word templates, compiled
    # templates) is bypassed, in every format, from the API as from `--no-cache`.
    import briefgen.write.narrative
    import briefgen.writers.docx.template

    _new_process()
    briefgen.write.narrative._environment.cache_clear()
    briefgen.write.narrative._phrases.cache_clear()
    briefgen.writers.docx.template._prepare.cache_clear()
    briefgen.make_all(**CUT, lang="zh", formats=("pdf", "docx", "md", "html"), cache=False)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
