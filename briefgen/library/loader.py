"""Read a content folder into records, checking everything and reporting every problem.

Files are recognised by name anywhere below the folder (see content/SCHEMA.md).
Each record kind is described once, as a list of :class:`Field` rules; one
generic reader applies them, so adding a field is one line, and every message
has the same shape: ``file:line: kind 'id': field 'x': what is wrong; what to do``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from .. import characters, links
from ..folders import inside
from ..names import MAX_ID, did_you_mean, is_id
from . import model as m
from .periods import parse as parse_period
from .units import QUALIFIERS, Unit

VALUE_RE = re.compile(r"-?\d+(\.\d+)?")
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
#: A figure as printed is short; a longer "number" is a paste gone wrong (and one
#: over Python's 4,300-digit limit could not even be converted).
MAX_VALUE_CHARS = 40
#: Longest URL a source may give.
MAX_URL_CHARS = 2000
MAX_FILE_BYTES = 20 * 1024 * 1024
# What `briefgen new region` leaves for the user to replace; content that still holds it
# is refused, so a skeleton never becomes a brief with "<<fill in ...>>" printed in it.
PLACEHOLDER = "<<fill in"
# A locator that points at a place rather than quoting it: "p. 12", "Table 3", "表3", "第12页".
# Only a user's own source (one without a seed text) may be cited this way; a seed text can be
# searched, so records citing it must quote a verbatim phrase (the provenance check).
REFERENCE_LOCATOR_RE = re.compile(
    r"^\s*(?:(?:pp?\.|pages?|tables?|tab\.|figures?|fig\.|charts?|sheets?|rows?|annex|appendix)\s*"
    r"[0-9A-Za-z]|(?:附表|附图|表|图)\s*[0-9一二三四五六七八九十]|第\s*[0-9一二三四五六七八九十]+\s*[页张表图])",
    re.IGNORECASE)
#: Columns `briefgen list KIND --format csv` adds for people (where each record is and when
#: its period ends); read back as an overlay they are ignored, with a note.
EXPORT_ONLY_COLUMNS = ("file", "line", "period_end")

FILE_KINDS = {
    "regions.yaml": "regions", "themes.yaml": "themes", "units.yaml": "units",
    "findings.yaml": "findings", "cases.yaml": "cases",
    "recommendations.yaml": "recommendations", "sources.yaml": "sources",
    # What `briefgen list KIND --format csv` writes, read back as an overlay (table.py).
    "indicators.csv": "indicators", "regions.csv": "regions", "themes.csv": "themes",
    "sources.csv": "sources", "findings.csv": "findings", "cases.csv": "cases",
    "recommendations.csv": "recommendations", "facts.yaml": "facts", "terms.yaml": "terms",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"            # id | text | str | list | int | enum | ref | refs | period | unit | value | date
    required: bool = True
    ref: str | None = None        # for ref/refs: the record kind referred to
    choices: tuple[str, ...] = ()
    default: Any = None
    #: Longest text (in characters) the field may hold; every text field has one.
    limit: int = characters.NAME_CHARS


_PROSE = characters.PROSE_CHARS


def _bi(name: str, required: bool = True, limit: int = characters.NAME_CHARS) -> list[Field]:
    """A reader-visible text field in both languages."""
    return [Field(f"{name}_en", "text" if required else "str", required, default="", limit=limit),
            Field(f"{name}_zh", "text" if required else "str", required, default="", limit=limit)]


SCHEMAS: dict[str, list[Field]] = {
    "regions": [Field("id", "id"), *_bi("name"), Field("aliases", "list", False, default=()),
                Field("level", "enum", choices=m.REGION_LEVELS),
                Field("parent", "ref", False, ref="regions"), *_bi("profile", limit=_PROSE),
                Field("sources", "refs", False, ref="sources", default=())],
    "themes": [Field("id", "id"), *_bi("name"), *_bi("short", False), *_bi("description", False, limit=_PROSE)],
    "sources": [Field("id", "id"), Field("seed_file", "str", False, default=""), *_bi("title"),
                Field("authors", "authors", False, default=()),
                Field("kind", "enum", choices=m.SOURCE_KINDS), *_bi("publication", False),
                Field("date", "date"), Field("date_status", "enum", choices=("printed", "inferred")),
                *_bi("date_note", False, limit=_PROSE),
                Field("language", "str", False, default="zh"),
                Field("licence", "str", False), Field("url", "url", False, limit=MAX_URL_CHARS),
                *_bi("attribution_note", False, limit=_PROSE),
                Field("attribution", "enum", False, choices=("printed", "inferred"), default="printed")],
    "indicators": [Field("id", "id"), Field("region", "ref", ref="regions"), *_bi("indicator"),
                   Field("value", "value"), Field("unit", "unit"), Field("period", "period"),
                   Field("qualifier", "enum", choices=QUALIFIERS),
                   Field("theme", "ref", ref="themes"), Field("source", "ref", ref="sources"),
                   Field("locator", "text"), Field("section", "str", False, default=""),
                   *_bi("note", False, limit=_PROSE), Field("measure", "str", False, default="")],
    "findings": [Field("id", "id"), Field("region", "ref", ref="regions"),
                 Field("theme", "ref", ref="themes"), Field("kind", "enum", choices=m.FINDING_KINDS),
                 *_bi("text", limit=_PROSE), Field("indicators", "refs", False, ref="indicators", default=()),
                 Field("source", "ref", ref="sources"), Field("locator", "str", False, default=""),
                 Field("section", "str", False, default=""), Field("priority", "int", False, default=2)],
    "cases": [Field("id", "id"), Field("region", "ref", ref="regions"),
              Field("themes", "refs", ref="themes"), *_bi("title"), *_bi("actor"),
              Field("when", "str", False, default="unspecified"), *_bi("what", limit=_PROSE), *_bi("result", limit=_PROSE),
              *_bi("transferable", limit=_PROSE), Field("indicators", "refs", False, ref="indicators", default=()),
              Field("source", "ref", ref="sources"), Field("locator", "str", False, default=""),
              Field("section", "str", False, default="")],
    "recommendations": [Field("id", "id"), Field("region", "ref", ref="regions"), *_bi("action", limit=_PROSE),
                        *_bi("rationale", False, limit=_PROSE),
                        Field("actors", "list", choices=m.ACTORS),
                        Field("audiences", "list", choices=m.AUDIENCES),
                        Field("themes", "refs", ref="themes"),
                        Field("horizon", "enum", choices=m.HORIZONS),
                        Field("priority", "int", False, default=2),
                        Field("evidence", "refs", ref="evidence"),
                        Field("benchmark", "ref", False, ref="regions"),
                        Field("source", "ref", ref="sources"), Field("locator", "str", False, default=""),
                        Field("section", "str", False, default="")],
    "facts": [Field("id", "id"), Field("region", "ref", ref="regions"), Field("key", "id"),
              Field("kind", "enum", False, choices=m.FACT_KINDS, default="fact"), *_bi("label"),
              *_bi("value", limit=_PROSE), Field("date", "date", False, default=""),
              Field("theme", "ref", ref="themes"), Field("source", "ref", ref="sources"),
              Field("locator", "text"), Field("section", "str", False, default="")],
    "terms": [Field("id", "id"), *_bi("term"), Field("forms_en", "list", False, default=()),
              Field("forms_zh", "list", False, default=()), Field("avoid_en", "list", False, default=()),
              *_bi("definition", limit=_PROSE), Field("source", "ref", False, ref="sources"),
              Field("locator", "str", False, default=""), Field("section", "str", False, default="")],
}

RECORD_TYPES: dict[str, type] = {
    "regions": m.Region, "themes": m.Theme, "sources": m.Source, "indicators": m.Indicator,
    "findings": m.Finding, "cases": m.Case, "recommendations": m.Recommendation,
    "facts": m.Fact, "terms": m.Term,
}

INDICATOR_COLUMNS = [f.name for f in SCHEMAS["indicators"]]


@dataclass
class RawRecord:
    kind: str
    data: dict
    origin: m.Origin


class Problems:
    """Collects every problem so that one ``briefgen check`` run shows them all.

    ``notes`` are things the user should know that are not wrong (ignored columns)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.notes: list[str] = []

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
    nul = raw.find(b"\0")
    if nul >= 0:
        # Text never holds NUL; a file full of them was most likely saved as UTF-16.
        line = raw.count(b"\n", 0, nul) + 1
        problems.add(f"{shown}:{line}", "the file contains a NUL byte, which "
                     "text never has; remove it (a file saved as UTF-16 is full of them: save it as UTF-8)")
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
    from . import safe_yaml     # here: a library read from the parsed cache never imports PyYAML

    try:
        data = safe_yaml.load(text)
    except safe_yaml.Refused as e:
        problems.add(f"{shown}:{e.line}" if e.line else shown, e.reason)
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


