"""The user cache folder: what briefgen keeps between processes, and the rules for trusting it.

Five things are kept under ``~/.cache/briefgen/`` (platformdirs' user cache folder
on other systems): the parsed content (``library/``, library/cache.py), compiled
templates (``templates/``, write/compiled.py), and two kinds of small JSON records
kept by :class:`Records`: page counts of laid-out briefs (``layout/``, measures.py)
and fitting's decisions (``fits/``, build.py); and prepared Word templates
(``word/``, writers/docx/cache.py).

Every file is read back as data a brief depends on, some of it as code, so the same
rules hold for all of them (``paths.private``): a folder or file is trusted only if
it belongs to this user and nobody else may write it; a file is written to a
temporary name in the same folder and renamed into place, so concurrent processes
never see half a file; and any failure (no home, a read-only disk, a damaged file)
is a miss, never an error.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

from . import __version__
from .paths import private

_CODE = Path(__file__).resolve().parent
#: Set while a brief is made with ``cache=False`` (``--no-cache``): nothing is read or kept.
_BYPASSED: contextvars.ContextVar[bool] = contextvars.ContextVar("briefgen_cache_bypassed", default=False)


@contextlib.contextmanager
def bypassed(bypass: bool = True) -> Iterator[None]:
    """Within this block (in this thread), every cache here reads nothing and keeps nothing."""
    token = _BYPASSED.set(bypass)
    try:
        yield
    finally:
        _BYPASSED.reset(token)


def in_use() -> bool:
    """False inside :func:`bypassed`."""
    return not _BYPASSED.get()


def root() -> Path:
    """The user's cache folder for briefgen (e.g. ~/.cache/briefgen on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefgen", appauthor=False))


def trusted_folder(folder: Path, create: bool) -> Path | None:
    """``folder`` (made, with its parents, if ``create``) if it is this user's alone, else None."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder if private(os.lstat(folder), folder=True) else None
    except OSError:
        return None


def read_trusted(path: Path, limit: int = -1) -> bytes | None:
    """The bytes of ``path`` (at most ``limit``), or None if it is missing, a link, or not this user's alone."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not private(os.fstat(fh.fileno()), folder=False):
                return None
            return fh.read(limit)
    except OSError:
        return None


def write_replacing(folder: Path, name: str, fill: Callable[[Any], None], binary: bool = True) -> bool:
    """Write ``folder/name`` through a temporary file renamed into place; False if it could not be."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
                fill(fh)
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


def prune(folder: Path, keep: int, pattern: str = "*", down_to: int | None = None) -> None:
    """Past ``keep`` files matching ``pattern``, remove the oldest until ``down_to``
    (default ``keep``) remain: removing more than one at a time spares a large folder
    a scan on every write."""
    try:
        entries = [e for e in os.scandir(folder) if e.is_file(follow_symlinks=False)
                   and Path(e.name).match(pattern) and not e.name.startswith(".tmp-")]
    except OSError:
        return
    if len(entries) <= keep:
        return
    timed = []
    for entry in entries:
        with contextlib.suppress(OSError):
            timed.append((entry.stat().st_mtime_ns, entry.path))
    for _, path in sorted(timed)[: len(timed) - (keep if down_to is None else down_to)]:
        with contextlib.suppress(OSError):
            os.unlink(path)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """briefgen's sources, its version, Python's and reportlab's: layouts and fits depend on all of them.

    reportlab is found, not imported (a Word brief whose fit is cached never needs it)."""
    h = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    spec = importlib.util.find_spec("reportlab")
    if spec is not None and spec.origin:
        with contextlib.suppress(OSError):
            h.update(Path(spec.origin).read_bytes())      # holds reportlab's Version
    for path in sorted(_CODE.rglob("*.py")):
        h.update(str(path.relative_to(_CODE)).encode())
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    return h.hexdigest()[:24]


class Records:
    """Small JSON records under one name of the user cache folder, one file per key.

    Records are kept per version of briefgen's code (``code_digest``): the folder of
    other code is removed when new code first writes, and past ``keep`` records the
    oldest half goes.  ``check`` vets a record read back; anything it refuses is a miss."""

    def __init__(self, name: str, keep: int, check: Callable[[Any], bool]) -> None:
        self.name = name
        self.keep = keep
        self.check = check

    def get(self, key: str) -> Any | None:
        folder = self._folder()
        data = read_trusted(folder / f"{key}.json", 4096) if folder is not None else None
        if data is None:
            return None
        try:
            record = json.loads(data)
        except ValueError:
            return None
        return record if self.check(record) else None

    def put(self, key: str, record: Any) -> None:
        for _ in range(2):
            folder = self._folder()
            if folder is None or write_replacing(folder, f"{key}.json", lambda fh: json.dump(record, fh),
                                                 binary=False):
                return
            _code_folder.cache_clear()   # the folder was removed while we ran: make it again

    def _folder(self) -> Path | None:
        return code_folder(self.name, code_digest(), self.keep, "*.json")


def code_folder(name: str, code: str, keep: int, pattern: str) -> Path | None:
    """The folder ``name/code`` of the user cache, this user's alone, or None.

    What one version of briefgen's code keeps is of no use to another: the folders of
    other code under ``name`` are removed when this code first makes its own, and past
    ``keep`` files matching ``pattern`` the oldest half goes."""
    if not in_use():
        return None
    try:
        return _code_folder(str(root() / name), code, keep, pattern)
    except (ImportError, OSError):
        return None


@functools.lru_cache(maxsize=8)
def _code_folder(base_path: str, code: str, keep: int, pattern: str) -> Path | None:
    base = Path(base_path)
    folder = base / code
    fresh = not folder.exists()
    if trusted_folder(base, create=True) is None or trusted_folder(folder, create=True) is None:
        return None
    if fresh:      # new code: what other code kept is of no use now
        for other in base.iterdir():
            if other.name != code and other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
    else:
        prune(folder, keep, pattern, down_to=keep // 2)
    return folder
