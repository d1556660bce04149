"""Derived figures: what a careful analyst works out from the stored figures, in code.

Four kinds, each only between figures that may be compared (same measure, same
base unit, comparable periods), never by hand and never rounded away:

- ``progress``: an actual figure against the region's own target on that measure;
- ``share``: the region's figure as a part of a parent region's, same measure and period;
- ``ratio``: the benchmark's figure as a multiple of the region's, same measure and period;
- ``average``: a total over a run of whole years (2016-2018) as so much a year.

A qualifier carries through: "over RMB 4 billion" of a RMB 10 billion target is
"over 40%".  Where the division does not come out exactly, the result is cut
(never raised) to the places shown and said to be "about" or "over".  Each
derived figure keeps its inputs, so the brief can show its working and a test
can recompute it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from ..library import Library
from ..library.model import Indicator
from . import rules

#: Qualifiers of an input that keep a lower bound on the result ("over", "at least").
_LOWER = {"over", "at-least"}
_AMOUNT_BASES = ("CNY", "USD", "count")


@dataclass(frozen=True)
class Derived:
    kind: str                      # progress | share | ratio | average
    inputs: tuple[Indicator, ...]  # numerator, denominator (an average: the total alone)
    value: Decimal                 # as shown (percent for progress and share, times for ratio,
                                   # for an average the total's own unit: 720 亿元 -> 240)
    qualifier: str                 # exact | about | over
    years: int = 0                 # an average: the years the total covers

    @property
    def number(self) -> str:
        """The value as printed: "40", "12.5" (no exponent, no trailing zeros)."""
        return _plain(self.value)

    def working(self) -> str:
        """The arithmetic as the sources print the figures, the denominator put into the
        numerator's unit when the two differ (9.17 ÷ 26300 for 亿元 over 万亿元)."""
        if self.kind == "average":
            return f"{self.inputs[0].value} ÷ {self.years}"
        a, b = self.inputs
        denominator = Decimal(b.value) * b.unit.factor / a.unit.factor
        return f"{a.value} ÷ {_plain(denominator)}{' × 100' if self.kind != 'ratio' else ''}"


def _plain(d: Decimal) -> str:
    d = d.normalize()
    return f"{d:f}" if d != d.to_integral_value() else str(int(d))


def compute(kind: str, numerator: Indicator, denominator: Indicator, places: int = 1) -> Derived | None:
    """numerator / denominator (x 100 unless a ratio), with the qualifiers carried; None if
    the inputs' qualifiers leave the result without a bound ("nearly" over "over")."""
    a = Decimal(numerator.value) * numerator.unit.factor
    b = Decimal(denominator.value) * denominator.unit.factor
    if b == 0 or a < 0 or b < 0:
        return None
    qa, qb = numerator.qualifier, denominator.qualifier
    if qb not in ("exact", "target") or qa not in ("exact", "about", "cumulative", *_LOWER):
        return None                  # a denominator that is itself a bound gives no bound
    raw = a / b * (100 if kind != "ratio" else 1)
    shown = raw.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    if qa in _LOWER:
        qualifier = "over"
    elif qa == "about" or shown != raw:
        qualifier = "about"
    else:
        qualifier = "exact"
    return Derived(kind, (numerator, denominator), shown.normalize(), qualifier)


def average(total: Indicator, places: int = 2) -> Derived | None:
    """A total over whole calendar years as so much a year; None for anything else (a
    single year, a run ending "mid-2024", whose length no date fixes, or a rate)."""
    p = total.period
    if p.kind != "years" or not (p.start and p.end) or (p.start.month, p.start.day, p.end.month, p.end.day) \
            != (1, 1, 12, 31) or total.unit.base not in _AMOUNT_BASES \
            or total.qualifier not in ("exact", "about", "cumulative", *_LOWER):
        return None
    years = p.end.year - p.start.year + 1
    raw = Decimal(total.value) / years
    shown = raw.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    qualifier = "over" if total.qualifier in _LOWER else "about" if total.qualifier == "about" or shown != raw \
        else "exact"
    return Derived("average", (total,), shown.normalize(), qualifier, years)


def _alike(a: Indicator, b: Indicator) -> bool:
    return (bool(a.measure) and a.measure == b.measure and a.unit.base == b.unit.base
            and a.unit.base in _AMOUNT_BASES)


def derive(lib: Library, region: str, benchmark: str | None, limit: int) -> list[Derived]:
    """The derived figures worth showing for ``region``, most telling first."""
    mine = list(lib.indicators_of(region))
    out: list[Derived] = []
    # Progress toward the region's own target: the latest actual on the target's measure.
    for target in (i for i in mine if i.qualifier == "target"):
        actuals = [i for i in mine if _alike(i, target) and i.qualifier != "target"
                   and i.period.kind in ("year", "months", "half", "quarter", "month") and i.period.end]
        if actuals:
            latest = max(actuals, key=lambda i: (i.period.end, i.id))
            if latest.period.end <= target.period.end and (d := compute("progress", latest, target)):
                out.append(d)
    # Share of a parent region, same measure and period.
    parents = rules.ancestors(lib, region)
    for ind in mine:
        for parent in parents:
            whole = [p for p in lib.indicators_of(parent) if _alike(p, ind)
                     and p.period.comparable_key == ind.period.comparable_key and p.period.end]
            # A share under 1% tells the reader only that the parent is far larger.
            if whole and (d := compute("share", ind, whole[0])) and d.value >= 1:
                out.append(d)
                break
    # The benchmark as a multiple of the region, same measure and period.
    if benchmark:
        for ind in mine:
            for other in lib.indicators_of(benchmark):
                if _alike(other, ind) and ind.period.end \
                        and other.period.comparable_key == ind.period.comparable_key \
                        and (d := compute("ratio", other, ind)):
                    out.append(d)
    # A multi-year total as a yearly figure, comparable with the one-year figures beside it.
    out += [d for ind in mine if (d := average(ind))]
    seen, unique = set(), []
    for d in out:
        key = (d.kind, tuple(i.id for i in d.inputs))
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique[:limit]
