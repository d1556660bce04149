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

    def __init__(self, library: Library, lang: str, detail: bool = True):
        self.library = library
        self.lang = lang
        self.detail = detail
        self.order: list[str] = []

    def cite(self, source_id: str, where: str = "") -> Citation:
        if source_id not in self.order:
            self.order.append(source_id)
        return Citation(self.order.index(source_id) + 1, short_where(where, self.lang))

    def references(self) -> tuple[Reference, ...]:
        return tuple(Reference(i + 1, reference_text(self.library.sources[sid], self.lang, self.detail),
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
    d = source.date
    inferred = source.date_status == "inferred"
    if lang == "zh":
        return d + ("（推断）" if inferred else "")
    return d + (", inferred" if inferred else "")


def reference_text(source: Source, lang: str, detail: bool = True) -> str:
    """One entry of the source list, in the brief's language and citation style."""
    if lang == "zh":
        names = [a.name_zh for a in source.authors if a.name_zh]
        who = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
        kind = _GB_TYPE.get(source.kind, "Z")
        pub = f". {source.publication_zh}" if source.publication_zh else ""
        head = f"{who}. " if who else ""
        licence = f"（{source.licence}）" if source.licence else ""
        note = "（作者与题名据版面推断）" if source.attribution == "inferred" else ""
        file = f" 原始文本: {source.seed_file}" if detail and source.seed_file else ""
        return f"{head}{source.title_zh}[{kind}]{pub}, {_date_text(source, lang)}{licence}{note}.{file}"
    names = [a.name_en for a in source.authors if a.name_en]
    who = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    head = f"{who} " if who else ""
    pub = f" {source.publication_en}." if source.publication_en else ""
    licence = f" Licence: {source.licence}." if source.licence else ""
    note = " Authorship and title inferred from the page layout." if source.attribution == "inferred" else ""
    file = f" Source text: {source.seed_file}." if detail and source.seed_file else ""
    if not who:
        # No author printed: the title takes the author's place, as APA does.
        return (f"{source.title_en} [{source.title_zh}] ({_date_text(source, lang)})."
                f"{pub}{licence}{note}{file}")
    return (f"{head}({_date_text(source, lang)}). {source.title_en} [{source.title_zh}]."
            f"{pub}{licence}{note}{file}")
