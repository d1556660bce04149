"""`briefgen new region`: a skeleton refused while placeholders remain, accepted once filled;
`briefgen check` says what each region's brief will lack and which records lack a language."""
from __future__ import annotations

import re
from pathlib import Path

from helpers import run_cli
from briefgen.units import unbound

#: What a user would type over each placeholder, by the field it stands in.
FILLED = {"name_zh": "徐州", "name_en": "Xuzhou", "profile_zh": "徐州是江苏省地级市。",
          "profile_en": "Xuzhou is a city in Jiangsu.", "title_zh": "徐州市商务局2025年统计公报",
          "title_en": "Xuzhou Bureau of Commerce statistical bulletin, 2025", "date": "2025",
          "text_zh": "跨境电商主体偏少。", "text_en": "Few firms sell across borders.", "locator": "p. 3",
          "title": "x", "actor_zh": "徐州市商务局", "actor_en": "Xuzhou Bureau of Commerce",
          "what_zh": "开设培训班。", "what_en": "It ran training courses.", "result_zh": "未见报道。",
          "result_en": "Not reported.", "transferable_zh": "可借鉴。", "transferable_en": "Others can copy it.",
          "action_zh": "扶持跨境电商主体。", "action_en": "Support firms that sell abroad."}
FIGURE = {"indicator_zh": "跨境电商进出口额", "indicator_en": "Cross-border e-commerce trade",
          "value": "35.2", "unit": "亿元", "period": "2024", "locator": "Table 2"}


def fill_in(folder: Path) -> None:
    for path in folder.glob("*.yaml"):
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r'^(\s*-?\s*)(\w+): "<<fill in: [^"]*>>"$', line)
            lines.append(f"{m[1]}{m[2]}: {FILLED[m[2]]}" if m else line)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv = folder / "indicators.csv"
    header, row = csv.read_text(encoding="utf-8").splitlines()
    cells = [FIGURE.get(c, cell) for c, cell in zip(header.split(","), row.split(","))]
    csv.write_text(header + "\n" + ",".join(cells) + "\n", encoding="utf-8")


def test_skeleton_refused_until_filled_then_checked_and_briefed(tmp_path, capsys):
    folder = tmp_path / "xuzhou"
    code, out, err = run_cli(capsys, "new", "region", "xuzhou", "--parent", "jiangsu", "-o", folder)
    assert code == 0 and out.strip() == str(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "cases.yaml", "findings.yaml", "indicators.csv", "recommendations.yaml", "regions.yaml", "sources.yaml"]
    code, _, err = run_cli(capsys, "check", "--overlay", folder)
    assert code == 1
    assert "xuzhou/regions.yaml:4: region 'xuzhou': field 'name_zh': is still the placeholder" in err
    assert "xuzhou/indicators.csv:2: indicator 'xuzhou-figure-1': field 'value': is still the placeholder" in err
    fill_in(folder)
    code, out, err = run_cli(capsys, "check", "--overlay", folder)
    assert code == 0, err
    assert "xuzhou (徐州)" not in out  # a figure, a problem and a recommendation: nothing lacking
    code, _, err = run_cli(capsys, "make", "-r", "徐州", "--overlay", folder, "-f", "md", "-o",
                           tmp_path / "xuzhou.md")
    assert code == 0, err
    brief = unbound((tmp_path / "xuzhou.md").read_text(encoding="utf-8"))
    assert "Support firms that sell abroad" in brief and "3.52 billion" in brief


def test_skeleton_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "xuzhou"
    assert run_cli(capsys, "new", "region", "xuzhou", "-o", folder)[0] == 0
    code, _, err = run_cli(capsys, "new", "region", "xuzhou", "-o", folder)
    assert code == 2 and "already has regions.yaml" in err
    code, _, err = run_cli(capsys, "new", "region", "徐州", "-o", tmp_path / "zh")
    assert code == 2 and "'徐州' is not a region id" in err


def test_check_reports_gaps_by_region_and_missing_translations(tmp_path, capsys):
    overlay = tmp_path / "zh-only"
    overlay.mkdir()
    (overlay / "regions.yaml").write_text(
        "- {id: example-city, name_zh: 示例市, level: city, parent: jiangsu, profile_zh: 示例市（示例数据）。}\n",
        encoding="utf-8")
    (overlay / "sources.yaml").write_text(
        "- {id: example-bulletin, title_zh: 示例市统计公报（示例数据）, kind: bulletin, date: '2025', "
        "date_status: printed}\n", encoding="utf-8")
    (overlay / "indicators.csv").write_text(
        "id,region,indicator_zh,value,unit,period,qualifier,theme,source,locator\n"
        "example-city-trade,example-city,跨境电商进出口额,12.5,亿元,2024,exact,trade-scale,example-bulletin,第3页\n",
        encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--overlay", overlay)
    assert code == 0, err  # Chinese only is enough to load
    assert "example-city (示例市): no problems recorded, no recommendations addressed to it" in out
    assert "3 record(s) have no English text" in out
    assert "indicators: example-city-trade" in out and "regions: example-city" in out
    assert "no Chinese text" not in out
