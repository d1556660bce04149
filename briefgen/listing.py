"""``briefgen list`` and ``briefgen check --coverage``: the library as tables for people and tools.

CSV and JSON carry every field of each record (``id`` first); the table view
shows the columns a person scans, with Chinese characters counted double-width
so the columns line up in a terminal.
"""
from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from typing import TextIO

from .library import KINDS, Library, flat_record
from .library.table import FORMULA_START

TABLE_COLUMNS = {
    "regions": ("id", "name_en", "name_zh", "level", "parent"),
    "themes": ("id", "name_en", "name_zh"),
    "sources": ("id", "date", "date_status", "kind", "title_en"),
    "indicators": ("id", "region", "value", "unit", "period", "qualifier", "source", "indicator_en"),
    "findings": ("id", "region", "theme", "kind", "text_en"),
    "cases": ("id", "region", "when", "title_en"),
    "recommendations": ("id", "region", "audiences", "horizon", "action_en"),
    "facts": ("id", "region", "key", "kind", "date", "value_en"),
    "terms": ("id", "term_en", "term_zh", "source", "definition_en"),
}
MAX_CELL = 60


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _clip(s: str, limit: int = MAX_CELL) -> str:
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > limit - 1:
            return "".join(out) + "…"
        out.append(c)
        w += cw
    return "".join(out)


def _inert(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text that starts like a formula gets a leading
    apostrophe (the spreadsheets' own mark for "this is text").  Plain numbers stay numbers.
    Text that itself starts with an apostrophe gets one more, so reading the listing back as
    an overlay (library/table.py's unmark) gives every cell exactly as it was."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def write_listing(lib: Library, kind: str, region: str | None, theme: str | None, fmt: str,
                  out: TextIO, bom: bool = False) -> None:
    """``kind`` records as a table, CSV or JSON.  ``bom`` starts CSV with a byte-order mark, so
    Excel on Windows reads it as UTF-8 (without one it guesses the local code page)."""
    rows = [flat_record(r) for r in lib.select(kind, region, theme)]
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        if bom:
            out.write("\ufeff")
        columns = list(rows[0]) if rows else ["id"]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _inert(v) for k, v in row.items()} for row in rows)
        return
    columns = TABLE_COLUMNS[kind]
    cells = [[_clip(str(r.get(c) if r.get(c) is not None else "")) for c in columns] for r in rows]
    widths = [max([_width(c)] + [_width(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out.write(line(list(columns)) + "\n")
    out.write(line(["-" * w for w in widths]) + "\n")
    for row in cells:
        out.write(line(row) + "\n")
    out.write(f"({len(rows)} {kind})\n")


def write_listing_xlsx(lib: Library, kind: str, region: str | None, theme: str | None, out) -> None:
    """The same rows as CSV, as an Excel workbook on the binary stream ``out``."""
    from .sheets import write_xlsx

    write_xlsx([flat_record(r) for r in lib.select(kind, region, theme)], out, sheet=kind)


def write_coverage(lib: Library, out: TextIO) -> None:
    """Counts of figures, findings, cases and recommendations per source, region and theme."""
    kinds = ("indicators", "findings", "cases", "recommendations")
    for axis in ("source", "region", "theme"):
        table: dict[str, Counter] = {}
        for kind in kinds:
            for rec in getattr(lib, kind).values():
                keys = getattr(rec, "themes", None) if axis == "theme" and hasattr(rec, "themes") \
                    else (getattr(rec, axis),)
                for key in keys:
                    table.setdefault(key, Counter())[kind] += 1
        if axis == "region":
            for rid in lib.regions:
                table.setdefault(rid, Counter())
        if axis == "theme":
            for tid in lib.themes:
                table.setdefault(tid, Counter())
        out.write(f"\nby {axis}:\n")
        out.write(f"  {axis:<28}" + "".join(f"{k:>16}" for k in kinds) + "\n")
        for key in sorted(table):
            counts = table[key]
            flag = "   <- no figures" if axis != "source" and not counts["indicators"] else ""
            out.write(f"  {key:<28}" + "".join(f"{counts[k]:>16}" for k in kinds) + flag + "\n")
    totals = lib.counts()
    out.write("\ntotal: " + ", ".join(f"{totals[k]} {k}" for k in KINDS) + "\n")
