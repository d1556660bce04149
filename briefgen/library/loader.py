"""Read a content folder into records, checking everything and reporting every problem.

Files are recognised by name anywhere below the folder (see content/SCHEMA.md).
Each record kind is described once, as a list of :class:`Field` rules; one
generic reader applies them, so adding a field is one line, and every message
has the same shape: ``file:line: kind 'id': field 'x': what is wrong; what to do``.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import yaml

from . import model as m
from .periods import parse as parse_period
from .units import QUALIFIERS, Unit

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VALUE_RE = re.compile(r"^-?\d+(\.\d+)?$")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# C0/C1 control characters other than tab and newline break PDF and Word output
# and are never meant in prose; everything else is rendered literally.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Explicit direction controls (embeddings, overrides, isolates) are invisible and reorder
# the text a reader sees in HTML and Word ("Trojan Source"), while a PDF drops them, so
# the same brief would read differently by format.  Right-to-left letters themselves,
# and the harmless marks U+200E/U+200F, are text and are kept.
BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates and the non-characters U+FFFE/U+FFFF cannot be written as UTF-8 or XML.
NONCHAR_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
MAX_FILE_BYTES = 20 * 1024 * 1024

FILE_KINDS = {
    "regions.yaml": "regions", "themes.yaml": "themes", "units.yaml": "units",
    "findings.yaml": "findings", "cases.yaml": "cases",
    "recommendations.yaml": "recommendations", "sources.yaml": "sources",
    "indicators.csv": "indicators",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"            # id | text | str | list | int | enum | ref | refs | period | unit | value | date
    required: bool = True
    ref: str | None = None        # for ref/refs: the record kind referred to
    choices: tuple[str, ...] = ()
    default: Any = None


def _bi(name: str, required: bool = True) -> list[Field]:
    """A reader-visible text field in both languages."""
    return [Field(f"{name}_en", "text" if required else "str", required, default=""),
            Field(f"{name}_zh", "text" if required else "str", required, default="")]


SCHEMAS: dict[str, list[Field]] = {
    "regions": [Field("id", "id"), *_bi("name"), Field("aliases", "list", False, default=()),
                Field("level", "enum", choices=m.REGION_LEVELS),
                Field("parent", "ref", False, ref="regions"), *_bi("profile"),
                Field("sources", "refs", False, ref="sources", default=())],
    "themes": [Field("id", "id"), *_bi("name"), *_bi("short", False), *_bi("description", False)],
    "sources": [Field("id", "id"), Field("seed_file", "str", False, default=""), *_bi("title"),
                Field("authors", "authors", False, default=()),
                Field("kind", "enum", choices=m.SOURCE_KINDS), *_bi("publication", False),
                Field("date", "date"), Field("date_status", "enum", choices=("printed", "inferred")),
                *_bi("date_note", False),
                Field("language", "str", False, default="zh"),
                Field("licence", "str", False), Field("url", "str", False),
                *_bi("attribution_note", False),
                Field("attribution", "enum", False, choices=("printed", "inferred"), default="printed")],
    "indicators": [Field("id", "id"), Field("region", "ref", ref="regions"), *_bi("indicator"),
                   Field("value", "value"), Field("unit", "unit"), Field("period", "period"),
                   Field("qualifier", "enum", choices=QUALIFIERS),
                   Field("theme", "ref", ref="themes"), Field("source", "ref", ref="sources"),
                   Field("locator", "text"), Field("section", "str", False, default=""),
                   *_bi("note", False), Field("measure", "str", False, default="")],
    "findings": [Field("id", "id"), Field("region", "ref", ref="regions"),
                 Field("theme", "ref", ref="themes"), Field("kind", "enum", choices=m.FINDING_KINDS),
                 *_bi("text"), Field("indicators", "refs", False, ref="indicators", default=()),
                 Field("source", "ref", ref="sources"), Field("locator", "str", False, default=""),
                 Field("section", "str", False, default=""), Field("priority", "int", False, default=2)],
    "cases": [Field("id", "id"), Field("region", "ref", ref="regions"),
              Field("themes", "refs", ref="themes"), *_bi("title"), *_bi("actor"),
              Field("when", "str", False, default="unspecified"), *_bi("what"), *_bi("result"),
              *_bi("transferable"), Field("indicators", "refs", False, ref="indicators", default=()),
              Field("source", "ref", ref="sources"), Field("locator", "str", False, default=""),
              Field("section", "str", False, default="")],
    "recommendations": [Field("id", "id"), Field("region", "ref", ref="regions"), *_bi("action"),
                        *_bi("rationale", False),
                        Field("actors", "list", choices=m.ACTORS),
                        Field("audiences", "list", choices=m.AUDIENCES),
                        Field("themes", "refs", ref="themes"),
                        Field("horizon", "enum", choices=m.HORIZONS),
                        Field("priority", "int", False, default=2),
                        Field("evidence", "refs", ref="evidence"),
                        Field("benchmark", "ref", False, ref="regions"),
                        Field("source", "ref", ref="sources"), Field("locator", "str", False, default=""),
                        Field("section", "str", False, default="")],
}

RECORD_TYPES: dict[str, type] = {
    "regions": m.Region, "themes": m.Theme, "sources": m.Source, "indicators": m.Indicator,
    "findings": m.Finding, "cases": m.Case, "recommendations": m.Recommendation,
}

INDICATOR_COLUMNS = [f.name for f in SCHEMAS["indicators"]]


# --------------------------------------------------------------------------- YAML with line numbers

# libyaml's parser is about eight times faster than PyYAML's pure-Python one and
# dominated loading the library; the constructor (safe, Python) is the same either way.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc,valid-type]
    """SafeLoader (no object construction, no aliases) that remembers each mapping's line."""

    def get_single_data(self) -> Any:
        # An alias repeats a node without copying it, so nested aliases (the "billion
        # laughs" file) make a few lines stand for billions of items as soon as anything
        # walks or prints them.  Content never needs them: refuse before building anything.
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return self.construct_document(node)


