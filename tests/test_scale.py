"""Cost that grows with the work (issue 17): the parsed-content cache, the manifest
journal, and shards on separate machines.  Timings are benchmarks/scale.py's job;
these tests check that none of it changes what a user gets."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import briefgen
from briefgen.errors import ContentError
from briefgen.library import cache as parsed_cache
from briefgen.library import loader, table
from briefgen.library import loading as library_module
from briefgen.runner import MANIFEST
from helpers import manifest_matches_disk

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import region_id, write_overlay  # noqa: E402

BATCH_CONTENT = Path(__file__).parent / "fixtures" / "batch_content"


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """An empty user cache folder for this test (and the processes it starts)."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    library_module._cache.clear()           # no library kept in this process either
    yield home
    library_module._cache.clear()


@pytest.fixture(scope="module")
def overlay(tmp_path_factory) -> Path:
    return write_overlay(3, tmp_path_factory.mktemp("overlay") / "synthetic")


def briefgen_cli(*args, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefgen", *map(str, args)], capture_output=True, text=True,
                          env=env or dict(os.environ), cwd=cwd, timeout=300)


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "briefgen").rglob("*" + parsed_cache.SUFFIX))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ------------------------------------------------------------------ the parsed-content cache

def test_cache_cold_warm_and_bypassed_give_identical_files(tmp_path, cache_home, overlay):
    # Each run is its own process, as a user's are: the first fills the cache, the second
    # starts from it, the third ignores it.  Every format, a built-in and a synthetic region.
    runs = {}
    for name, extra in (("cold", []), ("warm", []), ("bypassed", ["--no-cache"])):
        out = tmp_path / name
        # A synthetic region, with the built-in content under it: its brief compares it
        # with another synthetic region and quotes built-in regions' figures in its chart.
        result = briefgen_cli("make", "-r", region_id(1), "--overlay", overlay, "-f", "all", "-o", f"{out}/",
                              *extra)
        assert result.returncode == 0, result.stderr
        runs[name] = folder_bytes(out)
        if name == "cold":
            assert len(cache_files(cache_home)) == 1     # the cold run filled the cache
    assert len(runs["cold"]) == 4
    assert runs["cold"] == runs["warm"] == runs["bypassed"]


def test_a_warm_process_does_not_parse_the_content(cache_home, overlay, monkeypatch):
    first = briefgen.load_library(overlays=[overlay])
    library_module._cache.clear()            # as a new process would be

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed the YAML although the cache holds these exact files")

    monkeypatch.setattr(loader, "parse_yaml", no_parsing)
    monkeypatch.setattr(table, "parse_csv", no_parsing)
    again = briefgen.load_library(overlays=[overlay])
    assert again.fingerprint == first.fingerprint and again.counts() == first.counts()
    assert again.indicators == first.indicators and again.recommendations == first.recommendations


def test_a_library_from_the_cache_answers_every_query_as_the_parsed_one(cache_home, overlay):
    # The cached library keeps each region's records pickled until a query is about that
    # region: every answer, and its order, must be the parsed library's.
    parsed = briefgen.load_library(overlays=[overlay], cache=True)      # parses, fills the cache
    library_module._cache.clear()
    cached = briefgen.load_library(overlays=[overlay])
    assert list(cached.findings) == list(parsed.findings) and len(cached.cases) == len(parsed.cases)
    regions = [*parsed.regions, None, "no-such-region"]
    measures = sorted({i.measure for i in parsed.indicators.values() if i.measure}) + ["no-such-measure"]
    themes = [*parsed.themes, "no-such-theme"]
    for lib in (cached, parsed):
        assert isinstance(lib.regions_named_in("City 00001 and 宿迁市"), set)
    for rid in regions:
        for query in ("indicators_of", "facts_of", "findings_of", "cases_of", "case_themes_of",
                      "recommendations_of", "recommendations_learning_from", "children_of"):
            assert getattr(cached, query)(rid) == getattr(parsed, query)(rid), (query, rid)
        assert dict(cached.by_measure(rid)) == dict(parsed.by_measure(rid))
    for measure in measures:
        mine, theirs = cached.measure_across_regions(measure), parsed.measure_across_regions(measure)
        assert list(mine.items()) == list(theirs.items())
    for theme in themes:
        for query in ("findings_on", "cases_on", "regions_with_cases_on"):
            assert getattr(cached, query)(theme) == getattr(parsed, query)(theme), (query, theme)
    assert cached.sources_cited() == parsed.sources_cited()
    assert cached.regions_named_in("City 00001 and 宿迁市") == parsed.regions_named_in("City 00001 and 宿迁市")
    # Whole passes see every record in load order, and the mappings stay read-only.
    assert list(cached.indicators.items()) == list(parsed.indicators.items())
    assert cached.cases == parsed.cases and dict(cached.facts) == dict(parsed.facts)
    with pytest.raises(TypeError, match="read-only"):
        cached.findings["x"] = None


