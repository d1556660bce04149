"""What `briefgen list --format csv` writes, `--overlay` reads back; CSV for Excel has a BOM; xlsx opens."""
from __future__ import annotations

import openpyxl

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