class AliasRefused(yaml.YAMLError):
    """A content file repeats a value with a YAML anchor and alias (&name ... *name)."""

    def __init__(self, line: int):
        super().__init__(f"alias at line {line}")
        self.line = line


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise AliasRefused if any node is reached twice (that is what an alias is)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise AliasRefused(node.start_mark.line + 1)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: "2026-05-13" is a date as the curator wrote it, not a datetime.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class RawRecord:
    kind: str
    data: dict
    origin: m.Origin


class Problems:
    """Collects every problem so that one ``briefgen check`` run shows them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: m.Origin | str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_bytes(path: Path, shown: str, problems: Problems, digest: Any = None) -> bytes | None:
    """The file's bytes, or None after adding a problem; ``digest`` (a hashlib object) sees them.

    The size is checked before reading, so an enormous file costs nothing."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(shown, f"file is {size // (1024 * 1024)} MiB; content files may be at most "
                                f"{MAX_FILE_BYTES // (1024 * 1024)} MiB, so split it across folders")
            return None
        raw = path.read_bytes()
    except OSError as e:
        problems.add(shown, f"cannot read the file ({e.strerror}); check its permissions")
        return None
    if digest is not None:
        digest.update(raw)
    return raw


def decode_text(raw: bytes | None, shown: str, problems: Problems) -> str | None:
    """A file's bytes as text, or None (after adding a problem) when they are not UTF-8."""
    if raw is None:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        problems.add(f"{shown}:{line}", "the file is not UTF-8 text (byte "
                     f"0x{raw[e.start]:02x}); save it as UTF-8")
        return None


def read_text(path: Path, shown: str, problems: Problems, digest: Any = None) -> str | None:
    """The file's text, or None after adding a problem (see read_bytes and decode_text)."""
    return decode_text(read_bytes(path, shown, problems, digest), shown, problems)


def read_yaml(path: Path, shown: str, kind: str, problems: Problems, digest: Any = None) -> list[RawRecord]:
    return parse_yaml(read_text(path, shown, problems, digest), shown, kind, problems)


def parse_yaml(text: str | None, shown: str, kind: str, problems: Problems) -> list[RawRecord]:
    """The records of one YAML file's text (None: the file could not be read)."""
    if text is None:
        return []
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except AliasRefused as e:
        problems.add(f"{shown}:{e.line}", "the value here is repeated elsewhere with a YAML anchor and "
                     "alias (&name ... *name); content files may not use them: write the value out in full")
        return []
    except RecursionError:
        problems.add(shown, "lists or mappings are nested too deeply to be content; "
                            "a record is one mapping of fields")
        return []
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        problems.add(where, f"not valid YAML ({getattr(e, 'problem', None) or e}); fix the syntax")
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add(shown, f"expected a list of {kind} (each item starting with '- '), "
                            f"found a {type(data).__name__}")
        return []
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            problems.add(shown, f"item {i + 1} is a {type(item).__name__}, expected a mapping of fields")
            continue
        line = item.pop("__line__", 0)
        out.append(RawRecord(kind, item, m.Origin(shown, line)))
    return out


def read_csv(path: Path, shown: str, problems: Problems, digest: Any = None) -> list[RawRecord]:
    return parse_csv(read_text(path, shown, problems, digest), shown, problems)


