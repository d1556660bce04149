"""The output folder's lock: one batch at a time does a manifest's read-modify-write.

``filelock`` gives the same exclusive, waiting lock on Linux and macOS (flock) and
on Windows (msvcrt), so two batches into one folder never interleave their
manifests on any of them.  The lock file is never reached through a symbolic link:
a link planted at ``.briefgen.lock`` could otherwise make briefgen create or lock a
file elsewhere.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from filelock import FileLock

from .errors import BriefgenError

LOCK_NAME = ".briefgen.lock"


def _refuse_link(lock_path: Path) -> BriefgenError:
    return BriefgenError(f"{lock_path} is a symbolic link; briefgen does not follow it. "
                         "Remove the link and run again")


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` for the manifest's read-modify-write (other batches wait)."""
    lock_path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if lock_path.is_symlink():
            raise _refuse_link(lock_path)
        lock = FileLock(str(lock_path), mode=0o644)
        # filelock opens the file with O_NOFOLLOW, so a link planted after the check above
        # fails here rather than being followed.
        lock.acquire()
    except OSError as e:
        if lock_path.is_symlink():
            raise _refuse_link(lock_path) from None
        raise BriefgenError(f"cannot use the output folder {folder}: {e.strerror or e}; choose another -o") from None
    try:
        yield
    finally:
        lock.release()
