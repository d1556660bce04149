"""House style from ``briefgen.toml`` (in the working folder) or ``--config FILE``.

Example::

    organisation = "Suqian Bureau of Commerce"
    organisation_zh = "宿迁市商务局"
    logo = "logo.png"            # relative to this file
    accent = "#8B1A1A"
    paper = "A4"                 # or "Letter"
    font_cjk = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    reference_docx = "house.docx"

Unknown keys and missing files are errors that name the key and the fix.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .errors import UsageError
from .style import DEFAULT_STYLE, HouseStyle
from .tomlfile import read_toml

CONFIG_NAME = "briefgen.toml"
_PATH_KEYS = {"logo", "font_latin", "font_cjk", "reference_docx"}
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def load_style(config: str | Path | None = None, **overrides) -> HouseStyle:
    """The house style: defaults, then the config file, then explicit overrides (CLI options).

    Without ``config``, ``./briefgen.toml`` is read if it exists."""
    values: dict = {}
    source: Path | None = None
    if config is not None:
        source = Path(config)
        if not source.is_file():
            raise UsageError(f"config file not found: {config}")
        values = _read(source)
    elif Path(CONFIG_NAME).is_file():
        source = Path(CONFIG_NAME)
        values = _read(source)
    from_file = set(values)
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "accent" in values and "accent_light" not in values:
        values["accent_light"] = None     # HouseStyle derives it from the new accent
    for key in _PATH_KEYS & values.keys():
        if values[key] is not None:
            p = Path(values[key])
            if not p.is_file():
                # Say where the path came from: the config file, or a command-line option.
                where = (f"{source}: {key} = {str(values[key])!r}"
                         if key in from_file and overrides.get(key) is None
                         else f"--{key.replace('_', '-')} {values[key]}")
                raise UsageError(f"{where}: file not found; fix the path")
            values[key] = p if key in ("logo", "reference_docx") else str(p)
    return dataclasses.replace(DEFAULT_STYLE, **values)


def _read(path: Path) -> dict:
    import difflib

    data = read_toml(path, "the house style")
    fields = {f.name: f for f in dataclasses.fields(HouseStyle)}
    out: dict = {}
    for key, value in data.items():
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(fields)}"
            raise UsageError(f"{path}: unknown key '{key}'{hint}")
        if key in _PATH_KEYS:
            value = str((path.parent / str(value)).expanduser())
        elif key in ("accent", "accent_light") and not (isinstance(value, str) and _COLOUR.match(value)):
            raise UsageError(f"{path}: {key} = {value!r} is not a colour; write it as \"#1F4E79\"")
        elif key == "paper" and value not in ("A4", "Letter"):
            raise UsageError(f"{path}: paper = {value!r}; choose \"A4\" or \"Letter\"")
        elif key == "body_size" and not (isinstance(value, (int, float)) and 7 <= value <= 16):
            raise UsageError(f"{path}: body_size = {value!r}; give a size in points between 7 and 16")
        elif key not in ("body_size",) and not isinstance(value, str):
            raise UsageError(f"{path}: {key} must be text in quotes")
        out[key] = value
    return out
