"""Spreadsheets as briefgen reads and writes them: .xlsx (openpyxl) and .csv.

A sheet is read as a header row and data rows, every cell remembering its
address (``Sheet1!D12``) so that a problem can point at the cell to fix.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import UsageError


@dataclass(frozen=True)
class Cell:
    ref: str        # "Sheet1!D12"
    column: str     # the header above it, as the user wrote it
    value: str      # the cell's text ("" when empty)


@dataclass(frozen=True)
class Sheet:
    name: str
    header: tuple[str, ...]
    #: Data rows: (row number as the spreadsheet shows it, cells by header).
    rows: tuple[tuple[int, dict[str, Cell]], ...]
    notes: tuple[str, ...] = ()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as spreadsheets name columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell's value as the text the user sees: 12 not 12.0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _sheet(name: str, rows: Iterable[Sequence[Any]], notes: Sequence[str] = ()) -> Sheet:
    header: list[str] | None = None
    titles: list[str] = []
    data = []
    for number, raw in enumerate(rows, start=1):
        texts = [cell_text(v) for v in raw]
        if not any(texts):
            continue
        if header is None:
            # A title above the table ("示例市2024年统计", one merged cell) is not the header.
            if sum(1 for t in texts if t) < 2 and number < 5:
                titles.append(f"row {number} of sheet '{name}' ({next(t for t in texts if t)!r}) is read as "
                              "a title, not as the header")
                continue
            header = texts
            continue
        cells = {}
        for i, column in enumerate(header):
            if column:
                text = texts[i] if i < len(texts) else ""
                cells[column] = Cell(f"{name}!{column_letter(i)}{number}", column, text)
        data.append((number, cells))
    if header is None:
        raise UsageError(f"sheet '{name}' is empty; put a header row (指标, 数值, 单位 ...) and one "
                         "figure a row")
    blanks = [column_letter(i) for i, h in enumerate(header) if not h]
    notes = [*notes, *titles]
    if blanks:
        notes.append(f"column(s) {', '.join(blanks)} of sheet '{name}' have no header and are not read")
    return Sheet(name, tuple(h for h in header if h), tuple(data), tuple(notes))


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """The first (or the named) sheet of an .xlsx file, or a .csv file (UTF-8, or GB18030 as
    Chinese Excel saves it)."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such file: {path}; give an .xlsx or .csv file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        notes = []
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
            notes.append(f"{path.name} is not UTF-8; read it as GB18030 (Excel's Chinese CSV)")
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as e:
            raise UsageError(f"{path.name} is not valid CSV ({e}); save it again from the spreadsheet")
        return _sheet(path.name, rows, notes)
    if suffix in (".xlsx", ".xlsm"):
        # openpyxl warns, with its own source path, about Excel features it drops (data
        # validation, conditional formatting ...); briefgen reads only the cells' values, so
        # those become one note in briefgen's words.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = _read_xlsx(path, sheet)
        dropped = sorted({_feature(str(w.message)) for w in caught})
        if dropped:
            found = replace(found, notes=(*found.notes, f"{path.name} uses Excel features briefgen does not "
                                          f"read ({', '.join(dropped)}); only the cells' values are imported"))
        return found
    raise UsageError(f"{path.name}: briefgen imports .xlsx and .csv files; save the sheet as one of them")


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    import openpyxl  # only importers pay for it
    from zipfile import BadZipFile

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as e:
        raise UsageError(f"{path.name} cannot be read as an Excel workbook ({e}); "
                         "save it again as .xlsx, or as CSV")
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise UsageError(f"{path.name} has no sheet '{sheet}'; it has: {', '.join(book.sheetnames)}")
        return _sheet(ws.title, ws.iter_rows(values_only=True))
    finally:
        book.close()


def _feature(warning: str) -> str:
    """The Excel feature a reader's warning is about ("Data Validation extension is not supported")."""
    match = re.match(r"\s*(.+?) (?:extension )?is not supported", warning)
    return match.group(1).lower() if match else "formatting"


def write_xlsx(rows: list[dict[str, Any]], out, sheet: str = "briefgen") -> None:
    """``rows`` (dicts with the same keys) as an Excel workbook written to the binary stream ``out``."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    columns = list(rows[0]) if rows else ["id"]
    ws.append(columns)
    for row in rows:
        ws.append(["" if row.get(c) is None else row.get(c) for c in columns])
    book.save(out)
