"""Pages used well: no page but the last ends more than 15% short, the last page is no
stub, and heading levels never skip, in any format (the PDF outline nests as they do).

Fill is read from the finished PDF with pdftotext (tests/page_fill.py), as a reader
sees the page, not from the writer's own account; the fast tests take a few briefs
that once left pages short or ended on a stub, the slow one every brief of the matrix.
"""
from __future__ import annotations

import io
import itertools
import re

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import build
from briefgen.document import Heading, References
from briefgen.spec import AUDIENCES, LANGS, LENGTHS, BriefSpec
from briefgen.writers import render
from briefgen.writers.pdf import layout

import page_fill
from helpers import pdf_outline

#: (region, audience, length, lang): each once left a page short or a stub last page.
ONCE_WASTEFUL = [
    ("suqian", "government", "standard", "en"),   # page 3 ended 16% short (a heading group)
    ("suqian", "industry", "short", "zh"),        # page 1 ended 16% short
    ("zhengzhou", "research", "standard", "en"),
    ("hungary", "government", "full", "en"),      # two references alone on page 2
    ("anji", "government", "short", "zh"),        # the "cite as" line alone on page 2
]


def _regions():
    from briefgen.library import load_library

    return sorted(load_library().regions)


def waste(label: str, pdf: bytes) -> list[str]:
    fills = page_fill.pages(pdf)
    found = [f"{label}: page {n} of {len(fills)} ends {1 - fills[n - 1].fill:.0%} short"
             for n in page_fill.short_pages(fills)]
    if page_fill.is_stub(fills):
        found.append(f"{label}: the last page holds only {fills[-1].text[:80]!r}")
    return found


def skipped_levels(label: str, levels: list[int]) -> list[str]:
    """Each heading at most one level below the one before it (the first at the top)."""
    return [f"{label}: heading level {b} follows level {a}"
            for a, b in zip([0, *levels], levels) if b > a + 1]


def heading_problems(label: str, brief) -> list[str]:
    """Heading levels in every format, and the PDF outline against the headings."""
    found = skipped_levels(f"{label} (brief)", [b.level for b in brief.blocks if isinstance(b, Heading)])
    html = render(brief, "html").decode("utf8")
    found += skipped_levels(f"{label} (html)", [int(n) for n in re.findall(r"<h([1-6])[ >]", html)])
    md = render(brief, "md").decode("utf8").split("\n---\n", 1)[-1]   # after the YAML block
    found += skipped_levels(f"{label} (md)", [len(m) for m in re.findall(r"(?m)^(#{1,6}) ", md)])
    word = docx.Document(io.BytesIO(render(brief, "docx")))
    found += skipped_levels(f"{label} (docx)", [
        int(p.style.name.rsplit(" ", 1)[1]) for p in word.paragraphs
        if re.fullmatch(r"Heading [1-9]", p.style.name) and p.text.strip()])
    # The outline holds the headings (and the sources' title) at their own depth, in order.
    expected = []
    for block in brief.blocks:
        if isinstance(block, Heading):
            expected.append((block.level - 1, block.text))
        elif isinstance(block, References) and block.title:
            expected.append((0, block.title))
    outline = [(level, title) for level, title, _page in pdf_outline(PdfReader(io.BytesIO(render(brief, "pdf"))))]
    if outline != expected:
        found.append(f"{label} (pdf): outline {outline} does not nest as the headings {expected}")
    return found


@pytest.mark.parametrize("region,audience,length,lang", ONCE_WASTEFUL)
def test_no_page_is_wasted(library, region, audience, length, lang):
    brief = build(BriefSpec(region, audience=audience, length=length, lang=lang), [], library).brief
    assert waste(f"{region}/{audience}/{length}/{lang}", layout(brief).pdf) == []


