"""Long fields: up to the stated limit they lay out in every format; beyond it, validation refuses them.

The limits (briefgen/characters.py): a name-like field (a region, indicator or
case name, a title) may be NAME_CHARS characters, a prose field (a finding, a
profile, a case's story) PROSE_CHARS.  The PDF's boxes and tables split a cell
that is longer than a page, so anything validation lets through fits.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from briefgen.characters import NAME_CHARS, PROSE_CHARS
from helpers import run_cli, with_title_payload

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"


def overlay_with(folder: Path, file: str, rid: str, field: str, text: str) -> Path:
    if file.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO((CONTENT / file).read_text(encoding="utf-8"))))
        row = next(r for r in rows if r["id"] == rid)
        row[field] = text
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
        (folder / file).write_text(buf.getvalue(), encoding="utf-8")
    else:
        record = next(r for r in yaml.safe_load((CONTENT / file).read_text(encoding="utf-8")) if r["id"] == rid)
        record[field] = text
        (folder / file).write_text(yaml.safe_dump([record], allow_unicode=True), encoding="utf-8")
    return folder


AT_THE_LIMIT = [
    # One word as long as a finding may be: it reaches the key-messages box.
    ("findings.yaml", "suqian-cbec-scale", "text_en", "x" * PROSE_CHARS, "en"),
    ("findings.yaml", "suqian-cbec-scale", "text_en", ("Ordinary prose of a finding. " * 200)[:PROSE_CHARS], "en"),
    ("findings.yaml", "suqian-cbec-scale", "text_zh", "宿迁跨境电商发展迅速。" * (PROSE_CHARS // 11), "zh"),
    # A region name as long as a name may be: it heads a table column.
    ("regions.yaml", "suqian", "name_en", "Suqian" + "q" * (NAME_CHARS - 6), "en"),
    ("indicators.csv", "suqian-cbec-trade-2023", "indicator_en", "y" * NAME_CHARS, "en"),
]


CASES = [(*case, "government", "standard") for case in AT_THE_LIMIT] + [
    # The research brief adds the evidence table, where the finding sits in a narrow column.
    (*AT_THE_LIMIT[0], "research", "full"), (*AT_THE_LIMIT[3], "research", "full")]


@pytest.mark.parametrize("file, rid, field, text, lang, audience, length", CASES,
                         ids=["word", "prose", "cjk", "region-name", "indicator-name",
                              "word-research", "region-name-research"])
def test_a_field_at_its_limit_lays_out_in_every_format(file, rid, field, text, lang, audience, length,
                                                        tmp_path, capsys):
    overlay = overlay_with(tmp_path, file, rid, field, text)
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--overlay", overlay,
                                "--lang", lang, "-a", audience, "-l", length, "-f", "all", "-o", f"{out}/")
    assert code == 0, err
    assert len(stdout.split()) == 4 and all(Path(p).stat().st_size > 0 for p in stdout.split())


@pytest.mark.parametrize("file, rid, field, limit", [
    ("findings.yaml", "suqian-cbec-scale", "text_en", PROSE_CHARS),
    ("regions.yaml", "suqian", "name_en", NAME_CHARS),
    ("indicators.csv", "suqian-cbec-trade-2023", "indicator_en", NAME_CHARS),
])
def test_a_field_over_its_limit_is_refused_with_file_line_and_limit(file, rid, field, limit, tmp_path, capsys):
    overlay = overlay_with(tmp_path, file, rid, field, "z" * (limit + 1))
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", overlay)
    assert code == 1
    assert f"{tmp_path.name}/{file}:" in err and f"field '{field}'" in err
    assert f"is {limit + 1:,} characters long; the limit is {limit:,}" in err
    # make refuses it the same way, before laying anything out.
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--overlay", overlay,
                           "-f", "md", "-o", tmp_path / "x.md")
    assert code == 1 and f"the limit is {limit:,}" in err and "internal error" not in err


def test_a_template_that_returns_an_enormous_title_is_refused_not_laid_out_for_minutes(tmp_path, capsys):
    """The work per text is bounded: past MAX_TEXT_CHARS the PDF refuses it (and composition,
    which lays the PDF out to fit the page budget, with it, whatever the format)."""
    from briefgen.paths import data_dir
    from briefgen.writers.pdf import MAX_TEXT_CHARS

    folder = tmp_path / "templates" / "en"
    folder.mkdir(parents=True)
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    loop = "{% for i in range(" + str(MAX_TEXT_CHARS // 10 + 1) + ") %}wwwwwwwww {% endfor %}"
    (folder / "narrative.j2").write_text(with_title_payload(text, loop), encoding="utf-8")
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--templates", folder.parent,
                           "-f", "pdf", "-o", tmp_path / "x.pdf")
    assert code == 1 and f"the PDF sets at most {MAX_TEXT_CHARS:,} in one piece" in err
    assert "shorten what its macro returns" in err and not (tmp_path / "x.pdf").exists()
