"""Content records from CSV: ``indicators.csv``, and any other kind as ``<kind>.csv``.

What ``briefgen list KIND --format csv`` writes is read back here, so an analyst
can export records, edit them in a spreadsheet and pass the folder as
``--overlay``.  A CSV row is the flat form of a record (library.flat_record):

- list fields (``themes``, ``audiences``, ``aliases``, ``indicators``...) are one
  cell with the items separated by ``;``;
- a source's authors are the columns ``authors_zh``, ``authors_en``,
  ``affiliations_zh`` and ``affiliations_en``, one line per author in each (a
  line break inside the cell, as Alt+Enter makes in Excel; an affiliation may
  itself hold a ``;``);
- ``file``, ``line`` and ``period_end`` say where a record is and when its period
  ends: they are for people, and ignored with a note;
- a cell the listing marked with a leading ``'`` (so a spreadsheet does not run
  ``=...`` as a formula) is read without the mark.

A blank cell is a field left out (its default applies, or a required field is
reported missing).  Every row then goes through the same checks as YAML.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from . import model as m
from .loader import EXPORT_ONLY_COLUMNS, SCHEMAS, Problems, RawRecord

#: A source's authors, flattened: one column per part, one line per author.
AUTHOR_COLUMNS = {"authors_zh": "name_zh", "authors_en": "name_en",
                  "affiliations_zh": "affiliation_zh", "affiliations_en": "affiliation_en"}
LIST_SEPARATOR = ";"
AUTHOR_SEPARATOR = "\n"
#: What a CSV listing marks with a leading apostrophe (see listing._inert).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def columns(kind: str) -> list[str]:
    """The columns a ``<kind>.csv`` may have, in the order ``briefgen list`` writes them."""
    names: list[str] = []
    for f in SCHEMAS[kind]:
        names += list(AUTHOR_COLUMNS) if f.kind == "authors" else [f.name]
    return names


def unmark(cell: str) -> str:
    """A cell as written, without the apostrophe a listing put before a formula-like start."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _twin(c: str) -> str:  # one language is enough: indicator_zh stands in for indicator_en
    return c[:-3] + {"_en": "_zh", "_zh": "_en"}.get(c[-3:], c[-3:])


def parse_csv(text: str | None, shown: str, problems: Problems, kind: str = "indicators") -> list[RawRecord]:
    """The ``kind`` records of one CSV file's text (None: the file could not be read)."""
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as e:
        problems.add(f"{shown}:1", f"not valid CSV ({e})")
        return []
    header = [h.strip() for h in header]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.add(f"{shown}:1", f"column(s) {', '.join(twice)} appear twice in the header; keep one of each")
        return []
    known = columns(kind)
    missing = [f.name for f in SCHEMAS[kind] if f.required and f.name not in header
               and _twin(f.name) not in header]
    if missing:
        problems.add(f"{shown}:1", f"missing column(s) {', '.join(missing)}; the header must be: "
                                   f"{','.join(known)}")
        return []
    ignored = [c for c in header if c in EXPORT_ONLY_COLUMNS]
    if ignored:
        problems.notes.append(f"{shown}:1: column(s) {', '.join(ignored)} ignored (briefgen list "
                              "writes them for people; they are not content)")
    unknown = [c for c in header if c not in known and c not in EXPORT_ONLY_COLUMNS]
    if unknown:
        problems.add(f"{shown}:1", f"unknown column(s) {', '.join(unknown)}; the columns are: "
                                   f"{','.join(known)}")
    fields = {f.name: f.kind for f in SCHEMAS[kind]}
    out = []
    try:
        start = reader.line_num + 1          # the line the next record begins on
        for row in reader:
            # A quoted cell may span lines: the record is where its first line is.
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.add(f"{shown}:{line}", f"row has {len(row)} cells, the header has {len(header)}; "
                                                "quote cells that contain commas")
                continue
            # An author column keeps its line breaks, empty lines included (one line per author).
            cells = {h: unmark(cell.strip(" \t") if h in AUTHOR_COLUMNS else cell.strip())
                     for h, cell in zip(header, row) if h in known}
            origin = m.Origin(shown, line)
            data = _record(cells, fields, kind)
            if "authors" in fields:
                authors = _authors(cells)
                if isinstance(authors, str):
                    problems.add(origin, f"source '{data.get('id', '?')}': {authors}")
                    continue
                if authors:
                    data["authors"] = authors
            out.append(RawRecord(kind, data, origin))
    except csv.Error as e:
        problems.add(f"{shown}:{reader.line_num}", f"not valid CSV ({e})")
    return out


def _record(cells: dict[str, str], fields: dict[str, str], kind: str) -> dict[str, Any]:
    """A row's cells as the values a YAML record would hold."""
    if kind == "indicators":
        return cells          # every indicator field is one text cell, blanks included
    data: dict[str, Any] = {}
    for name, cell in cells.items():
        if name in AUTHOR_COLUMNS or cell == "":
            continue
        if fields[name] in ("list", "refs"):
            data[name] = [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]
        elif fields[name] == "int":
            data[name] = int(cell) if cell.isdigit() else cell     # the checker words a bad one
        else:
            data[name] = cell
    return data


def _authors(cells: dict[str, str]) -> list[dict[str, str]] | str:
    """The authors of a source row, or what is wrong with its author columns."""
    parts = {col: cells[col].split(AUTHOR_SEPARATOR) if cells.get(col) else [] for col in AUTHOR_COLUMNS}
    counts = {col: len(lines) for col, lines in parts.items() if lines}
    if len(set(counts.values())) > 1:
        shown = ", ".join(f"{col} {n}" for col, n in counts.items())
        return (f"the author columns have different numbers of lines ({shown}); give one line per "
                "author in each, in the same order")
    count = max(counts.values(), default=0)
    return [{AUTHOR_COLUMNS[col]: lines[i].strip() for col, lines in parts.items() if lines}
            for i in range(count)]
