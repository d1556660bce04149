"""The page-count cache: a brief laid out by one process is not laid out again by the next.

Each test stands for a new process: the in-process cache of fitted plans is emptied
and the user cache folder is a fresh one, so only what is on disk carries over.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import briefgen
import briefgen.build
from briefgen.spec import BriefSpec
from briefgen.writers import pdf
from briefgen.writers.pdf import typeset

#: Near its page budget, so fitting it lays out the PDF (checked below).
SPEC = dict(region="suqian", length="standard", lang="en")


@pytest.fixture
def layouts(monkeypatch, tmp_path):
    """How many PDF layouts each build makes, with a cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls = []
    real = pdf.layout

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "layout", counted)            # what fitting lays out with
    monkeypatch.setattr(typeset, "layout", counted)        # what rendering a PDF lays out with
    return calls


def _new_process() -> None:
    """A new process whose user cache has page counts but no fit decisions (those would
    spare it the fitting, and so the layouts these tests count: see test_fit_cache.py)."""
    import shutil

    import briefgen.usercache

    briefgen.build._fitted.clear()
    shutil.rmtree(briefgen.usercache.root() / "fits", ignore_errors=True)
    briefgen.usercache._code_folder.cache_clear()


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("briefgen/layout/*/*.json"))


def test_a_second_word_brief_lays_out_no_pdf_and_is_the_same(layouts, tmp_path):
    _new_process()
    first = briefgen.make_all(**SPEC, formats=("docx",))["docx"]
    assert layouts, "the brief is near its budget: fitting must lay it out the first time"
    assert _entries(tmp_path)
    layouts.clear()
    _new_process()
    again = briefgen.make_all(**SPEC, formats=("docx",))["docx"]
    assert layouts == []
    assert again == first


def test_a_pdf_brief_uses_the_counts_and_is_drawn_once(layouts, tmp_path):
    _new_process()
    briefgen.make_all(**SPEC, formats=("docx",))
    layouts.clear()
    _new_process()
    cached = briefgen.make_all(**SPEC, formats=("pdf",))["pdf"]
    assert len(layouts) == 1                  # drawn, not measured again
    _new_process()
    assert briefgen.make_all(**SPEC, formats=("pdf",), cache=False)["pdf"] == cached


def test_no_cache_neither_reads_nor_writes_it(layouts, tmp_path):
    _new_process()
    briefgen.make_all(**SPEC, formats=("docx",), cache=False)
    assert layouts and _entries(tmp_path) == []


def test_a_damaged_or_foreign_entry_is_laid_out_afresh(layouts, tmp_path):
    _new_process()
    first = briefgen.make_all(**SPEC, formats=("docx",))["docx"]
    entries = _entries(tmp_path)
    entries[0].write_text('{"pages": "many"}')
    for other in entries[1:]:
        other.write_text('{"pages": 1, "filled": 0.5}')
        os.chmod(other, 0o666)                # anyone may write it: not trusted
    layouts.clear()
    _new_process()
    assert briefgen.make_all(**SPEC, formats=("docx",))["docx"] == first
    assert len(layouts) == len(entries)


def test_changed_briefs_are_new_keys(layouts, tmp_path):
    from briefgen.measures import _key
    from briefgen.style import DEFAULT_STYLE, HouseStyle

    fitted = briefgen.build.plan_for(BriefSpec(**SPEC), briefgen.load_library())
    en, zh = fitted.briefs["en"], fitted.briefs["zh"]
    assert _key(en, DEFAULT_STYLE) == _key(en, DEFAULT_STYLE)
    assert _key(en, DEFAULT_STYLE) != _key(zh, DEFAULT_STYLE)
    assert _key(en, DEFAULT_STYLE) != _key(en, HouseStyle(paper="Letter"))

