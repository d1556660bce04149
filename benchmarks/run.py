#!/usr/bin/env python3
"""How fast is briefgen?  Prints a table of medians, each beside its target, with PASS or MISS.

    python benchmarks/run.py                   # everything (several minutes on 2 cores)
    python benchmarks/run.py --quick           # a small subset of each section, fewer runs
    python benchmarks/run.py --only cold,warm  # chosen sections

Sections (see benchmarks/README.md): help, cold, floor, warm, tagging, batch, pandoc.  Timings
are wall-clock medians; a fresh process is started for every cold run.  The two ratios
issue 14 sets (a cold PDF against the libraries' floor, pandoc against briefgen's
DOCX batch) come from the floor and pandoc sections and are printed again at the end.
The script is not part of the test suite and exits 0 whatever the figures, unless --strict.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

SECTIONS = ("help", "cold", "floor", "warm", "tagging", "batch", "pandoc", "scale")
FORMATS = ("pdf", "docx", "md", "html")
LENGTHS = ("short", "standard", "full")
#: A fixed edition date, so every run builds the same files (the README's convention).
EPOCH = "1795392000"
#: Regions for --quick: a rich one with a chart, and one with little data.
QUICK_REGIONS = ("suqian", "ningbo")
#: The pandoc comparison's briefs: one region, every audience, length and language (24).
PANDOC_REGIONS = ("suqian",)
FLOOR = Path(__file__).with_name("floor.py")


@dataclass
class Row:
    section: str
    measure: str
    value: float | None          # seconds, megabytes or a ratio, as ``unit`` says
    unit: str                    # "s", "ms", "MB", "x" or "ratio" (shown to three places)
    target: float | None = None
    better: str = "lower"        # "lower" or "higher": which side of the target passes
    runs: int = 0
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None or self.value is None:
            return ""
        ok = self.value <= self.target if self.better == "lower" else self.value >= self.target
        return "PASS" if ok else "MISS"

    def shown(self, number: float | None) -> str:
        if number is None:
            return "-"
        if self.unit == "ms":
            return f"{number * 1000:.0f} ms"
        if self.unit == "s":
            return f"{number:.2f} s"
        if self.unit == "MB":
            return f"{number:.0f} MB"
        if self.unit == "ratio":
            return f"{number:.3f}"
        return f"{number:.1f}x"

    def target_text(self) -> str:
        if self.target is None:
            return ""
        sign = "<=" if self.better == "lower" else ">="
        return f"{sign} {self.shown(self.target)}"


def briefgen_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m briefgen``."""
    script = Path(sys.executable).with_name("briefgen")
    if script.exists():
        return [str(script)]
    found = shutil.which("briefgen")
    return [found] if found else [sys.executable, "-m", "briefgen"]


