"""``briefgen import``: an analyst's spreadsheet of figures becomes a checked overlay folder.

The user's column names are mapped onto briefgen's fields (guessed from common
Chinese and English headers, or given with ``--map`` or a mapping file); every
row is then checked as the loader checks content, each problem naming its cell
(``Sheet1!D12``).  Nothing is written until the whole sheet is clean, and then
the folder appears at once (written beside it, then renamed).
"""
from __future__ import annotations

import csv
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import BriefgenError, UsageError
from .library import Library
from .columns import Mapping, map_columns, parse_map, read_mapping_file
from .library.loader import INDICATOR_COLUMNS, Checker, Problems
from .names import is_id
from .sheets import Cell, Sheet

#: Source words as Chinese sources print them, for the qualifier column.
QUALIFIER_WORDS = {"超过": "over", "超": "over", "逾": "over", "以上": "over", "近": "nearly",
                   "将近": "nearly", "接近": "nearly", "约": "about", "左右": "about", "至少": "at-least",
                   "累计": "cumulative", "目标": "target", "力争": "target", "预计": "target",
                   "同比增长": "growth", "增长": "growth", "增速": "growth", "": "exact", "无": "exact"}

SOURCE_KIND_WORDS = (("公报", "bulletin"), ("bulletin", "bulletin"), ("调查", "survey"),
                     ("问卷", "survey"), ("survey", "survey"), ("年鉴", "dataset"), ("统计", "dataset"))


@dataclass
class RegionInfo:
    id: str
    name_zh: str = ""
    name_en: str = ""
    level: str = "city"
    parent: str | None = None


@dataclass
class ImportPlan:
    """What the import would write: files by name, and what to tell the user first."""

    mapping: Mapping
    files: dict[str, str]
    rows: list[dict[str, Any]]
    problems: list[str]
    notes: list[str]


def _normalise_period(text: str) -> str:
    """Common Chinese period forms in briefgen's grammar ("2024年上半年" -> "2024 H1")."""
    t = text.strip().replace("—", "-").replace("–", "-").replace("～", "-").replace("~", "-")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    rules = [(r"(\d{4})\s*年?", lambda m: m[1]),
             (r"(\d{4})\s*年?\s*上半年", lambda m: f"{m[1]} H1"),
             (r"(\d{4})\s*年?\s*下半年", lambda m: f"{m[1]} H2"),
             (r"(\d{4})\s*年?\s*第?([一二三四1-4])季度", lambda m: f"{m[1]} Q{'一二三四'.find(m[2]) + 1 or m[2]}"),
             (r"(\d{4})\s*年\s*(\d{1,2})\s*月", lambda m: f"{m[1]}-{int(m[2]):02d}"),
             (r"(\d{4})\s*年\s*(\d{1,2})\s*-\s*(\d{1,2})\s*月",
              lambda m: f"{m[1]} {months[int(m[2]) - 1]}-{months[int(m[3]) - 1]}"
              if 1 <= int(m[2]) < int(m[3]) <= 12 else m[0]),
             (r"(\d{4})\s*-\s*(\d{4})\s*年?", lambda m: f"{m[1]}-{m[2]}"),
             (r"截至\s*(\d{4})\s*年底", lambda m: f"as of {m[1]} end"),
             (r"(?:自|从)?\s*(\d{4})\s*年以来", lambda m: f"since {m[1]}"),
             (r"(?:到|至)\s*(\d{4})\s*年", lambda m: f"by {m[1]}"),
             (r"不详|未注明|", lambda m: "unspecified")]
    for pattern, make in rules:
        if m := re.fullmatch(pattern, t):
            return make(m)
    return t


def _source_record(title: str, sid: str, date_hint: str | None) -> tuple[dict, str | None]:
    """A source record for the user's own document; (record, problem or None)."""
    kind = next((k for word, k in SOURCE_KIND_WORDS if word in title.casefold()), "internal-report")
    year = re.search(r"(19|20)\d{2}", title)
    record: dict[str, Any] = {"id": sid, "kind": kind, "language": "zh" if re.search(r"[\u4e00-\u9fff]", title)
                              else "en"}
    record["title_zh" if record["language"] == "zh" else "title_en"] = title
    if date_hint:
        record.update(date=date_hint, date_status="printed")
    elif year:
        record.update(date=year[0], date_status="inferred",
                      date_note_en="The year is taken from the document's title.",
                      date_note_zh="年份取自文件标题。")
    else:
        return record, (f"no date for source '{title}': put its year in the title (e.g. "
                        f"'{title}（2024年）') or give --source-date YYYY-MM-DD")
    return record, None


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.casefold())).strip("-")[:48]


