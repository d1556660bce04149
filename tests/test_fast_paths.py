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


@pytest.mark.parametrize("region,audience,length", [("suqian", "government", "standard"),
                                                    ("baoding", "research", "full"),
                                                    ("anji", "education", "short")])
def test_the_writer_reads_of_a_budget_only_what_fitting_tells_apart(library, region, audience, length):
    # Fitting writes two plans alike but for budget fields outside Budget.WRITTEN once
    # (fit.py): a writer that read such a field would then print another budget's brief.
    from dataclasses import fields, replace

    from briefgen.plan import argue
    from briefgen.plan.budget import Budget
    from briefgen.write import write

    argument = argue(BriefSpec(region, audience=audience, length=length), library)
    chain = [argument.budget]
    while chain[-1].can_shrink():
        chain.append(chain[-1].shrink())
    cut_only = [f.name for f in fields(Budget) if f.name not in Budget.WRITTEN]
    for budget in chain[:: max(1, len(chain) // 6)]:
        plan = argument.cut(budget)
        other = replace(budget, **{name: getattr(chain[-1] if budget != chain[-1] else chain[0], name)
                                   for name in cut_only})
        for lang in ("en", "zh"):
            assert write(replace(plan, budget=other), lang, library) == write(plan, lang, library)


def test_a_pdf_is_the_same_whether_its_paragraphs_were_parsed_before_or_not(library):
    # The PDF writer keeps each paragraph's parsed markup (lines.py); a brief laid out
    # after others share its headings and citations must be the same file.
    from briefgen.writers.pdf import lines

    briefs = [plan_for(BriefSpec(region, lang=lang), library).briefs[lang]
              for region, lang in (("ningbo", "zh"), ("suqian", "en"), ("cixi", "zh"))]
    lines._PARSED.clear()
    fresh = [render(brief) for brief in briefs]
    assert lines._PARSED          # the cache was filled, so the second round reads it
    assert [render(brief) for brief in reversed(briefs)] == fresh[::-1]
