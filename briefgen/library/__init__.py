"""The content library: loaded and validated once, then queried.

>>> lib = load_library()
>>> lib.region("宿迁市").id
'suqian'
>>> lib.frame("indicators", region="suqian")   # a pandas DataFrame
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..errors import UsageError
from ..names import closest
from . import cache as parsed_cache
from .readonly import ReadOnly
from .index import Index, get
from .lazy import REGIONAL, LazyIndex
from .model import (Case, Fact, Finding, Indicator, Recommendation, Region, Source, Term, Theme)
from .units import Unit, format_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Library", "load_library", "derived", "KINDS"]

KINDS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations", "facts", "terms")


#: The kinds whose records carry texts in both languages (themes are vocabulary, not content).
TRANSLATED_KINDS = ("regions", "sources", "indicators", "findings", "cases", "recommendations", "facts", "terms")

_MAPPINGS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations", "facts",
             "terms", "units")


@dataclass(frozen=True)
class Library:
    """Every record of the knowledge base, by kind and id.  Immutable once loaded: the
    mappings are read-only views, and the query methods below answer from indexes
    built once, on the first query, instead of scanning every record."""

    regions: Mapping[str, Region]
    themes: Mapping[str, Theme]
    sources: Mapping[str, Source]
    indicators: Mapping[str, Indicator]
    findings: Mapping[str, Finding]
    cases: Mapping[str, Case]
    recommendations: Mapping[str, Recommendation]
    #: Comparable facts that are not amounts (content/SCHEMA.md, "Facts").
    facts: Mapping[str, Fact]
    #: The bilingual term list a brief's glossary draws on.
    terms: Mapping[str, Term]
    units: Mapping[str, Unit]
    #: A digest of every file read; changes whenever any content changes.
    fingerprint: str = ""
    folders: tuple[str, ...] = ()
    #: Things said while loading that are not problems (e.g. ignored export-only columns).
    notes: tuple[str, ...] = ()
    _names: Mapping[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    _index: Index | LazyIndex | None = field(default=None, init=False, repr=False, compare=False)
    _editions: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _untranslated: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One Library is cached and shared by every brief in the process: its mappings are
        # read-only views, so a caller's ``lib.regions["x"] = ...`` cannot change other briefs.
        for name in (*_MAPPINGS, "_names"):
            value = getattr(self, name)
            if not isinstance(value, ReadOnly):
                object.__setattr__(self, name, ReadOnly(name.lstrip("_"), value))

    @property
    def index(self) -> Index | LazyIndex:
        """The indexes, built on first use (a `briefgen check` never needs them)."""
        if self._index is None:
            # Without the cyclic collector, as loading is: ~10^5 new tuples set it off
            # hundreds of times for nothing (a quarter of the build at 1,000 regions).
            # A library from the parsed-content cache keeps its figures, findings ... pickled per
            # region until asked for (lazy.py); its index unpickles only what a query is about.
            groups = getattr(self.indicators, "groups", None)
            with parsed_cache.without_gc():
                if groups is not None and all(groups.kinds.get(k) is getattr(self, k) for k in REGIONAL):
                    index = LazyIndex(groups, self.regions, self.terms)
                else:
                    index = Index(self.regions, self.indicators, self.findings, self.cases, self.recommendations,
                                  self.facts, self.terms)
            object.__setattr__(self, "_index", index)
        return self._index  # type: ignore[return-value]

    # ------------------------------------------------------------------ indexed queries

    def children_of(self, region: str) -> tuple[str, ...]:
        """Ids of the regions whose parent is ``region``, in load order."""
        return get(self.index.children, region)

    def indicators_of(self, region: str | None) -> tuple[Indicator, ...]:
        """The region's figures, in load order."""
        return get(self.index.indicators, region)

    def by_measure(self, region: str | None) -> Mapping[str, tuple[Indicator, ...]]:
        """The region's figures that carry a ``measure`` key, grouped by it (load order within)."""
        return self.index.measures.get(region, MappingProxyType({}))

    def measure_across_regions(self, measure: str) -> Mapping[str, tuple[Indicator, ...]]:
        """Every region's figures on ``measure``, by region id."""
        return self.index.across.get(measure, MappingProxyType({}))

    def facts_of(self, region: str | None) -> tuple[Fact, ...]:
        """The region's comparable facts that are not amounts, in load order."""
        return get(self.index.facts, region)

    def findings_of(self, region: str | None, kinds: Iterable[str] | None = None,
                    theme: str | None = None) -> list[Finding]:
        """The region's findings of ``kinds`` (all when None), optionally on ``theme``,
        headline first (by priority, then id)."""
        wanted = None if kinds is None else frozenset(kinds)
        return [f for f in get(self.index.findings, region)
                if (wanted is None or f.kind in wanted) and (theme is None or f.theme == theme)]

    def findings_on(self, theme: str) -> tuple[Finding, ...]:
        """Every region's findings on ``theme``, in load order."""
        return get(self.index.findings_by_theme, theme)

    def cases_of(self, region: str | None) -> tuple[Case, ...]:
        """The region's cases, in load order."""
        return get(self.index.cases, region)

    def cases_on(self, theme: str) -> tuple[Case, ...]:
        """Every region's cases that name ``theme``, by id."""
        return get(self.index.cases_by_theme, theme)

    def regions_with_cases_on(self, theme: str) -> tuple[str, ...]:
        """Ids of the regions with at least one case that names ``theme``."""
        return get(self.index.case_regions_by_theme, theme)

    def case_themes_of(self, region: str | None) -> tuple[frozenset[str], ...]:
        """The themes of each of the region's cases (load order)."""
        return get(self.index.case_themes, region)

    def recommendations_of(self, region: str | None) -> tuple[Recommendation, ...]:
        """Recommendations addressed to the region, in load order."""
        return get(self.index.recommendations, region)

    def recommendations_learning_from(self, benchmark: str | None) -> tuple[Recommendation, ...]:
        """Recommendations (for any region) that the sources draw from ``benchmark``'s practice."""
        return get(self.index.learned_from, benchmark)

    def regions_named_in(self, text: str) -> set[str]:
        """Ids of the regions whose English or Chinese name occurs anywhere in ``text``."""
        return self.index.regions_named_in(text)

    def sources_cited(self) -> frozenset[str]:
        """Ids of the sources that any figure, finding, case or recommendation cites."""
        return self.index.sources_cited

    # ------------------------------------------------------------------ regions

    def region(self, name: str) -> Region:
        """A region by id, English or Chinese name or alias, in any case.

        An exact id always wins; a name or alias two regions share is refused with
        both ids.  Raises UsageError with the closest match when there is none."""
        if name in self.regions:
            return self.regions[name]
        key = _name_key(name)
        if key in self._names:
            rid = self._names[key]
            if rid is None:
                both = sorted(r.id for r in self.regions.values()
                              if key in {_name_key(n) for n in (r.id, r.name_en, r.name_zh, *r.aliases)})
                raise UsageError(f"region '{name}' is ambiguous: it names {', '.join(both)}; give the id")
            return self.regions[rid]
        guess = closest(key, sorted(self.regions)) or closest(key, sorted(self._names))
        if guess is not None:
            guess = self._names.get(guess) or guess
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise UsageError(f"unknown region '{name}'{hint} (briefgen list regions shows all)")

    def region_label(self, rid: str, lang: str) -> str:
        return self.regions[rid].name(lang)

    # ------------------------------------------------------------------ queries

    def select(self, kind: str, region: str | None = None, theme: str | None = None) -> list[Any]:
        """Records of ``kind`` about ``region`` and/or ``theme`` (ids), in a stable order."""
        if kind not in KINDS:
            raise UsageError(f"unknown kind '{kind}'; choose one of {', '.join(KINDS)}")
        by_region = {"indicators": self.indicators_of, "cases": self.cases_of,
                     "recommendations": self.recommendations_of}
        if region is not None and kind in by_region:
            records = list(by_region[kind](region))
        else:
            records = list(getattr(self, kind).values())
        if region is not None:
            if kind == "regions":
                records = [r for r in records if region in (r.id, r.parent)]
            else:
                records = [r for r in records if getattr(r, "region", None) == region]
        if theme is not None:
            records = [r for r in records if theme in _themes_of(r) or (kind == "themes" and r.id == theme)]
        return records

    def indicator_text(self, ind: Indicator, lang: str) -> str:
        return format_value(ind.value, ind.unit, ind.qualifier, lang)

    def frame(self, kind: str, region: str | None = None, theme: str | None = None) -> "pd.DataFrame":
        """The records of ``kind`` as a pandas DataFrame with an ``id`` column first."""
        import pandas as pd  # only users of DataFrames pay for pandas

        rows = [flat_record(r) for r in self.select(kind, region, theme)]
        columns = list(rows[0]) if rows else ["id"]
        return pd.DataFrame(rows, columns=columns)

    # ------------------------------------------------------------------ editions

    def as_of(self, when: date) -> "Library":
        """The library as it stood on ``when``: later sources and figures left out.

        One rule, applied to every kind: a record that cites a source dated after
        ``when`` is dropped with that source, and so is a record resting on
        dropped records (a finding on a dropped figure, a recommendation whose
        evidence is all gone).  A figure whose period ends after ``when`` is
        dropped too.  A region stays (it is what a brief is about), but its
        profile goes when it cites a later source.  So nothing left ever cites
        a source that is not there: the reference list can look up every one."""
        hit = self._editions.get(when)
        if hit is not None:
            return hit

        def dated_after(sid: str) -> bool:
            d = self.sources[sid].date
            return d > when.isoformat()[: len(d)]

        ok_sources = {k: v for k, v in self.sources.items() if not dated_after(k)}
        ind = {k: v for k, v in self.indicators.items()
               if v.source in ok_sources and not (v.period.end and v.period.end > when)}
        fnd = {k: v for k, v in self.findings.items()
               if v.source in ok_sources and all(i in ind for i in v.indicators)}
        cas = {k: v for k, v in self.cases.items()
               if v.source in ok_sources and all(i in ind for i in v.indicators)}
        rec = {k: replace(v, evidence=tuple(e for e in v.evidence if e in fnd or e in cas))
               for k, v in self.recommendations.items()
               if v.source in ok_sources and any(e in fnd or e in cas for e in v.evidence)}
        facts = {k: v for k, v in self.facts.items()
                 if v.source in ok_sources and not (v.date and v.date > when.isoformat()[: len(v.date)])}
        terms = {k: v for k, v in self.terms.items() if v.source is None or v.source in ok_sources}
        regions = {k: v if all(s in ok_sources for s in v.sources)
                   else replace(v, profile_en="", profile_zh="", sources=())
                   for k, v in self.regions.items()}
        stamp = hashlib.sha256(f"{self.fingerprint}|as-of {when}".encode()).hexdigest()
        view = replace(self, regions=regions, sources=ok_sources, indicators=ind, findings=fnd,
                       cases=cas, recommendations=rec, facts=facts, terms=terms, fingerprint=stamp)
        if len(self._editions) > 8:
            self._editions.clear()
        self._editions[when] = view
        return view

    def untranslated(self, lang: str) -> Mapping[str, tuple[str, ...]]:
        """Kind -> ids of the records with no ``lang`` text, in load order (kinds with none left
        out).  Worked out once per library (and kept in the parsed-content cache), since every
        brief with ``--missing-translation omit`` asks, and the answer costs a pass over every record."""
        hit = self._untranslated.get(lang)
        if hit is None:
            hit = {kind: ids for kind in TRANSLATED_KINDS
                   if (ids := tuple(k for k, rec in getattr(self, kind).items() if not rec.has_lang(lang)))}
            self._untranslated[lang] = hit
        return MappingProxyType(hit)

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in KINDS}


