"""Which of the user's spreadsheet columns feeds which briefgen field (``briefgen import``).

Common Chinese and English headers are guessed; ``--map`` and a mapping file say
the rest.  The mapping is shown to the user before anything is read into content.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import UsageError
from .sheets import Sheet

#: What a column may be mapped to: the indicator fields, plus ``page`` and ``table``,
#: which become the locator "p. 12" / "Table 3" of a user's own source.
TARGETS = ("indicator_zh", "indicator_en", "value", "unit", "period", "qualifier", "theme", "source",
           "locator", "page", "table", "section", "note_zh", "note_en", "measure", "id", "region")

#: Common headers, compared without case, spaces or brackets.
GUESSES: dict[str, tuple[str, ...]] = {
    "indicator_zh": ("指标", "指标名称", "项目", "统计指标", "名称", "indicatorzh"),
    "indicator_en": ("indicator", "indicatoren", "英文指标", "指标英文", "englishname"),
    "value": ("数值", "数据", "值", "数量", "金额", "value", "figure", "amount"),
    "unit": ("单位", "计量单位", "unit", "units"),
    "period": ("时期", "时间", "年份", "年度", "期间", "统计时期", "period", "year"),
    "qualifier": ("限定", "限定词", "口径", "qualifier"),
    "theme": ("主题", "领域", "theme"),
    "source": ("来源", "数据来源", "资料来源", "出处", "source"),
    "locator": ("原文", "摘录", "原文摘录", "locator", "quote"),
    "page": ("页码", "页", "page", "pageno"),
    "table": ("表号", "表格", "表", "table", "tableno"),
    "section": ("章节", "位置", "section"),
    "note_zh": ("备注", "说明", "注释", "note", "notezh"),
    "note_en": ("英文备注", "noteen"),
    "measure": ("measure", "可比口径"),
    "id": ("id",),
    "region": ("地区", "城市", "region"),
}

def _key(header: str) -> str:
    return re.sub(r"[\s()（）\[\]【】_\-:：/]", "", header).casefold()


def parse_map(pairs: list[str]) -> dict[str, str]:
    """``["指标=indicator_zh,数值=value", "单位=unit"]`` -> {header: target}."""
    out: dict[str, str] = {}
    for chunk in pairs:
        for pair in filter(None, (p.strip() for p in chunk.split(","))):
            if "=" not in pair:
                raise UsageError(f"--map '{pair}': write COLUMN=FIELD, e.g. --map 指标=indicator_zh")
            column, target = (s.strip() for s in pair.split("=", 1))
            out[column] = target
    return out


def read_mapping_file(path: str | Path) -> dict[str, str]:
    """A YAML mapping file: ``指标: indicator_zh`` one a line (or under a ``columns:`` key)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise UsageError(f"cannot read the mapping file {path} ({e.strerror})")
    except yaml.YAMLError as e:
        raise UsageError(f"the mapping file {path} is not valid YAML ({e}); write one 'COLUMN: field' a line")
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UsageError(f"the mapping file {path} should map column names to fields, e.g. '指标: indicator_zh'")
    return {str(k): v for k, v in data.items()}


@dataclass
class Mapping:
    """Which column feeds which field, and how each choice was made."""

    columns: dict[str, str]                       # header -> target
    how: dict[str, str]                           # header -> "given" | "guessed"
    unused: list[str] = field(default_factory=list)

    def column_for(self, target: str) -> str | None:
        return next((c for c, t in self.columns.items() if t == target), None)

    def lines(self) -> list[str]:
        out = [f"  {c} -> {t}  ({self.how[c]})" for c, t in self.columns.items()]
        out += [f"  {c} -> (not used; map it with --map '{c}=FIELD')" for c in self.unused]
        return out


def map_columns(sheet: Sheet, given: dict[str, str]) -> Mapping:
    bad = {c: t for c, t in given.items() if t not in TARGETS}
    if bad:
        c, t = next(iter(bad.items()))
        raise UsageError(f"--map {c}={t}: '{t}' is not a field briefgen reads; use one of {', '.join(TARGETS)}")
    missing = [c for c in given if c not in sheet.header]
    if missing:
        raise UsageError(f"--map names column(s) {', '.join(missing)} that sheet '{sheet.name}' does not "
                         f"have; its columns are: {', '.join(sheet.header)}")
    twice = sorted({t for t in given.values() if list(given.values()).count(t) > 1})
    if twice:
        cols = [c for c, t in given.items() if t == twice[0]]
        raise UsageError(f"--map sends {' and '.join(cols)} both to {twice[0]}; map one column to each field")
    columns, how = {}, {}
    for column in sheet.header:
        if column in given:
            columns[column], how[column] = given[column], "given"
    taken = set(columns.values())
    unused = []
    for column in sheet.header:
        if column in columns:
            continue
        guess = next((t for t, names in GUESSES.items() if _key(column) in names and t not in taken), None)
        if guess:
            columns[column], how[column] = guess, "guessed"
            taken.add(guess)
        else:
            unused.append(column)
    return Mapping(columns, how, unused)
