"""plan(): decide a brief's argument once, for every language it will be written in.

A :class:`Plan` names records by id and gives each a role: the headline figure,
the gaps theme by theme, the lessons, the numbered recommendations.  It holds no
words; write/ turns one plan into one language, so the English and the Chinese
brief of one spec carry the same argument, rows, cases and recommendations.

:func:`argue` ranks everything the sources support for the spec (the
:class:`Argument`); :meth:`Argument.cut` takes as much of it as a length budget
allows.  Fitting (briefgen/fit.py) shrinks the budget until every language fits.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..library import Library
from ..library.model import Case
from ..spec import BriefSpec
from . import rules
from .budget import Budget, budget_for
from .derived import Derived, derive
from .figures import ChartPlan, ComparisonRow, FactRow, chart_plan, comparison_table
from .rules import BenchmarkChoice

__all__ = ["Plan", "Argument", "argue", "GapPlan", "Question", "BenchmarkChoice", "Budget"]


@dataclass(frozen=True)
class GapPlan:
    """One gap theme: the problems recorded, and what answers them."""

    theme: str
    findings: tuple[str, ...]          # problem finding ids, for this region
    ahead: tuple[str, ...] = ()        # the benchmark's strengths on the theme
    practice: str | None = None        # a case elsewhere that answers it (situation briefs)


@dataclass(frozen=True)
class Question:
    """An open question for researchers: a theme, the evidence on it, the figures there are."""

    theme: str
    evidence: tuple[str, ...]          # finding ids
    figures: tuple[str, ...]           # indicator ids on the theme


@dataclass(frozen=True)
class Plan:
    spec: BriefSpec                    # resolved: canonical ids, the benchmark used
    benchmark: BenchmarkChoice
    #: "benchmark" (lessons from a region the sources support), "situation" (gaps,
    #: practices chosen gap by gap) or "thin" (the sources record no problems).
    shape: str
    budget: Budget
    gaps: tuple[str, ...]              # every gap theme, worst first
    strength_themes: tuple[str, ...]
    headline: str | None               # key message 1: a finding, with a figure if any has one
    lesson: str | None                 # key message 3: a case id
    gap_sections: tuple[GapPlan, ...]
    strengths: tuple[str, ...]         # finding ids
    table: tuple[ComparisonRow, ...]
    #: Facts that are not amounts on which the table compares the two regions.
    table_facts: tuple[FactRow, ...]
    #: The benchmark whose figures stand in the table: None unless two or more rows
    #: give both regions a comparable figure or fact (a table compares, or it is a profile).
    table_benchmark: str | None
    chart: ChartPlan | None
    derived: tuple[Derived, ...]       # figures worked out from the stored ones, with their inputs
    lessons: tuple[str, ...]           # the benchmark's case ids
    own_practices: tuple[str, ...]     # the region's own case ids
    recommendations: tuple[str, ...]   # numbered, addressed to this region and reader
    parent_plans: tuple[str, ...]      # recommendations to parent regions, as context
    questions: tuple[Question, ...]    # research briefs
    missing: tuple[str, ...]           # gap themes the sources give no figure for
    evidence: tuple[str, ...]          # research evidence table: finding ids
    known: tuple[str, ...]             # thin briefs: what the sources record
    new_items: tuple[str, ...] | None  # "what's new" ids, None when not asked for
    key_messages: int
    #: Set by fitting when the plan holds everything the sources support and the brief
    #: still ends a page or more before its length: the brief then says why (ran_out).
    shorter: bool = False

    def ran_out(self) -> dict[str, int]:
        """What the sources hold too little of to fill the length: each kind of content
        ("problems", "practices", and outside research briefs "recommendations") of which the plan holds
        fewer than its budget allows, so holds all there is, and how many.  (Figures are
        not counted: table 1 keeps one row per measure, so its rows are not all there is.)"""
        budget, research = self.budget, self.spec.audience == "research"
        problems = sum(len(g.findings) for g in self.gap_sections)
        own_cap = budget.cases if self.shape == "thin" else budget.own_cases
        held = {
            "problems": (problems, len(self.gaps) < budget.gap_themes
                         and all(len(g.findings) < budget.findings_per_theme for g in self.gap_sections)),
            "practices": (len(self.lessons) + len(self.own_practices),
                          len(self.lessons) < budget.cases and len(self.own_practices) < own_cap),
        }
        if not research:
            # A research brief's open questions are briefgen's, drawn from the problems: the
            # line says what the sources hold, so it counts only what they record.
            held["recommendations"] = (len(self.recommendations),
                                       len(self.recommendations) < budget.recommendations)
        return {kind: n for kind, (n, below) in held.items() if below}

    @property
    def first_step(self) -> str | None:
        """Recommendation 1: the first step, the earliest horizon."""
        return self.recommendations[0] if self.recommendations else None


@dataclass(frozen=True)
class Argument:
    """Everything the sources support for one spec, ranked; cut to a budget by :meth:`cut`."""

    spec: BriefSpec
    library: Library
    choice: BenchmarkChoice
    shape: str
    gaps: tuple[str, ...]
    strength_themes: tuple[str, ...]
    budget: Budget                     # the starting budget for the spec's length and audience
    recommendations: tuple[str, ...]
    lessons: tuple[Case, ...]
    practices: dict[str, str]          # gap theme -> a case elsewhere that answers it
    own: tuple[Case, ...]

    def cut(self, budget: Budget) -> Plan:
        lib, spec, region = self.library, self.spec, self.spec.region
        gaps = list(self.gaps)
        headline = _headline(lib, region)
        lesson = self._lesson()
        sections = []
        for theme in gaps[: budget.gap_themes]:
            found = rules.findings_for(lib, region, ("problem",), theme)[: budget.findings_per_theme]
            ahead = ()
            if self.choice.region:
                ahead = tuple(f.id for f in rules.findings_for(lib, self.choice.region, ("strength", "result"),
                                                               theme)[: budget.ahead])
            practice = self.practices.get(theme) if budget.practices and self.shape == "situation" else None
            sections.append(GapPlan(theme, tuple(f.id for f in found), ahead, practice))
        strengths = [f.id for f in rules.findings_for(lib, region, ("strength", "trend", "result"))
                     if f.id != headline][: budget.strengths]
        known = ()
        if self.shape == "thin":
            known = tuple(f.id for f in rules.findings_for(lib, region, ("strength", "result", "trend", "context"))
                          if f.id != headline)[: max(budget.strengths, budget.gap_themes + 1)]
            strengths = []
        lessons = tuple(c.id for c in self.lessons[: budget.cases])
        own_n = budget.cases if self.shape == "thin" else budget.own_cases
        own = tuple(c.id for c in self.own[:own_n])
        recs = self.recommendations[: budget.recommendations] if spec.audience != "research" else ()
        parents = ()
        if budget.context and self.shape != "thin" and spec.audience == "government":
            # What the province or the nation is advised to do frames a local authority's
            # own levers; firms and colleges are not its addressees.
            parents = tuple(r.id for r in rules.parent_plans(lib, region, spec.audience, gaps)[: budget.context])
        questions = tuple(_question(lib, region, t) for t in (gaps or list(self.strength_themes))
                          [: budget.recommendations]) if spec.audience == "research" else ()
        covered = {i.theme for i in lib.indicators_of(region)}
        missing = tuple(t for t in gaps[: max(budget.gap_themes, 3)] if t not in covered) if budget.missing else ()
        evidence = ()
        if budget.method and spec.audience == "research":
            evidence = tuple(f.id for f in rules.findings_for(
                lib, region, ("problem", "strength", "result", "trend", "context")))[: budget.evidence_rows]
        rows, facts = comparison_table(lib, region, self.choice.region, budget.table_rows)
        table_benchmark = self.choice.region
        if sum(1 for row in rows if row.region and row.benchmark) + len(facts) < 2:
            rows, facts = comparison_table(lib, region, None, budget.table_rows)
            table_benchmark = None
        table, table_facts = tuple(rows), tuple(facts)
        chart = chart_plan(lib, region, self.choice.region) if budget.chart else None
        derived = tuple(derive(lib, region, table_benchmark, budget.derived)) if table else ()
        new = None
        if spec.new_since is not None:
            new = tuple(i for i in spec.new_since if i in lib.indicators or i in lib.cases)
        return Plan(spec=spec, benchmark=self.choice, shape=self.shape, budget=budget, gaps=self.gaps,
                    strength_themes=self.strength_themes, headline=headline,
                    lesson=lesson if budget.key_messages >= 4 else None,
                    gap_sections=tuple(sections), strengths=tuple(strengths), table=table, table_facts=table_facts,
                    table_benchmark=table_benchmark, chart=chart, derived=derived,
                    lessons=lessons, own_practices=own, recommendations=recs, parent_plans=parents,
                    questions=questions, missing=missing, evidence=evidence, known=known, new_items=new,
                    key_messages=budget.key_messages)

    def _lesson(self) -> str | None:
        """The practice key message 3 draws on: the benchmark's case on the worst gap,
        or, without a benchmark, the practice elsewhere that answers the worst gap.
        "Shows what answers it" needs an outcome: a practice whose result no source
        reports is described in the body, never made a key message."""
        if self.lessons:
            return next((c.id for c in self.lessons if rules.reports_result(c)), None)
        for theme in self.gaps:
            if theme in self.practices and rules.reports_result(self.library.cases[self.practices[theme]]):
                return self.practices[theme]
        return None


def _headline(lib: Library, region: str) -> str | None:
    """The finding that says where the region stands, one with a figure if there is one."""
    found = rules.findings_for(lib, region, ("strength", "trend", "result", "context"))
    with_figures = [f for f in found if f.indicators]
    best = (with_figures or found or [None])[0]
    return best.id if best else None


def _question(lib: Library, region: str, theme: str) -> Question:
    evidence = tuple(f.id for f in rules.findings_for(lib, region, ("problem", "strength", "result", "trend",
                                                                     "context"), theme))
    figures = tuple(i.id for i in rules.indicators_for(lib, region) if i.theme == theme)
    return Question(theme, evidence, figures)


def argue(spec: BriefSpec, library: Library) -> Argument:
    """Rank everything the sources support for ``spec`` (resolved against ``library``)."""
    spec = spec.resolve(library)
    region = spec.region
    gaps = rules.gap_themes(library, region, spec.audience)
    if spec.audience == "education" and "talent-education" in gaps:
        gaps.remove("talent-education")
        gaps.insert(0, "talent-education")
    choice = rules.choose_benchmark(library, region, spec.audience, spec.benchmark)
    spec = replace(spec, benchmark=choice.region)
    shape = "benchmark" if choice.region else ("situation" if gaps else "thin")
    recs = tuple(r.id for r in rules.recommendations_for(library, region, spec.audience, gaps))
    lessons: tuple[Case, ...] = ()
    if choice.region:
        lessons = tuple(_distinct(c for c in rules.own_cases(library, choice.region, gaps)
                                  if set(c.themes) & set(gaps) or choice.chosen_by == "user"))
    practices = _practices(library, region, gaps) if shape == "situation" else {}
    own = tuple(_distinct(rules.own_cases(library, region, gaps or rules.strength_themes(library, region))))
    return Argument(spec, library, choice, shape, tuple(gaps), tuple(rules.strength_themes(library, region)),
                    budget_for(spec.length, spec.audience), recs, lessons, practices, own)


def _distinct(cases) -> list[Case]:
    """One case per actor: one firm's programme is one practice, however many records it has."""
    out, actors = [], set()
    for c in cases:
        if c.actor_en in actors:
            continue
        actors.add(c.actor_en)
        out.append(c)
    return out


