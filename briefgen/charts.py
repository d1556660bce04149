"""Chart geometry: where each bar, grid line and label of a :class:`~briefgen.document.Chart` goes.

One layout, two thin renderers: the PDF writer draws it with reportlab's graphics
(vector, text extractable) and the HTML writer as inline SVG.  The Word writer
makes a native chart part instead and the Markdown writer a table; they share the
printed value labels (:func:`value_label`) and the series colours from here.

The chart is grouped horizontal bars: categories down the left, one bar per
series, the printed figure at each bar's end, a thin grid with tick values under
the plot, and the unit under those.  No title: the figure's caption is the title.
A legend only when there are two series or more.

Coordinates are points with the origin at the top left and y growing downwards
(as in SVG); a label's ``y`` is its baseline.  Text widths come from a
``measure(text, size)`` the caller passes: the PDF writer measures with the faces
it embeds, the SVG writer estimates (the browser picks the font).
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from . import characters
from .document import Chart

#: What a bar with no data says, per language, when the brief gives no label of its own.
NO_DATA = {"en": "n/a", "zh": "无数据"}

INK = "#222222"
GREY = "#5F6B77"
GRID = "#D9DEE3"
MUTED = "#A7B1BB"

Measure = Callable[[str, float], float]


@dataclass(frozen=True)
class Box:
    """A filled rectangle: a bar or a legend swatch."""

    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Rule:
    """A straight line: a grid line or the zero line."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float


@dataclass(frozen=True)
class Label:
    """A line of text; ``anchor`` is "start", "middle" or "end" of the text at ``x``."""

    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"
    colour: str = INK
    italic: bool = False
    #: What the text is (category, value, tick, unit, legend, empty): for renderers and tests.
    role: str = ""


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    #: Drawn in this order: the grid behind the bars, then the bars, the zero line, the text.
    grid: tuple[Rule, ...]
    boxes: tuple[Box, ...]
    rules: tuple[Rule, ...]
    labels: tuple[Label, ...]


# --------------------------------------------------------------------------- text

# Besides what the character policy refuses (briefgen/characters.py), line breaks, tabs
# and U+FEFF go: a chart label is one line, and they would print as empty boxes.
_ONE_LINE = re.compile("[\t\n\r\u2028\u2029\ufeff]")


def clean(text: str) -> str:
    """Chart text without control characters (they would print as empty boxes)."""
    return _ONE_LINE.sub("", characters.strip(text))


def value_label(chart: Chart, bar_index: int, series_index: int) -> str:
    """The figure printed at a bar's end: the brief's own wording, else the value, else "n/a"."""
    bar = chart.bars[bar_index]
    given = bar.value_labels[series_index] if series_index < len(bar.value_labels) else ""
    value = bar.values[series_index] if series_index < len(bar.values) else None
    if given.strip():
        return clean(given)
    if value is None:
        return NO_DATA.get(chart.lang, NO_DATA["en"])
    return f"{value:g}"


def series_names(chart: Chart) -> list[str]:
    """A name per series; a lone unnamed series is named by the chart's unit."""
    names = [clean(s).strip() for s in chart.series] or [""]
    return [name or clean(chart.unit_label).strip() or f"Series {i + 1}"
            for i, name in enumerate(names)]


