"""The output folder's lock (briefgen/locking.py): exclusive on every platform, never through a link."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.locking import LOCK_NAME, folder_lock
from helpers import run_cli

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
PLAN = 'edition = "e1"\n[[briefs]]\nregions = ["suqian"]\nformats = ["md"]\nlength = "short"\n'


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_left_alone(tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n", encoding="utf-8")
    edition = tmp_path / "out" / "e1"        # the edition folder is the one a batch locks
    edition.mkdir(parents=True)
    (edition / LOCK_NAME).symlink_to(target)
    code, stdout, err = run_cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT)
    assert code == 1 and "Traceback" not in err, err
    assert err == (f"briefgen: {edition / LOCK_NAME} is a symbolic link; briefgen does not follow it. "
                   "Remove the link and run again\n")
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in edition.iterdir()) == [LOCK_NAME]


def test_a_dangling_link_is_refused_too_and_nothing_is_created(tmp_path):
    (tmp_path / LOCK_NAME).symlink_to(tmp_path / "missing")
    with pytest.raises(BriefgenError, match="is a symbolic link; briefgen does not follow it"):
        with folder_lock(tmp_path):
            pass
    assert not (tmp_path / "missing").exists()


def test_the_lock_is_exclusive_between_processes(tmp_path):
    """Another process holding the lock makes this one wait until it lets go."""
    holder = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from briefgen.locking import folder_lock
        with folder_lock(Path({str(tmp_path)!r})):
            print("held", flush=True)
            time.sleep(1.5)
        """)
    with subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout.readline().strip() == "held"
            started = time.monotonic()
            with folder_lock(tmp_path):
                waited = time.monotonic() - started
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill()
    assert waited > 0.5, "got the lock while another process held it"


def test_the_lock_is_exclusive_between_threads(tmp_path):
    inside, overlaps = [], []

    def work() -> None:
        for _ in range(20):
            with folder_lock(tmp_path):
                inside.append(1)
                overlaps.append(len(inside))
                time.sleep(0.001)
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(overlaps) == 80 and max(overlaps) == 1


def test_the_lock_does_not_depend_on_fcntl():
    """Windows has no fcntl: the lock comes from filelock, which has a Windows lock."""
    source = (Path(__file__).resolve().parents[1] / "briefgen" / "locking.py").read_text(encoding="utf-8")
    assert "import fcntl" not in source and "from filelock import FileLock" in source
