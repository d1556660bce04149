"""The page-count cache: a brief laid out once is not laid out again to count its pages.

Fitting a plan near its page budget lays out the real PDF to count pages (see
fit.py), and that layout (importing reportlab, reading the fonts, setting every
line) is most of what a Word, Markdown or HTML brief costs.  What it finds, the
pages and how full the last one is, depends only on

- the brief itself (the document model, compared by its full ``repr``: every
  block, every inline, the metadata),
- the house style (paper, fonts, sizes, logo) and the font files it resolves to
  (path, size, modification time),
- briefgen's own code and the reportlab version,

so it is kept in the user cache folder (``~/.cache/briefgen/layout/`` on Linux),
one small JSON file per brief, under a SHA-256 of all of these.  A change to any
of them is a different key; a folder written by other code is removed when new
code first writes.  Only two numbers are stored and they are checked when read,
and a file is read only if the folder and the file belong to this user and
nobody else may write them; anything else is a miss, never an error.  The PDF
file itself is never cached: a PDF brief is still laid out once, to be drawn.

``cache=False`` (``--no-cache`` on the CLI) neither reads nor writes it.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from . import __version__
from .document import Brief
from .fit import Measure, Measured
from .style import HouseStyle
from .paths import private as _private

#: Entries kept per code version; past this the oldest half is removed.
KEEP = 20000
_CODE = Path(__file__).resolve().parent


@dataclass
class Pages:
    """A remembered layout: what fitting needs (pages, filled), without the PDF."""

    pages: int
    filled: float
    pdf: bytes | None = None


def remembered(measure: Measure, style: HouseStyle) -> Measure:
    """``measure`` that answers from the cache when it can and fills it when it cannot."""

    def cached(brief: Brief) -> Measured:
        folder = _folder()
        key = _key(brief, style) if folder is not None else ""
        if folder is not None:
            hit = _read(folder / f"{key}.json")
            if hit is not None:
                return hit
        result = measure(brief)
        if folder is not None:
            _write(folder, key, result.pages, result.filled)
        return result

    return cached


# --------------------------------------------------------------------------- the key

@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """briefgen's sources, its version, Python's and reportlab's: any change is a new folder."""
    import reportlab

    h = hashlib.sha256(f"{__version__} {sys.version_info[:2]} {reportlab.Version}".encode())
    for path in sorted(_CODE.rglob("*.py")):
        h.update(str(path.relative_to(_CODE)).encode())
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    return h.hexdigest()[:24]


@functools.lru_cache(maxsize=16)
def _style_digest(style: HouseStyle) -> str:
    from .fonts import font_set

    fonts = font_set(style.font_latin, style.font_cjk, style.body_font_en, style.body_font_zh)
    families = (fonts.latin, fonts.cjk, fonts.latin_heading, fonts.cjk_heading)
    files = sorted({face.path for fam in families
                    for face in (fam.regular, fam.bold, fam.italic, fam.bold_italic)})
    files += [Path(style.logo)] if style.logo else []
    parts = [repr(style), repr(fonts)]
    for path in files:
        try:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(brief: Brief, style: HouseStyle) -> str:
    h = hashlib.sha256(_style_digest(style).encode())
    h.update(repr(brief).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- the folder



@functools.lru_cache(maxsize=1)
def _folder_for(root: str, code: str) -> Path | None:
    base = Path(root)
    folder = base / code
    fresh = not folder.exists()
    with contextlib.suppress(OSError):
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(exist_ok=True, mode=0o700)
    try:
        if not (_private(os.lstat(base), folder=True) and _private(os.lstat(folder), folder=True)):
            return None
    except OSError:
        return None
    if fresh:      # new code: the counts other code made are of no use now
        for other in base.iterdir():
            if other.name != code and other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
    else:
        _prune(folder)
    return folder


def _folder() -> Path | None:
    try:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("briefgen", appauthor=False)) / "layout"
        return _folder_for(str(root), _code_digest())
    except (ImportError, OSError):
        return None


def _read(path: Path) -> Pages | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not _private(os.fstat(fh.fileno()), folder=False):
                return None
            data = json.loads(fh.read(256))
        pages, filled = data["pages"], data["filled"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if type(pages) is not int or type(filled) not in (int, float) or not 0 < pages <= 10000:
        return None
    return Pages(pages, float(filled))


def _write(folder: Path, key: str, pages: int, filled: float) -> None:
    """Write one entry by renaming a temporary file into place: concurrent workers never
    see half a file.  Any failure (a read-only home, a full disk) is silent."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                json.dump({"pages": pages, "filled": filled}, fh)
            os.replace(tmp, folder / f"{key}.json")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return


def _prune(folder: Path) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    if len(entries) <= KEEP:
        return
    timed = []
    for entry in entries:
        with contextlib.suppress(OSError):
            timed.append((entry.stat().st_mtime_ns, entry.path))
    for _, path in sorted(timed)[: len(timed) - KEEP // 2]:
        with contextlib.suppress(OSError):
            os.unlink(path)