def estimate_width(text: str, size: float) -> float:
    """A generous width for text set in a font the writer cannot measure (a browser's).

    Wide (CJK) characters take one em; anything else 0.62 em, a little over the
    digits of common sans faces, so room reserved from this is never too small."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.62 for ch in text)


def wrap(text: str, width: float, size: float, measure: Measure, max_lines: int = 3) -> list[str]:
    """``text`` in lines no wider than ``width``: at spaces, or between any two wide characters.

    A word longer than the line is cut; past ``max_lines`` the last line ends in "…"."""
    text = clean(text).strip()
    if not text:
        return []
    tokens = re.findall(r"\s+|[^\s\u2e80-\uffff]+|.", text)   # spaces, Latin words, single CJK chars
    lines: list[str] = []
    line = ""
    for token in tokens:
        trial = line + token
        if measure(trial.rstrip(), size) <= width or not line.strip():
            if measure(trial.strip(), size) > width and not line.strip():
                # A single token wider than the line: cut it where it overflows.
                for ch in token:
                    if line and measure(line + ch, size) > width:
                        lines.append(line)
                        line = ""
                    line += ch
                continue
            line = trial
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    lines = [ln.strip() for ln in lines if ln.strip()]
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and measure(last + "…", size) > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last.rstrip() + "…"]
    return lines


# --------------------------------------------------------------------------- scale

def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering ``lo..hi``."""
    if not (hi - lo) / target > 1e-300:     # no span (or one too small to divide): a unit scale
        hi = lo + 1.0
    raw = (hi - lo) / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    count = int(round((last - first) / step))
    # 12 significant digits drop float noise (0.30000000000000004) at any magnitude.
    return [float(f"{first + i * step:.12g}") for i in range(count + 1)]


def tick_text(value: float, step: float) -> str:
    """A tick value as printed: thousands separators, only the decimals the step needs."""
    decimals = next((d for d in range(7) if abs(round(step, d) - step) < 1e-9), 6)
    if value == 0:
        value = 0.0             # never "-0"
    return f"{value:,.{decimals}f}"


# --------------------------------------------------------------------------- colours

def series_colours(accent: str, n: int) -> tuple[str, ...]:
    """The accent first, a muted grey second, then tints of the accent for any further series."""
    base = (accent, MUTED)
    if n <= 2:
        return base[:max(n, 1)]
    value = accent.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    try:
        r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:          # not a hex colour: the writers report that; tint grey meanwhile
        r, g, b = (0x5F, 0x6B, 0x77)
    extra = []
    for i in range(n - 2):
        t = 0.35 + 0.4 * (i + 1) / (n - 1)          # mixed with white: lighter for later series
        extra.append("#" + "".join(f"{round(c + (255 - c) * t):02X}" for c in (r, g, b)))
    return base + tuple(extra)


# --------------------------------------------------------------------------- layout

