"""The chart geometry (briefgen.charts.layout) that the PDF and SVG renderers both draw.

Checked as a reader sees the picture: every label inside it, bars as long as their
values say, the first category on top, a legend only for two series or more, no
title inside, round tick values covering the data.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen import charts
from briefgen.document import Bar, Chart
from briefgen.style import HouseStyle

STYLE = HouseStyle()
WIDTH = 480.0
SIZE = 9.0

EN = Chart(title="CBEC trade", series=("Suqian", "Hangzhou"),
           bars=(Bar("2023", (80.0, 1000.0), ("80", "1000")), Bar("2024", (100.0, None), ("100", ""))),
           unit_label="RMB billion", lang="en")
ZH = Chart(title="进出口额", series=("宿迁", "杭州"),
           bars=(Bar("2023年", (80.0, 1000.0), ("80", "1000")), Bar("2024年", (100.0, None))),
           unit_label="亿元", lang="zh")


def pdf_measure():
    """The PDF writer's own measure: the widths of the faces it embeds."""
    from briefgen.writers import pdf

    faces = pdf._faces(STYLE.font_latin, STYLE.font_cjk)
    return pdf._measurer(faces, faces.fonts.order("en"))


def extent(label: charts.Label, measure) -> tuple[float, float]:
    width = measure(label.text, label.size)
    left = label.x - {"start": 0.0, "middle": width / 2, "end": width}[label.anchor]
    return left, left + width


def roles(geo: charts.Layout, role: str) -> list[charts.Label]:
    return [label for label in geo.labels if label.role == role]


@pytest.mark.parametrize("measure", [charts.estimate_width, "pdf"])
@pytest.mark.parametrize("chart", [EN, ZH])
def test_every_label_lies_inside_the_picture(chart, measure):
    measure = pdf_measure() if measure == "pdf" else measure
    geo = charts.layout(chart, WIDTH, SIZE, STYLE.accent, measure)
    for label in geo.labels:
        left, right = extent(label, measure)
        assert -0.01 <= left and right <= WIDTH + 0.01, label
        assert 0 < label.y <= geo.height, label


def test_bars_are_as_long_as_their_values_and_the_first_category_is_on_top():
    geo = charts.layout(EN, WIDTH, SIZE, STYLE.accent, charts.estimate_width)
    bars = [b for b in geo.boxes if b.h > SIZE]          # legend swatches are smaller
    assert len(bars) == 3                                 # 2024 has no Hangzhou figure
    suqian_2023, hangzhou_2023, suqian_2024 = bars
    assert hangzhou_2023.w / suqian_2023.w == pytest.approx(1000 / 80)
    assert suqian_2024.w / suqian_2023.w == pytest.approx(100 / 80)
    assert suqian_2023.y < hangzhou_2023.y < suqian_2024.y
    assert [label.text for label in roles(geo, "category")] == ["2023", "2024"]
    cats = roles(geo, "category")
    assert cats[0].y < cats[1].y
    assert {suqian_2023.fill, suqian_2024.fill} == {STYLE.accent} and hangzhou_2023.fill == charts.MUTED


def test_value_labels_sit_at_the_bar_ends_and_missing_figures_say_so():
    geo = charts.layout(EN, WIDTH, SIZE, STYLE.accent, charts.estimate_width)
    bars = [b for b in geo.boxes if b.h > SIZE]
    values = roles(geo, "value")
    assert [v.text for v in values] == ["80", "1000", "100", "n/a"]
    for bar, label in zip(bars, values):
        assert label.x == pytest.approx(bar.x + bar.w + SIZE * 0.45)
    assert values[-1].italic and values[-1].colour == charts.GREY
    zh = charts.layout(ZH, WIDTH, SIZE, STYLE.accent, charts.estimate_width)
    assert [v.text for v in roles(zh, "value")][-1] == "无数据"
    assert not roles(zh, "value")[-1].italic          # Chinese has no italic


def test_no_title_inside_and_a_legend_only_for_two_series_or_more():
    geo = charts.layout(EN, WIDTH, SIZE, STYLE.accent, charts.estimate_width)
    assert "CBEC trade" not in [label.text for label in geo.labels]
    assert [label.text for label in roles(geo, "legend")] == ["Suqian", "Hangzhou"]
    one = Chart("", ("Suqian",), (Bar("2023", (80.0,)), Bar("2024", (100.0,))), "RMB billion")
    assert roles(charts.layout(one, WIDTH, SIZE, STYLE.accent, charts.estimate_width), "legend") == []


