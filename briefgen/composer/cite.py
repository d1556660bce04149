"""Citations: numbering sources in order of first use and writing the source list.

English briefs list sources author-date style with the Chinese title kept
beside its translation; Chinese briefs follow GB/T 7714-2015 ("[J]" for papers,
"[N]" for newspaper articles).
"""
from __future__ import annotations

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
        return Citation(self.order.index(source_id) + 1, where)

    def references(self) -> tuple[Reference, ...]:
        return tuple(Reference(i + 1, reference_text(self.library.sources[sid], self.lang),
                               self.library.sources[sid].url)
                     for i, sid in enumerate(self.order))


def _date_text(source: Source, lang: str) -> str:
    d = source.date
    inferred = source.date_status == "inferred"
    if lang == "zh":
        return d + ("（推断）" if inferred else "")
    return d + (", inferred" if inferred else "")


def reference_text(source: Source, lang: str) -> str:
    """One entry of the source list, in the brief's language and citation style."""
    if lang == "zh":
        names = [a.name_zh for a in source.authors if a.name_zh]
        who = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
        kind = _GB_TYPE.get(source.kind, "Z")
        pub = f". {source.publication_zh}" if source.publication_zh else ""
        head = f"{who}. " if who else ""
        licence = f"（{source.licence}）" if source.licence else ""
        note = "（作者与题名据版面推断）" if source.attribution == "inferred" else ""
        return f"{head}{source.title_zh}[{kind}]{pub}, {_date_text(source, lang)}{licence}{note}. 原始文本: {source.seed_file}"
    names = [a.name_en for a in source.authors if a.name_en]
    who = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    head = f"{who} " if who else ""
    pub = f" {source.publication_en}." if source.publication_en else ""
    licence = f" Licence: {source.licence}." if source.licence else ""
    note = " Authorship and title inferred from the page layout." if source.attribution == "inferred" else ""
    return (f"{head}({_date_text(source, lang)}). {source.title_en} [{source.title_zh}]."
            f"{pub}{licence}{note} Source text: {source.seed_file}.")
