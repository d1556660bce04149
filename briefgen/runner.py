"""Batch runs: every brief a plan asks for, built in parallel into one edition folder.

A plan (TOML, or a dict from Python) lists brief specs whose fields may be
lists or "all"; :func:`load_plan` checks the whole plan against the library
and reports every problem at once, before anything is written.

:func:`run_batch` then builds the briefs into ``OUTPUT/<edition>/`` and keeps
``manifest.json`` there: for each file its spec, path, sha256, size and the
fingerprint of everything that went into it.  A rerun rebuilds only what
changed (make-style); ``shard`` splits the work across machines; ``as_of`` and
``since`` make editions of the content as it stood on a date, with a "What's
new" section measured against a previous edition's manifest.

The main process decides, writes and keeps the manifest; worker processes only
compose and render, each with the library loaded once.  Every write is atomic
and each brief's entries are appended, under a file lock, to the manifest's
journal (journal.py), which is folded into the manifest as it grows and when the
run ends, so an interrupted run leaves a manifest that matches the disk.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
import re
import signal
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import __version__, clock
from .errors import BriefgenError, UsageError
from .journal import Journal, read_journal
from .library import Library, flat_record, load_library
from .locking import LOCK_NAME, folder_lock
from .names import did_you_mean as suggest
from .output import TEMP_PREFIX, abandoned, inside, write_atomic
from .paths import data_dir
from .spec import AUDIENCES, LANGS, LENGTHS, BriefSpec, edition_date
from .style import DEFAULT_STYLE, HouseStyle
from .tomlfile import read_toml

__all__ = ["run_batch", "load_plan", "merge_manifests", "parse_shard", "Plan", "Job", "BatchReport",
           "Failure", "MANIFEST", "LOCK_NAME"]

FORMATS = ("pdf", "docx", "md", "html")
MANIFEST = "manifest.json"
#: A temporary file this old is a crashed run's, not one being written (a brief takes seconds).
STALE_TEMP_SECONDS = 600
MANIFEST_VERSION = 1
#: Plans making more files than this say how many before they start.
LARGE_EDITION = 10_000

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


# ============================================================================ content and inputs

def content_hashes(lib: Library) -> dict[str, dict[str, str]]:
    """A short hash of each indicator and case, so a later edition can tell what is new or changed.

    Where a record sits (file and line) is left out: moving a record is not changing it."""
    def digest(record: Any) -> str:
        row = {k: v for k, v in flat_record(record).items() if k not in ("file", "line")}
        return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
                              .encode()).hexdigest()[:16]

    return {"indicators": {k: digest(v) for k, v in sorted(lib.indicators.items())},
            "cases": {k: digest(v) for k, v in sorted(lib.cases.items())}}


def changed_since(previous: Mapping[str, Any], current: dict[str, dict[str, str]]) -> set[str]:
    """Ids of indicators and cases added or changed since ``previous`` (a manifest's "content")."""
    out = set()
    for kind in ("indicators", "cases"):
        before = previous.get(kind, {}) or {}
        out |= {rid for rid, h in current[kind].items() if before.get(rid) != h}
    return out


def _relevant_new(lib: Library, spec: BriefSpec, changed: set[str]) -> tuple[str, ...]:
    """The changed records a brief on ``spec`` should mention: about its region, the region's
    parents, or its benchmark (the one given, else the one the rules will choose)."""
    from .plan.rules import ancestors, choose_benchmark

    bench = spec.benchmark or choose_benchmark(lib, spec.region, spec.audience, None).region
    regions = {spec.region, *ancestors(lib, spec.region), *([bench] if bench else [])}
    return tuple(sorted(i for i in changed
                        if (i in lib.indicators and lib.indicators[i].region in regions)
                        or (i in lib.cases and lib.cases[i].region in regions)))


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _style_digest(style: HouseStyle) -> str:
    h = hashlib.sha256()
    for f in dataclasses.fields(style):
        value = getattr(style, f.name)
        h.update(f"{f.name}={value!r}\0".encode())
        if value is not None and f.name in ("logo", "reference_docx", "font_latin", "font_cjk"):
            with contextlib.suppress(OSError):  # a missing file fails the build itself, with a message
                h.update(Path(value).read_bytes())
    return h.hexdigest()


def inputs_digest(lib: Library, templates: str | Path | None, style: HouseStyle) -> str:
    """What every brief of a run shares: content, templates, house style and briefgen's version."""
    parts = {"content": lib.fingerprint, "templates_builtin": _tree_digest(data_dir("templates")),
             "templates": _tree_digest(Path(templates)) if templates else None,
             "style": _style_digest(style), "briefgen": __version__}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def spec_record(spec: BriefSpec) -> dict[str, Any]:
    """Every field of a spec as JSON values."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(spec):
        v = getattr(spec, f.name)
        out[f.name] = v.isoformat() if isinstance(v, date) else (list(v) if isinstance(v, tuple) else v)
    return out


def file_fingerprint(inputs: str, spec: BriefSpec, fmt: str) -> str:
    payload = json.dumps({"inputs": inputs, "spec": spec_record(spec), "format": fmt}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
                else hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def _now() -> str:
    when = clock.now()
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


# ============================================================================ the manifest

def manifest_name(shard: tuple[int, int] | None) -> str:
    return MANIFEST if shard is None else f"manifest.shard-{shard[0]}-of-{shard[1]}.json"


#: A manifest of 100 000 briefs is about 40 MB.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def read_manifest(path: Path, *, strict: bool = False) -> dict[str, Any] | None:
    """A manifest's contents; None (or UsageError when ``strict``) if missing or unreadable."""
    try:
        # A FIFO would hang and /dev/zero would fill memory: only an ordinary file of sane size is read.
        if path.exists() and (not path.is_file() or path.stat().st_size > MAX_MANIFEST_BYTES):
            raise ValueError(f"not an ordinary file of at most {MAX_MANIFEST_BYTES // (1024 * 1024)} MiB")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("files", []), list):
            raise ValueError("not a briefgen manifest")
        return data
    except FileNotFoundError:
        if strict:
            raise UsageError(f"manifest not found: {path}") from None
    except (ValueError, UnicodeDecodeError, OSError) as e:
        if strict:
            raise UsageError(f"{path}: not a briefgen manifest ({e})") from None
    return None


