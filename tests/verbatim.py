"""How much of a Chinese text is copied from its source: the longest run of characters
it shares with the source document, outside names (titles in 《》, names and slogans in “”).

Run it to list the Chinese texts of the content that share a long run with a seed:
    python tests/verbatim.py [MIN_RUN] [content/s003 ...]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

#: A shared run this long is a copied clause, not a shared name or figure.
MIN_RUN = 20
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
_NAMES = re.compile(r"《[^》]*》|“[^”]*”|「[^」]*」")
_SPACE = re.compile(r"\s+")


def seed_text(folder: str) -> str:
    """The source document a content folder (s003) is drawn from, without whitespace."""
    [path] = SEEDS.glob(f"{folder[1:]}_*.txt")
    return _SPACE.sub("", path.read_text(encoding="utf-8"))


def longest_shared(text: str, source: str) -> str:
    """The longest run of ``text`` (names left out) that ``source`` contains."""
    best = ""
    for piece in _NAMES.split(_SPACE.sub("", text)):
        i = 0
        while i + len(best) < len(piece):
            window = piece[i:i + len(best) + 1]
            if window in source:
                best = window
            else:
                i += 1
    return best


def chinese_texts(folder: Path):
    """(file, record id, field, text) of every Chinese text field under ``folder``."""
    for path in sorted(folder.glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for key, value in record.items():
                if key.endswith("_zh") and isinstance(value, str):
                    yield path, record.get("id"), key, value
                elif key.endswith("_zh") and isinstance(value, list):
                    for n, item in enumerate(value):
                        if isinstance(item, str):
                            yield path, record.get("id"), f"{key}[{n}]", item


def copied(folder: Path, min_run: int = MIN_RUN):
    source = seed_text(folder.name)
    for path, rid, key, text in chinese_texts(folder):
        run = longest_shared(text, source)
        if len(run) >= min_run:
            yield path, rid, key, run


if __name__ == "__main__":
    args = sys.argv[1:]
    min_run = int(args.pop(0)) if args and args[0].isdigit() else MIN_RUN
    folders = [Path(a) for a in args] or sorted((ROOT / "content").glob("s[0-9][0-9][0-9]"))
    total = 0
    for folder in folders:
        found = list(copied(folder, min_run))
        total += len(found)
        print(f"{folder.name}: {len(found)} texts share a run of {min_run}+ characters with the seed")
        for path, rid, key, run in found:
            print(f"  {path.name} {rid} {key}: {len(run)} 「{run}」")
    sys.exit(1 if total else 0)