def test_the_writer_measures_pages_as_a_reader_sees_them(library):
    # fit() trusts the writer's own page fills; they must agree with the finished file.
    brief = build(BriefSpec("suqian", length="full"), [], library).brief
    measured = layout(brief)
    seen = [p.fill for p in page_fill.pages(measured.pdf)]
    assert len(measured.page_fills) == len(seen) == measured.pages
    assert all(abs(a - b) < 0.05 for a, b in zip(measured.page_fills, seen)), (measured.page_fills, seen)


def test_a_stub_page_is_caught(library):
    # The checker itself, and copyfitting: a brief whose last page holds one line is
    # reported, and layout() sets it on one page fewer by closing up the space between blocks.
    from dataclasses import replace

    from briefgen.document import Paragraph, Text
    from briefgen.style import DEFAULT_STYLE
    from briefgen.writers import pdf

    base = build(BriefSpec("jinhua", length="short"), [], library).brief
    filler = Paragraph((Text("The comprehensive pilot zone files its figures each quarter."),))
    blocks = list(base.blocks[:2])
    while True:
        blocks.append(filler)
        brief = replace(base, blocks=tuple(blocks))
        ctx, out = pdf._render(brief, DEFAULT_STYLE)     # the usual spacing, no copyfitting
        if ctx.pages == 2:
            break
    assert any("last page holds only" in w for w in waste("synthetic", out.getvalue()))
    assert layout(brief).pages == 1


@pytest.mark.parametrize("region,lang", [("suqian", "en"), ("suqian", "zh"), ("ningbo", "en")])
def test_heading_levels_never_skip(library, region, lang):
    for length in ("standard", "full"):
        brief = build(BriefSpec(region, audience="research", length=length, lang=lang), [], library).brief
        assert heading_problems(f"{region}/{length}/{lang}", brief) == []


def test_a_skipped_level_is_caught():
    assert skipped_levels("x", [1, 2, 2, 1, 3]) == ["x: heading level 3 follows level 1"]
    assert skipped_levels("x", [2]) == ["x: heading level 2 follows level 0"]


@pytest.mark.slow
@pytest.mark.parametrize("region", _regions())
def test_every_brief_uses_its_pages_well(library, region):
    problems = []
    for audience, length, lang in itertools.product(AUDIENCES, LENGTHS, LANGS):
        label = f"{region}/{audience}/{length}/{lang}"
        brief = build(BriefSpec(region, audience=audience, length=length, lang=lang), [], library).brief
        problems += waste(label, layout(brief).pdf)
        if audience in ("government", "research"):     # the two section plans that differ most
            problems += heading_problems(label, brief)
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_brief_shorter_than_its_length_says_why(library, lang):
    # Jinhua: the sources record one practice there, and no problems or recommendations.
    spec = BriefSpec("jinhua", audience="government", length="standard", lang=lang)
    result = build(spec, ["pdf"], library)
    lines = [b for b in result.brief.blocks if "ends before its four pages" in plain_text(b)
             or "不足4页" in plain_text(b)]
    assert len(lines) == 1
    assert len(PdfReader(io.BytesIO(result.files["pdf"])).pages) < 4
    # The reason is the sources' own count, not a stock phrase.
    practices = len(library.cases_of("jinhua"))
    said = plain_text(lines[0])
    words = {1: "one", 2: "two", 3: "three"}
    assert (f"only {words[practices]} practice" in said) if lang == "en" else (f"仅记载{practices}项做法" in said)
    assert ("no problems or recommendations" in said) if lang == "en" else ("未记载金华的问题和建议" in said)


def test_a_brief_that_fills_its_length_says_nothing_of_it(library):
    result = build(BriefSpec("suqian", length="standard"), ["pdf"], library)
    assert len(PdfReader(io.BytesIO(result.files["pdf"])).pages) == 4
    assert "ends before its" not in result.brief.text()


def plain_text(block) -> str:
    from briefgen.document import Paragraph, plain

    return plain(block.inlines) if isinstance(block, Paragraph) else ""
