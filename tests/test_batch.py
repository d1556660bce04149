"""briefgen batch: plans, the manifest, incremental reruns, shards, editions, failures, safety.

Most tests build short Markdown briefs from the small content folder in
fixtures/batch_content, so the whole file runs in well under a minute.
"""
from __future__ import annotations

import json
import os
import signal
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import briefgen
from briefgen.runner import (MANIFEST, BatchReport, changed_since, content_hashes, load_plan,
                            parse_shard, run_batch, shard_jobs)
from helpers import PausedRun, manifest_matches_disk, run_cli
from briefgen.errors import UsageError
from briefgen.library import load_library
from briefgen.units import unbound

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
REGIONS_WITH_CONTENT = ["hangzhou", "ningbo", "suqian"]


@pytest.fixture(scope="module")
def lib():
    return load_library(CONTENT)


def write_plan(folder: Path, text: str, name: str = "plan.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


cli = run_cli


def files_in(folder: Path) -> dict[str, int]:
    """Brief files (not manifests, locks) -> mtime_ns."""
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.iterdir())
            if not p.name.startswith((".", "manifest"))}


def manifest(folder: Path, name: str = MANIFEST) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


SMALL_PLAN = """\
    edition = "2026-11"
    [[briefs]]
    regions = ["suqian", "ningbo"]
    lengths = ["short"]
    langs = ["en", "zh"]
    formats = ["md", "html"]
"""


# ------------------------------------------------------------------ plans


def test_plan_expands_lists_and_all(lib):
    plan = load_plan({"briefs": [
        {"regions": "all", "audience": "industry", "length": "short", "formats": ["md"]},
        {"region": "宿迁市", "audiences": "all", "lang": "zh", "format": "html"},
        # the same spec again with another format: one job, both formats
        {"regions": ["suqian"], "audiences": ["industry"], "lengths": ["short"], "formats": ["html"]},
    ]}, lib)
    keys = [j.key for j in plan.jobs]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    by_key = {j.key: j for j in plan.jobs}
    # "all" regions: every region with content of its own (not the parents china, jiangsu, zhejiang)
    for rid in REGIONS_WITH_CONTENT:
        assert f"{rid}|auto|industry|short|en|-" in by_key
    assert not any(k.startswith(("china|", "jiangsu|", "zhejiang|")) for k in keys)
    assert by_key["suqian|auto|industry|short|en|-"].formats == ("md", "html")
    # "all" audiences, Chinese name accepted, singular keys, defaults (standard length)
    for audience in briefgen.AUDIENCES:
        assert by_key[f"suqian|auto|{audience}|standard|zh|-"].formats == ("html",)
    assert len(plan.jobs) == 3 + 4


def test_plan_all_regions_leaves_out_the_benchmark(lib):
    plan = load_plan({"briefs": [{"regions": "all", "benchmark": "Hangzhou", "formats": "md"}]}, lib)
    assert [j.spec.region for j in plan.jobs] == ["ningbo", "suqian"]
    assert {j.spec.benchmark for j in plan.jobs} == {"hangzhou"}


def test_plan_reports_every_problem_at_once(tmp_path, capsys):
    plan = write_plan(tmp_path, """\
        edition = "2026/11"
        colour = "red"
        [[briefs]]
        regions = ["suqain", "ningbo"]
        audiences = ["goverment"]
        length = "shrot"
        langs = ["fr"]
        formats = ["pfd", "md"]
        benchmark = "hangzhuo"
        [[briefs]]
        regions = ["ningbo"]
        fromats = "md"
        [[briefs]]
        regions = ["ningbo"]
        benchmark = "ningbo"
    """)
    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT)
    assert code == 2 and out == ""
    for expected in [
        "plan.toml: 10 problems in the plan",
        "unknown key 'colour'",
        "edition = '2026/11'",
        "briefs #1, key 'regions': unknown region 'suqain'; did you mean 'suqian'?",
        "briefs #1, key 'audiences': unknown audience 'goverment'; did you mean 'government'?",
        "choose from government, industry, education, research or \"all\"",
        "briefs #1, key 'length': unknown length 'shrot'; did you mean 'short'?",
        "briefs #1, key 'langs': unknown lang 'fr' (choose from en, zh",
        "briefs #1, key 'formats': unknown format 'pfd'; did you mean 'pdf'?",
        "briefs #1, key 'benchmark': unknown region 'hangzhuo'; did you mean 'hangzhou'?",
        "briefs #2: unknown key 'fromats'; did you mean 'formats'?",
        "briefs #3: benchmark 'ningbo' is also one of the regions",
    ]:
        assert expected in err, expected
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text, fault", [
    ('[[briefs]]\nregions = ["suqian"\nformats = "md"\n', "not valid TOML ("),
    (b'[[briefs]]\nregions = ["\xcb\xde\xc7\xa8"]\n', "not UTF-8 text; save the plan as UTF-8"),
])
def test_plan_that_is_not_toml_names_the_file(tmp_path, capsys, text, fault):
    plan = tmp_path / "plan.toml"
    plan.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    # The parser's own account of the fault is quoted in the brackets; briefgen's words frame it.
    assert err.startswith(f"briefgen: {plan}: {fault}"), err
    if "TOML" in fault:
        assert err.endswith("); fix the syntax of the plan\n"), err
    assert not (tmp_path / "out").exists()


