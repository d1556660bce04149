"""The records of the knowledge base, as loaded and validated.

Every record knows where it came from (``origin``: file and line) so that
problems found later can still point the user at the line to fix.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import ClassVar

from .periods import Period
from .units import Unit


@dataclass(frozen=True)
class Origin:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Translated:
    """A record whose reader-visible texts come as ``<name>_en`` and ``<name>_zh``.

    One language is enough to load (a Chinese-only office writes Chinese only);
    ``has_lang`` says whether a brief in ``lang`` has the record's text to show."""

    #: The texts a brief shows; the optional ones (notes, rationales) are not judged.
    TRANSLATED: ClassVar[tuple[str, ...]] = ()

    def has_lang(self, lang: str) -> bool:
        return all(getattr(self, f"{name}_{lang}") for name in self.TRANSLATED)

    def missing_texts(self, lang: str) -> list[str]:
        """The fields a ``lang`` brief would lack, e.g. ``['text_en']``."""
        return [f"{name}_{lang}" for name in self.TRANSLATED if not getattr(self, f"{name}_{lang}")]


@dataclass(frozen=True)
class Region(Translated):
    TRANSLATED = ("name", "profile")

    id: str
    name_en: str
    name_zh: str
    aliases: tuple[str, ...]
    level: str
    parent: str | None
    profile_en: str
    profile_zh: str
    sources: tuple[str, ...]
    origin: Origin

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def profile(self, lang: str) -> str:
        return self.profile_zh if lang == "zh" else self.profile_en


@dataclass(frozen=True)
class Theme(Translated):
    TRANSLATED = ("name",)

    id: str
    name_en: str
    name_zh: str
    short_en: str           # a word or two for titles ("talent", "supply chains")
    short_zh: str
    description_en: str
    description_zh: str
    origin: Origin

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def short(self, lang: str) -> str:
        return (self.short_zh or self.name_zh) if lang == "zh" else (self.short_en or self.name_en).lower()


@dataclass(frozen=True)
class Author:
    name_zh: str
    name_en: str
    affiliation_zh: str
    affiliation_en: str


@dataclass(frozen=True)
class Source(Translated):
    TRANSLATED = ("title",)

    id: str
    seed_file: str
    title_zh: str
    title_en: str
    authors: tuple[Author, ...]
    kind: str
    publication_zh: str
    publication_en: str
    date: str                 # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    date_status: str          # printed | inferred
    date_note_en: str
    date_note_zh: str
    language: str
    licence: str | None
    url: str | None
    attribution_note_en: str
    attribution_note_zh: str
    #: "inferred" when the layout leaves authorship or title in doubt (the note says why).
    attribution: str
    origin: Origin

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class Indicator(Translated):
    TRANSLATED = ("indicator",)

    id: str
    region: str
    indicator_en: str
    indicator_zh: str
    value: str                # exactly as printed
    unit: Unit
    period: Period
    qualifier: str
    theme: str
    source: str
    locator: str
    section: str
    note_en: str
    note_zh: str
    #: A shared key for figures that measure the same thing in different regions
    #: (e.g. "cbec-trade-value"), so they can stand side by side in a table or chart.
    measure: str
    origin: Origin

    def label(self, lang: str) -> str:
        return self.indicator_zh if lang == "zh" else self.indicator_en

    def note(self, lang: str) -> str:
        return self.note_zh if lang == "zh" else self.note_en


@dataclass(frozen=True)
class Finding(Translated):
    TRANSLATED = ("text",)

    id: str
    region: str
    theme: str
    kind: str
    text_en: str
    text_zh: str
    indicators: tuple[str, ...]
    source: str
    locator: str
    section: str
    priority: int
    origin: Origin

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en


@dataclass(frozen=True)
class Case(Translated):
    TRANSLATED = ("title", "actor", "what", "result", "transferable")

    id: str
    region: str
    themes: tuple[str, ...]
    title_en: str
    title_zh: str
    actor_en: str
    actor_zh: str
    when: str
    what_en: str
    what_zh: str
    result_en: str
    result_zh: str
    transferable_en: str
    transferable_zh: str
    indicators: tuple[str, ...]
    source: str
    locator: str
    section: str
    origin: Origin

    def field(self, name: str, lang: str) -> str:
        return getattr(self, f"{name}_{'zh' if lang == 'zh' else 'en'}")


