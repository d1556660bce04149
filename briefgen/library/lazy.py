"""A cached library's figures, findings, cases, recommendations and facts, unpickled region by region.

One brief reads its own region's records, its benchmark's and a few more, yet
unpickling every record of a 1,000-region library was most of what a cold
``briefgen make`` cost beyond the first few regions.  So the parsed-content cache
keeps these kinds as one pickled group per region (:func:`pack`), beside a
summary of what briefs ask across regions (which regions publish a measure, have
cases on a theme, are learnt from), and a loaded library starts with the groups
still pickled (:func:`unpack`).  :class:`LazyRecords` reads like the dict it
replaces, in the same load order; a group is unpickled the first time one of its
records is asked for, and a pass over every record (``briefgen check``'s counts,
``as_of``, an export) unpickles them all.  :class:`LazyIndex` answers the Library's
queries as :class:`~.index.Index` does, from the groups it needs.
"""
from __future__ import annotations

import io
import pickle
import threading
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

from .index import names_index, regions_named_in
from .readonly import ReadOnly

#: The kinds kept per region (every record of them has a ``region``).
REGIONAL = ("indicators", "findings", "cases", "recommendations", "facts")
_EMPTY: tuple = ()


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _share_units(group: dict[str, list], units: Mapping[str, Any]) -> None:
    """Point a group's figures at the library's own Unit objects, as a parsed library's do
    (each group was pickled on its own, so its units arrived as copies of equal value)."""
    for ind in group["indicators"]:
        shared = units.get(ind.unit.unit)
        if shared is not None and shared is not ind.unit and shared == ind.unit:
            object.__setattr__(ind, "unit", shared)


def pack(records: Mapping[str, Mapping[str, Any]]) -> dict:
    """The regional kinds of ``records`` as pickled groups, one per region, and the summary
    of them that answering cross-region queries needs (see LazyIndex)."""
    group_of: dict[Any, int] = {}
    groups: list[dict[str, list]] = []
    where: dict[str, dict[str, int]] = {}
    for kind in REGIONAL:
        placed = where[kind] = {}
        for rid, rec in records[kind].items():
            g = group_of.get(rec.region)
            if g is None:
                g = group_of[rec.region] = len(groups)
                groups.append({k: [] for k in REGIONAL})
            placed[rid] = g
            groups[g][kind].append(rec)
    measures: dict[str, dict[str, None]] = {}
    for ind in records["indicators"].values():
        if ind.measure:
            measures.setdefault(ind.measure, {})[ind.region] = None
    finding_themes: dict[str, dict[str, None]] = {}
    for f in records["findings"].values():
        finding_themes.setdefault(f.theme, {})[f.region] = None
    case_themes: dict[str, list[frozenset[str]]] = {}
    for c in records["cases"].values():
        case_themes.setdefault(c.region, []).append(frozenset(c.themes))
    case_regions: dict[str, dict[str, None]] = {}
    for c in sorted(records["cases"].values(), key=lambda c: c.id):
        for t in dict.fromkeys(c.themes):
            case_regions.setdefault(t, {})[c.region] = None
    learned: dict[str, dict[str, None]] = {}
    for r in records["recommendations"].values():
        if r.benchmark:
            learned.setdefault(r.benchmark, {})[r.region] = None
    cited = frozenset(r.source for kind in REGIONAL for r in records[kind].values() if r.source)
    return {"where": where, "group_of": group_of, "groups": [_dumps(g) for g in groups],
            "measures": {m: tuple(rs) for m, rs in measures.items()},
            "finding_themes": {t: tuple(rs) for t, rs in finding_themes.items()},
            "case_themes": {r: tuple(ts) for r, ts in case_themes.items()},
            "case_regions": {t: tuple(rs) for t, rs in case_regions.items()},
            "learned": {b: tuple(rs) for b, rs in learned.items()}, "cited": cited,
            "all_evidence": all(r.evidence for r in records["recommendations"].values())}