def _sheet_problems(sheet: Sheet, mapping: Mapping, theme: str | None, source_title: str | None) -> list[str]:
    """Columns the sheet must have (or options standing in for them), named with the fix."""
    col, problems = mapping.column_for, []
    if not col("value"):
        problems.append(f"sheet '{sheet.name}': no column for value; add one headed '数值' or map yours "
                        f"with --map 列名=value (columns: {', '.join(sheet.header)})")
    if not (col("indicator_zh") or col("indicator_en")):
        problems.append(f"sheet '{sheet.name}': no column for indicator_zh; add one headed '指标' or map "
                        f"yours with --map 列名=indicator_zh (columns: {', '.join(sheet.header)})")
    if not (col("locator") or col("page") or col("table")):
        problems.append(f"sheet '{sheet.name}': no column saying where each figure is in its source; "
                        "add one headed 页码 (page), 表号 (table) or 原文 (a phrase quoted from it)")
    if not col("source") and not source_title:
        problems.append(f"sheet '{sheet.name}': no column naming each figure's source; add one headed 来源 "
                        "(e.g. 示例市2024年统计公报) or give --source-title")
    if not col("theme") and not theme:
        problems.append(f"sheet '{sheet.name}': no column for the theme; add one headed 主题 or give "
                        "--theme (briefgen list themes)")
    return problems


def _check_region(region: RegionInfo, library: Library) -> bool:
    """Resolve a known region given by name; refuse a bad id or parent.  True if the region is new."""
    if region.id not in library.regions:        # a known region may be named: 宿迁, Suqian
        try:
            region.id = library.region(region.id).id
        except UsageError:
            pass
    if not is_id(region.id):
        raise UsageError(f"--region '{region.id}' is not a valid id; use lower-case letters, digits and "
                         "'-' (e.g. 'example-city')")
    if region.parent and region.parent not in library.regions:
        from .names import did_you_mean as suggest
        raise UsageError(f"--parent '{region.parent}': no such region{suggest(region.parent, library.regions)}")
    new = region.id not in library.regions
    if new and not (region.name_zh or region.name_en):
        raise UsageError(f"region '{region.id}' is new: give its name with --name-zh (e.g. 示例市) "
                         "and/or --name-en")
    return new


