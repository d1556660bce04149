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
from pathlib import Path

from .errors import UsageError
from .style import _FIELDS, _PATH_KEYS, DEFAULT_STYLE, HouseStyle, _problem
from .tomlfile import read_toml

CONFIG_NAME = "briefgen.toml"


def load_style(config: str | Path | None = None, **overrides) -> HouseStyle:
    """The house style: defaults, then the config file, then explicit overrides (CLI options).

    Without ``config``, ``./briefgen.toml`` is read if it exists.  Overrides (the
    CLI's options, or keyword arguments from Python) are checked by the same
    rules as the file, and every problem is reported at once."""
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
    given = {k: v for k, v in overrides.items() if v is not None}
    problems: list[str] = []
    for key, value in given.items():
        message = _problem(key, value)
        if message:
            problems.append(f"{key}={value!r}: {message}")
        given[key] = str(value) if key in _PATH_KEYS else value
    if problems:
        raise UsageError("; ".join(problems))
    values.update(given)
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
    data = read_toml(path, "the house style")
    problems = []
    out: dict = {}
    for key, value in data.items():
        message = _problem(key, value)
        if message:
            shown = f"{key} = {value!r}" if key in _FIELDS else f"unknown key '{key}'"
            problems.append(f"{path}: {shown}: {message}" if key in _FIELDS
                            else f"{path}: {shown}{message[len('unknown key'):]}")
            continue
        out[key] = str((path.parent / value).expanduser()) if key in _PATH_KEYS else value
    if problems:
        raise UsageError("\n".join(problems))
    return out
