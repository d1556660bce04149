"""The chart renderer: grouped horizontal bars as deterministic PNG, CJK text included."""
from __future__ import annotations

import bisect
import functools
import io
import struct
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from PIL import Image

from briefgen import charts
from briefgen.document import Bar, Chart
from briefgen.fonts import coverage, font_set
from briefgen.style import HouseStyle

STYLE = HouseStyle()

EN = Chart(title="CBEC trade", series=("Suqian", "Hangzhou"),
           bars=(Bar("2023", (80.0, 1000.0), ("80", "1000")), Bar("2024", (100.0, None), ("100", ""))),
           unit_label="RMB billion", lang="en")
ZH = Chart(title="进出口额", series=("宿迁", "杭州"),
           bars=(Bar("2023年", (80.0, 1000.0), ("80", "1000")), Bar("2024年", (100.0, None))),
           unit_label="亿元", lang="zh")


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, names = 8, []
    while pos < len(data):
        length, name = struct.unpack(">I4s", data[pos:pos + 8])
        names.append(name)
        pos += 12 + length
    return names


def test_png_has_requested_size():
    img = Image.open(io.BytesIO(charts.render_png(EN, STYLE, width_in=5.0, dpi=100)))
    assert img.format == "PNG"
    assert img.width == 500
    assert 150 < img.height < 500


def test_same_chart_gives_same_bytes_without_timestamps():
    first = charts.render_png(EN, STYLE)
    charts._render_png.cache_clear()
    assert charts.render_png(EN, STYLE) == first
    # No tEXt/iTXt/tIME chunks: nothing that changes from day to day or machine to machine.
    assert set(png_chunks(first)) <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}


def test_results_are_cached_per_chart_and_style():
    assert charts.render_png(EN, STYLE) is charts.render_png(EN, STYLE)
    other = charts.render_png(EN, HouseStyle(accent="#8B0000"))
    assert other != charts.render_png(EN, STYLE)


def test_bars_use_the_accent_colour():
    img = Image.open(io.BytesIO(charts.render_png(EN, HouseStyle(accent="#8B0000")))).convert("RGB")
    colours = {c for _, c in img.getcolors(maxcolors=1 << 20)}
    assert (0x8B, 0, 0) in colours


def _with(chart: Chart, old: str, new: str) -> Chart:
    """``chart`` with every ``old`` character in its text replaced by ``new``."""
    def sub(text: str) -> str:
        return text.replace(old, new)

    return replace(chart, title=sub(chart.title), series=tuple(map(sub, chart.series)),
                   unit_label=sub(chart.unit_label),
                   bars=tuple(replace(b, label=sub(b.label), value_labels=tuple(map(sub, b.value_labels)))
                              for b in chart.bars))


def test_chinese_chart_has_every_glyph(monkeypatch):
    """Each character of a Chinese chart is drawn as itself, not as a missing-glyph box.

    Asserted on the pixels, not on any warning matplotlib may or may not give.  Swapping
    one character for its neighbour in the font (宿 for 宾, 2 for 3) must change the
    picture; a character whose glyph is missing is drawn as the same box as its
    neighbour, so the swap would change nothing."""
    fonts = font_set(STYLE.font_latin, STYLE.font_cjk)
    cjk = sorted(coverage(fonts.cjk))
    text = ZH.title + "".join(ZH.series) + ZH.unit_label + charts.NO_DATA["zh"] + "".join(
        b.label + "".join(b.value_labels) for b in ZH.bars)
    render = functools.partial(charts._draw, style=STYLE, width_in=4.0, dpi=60)  # uncached, small
    picture = render(ZH)
    blank = []
    for ch in sorted(set(text) - {" "}):
        neighbour = chr(cjk[bisect.bisect_right(cjk, ord(ch))])   # the font's next character
        if ch in charts.NO_DATA["zh"]:
            monkeypatch.setitem(charts.NO_DATA, "zh", charts.NO_DATA["zh"].replace(ch, neighbour))
            swapped = render(ZH)
            monkeypatch.undo()
        else:
            swapped = render(_with(ZH, ch, neighbour))
        if swapped == picture:
            blank.append(ch)
    assert not blank, f"drawn as missing glyphs: {''.join(blank)}"
    assert Image.open(io.BytesIO(charts.render_png(ZH, STYLE))).width == round(6.3 * 220)


def test_no_data_label_follows_the_language():
    assert charts._label(EN, 1, 1) == "n/a"
    assert charts._label(ZH, 1, 1) == "无数据"
    assert charts._label(EN, 0, 1) == "1000"
    assert charts._label(ZH, 1, 0) == "100"          # no label given: the value, formatted


@pytest.mark.parametrize("chart", [
    Chart("", (), (), ""),
    Chart("empty", ("a",), (), "u"),
    Chart("negative", ("a", "b", "c"), (Bar("x", (-5.0, 3.0, None)), Bar("y", (1.0,))), "u"),
    Chart("<b>&{{x}}</b> \\ 😀", ("s",), (Bar("w" * 200, (1.0,)),), "", lang="zh"),
])
def test_odd_charts_still_render(chart):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # the emoji has no glyph: matplotlib says so
        data = charts.render_png(chart, STYLE, width_in=4.0, dpi=60)
    assert Image.open(io.BytesIO(data)).width == 240


def test_threads_get_the_same_picture(monkeypatch):
    """Threads drawing different charts at once each get the picture they would get alone.

    Forced every time: each drawing pauses inside matplotlib (add_subplot sleeps), and the
    threads start together, so without the chart lock another thread's settings (its
    font order, say) would be in force when a paused drawing resumes."""
    from matplotlib.figure import Figure

    expected = {chart: charts._draw(chart, STYLE, 6.3, 90) for chart in (EN, ZH)}
    real = Figure.add_subplot

    def paused(self, *args, **kwargs):
        time.sleep(0.2)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "add_subplot", paused)
    charts._render_png.cache_clear()
    start = threading.Barrier(4)

    def work(chart: Chart) -> bytes:
        start.wait()
        return charts.render_png(chart, STYLE, dpi=90)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, [EN, ZH, ZH, EN]))
    charts._render_png.cache_clear()
    assert results == [expected[EN], expected[ZH], expected[ZH], expected[EN]]


def test_long_category_names_wrap_to_three_lines():
    label = charts._category("A very long category name that goes on and on and on, longer "
                             "than anyone would like it to be", "en")
    assert len(label.splitlines()) == 3 and label.endswith("…")
    assert charts._category("杭州市跨境电子商务综合试验区核心区", "zh").count("\n") == 1
    assert charts._category("a\x00b", "en") == "ab"