@functools.lru_cache(maxsize=64)
def layout(chart: Chart, width: float, size: float, accent: str, measure: Measure) -> Layout:
    """Place every part of ``chart`` in a box ``width`` points wide, text at ``size`` points."""
    n_series = max(1, len(chart.series))
    colours = series_colours(accent, n_series)
    lang = chart.lang
    pad = size * 0.45                      # between a bar's end and its label
    line_h = size * 1.22
    bar_h = size * (1.3 if n_series == 1 else 1.15)
    group_gap = size * 0.75
    tick_size = size * 0.9
    boxes: list[Box] = []
    rules: list[Rule] = []
    labels: list[Label] = []

    if not chart.bars:
        # Nothing to plot: say so rather than draw an axis over an empty range.
        height = size * 4
        labels.append(Label(width / 2, height / 2 + size * 0.35, NO_DATA.get(lang, NO_DATA["en"]),
                            size, "middle", GREY, role="empty"))
        return Layout(width, height, (), (), (), tuple(labels))

    # Legend: swatch and name per series, flowing onto more rows if it must.
    y = 0.0
    if len(chart.series) >= 2:
        swatch = size * 0.8
        x = 0.0
        row_y = size * 0.95
        for s, name in enumerate(chart.series):
            name = clean(name)
            item_w = swatch + size * 0.4 + measure(name, size)
            if x and x + item_w > width:
                x, row_y = 0.0, row_y + line_h
            boxes.append(Box(x, row_y - swatch * 0.9, swatch, swatch, colours[s]))
            labels.append(Label(x + swatch + size * 0.4, row_y, name, size, role="legend"))
            x += item_w + size * 1.4
        y = row_y + size * 0.9

    # Category labels: a column at most a third of the width, each label wrapped to fit it.
    column_max = width * 0.34
    wrapped = [wrap(bar.label, column_max, size, measure) for bar in chart.bars]
    column = max((measure(line, size) for lines in wrapped for line in lines), default=0.0)
    x0 = column + size * 0.8 if column else 0.0
    available = width - x0

    # The value scale: round ticks covering the data and zero.
    values = [v for bar in chart.bars for v in bar.values[:n_series] if v is not None]
    lo_v, hi_v = min([0.0, *values]), max([0.0, *values])
    ticks = nice_ticks(lo_v, hi_v)
    step = ticks[1] - ticks[0]
    texts = [[value_label(chart, i, s) for s in range(n_series)] for i in range(len(chart.bars))]

    def plot_width(lo: float, hi: float) -> float:
        """The widest plot that keeps every end label, and the last tick's value, inside ``width``."""
        span = hi - lo
        best = available - measure(tick_text(hi, step), tick_size) / 2
        for i, bar in enumerate(chart.bars):
            for s in range(n_series):
                value = bar.values[s] if s < len(bar.values) else None
                at = max(value if value is not None else 0.0, 0.0)   # negatives label leftwards
                share = (at - lo) / span
                room = available - pad - measure(texts[i][s], size)
                if share > 0:
                    best = min(best, room / share)
        return max(best, available * 0.3)

    lo, hi = ticks[0], ticks[-1]
    for _ in range(12):
        pw = plot_width(lo, hi)
        # A negative bar's label goes left of its end: widen the scale leftwards until it fits.
        short = any(v is not None and v < 0 and (v - lo) / (hi - lo) * pw < pad + measure(texts[i][s], size)
                    for i, bar in enumerate(chart.bars) for s, v in enumerate(bar.values[:n_series]))
        if not short:
            break
        lo = float(f"{lo - step:.12g}")
        ticks.insert(0, lo)

    def at(value: float) -> float:
        return x0 + (value - lo) / (hi - lo) * pw

    # Bars, their labels, and the category labels beside each group.
    plot_top = y + size * 0.3
    y = plot_top
    for i, bar in enumerate(chart.bars):
        lines = wrapped[i]
        group_h = max(n_series * bar_h, len(lines) * line_h)
        bars_top = y + (group_h - n_series * bar_h) / 2
        for s in range(n_series):
            value = bar.values[s] if s < len(bar.values) else None
            top = bars_top + s * bar_h
            baseline = top + bar_h / 2 + size * 0.35
            if value is None:
                labels.append(Label(at(0.0) + pad, baseline, texts[i][s], size, "start", GREY,
                                    italic=lang != "zh", role="value"))
                continue
            left, right = sorted((at(0.0), at(value)))
            boxes.append(Box(left, top + bar_h * 0.06, right - left, bar_h * 0.88, colours[s]))
            if value >= 0:
                labels.append(Label(right + pad, baseline, texts[i][s], size, "start", role="value"))
            else:
                labels.append(Label(left - pad, baseline, texts[i][s], size, "end", role="value"))
        first = y + group_h / 2 - (len(lines) - 1) * line_h / 2 + size * 0.35
        for k, line in enumerate(lines):
            labels.append(Label(0.0, first + k * line_h, line, size, role="category"))
        y += group_h + group_gap
    plot_bottom = y - group_gap * 0.5

    # Grid at the ticks behind the bars, the zero line over the grid, tick values below.
    grid = tuple(Rule(at(t), plot_top, at(t), plot_bottom, GRID, 0.5) for t in ticks if t != 0)
    rules.append(Rule(at(0.0), plot_top, at(0.0), plot_bottom, MUTED, 0.8))
    tick_y = plot_bottom + tick_size * 1.25
    for t in ticks:
        text = tick_text(t, step)
        half = measure(text, tick_size) / 2
        x = min(max(at(t), half), width - half)     # the outermost values stay on the page
        labels.append(Label(x, tick_y, text, tick_size, "middle", GREY, role="tick"))
    height = tick_y + tick_size * 0.4
    unit = clean(chart.unit_label).strip()
    if unit:
        labels.append(Label(x0 + pw / 2, tick_y + tick_size * 1.45, unit, tick_size, "middle", GREY,
                            role="unit"))
        height = tick_y + tick_size * 1.85
    return Layout(round(width, 3), round(height, 3), grid, tuple(boxes), tuple(rules), tuple(labels))
