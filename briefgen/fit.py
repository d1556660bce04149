"""fit(): shrink a plan until the brief fits its pages in every language.

The English and the Chinese brief of one spec are written from the same plan, so
the plan must fit both: each candidate plan is written in every language, the
page estimate (calibrated against the real layout) shrinks it quickly, and near
the budget the ``measure`` function the build hands in lays out the real pages.
The longest language decides.  Fitting knows no writer: without ``measure`` it
trusts the estimate alone.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Mapping, Protocol, Sequence

from .document import (Brief, BulletList, Callout, Figure, Heading, NumberedList, Paragraph,
                       References, Table, TableOfContents, plain)
from .plan import Argument, Plan


class Measured(Protocol):
    pages: int          # pages the layout fills
    filled: float       # pages, with the last one counted by how full it is
    pdf: bytes | None   # the laid-out PDF, when it was drawn


#: Lays out one brief and says how many pages it fills.
Measure = Callable[[Brief], Measured]
#: Writes one plan in one language.
Write = Callable[[Plan, str], Brief]


@dataclass(frozen=True)
class Fitted:
    plan: Plan
    briefs: Mapping[str, Brief]               # lang -> the brief written from the plan
    measured: Mapping[str, Measured]          # lang -> its measured layout, where one was made
    #: How many shrinks of the argument's budget the plan is: with ``plan.shorter``, all
    #: :func:`refit` needs to find the same plan again without fitting.
    step: int = 0


class Written(Mapping[str, Brief]):
    """A plan's briefs, each written the first time it is asked for (a refitted plan
    is usually wanted in one language only)."""

    def __init__(self, plan: Plan, langs: Sequence[str], write: Write) -> None:
        self._plan, self._langs, self._write = plan, tuple(langs), write
        self._briefs: dict[str, Brief] = {}

    def __getitem__(self, lang: str) -> Brief:
        if lang not in self._langs:
            raise KeyError(lang)
        if lang not in self._briefs:
            self._briefs[lang] = self._write(self._plan, lang)
        return self._briefs[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._langs)

    def __len__(self) -> int:
        return len(self._langs)


def refit(argument: Argument, step: int, shorter: bool, langs: Sequence[str], write: Write) -> Fitted | None:
    """The plan an earlier :func:`fit` of ``argument`` chose (``step`` shrinks, ``shorter``),
    its briefs written on demand; None if ``argument`` cannot shrink that far (then it
    is not the argument that was fitted)."""
    budget = argument.budget
    for _ in range(step):
        if not budget.can_shrink():
            return None
        budget = budget.shrink()
    plan = argument.cut(budget)
    if shorter:
        plan = replace(plan, shorter=True)
    return Fitted(plan, Written(plan, langs, write), {}, step)


def fit(argument: Argument, langs: Sequence[str], write: Write, measure: Measure | None = None,
        required: str | None = None, count: Measure | None = None) -> Fitted:
    """The largest cut of ``argument`` whose brief fits in every language of ``langs``.

    The budgets from the full one down form a chain in which each step only removes
    content, so the estimate falls along it: the first budget under the ceiling is
    found by bisection (five writes instead of thirty).  Only a language whose estimate
    is near the budget is laid out.  A language other than ``required`` whose templates
    cannot be written (a user's broken Chinese template, say) is left out of the fitting
    rather than failing a brief in another language; its own brief then fails with the
    template's message.

    ``count``, when given, lays a brief out only to count its pages (it need not draw
    the PDF, which costs as much again).  It serves the layouts whose file is not
    likely to be wanted: those of languages other than ``required``, and those of a
    brief about to be rewritten.  Either way the pages, and so the plan, are the same."""
    quick = _Layouts(measure, count or measure, required)
    chain = [argument.budget]
    while chain[-1].can_shrink():
        chain.append(chain[-1].shrink())
    drafts: dict[int, tuple[Plan, dict[str, Brief], dict[str, float]]] = {}
    langs = _writable(argument.cut(chain[0]), langs, write, required, drafts)
    # The language longest at the full budget is tried first: a cut it does not fit
    # into fails without the other language being written (an eighth fewer writes).
    longest_first = sorted(langs, key=lambda lang: -drafts[0][2][lang])

    # Neighbouring budgets often cut the same plan (a shrink of what the region has too
    # little of changes nothing): such a plan is written once per language.
    written: dict[tuple, tuple[Brief, float]] = {
        (_as_written(drafts[0][0]), lang): (brief, drafts[0][2][lang]) for lang, brief in drafts[0][1].items()}

    def estimate(n: int, lang: str) -> float:
        if n not in drafts:
            drafts[n] = (argument.cut(chain[n]), {}, {})
        plan, briefs, estimates = drafts[n]
        if lang not in estimates:
            key = (_as_written(plan), lang)
            if key not in written:
                brief = write(plan, lang)
                written[key] = (brief, estimate_pages(brief, lang))
            briefs[lang], estimates[lang] = written[key]
        return estimates[lang]

    def fits(n: int) -> bool:
        return all(estimate(n, lang) <= ceiling for lang in longest_first)

    def draft(n: int) -> tuple[Plan, dict[str, Brief], dict[str, float]]:
        for lang in langs:
            estimate(n, lang)
        plan, briefs, estimates = drafts[n]
        return plan, {lang: briefs[lang] for lang in langs}, {lang: estimates[lang] for lang in langs}

    pages = argument.budget.pages
    ceiling = pages - SAFETY_PAGES       # the estimate a brief may reach
    start = 0
    while True:
        n = _first_under(start, len(chain), fits)
        plan, briefs, estimates = draft(n)
        near = [lang for lang in langs if estimates[lang] > pages - CERTAIN_PAGES]
        if measure is None or not near:
            return _say_if_shorter(Fitted(plan, briefs, {}, n), estimates, write, quick)
        measured = {lang: quick(lang)(briefs[lang]) for lang in near}
        if all(m.pages <= pages for m in measured.values()) or n == len(chain) - 1:
            return _say_if_shorter(Fitted(plan, briefs, measured, n), estimates, write, quick)
        # The estimate was short by (filled - pages) for the longest language: cut that
        # much more in one go rather than measuring after every step.
        overshoot = max(m.filled for m in measured.values()) - pages
        ceiling = min(ceiling, max(estimates.values()) - overshoot - SAFETY_PAGES)
        start = n + 1


class _Layouts:
    """Which of the two layout functions fit() was given serves a language's layout."""

    def __init__(self, measure: Measure | None, count: Measure | None, required: str | None):
        self.measure, self.count, self.required = measure, count, required

    def __bool__(self) -> bool:
        return self.measure is not None

    def __call__(self, lang: str, drawn_wanted: bool = True) -> Measure:
        """The drawing layout for the required language's brief when its file is likely to
        be kept (``drawn_wanted``), else the one that only counts."""
        use = self.measure if drawn_wanted and self.required in (lang, None) else self.count
        assert use is not None
        return use


def _say_if_shorter(fitted: Fitted, estimates: Mapping[str, float], write: Write,
                    measure: _Layouts) -> Fitted:
    """``fitted``, its plan marked ``shorter`` and its briefs written again, if it holds
    everything the sources support (nothing was cut: its step is 0), something of which
    they hold too little (Plan.ran_out), and every language, the line that says why
    included, ends at least a page before the budget."""
    pages = fitted.plan.budget.pages
    if fitted.step or pages < 2 or not fitted.plan.ran_out():
        return fitted
    room = pages - 1                       # filled pages that leave the last page unused
    if not measure:
        # The estimate alone: shorter only if, off by its worst, it still leaves the page.
        if any(estimates[lang] + CERTAIN_PAGES > room for lang in fitted.briefs):
            return fitted
        plan = replace(fitted.plan, shorter=True)
        return Fitted(plan, Written(plan, list(fitted.briefs), write), {}, 0)
    # A brief the estimate puts past ``room`` is most likely the one returned: lay it out
    # (drawn, if its file is wanted) and keep the layout, so the build need not redo it.
    # The longest first: once one language reaches the last page the others need no layout.
    measured = dict(fitted.measured)
    for lang in sorted(fitted.briefs, key=lambda lang: -estimates[lang]):
        if lang not in measured and estimates[lang] > room:
            measured[lang] = measure(lang)(fitted.briefs[lang])
        if lang in measured and measured[lang].filled > room:
            return replace(fitted, measured=measured)
    # The shorter brief holds the unshortened one and a line, so where its layout ends
    # within ``room`` the unshortened one does too: one layout answers both questions.
    # It is needed only where the estimate, off by its worst, could reach past ``room``
    # with the line, or where a layout shows little room to spare.
    unsure = [lang for lang in fitted.briefs
              if (measured[lang].filled > room - CERTAIN_PAGES if lang in measured
                  else estimates[lang] + CERTAIN_PAGES + SHORTER_ROOM > room)]
    plan = replace(fitted.plan, shorter=True)
    briefs = Written(plan, list(fitted.briefs), write)   # the others are written when asked for
    shorter: dict[str, Measured] = {}
    for lang in unsure:
        shorter[lang] = measure(lang)(briefs[lang])
        if shorter[lang].pages > room:
            return replace(fitted, measured=measured)   # the brief, or the line, reaches the last page
    # The layouts made before lack the line; those of the shorter briefs are theirs.
    return Fitted(plan, briefs, shorter, 0)


def _as_written(plan: Plan) -> tuple:
    """What a brief written from ``plan`` depends on: the plan, of its budget only what the writer reads."""
    return replace(plan, budget=None), plan.budget.as_written()


def _first_under(lo: int, hi: int, fits: Callable[[int], bool]) -> int:
    """The first index in [lo, hi) where ``fits`` holds (it holds from there on), else hi - 1."""
    last = hi - 1
    if lo < last and fits(lo):
        # Most briefs fit uncut, or just after a measured overshoot: one write, not five.
        return lo
    while lo < last:
        mid = (lo + last) // 2
        if fits(mid):
            last = mid
        else:
            lo = mid + 1
    return last


def _writable(plan: Plan, langs: Sequence[str], write: Write, required: str | None,
              drafts: dict) -> list[str]:
    """The languages whose templates can write ``plan`` (the full budget's); their
    briefs become the first draft, so nothing is written twice."""
    from .errors import BriefgenError

    briefs = {}
    for lang in langs:
        try:
            briefs[lang] = write(plan, lang)
        except BriefgenError:
            if lang == required:
                raise
    drafts[0] = (plan, briefs, {lang: estimate_pages(b, lang) for lang, b in briefs.items()})
    return list(briefs)


#: Aim this far inside the budget, and lay out the real PDF to count its pages unless
#: the estimate is at least CERTAIN_PAGES inside it.  Over every built-in brief near
#: its budget the real layout ran at most 0.31 page past the calibrated estimate
#: (benchmarks/calibrate.py prints the spread; tests/test_matrix.py checks every
#: brief against its real PDF), so only briefs within that margin are measured.
SAFETY_PAGES = 0.05
CERTAIN_PAGES = 0.35
#: Room, in pages, kept for the line a shorter brief adds to say why it is shorter.
SHORTER_ROOM = 0.1




# Units: a Latin character is about 1.1 units wide, a Chinese one 2; a line of
# body text holds about LINE_UNITS units and a page about PAGE_LINES lines.
LINE_UNITS = 88
PAGE_LINES = 50


@functools.lru_cache(maxsize=8192)
def _width(text: str) -> float:
    # Cached: each shrink step re-estimates a brief whose text is mostly unchanged,
    # and the per-character lookup was a third of a warm brief's compose time.
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _lines(text: str, share: float = 1.0) -> int:
    return max(1, math.ceil(_width(text) / (LINE_UNITS * share)))


#: How far each kind of block's raw line count is from the real layout, by language:
#: fitted by least squares over every built-in brief near its budget, against the
#: pages the PDF writer really fills (``python benchmarks/calibrate.py`` refits and
#: prints these).  The raw counts alone overestimated English by up to two pages,
#: which made briefs give up content they had room for.
LINE_WEIGHTS = {
    "en": {"title": 0.96, "heading": 0.82, "para": 0.9, "list": 0.86, "callout": 0.87,
           "table": 0.72, "figure": 0.53, "refs": 0.76, "toc": 1.0},
    "zh": {"title": 0.63, "heading": 0.93, "para": 1.0, "list": 1.02, "callout": 1.26,
           "table": 0.75, "figure": 0.36, "refs": 0.77, "toc": 1.0},
}


def raw_lines(brief: Brief) -> dict[str, float]:
    """Body-text lines each kind of block would take at face value."""
    lines = dict.fromkeys(LINE_WEIGHTS["en"], 0.0)
    lines["title"] = 9.0 + _lines(brief.meta.title, 0.5) * 2
    for block in brief.blocks:
        if isinstance(block, Heading):
            lines["heading"] += {1: 3.0, 2: 2.2, 3: 1.8}[block.level] + _lines(block.text) - 1
        elif isinstance(block, Paragraph):
            lines["para"] += _lines(plain(block.inlines)) * (0.9 if block.role == "note" else 1.0) + 0.7
        elif isinstance(block, (BulletList, NumberedList)):
            lines["list"] += sum(_lines(plain(item), 0.93) + 0.4 for item in block.items) + 0.6
        elif isinstance(block, Callout):
            lines["callout"] += 3.0 + sum(_lines(plain(item), 0.88) + 0.5 for item in block.items)
        elif isinstance(block, Table):
            widths = block.widths or (1.0,) * len(block.header)
            total = sum(widths)
            lines["table"] += 3.5 + _lines(plain(block.note)) * 0.9
            for row in block.rows:
                lines["table"] += 0.6 + max(_lines(plain(cell), w / total * 0.92) for cell, w in zip(row, widths))
        elif isinstance(block, Figure):
            lines["figure"] += 4.0 + 3.2 * len(block.chart.bars) + 5
        elif isinstance(block, References):
            lines["refs"] += 3.0 + sum(_lines(f"[{r.number}] {r.text}", 0.95) * 0.85 + 0.3 for r in block.items)
        elif isinstance(block, TableOfContents):
            lines["toc"] += 3.0 + sum(1 for b in brief.blocks if isinstance(b, Heading) and b.level == 1)
    return lines


def estimate_pages(brief: Brief, lang: str) -> float:
    """About how many A4 pages the brief fills (title block included)."""
    weights = LINE_WEIGHTS["zh" if lang == "zh" else "en"]
    return sum(weights[kind] * n for kind, n in raw_lines(brief).items()) / PAGE_LINES
