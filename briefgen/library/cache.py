"""The parsed-content cache: a second process starts from the parsed library, not the YAML.

Parsing and validating a large knowledge base costs seconds; the records it
yields depend only on the bytes of the content files, on where they are, and on
briefgen's own code.  So after a successful load the records are pickled into the
user's cache folder (platformdirs), under a key made of

- every content file's shown path, size and sha256 (the loader reads every byte
  anyway, and a hash, unlike a modification time, cannot be fooled by a copy or a
  checkout that keeps times),
- the folders' paths as given, and the built-in units and themes a content folder
  may fall back on,
- briefgen's version and a hash of the library package's source, so a changed
  loader or record type never meets a stale pickle.

Only content that validated is ever cached, so a hit means "these exact bytes were
valid", and ``briefgen check`` on them has nothing to report.

Unpickling runs code chosen by the file, so a cache file is loaded only when all of
these hold: the folder and the file belong to this user and nobody else may write
them; the file starts with briefgen's header and carries a keyed BLAKE2b MAC of its
payload made with a secret only this user can read (created on first use); and the
payload names no class but briefgen's own record types and a few plain value types.
A file failing any check, or failing to load, is ignored and rewritten.  Writers
write a temporary file in the same folder and rename it into place, so processes
filling the cache at once never see half a file.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import io
import os
import pickle
import secrets
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..paths import private as _private

HEADER = b"briefgen parsed library v1\n"
SECRET_NAME = "secret.key"
SUFFIX = ".library"
DERIVED_SUFFIX = ".derived"    # values worked out from a library (library.derived), beside it
KEEP = 16              # cache files kept; the oldest beyond these are removed
_CODE = Path(__file__).resolve().parent

#: (module, name) pairs a cache payload may name; everything else is refused.
_ALLOWED = {
    ("decimal", "Decimal"), ("datetime", "date"), ("builtins", "set"), ("builtins", "frozenset"),
    ("copyreg", "_reconstructor"), ("builtins", "object"),
}
_ALLOWED_MODULES = ("briefgen.library.model", "briefgen.library.units", "briefgen.library.periods")


@contextlib.contextmanager
def without_gc():
    """Pause the cyclic garbage collector: building ~10^5 records, none of them in a
    cycle, otherwise sets it off thousands of times and doubles the cost.  Afterwards
    the survivors are frozen (gc.freeze), so later collections never walk the library
    again; plain reference counting still frees it when it is dropped."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def cache_dir() -> Path:
    """The user's cache folder for briefgen (e.g. ~/.cache/briefgen on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefgen", appauthor=False)) / "library"


def _code_digest() -> str:
    h = hashlib.sha256(__version__.encode())
    h.update(f"{sys.version_info[0]}.{sys.version_info[1]}".encode())
    for path in sorted(_CODE.glob("*.py")):
        h.update(path.name.encode())
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(parts: list[bytes]) -> str:
    """The cache file's name for content identified by ``parts`` (see the module docstring)."""
    h = hashlib.sha256(_code_digest().encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()




def _secret(folder: Path, create: bool) -> bytes | None:
    path = folder / SECRET_NAME
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:       # another process made it first: use theirs
            return _secret(folder, create=False)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        return _secret(folder, create=False)
    if not _private(st, folder=False) or st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        return None
    data = path.read_bytes()
    return data if len(data) == 32 else None


def _folder(create: bool) -> Path | None:
    folder = cache_dir()
    if create:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return folder if _private(st, folder=True) else None


def _mac(secret: bytes, payload: bytes) -> bytes:
    """A keyed BLAKE2b of the payload (a MAC, and twice as fast as HMAC-SHA256 on 20 MB)."""
    return hashlib.blake2b(payload, key=secret, digest_size=32).digest()


class _RecordsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or module in _ALLOWED_MODULES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a briefgen record type")


def records_unpickler() -> type[pickle.Unpickler]:
    """The unpickler that admits briefgen's record types alone (for payloads kept pickled
    inside a verified cache file, such as a library's per-region record groups)."""
    return _RecordsOnly


def load(key: str, suffix: str = SUFFIX) -> Any | None:
    """The payload stored under ``key``, or None when there is none that may be trusted."""
    try:
        folder = _folder(create=False)
        if folder is None:
            return None
        secret = _secret(folder, create=False)
        path = folder / (key + suffix)
        if secret is None:
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not _private(os.fstat(fh.fileno()), folder=False):
                return None
            data = fh.read()
    except (OSError, ImportError):   # no cache file, or platformdirs missing: parse instead
        return None
    head = len(HEADER)
    if not data.startswith(HEADER) or len(data) < head + 32:
        return None
    mac, payload = data[head:head + 32], data[head + 32:]
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    try:
        with without_gc():
            return _RecordsOnly(io.BytesIO(payload)).load()
    except Exception:  # a corrupt or foreign payload is a cache miss, never a crash
        return None


def store(key: str, value: Any, suffix: str = SUFFIX) -> None:
    """Store ``value`` under ``key``; any failure (read-only home, full disk) is silent."""
    try:
        folder = _folder(create=True)
        if folder is None:
            return
        secret = _secret(folder, create=True)
        if secret is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(HEADER + _mac(secret, payload) + payload)
            os.replace(tmp, folder / (key + suffix))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(folder, suffix)
    except (OSError, ImportError, pickle.PicklingError):
        return


def _prune(folder: Path, suffix: str) -> None:
    files = []
    for path in folder.glob("*" + suffix):
        with contextlib.suppress(OSError):
            files.append((path.stat().st_mtime_ns, path))
    for _, path in sorted(files, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
