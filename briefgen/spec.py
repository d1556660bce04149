"""BriefSpec: what one brief is about and for whom.

The CLI, the batch runner and the Python API all build a BriefSpec and hand it
to the same :func:`briefgen.compose`, so a brief made any of those ways
is the same brief.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from . import clock
from .errors import UsageError

AUDIENCES = ("government", "industry", "education", "research")
LENGTHS = ("short", "standard", "full")
LANGS = ("en", "zh")
#: What a brief does with a record that has no text in its language: leave it out, or refuse.
MISSING_TRANSLATION = ("omit", "fail")
#: Pages of A4 each length may fill, measured on the PDF.
PAGE_BUDGET = {"short": 2, "standard": 4, "full": 12}


def edition_date() -> date:
    """Today, or the date SOURCE_DATE_EPOCH names (reproducible builds; see clock.py)."""
    return clock.today()


@dataclass(frozen=True)
class BriefSpec:
    """One brief: region, benchmark (None = choose one), audience, length, language, dates.

    Region and benchmark are ids; :meth:`resolve` turns names such as "宿迁市" into ids."""

    region: str
    benchmark: str | None = None
    audience: str = "government"
    length: str = "standard"
    lang: str = "en"
    #: Build from the content as it stood on this date (None: all content).
    as_of: date | None = None
    #: The edition date printed on the brief (None: today or SOURCE_DATE_EPOCH).
    date: date | None = None
    #: Ids of figures and cases new since the previous edition ("What's new" section).
    new_since: tuple[str, ...] | None = field(default=None, compare=True)
    #: "omit": records without text in ``lang`` are left out; "fail": resolve() refuses the brief,
    #: naming them.  Nothing is machine-translated either way.
    missing_translation: str = "omit"

    def __post_init__(self) -> None:
        for name, value, allowed in (("audience", self.audience, AUDIENCES),
                                     ("length", self.length, LENGTHS), ("lang", self.lang, LANGS),
                                     ("missing_translation", self.missing_translation, MISSING_TRANSLATION)):
            if value not in allowed:
                raise UsageError(f"unknown {name} '{value}'; choose one of {', '.join(allowed)}")

    @property
    def edition(self) -> date:
        return self.date or edition_date()

    def resolve(self, library) -> "BriefSpec":
        """The same spec with region and benchmark as canonical ids (names accepted)."""
        region = library.region(self.region).id
        benchmark = library.region(self.benchmark).id if self.benchmark else None
        if benchmark == region:
            raise UsageError(f"the benchmark is the region itself ('{region}'); choose another "
                             "region to learn from, or leave --benchmark out to let briefgen choose")
        if self.missing_translation == "fail":
            from .readiness import require_lang

            require_lang(library, (region, benchmark), self.lang)
        return replace(self, region=region, benchmark=benchmark)

    def file_stem(self, benchmark: str | None = None) -> str:
        """A file name that says what the brief is and is safe on any file system."""
        parts = [self.region, f"from-{benchmark}" if benchmark else "situation",
                 self.audience, self.length, self.lang]
        if self.as_of:
            parts.append(f"as-of-{self.as_of.isoformat()}")
        stem = "_".join(parts)
        # Never cut: a cut name loses its language or date, and two briefs collide.  Ids are
        # at most 64 ASCII characters (names.MAX_ID), so a stem stays under 190 of the 255
        # bytes a file name may have.
        return re.sub(r"[^a-z0-9_.-]", "-", stem.lower())