def _entries(data: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {e["key"]: e for e in (data or {}).get("files", []) if isinstance(e, dict) and "key" in e}


def entries_with_journal(path: Path, data: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The file entries of manifest ``path`` (or its contents ``data``), with the entries its
    journal holds since it was last written (a run killed outright leaves them there)."""
    out = _entries(read_manifest(path) if data is None else data)
    for entry in read_journal(path):
        out[entry["key"]] = entry
    return out


def _all_entries(folder: Path) -> dict[str, dict[str, Any]]:
    """Every file entry any manifest in ``folder`` holds (shards' and the merged one)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("manifest*.json")):
        out.update(entries_with_journal(path))
    return out


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _write_manifest(path: Path, header: dict[str, Any], entries: dict[str, dict[str, Any]],
                    prune: bool = False, lines: dict[str, tuple[dict, str]] | None = None) -> list[dict[str, Any]]:
    """Write the manifest and return the file entries it holds (``lines``: see _manifest_text)."""
    files = [e for _, e in sorted(entries.items())]
    if prune:  # drop entries whose file is gone, so the manifest matches the disk
        files = [e for e in files if (path.parent / e["path"]).is_file()]
    write_atomic(path, _manifest_text({**header, "files": files}, lines).encode("utf-8"))
    return files


def _manifest_text(data: dict[str, Any], lines: dict[str, tuple[dict, str]] | None = None) -> str:
    """JSON with one top-level key, and one file entry, per line.

    The manifest is rewritten after every brief; json.dumps(indent=2) runs the
    pure-Python encoder and cost a quarter of a 552-brief batch.  Values on one
    line use the C encoder, and the file still diffs line by line.  ``lines``
    remembers each entry's line between rewrites (entries are never changed in place)."""
    def entry_line(entry: dict[str, Any]) -> str:
        known = lines.get(entry.get("key", "")) if lines is not None else None
        if known is not None and known[0] is entry:
            return known[1]
        line = "    " + json.dumps(entry, ensure_ascii=False)
        if lines is not None and "key" in entry:
            lines[entry["key"]] = (entry, line)
        return line

    out = []
    for key, value in data.items():
        if key == "files" and value:
            text = "[\n" + ",\n".join(entry_line(e) for e in value) + "\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False)
        out.append(f"  {json.dumps(key, ensure_ascii=False)}: {text}")
    return "{\n" + ",\n".join(out) + "\n}\n"


def merge_manifests(folder: str | Path) -> Path:
    """Merge the shard manifests in ``folder`` (and any manifest.json) into manifest.json."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"--merge-manifests {folder}: no such folder; give the edition folder, "
                         "e.g. out/2026-11")
    with folder_lock(folder):
        paths = sorted(folder.glob("manifest.shard-*-of-*.json"))
        if not paths:
            raise UsageError(f"{folder}: no shard manifests (manifest.shard-K-of-N.json) to merge")
        merged = read_manifest(folder / MANIFEST) or {}
        entries = entries_with_journal(folder / MANIFEST, merged)
        header = {k: v for k, v in merged.items() if k != "files"}
        fingerprints = set()
        for path in paths:
            data = read_manifest(path, strict=True)
            fingerprints.add(data.get("content_fingerprint"))
            for key, entry in entries_with_journal(path, data).items():
                old = entries.get(key)
                # Keep whichever entry still describes the file on disk, else the newer one.
                if old is None or _sha256(folder / entry["path"]) == entry["sha256"] or \
                        entry.get("written", "") >= old.get("written", ""):
                    entries[key] = entry
            header = {**{k: v for k, v in data.items() if k not in ("files", "shard")}, "shard": None}
        if len(fingerprints) > 1:
            raise BriefgenError(f"{folder}: the shards were built from different content "
                                f"({len(fingerprints)} content fingerprints); rerun the shards with the "
                                "same content, then merge")
        header["merged_from"] = [p.name for p in paths]
        _write_manifest(folder / MANIFEST, header, entries, prune=True)
        Journal(folder / MANIFEST).clear()
    return folder / MANIFEST


# ============================================================================ building

class Builder:
    """Composes and renders briefs from one library; one per worker process (or per call)."""

    def __init__(self, content: str | None, overlays: Sequence[str], templates: str | None,
                 style: HouseStyle, cache: bool = True):
        self.library = load_library(content, overlays, cache=cache)
        self.templates = templates
        self.style = style
        self.cache = cache

    def build(self, spec: BriefSpec, formats: Sequence[str]) -> dict[str, Any]:
        """{"ok": bool, "spec": resolved spec, "files": {fmt: (name, bytes)}, "reason": str}."""
        from .build import build
        from .readiness import library_for

        try:
            built = build(spec, formats, library_for(spec, self.library), templates=self.templates,
                          style=self.style, cache=self.cache)
        except BriefgenError as e:
            return {"ok": False, "reason": str(e)}
        except Exception as e:  # a bug, not the user's doing: report it, keep the batch going
            return {"ok": False, "reason": f"internal error: {type(e).__name__}: {e}"}
        return {"ok": True, "spec": built.spec, "fingerprint": self.library.fingerprint,
                "files": {f: (built.file_name(f), built.files[f]) for f in formats}}


_worker: Builder | None = None   # set in each worker process by _init_worker, never in the parent


def _init_worker(content, overlays, templates, style, cache: bool = True) -> None:
    # Ctrl-C reaches the whole process group; the parent decides when to stop, so
    # workers finish the brief in hand instead of dying mid-render.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _exit_when_orphaned(os.getppid())
    global _worker
    _worker = Builder(content, overlays, templates, style, cache)


def _exit_when_orphaned(parent: int, every: float = 0.5) -> None:
    """End this worker soon after the batch process is gone (kill -9, the OOM killer).

    Its workers would otherwise run on, re-parented, holding stdout open, so
    ``briefgen batch ... | cat`` or a CI step never ends.  A re-parented process
    sees another parent id; a thread that checks costs nothing measurable."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="briefgen-orphan-watch", daemon=True).start()


def _work(spec: BriefSpec, formats: tuple[str, ...]) -> dict[str, Any]:
    assert _worker is not None
    return _worker.build(spec, formats)


# ============================================================================ the report

@dataclass(frozen=True)
class Failure:
    spec: BriefSpec
    formats: tuple[str, ...]
    reason: str

    def describe(self) -> str:
        s = self.spec
        what = " ".join(x for x in (s.region, f"from {s.benchmark}" if s.benchmark else "", s.audience,
                                    s.length, s.lang, f"as of {s.as_of}" if s.as_of else "") if x)
        return f"{what} ({', '.join(self.formats)}): {self.reason}"


@dataclass
class BatchReport:
    """What a batch run did: files written and left unchanged, failures, where the manifest is."""

    folder: Path
    manifest: Path
    edition: str
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    not_built: int = 0        # briefs never started because the run was interrupted

    @property
    def failed_files(self) -> int:
        return sum(len(f.formats) for f in self.failed)

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)

    def summary(self) -> str:
        return f"{len(self.written)} written, {len(self.unchanged)} unchanged, {self.failed_files} failed"

    def lines(self) -> list[str]:
        """The summary, then one line per failure, for the end of a run."""
        out = [self.summary() + f" ({self.manifest})"]
        out += [f"failed: {f.describe()}" for f in self.failed]
        if self.interrupted:
            out.append(f"interrupted: {self.not_built} brief(s) not built; the manifest matches what was "
                       "written; run the same command again to finish")
        return out


class _Progress:
    """One self-rewriting line on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = total, 0, enabled and total > 0
        self._shown = False
        self._start = time.monotonic()

    def eta(self) -> str:
        """Time left at the pace so far, e.g. "ETA 3m05s" ("" before the first brief)."""
        if not self.done or self.done >= self.total:
            return ""
        left = round((time.monotonic() - self._start) / self.done * (self.total - self.done))
        hours, rest = divmod(left, 3600)
        return f"ETA {hours}h{rest // 60:02d}m" if hours else f"ETA {rest // 60}m{rest % 60:02d}s"

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.enabled:
            width = 24
            filled = width * self.done // self.total
            eta = self.eta()
            sys.stderr.write(f"\r\033[K[{'#' * filled}{'-' * (width - filled)}] "
                             f"{self.done}/{self.total} {eta + ' ' if eta else ''}{label[:60]}")
            sys.stderr.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self._shown = False


class _Stop:
    """SIGINT/SIGTERM: the first asks the run to stop after the briefs in hand; a second aborts."""

    def __init__(self):
        self.requested = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> "_Stop":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True
        sys.stderr.write("\nbriefgen: stopping after the briefs in progress (Ctrl-C again to abort)\n")

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


# ============================================================================ the run

@dataclass
class _Run:
    folder: Path
    manifest_path: Path
    header: dict[str, Any]
    inputs: str
    content_fingerprint: str
    report: BatchReport
    echo: Callable[[str], None] | None
    progress: _Progress
    force: bool
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)   # this run's, by key
    claimed: dict[str, str] = field(default_factory=dict)              # path -> key, this run
    #: The manifest as it stands: its file's entries with the journal's applied, and the
    #: manifest file's (inode, mtime, size) when this run last read or wrote it.
    view: dict[str, dict[str, Any]] = field(default_factory=dict)
    journal: Journal | None = None
    _manifest_stat: tuple[int, int, int] | None = None
    _synced: bool = False
    _lines: dict[str, tuple[dict, str]] = field(default_factory=dict)

    def file_key(self, job_key: str, fmt: str) -> str:
        return f"{job_key}|{fmt}"

    def entry(self, spec: BriefSpec, used: BriefSpec | None, fmt: str, rel: str, sha: str, size: int,
              written: str) -> dict[str, Any]:
        return {"key": self.file_key(spec_key(spec), fmt), "path": rel, "format": fmt, "sha256": sha,
                "size": size, "fingerprint": file_fingerprint(self.inputs, spec, fmt),
                "spec": spec_record(spec), "benchmark_used": used.benchmark if used else None,
                "briefgen_version": __version__, "written": written}

    def commit(self, job: Job, result: dict[str, Any]) -> None:
        """Write one brief's files and record them, under the folder lock."""
        if result.get("ok") and result.get("fingerprint") != self.content_fingerprint:
            result = {"ok": False, "reason": "the content changed while the batch ran; run it again"}
        if not result.get("ok"):
            self.report.failed.append(Failure(job.spec, job.formats, result["reason"]))
            self.progress.step(f"failed {job.key}")
            return
        used: BriefSpec = result["spec"]
        written_now: list[Path] = []
        recorded: list[dict[str, Any]] = []
        with folder_lock(self.folder):
            on_disk = self._sync()
            for fmt in job.formats:
                name, data = result["files"][fmt]
                key = self.file_key(job.key, fmt)
                other = self.claimed.get(name)
                if other is not None and other != key:
                    self.report.failed.append(Failure(job.spec, (fmt,), f"writes the same file {name} as "
                                                      f"{other}; remove one of them from the plan"))
                    continue
                self.claimed[name] = key
                try:
                    path = _brief_path(self.folder, name)
                except BriefgenError as e:
                    self.report.failed.append(Failure(job.spec, (fmt,), str(e)))
                    continue
                sha = hashlib.sha256(data).hexdigest()
                if not self.force and _sha256(path) == sha:
                    self.report.unchanged.append(path)
                    old = on_disk.get(key) or {}
                    stamp = old.get("written") if old.get("sha256") == sha else None
                    self.entries[key] = self.entry(job.spec, used, fmt, name, sha, len(data), stamp or _now())
                    recorded.append(self.entries[key])
                    continue
                try:
                    write_atomic(path, data)
                except BriefgenError as e:   # a full disk, say: this file fails, the batch goes on
                    self.report.failed.append(Failure(job.spec, (fmt,), str(e)))
                    continue
                written_now.append(path)
                self.entries[key] = self.entry(job.spec, used, fmt, name, sha, len(data), _now())
                recorded.append(self.entries[key])
                self._remove_stale(on_disk.get(key), name)
            self._record(recorded)
        for path in written_now:
            self.report.written.append(path)
            self.progress.clear()
            if self.echo:
                self.echo(str(path))
        self.progress.step(job.key)

    def _remove_stale(self, old: dict[str, Any] | None, new_name: str) -> None:
        """The benchmark the rules chose changed, so the file name did: remove the old file
        if it is still exactly what this manifest recorded."""
        if not old or old.get("path") == new_name or old.get("path") in self.claimed:
            return
        with contextlib.suppress(UsageError, OSError):
            stale = inside(self.folder, old["path"])
            if _sha256(stale) == old.get("sha256"):
                stale.unlink()

    def _sync(self) -> dict[str, dict[str, Any]]:
        """The manifest's entries now (under the lock): re-read in full only when another
        batch has rewritten the manifest since; otherwise only the journal's new lines."""
        if self.journal is None:
            self.journal = Journal(self.manifest_path)
        stat = _stat(self.manifest_path)
        news = self.journal.catch_up() if self._synced and stat == self._manifest_stat else None
        if news is None:
            self.view = _entries(read_manifest(self.manifest_path))
            self._manifest_stat = stat
            news = self.journal.reset()
            self._synced = True
        for entry in news:
            self.view[entry["key"]] = entry
        return self.view

    def _record(self, entries: list[dict[str, Any]]) -> None:
        """Append this brief's entries to the journal; fold it in when it is as long as the manifest."""
        assert self.journal is not None
        self.journal.append(entries)
        for entry in entries:
            self.view[entry["key"]] = entry
        if self.journal.due(len(self.view)):
            self._compact()

    def _compact(self, prune: bool = False) -> None:
        """Write the manifest from the view and empty the journal (under the lock, after _sync).

        Another batch may have added entries since we last looked: keep theirs, then ours,
        except where it has since rewritten one of our files with other bytes (other
        templates, say): then its entry is the one that describes the disk."""
        entries = dict(self.view)
        for key, ours in self.entries.items():
            theirs = entries.get(key)
            if theirs is ours:
                continue
            if theirs and theirs.get("sha256") != ours.get("sha256") \
                    and _sha256(self.folder / ours["path"]) != ours.get("sha256"):
                continue
            entries[key] = ours
        files = _write_manifest(self.manifest_path, {**self.header, "updated": _now()}, entries,
                                prune=prune, lines=self._lines)
        assert self.journal is not None
        self.journal.clear()
        self.view, self._manifest_stat = _entries({"files": files}), _stat(self.manifest_path)

    def finish(self) -> None:
        with folder_lock(self.folder):
            for tmp in self.folder.glob(TEMP_PREFIX + "*"):
                # Under the lock no batch is mid-write, but a `make` into the same folder may
                # be: only a temp file whose writer has ended, or one left long enough to be
                # a crashed run's, is removed.
                with contextlib.suppress(OSError):
                    if abandoned(tmp) or time.time() - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                        tmp.unlink()
            self._sync()
            self._compact(prune=True)
        self.progress.clear()


def _brief_path(folder: Path, name: str) -> Path:
    """Where a brief goes in the edition folder; a file there that is a link is not written through."""
    path = inside(folder, name)
    if path.is_symlink():
        raise BriefgenError(f"{path} is a symbolic link; briefgen does not write through it. "
                            "Remove the link and run again")
    return path


def max_jobs() -> int:
    """The most workers a batch may ask for: four per core (at least four)."""
    return max(4, 4 * (os.cpu_count() or 1))


def run_batch(plan: str | Path | Mapping[str, Any], output: str | Path = "out", *, jobs: int | None = None,
              force: bool = False, shard: str | tuple[int, int] | None = None, as_of: date | None = None,
              since: str | Path | None = None, content: str | Path | None = None,
              overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
              style: HouseStyle | None = None, echo: Callable[[str], None] | None = None,
              progress: bool = False, cache: bool = True) -> BatchReport:
    """Build every brief ``plan`` asks for into ``output/<edition>/``; see the module docstring.

    ``echo`` is called with each path written; ``progress`` shows a bar on stderr.
    Raises UsageError (nothing written) for a bad plan, shard or manifest; a brief
    that fails is reported in the result and does not stop the others."""
    style = style or DEFAULT_STYLE
    content_s = str(content) if content else None
    overlays_s = [str(o) for o in overlays]
    templates_s = str(templates) if templates else None
    if templates_s and not Path(templates_s).is_dir():
        raise UsageError(f"templates folder not found: {templates}")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: give 1 or more")
    if jobs is not None and jobs > max_jobs():
        raise UsageError(f"--jobs {jobs}: give at most {max_jobs()} (four per processor core here); each "
                         "worker holds a library and fonts in memory, and more only compete for the cores")
    shard_kn = parse_shard(shard)
    lib = load_library(content_s, overlays_s, cache=cache)
    the_plan = load_plan(plan, lib, as_of=as_of)
    view = lib.as_of(as_of) if as_of else lib
    hashes = content_hashes(view)
    previous = None
    if since is not None:
        since_path = Path(since)
        if since_path.is_dir():
            since_path = since_path / MANIFEST
        previous = read_manifest(since_path, strict=True)
        if not isinstance(previous.get("content"), dict):
            raise UsageError(f"{since_path}: this manifest records no content hashes, so what is new "
                             "cannot be told; give a manifest written by briefgen batch")
    edition = the_plan.edition or (as_of or edition_date()).strftime("%Y-%m")
    folder = inside(Path(output), edition)
    selected = shard_jobs(the_plan.jobs, shard_kn)
    if previous is not None:
        changed = changed_since(previous["content"], hashes)
        selected = [replace(j, spec=replace(j.spec, new_since=_relevant_new(view, j.spec, changed)))
                    for j in selected]
    inputs = inputs_digest(lib, templates_s, style)
    manifest_path = folder / manifest_name(shard_kn)
    header = {"manifest_version": MANIFEST_VERSION, "briefgen_version": __version__, "edition": edition,
              "plan": the_plan.where, "content_fingerprint": lib.fingerprint,
              "as_of": as_of.isoformat() if as_of else None, "since": str(since) if since else None,
              "shard": f"{shard_kn[0]}/{shard_kn[1]}" if shard_kn else None, "content": hashes}
    report = BatchReport(folder, manifest_path, edition)
    run = _Run(folder, manifest_path, header, inputs, lib.fingerprint, report, echo,
               _Progress(0, False), force)

    # Decide what needs building: a file is up to date when its inputs' fingerprint is
    # the one recorded and the file still has the recorded bytes.
    todo: list[Job] = []
    with folder_lock(folder):
        known = _all_entries(folder)
    for job in selected:
        stale = []
        for fmt in job.formats:
            key = run.file_key(job.key, fmt)
            old = known.get(key)
            if (not force and old and old.get("fingerprint") == file_fingerprint(inputs, job.spec, fmt)
                    and _sha256(folder / old["path"]) == old.get("sha256")):
                report.unchanged.append(folder / old["path"])
                run.entries[key] = old
                run.claimed[old["path"]] = key
            else:
                stale.append(fmt)
        if stale:
            todo.append(replace(job, formats=tuple(stale)))
    run.progress = _Progress(len(todo), progress)
    planned = sum(len(j.formats) for j in selected)
    if planned > LARGE_EDITION:
        # A very large plan says what it is about to do before it starts, not after an hour.
        building = sum(len(j.formats) for j in todo)
        sys.stderr.write(f"briefgen: this plan makes {planned:,} files ({len(selected):,} briefs); "
                         f"{building:,} need building, {planned - building:,} are up to date\n")
        sys.stderr.flush()

    with _Stop() as stop:
        try:
            if todo:
                workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
                if workers == 1:
                    _run_here(todo, run, stop, content_s, overlays_s, templates_s, style, cache)
                else:
                    _run_pool(todo, run, stop, workers, content_s, overlays_s, templates_s, style, cache)
        finally:
            run.finish()
    return report


def _run_here(todo: list[Job], run: _Run, stop: _Stop, content, overlays, templates, style,
              cache: bool = True) -> None:
    builder = Builder(content, overlays, templates, style, cache)
    for i, job in enumerate(todo):
        if stop.requested:
            run.report.interrupted, run.report.not_built = True, len(todo) - i
            return
        run.commit(job, builder.build(job.spec, job.formats))


def _run_pool(todo: list[Job], run: _Run, stop: _Stop, workers: int, content, overlays, templates,
              style, cache: bool = True) -> None:
    """Build ``todo`` in a pool of worker processes; a pool that loses a worker is replaced.

    When a worker dies (the OOM killer, a crash in a C library) every brief then in
    the pool fails with it, guilty or not.  Each of those is built again alone, in
    a pool of its own: one that kills its worker there too is reported as failed,
    the others are built, and the rest of the queue goes on in a fresh pool."""
    initargs = (content, overlays, templates, style, cache)
    queue = list(reversed(todo))
    idle_rounds = 0
    while queue and not stop.requested:
        queue, lost, built = _pool_round(queue, run, stop, workers, initargs)
        for job, reason in lost:
            if stop.requested:
                run.report.not_built += 1
                continue
            _, again, _ = _pool_round([job], run, stop, 1, initargs)
            if again:
                run.commit(job, {"ok": False, "reason": f"{reason}; it died again when this brief was "
                                                        "built alone"})
        # Pools that die without building anything (workers that cannot even start) are not
        # replaced for ever: after three, the rest is reported as not built.
        idle_rounds = idle_rounds + 1 if lost and not built else 0
        if idle_rounds >= 3:
            for job in reversed(queue):
                run.commit(job, {"ok": False, "reason": "not built: worker processes keep dying as they start"})
            queue = []


def _pool_round(queue: list[Job], run: _Run, stop: _Stop, workers: int,
                initargs: tuple) -> tuple[list[Job], list[tuple[Job, str]], int]:
    """One pool's life: (jobs still to build, jobs lost with a dying worker and why, jobs built)."""
    # Imported here: multiprocessing is a tenth of a second a one-job batch need not pay.
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: dict[Future, Job] = {}
    lost: list[tuple[Job, str]] = []
    built = 0
    broken = False
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=initargs) as pool:
        while queue or pending:
            # Keep only a little work queued, so stopping has little to cancel.
            while queue and not stop.requested and not broken and len(pending) < 2 * workers:
                job = queue.pop()
                try:
                    pending[pool.submit(_work, job.spec, job.formats)] = job
                except BrokenProcessPool:
                    queue.append(job)
                    broken = True
            if stop.requested and not run.report.interrupted:
                cancelled = [f for f in pending if f.cancel()]
                for fut in cancelled:
                    pending.pop(fut)
                run.report.interrupted = True
                run.report.not_built += len(queue) + len(cancelled)
                queue.clear()
            if not pending:
                break
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool as e:
                    if stop.requested:  # killed along with us (SIGTERM to the process group)
                        run.report.not_built += 1
                        continue
                    broken = True
                    lost.append((job, f"a worker process died ({e})"))
                    continue
                except Exception as e:
                    result = {"ok": False, "reason": f"internal error: {type(e).__name__}: {e}"}
                run.commit(job, result)
                built += 1
    return queue, lost, built