def test_plan_without_briefs_and_missing_file(tmp_path, capsys):
    plan = write_plan(tmp_path, 'edition = "x"\n')
    code, _, err = cli(capsys, "batch", plan, "--content", CONTENT)
    assert code == 2 and "no [[briefs]] table" in err
    code, _, err = cli(capsys, "batch", tmp_path / "nope.toml", "--content", CONTENT)
    assert code == 2 and "plan file not found" in err


# ------------------------------------------------------------------ manifest and reruns


def test_batch_writes_files_and_manifest(tmp_path, capsys, lib):
    plan = write_plan(tmp_path, SMALL_PLAN)
    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT, "--jobs", "2")
    assert code == 0, err
    folder = tmp_path / "out" / "2026-11"
    printed = out.splitlines()
    assert len(printed) == 8 and all(Path(p).parent == folder for p in printed)
    assert sorted(Path(p).name for p in printed) == sorted(files_in(folder))
    assert "8 written, 0 unchanged, 0 failed" in err

    data = manifest(folder)
    assert data["edition"] == "2026-11" and data["plan"] == str(plan)
    assert data["content_fingerprint"] == lib.fingerprint
    assert data["briefgen_version"] == briefgen.__version__
    assert data["content"] == content_hashes(lib)
    assert len(data["files"]) == 8
    manifest_matches_disk(folder, data)
    entry = next(e for e in data["files"] if e["path"] == "suqian_from-hangzhou_government_short_zh.html")
    assert entry["format"] == "html" and entry["benchmark_used"] == "hangzhou"
    assert entry["spec"] == {"region": "suqian", "benchmark": None, "audience": "government",
                             "length": "short", "lang": "zh", "as_of": None, "date": None,
                             "new_since": None, "missing_translation": "omit"}
    assert len(entry["fingerprint"]) == 64 and entry["briefgen_version"] == briefgen.__version__
    assert entry["written"] == "2026-11-23T00:00:00Z"  # SOURCE_DATE_EPOCH (conftest)
    # md and html of one spec come from one composed Brief: same title in both
    md = (folder / "suqian_from-hangzhou_government_short_zh.md").read_text(encoding="utf-8")
    html = (folder / "suqian_from-hangzhou_government_short_zh.html").read_text(encoding="utf-8")
    title = md.split("title:", 1)[1].splitlines()[0].strip().strip("'\"")
    assert title and title in html


def test_rerun_leaves_files_untouched_and_force_rebuilds(tmp_path, capsys):
    plan = write_plan(tmp_path, SMALL_PLAN)
    args = ["batch", plan, "-o", tmp_path / "out", "--content", CONTENT, "--jobs", "2"]
    assert cli(capsys, *args)[0] == 0
    folder = tmp_path / "out" / "2026-11"
    before, data_before = files_in(folder), manifest(folder)

    code, out, err = cli(capsys, *args)
    assert code == 0 and out == ""
    assert "0 written, 8 unchanged, 0 failed" in err
    assert files_in(folder) == before
    assert manifest(folder)["files"] == data_before["files"]

    # A file changed or removed on disk is rebuilt, and only that one.
    victim = folder / "ningbo_situation_government_short_en.md"
    victim.write_text("edited by hand\n")
    (folder / "ningbo_situation_government_short_zh.html").unlink()
    code, out, err = cli(capsys, *args)
    assert code == 0 and "2 written, 6 unchanged" in err
    assert sorted(Path(p).name for p in out.splitlines()) == [
        "ningbo_situation_government_short_en.md", "ningbo_situation_government_short_zh.html"]
    manifest_matches_disk(folder, manifest(folder))

    # --force rebuilds and rewrites everything.
    before = files_in(folder)
    code, out, err = cli(capsys, *args, "--force")
    assert code == 0 and "8 written, 0 unchanged" in err and len(out.splitlines()) == 8
    after = files_in(folder)
    assert all(after[name] != before[name] for name in before)