def bench_env() -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    env.pop("BRIEFGEN_CONFIG", None)
    # Installed from a wheel, briefgen's modules are compiled once, at install time; from
    # an editable checkout with this set, every process compiles them from source again
    # (about 0.15 s), which no user of a release pays.  The untimed first run writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: Sequence[str], cwd: Path, *, sample_tree: bool = False) -> tuple[float, float, float]:
    """Run ``argv``; return (wall seconds, peak RSS MB of it and its children, peak summed PSS MB).

    The peak RSS comes from wait4, which reports the largest resident set of the
    process and every child it waited for (the batch's workers).  The summed figure
    samples the live process tree's PSS every 0.2 s (0 when ``sample_tree`` is false)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, env=bench_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak_sum = [0.0]
    done = threading.Event()
    if sample_tree:
        threading.Thread(target=_sample_tree, args=(proc.pid, done, peak_sum), daemon=True).start()
    # Read stderr first (a full pipe would block the child), then reap it with wait4.
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(argv)} failed (exit {proc.returncode}):\n"
                         f"{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, peak_sum[0]


def _sample_tree(pid: int, done: threading.Event, peak: list[float]) -> None:
    while not done.wait(0.2):
        total = 0
        for p in _tree(pid):
            total += _pss_kb(p)
        peak[0] = max(peak[0], total / 1024)


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared by the forked workers are counted once in all,
    so the sum over the tree is what the machine really needs (RSS would count them thrice)."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def repeat(runs: int, once: Callable[[], float]) -> list[float]:
    return [once() for _ in range(runs)]


# ---------------------------------------------------------------------------- sections

def section_help(args, tmp: Path) -> list[Row]:
    cmd = briefgen_command() + ["--help"]
    times = repeat(args.runs, lambda: timed(cmd, tmp)[0])
    return [Row("help", "briefgen --help (cold)", median(times), "s", 0.3, runs=len(times))]


def section_cold(args, tmp: Path) -> list[Row]:
    rows = []
    targets = {("pdf", "en"): 1.2, ("pdf", "zh"): 1.5}
    for fmt in ("pdf", "docx"):
        for lang in ("en", "zh"):
            cmd = briefgen_command() + ["make", "--region", "suqian", "--format", fmt, "--lang", lang]
            timed(cmd, tmp)          # once untimed: the OS file cache, not briefgen, is cold otherwise
            times = repeat(args.runs, lambda: timed(cmd, tmp)[0])
            rows.append(Row("cold", f"make --region suqian --format {fmt} --lang {lang}", median(times), "s",
                            targets.get((fmt, lang)), runs=len(times)))
    return rows


def section_floor(args, tmp: Path) -> list[Row]:
    """A cold PDF brief against the libraries' own floor (floor.py), each in a fresh process.

    The three commands take turns, run by run, so a busy machine slows all of them alike."""
    floor = [sys.executable, str(FLOOR), str(tmp / "floor.pdf")]
    make = {lang: briefgen_command() + ["make", "--region", "suqian", "--format", "pdf", "--lang", lang,
                                        "-o", f"{tmp}/floor-{lang}/"] for lang in ("en", "zh")}
    for cmd in (floor, *make.values()):
        timed(cmd, tmp)              # once untimed: the OS file cache, not the program, is cold otherwise
    times: dict[str, list[float]] = {"floor": [], "en": [], "zh": []}
    for _ in range(args.runs):
        times["floor"].append(timed(floor, tmp)[0])
        for lang, cmd in make.items():
            times[lang].append(timed(cmd, tmp)[0])
    base = median(times["floor"])
    rows = [Row("floor", "libraries' floor: import the card's libraries, lay out 4 plain pages",
                base, "s", runs=len(times["floor"]), note="benchmarks/floor.py")]
    for lang in ("en", "zh"):
        rows.append(Row("floor", f"make --region suqian --format pdf --lang {lang}", median(times[lang]), "s",
                        runs=len(times[lang])))
    for lang in ("en", "zh"):
        rows.append(Row("floor", f"cold PDF ({lang}) / floor", median(times[lang]) / base, "x", 2.0,
                        runs=len(times[lang])))
    return rows


def section_warm(args, tmp: Path) -> list[Row]:
    """Compose + render in one process with the library loaded once, each region once per cell."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    from briefgen.build import build
    from briefgen.library import load_library
    from briefgen.runner.plan import _has_content
    from briefgen.spec import BriefSpec

    lib = load_library()
    regions = [r for r in sorted(lib.regions) if _has_content(lib, r)]
    if args.quick:
        regions = [r for r in QUICK_REGIONS if r in lib.regions]
    # Warm-up: imports, fonts, templates and the chart machinery, with a Chinese brief:
    # the English briefs measured below share none of its text or charts.
    for length in LENGTHS:
        build(BriefSpec("suqian", length=length, lang="zh"), FORMATS, lib)
    targets = {("pdf", "standard"): 0.060, ("docx", "standard"): 0.060}
    rows = []
    for length in LENGTHS:
        for fmt in FORMATS:
            times = []
            for region in regions:
                start = time.perf_counter()
                build(BriefSpec(region, length=length), [fmt], lib)
                times.append(time.perf_counter() - start)
            rows.append(Row("warm", f"warm {length} brief as {fmt}", median(times), "ms",
                            targets.get((fmt, length)), runs=len(times),
                            note=f"max {max(times) * 1000:.0f} ms"))
    return rows


