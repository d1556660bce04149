"""Figure 1 in one language: a chart plan's figures as bars, caption, alt text and source."""
from __future__ import annotations

from ..document import Bar, Chart, Figure, Text
from ..library import Library
from ..library.model import Indicator
from ..library.units import format_value
from ..plan.figures import ChartPlan, display, shared_label
from .cite import Citations
from .narrative import Phrases


def _axis_label(ind: Indicator, lang: str) -> str:
    return display(ind, lang)[1]


def _source_line(words: Phrases, cites: Citations, inds: list[Indicator], notes: list[str],
                 period: str = "") -> tuple:
    """The chart's source marks, then its period, or where its periods differ."""
    zh = words.source_line().endswith("：")
    source: list = [Text(words.source_line() + ("" if zh else " "))]
    for n, mark in enumerate(dict.fromkeys(cites.cite(i.source, i.section) for i in inds)):
        if n:
            source.append(Text("；" if zh else "; "))   # "[1, §3.1]; [2, para 1]", not run together
        source.append(mark)
    # The marks close a sentence of their own before the note on periods: "……[6, §3.3]。各项数据……".
    source.append(Text("。" if zh else "."))
    if notes:
        source.append(Text(("" if zh else " ") + words.chart_periods_note(("；" if zh else "; ").join(notes))))
    elif period:
        source.append(Text(("" if zh else " ") + words.chart_period(period)))
    return tuple(source)


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def figure(plan: ChartPlan, lib: Library, region: str, benchmark: str | None, lang: str,
           words: Phrases, cites: Citations) -> Figure:
    rname = lib.regions[region].name(lang)
    bname = lib.regions[benchmark].name(lang) if benchmark else ""
    first = plan.figures[0][0]
    unit_label = _axis_label(first, lang)
    # The title names what every bar measures, never one region's own wording of it.
    label = shared_label([i for group in plan.figures for i in group], lang, lib)
    notes: list[str] = []
    period = ""                       # peers and series name each bar's period in its label
    if plan.kind == "pair":
        bars = []
        for a, b in plan.figures:
            bars.append(Bar(shared_label((a, b), lang, lib), (display(a, lang)[0], display(b, lang)[0]),
                            (format_value(a.value, a.unit, a.qualifier, lang),
                             format_value(b.value, b.unit, b.qualifier, lang))))
        # Bars of one period name it under the chart; otherwise each bar says its periods.
        periods = list(dict.fromkeys(i.period.words(lang) for pair in plan.figures for i in pair))
        if len(periods) == 1:
            period = periods[0]
        else:
            for bar, (a, b) in zip(bars, plan.figures):
                pa, pb = a.period.words(lang), b.period.words(lang)
                if lang == "zh":
                    when = pa if pa == pb else f"{rname}{pa}，{bname}{pb}"
                else:
                    when = pa if pa == pb else f"{rname} {pa}, {bname} {pb}"
                # One bar: its periods alone, as before; several: each named by its measure.
                notes.append(when if len(bars) == 1 else f"{bar.label}{'：' if lang == 'zh' else ': '}{when}")
        series = (rname, bname)
        points = "; ".join(f"{bar.label}: {rname} {bar.value_labels[0]}, {bname} {bar.value_labels[1]}"
                           for bar in bars)
        alt_label = ", ".join(b.label for b in bars)
    else:
        inds = [f[0] for f in plan.figures]
        if plan.kind == "peers":
            bars = [Bar(lib.regions[i.region].name(lang) + _paren(i.period.words(lang), lang), (display(i, lang)[0],),
                        (format_value(i.value, i.unit, i.qualifier, lang),)) for i in inds]
            if len({i.period.comparable_key for i in inds}) > 1:
                notes.append(("；" if lang == "zh" else ", ").join(b.label for b in bars))
        else:
            bars = [Bar(i.period.words(lang), (display(i, lang)[0],), (format_value(i.value, i.unit, i.qualifier, lang),))
                    for i in inds]
        series = ("",)
        points = "; ".join(f"{b.label}: {b.value_labels[0]}" for b in bars)
        alt_label = label
    # One title, the caption under the picture; the picture itself carries none.
    chart = Chart(title="", series=series,
                  bars=tuple(bars), unit_label=unit_label, lang=lang)
    used = [i for pair in plan.figures for i in pair]
    return Figure(chart, words.chart_caption(plan.kind, rname, bname, label),
                  words.chart_alt(plan.kind, rname, bname, alt_label, points),
                  _source_line(words, cites, used, notes, period))