def test_changed_inputs_rebuild(tmp_path, capsys):
    plan = write_plan(tmp_path, SMALL_PLAN)
    args = ["batch", plan, "-o", tmp_path / "out", "--content", CONTENT, "--jobs", "1"]
    assert cli(capsys, *args)[0] == 0
    style = tmp_path / "house.toml"
    style.write_text('organisation = "Suqian Bureau of Commerce"\n')
    code, out, err = cli(capsys, *args, "--config", style)
    assert code == 0 and "8 written" in err  # the house style is one of the inputs


# ------------------------------------------------------------------ shards


def test_shards_partition_the_plan(tmp_path, capsys):
    plan = write_plan(tmp_path, """\
        edition = "e"
        [[briefs]]
        regions = "all"
        audiences = ["government", "industry"]
        lengths = "short"
        formats = "md"
    """)
    whole = tmp_path / "whole"
    assert cli(capsys, "batch", plan, "-o", whole, "--content", CONTENT, "--jobs", "1")[0] == 0
    everything = {e["key"] for e in manifest(whole / "e")["files"]}
    assert len(everything) == 6

    shared = tmp_path / "shards"
    parts = []
    for k in (1, 2, 3, 4):  # more shards than some have work for is fine
        code, out, err = cli(capsys, "batch", plan, "-o", shared, "--content", CONTENT, "--shard", f"{k}/4",
                             "--jobs", "1")
        assert code == 0, err
        data = manifest(shared / "e", f"manifest.shard-{k}-of-4.json")
        assert data["shard"] == f"{k}/4"
        parts.append({e["key"] for e in data["files"]})
    assert set().union(*parts) == everything
    assert sum(len(p) for p in parts) == len(everything)  # disjoint
    assert not (shared / "e" / MANIFEST).exists()
    assert files_in(shared / "e").keys() == files_in(whole / "e").keys()

    code, out, err = cli(capsys, "batch", "--merge-manifests", shared / "e")
    assert code == 0 and out.strip() == str(shared / "e" / MANIFEST)
    merged = manifest(shared / "e")
    assert {e["key"] for e in merged["files"]} == everything
    manifest_matches_disk(shared / "e", merged)
    # after the merge an unsharded run finds everything up to date
    code, out, err = cli(capsys, "batch", plan, "-o", shared, "--content", CONTENT, "--jobs", "1")
    assert code == 0 and out == "" and "0 written, 6 unchanged" in err


def test_shard_split_is_deterministic(lib):
    plan = load_plan({"briefs": [{"regions": "all", "audiences": "all", "formats": "md"}]}, lib)
    a = [j.key for j in shard_jobs(plan.jobs, (2, 3))]
    b = [j.key for j in shard_jobs(list(reversed(plan.jobs)), (2, 3))]
    assert a == b and len(a) == 4


@pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "1-3", "2/0"])
def test_bad_shard_is_a_usage_error(tmp_path, capsys, bad):
    plan = write_plan(tmp_path, SMALL_PLAN)
    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--shard", bad, "--content", CONTENT)
    assert code == 2 and "--shard" in err and ("K/N" in err or "between 1 and N" in err)
    assert not (tmp_path / "out").exists()
    with pytest.raises(UsageError):
        parse_shard(bad)


# ------------------------------------------------------------------ editions


