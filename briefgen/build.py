"""One brief: plan the argument, fit it, write it, render it in each requested format.

The CLI, the Python API and the batch runner all come through :func:`build`, so
the same spec gives the same files whichever way it was asked for.  The plan is
fitted against every language (the longest decides), so the English and the
Chinese brief of one spec say the same thing; the fitted plan is kept for a
while, so the second language of a spec costs only its writing.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import partial
from typing import Sequence

from .document import Brief
from .fit import Fitted, fit
from .library import Library
from .plan import BenchmarkChoice, Plan, argue
from .spec import LANGS, BriefSpec
from .style import DEFAULT_STYLE, HouseStyle
from .write import write
from .write.narrative import templates_version
from .writers import extension, render


@dataclass(frozen=True)
class Built:
    spec: BriefSpec                 # resolved: canonical region and the benchmark used
    benchmark: BenchmarkChoice
    plan: Plan
    brief: Brief
    files: dict[str, bytes]         # format -> bytes

    def file_name(self, fmt: str) -> str:
        return self.spec.file_stem(self.spec.benchmark) + extension(fmt)


def plan_for(spec: BriefSpec, library: Library, *, templates: str | None = None,
             style: HouseStyle = DEFAULT_STYLE, measured: bool = True, draw: bool = True,
             cache: bool = True) -> Fitted:
    """The fitted plan for ``spec`` and its brief in every language.

    With ``measured`` the real PDF layout is consulted near the page budget;
    without it the calibrated estimate alone decides (no PDF is laid out).
    ``draw`` keeps the measured PDFs (about twice the work of counting pages);
    the pages, and so the plan, are the same either way.  With ``cache`` a brief's
    page count is looked up in, and added to, the user's page-count cache
    (measures.py), so a brief laid out by an earlier process is not laid out again."""
    if spec.as_of:
        library = library.as_of(spec.as_of)
    # The edition date is part of the key: SOURCE_DATE_EPOCH may change between two calls.
    # So are the templates' files: an edited template is a new plan in a long-lived process.
    key = (replace(spec, lang="en", date=spec.edition), library.fingerprint, id(library), templates,
           templates_version(templates), style, measured)
    with _lock:
        if key in _fitted:
            _fitted.move_to_end(key)
            return _fitted[key]
    measure = count = None
    if measured:
        from .writers.pdf import layout

        # ``count`` lays out without drawing, for layouts whose PDF is not likely to be used.
        measure, count = partial(layout, style=style, draw=draw), partial(layout, style=style, draw=False)
        if cache:
            from .measures import remembered

            measure, count = remembered(measure, style), remembered(count, style)
    fitted = fit(argue(spec, library), LANGS, partial(write, library=library, templates=templates, style=style),
                 measure, required=spec.lang, count=count)
    with _lock:
        _fitted[key] = fitted
        while len(_fitted) > _KEEP:
            _fitted.popitem(last=False)
    return fitted


def build(spec: BriefSpec, formats: Sequence[str], library: Library, *, templates: str | None = None,
          style: HouseStyle = DEFAULT_STYLE, cache: bool = True) -> Built:
    fitted = plan_for(spec, library, templates=templates, style=style, draw="pdf" in formats,
                      cache=cache)
    if spec.lang not in fitted.briefs:        # fitted without it: its templates failed once
        write(fitted.plan, spec.lang, library, templates=templates, style=style)
    brief = fitted.briefs[spec.lang]
    measured = fitted.measured.get(spec.lang)
    # Fitting may already have drawn the PDF with this style; do not render it twice.
    files = {fmt: measured.pdf if fmt == "pdf" and measured is not None and measured.pdf is not None
             else render(brief, fmt, style) for fmt in formats}
    plan = replace(fitted.plan, spec=replace(fitted.plan.spec, lang=spec.lang))
    return Built(plan.spec, plan.benchmark, plan, brief, files)


#: Fitted plans kept per process: a batch writes each spec's languages one after the other.
_KEEP = 16
_fitted: "OrderedDict[tuple, Fitted]" = OrderedDict()
_lock = threading.Lock()
