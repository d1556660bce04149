"""Figures in words: the value as the source prints it, or converted exactly.

Content stores each figure as printed (3586.8 亿元).  Chinese briefs show it that
way; English briefs convert it with exact decimal arithmetic (RMB 358.68
billion), never rounding, so the English figure is the same quantity.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

QUALIFIERS = ("exact", "over", "nearly", "about", "at-least", "up-to", "cumulative", "target", "growth")

_QUALIFIER_WORDS = {
    "en": {"over": "over ", "nearly": "nearly ", "about": "about ", "at-least": "at least ",
           "up-to": "up to ", "cumulative": "", "target": "", "growth": "", "exact": ""},
    "zh": {"over": "超过", "nearly": "近", "about": "约", "at-least": "不少于",
           "up-to": "最多", "cumulative": "累计", "target": "", "growth": "", "exact": ""},
}


@dataclass(frozen=True)
class Unit:
    unit: str            # as printed: 亿元
    en: str              # English words for the unit itself: "RMB 100 million"
    base: str | None     # CNY | USD | count | tonne ... ; None = shown as is
    factor: Decimal


_CURRENCY = {"CNY": "RMB", "USD": "USD"}
_SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def _plain(d: Decimal) -> str:
    """A decimal without exponent or trailing zeros, with thousands separators."""
    d = d.normalize()
    if d == d.to_integral_value():
        return f"{int(d):,}"
    whole, frac = f"{d:f}".split(".")
    return f"{int(whole):,}.{frac}"


def _scaled(amount: Decimal) -> str:
    for scale, word in _SCALES:
        if abs(amount) >= scale:
            return f"{_plain(amount / scale)} {word}"
    return _plain(amount)


def _ordinal(value: str) -> str:
    d = Decimal(value)
    if d != d.to_integral_value():
        return value          # not a whole place: shown as printed
    n = int(d)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_value(value: str, unit: Unit, qualifier: str, lang: str) -> str:
    """One figure, qualifier included, as a reader of ``lang`` expects it."""
    q = _QUALIFIER_WORDS[lang].get(qualifier, "")
    if unit.base == "rank":
        # A place in a ranking: "5th place" / 第5位, never "5 place (rank)".
        return f"{q}第{value}{unit.unit}" if lang == "zh" else f"{q}{_ordinal(value)} {unit.en}"
    if lang == "zh":
        # Chinese sets a number against a Chinese unit with no space (40亿元, 25%);
        # a Latin unit a user adds (TEU) keeps one.
        sep = " " if unit.unit[:1].isascii() and unit.unit[:1].isalpha() else ""
        return f"{q}{value}{sep}{unit.unit}"
    amount = Decimal(value) * unit.factor
    if unit.base in _CURRENCY:
        return f"{q}{_CURRENCY[unit.base]} {_scaled(amount)}"
    if unit.unit == "%":
        return f"{q}{value}%"
    if unit.base is None:
        return f"{q}{value} {unit.en}".rstrip()
    number = _scaled(amount) if amount >= 10 ** 6 else _plain(amount)
    return f"{q}{number} {unit.en}".rstrip()


def chart_value(value: str, unit: Unit) -> float:
    """The value in the unit's base, for plotting on a common scale."""
    return float(Decimal(value) * unit.factor)
