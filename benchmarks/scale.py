"""The ``scale`` section of run.py: how briefgen's cost grows with the content (issue 17).

For each size N (default 10, 100 and 1,000 regions) it writes a synthetic overlay
(synthetic.py) into the benchmark's temporary folder and measures, each in a fresh
process with its own empty user cache folder (XDG_CACHE_HOME):

- ``check``: ``briefgen check --overlay DIR``, first with the parsed-content cache
  empty, then with it filled (what every later run sees);
- ``make``: ``briefgen make -r city-00003 --overlay DIR`` as PDF, the same two ways;
- ``warm``: one standard PDF brief in a long-lived process with the library loaded
  (the median over six regions, after one warm-up brief), first each region's
  government brief, then its industry brief (both draw a chart; the government
  briefs fill their four pages, so fitting lays out the real PDF for them);
- ``batch``: ``briefgen batch --force --jobs 2`` of the same 200 standard briefs at every
  size (10 synthetic and 15 built-in regions x 4 audiences x 2 languages);
- peak memory: the largest resident set of any of those processes (wait4).

Times are CPU seconds (user + system, from wait4), since on a shared machine the
wall time mostly measures the neighbours; the notes give wall times too.  Between
consecutive sizes, the slope: log(t2/t1) / log(N2/N1), so 1.0 is linear growth,
0 is none, and 2.0 quadratic.  Targets (2 cores): at 1,000 regions,
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
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Row, bench_env, briefgen_command  # noqa: E402
from synthetic import region_id, write_overlay  # noqa: E402

BRIEF_REGION = region_id(3)
WARM_REGIONS = [region_id(n) for n in (2, 4, 5, 6, 7)] + ["suqian"]
#: The batch: 10 synthetic and 15 built-in regions x 4 audiences x 2 languages = 200
#: standard PDF briefs, the same specs at every size, so the times compare directly.
BATCH_REGIONS = 10
BUILTIN_REGIONS = ("suqian", "ningbo", "hangzhou", "zhengzhou", "shenzhen", "anji", "baoding", "cixi",
                   "dongyang", "jinhua", "qianhai", "xiongan", "zhoushan", "zhuji", "subei")


def _env(cache: Path) -> dict[str, str]:
    return dict(bench_env(), XDG_CACHE_HOME=str(cache))


@dataclass
class Took:
    wall: float          # seconds
    cpu: float           # user + system seconds of the process and the children it waited for
    rss: float           # peak resident set, MB, of the largest of them


def run_timed(argv: list[str], cwd: Path, env: dict[str, str]) -> Took:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark: {' '.join(argv)} failed:\n{err.decode(errors='replace')[-2000:]}")
    return Took(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _median(runs: list[Took]) -> Took:
    return Took(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
                max(r.rss for r in runs))


def _cold(argv: list[str], tmp: Path, cache: Path, runs: int) -> tuple[Took, Took]:
    """(the first run, with the user cache folder empty; the median of ``runs`` later runs)."""
    shutil.rmtree(cache, ignore_errors=True)
    first = run_timed(argv, tmp, _env(cache))
    return first, _median([run_timed(argv, tmp, _env(cache)) for _ in range(runs)])


def _warm(overlay: Path, tmp: Path, cache: Path) -> tuple[Took, Took]:
    """(median warm government brief, median warm industry brief) in a child process."""
    out = tmp / "warm.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--warm", str(overlay), str(out)]
    whole = run_timed(argv, tmp, _env(cache))
    data = json.loads(out.read_text(encoding="utf-8"))
    return (Took(statistics.median(data["wall"]), statistics.median(data["cpu"]), whole.rss),
            Took(statistics.median(data["wall_again"]), statistics.median(data["cpu_again"]), whole.rss))


def _batch(overlay: Path, n: int, tmp: Path, cache: Path) -> tuple[Took, int]:
    """The 200-brief batch (see BATCH_REGIONS), and how many PDFs it wrote."""
    regions = [region_id(i) for i in range(min(n, BATCH_REGIONS))] + list(BUILTIN_REGIONS)
    plan = tmp / f"plan-{n}.toml"
    plan.write_text(f'edition = "scale"\n\n[[briefs]]\nregions = {json.dumps(regions)}\naudiences = "all"\n'
                    'langs = "all"\nformats = ["pdf"]\n', encoding="utf-8")
    out = tmp / f"batch-{n}"
    argv = briefgen_command() + ["batch", str(plan), "-o", str(out), "--force", "--jobs", "2",
                                 "--overlay", str(overlay)]
    took = run_timed(argv, tmp, _env(cache))
    files = sum(1 for _ in out.rglob("*.pdf"))
    shutil.rmtree(out, ignore_errors=True)
    return took, files


def _slope(a: float, b: float, n1: int, n2: int) -> str:
    if a <= 0 or b <= 0:
        return ""
    return f"slope {math.log(b / a) / math.log(n2 / n1):+.2f}"


def scale_rows(args, tmp: Path) -> list[Row]:
    """Rows for run.py.  Each time row's value is CPU seconds (user + system), which
    is what a brief costs whatever else the machine runs; the wall time is in the note.
    Targets compare CPU time; on an idle machine wall time is the same within a few
    per cent for every command but the parallel batch."""
    sizes = sorted(args.scale_sizes)
    runs = max(1, min(args.runs, 3))
    got: dict[int, dict[str, Took]] = {}
    rows: list[Row] = []
    for n in sizes:
        print(f"  scale: {n} regions ...", file=sys.stderr, flush=True)
        overlay = write_overlay(n, tmp / f"overlay-{n}")
        cache = tmp / f"cache-{n}"
        check = briefgen_command() + ["check", "--overlay", str(overlay)]
        make = briefgen_command() + ["make", "-r", BRIEF_REGION, "--overlay", str(overlay), "--format", "pdf",
                                     "-o", str(tmp / f"brief-{n}.pdf")]
        r: dict[str, Took] = {}
        r["check_empty"], r["check"] = _cold(check, tmp, cache, runs)
        r["make_empty"], r["make"] = _cold(make, tmp, cache, runs)
        r["warm"], r["warm_again"] = _warm(overlay, tmp, cache)
        batch_note = ""
        if n in args.scale_batch_sizes:
            r["batch"], files = _batch(overlay, n, tmp, cache)
            batch_note = f"{files} PDFs"
        got[n] = r
        i = sizes.index(n)
        prev, base = (sizes[i - 1] if i else None), sizes[0]
        big = n >= 1000 and base <= 10

        def note(key: str, extra: str = "", wall: bool = True) -> str:
            parts = [extra] if extra else []
            if wall:
                parts.append(f"wall {r[key].wall:.2f} s")
            if prev is not None and key in got[prev]:
                parts.append(_slope(got[prev][key].cpu, r[key].cpu, prev, n) + f" from {prev}")
            if n != base and key in got[base]:
                parts.append(f"{r[key].cpu / got[base][key].cpu:.2f}x at {base}")
            return "; ".join(p for p in parts if p)

        rows += [
            Row("scale", f"{n:>5} regions: check, user cache empty (CPU)", r["check_empty"].cpu, "s", runs=1,
                note=note("check_empty")),
            Row("scale", f"{n:>5} regions: check, parsed cache filled (CPU)", r["check"].cpu, "s",
                3 * got[base]["check"].cpu if big else None, runs=runs, note=note("check")),
            Row("scale", f"{n:>5} regions: cold make, user cache empty (CPU)", r["make_empty"].cpu, "s",
                runs=1, note=note("make_empty")),
            Row("scale", f"{n:>5} regions: cold make, parsed cache filled (CPU)", r["make"].cpu, "s",
                1.5 * got[base]["make"].cpu if big else None, runs=runs, note=note("make")),
            Row("scale", f"{n:>5} regions: warm PDF brief, government (CPU)", r["warm"].cpu, "ms",
                0.100 if n >= 1000 else None, runs=len(WARM_REGIONS),
                note=note("warm", f"wall {r['warm'].wall * 1000:.0f} ms", wall=False)),
            Row("scale", f"{n:>5} regions: warm PDF brief, industry (CPU)", r["warm_again"].cpu, "ms",
                0.100 if n >= 1000 else None, runs=len(WARM_REGIONS),
                note=note("warm_again", f"wall {r['warm_again'].wall * 1000:.0f} ms", wall=False)),
        ]
        if "batch" in r:
            rows.append(Row("scale", f"{n:>5} regions: batch of 200 briefs, --jobs 2 (wall)", r["batch"].wall,
                            "s", runs=1, note=f"{batch_note}; CPU {r['batch'].cpu:.1f} s" +
                            (f"; {_slope(got[prev]['batch'].wall, r['batch'].wall, prev, n)} from {prev}"
                             if prev is not None and "batch" in got[prev] else "")))
        rss = max(t.rss for t in r.values())
        rows.append(Row("scale", f"{n:>5} regions: peak RSS of any process above", rss, "MB",
                        500.0 if n >= 1000 else None, runs=1))
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
    data: dict[str, list[float]] = {"wall": [], "cpu": [], "wall_again": [], "cpu_again": []}
    # Every brief draws its chart (native vector shapes).  A government brief fills its
    # pages and an industry brief less, so they cost differently: two figures, not one.
    for audience, suffix in (("government", ""), ("industry", "_again")):
        for rid in WARM_REGIONS:
            start, start_cpu = time.perf_counter(), time.process_time()
            build(BriefSpec(rid, audience=audience), ["pdf"], lib)
            data["wall" + suffix].append(time.perf_counter() - start)
            data["cpu" + suffix].append(time.process_time() - start_cpu)
    Path(out).write_text(json.dumps(data), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--warm":
        warm_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python benchmarks/run.py --only scale   (or: scale.py --warm OVERLAY OUT.json)")
