"""One brief: plan the argument, fit it, write it, render it in each requested format.

The CLI, the Python API and the batch runner all come through :func:`build`, so
the same spec gives the same files whichever way it was asked for.  The plan is
fitted against every language (the longest decides), so the English and the
Chinese brief of one spec say the same thing; the fitted plan is kept for a
while, so the second language of a spec costs only its writing.
"""
from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import partial
from typing import Sequence

from .document import Brief
from .fit import Fitted, fit, refit
from .library import Library
from .paths import data_dir
from .plan import BenchmarkChoice, Plan, argue
from .spec import LANGS, BriefSpec
from .style import DEFAULT_STYLE, HouseStyle
from .usercache import Records, bypassed
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
    the pages, and so the plan, are the same either way.  With ``cache`` the user
    cache folder keeps what fitting found: each laid-out brief's page count
    (measures.py) and the fitted plan's place in the shrink chain (below), so an
    earlier process's work is not done again; the plan is the same either way."""
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
    argument = argue(spec, library)
    writer = partial(write, library=library, templates=templates, style=style)
    decisions = _decision_key(key) if cache else None
    fitted = _refitted(argument, decisions, writer) if decisions else None
    if fitted is None:
        # ``count`` lays out without drawing, for layouts whose PDF is not likely to be used.
        measure, count = (_measure(style, draw, cache), _measure(style, False, cache)) if measured else (None, None)
        fitted = fit(argument, LANGS, writer, measure, required=spec.lang, count=count)
        if decisions and set(fitted.briefs) == set(LANGS):   # a language left out is no decision to keep
            _DECISIONS.put(decisions, {"step": fitted.step, "shorter": fitted.plan.shorter})
    with _lock:
        _fitted[key] = fitted
        while len(_fitted) > _KEEP:
            _fitted.popitem(last=False)
    return fitted


def build(spec: BriefSpec, formats: Sequence[str], library: Library, *, templates: str | None = None,
          style: HouseStyle = DEFAULT_STYLE, cache: bool = True) -> Built:
    """The brief for ``spec`` in each of ``formats``.  With ``cache=False`` nothing is read
    from or kept in the user cache folder (fit decisions, page counts, Word templates,
    compiled templates)."""
    with bypassed(not cache):
        return _build(spec, formats, library, templates=templates, style=style, cache=cache)


def _build(spec: BriefSpec, formats: Sequence[str], library: Library, *, templates: str | None,
           style: HouseStyle, cache: bool) -> Built:
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


def _measure(style: HouseStyle, draw: bool, cache: bool):
    """The PDF layout that counts a brief's pages; reportlab is imported only when one is laid out."""
    def measure(brief: Brief):
        from .writers.pdf import layout

        return layout(brief, style=style, draw=draw)

    if cache:
        from .measures import remembered

        return remembered(measure, style)
    return measure


# --------------------------------------------------------------------------- fit decisions kept
# Fitting writes a plan several times in both languages and may lay out the PDF; what it
# decides is two small values (how many shrinks, and whether the brief says it is
# shorter), which depend only on the spec, the content, the templates, the house style
# and briefgen's code.  So they are kept in the user cache folder (``fits/``), and a
# later process writes the chosen plan once, in the language asked for.

def _valid_decision(record: object) -> bool:
    return (isinstance(record, dict) and type(record.get("step")) is int and 0 <= record["step"] < 1000
            and type(record.get("shorter")) is bool)


#: Decisions kept per code version; past this the oldest half is removed.
_DECISIONS = Records("fits", 20000, _valid_decision)


def _decision_key(key: tuple) -> str | None:
    """The in-process key (plan_for's) as a name that holds between processes."""
    spec, fingerprint, _, templates, user_templates, style, measured = key
    if not fingerprint:                   # a library built in memory, not loaded: nothing to key on
        return None
    from .measures import style_digest

    parts = [repr(spec), fingerprint, repr(user_templates), str(templates) if templates else "",
             repr(_builtin_templates()), style_digest(style), repr(measured), repr(LANGS)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _refitted(argument, decisions: str, writer) -> Fitted | None:
    hit = _DECISIONS.get(decisions)
    if hit is None:
        return None
    return refit(argument, hit["step"], hit["shorter"], LANGS, writer)


@functools.lru_cache(maxsize=1)
def _builtin_templates() -> tuple:
    """The built-in templates' files with size and modification time (they change in a checkout)."""
    return templates_version(str(data_dir("templates")))


#: Fitted plans kept per process: a batch writes each spec's languages one after the other.
_KEEP = 16
_fitted: "OrderedDict[tuple, Fitted]" = OrderedDict()
_lock = threading.Lock()
