"""The ``scale`` section of run.py: how briefgen's cost grows with the content (issue 17).

For each size N (default 10, 100 and 1,000 regions) it writes a synthetic overlay
(synthetic.py) into the benchmark's temporary folder and measures, each in a fresh
process with its own empty user cache folder (XDG_CACHE_HOME):

- ``check``: ``briefgen check --overlay DIR``, first with the parsed-content cache
  empty, then with it filled (what every later run sees);
- ``make``: ``briefgen make -r city-00003 --overlay DIR`` as PDF, the same two ways;
- ``warm``: one standard PDF brief in a long-lived process with the library loaded
  (the median over six regions, after one warm-up brief);
- ``batch``: ``briefgen batch --force --jobs 2`` of 200 briefs (50 regions x 4 audiences);
- peak memory: the largest resident set of any of those processes (wait4).

Then, between consecutive sizes, the slope: log(t2/t1) / log(N2/N1), so 1.0 is
linear growth, 0 is none, and 2.0 quadratic.  Targets (2 cores): at 1,000 regions,
check <= 3x and make <= 1.5x their 10-region times, a warm brief < 100 ms, and peak
memory < 500 MB.  Run this file directly with ``--warm DIR`` to get only the warm
figures for one overlay (run.py does that in a child process, to measure its memory).
"""
from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Row, bench_env, briefgen_command, timed  # noqa: E402
from synthetic import region_id, write_overlay  # noqa: E402

BRIEF_REGION = region_id(3)
WARM_REGIONS = [region_id(n) for n in (2, 4, 5, 6, 7)] + ["suqian"]
BATCH_REGIONS = 50          # x 4 audiences = 200 briefs


def _env(cache: Path) -> dict[str, str]:
    return dict(bench_env(), XDG_CACHE_HOME=str(cache))


def _cold(argv: list[str], tmp: Path, cache: Path, runs: int) -> tuple[float, float, float]:
    """(first run with an empty cache, median of ``runs`` later runs, peak RSS MB)."""
    shutil.rmtree(cache, ignore_errors=True)
    first, rss, _ = timed(argv, tmp, env=_env(cache))
    later = []
    for _ in range(runs):
        wall, r, _ = timed(argv, tmp, env=_env(cache))
        later.append(wall)
        rss = max(rss, r)
    return first, statistics.median(later), rss


def _warm(overlay: Path, tmp: Path, cache: Path) -> tuple[float, float, float]:
    """(median warm brief s, slowest s, peak RSS MB) from a child process."""
    out = tmp / "warm.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--warm", str(overlay), str(out)]
    _, rss, _ = timed(argv, tmp, env=_env(cache))
    data = json.loads(out.read_text(encoding="utf-8"))
    return statistics.median(data["times"]), max(data["times"]), rss


def _batch(overlay: Path, n: int, tmp: Path, cache: Path) -> tuple[float, float, int]:
    regions = [region_id(i) for i in range(min(n, BATCH_REGIONS))]
    regions += ["suqian", "ningbo", "hangzhou", "zhengzhou"][: BATCH_REGIONS - len(regions)]
    plan = tmp / f"plan-{n}.toml"
    plan.write_text(f'edition = "scale"\n\n[[briefs]]\nregions = {json.dumps(regions)}\n'
                    'audiences = "all"\nformats = ["pdf"]\n', encoding="utf-8")
    out = tmp / f"batch-{n}"
    argv = briefgen_command() + ["batch", str(plan), "-o", str(out), "--force", "--jobs", "2",
                                 "--overlay", str(overlay)]
    wall, rss, _ = timed(argv, tmp, env=_env(cache))
    files = sum(1 for _ in out.rglob("*.pdf"))
    shutil.rmtree(out, ignore_errors=True)
    return wall, rss, files


def _slope(a: float, b: float, n1: int, n2: int) -> str:
    if a <= 0 or b <= 0:
        return ""
    return f"slope {math.log(b / a) / math.log(n2 / n1):+.2f} from {n1}"


