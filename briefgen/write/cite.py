"""Citations: numbering sources in order of first use and writing the source list.

English briefs list sources author-date style with the Chinese title kept
beside its translation; Chinese briefs follow GB/T 7714-2015 ("[J]" for papers,
"[N]" for newspaper articles).
"""
from __future__ import annotations

import re

from ..document import Citation, Reference
from ..library import Library
from ..library.model import Source

_GB_TYPE = {"paper": "J", "newspaper-article": "N", "feature": "N", "report": "R", "dataset": "DS", "other": "Z"}


class Citations:
    """Hands out reference numbers; the same source always gets the same number."""

    def __init__(self, library: Library, lang: str):
        self.library = library
        self.lang = lang
        self.order: list[str] = []

    def cite(self, source_id: str, where: str = "") -> Citation:
        if source_id not in self.order:
            self.order.append(source_id)
        return Citation(self.order.index(source_id) + 1, short_where(where, self.lang))

    def references(self) -> tuple[Reference, ...]:
        return tuple(Reference(i + 1, reference_text(self.library.sources[sid], self.lang),
                               self.library.sources[sid].url)
                     for i, sid in enumerate(self.order))


_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef][\u3000-\u303f\u3400-\u9fff\uff00-\uffef ]*")
_ZH_WORDS = (
    (r"opening para", "首段"),
    (r"paras (\d+)-(\d+)", r"第\1—\2段"), (r"paras (\d+) and (\d+)", r"第\1、\2段"),
    (r"para (\d+)", r"第\1段"), (r"sidebar", "边栏"), (r"lead", "导语"), (r"introduction", "引言"),
)


def short_where(section: str, lang: str) -> str:
    """A citation's locator, short enough to sit in a sentence.

    The curated ``section`` may repeat the article (already the reference
    itself), quote a long Chinese heading or gloss it in brackets; the mark keeps
    the section number and paragraph, and a short heading when that is all
    there is.  Chinese briefs get Chinese words ("第2段")."""
    where = re.sub(r"^article \d+,\s*", "", section.strip())
    where = where.replace("series introduction (editor's note)", "编者按" if lang == "zh" else "editor's note")
    where = where.replace("参考文献", "参考文献" if lang == "zh" else "reference list")
    if lang == "en":
        # A Chinese heading glossed in English ("枢纽天成 才路待通 (A natural hub)") is cited
        # by its English short title in English briefs.
        where = re.sub(r"[\u3400-\u9fff][\u3400-\u9fff\s]*\(([A-Za-z][^)]*)\)", r"‘\1’", where)
    where = re.sub(r"\s*\((?!\d+\))[^)]*\)", "", where)  # glosses go; "(3)" in "§5.2(3)" stays
    where = re.sub(r"\s*（[^）]*）", "", where)

    def heading(m: re.Match) -> str:
        text = m.group().strip()
        return text if len(text) <= 10 and not where.startswith("§") else ""

    where = _CJK_RUN.sub(heading, where)
    where = re.sub(r"\s*,\s*(,\s*)*", ", ", where).strip(" ,")
    if lang == "zh":
        for pattern, repl in _ZH_WORDS:
            where = re.sub(pattern, repl, where)
    return where


def _date_text(source: Source, lang: str) -> str:
    """The date, marked when it is inferred from the text rather than printed."""
    if source.date_status != "inferred":
        return source.date
    return source.date + ("（推断）" if lang == "zh" else ", inferred")


def reference_text(source: Source, lang: str) -> str:
    """One entry of the source list: GB/T 7714 in Chinese, author–year–title–outlet in English.

    How a date or an attribution was inferred is provenance, not part of the
    reference: :func:`provenance_text` gives it for the data note."""
    if lang == "zh":
        names = [a.name_zh for a in source.authors if a.name_zh]
        who = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
        kind = _GB_TYPE.get(source.kind, "Z")
        pub = f". {source.publication_zh}" if source.publication_zh else ""
        head = f"{who}. " if who else ""
        licence = f"（{source.licence}）" if source.licence else ""
        return f"{head}{source.title_zh}[{kind}]{pub}, {_date_text(source, lang)}{licence}."
    names = [a.name_en for a in source.authors if a.name_en]
    who = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    pub = f" {source.publication_en}." if source.publication_en else ""
    licence = f" Licence: {source.licence}." if source.licence else ""
    if not who:
        # No author printed: the title takes the author's place, as APA does.
        return f"{source.title_en} [{source.title_zh}] ({_date_text(source, lang)}).{pub}{licence}"
    return f"{who} ({_date_text(source, lang)}). {source.title_en} [{source.title_zh}].{pub}{licence}"


def provenance_text(source: Source, lang: str) -> str:
    """Where a source's text came from and what about it was inferred (research data note).

    The reasons for each inference are in the content (``date_note``, ``attribution_note``)
    and in the Markdown's metadata; the note says only what was inferred."""
    zh = lang == "zh"
    parts = [(f"原始文本 {source.seed_file}" if zh else f"source text {source.seed_file}") if source.seed_file else ""]
    if source.date_status == "inferred":
        parts.append("发表日期系据正文推断" if zh else "publication date inferred from the text")
    if source.attribution == "inferred":
        parts.append("作者与题名系据版面推断" if zh else "authorship and title inferred from the layout")
    return ("；" if zh else "; ").join(p for p in parts if p)
