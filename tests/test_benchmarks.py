"""benchmarks/run.py still runs.  Only that: tests never judge timings, which vary by machine."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def test_quick_help_section_prints_a_table_and_writes_json(tmp_path):
    # Two cold `briefgen --help` runs: a second or so.
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--only", "help", "--runs", "2",
                             "--json", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "briefgen --help (cold)" in result.stdout
    assert "<= 0.30 s" in result.stdout
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["measure"] for r in rows] == ["briefgen --help (cold)"]
    assert rows[0]["runs"] == 2 and rows[0]["verdict"] in ("PASS", "MISS")


def test_unknown_section_is_one_clear_error():
    result = subprocess.run([sys.executable, str(SCRIPT), "--only", "warm,speed"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "unknown section speed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_calibration_script_reports_the_estimate_and_the_fill():
    script = SCRIPT.with_name("calibrate.py")
    # Two regions, a city and a country, are enough to show the script runs end to end.
    result = subprocess.run([sys.executable, str(script), "--regions", "suqian,hungary"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "en:" in result.stdout and "zh:" in result.stdout
    assert "refitted weights" in result.stdout
    assert "How full the final briefs are" in result.stdout


@pytest.mark.slow
def test_floor_section_prints_both_cold_ratios(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "--only", "floor", "--runs", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "libraries' floor" in result.stdout
    ratios = [line for line in result.stdout.splitlines() if line.startswith("ratios: ")]
    assert len(ratios) == 1
    assert "cold PDF (en) / floor" in ratios[0] and "cold PDF (zh) / floor" in ratios[0]
    assert "<= 2.0x" in ratios[0]
