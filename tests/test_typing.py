"""The API types as a pandas or requests user expects: mypy checks the examples and catches typos."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PROBE = '''\
import briefgen
reveal_type(briefgen.make("suqian"))
reveal_type(briefgen.make("suqian", output="x.pdf"))
briefgen.make("suqian", audience="goverment")
'''


def mypy(tmp_path: Path, *targets: Path) -> str:
    # --follow-imports=silent: briefgen's own types are used, but only the user's code is judged
    # (installed from a wheel, the package is analysed too, and its internals are not the API).
    run = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-error-summary",
                          "--follow-imports=silent",
                          "--cache-dir", str(tmp_path / "cache"), *map(str, targets)],
                         capture_output=True, text=True, timeout=300)
    return run.stdout + run.stderr


def test_the_examples_type_check(tmp_path):
    assert mypy(tmp_path, EXAMPLES) == ""


def test_make_is_typed_by_its_output_and_a_misspelt_audience_is_caught(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    out = mypy(tmp_path, probe)
    assert re.search(r'probe.py:2: note: Revealed type is "(builtins.)?bytes"', out)
    assert 'probe.py:3: note: Revealed type is "pathlib.Path"' in out
    assert "probe.py:4: error" in out