class _Groups:
    """The pickled groups of one library and the LazyRecords they fill."""

    def __init__(self, packed: dict, units: Mapping[str, Any], unpickler: type[pickle.Unpickler]):
        self.packed = packed
        self.blobs: list[bytes | None] = list(packed["groups"])
        self.units = units
        self.unpickler = unpickler
        self.loaded: dict[int, dict[str, list]] = {}
        self.lock = threading.RLock()
        self.kinds: dict[str, LazyRecords] = {}

    def load(self, g: int) -> dict[str, list]:
        hit = self.loaded.get(g)
        if hit is not None:
            return hit
        with self.lock:
            hit = self.loaded.get(g)
            if hit is None:
                hit = self.unpickler(io.BytesIO(self.blobs[g] or b"")).load()
                _share_units(hit, self.units)
                for kind, records in hit.items():
                    store = self.kinds[kind]
                    for rec in records:
                        dict.__setitem__(store, rec.id, rec)
                self.blobs[g] = None         # unpickled once; the records hold what it said
                self.loaded[g] = hit
        return hit

    def load_all(self) -> None:
        for g in range(len(self.blobs)):
            self.load(g)

    def of_region(self, region: Any) -> dict[str, list] | None:
        g = self.packed["group_of"].get(region)
        return None if g is None else self.load(g)


class LazyRecords(ReadOnly):
    """One regional kind's records by id, in load order, unpickled group by group on demand."""

    __slots__ = ("_where", "_groups", "_whole")

    def __init__(self, kind: str, groups: _Groups) -> None:
        ReadOnly.__init__(self, kind)
        self._where: dict[str, int] = groups.packed["where"][kind]
        self._groups = groups
        self._whole = False
        groups.kinds[kind] = self

    @property
    def groups(self) -> _Groups:
        return self._groups

    @property
    def every_one_has_evidence(self) -> bool | None:
        """For recommendations: whether each cites evidence (worked out when cached)."""
        return bool(self._groups.packed["all_evidence"]) if self.kind == "recommendations" else None

    def __missing__(self, key: Any) -> Any:
        g = self._where.get(key)
        if g is None:
            raise KeyError(key)
        self._groups.load(g)
        return dict.__getitem__(self, key)

    def _all(self) -> None:
        """Unpickle every group and put the records in load order (as the dict replaced was)."""
        if self._whole:
            return
        with self._groups.lock:
            if self._whole:
                return
            self._groups.load_all()
            ordered = [(k, dict.__getitem__(self, k)) for k in self._where]
            dict.clear(self)
            for k, v in ordered:
                dict.__setitem__(self, k, v)
            self._whole = True

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self._where else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def keys(self):  # type: ignore[override]
        self._all()
        return dict.keys(self)

    def values(self):  # type: ignore[override]
        self._all()
        return dict.values(self)

    def items(self):  # type: ignore[override]
        self._all()
        return dict.items(self)

    def copy(self) -> dict:
        return dict(self.items())

    def __copy__(self) -> dict:
        return self.copy()

    def __reduce__(self) -> tuple:
        return ReadOnly, (self.kind, self.copy())

    def __eq__(self, other: object) -> bool:
        self._all()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._all()
        return dict.__ne__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> Any:
        return self.copy() | other

    def __ror__(self, other: Any) -> Any:
        return other | self.copy()


def unpack(packed: dict, units: Mapping[str, Any], unpickler: type[pickle.Unpickler]) -> dict[str, LazyRecords]:
    """The regional kinds' mappings of a cached library, nothing unpickled yet."""
    groups = _Groups(packed, units, unpickler)
    return {kind: LazyRecords(kind, groups) for kind in REGIONAL}


def valid(packed: Any) -> bool:
    """Whether ``packed`` has the shape :func:`pack` gives (else the cache file is not used)."""
    keys = ("where", "group_of", "groups", "measures", "finding_themes", "case_themes", "case_regions",
            "learned", "cited", "all_evidence")
    return (isinstance(packed, dict) and all(k in packed for k in keys)
            and isinstance(packed["where"], dict) and set(packed["where"]) == set(REGIONAL)
            and isinstance(packed["groups"], list) and all(isinstance(b, bytes) for b in packed["groups"]))


class _PerKey:
    """A read-only mapping worked out key by key (only ``get`` is asked of the Index's)."""

    __slots__ = ("_make", "_memo", "_lock")

    def __init__(self, make: Callable[[Any], Any]):
        self._make = make
        self._memo: dict = {}
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            value = self._memo[key]
        except KeyError:
            value = self._make(key)
            with self._lock:
                value = self._memo.setdefault(key, value)
        except TypeError:            # an unhashable key has no records, as in a dict
            return default
        return default if value is None else value