def _name_key(name: str) -> str:
    return " ".join(str(name).strip().casefold().split())


def _themes_of(record: Any) -> tuple[str, ...]:
    if hasattr(record, "themes"):
        return record.themes
    if hasattr(record, "theme"):
        return (record.theme,)
    return ()


def flat_record(record: Any) -> dict[str, Any]:
    """One record as a flat row of plain values (for DataFrames, CSV and JSON)."""
    from dataclasses import fields as dc_fields

    row: dict[str, Any] = {}
    for f in dc_fields(record):
        if f.name.startswith("_"):
            continue
        v = getattr(record, f.name)
        if f.name == "origin":
            row["file"], row["line"] = v.file, v.line
        elif f.name == "unit":
            row["unit"] = v.unit
        elif f.name == "period":
            row["period"] = v.text
            row["period_end"] = v.end.isoformat() if v.end else None
        elif f.name == "authors":      # read back by table.py: one column per part, a line per author
            row["authors_zh"] = "\n".join(a.name_zh for a in v)
            row["authors_en"] = "\n".join(a.name_en for a in v)
            row["affiliations_zh"] = "\n".join(a.affiliation_zh for a in v)
            row["affiliations_en"] = "\n".join(a.affiliation_en for a in v)
        elif isinstance(v, tuple):
            row[f.name] = ";".join(v)
        else:
            row[f.name] = v
    return row


# Loading lives in loading.py; it needs the Library class above.
from .loading import derived, load_library  # noqa: E402
