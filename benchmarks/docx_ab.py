"""The Word writer against an earlier commit's: the same 24 fitted briefs, rendered in one process.

    python benchmarks/docx_ab.py                 # against main
    python benchmarks/docx_ab.py --base HEAD~3 --rounds 9

The 24 Suqian briefs (4 audiences x 3 lengths x 2 languages, as the ``pandoc`` section
makes them) are fitted once; then the base commit's ``briefgen/writers/docx/`` and
``docx_chart.py`` (read with ``git show``, loaded as ``briefgen._base``) and the working
tree's render each brief in turn, round after round, alternating which goes first.
Times are CPU seconds per brief (``time.process_time``), so neighbours on a shared
machine add little; the figure is the median over every brief and round.  Both
writers use the same fitted briefs, the same house style and SOURCE_DATE_EPOCH.
The first brief of a process is not measured here: the ``cold`` section times a
fresh ``briefgen make --format docx``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1795392000"


def base_writer(ref: str, folder: Path):
    """The Word writer of commit ``ref``, importable beside the working tree's."""
    files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", ref,
                            "briefgen/writers/docx", "briefgen/writers/docx_chart.py"],
                           check=True, capture_output=True, text=True).stdout.split()
    for name in files:
        target = folder / Path(name).relative_to("briefgen/writers")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{name}"],
                                          check=True, capture_output=True).stdout)
    import briefgen  # noqa: F401  (the package the copy's relative imports resolve in)

    package = types.ModuleType("briefgen._base")
    package.__path__ = [str(folder)]
    sys.modules["briefgen._base"] = package
    return importlib.import_module("briefgen._base.docx")


def fitted_briefs():
    from briefgen.build import plan_for
    from briefgen.library import load_library
    from briefgen.spec import AUDIENCES, LANGS, BriefSpec

    library = load_library()
    briefs = []
    for audience in AUDIENCES:
        for length in ("short", "standard", "full"):
            fitted = plan_for(BriefSpec("suqian", audience=audience, length=length), library)
            briefs += [fitted.briefs[lang] for lang in LANGS]
    return briefs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="main", help="the commit to compare with (default main)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    sys.path.insert(0, str(ROOT))
    from briefgen.style import DEFAULT_STYLE
    import briefgen.writers.docx as ours

    with tempfile.TemporaryDirectory(prefix="briefgen-docx-ab-") as tmp:
        theirs = base_writer(args.base, Path(tmp))
        briefs = fitted_briefs()
        writers = {args.base: theirs, "working tree": ours}
        for writer in writers.values():          # templates prepared, modules loaded
            for brief in briefs[:2]:
                writer.render(brief, DEFAULT_STYLE)
        times: dict[str, list[float]] = {name: [] for name in writers}
        for n in range(args.rounds):
            order = list(writers) if n % 2 == 0 else list(writers)[::-1]
            for name in order:
                for brief in briefs:
                    start = time.process_time()
                    writers[name].render(brief, DEFAULT_STYLE)
                    times[name].append(time.process_time() - start)
    for name, values in times.items():
        print(f"{name:>14}: {statistics.median(values) * 1000:6.2f} ms per brief (median of "
              f"{len(values)}), {sum(values) / args.rounds * 1000:5.0f} ms per 24")
    base, now = (statistics.median(v) for v in times.values())
    print(f"{'speed-up':>14}: {base / now:.1f}x")


if __name__ == "__main__":
    main()