@dataclass(frozen=True)
class Recommendation(Translated):
    TRANSLATED = ("action",)

    id: str
    region: str
    action_en: str
    action_zh: str
    rationale_en: str
    rationale_zh: str
    actors: tuple[str, ...]
    audiences: tuple[str, ...]
    themes: tuple[str, ...]
    horizon: str
    priority: int
    evidence: tuple[str, ...]
    benchmark: str | None
    source: str
    locator: str
    section: str
    origin: Origin

    def action(self, lang: str) -> str:
        return self.action_zh if lang == "zh" else self.action_en

    def rationale(self, lang: str) -> str:
        return self.rationale_zh if lang == "zh" else self.rationale_en


@dataclass(frozen=True)
class Fact(Translated):
    """A fact about a region that is not an amount but compares across regions: the
    year its pilot zone was approved, a first-of-its-kind regulation.  Facts with the
    same ``key`` stand side by side in a brief's comparison table.

    A ``not-published`` fact records that a source says the region's figure on the
    measure ``key`` is not published; only then does a brief say "not published"."""

    TRANSLATED = ("label", "value")

    id: str
    region: str
    key: str
    kind: str                 # fact | not-published
    label_en: str
    label_zh: str
    value_en: str             # the cell, as a reader sees it ("March 2015; the first in China")
    value_zh: str
    date: str                 # ISO YYYY, YYYY-MM or YYYY-MM-DD when the fact is dated, else ""
    theme: str
    source: str
    locator: str
    section: str
    origin: Origin

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def value(self, lang: str) -> str:
        return self.value_zh if lang == "zh" else self.value_en


@dataclass(frozen=True)
class Term(Translated):
    """A code or coined term a foreign reader cannot decode, with its rendering in each
    language and a definition.  A brief's glossary lists the terms its text uses;
    ``forms_*`` are the other spellings that count as a use (plurals, full names), and
    ``avoid_en`` the renderings English content must not use instead."""

    TRANSLATED = ("term", "definition")

    id: str
    term_en: str
    term_zh: str
    forms_en: tuple[str, ...]
    forms_zh: tuple[str, ...]
    avoid_en: tuple[str, ...]
    definition_en: str
    definition_zh: str
    source: str | None        # where the definition comes from a source
    locator: str
    section: str
    origin: Origin

    def term(self, lang: str) -> str:
        return self.term_zh if lang == "zh" else self.term_en

    def forms(self, lang: str) -> tuple[str, ...]:
        """Every spelling that counts as a use of the term in ``lang`` text."""
        return (self.term(lang), *(self.forms_zh if lang == "zh" else self.forms_en))

    def definition(self, lang: str) -> str:
        return self.definition_zh if lang == "zh" else self.definition_en

    def used_in(self, text: str, lang: str) -> bool:
        """Whether ``text`` (in ``lang``) uses the term in one of its forms."""
        return bool(_pattern(self.forms(lang)).search(dashes(text)))

    def misrendered_in(self, text: str) -> list[str]:
        """The ``avoid_en`` renderings that English ``text`` uses."""
        return [bad for bad in self.avoid_en if _pattern((bad,)).search(dashes(text))]


def dashes(text: str) -> str:
    """Hyphens and dashes read alike when matching ("industry–education", "industry-education")."""
    return re.sub("[\u2010-\u2014]", "-", text)


@functools.lru_cache(maxsize=1024)
def _pattern(forms: tuple[str, ...]) -> re.Pattern:
    """One pattern for every form: a Latin form as a whole word, in any case, with an
    optional plural; a Chinese form wherever it stands."""
    parts = []
    for form in sorted(filter(None, forms), key=len, reverse=True):
        body = re.escape(dashes(form))
        if form.isascii():
            parts.append(rf"(?<![A-Za-z0-9]){body}(?:s|es)?(?![A-Za-z0-9])")
        else:
            parts.append(body)
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


FACT_KINDS = ("fact", "not-published")
ACTORS = ("government", "enterprises", "colleges", "associations", "platforms", "research")
AUDIENCES = ("government", "industry", "education", "research")
HORIZONS = ("short", "medium", "long")
FINDING_KINDS = ("strength", "problem", "context", "result", "trend")
REGION_LEVELS = ("country", "province", "city", "county", "district", "new-area", "zone", "bloc")
# bulletin, survey and internal-report are an analyst's own documents (statistical bulletins,
# questionnaires, office reports), cited by page or table rather than by a verbatim phrase.
SOURCE_KINDS = ("paper", "newspaper-article", "feature", "report", "dataset", "bulletin", "survey",
                "internal-report", "other")