def parse_csv(text: str | None, shown: str, problems: Problems) -> list[RawRecord]:
    """The figures of one indicators.csv's text (None: the file could not be read)."""
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
    missing = [c for c in INDICATOR_COLUMNS
               if c not in header and next(f for f in SCHEMAS["indicators"] if f.name == c).required]
    if missing:
        problems.add(f"{shown}:1", f"missing column(s) {', '.join(missing)}; the header must be: "
                                   f"{','.join(INDICATOR_COLUMNS)}")
        return []
    unknown = [c for c in header if c not in INDICATOR_COLUMNS]
    if unknown:
        problems.add(f"{shown}:1", f"unknown column(s) {', '.join(unknown)}; the columns are: "
                                   f"{','.join(INDICATOR_COLUMNS)}")
    out = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.add(f"{shown}:{line}", f"row has {len(row)} cells, the header has {len(header)}; "
                                                "quote cells that contain commas")
                continue
            data = {h: cell.strip() for h, cell in zip(header, row) if h in INDICATOR_COLUMNS}
            out.append(RawRecord("indicators", data, m.Origin(shown, line)))
    except csv.Error as e:
        problems.add(f"{shown}:{reader.line_num}", f"not valid CSV ({e})")
    return out


def discover(root: Path, problems: Problems) -> Iterable[tuple[str, Path, str]]:
    """(kind, path, shown name) for every content file below ``root``, in a stable order.

    Symbolic links that lead outside ``root`` (to a file or a folder) are skipped
    with a problem: a content folder must not make briefgen read files elsewhere
    on the machine.  Links to folders are never followed (as rglob does not)."""
    real_root = root.resolve()
    for path in sorted(root.rglob("*")):
        if path.is_symlink() and path.is_dir():
            target = path.resolve()
            if real_root != target and real_root not in target.parents:
                problems.add(_display(path, root), "is a link to a folder outside the content folder; "
                             "briefgen does not follow it. Copy the folder in instead")
            continue
        kind = FILE_KINDS.get(path.name)
        if kind is None:
            continue
        shown = _display(path, root)
        if path.is_symlink() and not path.exists():
            problems.add(shown, "is a link that leads to no file (its target is missing, or the links "
                                "go round in a loop); remove the link or copy the file in")
            continue
        if not path.is_file():
            continue
        resolved = path.resolve()
        if real_root != resolved and real_root not in resolved.parents:
            problems.add(shown, "is a link to a file outside the content folder; briefgen does not "
                                "follow it. Copy the file into the folder instead")
            continue
        yield kind, path, shown


# --------------------------------------------------------------------------- checking fields