class RowReader:
    """Turns one spreadsheet row into an indicators.csv row, adding a problem per bad cell."""

    def __init__(self, sheet: Sheet, mapping: Mapping, library: Library, region: RegionInfo,
                 theme: str | None, source_title: str | None, source_date: str | None):
        self.sheet, self.mapping, self.library, self.region = sheet, mapping, library, region
        self.theme, self.source_title, self.source_date = theme, source_title, source_date
        self.checker = Checker(library.units, Problems())
        self.themes = {k: t for t in library.themes.values() for k in (t.id, t.name_zh, t.name_en.casefold())}
        self.measures: dict[str, set[str]] = {}
        for ind in library.indicators.values():
            if ind.measure:
                self.measures.setdefault(ind.indicator_zh, set()).add(ind.measure)
        self.sources: dict[str, dict] = {}   # title -> the new source record
        self.ids: dict[str, int] = {}        # id -> row number
        self.problems: list[str] = []
        self.cells: dict[str, Cell] = {}
        self.number = 0

    # ------------------------------------------------------------------ one cell

    def cell(self, target: str) -> Cell | None:
        column = self.mapping.column_for(target)
        return self.cells.get(column) if column else None

    def text(self, target: str) -> str:
        c = self.cell(target)
        return c.value if c else ""

    def where(self, *targets: str) -> str:
        """The first of ``targets``' cells, or the row when the sheet has none of them."""
        c = next((c for c in map(self.cell, targets) if c), None)
        return c.ref if c else f"{self.sheet.name} row {self.number}"

    def check(self, target: str, value: Any, what: str = "") -> Any:
        """``value`` checked as the loader checks the indicator field ``target`` (None if wrong)."""
        try:
            return self.checker.check_value("indicators", target, value)
        except ValueError as e:
            c = self.cell(target)
            self.problems.append(f"{self.where(target)}: {what or (c.column if c else target)}: {e}")
            return None

    # ------------------------------------------------------------------ one row

    def read(self, number: int, cells: dict[str, Cell]) -> dict[str, Any]:
        self.number, self.cells = number, cells
        row: dict[str, Any] = {c: "" for c in INDICATOR_COLUMNS}
        row["region"] = self.text("region") or self.region.id
        if row["region"] != self.region.id:
            self.problems.append(f"{self.where('region')}: '{row['region']}' is another region; one import is "
                                 f"one region ('{self.region.id}'): split the sheet or change --region")
        row["indicator_zh"], row["indicator_en"] = self.text("indicator_zh"), self.text("indicator_en")
        if not (row["indicator_zh"] or row["indicator_en"]):
            self.problems.append(f"{self.where('indicator_zh', 'indicator_en')}: the indicator's name is empty; "
                                 "write what the figure measures (e.g. 跨境电商进出口额)")
        row["value"] = self.text("value").replace(",", "").replace("，", "")
        if self.check("value", row["value"]) is None and row["value"]:
            if m := re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(\S+)", row["value"]):
                self.problems[-1] += f" (here: put {m[1]} in this cell and {m[2]} in the unit column)"
        row["unit"] = self.text("unit")
        self.check("unit", row["unit"])
        row["period"] = _normalise_period(self.text("period"))
        self.check("period", row["period"])
        row["qualifier"] = self.qualifier(row)
        self.check("qualifier", row["qualifier"])
        row["theme"] = self.theme_id()
        row["source"] = self.source_id()
        row["locator"] = self.text("locator") or (f"p. {self.text('page')}" if self.text("page") else "") \
            or (f"Table {self.text('table')}" if self.text("table") else "")
        if not row["locator"]:
            self.problems.append(f"{self.where('locator', 'page', 'table')}: empty; say where the figure is "
                                 "in its source (a page or table number, or a phrase quoted from it)")
        for target in ("section", "note_zh", "note_en", "indicator_zh", "indicator_en", "locator"):
            row[target] = row[target] or self.text(target)
            if row[target]:
                self.check(target, row[target])
        known = self.measures.get(row["indicator_zh"], set())
        row["measure"] = self.text("measure") or (next(iter(known)) if len(known) == 1 else "")
        row["id"] = self.record_id(row)
        return row

    def qualifier(self, row: dict[str, Any]) -> str:
        """The 限定 column in briefgen's words; a % growth rate is "growth" when none is given."""
        written = self.text("qualifier")
        if not self.cell("qualifier") and row["unit"] == "%" and \
                re.search(r"增长|增速|growth", row["indicator_zh"] + row["indicator_en"]):
            return "growth"
        return QUALIFIER_WORDS.get(written, written) or "exact"

    def theme_id(self) -> str:
        written = self.text("theme") or self.theme or ""
        found = self.themes.get(written) or self.themes.get(written.casefold())
        if found:
            return found.id
        choices = ", ".join(f"{t.id} ({t.name_zh})" for t in self.library.themes.values())
        self.problems.append(f"{self.where('theme')}: theme {written!r} is not one briefgen knows; "
                             f"write one of {choices}")
        return ""

    def source_id(self) -> str:
        title = self.text("source") or self.source_title or ""
        if not title:
            self.problems.append(f"{self.where('source')}: the source is empty; name the document the "
                                 "figure comes from")
            return ""
        if title in self.library.sources:      # a source id, as `briefgen list` exports it
            return title
        if title not in self.sources:
            record, problem = _source_record(title, f"{self.region.id}-source-{len(self.sources) + 1}",
                                             self.source_date)
            self.sources[title] = record
            if problem:
                self.problems.append(f"{self.where('source')}: {problem}")
        return self.sources[title]["id"]

    def record_id(self, row: dict[str, Any]) -> str:
        """The id column, or region + what it measures + period ("example-city-cbec-trade-value-2024")."""
        period = row["period"]
        rid = self.text("id") or "-".join(filter(None, (
            self.region.id, _slug(row["indicator_en"] or row["measure"]) or f"row{self.number}",
            _slug(period) if period != "unspecified" else "")))
        if self.check("id", rid, "id") is not None:
            if rid in self.ids:
                self.problems.append(f"{self.sheet.name} row {self.number}: id '{rid}' is also the id of row "
                                     f"{self.ids[rid]}; add an id column, or tell the rows apart by period")
            self.ids[rid] = self.number
        return rid


