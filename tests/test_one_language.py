"""One language is enough: Chinese-only records load; an English brief leaves them out or fails."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run_cli
from briefgen.units import unbound


@pytest.fixture
def zh_only(tmp_path) -> Path:
    """Example City (made-up data): the region has both names, one figure has Chinese only."""
    overlay = tmp_path / "zh-only"
    overlay.mkdir()
    (overlay / "regions.yaml").write_text(
        "- {id: example-city, name_zh: 示例市, name_en: Example City, level: city, parent: jiangsu,\n"
        "   profile_zh: 示例市（示例数据）。, profile_en: Example City (example data).}\n", encoding="utf-8")
    (overlay / "sources.yaml").write_text(
        "- {id: example-bulletin, title_zh: 示例市统计公报（示例数据）, title_en: Example City bulletin (example data),"
        " kind: bulletin, date: '2025', date_status: printed}\n", encoding="utf-8")
    (overlay / "indicators.csv").write_text(
        "id,region,indicator_en,indicator_zh,value,unit,period,qualifier,theme,source,locator\n"
        "example-city-trade,example-city,Cross-border e-commerce trade,跨境电商进出口额,12.5,亿元,2024,exact,"
        "trade-scale,example-bulletin,第3页\n"
        "example-city-firms,example-city,,跨境电商经营主体,260,家,2024,over,trade-scale,example-bulletin,第4页\n",
        encoding="utf-8")
    return overlay


def test_english_brief_leaves_out_what_has_no_english_and_says_so(zh_only, tmp_path, capsys):
    code, _, err = run_cli(capsys, "make", "-r", "example-city", "--overlay", zh_only, "-f", "md",
                           "-o", tmp_path / "en.md")
    assert code == 0, err
    assert "1 record(s) without en text left out of en briefs: example-city-firms" in err
    brief = unbound((tmp_path / "en.md").read_text(encoding="utf-8"))
    assert "1.25 billion" in brief and "260" not in brief
    code, _, err = run_cli(capsys, "make", "-r", "example-city", "--overlay", zh_only, "--lang", "zh",
                           "-f", "md", "-o", tmp_path / "zh.md")
    assert code == 0 and "left out" not in err
    assert "260" in (tmp_path / "zh.md").read_text(encoding="utf-8")


def test_english_brief_fails_naming_the_records_when_asked(zh_only, tmp_path, capsys):
    code, _, err = run_cli(capsys, "make", "-r", "example-city", "--overlay", zh_only, "-f", "md",
                           "--missing-translation", "fail", "-o", tmp_path / "en.md")
    assert code == 2
    assert "1 record(s) for this brief have no English text: indicator 'example-city-firms' (indicator_en)" in err
    assert not (tmp_path / "en.md").exists()


def test_a_record_with_neither_language_is_one_problem(zh_only, capsys):
    path = zh_only / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",跨境电商经营主体,", ",,"), encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--overlay", zh_only)
    assert code == 1 and "1 problem in the content" in err
    assert ("indicator 'example-city-firms': field 'indicator_en': missing; write it in English (indicator_en) "
            "or Chinese (indicator_zh), or both") in err


def test_the_python_api_and_batch_leave_out_the_same_records(zh_only, tmp_path):
    import briefgen

    md = unbound(briefgen.make_all("example-city", formats=("md",), overlays=[zh_only])["md"].decode("utf-8"))
    assert "1.25 billion" in md and "260" not in md
    with pytest.raises(briefgen.UsageError, match="indicator 'example-city-firms' \\(indicator_en\\)"):
        briefgen.make_all("example-city", formats=("md",), overlays=[zh_only], missing_translation="fail")
    plan = {"edition": "e", "briefs": [{"region": "example-city", "formats": ["md"]}]}
    briefgen.batch(plan, tmp_path / "out", overlays=[zh_only], jobs=1)
    (batch_md,) = (tmp_path / "out").rglob("*.md")
    assert "1.25 billion" in unbound(batch_md.read_text(encoding="utf-8")) and "260" not in batch_md.read_text(encoding="utf-8")
