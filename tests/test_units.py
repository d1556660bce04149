"""Numbers stay with their units in every format: "28.3 %", "RMB 4 billion", "40亿元", "200,000 m²".

The layouts here slide each figure across the end of a line, one character at a
time, so that without the rule some line would break between number and unit.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from briefgen.document import Brief, Paragraph, Text
from briefgen.units import NBSP, WORD_JOINER, keep_with_units
from briefgen.writers import render

from tests.sample_briefs import sample_brief

EN_TAIL = "trade reached RMB 4 billion, growth of 28.3 % over nearly 200,000 m² of space."
ZH_TAIL = "跨境电商进出口额达到40亿元，货运量13.7亿吨，同比增长28.3%。"
#: A line may not end with the left side while the next begins with the right side.
EN_SPLITS = [(r"RMB$", r"^4"), (r"\b4$", r"^billion"), (r"28\.3$", r"^%"), (r"200,000$", r"^m²")]
ZH_SPLITS = [(r"40$", r"^亿"), (r"亿$", r"^元"), (r"13\.7$", r"^亿"), (r"亿$", r"^吨")]


def sliding(lang: str) -> Brief:
    """Paragraphs whose figures fall at every position of a line's end."""
    if lang == "zh":
        paras = [Paragraph((Text("宿" * k + ZH_TAIL),)) for k in range(0, 48)]
    else:
        paras = [Paragraph((Text("word " * (k // 5) + "x" * (k % 5) + " " + EN_TAIL),)) for k in range(0, 90)]
    return replace(sample_brief(lang), blocks=tuple(paras))


def line_splits(text: str, splits: list[tuple[str, str]]) -> list[str]:
    lines = [line.replace(NBSP, " ").strip() for line in text.splitlines() if line.strip()]
    return [f"{a!r} / {b!r}" for a, b in zip(lines, lines[1:])
            for left, right in splits if re.search(left, a) and re.search(right, b)]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_rule() -> None:
    assert keep_with_units("RMB 4 billion") == f"RMB{NBSP}4{NBSP}billion"
    assert keep_with_units("28.3 %") == f"28.3{NBSP}%"
    assert keep_with_units("nearly 200,000 m²") == f"nearly 200,000{NBSP}m²"
    assert keep_with_units("40亿元") == f"40{WORD_JOINER}亿{WORD_JOINER}元"
    assert keep_with_units("64110件") == f"64110{WORD_JOINER}件"
    # Words that are not units, dates and percentages written solid are left alone.
    for text in ("3 cities", "2026年11月", "28.3%", "section 3.2 says", "BG-1 year"):
        assert keep_with_units(text) == text
    once = keep_with_units("RMB 4 billion and 40亿元")
    assert keep_with_units(once) == once


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler not installed")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_lines_never_part_a_number_from_its_unit(lang: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    splits = ZH_SPLITS if lang == "zh" else EN_SPLITS
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render(sliding(lang), "pdf"))
    text = pdftotext(pdf)
    assert line_splits(text, splits) == []
    # Extracted text reads as written: no word joiner, the figures whole.
    assert WORD_JOINER not in text
    flat = text.replace(NBSP, " ").replace("\n", "")
    assert ("40亿元" in flat and "13.7亿吨" in flat) if lang == "zh" else "RMB 4 billion" in flat
    # The layout does break there without the rule (so the check above can fail).
    monkeypatch.setattr("briefgen.writers.pdf.text.keep_with_units", lambda s: s)
    pdf.write_bytes(render(sliding(lang), "pdf"))
    assert line_splits(pdftotext(pdf), splits)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_carry_the_ties(fmt: str) -> None:
    en = render(sliding("en"), fmt).decode("utf-8")
    zh = render(sliding("zh"), fmt).decode("utf-8")
    assert f"RMB{NBSP}4{NBSP}billion" in en and f"28.3{NBSP}%" in en
    assert f"40{WORD_JOINER}亿{WORD_JOINER}元" in zh


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler not installed")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_lines_never_part_a_number_from_its_unit(lang: str, tmp_path: Path) -> None:
    path = tmp_path / "brief.docx"
    path.write_bytes(render(sliding(lang), "docx"))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    text = pdftotext(tmp_path / "brief.pdf")
    assert line_splits(text, ZH_SPLITS if lang == "zh" else EN_SPLITS) == []
