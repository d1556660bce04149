"""Small helpers several test modules share (import as ``from helpers import ...``)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from briefgen.cli import main
from briefgen.output import TEMP_PREFIX
from briefgen.runner import MANIFEST


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