def discover(root: Path, problems: Problems) -> Iterable[tuple[str, Path, str]]:
    """(kind, path, shown name) for every content file below ``root``, in a stable order.

    Symbolic links that lead outside ``root`` (to a file or a folder) are skipped
    with a problem: a content folder must not make briefgen read files elsewhere
    on the machine.  Links to folders are never followed (as rglob does not)."""
    for path in sorted(root.rglob("*")):
        if path.is_symlink() and path.is_dir():
            if not inside(root, path):
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
        if not inside(root, path):
            problems.add(shown, "is a link to a file outside the content folder; briefgen does not "
                                "follow it. Copy the file into the folder instead")
            continue
        if not path.is_file():
            problems.add(shown, "has a content file's name but is not an ordinary file (a folder, pipe "
                                "or device); rename it or replace it with the file")
            continue
        yield kind, path, shown


# --------------------------------------------------------------------------- checking fields

suggest = did_you_mean   # the name the rest of the loader (and older callers) use


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
                out[f.name] = self._field(self._one_language_enough(f, data), data.get(f.name))
            except ValueError as e:
                self.problems.add(raw.origin, f"{label}: field '{f.name}': {e}")
                ok = False
        out["origin"] = raw.origin
        return out if ok else None

    @staticmethod
    def _one_language_enough(f: Field, data: dict) -> Field:
        """A required text may be left out when its other-language twin is written."""
        if not f.required or f.kind != "text" or f.name[-3:] not in ("_en", "_zh"):
            return f
        twin = f.name[:-3] + ("_zh" if f.name.endswith("_en") else "_en")
        if _blank(data.get(twin)) and f.name.endswith("_en"):
            # Both blank: one problem, reported on the _en field.
            raise ValueError(f"missing; write it in English ({f.name}) or Chinese ({twin}), or both")
        return Field(f.name, "str", False, default="", limit=f.limit)

    def check_value(self, kind: str, name: str, value: Any) -> Any:
        """One field of a ``kind`` record, checked as the loader checks it (ValueError if wrong)."""
        f = next(f for f in SCHEMAS[kind] if f.name == name)
        return self._field(f, value)

    def _field(self, f: Field, value: Any) -> Any:
        if PLACEHOLDER in str(value):
            raise ValueError("is still the placeholder that 'briefgen new region' wrote; replace it "
                             "with your own text, as the comment above it says")
        if value is None or (isinstance(value, str) and value.strip() == "" and f.kind != "str"):
            if f.required:
                raise ValueError("missing; add it")
            return f.default
        if f.kind in ("text", "str"):
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ValueError(f"expected text, found {type(value).__name__}")
            s = str(value).strip()
            characters.check(s, f.limit)
            # Names, codes and periods recur across thousands of records: keep one copy.
            return self._one(s) if f.kind == "str" else s
        if f.kind == "url":
            s = _text(value, f.limit)
            reason = links.unsafe(s)
            if reason:
                raise ValueError(f"{reason}; {links.ADVICE}")
            return s
        if f.kind == "id":
            if not is_id(value):
                shown = repr(value) if not isinstance(value, str) or len(value) <= MAX_ID else f"{value[:MAX_ID]!r}..."
                raise ValueError(f"{shown} is not a valid id; use lower-case letters, digits and '-', "
                                 f"at most {MAX_ID} characters (e.g. 'suqian-cbec-trade-2024')")
            return self._one(value)
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
                characters.check(x, f.limit)
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
            if len(s) > MAX_VALUE_CHARS or not VALUE_RE.fullmatch(s):
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
            if not DATE_RE.fullmatch(s):
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
                parts = {}
                for key in ("name_zh", "name_en", "affiliation_zh", "affiliation_en"):
                    try:
                        parts[key] = _text(a.get(key, ""), f.limit)
                    except ValueError as e:
                        raise ValueError(f"author {len(authors) + 1}, {key}: {e}") from None
                unknown = sorted(set(map(str, a)) - set(parts))
                if unknown:
                    raise ValueError(f"author {len(authors) + 1}: unknown field '{unknown[0]}'"
                                     f"{suggest(unknown[0], parts)}")
                authors.append(m.Author(**parts))
            return tuple(authors)
        raise AssertionError(f.kind)