def plan_import(sheet: Sheet, mapping: Mapping, library: Library, region: RegionInfo,
                theme: str | None = None, source_title: str | None = None,
                source_date: str | None = None) -> ImportPlan:
    """Check every row and build the overlay's files; nothing is written here."""
    notes = list(sheet.notes)
    problems = _sheet_problems(sheet, mapping, theme, source_title)
    new_region = _check_region(region, library)
    if problems:
        return ImportPlan(mapping, {}, [], problems, notes)
    if not sheet.rows:
        return ImportPlan(mapping, {}, [], [f"sheet '{sheet.name}' has a header but no figures; add one "
                                            "figure a row"], notes)
    reader = RowReader(sheet, mapping, library, region, theme, source_title, source_date)
    rows = [reader.read(number, cells) for number, cells in sheet.rows]
    sources = list(reader.sources.values())
    files = {"indicators.csv": _csv(rows), "sources.yaml": _yaml(sources)}
    if new_region:
        files["regions.yaml"] = _yaml([_region_record(region, sources, rows, library)])
    return ImportPlan(mapping, files, rows, reader.problems, notes)


def _region_record(region: RegionInfo, sources: list[dict], rows: list[dict], library: Library) -> dict:
    """A new region's record; its profile says only what is true of the data: where it came from."""
    cited = rows[0]["source"]
    first = next((s.get("title_zh") or s.get("title_en") for s in sources), None) \
        or (library.sources[cited].title_zh or library.sources[cited].title_en if cited in library.sources else "")
    record: dict[str, Any] = {"id": region.id}
    record.update({k: v for k, v in (("name_zh", region.name_zh), ("name_en", region.name_en)) if v})
    record.update(level=region.level, parent=region.parent)
    if region.name_zh:
        record["profile_zh"] = f"本简报中{region.name_zh}的数据来自用户导入的资料：{first}。"
    if region.name_en:
        record["profile_en"] = f"The figures for {region.name_en} in this brief come from the user's own document, {first}."
    record["sources"] = [s["id"] for s in sources]
    return record


def _csv(rows: list[dict[str, Any]]) -> str:
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INDICATOR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _yaml(records: list[dict]) -> str:
    head = "# Written by 'briefgen import'; edit freely (content/SCHEMA.md describes the fields).\n"
    return head + yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100)


def write_overlay(plan: ImportPlan, folder: str | Path, base: Library, content, overlays,
                  force: bool = False) -> Path:
    """Write the plan's files as ``folder``, all or nothing, after loading them with the content."""
    from .library import load_library

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give a folder for the overlay (-o)")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageError(f"{folder} already holds files; give another folder with -o, or --force to "
                         "replace the files the import writes")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, text in plan.files.items():
            (staging / name).write_text(text, encoding="utf-8")
        # The rows passed the loader's field checks; loading proves the folder as a whole.
        # A staging folder is gone in a moment: never worth a place in the parsed-content cache.
        load_library(content, [*overlays, staging], cache=False)
        folder.mkdir(exist_ok=True)
        for name in plan.files:
            (staging / name).replace(folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def run_import(path: str, *, region: RegionInfo, output: str | None, maps: list[str], mapping_file: str | None,
               sheet_name: str | None, theme: str | None, source_title: str | None, source_date: str | None,
               content, overlays, dry_run: bool, force: bool, echo, cache: bool = True) -> None:
    """The ``briefgen import`` command: show the mapping, check every row, then write (or preview)."""
    from .library import load_library
    from .sheets import read_sheet

    given = read_mapping_file(mapping_file) if mapping_file else {}
    given.update(parse_map(maps))
    sheet = read_sheet(path, sheet_name)
    library = load_library(content, overlays, cache=cache)
    mapping = map_columns(sheet, given)
    echo(f"columns of {sheet.name}:", err=True)
    for line in mapping.lines():
        echo(line, err=True)
    plan = plan_import(sheet, mapping, library, region, theme, source_title, source_date)
    for note in plan.notes:
        echo(f"note: {note}", err=True)
    if plan.problems:
        n = len(plan.problems)
        raise BriefgenError("\n".join([f"{n} problem{'s' if n != 1 else ''} in {Path(path).name}; "
                                       "nothing was written:", *("  " + p for p in plan.problems)]))
    folder = Path(output or region.id)
    if dry_run:
        for row in plan.rows:
            echo(f"  {row['id']}: {row['indicator_zh'] or row['indicator_en']} = {row['value']} {row['unit']}"
                 f" ({row['period']}, {row['qualifier']}; {row['locator']})")
        echo(f"dry run: {len(plan.rows)} figure(s) checked; nothing written (without --dry-run they "
             f"go to {folder}/: {', '.join(plan.files)})", err=True)
        return
    write_overlay(plan, folder, library, content, overlays, force=force)
    echo(str(folder))
    echo(f"{len(plan.rows)} figure(s) written; next: briefgen check --overlay {folder}", err=True)
