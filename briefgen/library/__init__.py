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
from . import loader
from .model import (Case, Finding, Indicator, Recommendation, Region, Source, Theme)
from .units import Unit, format_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Library", "load_library", "KINDS"]

KINDS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations")


@dataclass(frozen=True)
class Library:
    """Every record of the knowledge base, by kind and id.  Immutable once loaded."""

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

    def __post_init__(self) -> None:
        # One Library is cached and shared by every brief in the process: its mappings are
        # read-only views, so a caller's ``lib.regions["x"] = ...`` cannot change other briefs.
        for name in (*KINDS, "units", "_names"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))

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
        return replace(self, regions=regions, sources=ok_sources, indicators=ind, findings=fnd,
                       cases=cas, recommendations=rec, fingerprint=stamp)

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
        elif f.name == "authors":
            row["authors_zh"] = "; ".join(a.name_zh for a in v)
            row["authors_en"] = "; ".join(a.name_en for a in v)
        elif isinstance(v, tuple):
            row[f.name] = ";".join(v)
        else:
            row[f.name] = v
    return row


# ---------------------------------------------------------------------------- loading

_cache: dict[tuple, Library] = {}
_cache_lock = threading.Lock()


def load_library(content: str | Path | None = None, overlays: Sequence[str | Path] = (),
                 seeds: str | Path | None = None) -> Library:
    """Load, validate and return the content library.

    ``content`` replaces the built-in content folder; each of ``overlays`` adds to
    (and may replace records of) what came before.  The source registry in
    ``seeds`` (default: the built-in one) is always read, plus any ``sources.yaml``
    in the content folders.  Raises ContentError listing every problem.

    The result is cached per process, keyed on the files' paths, sizes and
    modification times, so repeated briefs do not re-read or re-validate."""
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
    lib = _load(folders, seed_dir)
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


def _load(folders: list[Path], seed_dir: Path) -> Library:
    problems = loader.Problems()
    digest = hashlib.sha256()
    per_folder: list[dict[str, list[loader.RawRecord]]] = []
    seed_raws: list[loader.RawRecord] = []
    if seed_dir.is_dir():
        for path in sorted(seed_dir.glob("*.yaml")):
            shown = f"seeds/{path.name}"
            # The reader feeds the digest, so each file is read once and only after its
            # size and permissions are checked (an unreadable file is a problem, not a crash).
            seed_raws += loader.read_yaml(path, shown, "sources", problems, digest)
    for folder in folders:
        found: dict[str, list[loader.RawRecord]] = {k: [] for k in [*KINDS, "units"]}
        for kind, path, shown in loader.discover(folder, problems):
            digest.update(shown.encode())
            if kind == "indicators":
                found[kind] += loader.read_csv(path, shown, problems, digest)
            else:
                found[kind] += loader.read_yaml(path, shown, kind, problems, digest)
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
    return Library(**records, units=units, fingerprint=digest.hexdigest(),
                   folders=tuple(str(f) for f in folders), notes=tuple(problems.notes),
                   _names=names)
