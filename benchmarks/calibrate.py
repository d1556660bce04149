#!/usr/bin/env python3
"""How well does the page estimate match the real layout, and how full are the briefs?

    python benchmarks/calibrate.py           # every built-in region (about a minute)
    python benchmarks/calibrate.py --quick   # four regions
    python benchmarks/calibrate.py --regions suqian,hungary

Fitting estimates a brief's pages from line counts (briefgen/fit.py)
and only lays the PDF out when the estimate comes near the page budget.  This script
walks every region x audience x length x language down its budget steps, lays out
each version that comes near the budget, and prints:

* the least-squares weights for each kind of block (paste them into LINE_WEIGHTS
  when the writers' layout changes), and the spread of the estimate's error with
  the weights in use now and with the fitted ones;
* how much of its page budget each final brief fills, so a brief that gave up
  content it had room for shows.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402  (pandas brings numpy)

import briefgen  # noqa: E402
from briefgen.build import build  # noqa: E402
from briefgen.fit import LINE_WEIGHTS, PAGE_LINES, estimate_pages, raw_lines  # noqa: E402
from briefgen.plan import argue  # noqa: E402
from briefgen.spec import AUDIENCES, LENGTHS, BriefSpec  # noqa: E402
from briefgen.write import write  # noqa: E402
from briefgen.writers.pdf import layout  # noqa: E402

KINDS = tuple(LINE_WEIGHTS["en"])


def samples(library, regions, lang):
    """(raw lines by kind, filled pages) for each budget step within reach of the budget."""
    for region in regions:
        for audience in AUDIENCES:
            for length in LENGTHS:
                argument = argue(BriefSpec(region, audience=audience, length=length, lang=lang), library)
                budget, taken, last = argument.budget, 0, None
                while taken < 4:
                    brief = write(argument.cut(budget), lang, library)
                    estimate = estimate_pages(brief, lang)
                    if estimate < budget.pages - 2.5:
                        break
                    if estimate != last and estimate < budget.pages + 1.5:
                        yield raw_lines(brief), layout(brief, draw=False).filled
                        taken += 1
                    last = estimate
                    if not budget.can_shrink():
                        break
                    budget = budget.shrink()


def spread(errors) -> str:
    return (f"mean {statistics.mean(errors):+.3f}  sd {statistics.pstdev(errors):.3f}  "
            f"under by at most {max(errors):.3f}  over by at most {-min(errors):.3f} page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="four regions only")
    parser.add_argument("--regions", help="these regions only (ids, comma-separated)")
    args = parser.parse_args()
    library = briefgen.load_library()
    regions = list(library.regions)
    if args.quick:
        regions = ["suqian", "ningbo", "zhengzhou", "hungary"]
    if args.regions:
        regions = [library.region(name).id for name in args.regions.split(",")]

    for lang in ("en", "zh"):
        data = list(samples(library, regions, lang))
        x = np.array([[lines[k] for k in KINDS] for lines, _ in data])
        y = np.array([filled for _, filled in data])
        toc = KINDS.index("toc")         # a few full briefs only: keep its weight at 1
        free = [i for i in range(len(KINDS)) if i != toc]
        fitted, *_ = np.linalg.lstsq(x[:, free], y * PAGE_LINES - x[:, toc], rcond=None)
        weights = dict.fromkeys(KINDS, 1.0)
        weights.update({KINDS[i]: round(float(w), 2) for i, w in zip(free, fitted)})
        now = np.array([LINE_WEIGHTS[lang][k] for k in KINDS])
        new = np.array([weights[k] for k in KINDS])
        print(f"{lang}: {len(data)} layouts")
        print(f"  estimate now:    {spread(list(y - x @ now / PAGE_LINES))}")
        print(f"  with refitted:   {spread(list(y - x @ new / PAGE_LINES))}")
        print(f"  refitted weights: {weights}")

    print("\nHow full the final briefs are (pages used / page budget):")
    for length in LENGTHS:
        for lang in ("en", "zh"):
            fills, slack = [], 0
            for region in regions:
                for audience in AUDIENCES:
                    spec = BriefSpec(region, audience=audience, length=length, lang=lang)
                    result = build(spec, [], library)
                    pages = result.plan.budget.pages
                    filled = layout(result.brief, draw=False).filled
                    fills.append(filled / pages)
                    shrunk = result.plan.budget != argue(spec, library).budget
                    slack += shrunk and filled < pages - 0.5
            print(f"  {length:8} {lang}: median {statistics.median(fills):.0%}, lowest {min(fills):.0%}; "
                  f"{slack} of {len(fills)} cut content yet left over half a page empty")


if __name__ == "__main__":
    main()
