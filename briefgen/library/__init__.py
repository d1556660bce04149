"""The content library: loaded and validated once, then queried.

>>> lib = load_library()
>>> lib.region("宿迁市").id
'suqian'
>>> lib.frame("indicators", region="suqian")   # a pandas DataFrame
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..errors import ContentError, UsageError
from ..names import closest
from ..paths import data_dir
from . import cache as parsed_cache
from .readonly import ReadOnly
from . import table
from . import loader
from .index import Index, get
from .model import (Case, Finding, Indicator, Recommendation, Region, Source, Theme)
from .units import Unit, format_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Library", "load_library", "KINDS"]

KINDS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations")


_MAPPINGS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations", "units")


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
    units: Mapping[str, Unit]
    #: A digest of every file read; changes whenever any content changes.
    fingerprint: str = ""
    folders: tuple[str, ...] = ()
    #: Things said while loading that are not problems (e.g. ignored export-only columns).
    notes: tuple[str, ...] = ()
    _names: Mapping[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    _index: Index | None = field(default=None, init=False, repr=False, compare=False)
    _editions: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One Library is cached and shared by every brief in the process: its mappings are
        # read-only views, so a caller's ``lib.regions["x"] = ...`` cannot change other briefs.
        for name in (*_MAPPINGS, "_names"):
            value = getattr(self, name)
            if not isinstance(value, ReadOnly):
                object.__setattr__(self, name, ReadOnly(name.lstrip("_"), value))

    @property
    def index(self) -> Index:
        """The indexes, built on first use (a `briefgen check` never needs them)."""
        if self._index is None:
            object.__setattr__(self, "_index", Index(self.regions, self.indicators, self.findings,
                                                     self.cases, self.recommendations))
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
        regions = {k: v if all(s in ok_sources for s in v.sources)
                   else replace(v, profile_en="", profile_zh="", sources=())
                   for k, v in self.regions.items()}
        stamp = hashlib.sha256(f"{self.fingerprint}|as-of {when}".encode()).hexdigest()
        view = replace(self, regions=regions, sources=ok_sources, indicators=ind, findings=fnd,
                       cases=cas, recommendations=rec, fingerprint=stamp)
        if len(self._editions) > 8:
            self._editions.clear()
        self._editions[when] = view
        return view

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


# ---------------------------------------------------------------------------- loading

_cache: dict[tuple, Library] = {}
_cache_lock = threading.Lock()


def load_library(content: str | Path | None = None, overlays: Sequence[str | Path] = (),
                 seeds: str | Path | None = None, *, cache: bool = True) -> Library:
    """Load, validate and return the content library.

    ``content`` replaces the built-in content folder; each of ``overlays`` adds to
    (and may replace records of) what came before.  The source registry in
    ``seeds`` (default: the built-in one) is always read, plus any ``sources.yaml``
    in the content folders.  Raises ContentError listing every problem.

    The result is kept per process, keyed on the files' paths, sizes and
    modification times, so repeated briefs do not re-read or re-validate.  With
    ``cache`` (the default) a process that has not loaded this content yet starts
    from the parsed records in the user's cache folder when the files' bytes are
    those it last validated (see cache.py); ``cache=False`` reads and checks
    everything afresh and leaves the cache folder alone."""
    if isinstance(overlays, (str, Path)):
        overlays = (overlays,)   # one folder, not a string to iterate letter by letter
    base = Path(content) if content else data_dir("content")
    folders = [base, *(Path(o) for o in overlays)]
    seed_dir = Path(seeds) if seeds else data_dir("seeds")
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"content folder not found: {folder}; give a folder that holds "
                             "regions.yaml, indicators.csv ... (see content/SCHEMA.md)")
    key = (tuple(str(f.resolve()) for f in folders), str(seed_dir.resolve()), _stat_key(folders, seed_dir))
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    with parsed_cache.without_gc():
        lib = _load(folders, seed_dir, use_cache=cache)
    with _cache_lock:
        if len(_cache) > 16:
            _cache.clear()
        _cache[key] = lib
    return lib


def _stat_key(folders: Iterable[Path], seed_dir: Path) -> tuple:
    sig = []
    for folder in [*folders, seed_dir]:
        if not folder.is_dir():
            continue
        for p in sorted(folder.rglob("*")):
            if p.suffix in (".yaml", ".csv") and p.is_file():
                st = p.stat()
                sig.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(sig)


def _load(folders: list[Path], seed_dir: Path, use_cache: bool = True) -> Library:
    problems = loader.Problems()
    digest = hashlib.sha256()
    # First read every file (the digest, and the parsed cache's key, need all their
    # bytes), then parse only if the cache has nothing for exactly these bytes.
    seed_texts: list[tuple[str, bytes | None]] = []
    if seed_dir.is_dir():
        for path in sorted(seed_dir.glob("*.yaml")):
            shown = f"seeds/{path.name}"
            # The reader feeds the digest, so each file is read once and only after its
            # size and permissions are checked (an unreadable file is a problem, not a crash).
            seed_texts.append((shown, loader.read_bytes(path, shown, problems, digest)))
    folder_texts: list[list[tuple[str, str, bytes | None]]] = []
    for folder in folders:
        texts = []
        for kind, path, shown in loader.discover(folder, problems):
            digest.update(shown.encode())
            texts.append((kind, shown, loader.read_bytes(path, shown, problems, digest)))
        folder_texts.append(texts)
    fingerprint = digest.hexdigest()
    cache_key = None
    if use_cache and not problems:
        builtin = [(data_dir("content") / n) for n in ("units.yaml", "themes.yaml")]
        cache_key = parsed_cache.cache_key(
            [fingerprint.encode(), str(seed_dir).encode(), *(str(f).encode() for f in folders),
             *(_bytes_or_empty(p) for p in builtin)])
        cached = _from_cache(parsed_cache.load(cache_key), fingerprint, folders)
        if cached is not None:
            return cached

    def text(raw: bytes | None, shown: str) -> str | None:
        return loader.decode_text(raw, shown, problems)

    seed_raws = [r for shown, raw in seed_texts
                 for r in loader.parse_yaml(text(raw, shown), shown, "sources", problems)]
    per_folder: list[dict[str, list[loader.RawRecord]]] = []
    for texts in folder_texts:
        found: dict[str, list[loader.RawRecord]] = {k: [] for k in [*KINDS, "units"]}
        for kind, shown, raw in texts:
            if shown.endswith(".csv"):
                found[kind] += table.parse_csv(text(raw, shown), shown, problems, kind)
            else:
                found[kind] += loader.parse_yaml(text(raw, shown), shown, kind, problems)
        per_folder.append(found)

    # The built-in units always come first: English prose converts the money units in
    # sentences (亿元, 亿美元 ...), so a folder's units.yaml adds to them or replaces one.
    builtin_units = data_dir("content") / "units.yaml"
    units = loader.load_units(loader.read_yaml(builtin_units, "units.yaml", "units", problems), problems)
    units = loader.load_units([r for f in per_folder for r in f["units"]], problems, into=units)
    checker = loader.Checker(units, problems)
    records: dict[str, dict[str, Any]] = {k: {} for k in KINDS}
    seen: dict[str, dict] = {k: {} for k in KINDS}
    if not any(f["themes"] for f in per_folder):
        # A user's own content may rely on the built-in theme vocabulary.
        builtin = data_dir("content") / "themes.yaml"
        loader.add_records("themes", loader.read_yaml(builtin, "themes.yaml", "themes", problems),
                           checker, records["themes"], problems)
    loader.add_records("sources", seed_raws, checker, records["sources"], problems, seen=seen["sources"])
    for i, found in enumerate(per_folder):
        for kind in KINDS:
            loader.add_records(kind, found[kind], checker, records[kind], problems, replace=i > 0,
                               seen=seen[kind])
    loader.check_references(records, problems)
    loader.check_locators(records, problems)
    if problems:
        raise ContentError(problems.items)

    # A name or alias two regions share maps to None, so region() can say so.
    names: dict[str, str | None] = {}
    for region in records["regions"].values():
        for n in {_name_key(n) for n in (region.id, region.name_en, region.name_zh, *region.aliases)}:
            names[n] = region.id if names.get(n, region.id) == region.id else None
    if cache_key is not None:   # only content that validated is ever cached
        parsed_cache.store(cache_key, {"fingerprint": fingerprint, "records": records, "units": units,
                                       "names": names, "notes": tuple(problems.notes)})
    return Library(**records, units=units, fingerprint=fingerprint,
                   folders=tuple(str(f) for f in folders), notes=tuple(problems.notes), _names=names)


def _bytes_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _from_cache(payload: Any, fingerprint: str, folders: list[Path]) -> Library | None:
    """The library a cache payload holds, if it is one and is for this content."""
    if not isinstance(payload, dict) or payload.get("fingerprint") != fingerprint:
        return None
    records, units, names = payload.get("records"), payload.get("units"), payload.get("names")
    notes = payload.get("notes", ())
    if not (isinstance(records, dict) and set(records) == set(KINDS) and isinstance(units, dict)
            and isinstance(names, dict) and all(isinstance(records[k], dict) for k in KINDS)):
        return None
    return Library(**records, units=units, fingerprint=fingerprint,
                   folders=tuple(str(f) for f in folders), notes=tuple(notes), _names=names)
