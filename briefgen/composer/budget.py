"""Length budgets: how much of each kind of content a brief of each length holds.

A short brief is two A4 pages, a standard one four, a full one up to twelve.
compose() starts from the budget for the length, estimates the pages the result
fills, and shrinks the budget (least important content first) until it fits.
The estimate is calibrated against the real layout and is right to within about
a third of a page; near the budget compose() measures the real PDF, and the
page-budget test renders every region x audience x length x language.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass, replace

from ..document import (Brief, BulletList, Callout, Figure, Heading, NumberedList, Paragraph,
                        References, Table, TableOfContents, plain)
from ..spec import PAGE_BUDGET


@dataclass(frozen=True)
class Budget:
    pages: int
    key_messages: int
    table_rows: int
    chart: bool
    gap_themes: int
    findings_per_theme: int
    strengths: int
    cases: int
    other_cases: int
    compact_cases: bool
    recommendations: int
    compact_recs: bool
    evidence_rows: int
    ahead: int = 1            # benchmark "where it is ahead" paragraphs per gap theme
    method: bool = False      # the method section (research briefs, full briefs)
    method_required: bool = False  # research briefs give it up only when nothing else is left
    profile: bool = True      # the region's profile in the opening paragraph
    missing: bool = True      # the "what the data does not yet show" section
    ref_detail: bool = True   # source list entries name the source text file

    # What goes first when a brief is too long: detail before substance, and
    # never below the floors that make a brief worth reading.
    _SHRINK_STEPS = (("evidence_rows", 0), ("other_cases", 0), ("strengths", 0), ("findings_per_theme", 1),
                     ("gap_themes", 3), ("cases", 2), ("compact_recs", True), ("recommendations", 5),
                     ("table_rows", 5), ("key_messages", 4), ("ahead", 0), ("gap_themes", 2),
                     ("method", False), ("recommendations", 4), ("cases", 1), ("compact_cases", True),
                     ("chart", False), ("profile", False), ("table_rows", 3), ("key_messages", 3),
                     ("missing", False), ("ref_detail", False), ("gap_themes", 1), ("recommendations", 3),
                     # last resorts, for a region whose every section has something to say
                     ("table_rows", 2), ("recommendations", 2))

    def can_shrink(self) -> bool:
        return self.shrink() != self

    def shrink(self) -> "Budget":
        """The next smaller budget: one step down the first item still above its floor."""
        for name, floor in self._SHRINK_STEPS:
            if name == "method" and self.method_required:
                continue
            value = getattr(self, name)
            if isinstance(floor, bool):
                if value != floor:
                    return replace(self, **{name: floor})
            elif value > floor:
                return replace(self, **{name: value - 1})
        if self.method:
            return replace(self, method=False)
        return self


_BUDGETS = {
    "short": Budget(pages=PAGE_BUDGET["short"], key_messages=3, table_rows=4, chart=False, gap_themes=2,
                    findings_per_theme=1, strengths=0, cases=2, other_cases=0, compact_cases=True,
                    recommendations=5, compact_recs=True, evidence_rows=0),
    "standard": Budget(pages=PAGE_BUDGET["standard"], key_messages=4, table_rows=7, chart=True, gap_themes=4,
                       findings_per_theme=2, strengths=0, cases=3, other_cases=0, compact_cases=False,
                       recommendations=7, compact_recs=False, evidence_rows=8),
    "full": Budget(pages=PAGE_BUDGET["full"], key_messages=5, table_rows=14, chart=True, gap_themes=8,
                   findings_per_theme=3, strengths=6, cases=8, other_cases=4, compact_cases=False,
                   recommendations=16, compact_recs=False, evidence_rows=30),
}

#: Aim this far inside the budget, and lay out the real PDF to count its pages unless
#: the estimate is at least CERTAIN_PAGES inside it.  Over every built-in brief near
#: its budget the real layout ran at most 0.31 page past the calibrated estimate
#: (benchmarks/calibrate.py prints the spread; tests/test_matrix.py checks every
#: brief against its real PDF), so only briefs within that margin are measured.
SAFETY_PAGES = 0.05
CERTAIN_PAGES = 0.35


def budget_for(length: str, audience: str = "government") -> Budget:
    """The starting budget: by length, with what each audience needs added."""
    budget = _BUDGETS[length]
    if audience == "education":
        # Colleges learn from practice anywhere, not just the benchmark's.
        budget = replace(budget, other_cases=budget.other_cases + (1 if length == "short" else 2))
    if audience == "research" or length == "full":
        budget = replace(budget, method=True, method_required=audience == "research")
    # The source text file names matter to researchers; others need the citation only.
    return replace(budget, ref_detail=audience == "research" or length == "full")


# ---------------------------------------------------------------- page estimate
# Units: a Latin character is about 1.1 units wide, a Chinese one 2; a line of
# body text holds about LINE_UNITS units and a page about PAGE_LINES lines.
LINE_UNITS = 88
PAGE_LINES = 50


@functools.lru_cache(maxsize=8192)
def _width(text: str) -> float:
    # Cached: each shrink step re-estimates a brief whose text is mostly unchanged,
    # and the per-character lookup was a third of a warm brief's compose time.
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _lines(text: str, share: float = 1.0) -> int:
    return max(1, math.ceil(_width(text) / (LINE_UNITS * share)))


#: How far each kind of block's raw line count is from the real layout, by language:
#: fitted by least squares over every built-in brief near its budget, against the
#: pages the PDF writer really fills (``python benchmarks/calibrate.py`` refits and
#: prints these).  The raw counts alone overestimated English by up to two pages,
#: which made briefs give up content they had room for.
LINE_WEIGHTS = {
    "en": {"title": 0.69, "heading": 1.27, "para": 0.82, "list": 0.89, "callout": 1.07,
           "table": 0.75, "figure": 1.11, "refs": 0.88, "toc": 1.0},
    "zh": {"title": 0.83, "heading": 0.69, "para": 1.03, "list": 1.08, "callout": 1.37,
           "table": 0.83, "figure": 0.96, "refs": 0.76, "toc": 1.0},
}


def raw_lines(brief: Brief) -> dict[str, float]:
    """Body-text lines each kind of block would take at face value."""
    lines = dict.fromkeys(LINE_WEIGHTS["en"], 0.0)
    lines["title"] = 9.0 + _lines(brief.meta.title, 0.5) * 2
    for block in brief.blocks:
        if isinstance(block, Heading):
            lines["heading"] += {1: 3.0, 2: 2.2, 3: 1.8}[block.level] + _lines(block.text) - 1
        elif isinstance(block, Paragraph):
            lines["para"] += _lines(plain(block.inlines)) * (0.9 if block.role == "note" else 1.0) + 0.7
        elif isinstance(block, (BulletList, NumberedList)):
            lines["list"] += sum(_lines(plain(item), 0.93) + 0.4 for item in block.items) + 0.6
        elif isinstance(block, Callout):
            lines["callout"] += 3.0 + sum(_lines(plain(item), 0.88) + 0.5 for item in block.items)
        elif isinstance(block, Table):
            widths = block.widths or (1.0,) * len(block.header)
            total = sum(widths)
            lines["table"] += 3.5 + _lines(plain(block.note)) * 0.9
            for row in block.rows:
                lines["table"] += 0.6 + max(_lines(plain(cell), w / total * 0.92) for cell, w in zip(row, widths))
        elif isinstance(block, Figure):
            lines["figure"] += 4.0 + 3.2 * len(block.chart.bars) + 5
        elif isinstance(block, References):
            lines["refs"] += 3.0 + sum(_lines(f"[{r.number}] {r.text}", 0.95) * 0.85 + 0.3 for r in block.items)
        elif isinstance(block, TableOfContents):
            lines["toc"] += 3.0 + sum(1 for b in brief.blocks if isinstance(b, Heading) and b.level == 1)
    return lines


def estimate_pages(brief: Brief, lang: str) -> float:
    """About how many A4 pages the brief fills (title block included)."""
    weights = LINE_WEIGHTS["zh" if lang == "zh" else "en"]
    return sum(weights[kind] * n for kind, n in raw_lines(brief).items()) / PAGE_LINES
