"""Provenance: every figure and locator can be found in the source text it cites.

Source texts are extracted from print layouts, so white space is removed from
both sides before matching ("3586.8 亿元" across a line break still matches).
An indicator's value must stand inside its locator, or within a few characters
of it, so a figure cannot be pinned on the wrong sentence.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..folders import inside
from . import Library
from .loader import MAX_FILE_BYTES

NEAR = 12  # characters either side of the locator in which the value may stand


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_provenance(lib: Library, seed_dir: Path) -> list[str]:
    """Problems, one line each; an empty list means every record was found in its source."""
    texts: dict[str, str] = {}
    problems: list[str] = []
    for sid, source in lib.sources.items():
        path = seed_dir / source.seed_file if source.seed_file else None
        if path is None or not (path.is_file() or path.is_symlink()):
            continue
        # The folders' no-links-out rule (briefgen/folders.py): "../../etc/passwd" is not a seed.
        if not inside(seed_dir, path):
            problems.append(f"{source.origin}: source '{sid}': seed_file {source.seed_file!r} leads outside "
                            f"the seeds folder {seed_dir}; name a file inside it")
            continue
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{source.origin}: source '{sid}': seed_file {source.seed_file!r} is not an "
                            f"ordinary file of at most {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            continue
        texts[sid] = _squash(path.read_text(encoding="utf-8", errors="replace"))
    for kind in ("indicators", "findings", "cases", "recommendations", "facts", "terms"):
        for rec in getattr(lib, kind).values():
            text = texts.get(rec.source) if rec.source else None
            if text is None or not rec.locator:
                continue
            loc = _squash(rec.locator)
            at = text.find(loc)
            if at < 0:
                problems.append(f"{rec.origin}: {kind[:-1]} '{rec.id}': locator {rec.locator!r} is not in "
                                f"{lib.sources[rec.source].seed_file}; copy the phrase from the source")
                continue
            if kind == "indicators":
                window = text[max(0, at - NEAR): at + len(loc) + NEAR]
                if not re.search(rf"(?<![\d.]){re.escape(rec.value)}(?!\d|\.\d)", window):
                    problems.append(f"{rec.origin}: indicator '{rec.id}': value {rec.value} is not in or "
                                    f"next to its locator {rec.locator!r}; check the figure against the source")
            if kind == "facts" and rec.date:
                # A dated fact's year (and month, if given) stands in or right next to its locator.
                window = text[max(0, at - NEAR): at + len(loc) + NEAR]
                year, _, month = rec.date[:7].partition("-")
                if year not in window or (month and not re.search(rf"{year}年0?{int(month)}月", window)):
                    problems.append(f"{rec.origin}: fact '{rec.id}': date {rec.date} is not in or next to its "
                                    f"locator {rec.locator!r}; check the date against the source")
    return problems
