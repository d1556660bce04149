"""The situation in numbers: which figures the table and the chart set side by side.

Like is compared with like only.  Two figures stand side by side when the
content gives them the same ``measure`` key; they share a chart only when
their units convert to the same base (both money, both counts...).  Where
periods differ the caption says so; where nothing is comparable there is no
chart and the brief says why.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Mapping

from ..library import Library
from ..library.model import Fact, Indicator
from .rules import KIND_GROUPS


@dataclass(frozen=True)
class ComparisonRow:
    measure: str
    region: Indicator | None
    benchmark: Indicator | None
    #: Where a side has no figure, a source's statement that it is not published (the
    #: only case in which a brief may say "not published").
    region_unpublished: Fact | None = None
    benchmark_unpublished: Fact | None = None

    def label(self, lang: str, lib: Library) -> str:
        """The row's name; a row shared by two regions is not named after one of them."""
        return shared_label([i for i in (self.region, self.benchmark) if i], lang, lib)


def _names(lib: Library, rid: str, lang: str) -> list[str]:
    """How a text may name a region: its name, the name without a bracketed gloss
    ("Qianhai" for "Qianhai (Shenzhen)"), and its aliases."""
    region = lib.regions[rid]
    name = region.name(lang)
    return [n for n in (name, name.split(" (")[0].split("（")[0], *region.aliases) if n]


def _own_name_off(ind: Indicator, lang: str, lib: Library) -> str:
    """The figure's label without a leading name of its own region ("Ningbo cross-border
    e-commerce exports" -> "Cross-border e-commerce exports")."""
    text = ind.label(lang)
    for name in sorted(_names(lib, ind.region, lang), key=len, reverse=True):
        if text.startswith(name) and len(text) > len(name):
            rest = text[len(name):].removeprefix("'s").lstrip(" 的")
            return rest[:1].upper() + rest[1:] if lang == "en" else rest
    return text


def shared_label(inds: "list[Indicator] | tuple[Indicator, ...]", lang: str, lib: Library) -> str:
    """One name for figures of several regions on one measure, for a table row, a derived
    figure or a chart's title: the shortest of their labels that names none of the
    regions (each source words the measure for its own place, "operated by Ningbo
    enterprises", "in the UK, the Netherlands..."; the plainest wording fits them all)."""
    if len(inds) == 1:
        return inds[0].label(lang)       # one figure keeps its own wording
    names = [n for rid in dict.fromkeys(i.region for i in inds) for n in _names(lib, rid, lang)]
    for labels in (list(dict.fromkeys(i.label(lang) for i in inds)),
                   list(dict.fromkeys(_own_name_off(i, lang, lib) for i in inds))):
        plain = [t for t in labels if not any(n in t for n in names)]
        if plain:
            return min(plain, key=len)
    return min(labels, key=len)


def _end(ind: Indicator) -> int:
    """When the figure's period ends, as a day number (an undated figure counts as oldest)."""
    return ind.period.end.toordinal() if ind.period.end else 0


def _latest(indicators: list[Indicator]) -> Indicator:
    """The most recent figure; ties by id for stability."""
    return max(indicators, key=lambda i: (_end(i), i.id))


def _alike(a: Indicator, b: Indicator) -> bool:
    """Whether two figures of one measure may share a table row: what may share a
    chart, or the same plain unit (times, days) over periods of the same nature."""
    if chartable_together(a, b):
        return True
    return (a.unit.base in (None, "rank") and a.unit.unit == b.unit.unit
            and _PERIOD_CLASS[a.period.kind] == _PERIOD_CLASS[b.period.kind] != "target")


def by_measure(lib: Library, rid: str | None) -> Mapping[str, tuple[Indicator, ...]]:
    """The region's figures that carry a ``measure`` key, grouped by it (the library's index)."""
    return lib.by_measure(rid)


