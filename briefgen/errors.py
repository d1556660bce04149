"""The one exception type a user sees.

Everything that is the user's to fix (an unknown region, a broken content file,
an unwritable output path) raises :class:`BriefgenError` with a message that says
what was wrong and what to do.  The CLI catches it once, prints the message and
exits with ``exit_code``; library callers catch it like any exception.
"""
from __future__ import annotations


class BriefgenError(Exception):
    """A problem the user can fix; ``str(error)`` is the whole message."""

    exit_code = 1


class BriefgenWarning(UserWarning):
    """Something the user should know and may fix, that still gives a usable file
    (a character no font has).  The CLI prints it as one "briefgen: warning:" line."""


class UsageError(BriefgenError):
    """A bad option value, region id or spec field (exit status 2, like click)."""

    exit_code = 2


class ContentError(BriefgenError):
    """Content that does not validate; carries every problem found, not just the first."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        count = len(problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the content:"
        super().__init__("\n".join([head, *("  " + p for p in problems)]))
