"""Charts: draw a :class:`~briefgen.document.Chart` as a PNG that every writer can embed.

The PDF and Word writers both call :func:`render_png`, so a chart looks the same
in both.  matplotlib is imported inside the function: ``briefgen --help`` and the
Markdown writer never pay for it.
"""
from __future__ import annotations

import functools
import io
import logging
import textwrap
import threading

from . import characters
from .document import Chart
from .fonts import font_set
from .style import HouseStyle

#: What a bar with no data says, per language, when the brief gives no label of its own.
NO_DATA = {"en": "n/a", "zh": "无数据"}

# matplotlib's font manager and rcParams are process-global and not thread-safe,
# so registration and drawing happen under one lock; results are cached anyway.
_LOCK = threading.RLock()
_REGISTERED: dict[str, str] = {}

_INK = "#222222"
_GREY = "#5F6B77"
_GRID = "#D9DEE3"
_MUTED = "#A7B1BB"


def _quiet_weight_fallback(record: logging.LogRecord) -> bool:
    """Drop matplotlib's warning that a CJK face has no bold weight: regular is what we want."""
    return "Failed to find font weight" not in record.getMessage()


def _register(path: str) -> str:
    """Register a font file with matplotlib once and return its family name."""
    if path not in _REGISTERED:
        from matplotlib import font_manager

        if not _REGISTERED:
            logging.getLogger("matplotlib.font_manager").addFilter(_quiet_weight_fallback)

        font_manager.fontManager.addfont(path)
        _REGISTERED[path] = font_manager.FontProperties(fname=path).get_name()
    return _REGISTERED[path]


def _series_colours(style: HouseStyle, n: int) -> list[str]:
    """The accent first, a muted grey second, then tints of the accent for any further series."""
    base = [style.accent, _MUTED]
    if n <= 2:
        return base[:n]
    from matplotlib.colors import to_hex, to_rgb

    r, g, b = to_rgb(style.accent)
    extra = []
    for i in range(n - 2):
        t = 0.35 + 0.4 * (i + 1) / (n - 1)          # mix with white: lighter for later series
        extra.append(to_hex((r + (1 - r) * t, g + (1 - g) * t, b + (1 - b) * t)))
    return base + extra


def _label(chart: Chart, bar_index: int, series_index: int) -> str:
    """The figure printed at a bar's end: the brief's own wording, else the value, else "n/a"."""
    bar = chart.bars[bar_index]
    given = bar.value_labels[series_index] if series_index < len(bar.value_labels) else ""
    value = bar.values[series_index] if series_index < len(bar.values) else None
    if given:
        return given
    if value is None:
        return NO_DATA.get(chart.lang, NO_DATA["en"])
    return f"{value:g}"


def _text(s: str) -> str:
    """Chart text without what the character policy refuses, nor tabs (they print as boxes)."""
    return characters.strip(s).replace("\t", "")


def _category(label: str, lang: str) -> str:
    """A category label wrapped to at most three short lines, so long names do not squeeze the bars."""
    label = _text(label)
    width = 14 if lang == "zh" else 28
    if lang == "zh":
        lines = [label[i:i + width] for i in range(0, len(label), width)] or [""]
    else:
        lines = textwrap.wrap(label, width, break_long_words=True) or [""]
    if len(lines) > 3:
        lines = lines[:3]
        lines[2] = lines[2][:-1] + "…"
    return "\n".join(lines)


def _fit_end_labels(fig, ax, labels: list, pad: float, rect: tuple) -> None:
    """Widen the value axis until every label at a bar's end lies inside the plot.

    A label's width is fixed in pixels while the axis is in data units, so the
    needed limit is solved for directly: with the axes ``W`` pixels wide showing
    ``lo..hi``, a label ``w`` pixels wide at ``x`` ends inside when
    ``x + w * (hi - lo) / W <= hi``.  Measured twice, since the new limits bring
    new tick labels that can narrow the axes; a 6% margin absorbs what is left."""
    if not labels:
        return
    for _ in range(2):
        renderer = fig.canvas.get_renderer()
        axes_px = ax.get_window_extent(renderer).width
        lo, hi = ax.get_xlim()
        new_lo, new_hi = lo, hi
        for artist, value in labels:
            share = min(artist.get_window_extent(renderer).width * 1.06 / axes_px, 0.6)
            if value >= 0:      # value + pad + share * (hi - lo) <= hi
                new_hi = max(new_hi, (value + pad - share * lo) / (1 - share))
            else:               # value - pad - share * (hi - lo) >= lo
                new_lo = min(new_lo, (value - pad - share * hi) / (1 - share))
        if (new_lo, new_hi) == (lo, hi):
            return
        ax.set_xlim(new_lo, new_hi)
        fig.tight_layout(pad=0.3, rect=rect)


def render_png(chart: Chart, style: HouseStyle, width_in: float = 6.3, dpi: int = 220) -> bytes:
    """Draw ``chart`` as grouped horizontal bars and return deterministic PNG bytes."""
    return _render_png(chart, style, float(width_in), int(dpi))


@functools.lru_cache(maxsize=64)
def _render_png(chart: Chart, style: HouseStyle, width_in: float, dpi: int) -> bytes:
    with _LOCK:
        return _draw(chart, style, width_in, dpi)