def _cited(lib: Library, rid: str) -> list[str]:
    """Indicator ids the region's findings and cases quote, most important first."""
    order: list[str] = []
    for f in lib.findings_of(rid):           # already by (priority, id)
        order += [i for i in f.indicators if i not in order]
    for c in sorted(lib.cases_of(rid), key=lambda c: c.id):
        order += [i for i in c.indicators if i not in order]
    return order


def comparison_rows(lib: Library, region: str, benchmark: str | None, limit: int) -> list[ComparisonRow]:
    """Rows for table 1.  Without a benchmark: the region's figures, measured and
    most-quoted first.  With one: the measures both have on a comparable period, then
    those on which a source says one side's figure is not published."""
    mine, theirs = by_measure(lib, region), by_measure(lib, benchmark)
    rows: list[ComparisonRow] = []
    used: set[str] = set()
    for measure in sorted(set(mine) & set(theirs)):
        # The newest pair whose periods are alike; a one-year figure never shares a
        # row with a running total or a target (each then gets a row of its own).
        pairs = [(a, b) for a in mine[measure] for b in theirs[measure] if _alike(a, b)]
        if pairs:
            a, b = max(pairs, key=lambda p: (min(_end(p[0]), _end(p[1])), p[0].id, p[1].id))
            rows.append(ComparisonRow(measure, a, b))
            used |= {a.id, b.id}
    cited = _cited(lib, region)
    rank = {iid: n for n, iid in enumerate(cited)}
    # The region's own figures: measured ones (the comparable headline figures) first,
    # then those its findings quote, then the rest, newest first.  One row per measure,
    # except that a target gets its own row beside the latest actual figure.
    rest = sorted(lib.indicators_of(region),
                  key=lambda i: (not i.measure, i.qualifier == "target", rank.get(i.id, 999),
                                 -(i.period.end.toordinal() if i.period.end and i.qualifier != "target" else 0), i.id))
    seen_measures = {(r.measure, False) for r in rows}
    for ind in rest:
        key = (ind.measure, ind.qualifier == "target")
        if ind.id in used or (ind.measure and key in seen_measures):
            continue
        rows.append(ComparisonRow(ind.measure, ind, None))
        used.add(ind.id)
        seen_measures.add(key)
    if benchmark:
        paired_measures = {r.measure for r in rows if r.region and r.benchmark}
        mine_unpublished, theirs_unpublished = _unpublished(lib, region), _unpublished(lib, benchmark)
        rows = [replace(r, benchmark_unpublished=theirs_unpublished.get(r.measure)) if not r.benchmark else r
                for r in rows]
        # A gap a source itself points out ("the bulletin does not give it") comes first.
        for measure in sorted(set(theirs) - paired_measures, key=lambda m: (m not in mine_unpublished, m)):
            rows.append(ComparisonRow(measure, None, _latest(theirs[measure]), mine_unpublished.get(measure)))
    paired = [r for r in rows if r.region and r.benchmark]
    if benchmark:
        # A table of two regions compares or it is no comparison: beside the rows both
        # have, only the gaps a source itself points out ("the bulletin does not give
        # it"), never a column of "not in the sources used".
        said = [r for r in rows if (r.region and r.benchmark_unpublished) or (r.benchmark and r.region_unpublished)]
        return (paired + said)[:limit]
    return rows[:limit]


def _unpublished(lib: Library, rid: str) -> dict[str, Fact]:
    """Measure -> the source's statement that the region does not publish that figure."""
    return {f.key: f for f in lib.facts_of(rid) if f.kind == "not-published"}


@dataclass(frozen=True)
class FactRow:
    """A row of table 1 that compares two regions on a fact that is not an amount (the
    year each zone was approved, a first-of-its-kind regulation)."""

    key: str
    region: Fact
    benchmark: Fact

    def label(self, lang: str) -> str:
        return self.region.label(lang)


