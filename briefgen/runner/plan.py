"""The plan of a batch: which briefs, in which formats, checked against the library before anything is built."""
from __future__ import annotations


import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import UsageError
from ..library import Library
from ..names import did_you_mean as suggest
from ..spec import AUDIENCES, LANGS, LENGTHS, BriefSpec
from ..tomlfile import read_toml

FORMATS = ("pdf", "docx", "md", "html")

#: Plan keys: the plural and its singular spelling, what it may hold, and the default.
_LIST_KEYS: dict[str, tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]] = {
    "regions": ("region", None, None),                 # allowed values come from the library
    "audiences": ("audience", AUDIENCES, ("government",)),
    "lengths": ("length", LENGTHS, ("standard",)),
    "langs": ("lang", LANGS, ("en",)),
    "formats": ("format", FORMATS, ("pdf",)),
}
_TABLE_KEYS = [*_LIST_KEYS, *(v[0] for v in _LIST_KEYS.values()), "benchmark"]
_TOP_KEYS = ["edition", "briefs"]
# fullmatch: "$" would let "e\n" through, a folder with a newline in its name.
_EDITION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


# ============================================================================ the plan

@dataclass(frozen=True)
class Job:
    """One brief of the plan (a spec with canonical region ids) and the formats wanted of it."""

    spec: BriefSpec
    formats: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable name for the spec: what sharding sorts on and the manifest files under."""
        return spec_key(self.spec)


@dataclass(frozen=True)
class Plan:
    edition: str | None
    jobs: tuple[Job, ...]     # expanded, one per distinct spec, sorted by key
    where: str                # the plan file, or "<plan>" for a dict


def spec_key(spec: BriefSpec) -> str:
    return "|".join([spec.region, spec.benchmark or "auto", spec.audience, spec.length, spec.lang,
                     spec.as_of.isoformat() if spec.as_of else "-"])


def read_plan(plan: str | Path | Mapping[str, Any]) -> tuple[dict, str]:
    """The plan's raw tables and where they came from (for messages)."""
    if isinstance(plan, Mapping):
        return dict(plan), "<plan>"
    path = Path(plan)
    if not path.is_file():
        raise UsageError(f"plan file not found: {plan}")
    return read_toml(path, "the plan"), str(plan)


def load_plan(plan: str | Path | Mapping[str, Any], library: Library, *,
              as_of: date | None = None) -> Plan:
    """Read and check a plan against ``library``; every problem is reported at once (UsageError)."""
    data, where = read_plan(plan)
    problems: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(f"unknown key '{key}'{suggest(key, _TOP_KEYS)}; a plan has "
                            "'edition' and [[briefs]] tables")
    edition = data.get("edition")
    if edition is not None:
        if not isinstance(edition, str) or not _EDITION.fullmatch(edition):
            problems.append(f"edition = {edition!r}: write it as text such as \"2026-11\" "
                            "(letters, digits, '.', '-', '_'; it names a folder)")
            edition = None
    tables = data.get("briefs")
    if tables is None:
        problems.append("no [[briefs]] table; add at least one, e.g.\n"
                        "    [[briefs]]\n    regions = [\"suqian\"]\n    formats = [\"pdf\"]")
        tables = []
    elif not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append("'briefs' must be a list of tables: write each as [[briefs]]")
        tables = []
    specs: dict[str, tuple[BriefSpec, list[str]]] = {}
    for index, table in enumerate(tables, 1):
        for spec, formats in _expand_table(table, f"briefs #{index}", library, as_of, problems):
            key = spec_key(spec)
            if key in specs:
                specs[key][1].extend(f for f in formats if f not in specs[key][1])
            else:
                specs[key] = (spec, list(formats))
    if tables and not specs and not problems:
        problems.append("the plan asks for no briefs")
    if problems:
        count = len(problems)
        raise UsageError("\n".join([f"{where}: {count} problem{'s' if count != 1 else ''} in the plan:",
                                    *("  " + p for p in problems)]))
    jobs = tuple(Job(spec, tuple(f for f in FORMATS if f in fmts)) for _, (spec, fmts) in sorted(specs.items()))
    return Plan(edition, jobs, where)


