"""What ``briefgen check`` tells a user beyond "valid": what each region's brief will lack,
and which records have no text in one of the two languages."""
from __future__ import annotations

import hashlib
from dataclasses import replace

from .errors import UsageError
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
    return {kind: list(ids) for kind, ids in lib.untranslated(lang).items()}


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


def check_lines(lib: Library) -> list[str]:
    """Everything ``briefgen check`` prints about valid content: the counts, the loader's notes,
    then :func:`report_lines`."""
    counts = ", ".join(f"{n} {k}" for k, n in lib.counts().items())
    return [f"content OK: {counts}", *(f"note: {n}" for n in lib.notes), *report_lines(lib)]


def require_lang(lib: Library, regions: tuple[str | None, ...], lang: str) -> None:
    """Refuse (UsageError) a ``lang`` brief about ``regions`` when any of their records lacks ``lang``."""
    wanted = {r for r in regions if r}
    lacking = [f"{kind[:-1]} '{rec.id}' ({', '.join(rec.missing_texts(lang))})"
               for kind in ("regions", "indicators", "findings", "cases", "recommendations", "facts")
               for rec in getattr(lib, kind).values()
               if (rec.id if kind == "regions" else rec.region) in wanted and not rec.has_lang(lang)]
    if lacking:
        more = f" and {len(lacking) - SHOWN} more" if len(lacking) > SHOWN else ""
        raise UsageError(f"{len(lacking)} record(s) for this brief have no {LANG_NAMES[lang]} text: "
                         f"{'; '.join(lacking[:SHOWN])}{more}. Write the translations, or use "
                         "--missing-translation omit to leave those records out")


#: (library fingerprint, library object id, lang) -> (the library asked about, the answer).  Every brief
#: of a batch asks; working it out once per library keeps a brief's cost off the content's size.
_OMITTED: dict[tuple, tuple[Library, Library, list[str]]] = {}


def omit_untranslated(lib: Library, lang: str) -> tuple[Library, list[str]]:
    """The library without the figures, findings, cases and recommendations that have no ``lang``
    text, and the ids left out.  References to them are dropped with them, as ``as_of`` does;
    regions, themes and sources stay (a name in the other language is not a translation)."""
    key = (lib.fingerprint, id(lib), lang)
    hit = _OMITTED.get(key)
    if hit is None:          # the cache holds the library, so its id cannot be reused meanwhile
        if len(_OMITTED) > 16:
            _OMITTED.clear()
        hit = _OMITTED[key] = (lib, *_omit_untranslated(lib, lang))
    return hit[1], list(hit[2])


def _omit_untranslated(lib: Library, lang: str) -> tuple[Library, list[str]]:
    # Only a record that cites a left-out one is rebuilt: rebuilding every record (15,000
    # at 1,000 regions) cost more than the rest of a cold brief's planning.
    lacking = lib.untranslated(lang)
    if not lacking and _every_recommendation_has_evidence(lib):
        return lib, []           # nothing to leave out: no pass over every record (lazy.py)

    def keep(kind: str) -> dict:
        records, gone = getattr(lib, kind), frozenset(lacking.get(kind, ()))
        return {k: v for k, v in records.items() if k not in gone}

    def without(record, name: str, gone) -> object:
        refs = getattr(record, name)
        if gone.isdisjoint(refs):
            return record
        return replace(record, **{name: tuple(r for r in refs if r not in gone)})

    ind = keep("indicators")
    no_ind = lib.indicators.keys() - ind.keys()
    fnd = {k: without(v, "indicators", no_ind) for k, v in keep("findings").items()}
    cas = {k: without(v, "indicators", no_ind) for k, v in keep("cases").items()}
    no_evidence = (lib.findings.keys() - fnd.keys()) | (lib.cases.keys() - cas.keys())
    rec = {k: without(v, "evidence", no_evidence) for k, v in keep("recommendations").items()}
    rec = {k: v for k, v in rec.items() if v.evidence}
    facts = keep("facts")
    omitted = [rid for kind, kept in (("indicators", ind), ("findings", fnd), ("cases", cas),
                                      ("recommendations", rec), ("facts", facts))
               for rid in getattr(lib, kind) if rid not in kept]
    if not omitted:
        return lib, []
    stamp = hashlib.sha256(f"{lib.fingerprint}|only {lang}".encode()).hexdigest()
    return (replace(lib, indicators=ind, findings=fnd, cases=cas, recommendations=rec, facts=facts,
                    terms=keep("terms"), fingerprint=stamp), omitted)


def _every_recommendation_has_evidence(lib: Library) -> bool:
    # A library from the parsed-content cache says so without unpickling every region.
    known = getattr(lib.recommendations, "every_one_has_evidence", None)
    return known if known is not None else all(r.evidence for r in lib.recommendations.values())


def library_for(spec, lib: Library) -> Library:
    """The library a brief for ``spec`` is composed from: with ``missing_translation="omit"``,
    without the records that have no text in the brief's language.

    Every way of making a brief (CLI, API, batch, serve) passes through here, so they agree;
    it belongs in the composer once the composer takes it over."""
    return omit_untranslated(lib, spec.lang)[0] if spec.missing_translation == "omit" else lib
