"""The README's "Add your city in ten minutes", run exactly as written."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from briefgen.units import unbound

ROOT = Path(__file__).resolve().parents[1]
MARK = "run, as\nwritten, by `tests/test_walkthrough.py`"


def walkthrough_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    at = readme.index(MARK)
    block = re.search(r"```bash\n(.*?)```", readme[at:], re.S)
    assert block, "the walk-through's shell block is missing"
    return block.group(1)


def test_readme_walkthrough_from_spreadsheet_to_brief(tmp_path):
    block = walkthrough_block()
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert [c.split()[:2] for c in commands] == [["briefgen", "import"], ["briefgen", "import"],
                                                 ["briefgen", "check"], ["briefgen", "make"]]
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "example-city.xlsx", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    assert "跨境电商经营主体 = 260 家 (2024" in run.stdout          # step 1 shows the figures
    assert "content OK" in run.stdout                               # step 3 checks them
    assert "example-city (示例市): no problems recorded, no recommendations addressed to it" in run.stdout
    assert sorted(p.name for p in (tmp_path / "my-city").iterdir()) == [
        "indicators.csv", "regions.yaml", "sources.yaml"]
    brief = tmp_path / "out" / "example-city_situation_government_standard_zh.md"
    text = unbound(brief.read_text(encoding="utf-8"))
    assert "示例市" in text and "7.1亿元" in text                          # the city's own figure ...
    assert "示例市商务局《2024年跨境电商发展统计公报》（示例数据）" in text      # ... with its source
    assert brief.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
