"""The shortcuts taken for speed give the same briefs as the long way round.

Fitting a brief measures its PDF; when no PDF is wanted the pages are only laid out
and counted.  The PDF writer takes each font's coverage from reportlab's own cmap
instead of reading the file again.  The batch manifest is written one entry a line.
None of this may change what a reader gets.
"""
from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

import briefgen
import briefgen.build
from briefgen.build import plan_for
from briefgen.spec import BriefSpec
from briefgen.writers.pdf import layout, render


@pytest.mark.parametrize("region,length,lang", [("suqian", "standard", "en"), ("baoding", "short", "zh")])
def test_word_file_is_the_same_with_or_without_a_pdf(region, length, lang):
    # Both briefs come near their page budget, so fitting them measures the layout:
    # once by rendering the PDF that is kept, once by counting pages only.
    # No cache of any kind: each brief is fitted afresh, with its own kind of layout.
    briefgen.build._fitted.clear()
    assert plan_for(BriefSpec(region, length=length, lang=lang), briefgen.load_library(), cache=False).measured
    briefgen.build._fitted.clear()
    alone = briefgen.make_all(region, length=length, lang=lang, formats=("docx",), cache=False)
    briefgen.build._fitted.clear()
    with_pdf = briefgen.make_all(region, length=length, lang=lang, formats=("pdf", "docx"), cache=False)
    assert alone["docx"] == with_pdf["docx"]


@pytest.mark.parametrize("region,length,lang", [("suqian", "full", "en"), ("ningbo", "standard", "zh"),
                                                ("zhengzhou", "short", "en")])
def test_counting_pages_agrees_with_the_rendered_pdf(library, region, length, lang):
    brief = plan_for(BriefSpec(region, length=length, lang=lang), library).briefs[lang]
    pages = len(PdfReader(io.BytesIO(render(brief))).pages)
    measured = layout(brief, draw=False)
    assert measured.pages == pages
    assert measured.filled == layout(brief).filled
    assert pages - 1 < measured.filled <= pages


def test_coverage_taken_from_reportlab_matches_the_font_files():
    from fontTools.ttLib import TTFont

    from briefgen.fonts import Family, coverage, font_set, settable
    from briefgen.writers.pdf import _faces

    faces = _faces(None, None)
    fonts = font_set()
    for font in (fonts.latin.regular, fonts.cjk.regular):
        faces.name(Family.single(font))     # registers the face and records its coverage
        cmap = TTFont(str(font.path), fontNumber=font.index, lazy=True).getBestCmap()
        # ... less what reportlab cannot set right from any font (fonts.settable: U+200F here).
        assert coverage(font) == frozenset(cp for cp in cmap if settable(cp))


def test_manifest_is_json_with_one_file_a_line(tmp_path):
    plan = {"edition": "e", "briefs": [{"regions": ["suqian"], "lengths": ["short"],
                                        "audiences": ["government", "industry"], "formats": ["md"]}]}
    report = briefgen.batch(plan, tmp_path, jobs=1)
    text = report.manifest.read_text(encoding="utf-8")
    data = json.loads(text)
    assert len(data["files"]) == 2
    lines = text.splitlines()
    for entry in data["files"]:
        assert "    " + json.dumps(entry, ensure_ascii=False) in {line.rstrip(",") for line in lines}


def test_a_chinese_brief_is_the_same_whether_or_not_its_english_sibling_came_first():
    # Both languages are written from one fitted plan; the plan's spec is the first
    # language asked for, and once leaked into the other's identifier (dc:identifier).
    briefgen.build._fitted.clear()
    alone = briefgen.make_all("suqian", length="standard", lang="zh", formats=("docx",))["docx"]
    briefgen.build._fitted.clear()
    briefgen.make_all("suqian", length="standard", lang="en", formats=("docx",))
    after_english = briefgen.make_all("suqian", length="standard", lang="zh", formats=("docx",))["docx"]
    assert after_english == alone
    import zipfile

    core = zipfile.ZipFile(io.BytesIO(alone)).read("docProps/core.xml").decode()
    assert "_zh</dc:identifier>" in core
