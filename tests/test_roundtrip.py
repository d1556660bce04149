"""What `briefgen list --format csv` writes, `--overlay` reads back; CSV for Excel has a BOM; xlsx opens."""
from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pytest

from briefgen.library import load_library
from helpers import run_cli


def test_exported_csv_is_accepted_back_as_an_overlay(tmp_path, capsys):
    overlay = tmp_path / "exported"
    overlay.mkdir()
    code, out, err = run_cli(capsys, "list", "indicators", "--region", "suqian", "--format", "csv")
    assert code == 0 and out.startswith("id,region,") and ",file,line" in out.splitlines()[0]
    (overlay / "indicators.csv").write_text(out, encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--overlay", overlay)
    assert code == 0, err
    assert "note: exported/indicators.csv:1: column(s) period_end, file, line ignored" in out
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--overlay", overlay, "-f", "md", "-o", tmp_path / "b.md")
    assert code == 0 and "note: exported/indicators.csv:1: column(s) period_end, file, line ignored" in err
    base, again = load_library(), load_library(overlays=[overlay])
    suqian = [i for i in base.indicators.values() if i.region == "suqian"]
    assert suqian and all(again.indicators[i.id].value == i.value and again.indicators[i.id].period == i.period
                          and again.indicators[i.id].indicator_zh == i.indicator_zh for i in suqian)


def test_bom_csv_for_excel_is_read_back(tmp_path, capsys):
    path = tmp_path / "bom" / "indicators.csv"
    code, _, err = run_cli(capsys, "list", "indicators", "-r", "ningbo", "--format", "csv", "--bom", "-o", path)
    assert code == 0, err
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,region,") and "宁波".encode() in raw or "跨境".encode() in raw
    assert run_cli(capsys, "check", "--overlay", path.parent)[0] == 0


def test_xlsx_listing_opens_with_the_same_rows(tmp_path, capsys):
    path = tmp_path / "figures.xlsx"
    code, _, err = run_cli(capsys, "list", "indicators", "-r", "suqian", "--format", "xlsx", "-o", path)
    assert code == 0, err
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    lib = load_library()
    suqian = [i for i in lib.indicators.values() if i.region == "suqian"]
    assert rows[0][:5] == ("id", "region", "indicator_en", "indicator_zh", "value")
    assert [r[0] for r in rows[1:]] == [i.id for i in suqian]
    assert [r[4] for r in rows[1:]] == [i.value for i in suqian]  # text exactly as printed, not floats


def test_xlsx_listing_imports_back(tmp_path, capsys):
    path = tmp_path / "figures.xlsx"
    assert run_cli(capsys, "list", "indicators", "-r", "suqian", "--format", "xlsx", "-o", path)[0] == 0
    code, out, err = run_cli(capsys, "import", path, "-r", "suqian", "-o", tmp_path / "again")
    assert code == 0, err
    assert "file -> (not used" in err
    again = load_library(overlays=[tmp_path / "again"])
    assert {i.id for i in again.indicators.values() if i.region == "suqian"} >= {
        i.id for i in load_library().indicators.values() if i.region == "suqian"}


LISTED_KINDS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations")


def exported(tmp_path, capsys, kind: str, *options: str):
    """``briefgen list KIND --format csv`` saved as KIND.csv in a new overlay folder."""
    overlay = tmp_path / f"{kind}-overlay"
    code, _, err = run_cli(capsys, "list", kind, "--format", "csv", *options, "-o", overlay / f"{kind}.csv")
    assert code == 0, err
    return overlay


@pytest.mark.parametrize("kind", LISTED_KINDS)
def test_every_listing_reads_back_as_an_overlay_that_changes_nothing(kind, tmp_path, capsys):
    overlay = exported(tmp_path, capsys, kind)
    code, out, err = run_cli(capsys, "check", "--overlay", overlay)
    assert code == 0, err
    assert out.startswith("content OK: ")
    ignored = "period_end, file, line" if kind == "indicators" else "file, line"
    assert f"note: {kind}-overlay/{kind}.csv:1: column(s) {ignored} ignored (briefgen list writes them" in out
    base, again = load_library(), load_library(overlays=[overlay])
    records, restated = getattr(base, kind), getattr(again, kind)
    assert list(restated) == list(records)
    assert all(dataclasses.replace(records[i], origin=restated[i].origin) == restated[i] for i in records)
    assert {r.origin.file for r in restated.values()} == {f"{kind}-overlay/{kind}.csv"}
    for region, lang in (("suqian", "en"), ("ningbo", "zh")):
        code, _, err = run_cli(capsys, "make", "-r", region, "--lang", lang, "-f", "md", "-f", "html",
                               "--overlay", overlay, "-o", f"{tmp_path / 'with'}/")
        assert code == 0, err
        code, _, err = run_cli(capsys, "make", "-r", region, "--lang", lang, "-f", "md", "-f", "html",
                               "-o", f"{tmp_path / 'without'}/")
        assert code == 0, err
    made = sorted(p.name for p in (tmp_path / "with").iterdir())
    assert len(made) == 4 and made == sorted(p.name for p in (tmp_path / "without").iterdir())
    for name in made:
        assert (tmp_path / "with" / name).read_bytes() == (tmp_path / "without" / name).read_bytes(), name


def test_an_edited_row_of_a_findings_listing_changes_that_finding(tmp_path, capsys):
    overlay = exported(tmp_path, capsys, "findings", "-r", "suqian")
    path = overlay / "findings.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["text_en"] = "An edited finding, as an analyst would change it in Excel."
    rows[0]["indicators"] = ""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    again = load_library(overlays=[overlay])
    edited = again.findings[rows[0]["id"]]
    assert edited.text_en == "An edited finding, as an analyst would change it in Excel."
    assert edited.indicators == () and edited.text_zh == load_library().findings[rows[0]["id"]].text_zh


def test_a_source_listing_keeps_every_author_and_affiliation(tmp_path, capsys):
    """An affiliation may hold ';' (s000b's does): authors are one line each, not ';'-separated."""
    overlay = exported(tmp_path, capsys, "sources")
    again, base = load_library(overlays=[overlay]), load_library()
    assert any(";" in a.affiliation_en for s in base.sources.values() for a in s.authors)
    assert all(again.sources[i].authors == s.authors for i, s in base.sources.items())


def test_author_columns_that_disagree_are_one_problem(tmp_path, capsys):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "sources.csv").write_text(
        'id,title_en,title_zh,authors_zh,authors_en,kind,date,date_status\n'
        'mine,My survey,我的调查,"张三\n李四",Zhang San,report,2025,printed\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--overlay", overlay)
    assert code == 1 and "Traceback" not in err
    assert ("ov/sources.csv:2: source 'mine': the author columns have different numbers of lines "
            "(authors_zh 2, authors_en 1); give one line per author in each, in the same order") in err


def test_a_formula_like_cell_reads_back_as_written(tmp_path, capsys):
    overlay = tmp_path / "ov"
    code, _, err = run_cli(capsys, "list", "findings", "-r", "suqian", "--format", "csv", "-o", overlay / "x.csv")
    rows = list(csv.DictReader(io.StringIO((overlay / "x.csv").read_text(encoding="utf-8"))))
    (overlay / "x.csv").unlink()
    rows[0]["text_en"] = "=1+1 is not a formula here"
    rows[1]["text_en"] = "'quoted' at the start"
    listed = tmp_path / "listed"
    listed.mkdir()
    with (listed / "findings.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    exported_again = exported(tmp_path, capsys, "findings", "--overlay", listed, "-r", "suqian")
    text = (exported_again / "findings.csv").read_text(encoding="utf-8")
    assert ",'=1+1 is not a formula here," in text and ",''quoted' at the start," in text
    again = load_library(overlays=[exported_again])
    assert again.findings[rows[0]["id"]].text_en == "=1+1 is not a formula here"
    assert again.findings[rows[1]["id"]].text_en == "'quoted' at the start"


@pytest.mark.parametrize("kind", ["findings", "cases", "recommendations", "sources"])
def test_bom_listings_read_back_and_xlsx_listings_open(kind, tmp_path, capsys):
    overlay = exported(tmp_path, capsys, kind, "--bom")
    raw = (overlay / f"{kind}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,")
    assert run_cli(capsys, "check", "--overlay", overlay)[0] == 0
    assert list(getattr(load_library(overlays=[overlay]), kind)) == list(getattr(load_library(), kind))
    path = tmp_path / f"{kind}.xlsx"
    code, _, err = run_cli(capsys, "list", kind, "--format", "xlsx", "-o", path)
    assert code == 0, err
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "id" and [r[0] for r in rows[1:]] == list(getattr(load_library(), kind))
