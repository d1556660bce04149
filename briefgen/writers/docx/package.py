"""The package around the body: document properties, picture ids, and a reproducible zip."""
from __future__ import annotations

import io
import os
import zipfile
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from ... import clock
from ...document import Brief, Paragraph, plain
from .xml import _LANG_TAG, _clean

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument


def properties(doc: DocxDocument, brief: Brief) -> None:
    """File > Info as it is true of this brief: its title, its publisher (or nobody), its dates.

    Everything the template's (or python-docx's) own properties said goes first."""
    meta = brief.meta
    when = _stamp(meta.date)
    cp = doc.core_properties
    for child in list(cp._element):
        cp._element.remove(child)

    def prop(text: str) -> str:
        return _clean(text)[:255]       # the limit python-docx enforces for properties

    lede = next((plain(b.inlines) for b in brief.blocks
                 if isinstance(b, Paragraph) and b.role == "lead"), "")
    publisher = prop(meta.author)       # the organisation of the house style, or empty
    cp.title = prop(meta.title)
    cp.subject = prop(meta.subject)
    cp.author = publisher
    cp.last_modified_by = publisher
    cp.keywords = prop(", ".join(meta.keywords))
    cp.language = _LANG_TAG.get(meta.lang, "en-GB")
    cp.comments = prop(lede or meta.subtitle)
    cp.identifier = prop(meta.brief_id)
    cp.created = when
    cp.modified = when
    cp.revision = 1
    _app_properties(doc, publisher)


def _app_properties(doc: DocxDocument, publisher: str) -> None:
    """Extended properties without the template's claims (its program, page and word counts)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in doc.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            company = f"<Company>{_xml_text(publisher)}</Company>" if publisher else ""
            rel.target_part._blob = (
                "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'extended-properties">' f"{company}<DocSecurity>0</DocSecurity>"
                "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
                "<HyperlinksChanged>false</HyperlinksChanged></Properties>").encode("utf-8")


def renumber_drawings(doc: DocxDocument) -> None:
    """Give every picture a document-wide unique, sequential id (Word repairs duplicates)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    parts = [doc.part]
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            parts.append(rel.target_part)
    next_id = 1
    for part in parts:
        for doc_pr in part.element.iter(
                "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
            doc_pr.set("id", str(next_id))
            next_id += 1


# --------------------------------------------------------------------------- reproducible zip


def _stamp(brief_date: date) -> datetime:
    """When the file was made: SOURCE_DATE_EPOCH when set, else the brief's date (never the clock).

    The one time a .docx holds: its created and modified properties and its zip dates."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return clock.now().replace(microsecond=0)
    return datetime(brief_date.year, brief_date.month, brief_date.day, tzinfo=timezone.utc)


def zip_time(brief_date: date) -> tuple[int, int, int, int, int, int]:
    stamp = max(_stamp(brief_date), datetime(1980, 1, 1, tzinfo=timezone.utc))  # zip cannot go before 1980
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def _xml_text(text: str) -> str:
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def package_members(doc: DocxDocument) -> dict[str, bytes]:
    """The package's parts by zip member name, exactly as ``doc.save`` would write them.

    Saving through python-docx deflates every part only for :func:`_stable_zip` to
    inflate and deflate it again (a fifth of a brief's Word time); these are the
    steps of docx.opc.package.OpcPackage.save, with a dict in place of the zip."""
    from docx.opc.pkgwriter import PackageWriter

    class Members(dict):
        def write(self, pack_uri: Any, blob: bytes) -> None:   # PhysPkgWriter's interface
            self[pack_uri.membername] = blob

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    members = Members()
    PackageWriter._write_content_types_stream(members, package.parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, package.parts)
    return dict(members)


def stable_zip(members: dict[str, bytes], date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Zip a package's members with one timestamp, fixed attributes and a stable member order."""
    first = ("[Content_Types].xml", "_rels/.rels")
    order = [n for n in first if n in members] + sorted(n for n in members if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = 0                        # same bytes on every platform
            info.external_attr = 0
            if name.endswith((".png", ".jpeg", ".jpg")):
                info.compress_type = zipfile.ZIP_STORED   # already compressed
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, members[name], compresslevel=6)
    return out.getvalue()