def _in_order(records: list, order: Mapping[str, int]) -> tuple:
    return tuple(sorted(records, key=lambda r: order[r.id]))


class LazyIndex:
    """The Library's lookups (see index.Index) for a library whose regional records are
    still pickled: each answer unpickles only the regions it is about."""

    def __init__(self, groups: _Groups, regions: Mapping[str, Any], terms: Mapping[str, Any]):
        self._groups = groups
        p = groups.packed
        children: dict[str, list[str]] = {}
        for r in regions.values():
            if r.parent:
                children.setdefault(r.parent, []).append(r.id)
        self.children = MappingProxyType({k: tuple(v) for k, v in children.items()})
        self.names, self.short_names = names_index(regions)
        self.sources_cited = p["cited"] | {t.source for t in terms.values() if t.source}
        self._positions: dict[str, dict[str, int]] = {}

        def mine(kind: str) -> Callable[[Any], tuple | None]:
            def make(region: Any) -> tuple | None:
                group = groups.of_region(region)
                return tuple(group[kind]) if group and group[kind] else None
            return make

        self.indicators = _PerKey(mine("indicators"))
        self.facts = _PerKey(mine("facts"))
        self.cases = _PerKey(mine("cases"))
        self.recommendations = _PerKey(mine("recommendations"))
        self.findings = _PerKey(self._findings)
        self.measures = _PerKey(self._measures)
        self.across = _PerKey(self._across)
        self.findings_by_theme = _PerKey(self._findings_by_theme)
        self.cases_by_theme = _PerKey(self._cases_by_theme)
        self.case_regions_by_theme = _PerKey(lambda t: p["case_regions"].get(t))
        self.case_themes = _PerKey(lambda r: p["case_themes"].get(r))
        self.learned_from = _PerKey(self._learned_from)

    def _position(self, kind: str) -> dict[str, int]:
        hit = self._positions.get(kind)
        if hit is None:
            hit = self._positions[kind] = {rid: n for n, rid in enumerate(self._groups.packed["where"][kind])}
        return hit

    def _records(self, kind: str, regions: tuple) -> list:
        out: list = []
        for region in regions:
            group = self._groups.of_region(region)
            if group:
                out += group[kind]
        return out

    def _findings(self, region: Any) -> tuple | None:
        group = self._groups.of_region(region)
        if not group or not group["findings"]:
            return None
        return tuple(sorted(group["findings"], key=lambda f: (f.priority, f.id)))

    def _measures(self, region: Any) -> Mapping | None:
        group = self._groups.of_region(region)
        by: dict[str, list] = {}
        for i in group["indicators"] if group else ():
            if i.measure:
                by.setdefault(i.measure, []).append(i)
        return MappingProxyType({m: tuple(v) for m, v in by.items()}) if by else None

    def _across(self, measure: str) -> Mapping | None:
        regions = self._groups.packed["measures"].get(measure)
        if not regions:
            return None
        return MappingProxyType({r: self.measures.get(r, MappingProxyType({}))[measure] for r in regions})

    def _findings_by_theme(self, theme: str) -> tuple | None:
        regions = self._groups.packed["finding_themes"].get(theme, _EMPTY)
        found = [f for f in self._records("findings", regions) if f.theme == theme]
        return _in_order(found, self._position("findings")) if found else None

    def _cases_by_theme(self, theme: str) -> tuple | None:
        regions = self._groups.packed["case_regions"].get(theme, _EMPTY)
        found = [c for c in self._records("cases", regions) if theme in c.themes]
        return tuple(sorted(found, key=lambda c: c.id)) if found else None

    def _learned_from(self, benchmark: str) -> tuple | None:
        regions = self._groups.packed["learned"].get(benchmark, _EMPTY)
        found = [r for r in self._records("recommendations", regions) if r.benchmark == benchmark]
        return _in_order(found, self._position("recommendations")) if found else None

    def regions_named_in(self, text: str) -> set[str]:
        return regions_named_in(self.names, self.short_names, text)
