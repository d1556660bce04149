"""Read a TOML file (a batch plan, a house style) with briefgen's own messages."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The tables in ``path``; a file that is not UTF-8 or not TOML is one UsageError.

    ``what`` names the file for the user ("the plan", "the house style").  The parser's
    own description of a syntax error (with its line and column) is quoted in brackets
    inside briefgen's sentence, which is what stays the same from one release to the next."""
    try:
        # utf-8-sig: a file saved by Notepad starts with a byte-order mark, which is not an error.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; save {what} as UTF-8") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read {what} ({e.strerror})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: not valid TOML ({e}); fix the syntax of {what}") from None
