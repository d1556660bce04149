"""Periods as the content writes them ("2024", "2025 Jan-Aug", "since 2015"...).

A period is kept as the text the curator wrote; this module checks its grammar,
says when it ends (for ``--as-of`` editions and for comparing like with like)
and words it for each language.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_M = "|".join(MONTHS)

GRAMMAR = ("YYYY | YYYY-YYYY | 'YYYY to mid-YYYY' | YYYY-MM | 'YYYY Jan-Aug' | 'YYYY H1' | 'YYYY Q3' | "
           "'since YYYY' | 'by YYYY' | 'as of YYYY-MM' | 'as of YYYY H1' | 'as of YYYY end' | unspecified")


@dataclass(frozen=True)
class Period:
    text: str
    kind: str            # year | years | month | months | half | quarter | since | by | as-of | unspecified
    start: date | None
    end: date | None     # the last day the figure covers (None: unknown)

    @property
    def comparable_key(self) -> str:
        """Two figures are comparable only if their periods have the same shape and end."""
        return f"{self.kind}:{self.end}"

    def words(self, lang: str) -> str:
        return describe(self, lang)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse(text: str) -> Period:
    """Parse a period; raises ValueError naming the grammar if it does not fit."""
    t = text.strip()
    if t == "unspecified":
        return Period(t, "unspecified", None, None)
    if m := re.fullmatch(r"(\d{4})", t):
        y = int(m[1])
        return Period(t, "year", date(y, 1, 1), date(y, 12, 31))
    if m := re.fullmatch(r"(\d{4})-(\d{4})", t):
        a, b = int(m[1]), int(m[2])
        if b <= a:
            raise ValueError(f"period {text!r}: the range must run forwards")
        return Period(t, "years", date(a, 1, 1), date(b, 12, 31))
    if m := re.fullmatch(r"(\d{4}) to mid-(\d{4})", t):
        # "2023年至2024年中期": a run of years that ends in the middle of the last one.
        a, b = int(m[1]), int(m[2])
        if b <= a:
            raise ValueError(f"period {text!r}: the range must run forwards")
        return Period(t, "years", date(a, 1, 1), date(b, 6, 30))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise ValueError(f"period {text!r}: month must be 01-12")
        return Period(t, "month", date(y, mo, 1), _month_end(y, mo))
    if m := re.fullmatch(rf"(\d{{4}}) ({_M})-({_M})", t):
        y = int(m[1])
        a, b = MONTHS.index(m[2]) + 1, MONTHS.index(m[3]) + 1
        if b <= a:
            raise ValueError(f"period {text!r}: the months must run forwards")
        return Period(t, "months", date(y, a, 1), _month_end(y, b))
    if m := re.fullmatch(r"(\d{4}) H([12])", t):
        y, h = int(m[1]), int(m[2])
        return Period(t, "half", date(y, 1 if h == 1 else 7, 1), _month_end(y, 6 if h == 1 else 12))
    if m := re.fullmatch(r"(\d{4}) Q([1-4])", t):
        y, q = int(m[1]), int(m[2])
        return Period(t, "quarter", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if m := re.fullmatch(r"since (\d{4})", t):
        return Period(t, "since", date(int(m[1]), 1, 1), None)
    if m := re.fullmatch(r"by (\d{4})", t):
        y = int(m[1])
        return Period(t, "by", None, date(y, 12, 31))
    if m := re.fullmatch(r"as of (\d{4})-(\d{2})", t):
        y, mo = int(m[1]), int(m[2])
        return Period(t, "as-of", None, _month_end(y, mo))
    # "截至2024年上半年", "截至2024年底": kept in the source's words, not turned into a month.
    if m := re.fullmatch(r"as of (\d{4}) (H1|end)", t):
        y = int(m[1])
        return Period(t, "as-of", None, _month_end(y, 6 if m[2] == "H1" else 12))
    raise ValueError(f"period {text!r} does not fit the grammar: {GRAMMAR}")


def describe(p: Period, lang: str) -> str:
    """The period in words: "2025 Jan–Aug" / "2025年1—8月"."""
    t = p.text
    zh = lang == "zh"
    if p.kind == "unspecified":
        return "未注明时间" if zh else "period not stated"
    if p.kind == "year":
        return f"{t}年" if zh else t
    if p.kind == "years" and " to mid-" in t:
        a, b = t.split(" to mid-")
        return f"{a}年至{b}年中期" if zh else f"{a} to mid-{b}"
    if p.kind == "years":
        a, b = t.split("-")
        return f"{a}—{b}年" if zh else f"{a}–{b}"
    if p.kind == "month":
        y, m = t.split("-")
        return f"{y}年{int(m)}月" if zh else f"{MONTHS[int(m) - 1]} {y}"
    if p.kind == "months":
        y, rng = t.split(" ")
        a, b = rng.split("-")
        ia, ib = MONTHS.index(a) + 1, MONTHS.index(b) + 1
        return f"{y}年{ia}—{ib}月" if zh else f"{y} {a}–{b}"
    if p.kind == "half":
        y, h = t.split(" ")
        return f"{y}年{'上' if h == 'H1' else '下'}半年" if zh else f"{'first' if h == 'H1' else 'second'} half of {y}"
    if p.kind == "quarter":
        y, q = t.split(" ")
        return f"{y}年第{'一二三四'[int(q[1]) - 1]}季度" if zh else f"{y} {q}"
    y = t.split(" ")[-1]
    if p.kind == "since":
        return f"{y}年以来累计" if zh else f"cumulative since {y}"
    if p.kind == "by":
        return f"到{y}年" if zh else f"by {y}"
    if p.kind == "as-of" and t.endswith((" H1", " end")):
        yy, mark = t.split(" ")[-2:]
        if mark == "H1":
            return f"截至{yy}年上半年" if zh else f"as of the first half of {yy}"
        return f"截至{yy}年底" if zh else f"as of the end of {yy}"
    if p.kind == "as-of":
        yy, mm = y.split("-")
        return f"截至{yy}年{int(mm)}月" if zh else f"as of {MONTHS[int(mm) - 1]} {yy}"
    raise AssertionError(p.kind)