def _text(value: Any, limit: int) -> str:
    """A text value (a number is written as text) through the character policy."""
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f"expected text, found {type(value).__name__}")
    s = str(value).strip()
    characters.check(s, limit)
    return s


#: A unit's factor converts a printed value to its base; 10**15 is more than 万亿 (10**12).
MAX_FACTOR = Decimal(10) ** 15
_UNIT_KEYS = ("unit", "en", "base", "factor")


def load_units(raws: list[RawRecord], problems: Problems,
               into: dict[str, Unit] | None = None) -> dict[str, Unit]:
    """Units by name, each checked; a unit named again replaces the one before (``into``)."""
    units: dict[str, Unit] = dict(into or {})
    for raw in raws:
        d = raw.data
        name = d.get("unit")
        label = f"unit '{name}'" if isinstance(name, str) else "unit"
        unknown = [str(k) for k in d if k not in _UNIT_KEYS]
        if unknown:
            problems.add(raw.origin, f"{label}: unknown field '{unknown[0]}'{suggest(unknown[0], _UNIT_KEYS)}")
            continue
        try:
            unit = _unit(d)
        except ValueError as e:
            problems.add(raw.origin, f"{label}: {e}")
            continue
        units[unit.unit] = unit
    return units


def _unit(d: dict) -> Unit:
    name, en, base = d.get("unit"), d.get("en", ""), d.get("base")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("field 'unit': give the unit as printed, as text (e.g. 亿元)")
    for key, value in (("unit", name), ("en", en)):
        try:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ValueError(f"expected text, found {type(value).__name__}")
            characters.check(str(value), characters.NAME_CHARS)
        except ValueError as e:
            raise ValueError(f"field '{key}': {e}") from None
    if base is not None and not (isinstance(base, str) and is_id(base.lower())):
        raise ValueError(f"field 'base': {base!r} is not a base unit name; write one word such as CNY, USD, "
                         "count or tonne, or null for a unit shown as is")
    factor = d.get("factor", 1)
    if isinstance(factor, bool) or not isinstance(factor, (int, float, str)) or len(str(factor)) > 40:
        raise ValueError(f"field 'factor': {str(factor)[:40]!r} is not a number; write e.g. 100000000")
    try:
        value = Decimal(str(factor))
    except InvalidOperation:
        raise ValueError(f"field 'factor': {factor!r} is not a number; write e.g. 100000000") from None
    if not value.is_finite() or not 0 < value <= MAX_FACTOR:
        raise ValueError(f"field 'factor': {factor!r}; give a positive number no larger than 10^15")
    return Unit(name.strip(), str(en).strip(), base, value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_reference_locator(locator: str) -> bool:
    """True for a locator that names a page, table or figure ("p. 12", "表3") instead of quoting."""
    return bool(REFERENCE_LOCATOR_RE.match(locator or ""))


def check_locators(records: dict[str, dict[str, Any]], problems: Problems) -> None:
    """A record citing a source with a seed text quotes it; a page or table number is for a
    user's own source, whose text briefgen does not have."""
    for kind in ("indicators", "findings", "cases", "recommendations", "facts", "terms"):
        for rec in records[kind].values():
            source = records["sources"].get(rec.source)
            if kind == "terms" and source is not None and source.seed_file and not rec.locator:
                problems.add(rec.origin, f"term '{rec.id}': field 'locator': missing; a definition that comes "
                             f"from source '{source.id}' quotes the phrase it rests on")
            if kind == "terms" and rec.source is None and rec.locator:
                problems.add(rec.origin, f"term '{rec.id}': field 'locator': given without a source; add the "
                             "source it quotes, or leave both out for a definition of your own")
            if source is not None and source.seed_file and is_reference_locator(rec.locator):
                problems.add(rec.origin, f"{kind[:-1]} '{rec.id}': field 'locator': {rec.locator!r} names a "
                             f"place, but source '{source.id}' has a text ({source.seed_file}); copy a "
                             "verbatim phrase from it (page and table numbers are for your own sources)")


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
    here: set[str] = set()      # ids of this folder: an overlay replaces others' records, not its own
    for raw in raws:
        rid = str(raw.data.get("id", ""))
        if rid and rid in seen and (not replace or rid in here):
            problems.add(raw.origin, f"{kind[:-1]} id '{rid}' is used twice (first at "
                                     f"{seen[rid]}); give one of them another id")
            continue
        if rid:
            seen[rid] = raw.origin
            here.add(rid)
        fields = checker.convert(raw)
        if fields is not None:
            into[fields["id"]] = build(kind, fields)