def _practices(lib: Library, region: str, gaps: list[str]) -> dict[str, str]:
    """For each gap, one practice elsewhere that the sources link to this region: from a
    place its own sources learn from, from one of its own sub-regions, or recorded in the
    same source (article) as the gap itself.  A case that merely shares a theme is not
    enough; never the same practice (or the same actor) twice."""
    learned = {r.benchmark for r in lib.recommendations_of(region) if r.benchmark}
    below = rules.descendants(lib, region)
    above = set(rules.ancestors(lib, region))

    chosen: dict[str, str] = {}
    used_actors: set[str] = set()
    for theme in gaps:
        # The same article, not merely the same newspaper page (seed 000 holds three).
        documents = {f.source for f in rules.findings_for(lib, region, ("problem",), theme)}

        def rank(c: Case) -> tuple | None:
            link = (0 if c.region in learned else 1 if c.region in below
                    else 2 if c.source in documents else None)
            return None if link is None else (link, -len(c.indicators), c.id)

        pool = sorted(((rank(c), c) for c in lib.cases_on(theme)
                       if theme in c.themes and c.region not in above and rank(c) is not None
                       and lib.regions[c.region].level in rules.KIND_GROUPS and rules.practice_fits(lib, c, region)),
                      key=lambda rc: rc[0])
        for _, c in pool:
            if c.id not in chosen.values() and c.actor_en not in used_actors:
                chosen[theme] = c.id
                used_actors.add(c.actor_en)
                break
    return chosen