def test_as_of_drops_later_figures(tmp_path, capsys):
    plan = write_plan(tmp_path, """\
        [[briefs]]
        regions = ["ningbo"]
        lang = "zh"
        formats = "md"
    """)
    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT,
                         "--as-of", "2025-01-01")
    assert code == 0, err
    folder = tmp_path / "out" / "2025-01"  # edition named after the as-of date
    (path,) = out.splitlines()
    assert Path(path).name == "ningbo_situation_government_standard_zh_as-of-2025-01-01.md"
    text = Path(path).read_text(encoding="utf-8")
    assert "2101" in text                  # from the 2024 source
    assert "海外仓" not in text              # the 2025 figure and case are left out
    data = manifest(folder)
    assert data["as_of"] == "2025-01-01" and data["files"][0]["spec"]["as_of"] == "2025-01-01"
    assert "ningbo-overseas-warehouses-2025" not in data["content"]["indicators"]

    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "now", "--content", CONTENT)
    assert "海外仓" in Path(out.splitlines()[0]).read_text(encoding="utf-8")


def test_since_adds_whats_new(tmp_path, capsys):
    first = write_plan(tmp_path, '[[briefs]]\nregions = ["suqian", "ningbo"]\nlength = "short"\nformat = "md"\n')
    out_dir = tmp_path / "out"
    assert run_batch(first, out_dir, content=CONTENT, jobs=1).exit_code == 0
    old_manifest = out_dir / "2026-11" / MANIFEST  # no edition in the plan: today's year-month

    overlay = tmp_path / "overlay"
    overlay.mkdir()
    header = (CONTENT / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    (overlay / "indicators.csv").write_text(header + "\n" + (
        "suqian-cbec-trade-2024,suqian,Cross-border e-commerce imports and exports,跨境电商进出口额,"
        "63.5,亿元,2024,exact,trade-scale,bt-2025,进出口额 63.5 亿元,§1,,,cbec-trade-value\n"), encoding="utf-8")
    changed = changed_since(json.loads(old_manifest.read_text())["content"],
                            content_hashes(load_library(CONTENT, [overlay])))
    assert changed == {"suqian-cbec-trade-2024"}

    report = run_batch({"edition": "next", "briefs": [{"regions": ["suqian", "ningbo"], "length": "short",
                                                       "format": "md"}]},
                       out_dir, content=CONTENT, overlays=[overlay], since=old_manifest, jobs=1)
    assert report.exit_code == 0 and len(report.written) == 2
    suqian = unbound((out_dir / "next" / "suqian_from-hangzhou_government_short_en.md").read_text(encoding="utf-8"))
    ningbo = (out_dir / "next" / "ningbo_situation_government_short_en.md").read_text(encoding="utf-8")
    assert "What's new since the last edition" in suqian and "6.35 billion" in suqian.split("What's new")[1][:600]
    # the new Suqian figure is not news for a brief on Ningbo
    assert "What's new since the last edition" in ningbo and "Nothing was added or changed" in ningbo
    entry = next(e for e in manifest(out_dir / "next")["files"] if e["path"].startswith("suqian"))
    assert entry["spec"]["new_since"] == ["suqian-cbec-trade-2024"]
    assert manifest(out_dir / "next")["since"] == str(old_manifest)


def test_since_needs_a_manifest(tmp_path, capsys):
    plan = write_plan(tmp_path, SMALL_PLAN)
    (tmp_path / "junk.json").write_text("[1, 2]")
    for bad in (tmp_path / "missing.json", tmp_path / "junk.json"):
        code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT, "--since", bad)
        assert code == 2 and str(bad) in err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ failures and safety


def test_a_failing_brief_does_not_stop_the_others(tmp_path, capsys):
    templates = tmp_path / "templates"
    (templates / "zh").mkdir(parents=True)
    (templates / "zh" / "narrative.j2").write_text("{% macro title(region, benchmark, themes) %}{{ oops( }}"
                                                   "{% endmacro %}", encoding="utf-8")
    plan = write_plan(tmp_path, SMALL_PLAN)
    code, out, err = cli(capsys, "batch", plan, "-o", tmp_path / "out", "--content", CONTENT,
                         "--templates", templates, "--jobs", "2")
    assert code == 1
    folder = tmp_path / "out" / "2026-11"
    assert sorted(files_in(folder)) == sorted(Path(p).name for p in out.splitlines())
    assert all("_en." in name for name in files_in(folder)) and len(files_in(folder)) == 4
    assert "4 written, 0 unchanged, 4 failed" in err
    failures = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert len(failures) == 2
    assert all(" zh (md, html): template " in f and "narrative.j2" in f for f in failures)
    manifest_matches_disk(folder, manifest(folder))


