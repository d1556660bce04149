"""The package around the body: document properties, relationships, content types, the zip."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from typing import Iterable

from ... import clock
from ...document import Brief, Paragraph, plain
from .prepared import Prepared, rels_name
from .wml import LANG_TAG, attr, clean, esc
from .zipped import member, write

_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def core_xml(brief: Brief) -> bytes:
    """File > Info as it is true of this brief: its title, its publisher (or nobody), its dates.

    Nothing the template's (or python-docx's) own properties said is kept."""
    meta = brief.meta

    def prop(text: str) -> str:
        return esc(clean(text)[:255])     # the limit python-docx enforces for properties

    lede = next((plain(b.inlines) for b in brief.blocks
                 if isinstance(b, Paragraph) and b.role == "lead"), "")
    publisher = prop(meta.author)         # the organisation of the house style, or empty
    when = _stamp(meta.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{prop(meta.title)}</dc:title><dc:subject>{prop(meta.subject)}</dc:subject>"
        f"<dc:creator>{publisher}</dc:creator><cp:lastModifiedBy>{publisher}</cp:lastModifiedBy>"
        f"<cp:keywords>{prop(', '.join(meta.keywords))}</cp:keywords>"
        f"<dc:language>{LANG_TAG.get(meta.lang, 'en-GB')}</dc:language>"
        f"<dc:description>{prop(lede or meta.subtitle)}</dc:description>"
        f"<dc:identifier>{prop(meta.brief_id)}</dc:identifier>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "<cp:revision>1</cp:revision></cp:coreProperties>").encode("utf-8")


def app_xml(brief: Brief) -> bytes:
    """Extended properties without the template's claims (its program, page and word counts)."""
    publisher = esc(clean(brief.meta.author)[:255])
    company = f"<Company>{publisher}</Company>" if publisher else ""
    return (f"{_DECLARATION}"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties">' f"{company}<DocSecurity>0</DocSecurity>"
            "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            "<HyperlinksChanged>false</HyperlinksChanged></Properties>").encode("utf-8")


def rels_xml(rels: Iterable[tuple[str, str, str, bool]]) -> bytes:
    items = "".join(f'<Relationship Id="{attr(rid)}" Type="{attr(rtype)}" Target="{attr(target)}"'
                    + (' TargetMode="External"/>' if external else "/>")
                    for rid, rtype, target, external in rels)
    return f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">{items}</Relationships>'.encode("utf-8")


def content_types_xml(template: Prepared, defaults: Iterable[tuple[str, str]],
                      overrides: Iterable[tuple[str, str]]) -> bytes:
    """The template's content types plus those of the parts a brief adds (its charts)."""
    by_ext = sorted({**dict(defaults), **dict(template.defaults)}.items())
    overrides = sorted({**dict(template.overrides), **dict(overrides)}.items())
    return (f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + "".join(f'<Default Extension="{attr(ext)}" ContentType="{attr(ct)}"/>'
                      for ext, ct in by_ext)
            + "".join(f'<Override PartName="{attr(name)}" ContentType="{attr(ct)}"/>'
                      for name, ct in overrides)
            + "</Types>").encode("utf-8")


def package(t: Prepared, brief: Brief, *, body: str, rels: Iterable[tuple[str, str, str, bool]],
            nums: str, parts: dict[str, bytes], ask_to_update: bool) -> bytes:
    """The .docx: the template's deflated parts, its settings (asking Word to update the fields
    on open, or not), and the brief's own: ``body`` and ``nums`` filled into the template's
    document and numbering, the document's ``rels``, the charts' ``parts``, the properties."""
    from ..docx_chart import CHART_CT, XLSX_CT

    own = {
        t.document: (t.document_xml[0] + body + t.document_xml[1]).encode("utf-8"),
        rels_name(t.document): rels_xml(rels),
        t.numbering: (t.numbering_xml[0] + nums + t.numbering_xml[1]).encode("utf-8"),
        t.core: core_xml(brief),
    }
    if t.app is not None:
        own[t.app] = app_xml(brief)
    # A workbook by its extension, a chart by its name: as python-docx declares them.
    charts = [("/" + name, CHART_CT) for name in parts if name.endswith(".xml")]
    books = [("xlsx", XLSX_CT)] if any(name.endswith(".xlsx") for name in parts) else []
    own["[Content_Types].xml"] = content_types_xml(t, books, charts)
    own.update(parts)

    members = {m.name: m for m in t.static}
    settings = t.settings[1] if ask_to_update else t.settings[0]
    members[settings.name] = settings
    for name, blob in own.items():
        members[name] = member(name, blob)
    order = [n for n in _FIRST if n in members] + sorted(n for n in members if n not in _FIRST)
    return write([members[n] for n in order], zip_time(brief.meta.date))


# --------------------------------------------------------------------------- the one time a .docx holds


def _stamp(brief_date: date) -> datetime:
    """When the file was made: SOURCE_DATE_EPOCH when set, else the brief's date (never the clock).

    The one time a .docx holds: its created and modified properties and its zip dates."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return clock.now().replace(microsecond=0)
    return datetime(brief_date.year, brief_date.month, brief_date.day, tzinfo=timezone.utc)


def zip_time(brief_date: date) -> tuple[int, int, int, int, int, int]:
    stamp = max(_stamp(brief_date), datetime(1980, 1, 1, tzinfo=timezone.utc))  # zip cannot go before 1980
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
