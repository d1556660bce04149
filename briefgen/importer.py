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
from .library.loader import INDICATOR_COLUMNS, ID_RE, Checker, Problems
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


def plan_import(sheet: Sheet, mapping: Mapping, library: Library, region: RegionInfo,
                theme: str | None = None, source_title: str | None = None,
                source_date: str | None = None) -> ImportPlan:
    """Check every row and build the overlay's files; nothing is written here."""
    problems: list[str] = []
    notes = list(sheet.notes)
    col = mapping.column_for
    for needed, example in (("value", "数值"), ("indicator_zh", "指标")):
        if needed == "indicator_zh" and (col("indicator_zh") or col("indicator_en")):
            continue
        if not col(needed):
            problems.append(f"sheet '{sheet.name}': no column for {needed}; add one headed '{example}' or map "
                            f"yours with --map 列名={needed} (columns: {', '.join(sheet.header)})")
    if not (col("locator") or col("page") or col("table")):
        problems.append(f"sheet '{sheet.name}': no column saying where each figure is in its source; "
                        "add one headed 页码 (page), 表号 (table) or 原文 (a phrase quoted from it)")
    if not col("source") and not source_title:
        problems.append(f"sheet '{sheet.name}': no column naming each figure's source; add one headed 来源 "
                        "(e.g. 示例市2024年统计公报) or give --source-title")
    if region.id not in library.regions:        # a known region may be named: 宿迁, Suqian
        try:
            region.id = library.region(region.id).id
        except UsageError:
            pass
    if not ID_RE.match(region.id):
        raise UsageError(f"--region '{region.id}' is not a valid id; use lower-case letters, digits and "
                         "'-' (e.g. 'example-city')")
    new_region = region.id not in library.regions
    if new_region and not (region.name_zh or region.name_en):
        raise UsageError(f"region '{region.id}' is new: give its name with --name-zh (e.g. 示例市) "
                         "and/or --name-en")
    if region.parent and region.parent not in library.regions:
        from .library.loader import suggest
        raise UsageError(f"--parent '{region.parent}': no such region{suggest(region.parent, library.regions)}")
    if problems:
        return ImportPlan(mapping, {}, [], problems, notes)

    checker = Checker(library.units, Problems())
    themes_by_name = {k: t for t in library.themes.values() for k in (t.id, t.name_zh, t.name_en.casefold())}
    measures: dict[str, set[str]] = {}
    for ind in library.indicators.values():
        if ind.measure:
            measures.setdefault(ind.indicator_zh, set()).add(ind.measure)
    sources: dict[str, dict] = {}
    rows: list[dict[str, Any]] = []
    ids: dict[str, str] = {}

    def check(cell: Cell | None, name: str, value: Any, what: str = "") -> Any:
        try:
            return checker.check_value("indicators", name, value)
        except ValueError as e:
            where = cell.ref if cell else f"{sheet.name} ({name})"
            problems.append(f"{where}: {what or (cell.column if cell else name)}: {e}")
            return None

    for number, cells in sheet.rows:
        def get(target: str) -> Cell | None:
            c = col(target)
            return cells.get(c) if c else None

        def text(target: str) -> str:
            c = get(target)
            return c.value if c else ""

        row_ref = f"{sheet.name} row {number}"
        row: dict[str, Any] = {c: "" for c in INDICATOR_COLUMNS}
        row["region"] = text("region") or region.id
        if row["region"] != region.id:
            problems.append(f"{get('region').ref}: {get('region').column}: '{row['region']}' is another region; "
                            f"one import is one region ('{region.id}'): split the sheet or change --region")
        row["indicator_zh"], row["indicator_en"] = text("indicator_zh"), text("indicator_en")
        if not (row["indicator_zh"] or row["indicator_en"]):
            c = get("indicator_zh") or get("indicator_en")
            problems.append(f"{c.ref if c else row_ref}: the indicator's name is empty; write what the "
                            "figure measures (e.g. 跨境电商进出口额)")
        raw_value = text("value").replace(",", "").replace("，", "")
        if check(get("value"), "value", raw_value) is None and raw_value:
            if m := re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(\S+)", raw_value):
                problems[-1] += f" (here: put {m[1]} in this cell and {m[2]} in the unit column)"
        row["value"] = raw_value
        row["unit"] = text("unit")
        check(get("unit"), "unit", row["unit"])
        period = _normalise_period(text("period"))
        row["period"] = period
        check(get("period"), "period", period)
        qualifier = text("qualifier")
        qualifier = QUALIFIER_WORDS.get(qualifier, qualifier)
        if not get("qualifier") and row["unit"] == "%" and re.search(r"增长|增速|growth", row["indicator_zh"]
                                                                      + row["indicator_en"]):
            qualifier = "growth"
        row["qualifier"] = qualifier or "exact"
        check(get("qualifier"), "qualifier", row["qualifier"])
        theme_text = text("theme") or theme or ""
        found = themes_by_name.get(theme_text) or themes_by_name.get(theme_text.casefold())
        if found:
            row["theme"] = found.id
        else:
            c = get("theme")
            choices = ", ".join(f"{t.id} ({t.name_zh})" for t in library.themes.values())
            where = c.ref if c and c.value else row_ref
            problems.append(f"{where}: theme {theme_text!r} is not one briefgen knows; "
                            f"write one of {choices}" if theme_text else
                            f"{where}: no theme; add a 主题 column or give --theme (one of {choices})")
        title = text("source") or source_title or ""
        if not title:
            problems.append(f"{get('source').ref if get('source') else row_ref}: the source is empty; name the "
                            "document the figure comes from")
        elif title in library.sources:      # a source id, as `briefgen list` exports it
            row["source"] = title
        else:
            if title not in sources:
                sid = f"{region.id}-source-{len(sources) + 1}"
                record, problem = _source_record(title, sid, source_date)
                sources[title] = record
                if problem:
                    problems.append(f"{get('source').ref if get('source') else row_ref}: {problem}")
            row["source"] = sources[title]["id"]
        locator = text("locator") or (f"p. {text('page')}" if text("page") else "") \
            or (f"Table {text('table')}" if text("table") else "")
        row["locator"] = locator
        if not locator:
            c = get("locator") or get("page") or get("table")
            problems.append(f"{c.ref if c else row_ref}: empty; say where the figure is in its source "
                            "(a page or table number, or a phrase quoted from it)")
        for name in ("section", "note_zh", "note_en", "indicator_zh", "indicator_en", "locator"):
            if row[name]:
                check(get(name), name, row[name])
        row["measure"] = text("measure") or (next(iter(measures[row["indicator_zh"]]))
                                             if len(measures.get(row["indicator_zh"], ())) == 1 else "")
        rid = text("id") or "-".join(filter(None, (region.id, _slug(row["indicator_en"] or row["measure"])
                                                   or f"row{number}",
                                                   _slug(period) if period != "unspecified" else "")))
        if check(get("id"), "id", rid, "id") is not None:
            if rid in ids:
                problems.append(f"{row_ref}: id '{rid}' is also the id of row {ids[rid]}; give one of them an "
                                "id column value, or tell the rows apart by period")
            ids[rid] = str(number)
        row["id"] = rid
        rows.append(row)
    if not sheet.rows:
        problems.append(f"sheet '{sheet.name}' has a header but no figures; add one figure a row")
    files = {"indicators.csv": _csv(rows), "sources.yaml": _yaml(list(sources.values()))}
    if new_region:
        names = {"name_zh": region.name_zh, "name_en": region.name_en}
        cited = rows[0]["source"] if rows else ""
        first = next(iter(sources), "") or (library.sources[cited].title("zh") if cited in library.sources else "")
        files["regions.yaml"] = _yaml([{
            "id": region.id, **{k: v for k, v in names.items() if v}, "level": region.level,
            "parent": region.parent,
            # A profile says only what is true of the data: where it came from.
            **({"profile_zh": f"本简报中{region.name_zh}的数据来自用户导入的资料：{first}。"} if region.name_zh else {}),
            **({"profile_en": f"The figures for {region.name_en} in this brief come from the user's own "
                              f"document, {first}."} if region.name_en else {}),
            "sources": [s["id"] for s in sources.values()]}])
    return ImportPlan(mapping, files, rows, problems, notes)


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
        load_library(content, [*overlays, staging])
        folder.mkdir(exist_ok=True)
        for name in plan.files:
            (staging / name).replace(folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def run_import(path: str, *, region: RegionInfo, output: str | None, maps: list[str], mapping_file: str | None,
               sheet_name: str | None, theme: str | None, source_title: str | None, source_date: str | None,
               content, overlays, dry_run: bool, force: bool, echo) -> None:
    """The ``briefgen import`` command: show the mapping, check every row, then write (or preview)."""
    from .library import load_library
    from .sheets import read_sheet

    given = read_mapping_file(mapping_file) if mapping_file else {}
    given.update(parse_map(maps))
    sheet = read_sheet(path, sheet_name)
    library = load_library(content, overlays)
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
