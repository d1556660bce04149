"""The manifest's journal: one line appended per brief, instead of the whole manifest rewritten.

A batch used to rewrite ``manifest.json`` after every brief, so an edition of n files
did work proportional to n^2 on the manifest alone.  Now each brief's entries are
appended, under the folder lock, to a journal beside the manifest
(``.manifest.json.journal``: one JSON entry a line, the newest last), and the
manifest is rewritten from the journal only when the journal has grown as long as
the manifest (so rewrites cost O(n) over a whole run) and at the end of the run.

Whoever reads the manifest reads the journal after it (see :func:`entries_with_journal`),
so manifest + journal always describe the disk; if a run is killed outright the
next batch or ``--merge-manifests`` in that folder folds the journal in first.
A journal line cut short by a crash is ignored (its brief is rebuilt next time).
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

#: The manifest is rewritten when the journal holds more entries than this and than the manifest.
MIN_COMPACT = 256


def journal_path(manifest: Path) -> Path:
    return manifest.with_name(f".{manifest.name}.journal")


def _parse(data: bytes) -> list[dict[str, Any]]:
    """The entries of complete lines in ``data`` (a torn last line, or a bad one, is skipped)."""
    out = []
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            entry = json.loads(line)
            if isinstance(entry, dict) and "key" in entry and "path" in entry:
                out.append(entry)
    return out


def read_journal(manifest: Path) -> list[dict[str, Any]]:
    """Every entry the journal of ``manifest`` holds, oldest first ([] when there is none)."""
    try:
        return _parse(journal_path(manifest).read_bytes())
    except OSError:
        return []


class Journal:
    """This run's handle on one manifest's journal; use it only under the folder lock."""

    def __init__(self, manifest: Path):
        self.path = journal_path(manifest)
        self.offset = 0          # bytes of the journal this run has seen
        self.count = 0           # entries in the journal now

    def reset(self) -> list[dict[str, Any]]:
        """Read the whole journal (after the manifest was re-read): its entries, oldest first."""
        try:
            data = self.path.read_bytes()
        except OSError:
            data = b""
        complete = data[: data.rfind(b"\n") + 1]
        self.offset = len(complete)
        entries = _parse(complete)
        self.count = len(entries)
        return entries

    def catch_up(self) -> list[dict[str, Any]] | None:
        """Entries other batches appended since this run last looked, or None when the
        journal was folded into the manifest meanwhile (then re-read both)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < self.offset:
            return None
        if size == self.offset:
            return []
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read(size - self.offset)
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        entries = _parse(complete)
        self.count += len(entries)
        return entries

    def append(self, entries: list[dict[str, Any]]) -> None:
        if not entries:
            return
        data = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries).encode("utf-8")
        with open(self.path, "ab") as fh:
            if fh.tell() != self.offset:
                fh.write(b"\n")   # end a line torn by a killed run; readers skip it
            fh.write(data)
            self.offset = fh.tell()
        self.count += len(entries)

    def due(self, manifest_entries: int) -> bool:
        """Whether to fold the journal into the manifest now (amortised O(1) per entry)."""
        return self.count > max(MIN_COMPACT, manifest_entries)

    def clear(self) -> None:
        """Forget the journal once the manifest holds all of it."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self.offset = self.count = 0
