"""Names users type: the id rule, and the one closest-match suggestion every message uses."""
from __future__ import annotations

import difflib
import re
from typing import Iterable

# fullmatch, never match with "$": "$" also matches before a trailing newline, so
# "suqian\n" would pass as an id and then name a file beside the real Suqian's.
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
#: Longest id: a brief's file name joins two region ids with the audience, length and
#: language, and must stay well inside the 255 bytes a file system allows.
MAX_ID = 64


def is_id(value: object) -> bool:
    """Whether ``value`` is a valid record id: lower-case letters, digits and '-'."""
    return isinstance(value, str) and len(value) <= MAX_ID and _ID.fullmatch(value) is not None


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known name most like ``value``, or None when none is close."""
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the closest known name, or "" (for the end of a message)."""
    guess = closest(value, known)
    return f"; did you mean '{guess}'?" if guess is not None else ""
