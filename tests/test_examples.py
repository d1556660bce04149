"""Every script in examples/ runs as documented and makes what it says it makes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.units import unbound

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name: str, cwd: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(EXAMPLES / name), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def written(cwd: Path) -> set[str]:
    return {str(p.relative_to(cwd)) for p in cwd.rglob("*") if p.is_file()}


def test_every_example_is_tested():
    tested = {"one_brief_in_memory.py", "loop_over_regions.py", "overlay_from_dataframe.py",
              "analyse_indicators.py", "example_city_sheet.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_one_brief_in_memory(tmp_path):
    out = run_example("one_brief_in_memory.py", tmp_path)
    assert "starts with b'%PDF-'" in out
    assert "Chinese title: 宿迁" in out
    assert written(tmp_path) == set()  # bytes only, no files


def test_loop_over_regions(tmp_path):
    out = run_example("loop_over_regions.py", tmp_path)
    paths = [line.split()[0] for line in out.splitlines()]
    assert len(paths) == 4
    assert written(tmp_path) == set(paths)
    for p in paths:
        assert p.startswith("out/loop_over_regions/")
        assert (tmp_path / p).read_bytes().startswith(b"%PDF-")
    assert any("ningbo" in p for p in paths)  # the Chinese name 宁波 resolved


def test_overlay_from_dataframe(tmp_path):
    out = run_example("overlay_from_dataframe.py", tmp_path)
    assert "shuyang-cbec-trade-2025" in out
    brief = tmp_path / "out" / "overlay_from_dataframe" / "shuyang_situation_en.md"
    assert written(tmp_path) == {str(brief.relative_to(tmp_path))}
    text = unbound(brief.read_text(encoding="utf-8"))
    assert "Shuyang" in text and "1.86 billion" in text
    assert "Shuyang County Bureau of Commerce" in text  # the overlay's own source is cited


def test_analyse_indicators(tmp_path):
    pd = pytest.importorskip("pandas")
    out = run_example("analyse_indicators.py", tmp_path)
    assert "figures on" in out and "billion yuan" in out
    folder = tmp_path / "out" / "analyse_indicators"
    assert written(tmp_path) == {"out/analyse_indicators/figures_by_region_and_theme.csv",
                                 "out/analyse_indicators/cbec_trade_value.csv"}
    trade = pd.read_csv(folder / "cbec_trade_value.csv")
    assert len(trade) >= 2 and trade.bn_yuan.is_monotonic_decreasing
    by_theme = pd.read_csv(folder / "figures_by_region_and_theme.csv")
    assert by_theme.total.sum() > 0


def test_example_city_sheet_is_what_the_script_makes(tmp_path):
    """The README walk-through's spreadsheet is the one the script writes, cell for cell."""
    import openpyxl

    out = run_example("example_city_sheet.py", tmp_path, str(tmp_path / "sheet.xlsx"))
    assert out.strip() == str(tmp_path / "sheet.xlsx")

    def cells(path):
        return [list(r) for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]

    made, committed = cells(tmp_path / "sheet.xlsx"), cells(EXAMPLES / "example-city.xlsx")
    assert made == committed
    assert made[0] == ["指标", "数值", "单位", "时期", "主题", "来源", "页码", "备注"]
    assert all("示例数据" in row[5] and "示例数据" in row[7] for row in made[1:])  # marked as invented

