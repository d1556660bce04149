"""Selection rules: which benchmark, which gaps, which cases and recommendations.

Everything here is plain ranking over the library; no wording (that is the
templates') and no layout (that is the writers').  The rules are documented in
the README ("How briefgen chooses"), so change both together.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..library import Library
from ..library.model import Case, Finding, Indicator, Recommendation

#: Which actors each audience can move; recommendations for those actors rank first.
AUDIENCE_ACTORS = {
    "government": ("government",),
    "industry": ("enterprises", "associations", "platforms"),
    "education": ("colleges",),
    "research": ("research", "government"),
}

#: Themes each audience cares about most (ties in gap ranking break towards these).
AUDIENCE_THEMES = {
    "government": ("policy-institutions", "platforms-zones", "logistics-supply-chain"),
    "industry": ("brands", "technology-data", "logistics-supply-chain", "platforms-zones"),
    "education": ("talent-education",),
    "research": (),
}

#: Regions that are not meaningful benchmarks for a city or province.
NOT_BENCHMARKS = {"bloc", "country"}


@dataclass(frozen=True)
class BenchmarkChoice:
    region: str | None
    #: Gap themes of the region that the benchmark's practices address, best first.
    themes: tuple[str, ...]
    cases: int
    learned: int           # recommendations the sources explicitly learn from this benchmark
    chosen_by: str          # "user" | "rule" | "none"


def ancestors(lib: Library, rid: str) -> list[str]:
    out, seen = [], set()
    parent = lib.regions[rid].parent
    while parent and parent not in seen and parent in lib.regions:
        out.append(parent)
        seen.add(parent)
        parent = lib.regions[parent].parent
    return out


def descendants(lib: Library, rid: str) -> set[str]:
    out: set[str] = set()
    frontier = {rid}
    while frontier:
        nxt = {c for rid in frontier for c in lib.children_of(rid) if c not in out}
        out |= nxt
        frontier = nxt
    return out


def gap_themes(lib: Library, region: str, audience: str) -> list[str]:
    """The region's themes ranked by how much the sources say is wrong there.

    Problems weigh by priority (a headline problem counts 3, a detail 1);
    recommendations addressed to the region add weight to their themes, since a
    source recommends where it sees a gap.  Audience themes break ties."""
    score: Counter[str] = Counter()
    for f in lib.findings_of(region, ("problem",)):
        score[f.theme] += 4 - f.priority
    for r in lib.recommendations_of(region):
        for t in r.themes:
            score[t] += 1
    favoured = AUDIENCE_THEMES.get(audience, ())
    return sorted(score, key=lambda t: (-score[t], t not in favoured, t))


def choose_benchmark(lib: Library, region: str, audience: str, requested: str | None) -> BenchmarkChoice:
    """The region whose practices best answer ``region``'s gaps (README: "How briefgen chooses").

    Score of a candidate = 3 x recommendations for ``region`` that the sources
    learn from it + its cases on the region's gap themes + its strengths there.
    Candidates exclude the region itself, its parents and children, and countries
    and blocs.  A score under 3 means no fitting benchmark: a situation brief."""
    gaps = gap_themes(lib, region, audience)
    gap_set = set(gaps)

    # The indexes give each candidate's evidence directly: the recommendations for the
    # region that name a benchmark, which gap themes a region has cases or strengths on,
    # and its cases' themes.  A region with none of these scores 0 and is never looked at.
    learned: Counter[str] = Counter(r.benchmark for r in lib.recommendations_of(region) if r.benchmark)
    themes: dict[str, set[str]] = {}
    for gap in gaps:
        for rid in lib.regions_with_cases_on(gap):
            themes.setdefault(rid, set()).add(gap)
        for f in lib.findings_on(gap):
            if f.kind in ("strength", "result"):
                themes.setdefault(f.region, set()).add(gap)

    def n_cases(candidate: str) -> int:
        return sum(1 for case_themes in lib.case_themes_of(candidate) if not gap_set.isdisjoint(case_themes))

    def evidence(candidate: str) -> tuple[int, int, list[str]]:
        ordered = sorted(themes.get(candidate, ()), key=lambda t: (gaps.index(t), t))
        return learned[candidate], n_cases(candidate), ordered

    if requested:
        found_learned, found_cases, found_themes = evidence(requested)
        return BenchmarkChoice(requested, tuple(found_themes), found_cases, found_learned, "user")

    excluded = {region, *ancestors(lib, region), *descendants(lib, region)}
    best: tuple[int, str] | None = None
    # A region with a case on a gap theme has that theme among its themes, so every
    # region with any evidence is in learned or themes.
    for cand in sorted({*learned, *themes}):
        if cand in excluded or cand not in lib.regions or lib.regions[cand].level in NOT_BENCHMARKS:
            continue
        score = 3 * learned[cand] + n_cases(cand) + len(themes.get(cand, ()))
        if score >= 3 and (best is None or score > best[0]):
            best = (score, cand)
    if best is None:
        return BenchmarkChoice(None, (), 0, 0, "none")
    found_learned, found_cases, found_themes = evidence(best[1])
    return BenchmarkChoice(best[1], tuple(found_themes), found_cases, found_learned, "rule")


def findings_for(lib: Library, region: str, kinds: tuple[str, ...], theme: str | None = None) -> list[Finding]:
    return lib.findings_of(region, kinds, theme)     # by (priority, id)


def cases_for(lib: Library, region: str, themes: list[str]) -> list[Case]:
    """The region's cases, those on the earliest-ranked themes first."""
    rank = {t: i for i, t in enumerate(themes)}

    def key(c: Case) -> tuple:
        best = min((rank.get(t, 99) for t in c.themes), default=99)
        return (best, -len(c.indicators), c.id)

    return sorted(lib.cases_of(region), key=key)


def recommendations_for(lib: Library, region: str, benchmark: str | None, audience: str,
                        themes: list[str]) -> list[Recommendation]:
    """Recommendations a reader in ``audience`` can act on, best first.

    Eligible: those addressed to the region; then those addressed to its parent
    regions (national or provincial advice applies locally); then, for a
    benchmark brief, those the sources draw from the benchmark's own practice.
    A recommendation must name the audience.  Ranking: addressed to the region
    first, then actors the audience can move, then priority, then gap rank."""
    parents = ancestors(lib, region)
    rank = {t: i for i, t in enumerate(themes)}
    actors = AUDIENCE_ACTORS[audience]

    def tier(r: Recommendation) -> int | None:
        if r.region == region:
            return 0
        if benchmark and (r.benchmark == benchmark or r.region == benchmark):
            return 1
        if r.region in parents:
            return 2
        return None

    # Only these can be eligible (see tier); the sort below is total, so order in is irrelevant.
    pool = {r.id: r for r in (*lib.recommendations_of(region), *lib.recommendations_of(benchmark),
                              *lib.recommendations_learning_from(benchmark),
                              *(r for p in parents for r in lib.recommendations_of(p)))}
    chosen = []
    for r in pool.values():
        t = tier(r)
        if t is None or audience not in r.audiences:
            continue
        acts = 0 if set(actors) & set(r.actors) else 1
        gap = min((rank.get(th, 99) for th in r.themes), default=99)
        chosen.append(((t, acts, r.priority, gap, r.id), r))
    return [r for _, r in sorted(chosen, key=lambda x: x[0])]


def indicators_for(lib: Library, region: str) -> list[Indicator]:
    return sorted(lib.indicators_of(region),
                  key=lambda i: (i.period.end is None, -(i.period.end.toordinal() if i.period.end else 0), i.id))
