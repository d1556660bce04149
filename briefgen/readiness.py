"""What ``briefgen check`` tells a user beyond "valid": what each region's brief will lack,
and which records have no text in one of the two languages."""
from __future__ import annotations

from .library import Library
from .spec import LANGS

LANG_NAMES = {"en": "English", "zh": "Chinese"}
SHOWN = 8  # ids listed per kind before "and N more"


def region_gaps(lib: Library) -> dict[str, list[str]]:
    """Region id -> what a brief about it will lack (regions lacking nothing are left out)."""
    figures = {i.region for i in lib.indicators.values()}
    problems = {f.region for f in lib.findings.values() if f.kind == "problem"}
    addressed = {r.region for r in lib.recommendations.values()}
    gaps: dict[str, list[str]] = {}
    for rid in lib.regions:
        lacks = [what for what, has in (("no problems recorded", problems), ("no figures", figures),
                                        ("no recommendations addressed to it", addressed)) if rid not in has]
        if lacks:
            gaps[rid] = lacks
    return gaps


def untranslated(lib: Library, lang: str) -> dict[str, list[str]]:
    """Kind -> ids of records that have no ``lang`` text (a ``lang`` brief cannot show them as written)."""
    out: dict[str, list[str]] = {}
    for kind in ("regions", "sources", "indicators", "findings", "cases", "recommendations"):
        ids = [rid for rid, rec in getattr(lib, kind).items() if not rec.has_lang(lang)]
        if ids:
            out[kind] = ids
    return out


def report_lines(lib: Library, regions: list[str] | None = None) -> list[str]:
    """The lines ``briefgen check`` prints after "content OK"."""
    lines: list[str] = []
    gaps = region_gaps(lib)
    shown = [r for r in (regions if regions is not None else lib.regions) if r in gaps]
    if shown:
        lines.append("what a brief will lack, by region:")
        lines += [f"  {rid} ({lib.regions[rid].name_zh or lib.regions[rid].name_en}): {', '.join(gaps[rid])}"
                  for rid in shown]
    for lang in LANGS:
        missing = untranslated(lib, lang)
        if not missing:
            continue
        total = sum(len(v) for v in missing.values())
        lines.append(f"{total} record(s) have no {LANG_NAMES[lang]} text; a brief in {LANG_NAMES[lang]} "
                     "cannot show them as written (nothing is machine-translated):")
        for kind, ids in missing.items():
            more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
            lines.append(f"  {kind}: {', '.join(ids[:SHOWN])}{more}")
    return lines