def _values(table: dict, plural: str, where: str, problems: list[str]) -> list[str] | None:
    """The list a key holds (plural or singular spelling); "all" stays as ["all"]."""
    singular = _LIST_KEYS[plural][0]
    if plural in table and singular in table:
        problems.append(f"{where}: both '{plural}' and '{singular}' are set; keep one")
        return None
    name = plural if plural in table else singular
    if name not in table:
        return list(_LIST_KEYS[plural][2]) if _LIST_KEYS[plural][2] else None
    value = table[name]
    items = value if isinstance(value, list) else [value]
    if not items:
        problems.append(f"{where}, key '{name}': the list is empty; give at least one value or \"all\"")
        return None
    if not all(isinstance(v, str) for v in items):
        problems.append(f"{where}, key '{name}': {value!r}: give text values, e.g. {plural} = [\"...\"] or \"all\"")
        return None
    return items


def _expand_table(table: dict, where: str, lib: Library, as_of: date | None,
                  problems: list[str]) -> Iterable[tuple[BriefSpec, list[str]]]:
    before = len(problems)
    for key in table:
        if key not in _TABLE_KEYS:
            problems.append(f"{where}: unknown key '{key}'{suggest(key, _TABLE_KEYS)}; "
                            f"the keys are {', '.join(_TABLE_KEYS)}")
    chosen: dict[str, list[str]] = {}
    for plural, (singular, allowed, _default) in _LIST_KEYS.items():
        items = _values(table, plural, where, problems)
        if items is None:
            if plural == "regions" and plural not in table and singular not in table:
                problems.append(f"{where}: no 'regions'; give region ids or names, or \"all\"")
            continue
        name = plural if plural in table else singular
        if "all" in items:
            chosen[plural] = ["all"]
            continue
        good: list[str] = []
        for item in items:
            if plural == "regions":
                try:
                    rid = lib.region(item).id
                except UsageError as e:
                    problems.append(f"{where}, key '{name}': {e}")
                    continue
            elif item not in allowed:  # type: ignore[operator]
                problems.append(f"{where}, key '{name}': unknown {singular} '{item}'{suggest(item, allowed)} "
                                f"(choose from {', '.join(allowed)} or \"all\")")  # type: ignore[arg-type]
                continue
            else:
                rid = item
            if rid not in good:
                good.append(rid)
        chosen[plural] = good
    benchmark = table.get("benchmark")
    bench_id = None
    if benchmark is not None:
        if not isinstance(benchmark, str) or benchmark == "all":
            problems.append(f"{where}, key 'benchmark': {benchmark!r}: give one region (it is singular); "
                            "for several benchmarks write one [[briefs]] table each")
        else:
            try:
                bench_id = lib.region(benchmark).id
            except UsageError as e:
                problems.append(f"{where}, key 'benchmark': {e}")
    if len(problems) > before:
        return []
    regions = chosen["regions"]
    if regions == ["all"]:
        # "all": every region the content says something about of its own; a brief on a
        # region that only appears as someone's parent or partner would be empty.
        regions = [r for r in sorted(lib.regions) if r != bench_id and _has_content(lib, r)]
    elif bench_id in regions:
        problems.append(f"{where}: benchmark '{benchmark}' is also one of the regions; a region cannot "
                        "learn from itself: remove it from regions or use another benchmark")
        return []
    expand = {k: (list(_LIST_KEYS[k][1]) if v == ["all"] else v)  # type: ignore[arg-type]
              for k, v in chosen.items() if k != "regions"}
    out = []
    for rid in regions:
        for audience in expand["audiences"]:
            for length in expand["lengths"]:
                for lang in expand["langs"]:
                    spec = BriefSpec(region=rid, benchmark=bench_id, audience=audience, length=length,
                                     lang=lang, as_of=as_of)
                    out.append((spec, expand["formats"]))
    return out


def _has_content(lib: Library, rid: str) -> bool:
    return any(r.region == rid for kind in (lib.indicators, lib.findings) for r in kind.values())


def parse_shard(shard: str | tuple[int, int] | None) -> tuple[int, int] | None:
    """``"2/3"`` -> ``(2, 3)``; K is 1-based."""
    if shard is None:
        return None
    if isinstance(shard, tuple):
        k, n = shard
    else:
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(shard))
        if not m:
            raise UsageError(f"--shard {shard!r}: write K/N, this machine's share K of N, e.g. 2/3")
        k, n = int(m[1]), int(m[2])
    if not (isinstance(k, int) and isinstance(n, int) and 1 <= k <= n):
        raise UsageError(f"--shard {k}/{n}: K must be between 1 and N (shards are numbered 1 to N)")
    return k, n


def shard_jobs(jobs: Sequence[Job], shard: tuple[int, int] | None) -> list[Job]:
    """This shard's share: jobs sorted by key, every N-th starting at K-1."""
    ordered = sorted(jobs, key=lambda j: j.key)
    if shard is None:
        return ordered
    k, n = shard
    return [j for i, j in enumerate(ordered) if i % n == k - 1]
