"""Length budgets: how much of each kind of content a plan of each length holds.

A short brief is two A4 pages, a standard one four, a full one up to twelve.
Fitting (briefgen/fit.py) starts from the budget for the length and shrinks it,
least important content first, until the brief fits in every language.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

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
    cases: int                # the benchmark's practices (or, in a thin brief, the region's own)
    practices: int            # situation briefs: a practice elsewhere beside each gap (0 or 1)
    own_cases: int            # the region's own practices
    context: int              # what the parent regions are advised to do, as context
    compact_cases: bool
    recommendations: int
    compact_recs: bool
    evidence_rows: int
    derived: int = 3          # figures worked out from the sources' (progress, shares, ratios)
    ahead: int = 1            # benchmark "where it is ahead" paragraphs per gap theme
    method: bool = False      # the method section (research briefs, full briefs)
    method_required: bool = False  # research briefs give it up only when nothing else is left
    profile: bool = True      # the region's profile in the opening paragraph
    missing: bool = True      # the "what the data does not yet show" section
    glossary: int = 8         # most terms the glossary defines (those the text uses)

    # What goes first when a brief is too long: detail before substance, and
    # never below the floors that make a brief worth reading.
    _SHRINK_STEPS = (("evidence_rows", 0), ("context", 1), ("own_cases", 1), ("strengths", 0), ("findings_per_theme", 1),
                     ("gap_themes", 3), ("cases", 2), ("compact_recs", True), ("recommendations", 5), ("glossary", 0),
                     ("table_rows", 5), ("derived", 1), ("context", 0), ("own_cases", 0), ("ahead", 0), ("gap_themes", 2),
                     ("method", False), ("recommendations", 4), ("cases", 1), ("compact_cases", True),
                     ("chart", False), ("practices", 0), ("profile", False), ("table_rows", 3), ("key_messages", 3),
                     ("missing", False), ("gap_themes", 1), ("recommendations", 3),
                     # last resorts, for a region whose every section has something to say
                     ("table_rows", 2), ("recommendations", 2), ("derived", 0), ("gap_themes", 0))

    #: The fields the writer reads (briefgen/write); the others only decide what a cut
    #: keeps, which the plan then holds itself.  Plans alike but for those others are
    #: written alike, so fitting writes them once (tests/test_fast_paths.py holds the
    #: writer to it).
    WRITTEN = ("pages", "method", "glossary", "profile", "missing", "compact_cases", "compact_recs")

    def as_written(self) -> tuple:
        """What of this budget a brief written from it can show."""
        return tuple(getattr(self, name) for name in self.WRITTEN)

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
                if name in _SUBSTANCE and self.glossary and self.pages <= PAGE_BUDGET["short"]:
                    # A two-page brief gives up its glossary before a recommendation, a gap
                    # or a row of figures; a longer one keeps it until the last resorts.
                    return replace(self, glossary=0)
                return replace(self, **{name: value - 1})
        if self.method:
            return replace(self, method=False)
        return self


#: What a brief is for; in a short brief the glossary goes before any of it.
_SUBSTANCE = frozenset({"key_messages", "table_rows", "gap_themes", "cases", "recommendations"})

_BUDGETS = {
    "short": Budget(pages=PAGE_BUDGET["short"], key_messages=4, table_rows=4, chart=False, gap_themes=2,
                    findings_per_theme=1, strengths=0, cases=2, practices=1, own_cases=0, context=0, compact_cases=True,
                    recommendations=5, compact_recs=True, evidence_rows=0, derived=1, glossary=4),
    "standard": Budget(pages=PAGE_BUDGET["standard"], key_messages=4, table_rows=7, chart=True, gap_themes=4,
                       findings_per_theme=2, strengths=0, cases=3, practices=1, own_cases=2, context=2, compact_cases=False,
                       recommendations=7, compact_recs=False, evidence_rows=8),
    "full": Budget(pages=PAGE_BUDGET["full"], key_messages=4, table_rows=14, chart=True, gap_themes=8,
                   findings_per_theme=3, strengths=6, cases=8, practices=1, own_cases=4, context=4, compact_cases=False,
                   recommendations=16, compact_recs=False, evidence_rows=30, derived=6, glossary=16),
}

def budget_for(length: str, audience: str = "government") -> Budget:
    """The starting budget: by length, with what each audience needs added."""
    budget = _BUDGETS[length]
    if audience == "research" or length == "full":
        budget = replace(budget, method=True, method_required=audience == "research")
    return budget


