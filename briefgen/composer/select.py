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
        nxt = {r.id for r in lib.regions.values() if r.parent in frontier and r.id not in out}
        out |= nxt
        frontier = nxt
    return out


def gap_themes(lib: Library, region: str, audience: str) -> list[str]:
    """The region's themes ranked by how much the sources say is wrong there.

    Problems weigh by priority (a headline problem counts 3, a detail 1);
    recommendations addressed to the region add weight to their themes, since a
    source recommends where it sees a gap.  Audience themes break ties."""
    score: Counter[str] = Counter()
    for f in lib.findings.values():
        if f.region == region and f.kind == "problem":
            score[f.theme] += 4 - f.priority
    for r in lib.recommendations.values():
        if r.region == region:
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

    def evidence(candidate: str) -> tuple[int, int, list[str]]:
        learned = sum(1 for r in lib.recommendations.values()
                      if r.region == region and r.benchmark == candidate)
        themes: Counter[str] = Counter()
        n_cases = 0
        for c in lib.cases.values():
            if c.region == candidate and gap_set.intersection(c.themes):
                n_cases += 1
                for t in c.themes:
                    if t in gap_set:
                        themes[t] += 1
        for f in lib.findings.values():
            if f.region == candidate and f.kind in ("strength", "result") and f.theme in gap_set:
                themes[f.theme] += 1
        ordered = sorted(themes, key=lambda t: (gaps.index(t), t))
        return learned, n_cases, ordered

    if requested:
        learned, n_cases, themes = evidence(requested)
        return BenchmarkChoice(requested, tuple(themes), n_cases, learned, "user")

    excluded = {region, *ancestors(lib, region), *descendants(lib, region)}
    best: tuple[int, str] | None = None
    for cand in sorted(lib.regions):
        if cand in excluded or lib.regions[cand].level in NOT_BENCHMARKS:
            continue
        learned, n_cases, themes = evidence(cand)
        score = 3 * learned + n_cases + len(themes)
        if score >= 3 and (best is None or score > best[0]):
            best = (score, cand)
    if best is None:
        return BenchmarkChoice(None, (), 0, 0, "none")
    learned, n_cases, themes = evidence(best[1])
    return BenchmarkChoice(best[1], tuple(themes), n_cases, learned, "rule")


def findings_for(lib: Library, region: str, kinds: tuple[str, ...], theme: str | None = None) -> list[Finding]:
    out = [f for f in lib.findings.values()
           if f.region == region and f.kind in kinds and (theme is None or f.theme == theme)]
    return sorted(out, key=lambda f: (f.priority, f.id))


def cases_for(lib: Library, region: str, themes: list[str]) -> list[Case]:
    """The region's cases, those on the earliest-ranked themes first."""
    rank = {t: i for i, t in enumerate(themes)}

    def key(c: Case) -> tuple:
        best = min((rank.get(t, 99) for t in c.themes), default=99)
        return (best, -len(c.indicators), c.id)

    return sorted((c for c in lib.cases.values() if c.region == region), key=key)


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

    chosen = []
    for r in lib.recommendations.values():
        t = tier(r)
        if t is None or audience not in r.audiences:
            continue
        acts = 0 if set(actors) & set(r.actors) else 1
        gap = min((rank.get(th, 99) for th in r.themes), default=99)
        chosen.append(((t, acts, r.priority, gap, r.id), r))
    return [r for _, r in sorted(chosen, key=lambda x: x[0])]


def indicators_for(lib: Library, region: str) -> list[Indicator]:
    return sorted((i for i in lib.indicators.values() if i.region == region),
                  key=lambda i: (i.period.end is None, -(i.period.end.toordinal() if i.period.end else 0), i.id))
