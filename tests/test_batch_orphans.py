"""Workers of a batch whose parent is killed outright (kill -9, the OOM killer) end too.

Otherwise they run on, re-parented, holding stdout, and ``briefgen batch ... | cat``
or a CI step never ends.  What a user sees: the pipe closes soon after the kill.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
# Every brief of the fixture in PDF and Word: far more work than the test waits for.
PLAN = ('edition = "e"\n[[briefs]]\nregions = "all"\naudiences = "all"\nlengths = "all"\nlangs = "all"\n'
        'formats = ["pdf", "docx"]\n')


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def pipe_closes_within(pipe, seconds: float) -> bool:
    """Read ``pipe`` until end of file (every writer gone); False if that takes longer than ``seconds``."""
    import select

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([pipe], [], [], 0.2)
        if ready and not os.read(pipe.fileno(), 65536):
            return True
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_killing_the_batch_parent_ends_its_workers(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "batch", str(plan), "-o", str(tmp_path / "out"),
                             "--content", str(CONTENT), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1795392000"})
    try:
        assert proc.stdout.readline()          # workers are running: the first brief is written
        workers = children(proc.pid)
        assert workers
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert pipe_closes_within(proc.stdout, 20), "the workers still hold stdout 20 s after the kill"
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split(")")[1][:3]
                  for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = [w for w in workers if Path(f"/proc/{w}").exists()
                 and "Z" not in Path(f"/proc/{w}/stat").read_text().split(")")[1][:3]]
        assert alive == []
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # this test's own process group, whatever happened
        except ProcessLookupError:
            pass
