"""Run the briefgen command with one file write held open, so a test can land a signal,
or a second batch, inside that write every time instead of hoping the timing works out.

    python tests/pausing.py [--pause-write N | --pause-lock N] --marker FILE [--locks FILE] -- args...

``write_atomic`` calls ``os.fsync`` once per file, when the bytes are in the temporary
file and before it is renamed into place.  At the N-th such call this writes the
temporary file's path to FILE and waits there, holding whatever lock the write is
under, until the file FILE.go appears (a signal handler still runs while it waits).
``--pause-lock N`` waits the same way just before the N-th exclusive folder lock is
asked for, so other processes can run meanwhile (a request filelock retries counts once).  ``--locks FILE`` appends "want"
before and "got" after each exclusive folder lock.
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def _pause(marker: str, what: str) -> None:
    """Tell the test where we are (in ``marker``), then wait for ``marker``.go."""
    with open(marker + ".part", "w", encoding="utf-8") as fh:
        fh.write(what)
    os.replace(marker + ".part", marker)
    while not os.path.exists(marker + ".go"):
        time.sleep(0.01)


def _patch_fsync(n: int, marker: str) -> None:
    real = os.fsync
    count = 0

    def fsync(fd: int) -> None:
        nonlocal count
        real(fd)
        count += 1
        if count == n:
            try:
                path = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                path = "?"
            _pause(marker, path)

    os.fsync = fsync


def _patch_flock(log: str, pause_at: int, marker: str) -> None:
    """Count and log exclusive lock requests.  filelock asks without blocking and tries again
    until it gets the lock, so one request is the first try and every retry until success."""
    import fcntl

    real = fcntl.flock
    count = 0
    waiting = False

    def note(line: str) -> None:
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")

    def flock(fd: int, op: int) -> None:
        nonlocal count, waiting
        exclusive = op & fcntl.LOCK_EX
        if exclusive and not waiting:
            count += 1
            if count == pause_at:
                _pause(marker, "lock")
            note("want")
        try:
            real(fd, op)
        except BlockingIOError:
            waiting = bool(exclusive)
            raise
        if exclusive:
            waiting = False
            note("got")

    fcntl.flock = flock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pause-write", type=int, default=0)
    parser.add_argument("--pause-lock", type=int, default=0)
    parser.add_argument("--marker", default="")
    parser.add_argument("--locks", default="")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    if opts.pause_write:
        _patch_fsync(opts.pause_write, opts.marker)
    if opts.locks or opts.pause_lock:
        _patch_flock(opts.locks, opts.pause_lock, opts.marker)
    from briefgen.cli import main as briefgen

    args = opts.args[1:] if opts.args[:1] == ["--"] else opts.args
    briefgen(args)


if __name__ == "__main__":
    sys.exit(main())
