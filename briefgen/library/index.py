"""The library's indexes: records by region, theme, measure, kind and source, built once per load.

Planning a brief asks the same questions many times (a region's figures by
measure, its problems on a theme, who else publishes a measure); answering each
by scanning every record made one brief's cost grow with the whole knowledge
base.  :class:`Index` answers them from dictionaries built in one pass, so a
query costs what it returns.  Every list keeps the records' load order, the
order the scans it replaces saw them in, so briefs do not change.
"""
from __future__ import annotations

from collections import defaultdict
from types import MappingProxyType
from typing import Any, Mapping

from .model import Case, Fact, Finding, Indicator, Recommendation, Term

_EMPTY: tuple = ()


def _freeze(groups: dict[Any, list]) -> Mapping[Any, tuple]:
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


class Index:
    """Read-only lookups over one library's records (see the Library query methods)."""

    def __init__(self, regions: Mapping[str, Any], indicators: Mapping[str, Indicator],
                 findings: Mapping[str, Finding], cases: Mapping[str, Case],
                 recommendations: Mapping[str, Recommendation], facts: Mapping[str, Fact] | None = None,
                 terms: Mapping[str, Term] | None = None):
        facts, terms = facts or {}, terms or {}
        children: dict[str, list[str]] = defaultdict(list)
        for r in regions.values():
            if r.parent:
                children[r.parent].append(r.id)
        ind_by_region: dict[str, list[Indicator]] = defaultdict(list)
        measured: dict[str, dict[str, list[Indicator]]] = defaultdict(lambda: defaultdict(list))
        across: dict[str, dict[str, list[Indicator]]] = defaultdict(lambda: defaultdict(list))
        for i in indicators.values():
            ind_by_region[i.region].append(i)
            if i.measure:
                measured[i.region][i.measure].append(i)
                across[i.measure][i.region].append(i)
        fnd_by_region: dict[str, list[Finding]] = defaultdict(list)
        fnd_by_theme: dict[str, list[Finding]] = defaultdict(list)
        for f in findings.values():
            fnd_by_region[f.region].append(f)
            fnd_by_theme[f.theme].append(f)
        case_by_region: dict[str, list[Case]] = defaultdict(list)
        case_by_theme: dict[str, list[Case]] = defaultdict(list)
        for c in sorted(cases.values(), key=lambda c: c.id):
            case_by_region[c.region].append(c)
            for t in dict.fromkeys(c.themes):
                case_by_theme[t].append(c)
        rec_by_region: dict[str, list[Recommendation]] = defaultdict(list)
        rec_by_benchmark: dict[str, list[Recommendation]] = defaultdict(list)
        for r in recommendations.values():
            rec_by_region[r.region].append(r)
            if r.benchmark:
                rec_by_benchmark[r.benchmark].append(r)
        fact_by_region: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts.values():
            fact_by_region[fact.region].append(fact)
        self.facts = _freeze(fact_by_region)
        self.children = _freeze(children)
        self.names, self.short_names = names_index(regions)
        self.indicators = _freeze(ind_by_region)
        self.measures = MappingProxyType({rid: _freeze(g) for rid, g in measured.items()})
        self.across = MappingProxyType({m: _freeze(g) for m, g in across.items()})
        # Findings per region in the order briefs rank them: headline first, then by id.
        self.findings = MappingProxyType({rid: tuple(sorted(fs, key=lambda f: (f.priority, f.id)))
                                          for rid, fs in fnd_by_region.items()})
        self.findings_by_theme = _freeze(fnd_by_theme)
        # Per region in load order (case_by_region was filled in id order, so re-sort).
        order = {cid: n for n, cid in enumerate(cases)}
        self.cases = MappingProxyType({rid: tuple(sorted(cs, key=lambda c: order[c.id]))
                                       for rid, cs in case_by_region.items()})
        self.cases_by_theme = _freeze(case_by_theme)
        #: Regions with a case naming the theme (each once), and each region's cases' themes.
        self.case_regions_by_theme = MappingProxyType({t: tuple(dict.fromkeys(c.region for c in cs))
                                                       for t, cs in self.cases_by_theme.items()})
        self.case_themes = MappingProxyType({rid: tuple(frozenset(c.themes) for c in cs)
                                             for rid, cs in self.cases.items()})
        self.recommendations = _freeze(rec_by_region)
        self.learned_from = _freeze(rec_by_benchmark)
        self.sources_cited = frozenset(r.source for kind in (indicators, findings, cases, recommendations, facts,
                                                             terms)
                                       for r in kind.values() if r.source)

    def regions_named_in(self, text: str) -> set[str]:
        """Ids of the regions whose English or Chinese name occurs in ``text``."""
        return regions_named_in(self.names, self.short_names, text)


def names_index(regions: Mapping[str, Any]) -> tuple[Mapping, Mapping]:
    """Region names by their first two characters, then length (and the one-character
    names apart): finding every name in a text then costs one lookup per character,
    however many regions there are."""
    names: dict[str, dict[int, dict[str, set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    short: dict[str, set[str]] = defaultdict(set)
    for r in regions.values():
        for name in (r.name_en, r.name_zh):
            if len(name) >= 2:
                names[name[:2]][len(name)][name].add(r.id)
            elif name:
                short[name].add(r.id)
    return (MappingProxyType({start: MappingProxyType({n: MappingProxyType({k: frozenset(v) for k, v in g.items()})
                                                       for n, g in by_len.items()})
                              for start, by_len in names.items()}),
            MappingProxyType({k: frozenset(v) for k, v in short.items()}))


def regions_named_in(names: Mapping, short_names: Mapping, text: str) -> set[str]:
    """Ids of the regions whose English or Chinese name occurs in ``text`` (see names_index)."""
    found: set[str] = set()
    for name, ids in short_names.items():
        if name in text:
            found |= ids
    for i in range(len(text) - 1):
        by_length = names.get(text[i:i + 2])
        if by_length:
            for length, group in by_length.items():
                hit = group.get(text[i:i + length])
                if hit:
                    found |= hit
    return found


def get(mapping: Mapping[Any, tuple], key: Any) -> tuple:
    return mapping.get(key, _EMPTY)