def test_concurrent_batches_share_one_folder(tmp_path):
    """Two batches into one edition folder take turns: while the first is inside a write
    under the folder lock (held there by tests/pausing.py), the second asks for the lock
    and does not get it; once let go, both finish and the manifest lists what is on disk."""
    plans = [write_plan(tmp_path, f"""\
        edition = "shared"
        [[briefs]]
        regions = {regions}
        audiences = ["government", "industry"]
        lengths = "short"
        langs = "all"
        formats = ["md", "html"]
    """, f"p{i}.toml") for i, regions in enumerate(('["suqian", "hangzhou"]', '["ningbo", "hangzhou"]'))]
    cmd = ["batch", "-o", tmp_path / "out", "--content", CONTENT, "--jobs", "2"]
    first = PausedRun([*cmd, plans[0]], tmp_path / "first", pause_write=1)
    first.wait_paused()
    second = PausedRun([*cmd, plans[1]], tmp_path / "second", locks=True)
    second.wait_for(lambda: second.lock_log() == ["want"], "asking for the folder lock")
    time.sleep(0.5)
    assert second.lock_log() == ["want"], "the second batch took the lock the first holds"
    first.release()
    results = [run.communicate() for run in (first, second)]
    assert [first.proc.returncode, second.proc.returncode] == [0, 0], results
    folder = tmp_path / "out" / "shared"
    data = manifest(folder)
    assert len(data["files"]) == 3 * 2 * 2 * 2
    manifest_matches_disk(folder, data)


def test_interrupt_stops_cleanly(tmp_path):
    """Ctrl-C lands, every time, while the first brief's second file is being written
    (tests/pausing.py holds that write open): it finishes, nothing new starts, the manifest is true."""
    plan = write_plan(tmp_path, """\
        edition = "e"
        [[briefs]]
        regions = "all"
        audiences = "all"
        lengths = "all"
        langs = "all"
        formats = ["md", "pdf"]
    """)
    run = PausedRun(["batch", plan, "-o", tmp_path / "out", "--content", CONTENT, "--jobs", "2"],
                    tmp_path / "hook", pause_write=2, start_new_session=True)
    folder = tmp_path / "out" / "e"
    temporary = run.wait_paused()
    assert temporary.parent == folder and temporary.suffix in (".md", ".pdf") and temporary.is_file()
    os.killpg(run.proc.pid, signal.SIGINT)  # like Ctrl-C: the whole process group
    said = run.stderr_until("stopping after the briefs in progress")
    run.release()
    out, err = run.communicate(timeout=60)
    err = said + err
    assert run.proc.returncode == 130, err
    assert "interrupted:" in err and "not built" in err
    data = manifest(folder)
    assert 2 <= len(data["files"]) < 72 * 2     # at least the brief whose write was interrupted
    manifest_matches_disk(folder, data)


# ------------------------------------------------------------------ Python API and threads


def test_python_api(tmp_path):
    report = briefgen.batch({"edition": "api", "briefs": [{"region": "suqian", "length": "short",
                                                            "formats": ["md"]}]},
                            output=tmp_path, content=CONTENT, jobs=1)
    assert isinstance(report, briefgen.BatchReport) and isinstance(report, BatchReport)
    assert report.exit_code == 0 and report.summary() == "1 written, 0 unchanged, 0 failed"
    assert report.written == [tmp_path / "api" / "suqian_from-hangzhou_government_short_en.md"]
    assert report.manifest == tmp_path / "api" / MANIFEST
    again = briefgen.batch({"edition": "api", "briefs": [{"region": "suqian", "length": "short",
                                                           "formats": ["md"]}]}, output=tmp_path, content=CONTENT)
    assert again.unchanged == report.written and not again.written
    with pytest.raises(UsageError):
        briefgen.batch({"briefs": [{"region": "nowhere"}]}, output=tmp_path, content=CONTENT)


def test_briefs_from_many_threads_match_a_sequential_run():
    specs = [dict(region=r, audience=a, lang=lang, length="short")
             for r in REGIONS_WITH_CONTENT for a in ("government", "education") for lang in ("en", "zh")]

    def one(kw):
        return briefgen.make_all(content=CONTENT, formats=("md",), **kw)["md"]

    sequential = [one(kw) for kw in specs]
    barrier = threading.Barrier(4)

    def racing(kw):
        barrier.wait() if specs.index(kw) < 4 else None
        return one(kw)

    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(racing, specs))
    assert threaded == sequential
    assert len(set(sequential)) == len(specs)