def test_an_edit_is_seen_even_when_size_and_time_are_kept(tmp_path, cache_home):
    content = tmp_path / "content"
    shutil.copytree(BATCH_CONTENT, content)
    briefgen.load_library(content)
    csv_path = content / "indicators.csv"
    st = csv_path.stat()
    text = csv_path.read_text(encoding="utf-8")
    old = next(line.split(",")[4] for line in text.splitlines()[1:] if line.split(",")[4].isdigit())
    new = str((int(old) + 1) % 10 ** len(old)).zfill(len(old))           # same length, other figure
    csv_path.write_text(text.replace(f",{old},", f",{new},", 1), encoding="utf-8")
    os.utime(csv_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert csv_path.stat().st_size == st.st_size
    library_module._cache.clear()
    values = {i.value for i in briefgen.load_library(content).indicators.values()}
    assert new in values


def test_a_corrupt_or_foreign_cache_file_is_ignored_and_rewritten(cache_home, overlay, tmp_path):
    expected = briefgen.make("suqian", overlays=[overlay], format="md")
    [path] = cache_files(cache_home)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    payload = __import__("pickle").dumps(Evil())
    for bad in (b"garbage", path.read_bytes()[:1000],
                # right header, but signed with a secret that is not this user's
                parsed_cache.HEADER + b"\0" * 32 + payload):
        path.write_bytes(bad)
        library_module._cache.clear()
        assert briefgen.make("suqian", overlays=[overlay], format="md") == expected
        assert not marker.exists()
        assert path.read_bytes() != bad           # rebuilt from the content

    # A cache file others may write is not trusted, however it is signed.
    os.chmod(path, 0o666)
    library_module._cache.clear()
    assert parsed_cache.load(path.name[: -len(parsed_cache.SUFFIX)]) is None
    assert briefgen.make("suqian", overlays=[overlay], format="md") == expected


def test_a_signed_payload_naming_other_classes_is_refused(cache_home, tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    parsed_cache.store("k" * 64, {"x": 1})              # makes the folder and the secret
    parsed_cache.store("e" * 64, Evil())                # signed with the right secret...
    assert parsed_cache.load("k" * 64) == {"x": 1}
    assert parsed_cache.load("e" * 64) is None           # ...but not a briefgen record
    assert not marker.exists()


def test_problems_are_reported_with_file_and_line_whatever_the_cache(tmp_path, cache_home):
    content = tmp_path / "content"
    shutil.copytree(BATCH_CONTENT, content)
    briefgen.load_library(content)                          # a filled cache
    assert briefgen_cli("check", "--content", content).returncode == 0    # and check's report in it
    findings = content / "findings.yaml"
    text = findings.read_text(encoding="utf-8")
    findings.write_text(text.replace("kind: problem", "kind: problme", 1), encoding="utf-8")
    record = text.rindex("- id:", 0, text.index("kind: problem"))
    where = f"findings.yaml:{text[:record].count(chr(10)) + 1}:"
    for flag in ([], ["--no-cache"]):
        result = briefgen_cli("check", "--content", content, *flag)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        problem = next(line for line in result.stderr.splitlines() if "problme" in line)
        assert where in problem and "did you mean 'problem'" in problem
    library_module._cache.clear()
    with pytest.raises(ContentError) as err:
        briefgen.load_library(content)
    assert any(where in p and "problme" in p for p in err.value.problems)


def test_no_cache_leaves_the_cache_folder_alone(cache_home, overlay):
    result = briefgen_cli("check", "--overlay", overlay, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "content OK" in result.stdout
    assert not (cache_home / "briefgen").exists()
    briefgen.load_library(overlays=[overlay], cache=False)
    assert not (cache_home / "briefgen").exists()


def test_processes_filling_the_cache_at_once_agree(cache_home, overlay):
    procs = [subprocess.Popen([sys.executable, "-m", "briefgen", "check", "--overlay", str(overlay)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len({o for o, _ in outs}) == 1
    [path] = cache_files(cache_home)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]
    assert briefgen_cli("check", "--overlay", overlay).stdout == outs[0][0]
    # What a warm check prints from the cache is what reading every record says.
    assert briefgen_cli("check", "--overlay", overlay, "--no-cache").stdout == outs[0][0]


# ------------------------------------------------------------------ the manifest journal

def plan_file(folder: Path, formats: str = '"md"', lengths: str = '"all"') -> Path:
    path = folder / "plan.toml"
    path.write_text(textwrap.dedent(f"""\
        edition = "e"
        [[briefs]]
        regions = "all"
        audiences = "all"
        lengths = {lengths}
        langs = "all"
        formats = {formats}
    """), encoding="utf-8")
    return path


def test_a_killed_run_loses_no_work(tmp_path):
    # SIGKILL gives briefgen no chance to tidy up: what it built is in the journal,
    # and the next run folds that in, rebuilds nothing it already has, and publishes
    # a manifest that matches the disk.
    plan = plan_file(tmp_path, '["md", "html"]')
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "batch", str(plan), "-o", str(out),
                             "--content", str(BATCH_CONTENT), "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    built = [proc.stdout.readline() for _ in range(6)]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert all(built)
    folder = out / "e"
    result = briefgen_cli("batch", plan, "-o", out, "--content", BATCH_CONTENT, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    rebuilt = set(result.stdout.split())
    assert not rebuilt & {b.strip() for b in built}           # none of the killed run's files again
    data = manifest_matches_disk(folder)
    assert len(data["files"]) == 3 * 4 * 3 * 2 * 2
    assert not list(folder.glob(".*journal"))


def test_a_killed_writers_temporary_file_is_removed_by_the_next_run(tmp_path):
    # A kill landing inside a file write leaves its temporary file: the next run removes
    # it at once when its writer is gone, and leaves one a live process may be writing.
    from briefgen.output import TEMP_PREFIX, _host

    plan = plan_file(tmp_path, '["md"]', '"short"')
    out = tmp_path / "out"
    assert briefgen_cli("batch", plan, "-o", out, "--content", BATCH_CONTENT, "--jobs", "1").returncode == 0
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = out / "e"
    dead = folder / f"{TEMP_PREFIX}{_host()}-{gone.pid}-0123456789ab.md"
    live = folder / f"{TEMP_PREFIX}{_host()}-{os.getpid()}-0123456789ab.md"
    for tmp in (dead, live):
        tmp.write_bytes(b"half a brief")
    result = briefgen_cli("batch", plan, "-o", out, "--content", BATCH_CONTENT, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert not dead.exists() and live.exists()


def test_a_large_plan_says_how_many_files_before_it_starts(tmp_path, monkeypatch, capsys):
    from briefgen.runner import run as runner

    monkeypatch.setattr(runner, "LARGE_EDITION", 10)
    plan = plan_file(tmp_path)
    report = briefgen.batch(str(plan), output=tmp_path / "out", content=BATCH_CONTENT, jobs=1)
    assert report.exit_code == 0
    err = capsys.readouterr().err
    assert "this plan makes 72 files (72 briefs); 72 need building, 0 are up to date" in err


def test_progress_shows_time_left():
    from briefgen.runner.report import _Progress

    bar = _Progress(4, enabled=False)
    bar._start -= 10                        # ten seconds in, one of four done
    bar.done = 1
    assert bar.eta() == "ETA 0m30s"
    bar.done = 4
    assert bar.eta() == ""


# ------------------------------------------------------------------ shards on four machines

def test_four_shard_processes_merge_to_a_single_machine_run(tmp_path):
    plan = plan_file(tmp_path, '["md", "pdf"]', '"short"')
    single = tmp_path / "single"
    result = briefgen_cli("batch", plan, "-o", single, "--content", BATCH_CONTENT, "--jobs", "2")
    assert result.returncode == 0, result.stderr

    # Four "machines", each with its own output folder, run at once.
    procs = [subprocess.Popen([sys.executable, "-m", "briefgen", "batch", str(plan), "-o", str(tmp_path / f"m{k}"),
                               "--content", str(BATCH_CONTENT), "--shard", f"{k}/4", "--jobs", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in (1, 2, 3, 4)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    # The merge job gathers the four artifacts into one folder, as CI does.
    merged = tmp_path / "merged"
    for k in (1, 2, 3, 4):
        shutil.copytree(tmp_path / f"m{k}", merged, dirs_exist_ok=True)
    result = briefgen_cli("batch", "--merge-manifests", merged / "e")
    assert result.returncode == 0, result.stderr

    one = json.loads((single / "e" / MANIFEST).read_text(encoding="utf-8"))
    four = json.loads((merged / "e" / MANIFEST).read_text(encoding="utf-8"))
    assert four["files"] == one["files"]
    assert len(one["files"]) == 3 * 4 * 2 * 2
    for key in ("content_fingerprint", "content", "edition", "briefgen_version", "as_of", "since"):
        assert four[key] == one[key], key
    assert four["merged_from"] == [f"manifest.shard-{k}-of-4.json" for k in (1, 2, 3, 4)]
    single_files = {n: hashlib.sha256(b).hexdigest() for n, b in folder_bytes(single / "e").items()
                    if not n.startswith((".", "manifest"))}
    merged_files = {n: hashlib.sha256(b).hexdigest() for n, b in folder_bytes(merged / "e").items()
                    if not n.startswith((".", "manifest"))}
    assert merged_files == single_files
    manifest_matches_disk(merged / "e", four)
