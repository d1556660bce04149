"""Run the briefgen command with one file write held open, so a test can land a signal,
or a second batch, inside that write every time instead of hoping the timing works out.

    python tests/pausing.py --pause-write N --marker FILE [--locks FILE] -- briefgen-args...

``write_atomic`` calls ``os.fsync`` once per file, when the bytes are in the temporary
file and before it is renamed into place.  At the N-th such call this writes the
temporary file's path to FILE and waits there, holding whatever lock the write is
under, until the file FILE.go appears (a signal handler still runs while it waits).
``--locks FILE`` appends "want" before and "got" after each exclusive folder lock.
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def _patch_fsync(n: int, marker: str) -> None:
    real = os.fsync
    count = 0

    def fsync(fd: int) -> None:
        nonlocal count
        real(fd)
        count += 1
        if count != n:
            return
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = "?"
        with open(marker + ".part", "w", encoding="utf-8") as fh:
            fh.write(path)
        os.replace(marker + ".part", marker)
        while not os.path.exists(marker + ".go"):
            time.sleep(0.01)

    os.fsync = fsync


def _patch_flock(log: str) -> None:
    import fcntl

    real = fcntl.flock

    def flock(fd: int, op: int) -> None:
        exclusive = op & fcntl.LOCK_EX
        if exclusive:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write("want\n")
        real(fd, op)
        if exclusive:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write("got\n")

    fcntl.flock = flock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pause-write", type=int, default=0)
    parser.add_argument("--marker", default="")
    parser.add_argument("--locks", default="")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    if opts.pause_write:
        _patch_fsync(opts.pause_write, opts.marker)
    if opts.locks:
        _patch_flock(opts.locks)
    from briefgen.cli import main as briefgen

    args = opts.args[1:] if opts.args[:1] == ["--"] else opts.args
    briefgen(args)


if __name__ == "__main__":
    sys.exit(main())
