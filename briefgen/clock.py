"""The one reader of SOURCE_DATE_EPOCH: what "now" is for a brief, its manifest and its files.

Reproducible builds set SOURCE_DATE_EPOCH (seconds since 1970, UTC); every date
and time briefgen writes comes from :func:`now`, so one bad value is one clear
message wherever it is read, and a good one gives the same bytes everywhere.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone

from .errors import UsageError

#: The latest moment accepted: the end of the year 9999, the last a date can hold.
_MAX_EPOCH = 253402300799


def now() -> datetime:
    """The current time in UTC, or the moment SOURCE_DATE_EPOCH names."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return datetime.now(timezone.utc)
    text = epoch.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > _MAX_EPOCH:
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970 "
                         "(up to the year 9999); set it to e.g. $(date +%s) or unset it")
    return datetime.fromtimestamp(int(text), tz=timezone.utc)


def today() -> date:
    """Today's date (UTC when SOURCE_DATE_EPOCH is set, else the local date)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return now().date()
    return date.today()
