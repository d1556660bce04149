"""The situation in numbers: the comparison table's rows and the one chart.

Like is compared with like only.  Two figures stand side by side when the
content gives them the same ``measure`` key; they share a chart only when
their units convert to the same base (both money, both counts...).  Where
periods differ the caption says so; where nothing is comparable there is no
chart and the brief says why.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

from ..document import Bar, Chart, Figure, Text
from ..library import Library
from ..library.model import Indicator
from ..library.units import format_value
from .cite import Citations
from .narrative import Phrases


@dataclass(frozen=True)
class ComparisonRow:
    measure: str
    region: Indicator | None
    benchmark: Indicator | None

    def label(self, lang: str, lib: Library) -> str:
        """The row's name; a row shared by two regions is not named after one of them."""
        if not (self.region and self.benchmark):
            return (self.region or self.benchmark).label(lang)
        for ind in (self.region, self.benchmark):
            if lib.regions[ind.region].name(lang) not in ind.label(lang):
                return ind.label(lang)
        text, name = self.region.label(lang), lib.regions[self.region.region].name(lang)
        if not text.startswith(name):
            return text
        rest = text[len(name):].removeprefix("'s").lstrip(" 的")
        return rest[:1].upper() + rest[1:] if lang == "en" else rest


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
    return (a.unit.base is None and a.unit.unit == b.unit.unit
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
    """Rows for table 1: shared measures first, then the region's most-quoted figures,
    then the benchmark's measured figures the region lacks ("not published")."""
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
        for measure in sorted(set(theirs) - paired_measures):
            rows.append(ComparisonRow(measure, None, _latest(theirs[measure])))
    paired = [r for r in rows if r.region and r.benchmark]
    region_only = [r for r in rows if r.region and not r.benchmark]
    bench_only = [r for r in rows if not r.region]
    # Keep at least one "not published" row when there is one: it is part of the picture.
    take_bench = min(len(bench_only), max(1, limit // 4)) if bench_only else 0
    head = paired + region_only[: max(0, limit - len(paired) - take_bench)]
    return (head + bench_only[:take_bench])[:limit]


_DISPLAY = {  # base unit -> (divisor, en label, zh label) for chart axes
    "CNY": (10 ** 8, "RMB 100 million", "亿元"),
    "USD": (10 ** 4, "USD 10,000", "万美元"),
}


def _display(ind: Indicator) -> tuple[float, str, str]:
    from decimal import Decimal

    base = ind.unit.base
    if base in _DISPLAY:
        div, en, zh = _DISPLAY[base]
        return float(Decimal(ind.value) * ind.unit.factor / div), en, zh
    return float(Decimal(ind.value) * ind.unit.factor), ind.unit.en or ind.unit.unit, ind.unit.unit


_PERIOD_CLASS = {"year": "flow", "month": "flow", "months": "flow", "half": "flow", "quarter": "flow",
                 "as-of": "stock", "unspecified": "unknown", "since": "cumulative", "years": "cumulative",
                 "by": "target"}


def chartable_together(a: Indicator, b: Indicator) -> bool:
    """Same base unit, and periods of the same nature: never a target or a running
    total beside a one-year figure.  An undated figure may stand beside a dated one
    (the caption then says the periods differ)."""
    if a.unit.unit == "%" or b.unit.unit == "%":
        if a.unit.unit != b.unit.unit:
            return False
    elif not a.unit.base or a.unit.base != b.unit.base:
        return False
    ca, cb = _PERIOD_CLASS[a.period.kind], _PERIOD_CLASS[b.period.kind]
    if "target" in (ca, cb) or ("cumulative" in (ca, cb) and ca != cb):
        return False
    return ca == cb or "unknown" in (ca, cb)


def _axis_label(ind: Indicator, lang: str) -> str:
    return _display(ind)[1 if lang == "en" else 2]


def _source_line(words: Phrases, cites: Citations, inds: list[Indicator], notes: list[str],
                 levels: str = "") -> tuple:
    """The chart's source marks, then why its bars are not like for like, where they are not."""
    zh = words.source_line().endswith("：")
    source: list = [Text(words.source_line() + ("" if zh else " "))]
    for n, mark in enumerate(dict.fromkeys(cites.cite(i.source, i.section) for i in inds)):
        if n:
            source.append(Text(" "))   # "[1, §3.1] [2, para 1]", not run together
        source.append(mark)
    if notes:
        source.append(Text(("" if zh else " ") + words.chart_periods_note(("；" if zh else "; ").join(notes))))
    if levels:
        source.append(Text(("" if zh else " ") + levels))
    return tuple(source)


_PEERS: dict[tuple, tuple[Indicator, ...]] = {}


def _peers(lib: Library, region: str, measure: str, anchor: Indicator) -> tuple[Indicator, ...]:
    """Every other region's latest figure on ``measure`` that may stand beside ``anchor``.

    The same for every pass that fits a brief to its pages, and for each audience and
    language, so it is worked out once per library (its fingerprint and its figures)."""
    key = (lib.fingerprint, id(lib.indicators), region, measure, anchor.id)
    hit = _PEERS.get(key)
    if hit is None:
        across = lib.measure_across_regions(measure)     # only the regions that publish it
        found = []
        for rid in sorted(across):
            if rid == region:
                continue
            fit = [i for i in across[rid] if chartable_together(anchor, i)]
            if fit:
                found.append(_latest(fit))
        if len(_PEERS) > 512:
            _PEERS.clear()
        # Largest first, as the chart shows them (a stable sort: ties keep region order).
        hit = _PEERS[key] = tuple(sorted(found, key=lambda i: -_display(i)[0]))
    return hit


def comparison_figure(lib: Library, region: str, benchmark: str | None, lang: str, words: Phrases,
                      cites: Citations) -> Figure | None:
    """Figure 1, the first of these that the content allows:

    1. region against benchmark on the measures both publish (pair);
    2. the region beside every other region that publishes its headline measure (peers);
    3. the region's own figures on one measure over time (series).
    Otherwise None, and the brief says why there is no chart."""
    rname = lib.regions[region].name(lang)
    bname = lib.regions[benchmark].name(lang) if benchmark else ""
    mine, theirs = by_measure(lib, region), by_measure(lib, benchmark)

    # 1. pairs, grouped by unit so that one axis serves them all
    groups: dict[tuple, list[tuple[Indicator, Indicator]]] = defaultdict(list)
    for measure in sorted(set(mine) & set(theirs)):
        for a in sorted(mine[measure], key=lambda i: i.id):
            b = next((b for b in sorted(theirs[measure], key=lambda i: i.id) if chartable_together(a, b)), None)
            if b is not None:
                groups[(a.unit.base, a.unit.unit == "%")].append((a, b))
                break
    if groups:
        pairs = max(groups.values(), key=len)[:6]
        unit_label = _axis_label(pairs[0][0], lang)
        bars, notes = [], []
        for a, b in pairs:
            bars.append(Bar(a.label(lang), (_display(a)[0], _display(b)[0]),
                            (format_value(a.value, a.unit, a.qualifier, lang),
                             format_value(b.value, b.unit, b.qualifier, lang))))
            if a.period.comparable_key != b.period.comparable_key:
                notes.append(f"{rname}{a.period.words(lang)}，{bname}{b.period.words(lang)}" if lang == "zh" else
                             f"{rname} {a.period.words(lang)}, {bname} {b.period.words(lang)}")
        chart = Chart(title=words.chart_title(unit_label), series=(rname, bname), bars=tuple(bars),
                      unit_label=unit_label, lang=lang)
        points = "; ".join(f"{bar.label}: {rname} {bar.value_labels[0]}, {bname} {bar.value_labels[1]}" for bar in bars)
        return Figure(chart, words.chart_caption("pair", rname, bname, pairs[0][0].label(lang)),
                      words.chart_alt("pair", rname, bname, ", ".join(b.label for b in bars), points),
                      _source_line(words, cites, [i for p in pairs for i in p], notes))

    # 2. peers: the region's most-cited measure, beside each region that publishes it
    cited = _cited(lib, region)
    # Amounts and counts say more side by side than rates do; then the most-quoted first.
    measures = sorted(mine, key=lambda m: (mine[m][0].unit.unit == "%",
                                           min((cited.index(i.id) for i in mine[m] if i.id in cited), default=999), m))
    for measure in measures:
        anchor = next((i for i in sorted(mine[measure], key=lambda i: i.id)
                       if _PERIOD_CLASS[i.period.kind] not in ("target",)), None)
        if anchor is None:
            continue
        peers = [anchor, *_peers(lib, region, measure, anchor)]
        if len(peers) < 2:
            continue
        peers = peers[:8]                                   # the anchor and the seven largest
        unit_label = _axis_label(anchor, lang)
        label = anchor.label(lang)
        bars = tuple(Bar(f"{lib.regions[i.region].name(lang)}{'（' if lang == 'zh' else ' ('}{i.period.words(lang)}{'）' if lang == 'zh' else ')'}",
                         (_display(i)[0],), (format_value(i.value, i.unit, i.qualifier, lang),)) for i in peers)
        chart = Chart(title=words.chart_title(label), series=(label,), bars=bars, unit_label=unit_label, lang=lang)
        points = "; ".join(f"{b.label}: {b.value_labels[0]}" for b in bars)
        notes = [] if len({i.period.comparable_key for i in peers}) == 1 else \
            [("；" if lang == "zh" else ", ").join(b.label for b in bars)]
        kinds = [(lib.regions[i.region].name(lang), lib.regions[i.region].level) for i in peers]
        levels = words.chart_levels_note(kinds) if len({k for _, k in kinds}) > 1 else ""
        return Figure(chart, words.chart_caption("peers", rname, bname, label),
                      words.chart_alt("peers", rname, bname, label, points),
                      _source_line(words, cites, peers, notes, levels))

    # 3. a series over time
    for measure in sorted(mine, key=lambda m: (-len(mine[m]), m)):
        series = [i for i in mine[measure] if _PERIOD_CLASS[i.period.kind] == "flow"]
        if len(series) < 2 or len({i.unit.unit for i in series}) != 1 or len({i.period.kind for i in series}) != 1:
            continue
        series.sort(key=lambda i: i.period.end)
        series = series[-8:]
        label = series[0].label(lang)
        unit_label = _axis_label(series[0], lang)
        bars = tuple(Bar(i.period.words(lang), (_display(i)[0],),
                         (format_value(i.value, i.unit, i.qualifier, lang),)) for i in series)
        chart = Chart(title=words.chart_title(label), series=(rname,), bars=bars, unit_label=unit_label, lang=lang)
        points = "; ".join(f"{b.label}: {b.value_labels[0]}" for b in bars)
        return Figure(chart, words.chart_caption("series", rname, bname, label),
                      words.chart_alt("series", rname, bname, label, points),
                      _source_line(words, cites, series, []))
    return None
