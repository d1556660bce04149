"""The rules that decide what a brief may claim: gaps, benchmark, whose advice, for whom.

Each rule answers one question an editor asks of a brief, from the sources only:

- *Is it a gap?*  Only a problem the sources record for this region.  A strength
  is never a gap, and a theme on which the sources merely advise is not one.
- *Is the benchmark earned?*  Only if the sources compare the two regions
  themselves (they draw lessons for the region from it), or if the candidate's
  recorded practices answer two or more of the region's top gaps and the two
  are alike in kind (a city for a city).  Otherwise the brief is a situation brief.
- *Whose advice?*  Numbered recommendations are those the sources address to
  this region.  Advice to a parent region is context, never a lever; advice
  written for another city never appears.
- *For whom?*  Audience selects by who acts (:data:`AUDIENCE_ACTS`).

No wording here (that is write/) and no layout (that is the writers').  The
README's "How briefgen decides" section states these rules; change both together.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..library import Library
from ..library.model import Case, Finding, Indicator, Recommendation

#: Levels whose regions are places with their own advice (a name in a sentence
#: about another place means the sentence was written for that place).
PLACE_LEVELS = ("province", "city", "county", "district", "new-area", "zone")

#: Regions alike in kind: a benchmark chosen by rule is of the same group.
KIND_GROUPS = {"city": "city", "county": "county", "district": "county", "province": "province",
               "new-area": "zone", "zone": "zone"}

FIRM_SIDE = ("enterprises", "associations", "platforms")

#: Themes each audience looks at first when gaps tie.
AUDIENCE_THEMES = {
    "government": ("policy-institutions", "platforms-zones", "logistics-supply-chain"),
    "industry": ("brands", "technology-data", "logistics-supply-chain", "platforms-zones"),
    "education": ("talent-education",),
    "research": (),
}


def acts_for(rec: Recommendation, audience: str) -> bool:
    """Whether the reader of ``audience`` is the one who acts on ``rec``.

    Government: a local authority is among the actors.  Industry: a firm,
    association or platform is the first actor named (what firms can do
    themselves, not what policy or colleges should do).  Education: colleges act.
    Research briefs list open questions instead of recommendations."""
    actors = rec.actors
    if audience == "government":
        return "government" in actors
    if audience == "industry":
        return bool(actors) and actors[0] in FIRM_SIDE
    if audience == "education":
        return "colleges" in actors
    return "research" in actors


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


def findings_for(lib: Library, region: str, kinds: tuple[str, ...], theme: str | None = None) -> list[Finding]:
    return sorted(lib.findings_of(region, kinds, theme), key=lambda f: (f.priority, f.id))


def indicators_for(lib: Library, region: str) -> list[Indicator]:
    return sorted(lib.indicators_of(region),
                  key=lambda i: (i.period.end is None, -(i.period.end.toordinal() if i.period.end else 0), i.id))


def gap_themes(lib: Library, region: str, audience: str) -> list[str]:
    """Themes on which the sources record problems for the region, worst first.

    A headline problem weighs 3, a detail 1; the audience's own themes break
    ties, and an education brief leads with talent when talent is a gap."""
    score: Counter[str] = Counter()
    for f in findings_for(lib, region, ("problem",)):
        score[f.theme] += 4 - f.priority
    favoured = AUDIENCE_THEMES.get(audience, ())
    return sorted(score, key=lambda t: (-score[t], t not in favoured, t))


def strength_themes(lib: Library, region: str) -> list[str]:
    """Themes the sources record as the region's strengths or results, strongest first."""
    score: Counter[str] = Counter()
    for f in findings_for(lib, region, ("strength", "result")):
        score[f.theme] += 4 - f.priority
    gaps = {f.theme for f in findings_for(lib, region, ("problem",))}
    return sorted((t for t in score if t not in gaps), key=lambda t: (-score[t], t))


def names_in(lib: Library, texts: tuple[str, ...], allowed: set[str | None]) -> set[str]:
    """Places other than ``allowed`` that the texts name (in either language).

    The library's name index finds them in one pass over each text, whatever the
    number of regions."""
    found: set[str] = set()
    for text in texts:
        if text:
            found |= lib.regions_named_in(text)
    return {rid for rid in found
            if rid not in allowed and rid in lib.regions and lib.regions[rid].level in PLACE_LEVELS}


def addressed_elsewhere(lib: Library, texts: tuple[str, ...], *allowed: str | None) -> bool:
    """True if the text speaks to a place other than ``allowed`` by name ("Suqian can ...").

    Both languages are checked, so an English and a Chinese brief drop the same sentences."""
    return bool(names_in(lib, texts, set(allowed)))


@dataclass(frozen=True)
class BenchmarkChoice:
    region: str | None
    #: The region's gap themes that the benchmark's practices address, worst gap first.
    themes: tuple[str, ...]
    cases: int
    #: Recommendations for the region that the sources draw from this benchmark.
    learned: int
    #: "sources" (they compare the two), "practices" (its practices answer the gaps,
    #: a like region), "user" (the reader chose it), or "none" (a situation brief).
    chosen_by: str


