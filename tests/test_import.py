"""`briefgen import`: a spreadsheet with the user's own headers becomes a checked overlay."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from helpers import run_cli
from briefgen.units import unbound

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-city.xlsx"
NEW_CITY = ("-r", "example-city", "--name-zh", "示例市", "--name-en", "Example City", "--parent", "jiangsu")


def workbook(path: Path, rows: list[list], title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


HEADER = ["指标", "数值", "单位", "时期", "主题", "来源", "页码"]
SOURCE = "示例市2024年统计公报（示例数据）"


def test_example_sheet_becomes_an_overlay_that_a_brief_quotes(tmp_path, capsys):
    out = tmp_path / "my-city"
    code, stdout, err = run_cli(capsys, "import", EXAMPLE, *NEW_CITY, "-o", out)
    assert code == 0, err
    assert "指标 -> indicator_zh  (guessed)" in err and "页码 -> page  (guessed)" in err
    assert sorted(p.name for p in out.iterdir()) == ["indicators.csv", "regions.yaml", "sources.yaml"]
    assert ",p. 3,,,示例数据，非真实统计,cbec-trade-value" in (out / "indicators.csv").read_text(encoding="utf-8")
    code, stdout, err = run_cli(capsys, "make", "-r", "示例市", "--overlay", out, "--lang", "zh", "-f", "md",
                                "-o", tmp_path / "brief.md")
    assert code == 0, err
    brief = unbound((tmp_path / "brief.md").read_text(encoding="utf-8"))
    assert "12.5亿元" in brief and "示例市商务局《2024年跨境电商发展统计公报》（示例数据）" in brief


def test_dry_run_shows_mapping_and_figures_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "my-city"
    code, stdout, err = run_cli(capsys, "import", EXAMPLE, *NEW_CITY, "-o", out, "--dry-run")
    assert code == 0, err
    assert "跨境电商经营主体 = 260 家 (2024" in stdout
    assert "本地企业使用的海外仓 = 6 个 (as of 2024 end" in stdout
    assert "nothing written" in err and not out.exists()


def test_every_bad_cell_is_named_at_once_and_nothing_is_written(tmp_path, capsys):
    sheet = workbook(tmp_path / "bad.xlsx", [
        HEADER,
        ["跨境电商进出口额", "12.5亿元", "亿元", "2024年", "贸易规模与增长", SOURCE, 3],
        ["海外仓", 6, "亿", "2024年", "物流与供应链", SOURCE, 5],
        ["经营主体", 260, "家", "去年", "贸易", SOURCE, 4],
    ])
    out = tmp_path / "my-city"
    code, _, err = run_cli(capsys, "import", sheet, *NEW_CITY, "-o", out)
    assert code == 1
    assert "4 problems in bad.xlsx; nothing was written" in err
    assert "Sheet1!B2: 数值: '12.5亿元' is not a number" in err and "put 12.5 in this cell and 亿元" in err
    assert "Sheet1!C3: 单位: '亿' is not in the unit list" in err
    assert "Sheet1!D4: 时期:" in err and "'去年'" in err
    assert "Sheet1!E4: theme '贸易' is not one briefgen knows; write one of trade-scale (贸易规模与增长)" in err
    assert not out.exists()


def test_user_headers_mapped_with_map_and_a_mapping_file(tmp_path, capsys):
    sheet = tmp_path / "figures.csv"
    sheet.write_text("名目,金额（亿元）,计量,年份,出自,表\n"
                     f"跨境电商进出口额,12.5,亿元,2024,{SOURCE},表2\n", encoding="utf-8-sig")
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("名目: indicator_zh\n金额（亿元）: value\n计量: unit\n", encoding="utf-8")
    code, stdout, err = run_cli(capsys, "import", sheet, *NEW_CITY, "--mapping", mapping,
                                "--map", "出自=source,表=table", "--theme", "trade-scale", "--dry-run")
    assert code == 0, err
    assert "名目 -> indicator_zh  (given)" in err and "出自 -> source  (given)" in err
    assert "年份 -> period  (guessed)" in err
    assert "跨境电商进出口额 = 12.5 亿元 (2024, exact; Table 表2)" in stdout


def test_a_missing_column_is_named_with_the_fix(tmp_path, capsys):
    sheet = tmp_path / "figures.csv"
    sheet.write_text("指标,单位,时期\n进出口额,亿元,2024\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "import", sheet, *NEW_CITY, "--dry-run")
    assert code == 1
    assert "no column for value; add one headed '数值' or map yours with --map 列名=value" in err
    assert "add one headed 来源" in err and "add one headed 页码" in err
    assert "no column for the theme; add one headed 主题 or give --theme" in err


def test_existing_folder_is_not_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "my-city"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run_cli(capsys, "import", EXAMPLE, *NEW_CITY, "-o", out)
    assert code == 2 and "already holds files" in err
    code, _, err = run_cli(capsys, "import", EXAMPLE, *NEW_CITY, "-o", out, "--force")
    assert code == 0 and (out / "notes.txt").exists() and (out / "indicators.csv").exists()


def test_page_locator_refused_for_a_source_with_a_seed_text(tmp_path, capsys):
    """A page number is for a user's own document; a seed text must be quoted verbatim."""
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "indicators.csv").write_text(
        "id,region,indicator_en,indicator_zh,value,unit,period,qualifier,theme,source,locator\n"
        "suqian-x,suqian,Trade,贸易,12,亿元,2024,exact,trade-scale,s003,p. 4\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--overlay", overlay)
    assert code == 1
    assert "'p. 4' names a place, but source 's003' has a text" in err and "copy a verbatim phrase" in err


def test_title_row_above_the_header_and_a_known_region_by_name(tmp_path, capsys):
    sheet = workbook(tmp_path / "titled.xlsx", [
        ["宿迁市跨境电商数据（示例数据）"], [], HEADER,
        ["跨境电商进出口额", 12.5, "亿元", "2024年", "贸易规模与增长", SOURCE, 3]])
    code, out, err = run_cli(capsys, "import", sheet, "-r", "宿迁", "--dry-run")
    assert code == 0, err
    assert "row 1 of sheet 'Sheet1' ('宿迁市跨境电商数据（示例数据）') is read as a title" in err
    assert "suqian-cbec-trade-value-2024: 跨境电商进出口额 = 12.5 亿元" in out
    assert "regions.yaml" not in err  # suqian is known: no new region record
