"""Loading the library: read every content file once, start from the parsed-content cache
when it holds exactly these bytes, else parse and validate, reporting every problem."""
from __future__ import annotations

import hashlib
import inspect
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

from ..errors import ContentError, UsageError
from ..paths import data_dir
from ..spec import LANGS
from . import KINDS, Library, _name_key
from . import cache as parsed_cache
from . import lazy, loader, table

T = TypeVar("T")

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
    folders, seed_dir = _folders(content, overlays, seeds)
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


def _folders(content: str | Path | None, overlays: Sequence[str | Path] | str | Path,
             seeds: str | Path | None) -> tuple[list[Path], Path]:
    if isinstance(overlays, (str, Path)):
        overlays = (overlays,)   # one folder, not a string to iterate letter by letter
    base = Path(content) if content else data_dir("content")
    folders = [base, *(Path(o) for o in overlays)]
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"content folder not found: {folder}; give a folder that holds "
                             "regions.yaml, indicators.csv ... (see content/SCHEMA.md)")
    return folders, Path(seeds) if seeds else data_dir("seeds")


def derived(name: str, compute: Callable[[Library], T], content: str | Path | None = None,
            overlays: Sequence[str | Path] = (), seeds: str | Path | None = None, *, cache: bool = True) -> T:
    """``compute(library)`` for this content, kept in the parsed-content cache beside its records.

    A later process with the same content bytes (and the same code of ``compute``'s module)
    gets the value without unpickling a record: ``briefgen check`` of 1,000 regions needs
    only what it prints.  ``compute`` must depend on the content alone and return plain
    values (str, int, float, tuple, list, dict).  Content with problems is never cached,
    so those are still reported, every one, by the load."""
    folders, seed_dir = _folders(content, overlays, seeds)
    key = None
    if cache:
        read = _Read(folders, seed_dir)
        if read.cache_key is not None:
            code = hashlib.sha256(Path(inspect.getfile(compute)).read_bytes()).hexdigest()
            key = hashlib.sha256(f"{read.cache_key}|{name}|{code}".encode()).hexdigest()
            hit = parsed_cache.load(key, parsed_cache.DERIVED_SUFFIX)
            if isinstance(hit, dict) and hit.get("fingerprint") == read.fingerprint and "value" in hit:
                return hit["value"]
    value = compute(load_library(content, overlays, seeds, cache=cache))
    if key is not None:
        parsed_cache.store(key, {"fingerprint": read.fingerprint, "value": value}, parsed_cache.DERIVED_SUFFIX)
    return value


class _Read:
    """Every content file's bytes, read once, and the digest and parsed-cache key they make."""

    def __init__(self, folders: list[Path], seed_dir: Path):
        self.problems = problems = loader.Problems()
        digest = hashlib.sha256()
        self.seed_texts: list[tuple[str, bytes | None]] = []
        if seed_dir.is_dir():
            for path in sorted(seed_dir.glob("*.yaml")):
                shown = f"seeds/{path.name}"
                # The reader feeds the digest, so each file is read once and only after its
                # size and permissions are checked (an unreadable file is a problem, not a crash).
                self.seed_texts.append((shown, loader.read_bytes(path, shown, problems, digest)))
        self.folder_texts: list[list[tuple[str, str, bytes | None]]] = []
        for folder in folders:
            texts = []
            for kind, path, shown in loader.discover(folder, problems):
                digest.update(shown.encode())
                texts.append((kind, shown, loader.read_bytes(path, shown, problems, digest)))
            self.folder_texts.append(texts)
        self.fingerprint = digest.hexdigest()
        self.cache_key: str | None = None
        if not problems:
            builtin = [(data_dir("content") / n) for n in ("units.yaml", "themes.yaml")]
            self.cache_key = parsed_cache.cache_key(
                [self.fingerprint.encode(), str(seed_dir).encode(), *(str(f).encode() for f in folders),
                 *(_bytes_or_empty(p) for p in builtin)])


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
    # First read every file (the digest, and the parsed cache's key, need all their
    # bytes), then parse only if the cache has nothing for exactly these bytes.
    read = _Read(folders, seed_dir)
    problems, seed_texts, folder_texts, fingerprint = read.problems, read.seed_texts, read.folder_texts, read.fingerprint
    cache_key = read.cache_key if use_cache else None
    if cache_key is not None:
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
    lib = Library(**records, units=units, fingerprint=fingerprint,
                  folders=tuple(str(f) for f in folders), notes=tuple(problems.notes), _names=names)
    if cache_key is not None:   # only content that validated is ever cached
        # The regional kinds go in per region (lazy.py): a later brief unpickles only its regions.
        parsed_cache.store(cache_key, {"fingerprint": fingerprint, "units": units, "names": names,
                                       "records": {k: v for k, v in records.items() if k not in lazy.REGIONAL},
                                       "regional": lazy.pack(records), "notes": tuple(problems.notes),
                                       "untranslated": {lang: dict(lib.untranslated(lang)) for lang in LANGS}})
    return lib


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
    notes, regional = payload.get("notes", ()), payload.get("regional")
    if not (isinstance(records, dict) and set(records) == set(KINDS) - set(lazy.REGIONAL)
            and isinstance(units, dict) and isinstance(names, dict) and lazy.valid(regional)
            and all(isinstance(records[k], dict) for k in records)):
        return None
    records = {**records, **lazy.unpack(regional, units, parsed_cache.records_unpickler())}
    lib = Library(**records, units=units, fingerprint=fingerprint,
                  folders=tuple(str(f) for f in folders), notes=tuple(notes), _names=names)
    untranslated = payload.get("untranslated")
    if isinstance(untranslated, dict):
        lib._untranslated.update(untranslated)
    return lib
