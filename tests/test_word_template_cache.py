"""The prepared Word template kept in the user cache folder: the next process's first Word
brief starts from it, and a file that is damaged, foreign or open to others is never trusted.

Each test stands for new processes: the in-process templates are forgotten and the
user cache folder is the test's own, so only what is on disk carries over.
"""
from __future__ import annotations

import os
import sys
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest

import briefgen
import briefgen.build
from briefgen.library import load_library
from briefgen.spec import BriefSpec
from briefgen.style import DEFAULT_STYLE
from briefgen.writers.docx import render, template

SPEC = dict(region="suqian", length="short")


@pytest.fixture
def prepared(monkeypatch, tmp_path):
    """How many templates are made from python-docx, with a cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made = []
    real = template._make

    def counted(*args, **kwargs):
        made.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(template, "_make", counted)
    _new_process()
    yield made
    _new_process()


def _new_process() -> None:
    template._prepare.cache_clear()


def _files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("briefgen/word/*/*.bin"))


def _word(lang: str = "en") -> bytes:
    return briefgen.make_all(**SPEC, lang=lang, formats=("docx",))["docx"]


def test_the_next_process_starts_from_the_kept_template_and_writes_the_same_bytes(prepared, tmp_path):
    first = {lang: _word(lang) for lang in ("en", "zh")}
    assert prepared == ["en", "zh"]
    assert len(_files(tmp_path)) == 2
    prepared.clear()
    _new_process()
    again = {lang: _word(lang) for lang in ("en", "zh")}
    assert prepared == [], "both templates were in the cache folder"
    assert again == first


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped", "empty"])
def test_a_damaged_template_file_is_made_again_not_used(prepared, tmp_path, damage):
    first = _word()
    (path,) = _files(tmp_path)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "garbage": os.urandom(len(data)),
                      "flipped": data[:-40] + bytes(b ^ 0xFF for b in data[-40:]), "empty": b""}[damage])
    prepared.clear()
    _new_process()
    assert _word() == first
    assert prepared == ["en"], "the damaged file was not trusted"
    prepared.clear()
    _new_process()
    assert _word() == first
    assert prepared == [], "the file made again is whole"


def test_another_templates_file_under_this_ones_name_is_not_used(prepared, tmp_path):
    english = _word("en")
    chinese = _word("zh")
    en_file, zh_file = sorted(_files(tmp_path), key=lambda p: p.stat().st_mtime_ns)
    en_file.write_bytes(zh_file.read_bytes())       # a valid template, but the Chinese one
    prepared.clear()
    _new_process()
    assert _word("en") == english and _word("zh") == chinese
    assert prepared == ["en"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_template_file_others_may_write_is_not_read(prepared, tmp_path):
    first = _word()
    (path,) = _files(tmp_path)
    path.chmod(0o666)
    prepared.clear()
    _new_process()
    assert _word() == first
    assert prepared == ["en"]


def test_an_edited_reference_docx_is_prepared_again_in_the_next_process(prepared, tmp_path):
    """The reference document's own header text shows in the brief, before and after an edit."""
    import docx

    ref = tmp_path / "ref.docx"

    def save_reference(header: str) -> None:
        doc = docx.Document()
        doc.sections[0].header.paragraphs[0].text = header
        doc.save(str(ref))

    def header_of(data: bytes) -> str:
        with zipfile.ZipFile(BytesIO(data)) as z:
            return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))

    style = replace(DEFAULT_STYLE, reference_docx=ref)
    save_reference("Ministry header, first edition")
    brief = briefgen.build.build(BriefSpec("suqian", length="short"), ["md"], load_library(),
                                 style=style).brief
    assert "first edition" in header_of(render(brief, style))
    save_reference("Ministry header, second edition, longer")
    _new_process()
    assert "second edition" in header_of(render(brief, style))
    assert len(prepared) == 2
