"""A batch carries on past one brief's trouble and still ends with its summary.

* a worker process that dies (the OOM killer, a crash in a C library) costs only the
  briefs it held: the pool is replaced and they are tried once more;
* a file that cannot be written (a full disk) or whose name in the edition is a link
  out of it fails that file alone.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

import briefgen
from briefgen import runner
import briefgen.runner.run  # noqa: F401  (runner.run: where the run writes files)
from briefgen.errors import BriefgenError
from helpers import manifest_matches_disk, run_cli

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
PLAN = {"edition": "e", "briefs": [{"regions": "all", "lengths": ["short"], "formats": ["md"]}]}

needs_fork = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                                reason="the workers inherit the test's patch only when forked")


def dying_build(marker: Path | None):
    """Builder.build that kills its worker on Ningbo: once if ``marker`` is given, else every time."""
    real = runner.Builder.build

    def build(self, spec, formats):
        if spec.region == "ningbo" and (marker is None or not marker.exists()):
            if marker is not None:
                marker.touch()
            os._exit(9)
        return real(self, spec, formats)

    return build


@needs_fork
def test_a_worker_that_dies_once_costs_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(runner.Builder, "build", dying_build(tmp_path / "died-once"))
    report = briefgen.batch(PLAN, tmp_path / "out", jobs=2, content=CONTENT)
    assert (tmp_path / "died-once").exists()
    assert report.failed == [] and report.exit_code == 0
    assert any(p.name.startswith("ningbo_") for p in report.written)
    manifest_matches_disk(report.folder)


@needs_fork
def test_a_brief_that_kills_its_worker_every_time_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(runner.Builder, "build", dying_build(None))
    report = briefgen.batch(PLAN, tmp_path / "out", jobs=2, content=CONTENT)
    assert [f.spec.region for f in report.failed] == ["ningbo"] and report.exit_code == 1
    assert "worker process died" in report.failed[0].reason and "built alone" in report.failed[0].reason
    # Every other brief of the plan (the ones that were in the pool with it too) is built.
    assert len(report.written) == len(runner.load_plan(PLAN, briefgen.load_library(CONTENT)).jobs) - 1
    manifest_matches_disk(report.folder)


def test_a_full_disk_fails_one_file_and_the_batch_still_reports(tmp_path, monkeypatch, capsys):
    real = runner.run.write_atomic

    def full_disk(path, data):
        if path.name.startswith("suqian_"):
            raise BriefgenError(f"cannot write {path}: No space left on device; check the folder exists "
                                "and is writable")
        return real(path, data)

    monkeypatch.setattr(runner.run, "write_atomic", full_disk)
    plan = tmp_path / "plan.toml"
    plan.write_text('edition = "e"\n[[briefs]]\nregions = "all"\nlengths = ["short"]\nformats = ["md"]\n',
                    encoding="utf-8")
    code, _, err = run_cli(capsys, "batch", plan, "--content", CONTENT, "-o", tmp_path / "out", "--jobs", "1")
    assert code == 1
    assert "written, 0 unchanged, 1 failed" in err and "No space left on device" in err
    manifest_matches_disk(tmp_path / "out" / "e")


def test_a_brief_name_that_links_out_of_the_edition_fails_alone(tmp_path, capsys):
    folder = tmp_path / "out" / "e"
    folder.mkdir(parents=True)
    outside = tmp_path / "elsewhere.md"
    outside.write_text("keep me", encoding="utf-8")
    (folder / "suqian_from-hangzhou_government_short_en.md").symlink_to(outside)
    plan = tmp_path / "plan.toml"
    plan.write_text('edition = "e"\n[[briefs]]\nregions = ["suqian", "ningbo"]\nlengths = ["short"]\n'
                    'formats = ["md"]\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "batch", plan, "--content", CONTENT, "-o", tmp_path / "out", "--jobs", "1")
    assert code == 1 and "1 written, 0 unchanged, 1 failed" in err and "would leave the output folder" in err
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_a_batch_leaves_a_make_s_fresh_temporary_file_and_clears_a_crashed_one(tmp_path):
    """A `make` writing into the edition folder while a batch finishes keeps its temporary file;
    one left by a run that crashed long ago is cleared."""
    import os
    import time

    from briefgen.output import TEMP_PREFIX
    from briefgen.runner import STALE_TEMP_SECONDS, run_batch

    edition = tmp_path / "out" / "e"
    edition.mkdir(parents=True)
    fresh, crashed = edition / f"{TEMP_PREFIX}make-now.md", edition / f"{TEMP_PREFIX}crashed.md"
    fresh.write_text("being written", encoding="utf-8")
    crashed.write_text("left behind", encoding="utf-8")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(crashed, (old, old))
    plan = {"edition": "e", "briefs": [{"regions": ["suqian"], "formats": ["md"], "lengths": ["short"]}]}
    report = run_batch(plan, tmp_path / "out", jobs=1, content=CONTENT)
    assert not report.failed
    assert fresh.read_text(encoding="utf-8") == "being written" and not crashed.exists()


def test_a_plan_that_asks_for_no_briefs_is_refused(tmp_path, capsys):
    from helpers import run_cli

    plan = tmp_path / "plan.toml"
    plan.write_text('edition = "e"\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT)
    assert code == 2 and out == "" and "no [[briefs]] table; add at least one" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "e").exists()
