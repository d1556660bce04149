"""Writing files safely: whole files or none, never outside the chosen folder.

A brief is written to a temporary file in the target folder and renamed over
the final name only once complete, so an interrupted or failed run leaves no
half-written PDF and never clobbers a good file with a broken one.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from .errors import BriefgenError, UsageError

TEMP_PREFIX = ".briefgen-tmp-"


def _host() -> str:
    """This machine, as a hash of its name: an edition folder may be shared between machines."""
    # uname's node name is what socket.gethostname() returns, without importing socket.
    name = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")
    return hashlib.sha256(name.encode()).hexdigest()[:8]


def abandoned(tmp: Path) -> bool:
    """A temporary file (named by write_atomic) whose writer was a process on this machine
    that has ended: a run killed outright leaves one behind.  A file another machine or a
    live process may still be writing is not abandoned."""
    host, _, rest = tmp.name[len(TEMP_PREFIX):].partition("-")
    pid = rest.partition("-")[0]
    if host != _host() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:              # alive, and another user's
        return False
    return False


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; raise BriefgenError with the reason if impossible."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BriefgenError(f"cannot create folder {folder}: {e.strerror}; choose another -o") from None
    if _is_dir(path):
        raise BriefgenError(f"cannot write {path}: it is a folder; give a file name or a different folder")
    # The name is chosen before the file exists, so a Ctrl-C landing anywhere
    # (even between the file's creation and the return of the call that made it)
    # finds it in ``tmp`` and the ``finally`` removes it.
    tmp = folder / f"{TEMP_PREFIX}{_host()}-{os.getpid()}-{secrets.token_hex(6)}{path.suffix}"
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            tmp = None                  # someone else's file, by a 1-in-2**48 chance: leave it
            raise
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise BriefgenError(f"cannot write {path}: {e.strerror}; check the folder exists and is writable") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError as e:      # ENAMETOOLONG, ELOOP ...: the name itself cannot be used
        raise UsageError(f"cannot use {str(path)[:80]!r}...: {e.strerror}; choose a shorter or simpler -o") from None


def inside(folder: Path, name: str) -> Path:
    """``folder/name``, refusing any name that would leave the folder."""
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents:
        raise UsageError(f"refusing to write {name!r}: it would leave the output folder {folder}")
    return folder / name


def plan_outputs(output: str | None, stems_and_exts: list[tuple[str, str]]) -> list[Path]:
    """Where each requested file goes.

    ``output`` may be None (./out/), a folder, or one file name when one file is asked for."""
    if output is None:
        folder = Path("out")
    else:
        out = Path(output)
        is_folder = _is_dir(out) or output.endswith(("/", os.sep)) or not out.suffix
        if not is_folder:
            if len(stems_and_exts) != 1:
                raise UsageError(f"-o {output} names one file, but {len(stems_and_exts)} files are asked "
                                 "for; give a folder instead")
            ext = stems_and_exts[0][1]
            if out.suffix.lower() != ext:
                raise UsageError(f"-o {output} ends in {out.suffix}, but the format asked for writes {ext}; "
                                 f"use a name ending in {ext} or a folder")
            return [out]
        folder = out
    return [inside(folder, stem + ext) for stem, ext in stems_and_exts]