def scale_rows(args, tmp: Path) -> list[Row]:
    sizes = sorted(args.scale_sizes)
    runs = max(1, min(args.runs, 3))
    results: dict[int, dict[str, float]] = {}
    rows: list[Row] = []
    for n in sizes:
        print(f"  scale: {n} regions ...", file=sys.stderr, flush=True)
        overlay = write_overlay(n, tmp / f"overlay-{n}")
        cache = tmp / f"cache-{n}"
        check = briefgen_command() + ["check", "--overlay", str(overlay)]
        make = briefgen_command() + ["make", "-r", BRIEF_REGION, "--overlay", str(overlay), "--format", "pdf",
                                     "-o", str(tmp / f"brief-{n}.pdf")]
        r: dict[str, float] = {}
        r["check_empty"], r["check"], rss_check = _cold(check, tmp, cache, runs)
        r["make_empty"], r["make"], rss_make = _cold(make, tmp, cache, runs)
        r["warm"], warm_max, rss_warm = _warm(overlay, tmp, cache)
        r["rss"] = max(rss_check, rss_make, rss_warm)
        batch_note = ""
        if n in args.scale_batch_sizes:
            r["batch"], rss_batch, files = _batch(overlay, n, tmp, cache)
            r["rss"] = max(r["rss"], rss_batch)
            batch_note = f"{files} PDFs, {files / r['batch']:.1f} files/s"
        results[n] = r
        prev = sizes[sizes.index(n) - 1] if sizes.index(n) else None
        base = results[sizes[0]]

        def note(key: str, extra: str = "") -> str:
            parts = [extra] if extra else []
            if prev is not None and key in results[prev] and key in r:
                parts.append(_slope(results[prev][key], r[key], prev, n))
            if n != sizes[0] and key in base and key in r:
                parts.append(f"{r[key] / base[key]:.2f}x the {sizes[0]}-region time")
            return "; ".join(p for p in parts if p)

        big = n >= 1000 and sizes[0] <= 10
        rows += [
            Row("scale", f"{n:>5} regions: check, parsed cache empty", r["check_empty"], "s", runs=1,
                note=note("check_empty")),
            Row("scale", f"{n:>5} regions: check, parsed cache filled", r["check"], "s",
                3 * base["check"] if big else None, runs=runs, note=note("check")),
            Row("scale", f"{n:>5} regions: cold make, parsed cache empty", r["make_empty"], "s", runs=1,
                note=note("make_empty")),
            Row("scale", f"{n:>5} regions: cold make, parsed cache filled", r["make"], "s",
                1.5 * base["make"] if big else None, runs=runs, note=note("make")),
            Row("scale", f"{n:>5} regions: warm standard PDF brief", r["warm"], "ms",
                0.100 if n >= 1000 else None, runs=len(WARM_REGIONS),
                note=note("warm", f"max {warm_max * 1000:.0f} ms")),
        ]
        if "batch" in r:
            rows.append(Row("scale", f"{n:>5} regions: batch of 200 briefs, --jobs 2", r["batch"], "s",
                            runs=1, note=note("batch", batch_note)))
        rows.append(Row("scale", f"{n:>5} regions: peak RSS of any process above", r["rss"], "MB",
                        500.0 if n >= 1000 else None, runs=1, note=note("rss")))
        shutil.rmtree(overlay, ignore_errors=True)
    return rows


def warm_main(overlay: str, out: str) -> None:
    """Child process: load the library once, warm up, time one brief per region."""
    os.environ["SOURCE_DATE_EPOCH"] = bench_env()["SOURCE_DATE_EPOCH"]
    from briefgen.build import build
    from briefgen.library import load_library
    from briefgen.spec import BriefSpec

    lib = load_library(None, [overlay])
    build(BriefSpec(region_id(1)), ["pdf"], lib)    # imports, fonts, templates, chart machinery
    times = []
    for rid in WARM_REGIONS:
        start = time.perf_counter()
        build(BriefSpec(rid), ["pdf"], lib)
        times.append(time.perf_counter() - start)
    Path(out).write_text(json.dumps({"times": times}), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--warm":
        warm_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python benchmarks/run.py --only scale   (or: scale.py --warm OVERLAY OUT.json)")
