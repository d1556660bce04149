"""Small helpers several test modules share (import as ``from helpers import ...``)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from briefgen.cli import main
from briefgen.output import TEMP_PREFIX
from briefgen.runner import MANIFEST

PAUSING = Path(__file__).with_name("pausing.py")


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """The CLI in this process, as the console script runs it: (status, stdout, stderr)."""
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def pdf_outline(reader) -> list[tuple[int, str, int]]:
    """(level, title, page index) for every outline entry of a pypdf reader, depth first."""
    out: list[tuple[int, str, int]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def manifest_matches_disk(folder: Path, data: dict | None = None) -> dict:
    """The manifest (``folder``'s own unless ``data`` is given) lists exactly the briefs on
    disk, each with its recorded sha256 and size, and no temporary file is left."""
    if data is None:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    briefs = {p.name for p in folder.iterdir() if not p.name.startswith((".", "manifest"))}
    assert {e["path"] for e in data["files"]} == briefs
    for entry in data["files"]:
        blob = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == entry["sha256"], entry["path"]
        assert len(blob) == entry["size"], entry["path"]
    assert not list(folder.glob(TEMP_PREFIX + "*"))
    return data


class PausedRun:
    """briefgen in a real process whose ``pause_write``-th file write (or ``pause_lock``-th
    folder lock) waits for the test (see tests/pausing.py): ``wait_paused()`` returns once
    it is there, with the temporary file's path; ``release()`` lets it go on."""

    def __init__(self, args: list[str], scratch: Path, *, pause_write: int = 0, pause_lock: int = 0,
                 locks: bool = False, **popen: Any):
        scratch.mkdir(parents=True, exist_ok=True)
        self.marker = scratch / "paused"
        self.locks = scratch / "locks"
        hook = [f"--pause-write={pause_write}", f"--pause-lock={pause_lock}", f"--marker={self.marker}"]
        if locks:
            hook.append(f"--locks={self.locks}")
        self.proc = subprocess.Popen([sys.executable, str(PAUSING), *hook, "--", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                raise AssertionError(f"briefgen ended before {what}: {self.proc.communicate()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"briefgen did not reach {what} in {timeout} s")
            time.sleep(0.01)

    def wait_paused(self) -> Path:
        self.wait_for(self.marker.exists, "the paused write")
        return Path(self.marker.read_text(encoding="utf-8"))

    def lock_log(self) -> list[str]:
        return self.locks.read_text(encoding="utf-8").split() if self.locks.exists() else []

    def stderr_until(self, text: str) -> str:
        """What the process printed on stderr up to and including the line containing ``text``."""
        said = ""
        while text not in said:
            line = self.proc.stderr.readline()
            if not line:
                raise AssertionError(f"briefgen never said {text!r}: {said}")
            said += line
        return said

    def release(self) -> None:
        (self.marker.parent / (self.marker.name + ".go")).touch()

    def communicate(self, timeout: float = 120) -> tuple[str, str]:
        return self.proc.communicate(timeout=timeout)


def with_title_payload(narrative: str, payload: str) -> str:
    """A narrative template whose title macro first runs ``payload`` (whatever the macro's arguments)."""
    import re

    head = re.search(r"\{% macro title\([^)]*\) -%\}", narrative)
    assert head, "the narrative template has no title macro"
    return narrative[: head.end()] + payload + narrative[head.end():]


def county_overlay(tmp_path: Path, counties: dict[str, str] | None = None, sources: str = "") -> Path:
    """An office's overlay folder with counties of Suqian (id -> Chinese name; Siyang by
    default), each listing ``sources`` if given, and nothing else yet."""
    overlay = tmp_path / "office"
    overlay.mkdir()
    counties = counties or {"siyang": "泗阳"}
    listed = f"\n  sources: [{sources}]" if sources else ""
    overlay.joinpath("regions.yaml").write_text("".join(
        f"- id: {rid}\n  name_en: {rid.capitalize()}\n  name_zh: {zh}\n  level: county\n  parent: suqian\n"
        f"  profile_en: A county of Suqian.\n  profile_zh: 宿迁下辖县。{listed}\n" for rid, zh in counties.items()),
        encoding="utf-8")
    return overlay