def _draw(chart: Chart, style: HouseStyle, width_in: float, dpi: int) -> bytes:
    # Figure + FigureCanvasAgg, never pyplot: no global figure registry, and the
    # backend of a user's own session (Jupyter, say) is left alone.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fonts = font_set(style.font_latin, style.font_cjk)
    latin = _register(str(fonts.latin.path))
    _register(str(fonts.latin_bold.path))      # same family: bold for the title,
    _register(str(fonts.latin_italic.path))    # italic for "n/a"
    cjk = _register(str(fonts.cjk.path))
    # matplotlib falls back along the family list glyph by glyph, like fonts.split_runs.
    family = [cjk, latin] if chart.lang == "zh" else [latin, cjk]

    n_series = max(1, len(chart.series))
    n_bars = len(chart.bars)
    colours = _series_colours(style, n_series)
    size = style.body_size * 0.85

    rc = {
        "font.family": family,
        "font.size": size,
        "axes.unicode_minus": False,   # Vera and WenQuanYi both lack U+2212 in places
        "text.parse_math": False,      # "$100 to $200" is money, not mathtext
        "text.color": _INK,
        "axes.labelcolor": _GREY,
        "xtick.color": _GREY,
        "ytick.color": _INK,
    }
    with matplotlib.rc_context(rc):
        group_h = 0.2 * n_series + 0.2           # inches per category
        height_in = 1.3 + max(1, n_bars) * group_h
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)

        bar_h = 0.8 / n_series
        values = [v for b in chart.bars for v in b.values if v is not None]
        vmax = max([0.0, *values])
        vmin = min([0.0, *values])
        span = (vmax - vmin) or 1.0
        pad = span * 0.02

        end_labels = []                           # (text artist, value) at the bar ends
        for s in range(n_series):
            for i, bar in enumerate(chart.bars):
                y = i + (s - (n_series - 1) / 2) * bar_h
                value = bar.values[s] if s < len(bar.values) else None
                text = _text(_label(chart, i, s))
                if value is None:
                    ax.text(pad, y, text, va="center", ha="left", color=_GREY,
                            fontsize=size * 0.92, style="italic" if chart.lang != "zh" else "normal")
                    continue
                ax.barh(y, value, height=bar_h * 0.9, color=colours[s], linewidth=0)
                end_labels.append((ax.text(value + (pad if value >= 0 else -pad), y, text,
                                           va="center", ha="left" if value >= 0 else "right",
                                           color=_INK, fontsize=size * 0.92), value))

        if not chart.bars:
            # Nothing to plot: say so rather than draw an axis over an empty range.
            ax.text(0.5, 0.5, NO_DATA.get(chart.lang, NO_DATA["en"]), transform=ax.transAxes,
                    ha="center", va="center", color=_GREY)
            ax.set_xticks([])
        ax.set_yticks(range(n_bars))
        ax.set_yticklabels([_category(b.label, chart.lang) for b in chart.bars])
        ax.invert_yaxis()                           # first category at the top, as it is read
        # Room at the bar ends for the value labels.
        ax.set_xlim(vmin - (span * 0.14 if vmin < 0 else 0), vmax + span * 0.14)
        ax.set_ylim(max(n_bars, 1) - 0.5, -0.5)
        ax.set_xlabel(_text(chart.unit_label))
        # Whole numbers with thousands separators: never a "1e6" offset the reader must decode.
        from matplotlib.ticker import FuncFormatter
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10 else f"{v:g}"))
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(_GRID)
        ax.tick_params(axis="y", length=0, pad=6)
        ax.tick_params(axis="x", length=0)
        ax.xaxis.grid(True, color=_GRID, linewidth=0.6)
        ax.set_axisbelow(True)

        # Title and legend sit flush with the figure's left edge, over the category labels,
        # so they line up with the caption and the text column in both writers.  Their band
        # is measured in points, then the axes get the rest through tight_layout.
        title_pt = size * 1.12 * 1.45 if chart.title else 0.0
        # A legend of one series that only repeats the title tells the reader nothing.
        legend = bool(chart.series) and not (len(chart.series) == 1
                                             and chart.series[0].strip() == chart.title.strip())
        legend_pt = size * 0.92 * 1.9 if legend else 0.0
        band_pt = title_pt + legend_pt + (size * 0.5 if title_pt or legend_pt else 0.0)
        top = 1 - band_pt / 72 / height_in
        if chart.title:
            title = fig.text(0.0, 1 - 1.5 / 72 / height_in, _text(chart.title), ha="left", va="top",
                             fontsize=size * 1.12, fontweight="bold", color=_INK)
            if chart.lang == "zh":
                # The CJK font has no bold face: a thin outline in the ink colour stands in.
                from matplotlib import patheffects

                title.set_path_effects([patheffects.withStroke(
                    linewidth=size * 1.12 / 30, foreground=_INK)])
        if legend:
            handles = [Patch(facecolor=colours[s], label=_text(name))
                       for s, name in enumerate(chart.series)]
            fig.legend(handles=handles, loc="upper left",
                       bbox_to_anchor=(0.0, 1 - title_pt / 72 / height_in),
                       ncols=min(len(handles), 4), frameon=False, borderaxespad=0.0,
                       handlelength=1.0, handleheight=0.8, handletextpad=0.5,
                       columnspacing=1.4, fontsize=size * 0.92, borderpad=0.1)
        fig.tight_layout(pad=0.3, rect=(0.0, 0.0, 1.0, top))
        _fit_end_labels(fig, ax, end_labels, pad, (0.0, 0.0, 1.0, top))

        out = io.BytesIO()
        # No Software/date chunks: the same chart gives the same bytes on any day.
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None},
                    facecolor="white")
    return out.getvalue()
