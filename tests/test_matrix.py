"""Every region gets a sensible brief for every audience, length and language.

The sweep renders each brief as PDF and checks what a reader would notice: the
page budget, no heading standing empty, every citation mark resolving to a
source, a title that names the region, and no plan that gave up content while its
longer language edition left half a page or more of its budget empty.
"""
from __future__ import annotations

import io
import itertools

import pytest
from pypdf import PdfReader

from briefgen.build import build
from briefgen.plan import argue
from briefgen.document import Heading, References, Table
from briefgen.spec import AUDIENCES, LANGS, LENGTHS, PAGE_BUDGET, BriefSpec
from briefgen.writers.pdf import layout

from test_compose import citations


def _regions():
    from briefgen.library import load_library

    return sorted(load_library().regions)


@pytest.mark.slow
@pytest.mark.parametrize("region", _regions())
def test_every_brief_of_a_region(library, region):
    problems = []
    has_problems = any(f.region == region and f.kind == "problem" for f in library.findings.values())
    filled: dict[tuple, list[float]] = {}
    for audience, length, lang in itertools.product(AUDIENCES, LENGTHS, LANGS):
        label = f"{region}/{audience}/{length}/{lang}"
        spec = BriefSpec(region, audience=audience, length=length, lang=lang)
        result = build(spec, [], library)
        brief = result.brief
        name = library.regions[region].name(lang)
        if name not in brief.meta.title:
            problems.append(f"{label}: title {brief.meta.title!r} does not name the region")
        blocks = list(brief.blocks)
        for i, block in enumerate(blocks):
            if isinstance(block, Heading):
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if nxt is None or (isinstance(nxt, Heading) and nxt.level <= block.level) \
                        or isinstance(nxt, References):
                    problems.append(f"{label}: heading {block.text!r} stands empty")
        if any(isinstance(b, Table) and not b.rows for b in blocks):
            problems.append(f"{label}: a table with no rows")
        if has_problems and ("record no specific problems" in brief.text() or "未具体指出" in brief.text()):
            problems.append(f"{label}: says the sources record no problems, but they do")
        refs = {r.number for b in blocks if isinstance(b, References) for r in b.items}
        unresolved = {c.number for c in citations(brief)} - refs
        if unresolved:
            problems.append(f"{label}: citation marks {sorted(unresolved)} resolve to no source")
        measured = layout(brief)
        pages = len(PdfReader(io.BytesIO(measured.pdf)).pages)
        if pages > PAGE_BUDGET[length]:
            problems.append(f"{label}: {pages} pages, over the {PAGE_BUDGET[length]}-page budget")
        if result.plan.budget != argue(spec, library).budget:
            filled.setdefault((audience, length), []).append(measured.filled)
    # Both languages carry one plan, so the longer edition decides how much it holds.
    for (audience, length), fills in filled.items():
        if max(fills) < PAGE_BUDGET[length] - 0.5:
            problems.append(f"{region}/{audience}/{length}: content was cut, yet only {max(fills):.2f} of "
                            f"{PAGE_BUDGET[length]} pages are used in the longer edition")
    assert problems == []


def test_full_is_longer_than_standard_for_a_rich_region(library):
    pages = {}
    for length in ("standard", "full"):
        brief = build(BriefSpec("ningbo", length=length), [], library).brief
        pages[length] = len(PdfReader(io.BytesIO(layout(brief).pdf)).pages)
    assert pages["full"] > pages["standard"]