def suggest(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def check_characters(text: str) -> None:
    """Raise ValueError naming the first character no brief may contain, and where it is."""
    for pattern, what in ((CONTROL_RE, "control character"),
                          (BIDI_RE, "invisible text-direction control"),
                          (NONCHAR_RE, "non-character")):
        bad = pattern.search(text)
        if bad:
            raise ValueError(f"contains {what} U+{ord(bad.group()):04X} at position {bad.start() + 1}; "
                             "remove it")


class Checker:
    """Turns raw records into model records, checking each field against its rule."""

    def __init__(self, units: dict[str, Unit], problems: Problems):
        self.units = units
        self.problems = problems
        # Ids, codes and periods recur across thousands of records: one shared object
        # for each value keeps the library (and its cached pickle) about a third smaller.
        self._shared: dict[str, str] = {}
        self._periods: dict[str, Any] = {}

    def _one(self, value: str) -> str:
        return self._shared.setdefault(value, value)

    def convert(self, raw: RawRecord) -> dict | None:
        schema = SCHEMAS[raw.kind]
        data = dict(raw.data)
        rid = str(data.get("id", "?"))
        label = f"{raw.kind[:-1]} '{rid}'"
        ok = True
        known = {f.name for f in schema}
        for key in data:
            if key not in known:
                self.problems.add(raw.origin, f"{label}: unknown field '{key}'{suggest(key, known)}")
                ok = False
        out: dict[str, Any] = {}
        for f in schema:
            try:
                out[f.name] = self._field(f, data.get(f.name))
            except ValueError as e:
                self.problems.add(raw.origin, f"{label}: field '{f.name}': {e}")
                ok = False
        out["origin"] = raw.origin
        return out if ok else None

    def _field(self, f: Field, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() == "" and f.kind != "str"):
            if f.required:
                lang = {"_en": "English", "_zh": "Chinese"}.get(f.name[-3:])
                if lang:
                    raise ValueError(f"missing {lang} text (translation); write it")
                raise ValueError("missing; add it")
            return f.default
        if f.kind in ("text", "str"):
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ValueError(f"expected text, found {type(value).__name__}")
            s = str(value).strip()
            check_characters(s)
            return self._one(s) if f.kind == "str" else s
        if f.kind == "id":
            s = str(value)
            if not ID_RE.match(s):
                raise ValueError(f"'{s}' is not a valid id; use lower-case letters, digits and '-' "
                                 "(e.g. 'suqian-cbec-trade-2024')")
            return self._one(s)
        if f.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
                raise ValueError(f"expected 1, 2 or 3, found {value!r}")
            return value
        if f.kind == "enum":
            s = str(value)
            if s not in f.choices:
                raise ValueError(f"'{s}' is not allowed{suggest(s, f.choices)} (choose from "
                                 f"{', '.join(f.choices)})")
            return self._one(s)
        if f.kind in ("list", "refs"):
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise ValueError("expected a list of text items, e.g. [a, b]")
            for x in items:
                check_characters(x)
            if f.choices:
                for x in items:
                    if x not in f.choices:
                        raise ValueError(f"'{x}' is not allowed{suggest(x, f.choices)} (choose from "
                                         f"{', '.join(f.choices)})")
            if f.required and not items:
                raise ValueError("is empty; give at least one")
            return tuple(self._one(x) for x in items)
        if f.kind == "ref":
            return self._one(str(value))
        if f.kind == "value":
            s = str(value).strip()
            if not VALUE_RE.match(s):
                raise ValueError(f"'{s}' is not a number as printed (digits with an optional "
                                 "decimal point, no units or commas)")
            return self._one(s)
        if f.kind == "unit":
            s = str(value)
            if s not in self.units:
                raise ValueError(f"'{s}' is not in the unit list{suggest(s, self.units)}; use one of "
                                 f"{', '.join(self.units)} or add it to units.yaml")
            return self.units[s]
        if f.kind == "period":
            text = str(value)
            if text not in self._periods:
                self._periods[text] = parse_period(text)   # raises ValueError for a bad period
            return self._periods[text]
        if f.kind == "date":
            s = str(value)
            if not DATE_RE.match(s):
                raise ValueError(f"'{s}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
            return s
        if f.kind == "authors":
            if not isinstance(value, list):
                raise ValueError("expected a list of authors")
            authors = []
            for a in value:
                if not isinstance(a, dict):
                    raise ValueError("each author is a mapping with name_zh, name_en, affiliation_zh, affiliation_en")
                a.pop("__line__", None)
                authors.append(m.Author(str(a.get("name_zh", "")), str(a.get("name_en", "")),
                                        str(a.get("affiliation_zh", "")), str(a.get("affiliation_en", ""))))
            return tuple(authors)
        raise AssertionError(f.kind)


def load_units(raws: list[RawRecord], problems: Problems) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for raw in raws:
        d = raw.data
        try:
            unit = Unit(str(d["unit"]), str(d.get("en", "")), d.get("base"), Decimal(str(d.get("factor", 1))))
        except (KeyError, InvalidOperation):
            problems.add(raw.origin, "unit needs 'unit', 'en', 'base' and a numeric 'factor'")
            continue
        units[unit.unit] = unit
    return units


def check_references(records: dict[str, dict[str, Any]], problems: Problems) -> None:
    """Every id a record points at exists, of the right kind."""
    evidence_ids = set(records["findings"]) | set(records["cases"])
    for kind, schema in SCHEMAS.items():
        for rec in records[kind].values():
            for f in schema:
                if f.kind not in ("ref", "refs"):
                    continue
                value = getattr(rec, f.name)
                targets = (value,) if f.kind == "ref" else value
                pool = evidence_ids if f.ref == "evidence" else records[f.ref]
                for target in targets:
                    if target is not None and target not in pool:
                        what = "finding or case" if f.ref == "evidence" else f.ref[:-1]
                        problems.add(rec.origin, f"{kind[:-1]} '{rec.id}': field '{f.name}': "
                                                 f"no {what} '{target}'{suggest(target, pool)}")


def build(kind: str, fields: dict) -> Any:
    return RECORD_TYPES[kind](**fields)


def add_records(kind: str, raws: list[RawRecord], checker: Checker, into: dict[str, Any],
                problems: Problems, replace: bool = False,
                seen: dict[str, m.Origin] | None = None) -> None:
    """Convert and add records; a duplicate id is a problem unless ``replace`` (an overlay).

    ``seen`` remembers ids across calls, including those of records that failed
    to convert, so a duplicate is reported even when its twin has other problems."""
    seen = {} if seen is None else seen
    for raw in raws:
        rid = str(raw.data.get("id", ""))
        if rid and rid in seen and not replace:
            problems.add(raw.origin, f"{kind[:-1]} id '{rid}' is used twice (first at "
                                     f"{seen[rid]}); give one of them another id")
            continue
        if rid:
            seen[rid] = raw.origin
        fields = checker.convert(raw)
        if fields is not None:
            into[fields["id"]] = build(kind, fields)