def _evidence(lib: Library, region: str, candidate: str, gaps: list[str],
              learned_from: Counter[str] | None = None) -> tuple[int, int, list[str]]:
    """Lessons the sources draw from ``candidate``, its cases on the gaps, and the gap themes they answer.

    ``learned_from`` (benchmark -> the region's recommendations learning from it) may be
    worked out once by a caller asking about many candidates."""
    if learned_from is None:
        learned_from = Counter(r.benchmark for r in lib.recommendations_of(region))
    on_gaps = frozenset(gaps)
    answered: set[str] = set()
    n_cases = 0
    for themes in lib.case_themes_of(candidate):
        hit = on_gaps.intersection(themes)
        if hit:
            n_cases += 1
            answered |= hit
    return learned_from[candidate], n_cases, sorted(answered, key=gaps.index)


def _candidates(lib: Library, region: str, gaps: list[str]) -> list[str]:
    """The only regions either rule below can pick, in id order: those the region's own
    recommendations learn from, and those with cases on at least two of its three worst
    gaps.  Found from the indexes, so a brief costs what its candidates do, not a pass
    over every region (and the winner is the one a scan of every region finds)."""
    named = {r.benchmark for r in lib.recommendations_of(region) if r.benchmark}
    on_top_gaps = Counter(cand for t in gaps[:3] for cand in lib.regions_with_cases_on(t))
    return sorted(c for c in named.union(k for k, n in on_top_gaps.items() if n >= 2) if c in lib.regions)


def choose_benchmark(lib: Library, region: str, audience: str, requested: str | None) -> BenchmarkChoice:
    """The benchmark the sources support for ``region``, or none (see the module's rules)."""
    gaps = gap_themes(lib, region, audience)
    if requested:
        learned, n_cases, themes = _evidence(lib, region, requested, gaps)
        return BenchmarkChoice(requested, tuple(themes), n_cases, learned, "user")
    excluded = {region, *ancestors(lib, region), *descendants(lib, region)}
    kind = KIND_GROUPS.get(lib.regions[region].level)
    best: tuple[tuple, BenchmarkChoice] | None = None
    learned_from = Counter(r.benchmark for r in lib.recommendations_of(region))
    on_gaps, worst = frozenset(gaps), frozenset(gaps[:3])
    for cand in _candidates(lib, region, gaps):
        level = lib.regions[cand].level
        if cand in excluded or level not in KIND_GROUPS:
            continue
        if not learned_from[cand]:
            # Only the practices rule can pick a region no recommendation learns from, and
            # in a large library most candidates are such: one that could not outrank the
            # best so far even at its best is passed over before its cases are counted.
            if not kind or KIND_GROUPS[level] != kind:
                continue
            # The most it could rank: every gap answered, every case on one.
            if best is not None and best[0] >= (1, len(on_gaps), len(lib.case_themes_of(cand))):
                continue
        learned, n_cases, themes = _evidence(lib, region, cand, gaps, learned_from)
        if learned >= 2 or (learned and n_cases):
            rank, chosen_by = (2, learned, n_cases), "sources"
        elif kind and KIND_GROUPS[level] == kind and len(set(themes) & worst) >= 2:
            rank, chosen_by = (1, len(themes), n_cases), "practices"
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, BenchmarkChoice(cand, tuple(themes), n_cases, learned, chosen_by))
    return best[1] if best else BenchmarkChoice(None, (), 0, 0, "none")


def recommendations_for(lib: Library, region: str, audience: str, gaps: list[str]) -> list[Recommendation]:
    """What the sources advise *this* region, for this audience's actors.

    Ordered as a sequence: earliest horizon first, then priority, then the gap it
    answers, so recommendation 1 is always the first step."""
    rank = {t: i for i, t in enumerate(gaps)}
    horizon = {"short": 0, "medium": 1, "long": 2}
    # A recommendation filed under the region is addressed to it, even when it names
    # another place ("extend Xiong'an's policies to Baoding").
    recs = [r for r in lib.recommendations_of(region) if acts_for(r, audience)]
    return sorted(recs, key=lambda r: (horizon[r.horizon], r.priority,
                                       min((rank.get(t, 99) for t in r.themes), default=99), r.id))


def parent_plans(lib: Library, region: str, audience: str, gaps: list[str]) -> list[Recommendation]:
    """What the parent regions are advised to do on the region's own gaps: context, not levers."""
    out = []
    for parent in ancestors(lib, region):
        recs = recommendations_for(lib, parent, audience, gaps)
        out += [r for r in recs if set(r.themes) & set(gaps)]
    return out


def practice_fits(lib: Library, case: Case, region: str) -> bool:
    """A case may be shown as a practice for ``region``: it is another place's, and
    it is not written as advice to a third place."""
    return case.region != region and not addressed_elsewhere(
        lib, (case.what_en, case.what_zh, case.title_en, case.title_zh), case.region, region,
        *ancestors(lib, case.region), *descendants(lib, case.region))


def reports_result(case: Case) -> bool:
    """Whether the source reports what came of a case (content says "Not reported" / 未见报道 otherwise)."""
    en, zh = case.result_en.strip().lower(), case.result_zh.strip()
    # "成效未见报道；..." says no result as plainly as "未见报道" does.
    return not (en.startswith(("not reported", "no result")) or zh.startswith(("未见", "原文未报道"))
                or any(words in zh[:12] for words in ("未见报道", "未见成效", "未见具体成效", "尚未见报道")))


def own_cases(lib: Library, region: str, themes: list[str]) -> list[Case]:
    """The region's own recorded practices: those whose results the sources report
    first (a lesson needs an outcome), then those on its top themes."""
    rank = {t: i for i, t in enumerate(themes)}
    return sorted(lib.cases_of(region),
                  key=lambda c: (not reports_result(c), min((rank.get(t, 99) for t in c.themes), default=99),
                                 -len(c.indicators), c.id))