def fact_rows(lib: Library, region: str, benchmark: str | None) -> list[FactRow]:
    """Facts both regions have under one key, in the order the region's are stored.
    None without a benchmark: a fact of one region alone compares nothing."""
    if not benchmark:
        return []
    theirs = {f.key: f for f in lib.facts_of(benchmark) if f.kind == "fact"}
    return [FactRow(f.key, f, theirs[f.key]) for f in lib.facts_of(region) if f.kind == "fact" and f.key in theirs]


def comparison_table(lib: Library, region: str, benchmark: str | None,
                     limit: int) -> tuple[list[ComparisonRow], list[FactRow]]:
    """Table 1 within ``limit`` rows: the figures (see :func:`comparison_rows`) and the facts
    both regions have, which take at most half the rows."""
    facts = fact_rows(lib, region, benchmark)[: limit // 2]
    return comparison_rows(lib, region, benchmark, limit - len(facts)), facts


#: base unit -> {lang: (divisor, axis label)}: each reader's own unit, RMB billion in
#: English and 亿元 in Chinese, never a calque such as "RMB 100 million".
_DISPLAY = {
    "CNY": {"en": (10 ** 9, "RMB billion"), "zh": (10 ** 8, "亿元")},
    "USD": {"en": (10 ** 6, "USD million"), "zh": (10 ** 4, "万美元")},
}


def display(ind: Indicator, lang: str = "zh") -> tuple[float, str]:
    """The figure on a chart axis for ``lang``: its value in the axis unit, and that unit."""
    from decimal import Decimal

    amount = Decimal(ind.value) * ind.unit.factor
    if ind.unit.base in _DISPLAY:
        div, label = _DISPLAY[ind.unit.base][lang]
        return float(amount / div), label
    if lang == "en":
        # A bare count (个) has no English word of its own: the axis counts "number".
        return float(amount), ind.unit.en or ("number" if ind.unit.base == "count" else ind.unit.unit)
    # The amount is in the base unit (m², people), so the label is too: 万平方米 -> 平方米.
    unit = ind.unit.unit
    if ind.unit.factor != 1 and unit[:1] in "万亿" and len(unit) > 1:
        unit = unit.lstrip("万亿")
    return float(amount), unit


_PERIOD_CLASS = {"year": "flow", "month": "flow", "months": "flow", "half": "flow", "quarter": "flow",
                 "as-of": "stock", "unspecified": "unknown", "since": "cumulative", "years": "cumulative",
                 "by": "target"}


def _axis(ind: Indicator) -> tuple[str, str]:
    """The chart axis a figure is drawn on, in English and in Chinese."""
    return display(ind, "en")[1], display(ind, "zh")[1]


def chartable_together(a: Indicator, b: Indicator) -> bool:
    """Same base unit, and periods of the same nature: never a target or a running
    total beside a one-year figure.  An undated figure may stand beside a dated one
    (the caption then says the periods differ)."""
    if "rank" in (a.unit.base, b.unit.base):
        return False   # a place in a ranking is no quantity: a taller bar would be a worse place
    if a.unit.unit == "%" or b.unit.unit == "%":
        if a.unit.unit != b.unit.unit:
            return False
    elif not a.unit.base or a.unit.base != b.unit.base:
        return False
    ca, cb = _PERIOD_CLASS[a.period.kind], _PERIOD_CLASS[b.period.kind]
    if "target" in (ca, cb) or ("cumulative" in (ca, cb) and ca != cb):
        return False
    return ca == cb or "unknown" in (ca, cb)




@dataclass(frozen=True)
class ChartPlan:
    """The figures one chart draws, language-neutral.

    ``kind`` "pair": region against benchmark, one (region, benchmark) pair per bar;
    "peers": the region beside regions of its own kind on one measure;
    "series": the region's own figures on one measure over time."""

    kind: str
    figures: tuple[tuple[Indicator, ...], ...]


_PEERS: dict[tuple, tuple[Indicator, ...]] = {}


def _peers(lib: Library, region: str, measure: str, anchor: Indicator) -> tuple[Indicator, ...]:
    """The latest figure on ``measure`` of every other region of ``region``'s own kind
    that may stand beside ``anchor``, largest first.

    The same for every pass that fits a brief to its pages, and for each audience and
    language, so it is worked out once per library (its fingerprint and its figures)."""
    key = (lib.fingerprint, id(lib.indicators), region, measure, anchor.id)
    hit = _PEERS.get(key)
    if hit is None:
        across = lib.measure_across_regions(measure)     # only the regions that publish it
        level = lib.regions[region].level
        found = []
        for rid in sorted(across):
            if rid == region or rid not in lib.regions or lib.regions[rid].level != level:
                continue
            fit = [i for i in across[rid] if chartable_together(anchor, i) and _axis(i) == _axis(anchor)
                   # Rates side by side only when both are dated: "over 20% for years" beside
                   # "over 25% in the medium term" compares nothing.
                   and (anchor.unit.unit != "%" or (anchor.period.end and i.period.end))]
            if fit:
                found.append(_latest(fit))
        if len(_PEERS) > 512:
            _PEERS.clear()
        # Largest first, as the chart shows them (a stable sort: ties keep region order).
        hit = _PEERS[key] = tuple(sorted(found, key=lambda i: -display(i)[0]))
    return hit


def _kind(lib: Library, rid: str) -> str:
    """A region's kind for comparison: a new area is a zone, a district a county."""
    level = lib.regions[rid].level
    return KIND_GROUPS.get(level, level)


def chart_plan(lib: Library, region: str, benchmark: str | None) -> ChartPlan | None:
    """Figure 1, the first of these that the content allows (see :class:`ChartPlan`).

    Peers are regions of the same level only: a city's bar beside a province's or
    a nation's shows scale, not standing.  None when nothing is like for like."""
    mine, theirs = by_measure(lib, region), by_measure(lib, benchmark)
    groups: dict[tuple, list[tuple[Indicator, Indicator]]] = defaultdict(list)
    # Amounts of a city beside a province's or the nation's show only that the larger is
    # larger (the derived share says what there is to say); rates compare at any scale.
    same_kind = benchmark is not None and _kind(lib, region) == _kind(lib, benchmark)
    for measure in sorted(set(mine) & set(theirs)):
        for a in sorted(mine[measure], key=lambda i: i.id):
            if not same_kind and a.unit.unit != "%":
                continue
            # One chart, one axis: bars share it only when their unit reads the same in both
            # languages (firms, 家, beside warehouses, 个, would be labelled with the first's).
            b = next((b for b in sorted(theirs[measure], key=lambda i: i.id)
                      if chartable_together(a, b) and _axis(a) == _axis(b)), None)
            if b is not None:
                groups[_axis(a)].append((a, b))
                break
    if groups:
        return ChartPlan("pair", tuple(max(groups.values(), key=len)[:6]))

    cited = _cited(lib, region)
    measures = sorted(mine, key=lambda m: (mine[m][0].unit.unit == "%",
                                           min((cited.index(i.id) for i in mine[m] if i.id in cited), default=999), m))
    for measure in measures:
        anchor = next((i for i in sorted(mine[measure], key=lambda i: i.id)
                       if _PERIOD_CLASS[i.period.kind] not in ("target",)), None)
        if anchor is None:
            continue
        peers = _peers(lib, region, measure, anchor)[:7]
        if peers:
            return ChartPlan("peers", tuple((i,) for i in [anchor, *peers]))

    for measure in sorted(mine, key=lambda m: (-len(mine[m]), m)):
        series = [i for i in mine[measure] if _PERIOD_CLASS[i.period.kind] == "flow"]
        if len(series) < 2 or len({i.unit.unit for i in series}) != 1 or len({i.period.kind for i in series}) != 1:
            continue
        series.sort(key=lambda i: i.period.end)
        return ChartPlan("series", tuple((i,) for i in series[-8:]))
    return None