def section_tagging(args, tmp: Path) -> list[Row]:
    """What the structure tree and PDF/A metadata cost: tagged over untagged PDF, time and size.

    Each brief is composed once and rendered both ways in alternation, warm (fonts and
    chart cached), so both see the same machine load.  The time ratio is of the summed
    per-brief fastest runs (as timeit advises: other processes only ever add time, and
    on a shared machine they add a lot); the ratio of the medians is in the note.  The
    size ratio is of the summed file sizes, both languages, every region."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    from briefgen import compose
    from briefgen.library import load_library
    from briefgen.runner.plan import _has_content
    from briefgen.spec import BriefSpec
    from briefgen.style import DEFAULT_STYLE
    from briefgen.writers import pdf

    lib = load_library()
    regions = [r for r in sorted(lib.regions) if _has_content(lib, r)]
    if args.quick:
        regions = [r for r in QUICK_REGIONS if r in lib.regions]
    rounds = 5 if args.quick else 9
    time_plain = time_tagged = median_plain = median_tagged = 0.0
    size_plain = size_tagged = 0
    worst = 0.0
    for lang in ("en", "zh"):
        for region in regions:
            brief = compose(BriefSpec(region, lang=lang), lib)
            pdf.layout(brief, DEFAULT_STYLE)                    # warm: chart drawn, fonts read
            plain_t, tagged_t = [], []
            for _ in range(rounds):
                start = time.perf_counter()
                plain = pdf.layout(brief, DEFAULT_STYLE, tagged=False).pdf
                plain_t.append(time.perf_counter() - start)
                start = time.perf_counter()
                tagged = pdf.layout(brief, DEFAULT_STYLE).pdf
                tagged_t.append(time.perf_counter() - start)
            time_plain += min(plain_t)
            time_tagged += min(tagged_t)
            median_plain += median(plain_t)
            median_tagged += median(tagged_t)
            size_plain += len(plain)
            size_tagged += len(tagged)
            worst = max(worst, len(tagged) / len(plain))
    briefs = 2 * len(regions)
    return [
        Row("tagging", "tagged PDF time / untagged (standard briefs)", time_tagged / time_plain, "ratio",
            1.15, runs=briefs, note=f"fastest {time_plain / briefs * 1000:.0f} ms -> "
                                    f"{time_tagged / briefs * 1000:.0f} ms a brief; ratio of "
                                    f"medians {median_tagged / median_plain:.3f}"),
        Row("tagging", "tagged PDF size / untagged", size_tagged / size_plain, "ratio", 1.15,
            runs=briefs, note=f"largest {worst:.3f}; {size_plain // briefs // 1024} KB -> "
                              f"{size_tagged // briefs // 1024} KB a brief"),
    ]


def write_plan(path: Path, formats: Sequence[str], quick: bool,
               regions_only: Sequence[str] | None = None) -> Path:
    if regions_only:
        regions = json.dumps(list(regions_only))
    else:
        regions = json.dumps(list(QUICK_REGIONS)) if quick else '"all"'
    path.write_text(f'edition = "bench"\n\n[[briefs]]\nregions = {regions}\naudiences = "all"\n'
                    f'lengths = "all"\nlangs = "all"\nformats = {json.dumps(list(formats))}\n',
                    encoding="utf-8")
    return path


def count_files(folder: Path, suffix: str) -> int:
    return sum(1 for _ in folder.rglob(f"*{suffix}"))


def section_batch(args, tmp: Path) -> list[Row]:
    plan = write_plan(tmp / "plan-pdf-docx.toml", ("pdf", "docx"), args.quick)
    rows = []
    peak_rss = peak_sum = 0.0
    for jobs in (1, 2):
        out = tmp / f"batch-j{jobs}"
        cmd = briefgen_command() + ["batch", str(plan), "-o", str(out), "--force", "--jobs", str(jobs)]
        times = []
        for _ in range(args.batch_runs):
            wall, rss, total = timed(cmd, tmp, sample_tree=True)
            times.append(wall)
            peak_rss, peak_sum = max(peak_rss, rss), max(peak_sum, total)
        n = count_files(out, ".pdf") + count_files(out, ".docx")
        shutil.rmtree(out, ignore_errors=True)
        target = 60.0 if jobs == 2 and not args.quick else None
        rows.append(Row("batch", f"batch, {n} files (PDF + DOCX), --jobs {jobs}", median(times), "s", target,
                        runs=len(times), note=f"{n / median(times):.1f} files/s"))
    rows.append(Row("batch", "peak RSS, batch process and its workers (wait4)", peak_rss, "MB", 300.0,
                    runs=2 * args.batch_runs, note="largest single process"))
    rows.append(Row("batch", "peak PSS summed over the live process tree", peak_sum, "MB",
                    runs=2 * args.batch_runs, note="sampled every 0.2 s"))
    return rows


def section_pandoc(args, tmp: Path) -> list[Row]:
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return [Row("pandoc", "pandoc not installed (apt-get install pandoc)", None, "x")]
    md_plan = write_plan(tmp / "plan-md.toml", ("md",), args.quick, PANDOC_REGIONS)
    docx_plan = write_plan(tmp / "plan-docx.toml", ("docx",), args.quick, PANDOC_REGIONS)
    md_out = tmp / "md"
    timed(briefgen_command() + ["batch", str(md_plan), "-o", str(md_out), "--force"], tmp)
    sources = sorted(md_out.rglob("*.md"))
    # One process per file, one at a time, as a user converting exported Markdown would;
    # briefgen's side builds the same briefs as DOCX with one job, so both use one core.
    docx_out = tmp / "docx"
    ours = []
    theirs = []
    for _ in range(args.batch_runs):
        cmd = briefgen_command() + ["batch", str(docx_plan), "-o", str(docx_out), "--force", "--jobs", "1"]
        ours.append(timed(cmd, tmp)[0])
        start = time.perf_counter()
        for md in sources:
            subprocess.run([pandoc, md.name, "-o", md.with_suffix(".pandoc.docx").name], cwd=md.parent,
                           check=True, env=bench_env())
        theirs.append(time.perf_counter() - start)
    n = count_files(docx_out, ".docx")
    shutil.rmtree(docx_out, ignore_errors=True)
    shutil.rmtree(md_out, ignore_errors=True)
    return [
        Row("pandoc", f"briefgen batch, {n} DOCX, --jobs 1", median(ours), "s", runs=len(ours)),
        Row("pandoc", f"pandoc, the same {len(sources)} briefs' Markdown to DOCX", median(theirs), "s",
            runs=len(theirs), note="one process per file"),
        Row("pandoc", "pandoc time / briefgen DOCX time", median(theirs) / median(ours), "x", 5.0,
            better="higher", runs=len(ours)),
    ]


def section_scale(args, tmp: Path) -> list[Row]:
    from scale import scale_rows  # benchmarks/scale.py: the growth measurements (issue 17)

    return scale_rows(args, tmp)


RUNNERS: dict[str, Callable] = {"help": section_help, "cold": section_cold, "floor": section_floor,
                                "warm": section_warm, "tagging": section_tagging,
                                "batch": section_batch, "pandoc": section_pandoc, "scale": section_scale}


# ---------------------------------------------------------------------------- report

def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform()}


def print_table(rows: list[Row]) -> None:
    width = max(len(r.measure) for r in rows) + 2
    print(f"{'measure':<{width}}{'median':>10}  {'target':<11}{'result':<7}{'runs':>5}  note")
    section = None
    for r in rows:
        if r.section != section:
            print("-" * (width + 45))
            section = r.section
        print(f"{r.measure:<{width}}{r.shown(r.value):>10}  {r.target_text():<11}{r.verdict:<7}"
              f"{r.runs:>5}  {r.note}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark briefgen: cold CLI, warm in-process, batch, "
                                            "memory, and pandoc for comparison.")
    p.add_argument("--quick", action="store_true",
                   help="fewer runs and a two-region subset (suqian, ningbo) for warm, batch and pandoc")
    p.add_argument("--only", default=",".join(SECTIONS),
                   help=f"comma-separated sections to run, from: {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--runs", type=int, help="runs per cold measurement (default 5; 3 with --quick)")
    p.add_argument("--batch-runs", type=int, help="runs per batch measurement (default 3; 1 with --quick)")
    p.add_argument("--scale-sizes", default="10,100,1000",
                   help="region counts of the synthetic overlays the scale section measures (default 10,100,1000)")
    p.add_argument("--scale-batch-sizes", help="sizes at which scale also times a 200-brief batch "
                                               "(default: every size)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    p.add_argument("--strict", action="store_true", help="exit 1 if any figure misses its target")
    args = p.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown or not args.sections:
        p.error(f"unknown section {', '.join(unknown) or '(none)'}; choose from {', '.join(SECTIONS)}")
    for name in ("runs", "batch_runs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f"--{name.replace('_', '-')} must be 1 or more")
    try:
        args.scale_sizes = [int(x) for x in args.scale_sizes.split(",") if x.strip()]
        args.scale_batch_sizes = ([int(x) for x in args.scale_batch_sizes.split(",") if x.strip()]
                                  if args.scale_batch_sizes is not None else list(args.scale_sizes))
    except ValueError:
        p.error("--scale-sizes and --scale-batch-sizes take numbers separated by commas, e.g. 10,100,1000")
    if any(n < 10 for n in args.scale_sizes):
        p.error("--scale-sizes: each size must be 10 regions or more (the section briefs regions 1 to 7)")
    args.runs = args.runs or (3 if args.quick else 5)
    args.batch_runs = args.batch_runs or (1 if args.quick else 3)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    print(f"briefgen benchmark: {info['cpus']} CPUs, {info['cpu']}, Python {info['python']}")
    print(f"command: {' '.join(briefgen_command())}; SOURCE_DATE_EPOCH={EPOCH}"
          f"{'; --quick' if args.quick else ''}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        for section in SECTIONS:
            if section in args.sections:
                print(f"running {section} ...", file=sys.stderr, flush=True)
                rows += RUNNERS[section](args, Path(tmp))
    print_table(rows)
    ratios = [r for r in rows if r.unit == "x" and r.value is not None]
    if ratios:
        print("ratios: " + "; ".join(f"{r.measure} {r.shown(r.value)} ({r.target_text()}, {r.verdict})"
                                     for r in ratios))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "quick": args.quick,
                                               "rows": [asdict(r) | {"verdict": r.verdict} for r in rows]},
                                              indent=2), encoding="utf-8")
    missed = [r for r in rows if r.verdict == "MISS"]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