def test_ticks_are_round_and_cover_the_data():
    geo = charts.layout(EN, WIDTH, SIZE, STYLE.accent, charts.estimate_width)
    assert [t.text for t in roles(geo, "tick")] == ["0", "200", "400", "600", "800", "1,000"]
    assert [u.text for u in roles(geo, "unit")] == ["RMB billion"]
    assert charts.nice_ticks(0, 3_747_000) == [0, 1e6, 2e6, 3e6, 4e6]
    assert charts.nice_ticks(-5, 3) == [-6, -4, -2, 0, 2, 4]
    assert [charts.tick_text(t, 2.5) for t in (0, 2.5, 5, 7.5, 10)] == ["0.0", "2.5", "5.0", "7.5", "10.0"]


def test_negative_bars_grow_left_of_zero_with_their_label_before_them():
    chart = Chart("", ("a",), (Bar("down", (-5.0,), ("-5%",)), Bar("up", (3.0,), ("3%",))), "%")
    measure = charts.estimate_width
    geo = charts.layout(chart, WIDTH, SIZE, STYLE.accent, measure)
    down, up = geo.boxes
    zero = next(r for r in geo.rules if r.colour == charts.MUTED).x1
    assert down.x + down.w == pytest.approx(zero) and up.x == pytest.approx(zero)
    label = next(v for v in roles(geo, "value") if v.text == "-5%")
    category_end = max(extent(c, measure)[1] for c in roles(geo, "category"))
    assert label.anchor == "end" and extent(label, measure)[0] > category_end


def test_long_category_names_wrap_to_three_lines():
    measure = charts.estimate_width
    lines = charts.wrap("A very long category name that goes on and on and on, longer than anyone "
                        "would like it to be", 150, SIZE, measure)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(measure(line, SIZE) <= 150 for line in lines)
    assert charts.wrap("杭州市跨境电子商务综合试验区核心区", 100, SIZE, measure) == [
        "杭州市跨境电子商务综合", "试验区核心区"]
    assert charts.wrap("a\x00b", 100, SIZE, measure) == ["ab"]


def test_no_data_label_follows_the_language():
    assert charts.value_label(EN, 1, 1) == "n/a"
    assert charts.value_label(ZH, 1, 1) == "无数据"
    assert charts.value_label(EN, 0, 1) == "1000"
    assert charts.value_label(ZH, 1, 0) == "100"          # no label given: the value, formatted


def test_series_colours_start_with_the_accent():
    assert charts.series_colours("#8B0000", 1) == ("#8B0000",)
    assert charts.series_colours("#8B0000", 2) == ("#8B0000", charts.MUTED)
    more = charts.series_colours("#8B0000", 4)
    assert len(set(more)) == 4 and all(len(c) == 7 for c in more)


@pytest.mark.parametrize("chart", [
    Chart("", (), (), ""),
    Chart("empty", ("a",), (), "u"),
    Chart("negative", ("a", "b", "c"), (Bar("x", (-5.0, 3.0, None)), Bar("y", (1.0,))), "u"),
    Chart("<b>&{{x}}</b> \\ 😀", ("s",), (Bar("w" * 200, (1.0,)),), "", lang="zh"),
    Chart("all zero", ("a",), (Bar("x", (0.0,)),), "u"),
])
def test_odd_charts_still_lay_out(chart):
    geo = charts.layout(chart, WIDTH, SIZE, STYLE.accent, charts.estimate_width)
    assert geo.height > 0 and geo.labels
    assert all(b.w >= 0 and b.h > 0 for b in geo.boxes)


_values = st.one_of(st.none(), st.floats(-1e7, 1e9, allow_nan=False, allow_infinity=False))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=0, max_size=60), _values, _values), min_size=1, max_size=8),
       st.sampled_from(["en", "zh"]))
def test_labels_stay_inside_whatever_the_figures(rows, lang):
    chart = Chart("", ("one", "two"), tuple(Bar(label, (a, b)) for label, a, b in rows), "u", lang)
    measure = charts.estimate_width
    geo = charts.layout(chart, WIDTH, SIZE, STYLE.accent, measure)
    for label in geo.labels:
        if label.role == "category":
            left, right = extent(label, measure)
            assert left >= 0 and right <= WIDTH * 0.34 + 0.01
        elif label.role in ("value", "tick"):
            left, right = extent(label, measure)
            assert left >= -0.01 and right <= WIDTH + 0.01, label
