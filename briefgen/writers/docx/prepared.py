"""The prepared template: the styled empty document cut into what a brief fills and what it keeps.

A brief changes only a few of the template's parts: the document (its body), the
document's relationships (hyperlinks, charts), the numbering (each numbered list
restarts with a w:num of its own), the settings (a brief with a table of contents
asks Word to update its fields), the properties and the content types.  Those are
kept as text to fill; every other part (styles, theme, fonts, header, footer and
their pictures) is kept deflated, ready to be written into every brief as it is.
"""
from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from typing import Any

from .wml import R_NS, W_NS
from .zipped import Member, member

_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE_DOC = R_NS + "/officeDocument"
_CORE = _PKG_REL + "/metadata/core-properties"
_APP = R_NS + "/extended-properties"
_MARK = "briefgen-fill-here"


@dataclass(frozen=True)
class Prepared:
    """A styled, empty document, cut for filling, plus what rendering needs to know about it."""

    style_ids: dict[str, str]        # UI name -> style id, for every style in _STYLE_NAMES
    number_abstract: int             # abstractNum that numbered lists restart from
    bullet_num: int | None           # numId for bullets when List Bullet has no numbering
    text_width: int                  # twips
    document: str                    # member name of the main part
    document_xml: tuple[str, str]    # its text before and after the body's blocks
    rels: tuple[tuple[str, str, str, bool], ...]   # the document's (id, type, target, external)
    numbering: str                   # member name of the numbering part
    numbering_xml: tuple[str, str]   # its text before and after the lists' own w:num
    num_ids: tuple[int, ...]         # the w:num ids the template has
    settings: tuple[Member, Member]  # as is, and asking Word to update fields on open
    core: str                        # member name of the core properties
    app: str | None                  # member name of the extended properties, if any
    defaults: tuple[tuple[str, str], ...]      # content types by extension
    overrides: tuple[tuple[str, str], ...]     # content types by part name
    static: tuple[Member, ...]       # every other part, deflated once
    first_drawing: int               # the header's and footer's pictures have the ids before it


def _parse(data: bytes) -> Any:
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, remove_blank_text=False))


def _serialize(root: Any) -> str:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")


def _mark(parent: Any, last: Any) -> None:
    """Mark where a brief's own elements go in ``parent``: before ``last`` (an element
    that must stay at the end), or at the end if there is none."""
    from lxml import etree

    if last is not None:
        last.addprevious(etree.Comment(_MARK))
    else:
        parent.append(etree.Comment(_MARK))


def _cut(root: Any) -> tuple[str, str]:
    """The part's text before and after the comment marking where a brief's content goes."""
    head, mark, tail = _serialize(root).partition(f"<!--{_MARK}-->")
    if not mark:
        raise AssertionError("the fill marker was lost")
    return head, tail


def _rels(data: bytes | None) -> list[tuple[str, str, str, bool]]:
    if data is None:
        return []
    return [(el.get("Id"), el.get("Type"), el.get("Target"), el.get("TargetMode") == "External")
            for el in _parse(data) if el.get("Id")]


def _member_path(source_dir: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(source_dir, target)).lstrip("/")


def rels_name(name: str) -> str:
    """The member holding the relationships of part ``name``."""
    folder, base = posixpath.split(name)
    return posixpath.join(folder, "_rels", base + ".rels")


def cut(data: bytes, style_ids: dict[str, str], number_abstract: int, bullet_num: int | None,
        text_width: int, first_drawing: int) -> Prepared:
    """Cut the saved template ``data`` (a .docx whose body holds only its section) for filling."""
    import zipfile

    from lxml import etree

    from .template import _ask_to_update_fields

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    package_rels = _rels(parts.get("_rels/.rels"))
    by_type = {rtype: target for _, rtype, target, external in package_rels if not external}
    document = _member_path("/", by_type[_OFFICE_DOC])
    rels = _rels(parts.get(rels_name(document)))
    doc_dir = "/" + posixpath.dirname(document)
    related = {rtype.rsplit("/", 1)[-1]: _member_path(doc_dir, target)
               for _, rtype, target, external in rels if not external}

    root = _parse(parts[document])
    if root.nsmap.get("w") != W_NS or root.nsmap.get("r") != R_NS:
        # A brief's body is written with the w: and r: prefixes; a document that binds them
        # otherwise (or not at all) gets a root that binds them, its content unchanged.
        new = etree.Element(root.tag, attrib=dict(root.attrib),
                            nsmap={**root.nsmap, "w": W_NS, "r": R_NS})
        new.extend(list(root))
        root = new
    body = root.find(f"{{{W_NS}}}body")
    sect_pr = body[-1] if len(body) and body[-1].tag == f"{{{W_NS}}}sectPr" else None
    _mark(body, sect_pr)
    document_xml = _cut(root)

    numbering = related["numbering"]
    num_root = _parse(parts[numbering])
    num_tag = f"{{{W_NS}}}num"
    num_ids = tuple(int(el.get(f"{{{W_NS}}}numId")) for el in num_root.iter(num_tag))
    cleanup = num_root.find(f"{{{W_NS}}}numIdMacAtCleanup")   # the one element after every w:num
    _mark(num_root, cleanup)
    numbering_xml = _cut(num_root)

    settings = related["settings"]
    settings_root = _parse(parts[settings])
    _ask_to_update_fields(settings_root)
    asking = _serialize(settings_root).encode("utf-8")

    types = _parse(parts["[Content_Types].xml"])
    defaults = tuple((el.get("Extension"), el.get("ContentType"))
                     for el in types if el.tag == f"{{{_CT_NS}}}Default")
    overrides = tuple((el.get("PartName"), el.get("ContentType"))
                      for el in types if el.tag == f"{{{_CT_NS}}}Override")

    core = _member_path("/", by_type[_CORE])
    app = _member_path("/", by_type[_APP]) if _APP in by_type else None
    per_brief = {"[Content_Types].xml", document, rels_name(document), numbering, settings, core, app}
    static = tuple(member(name, blob) for name, blob in parts.items() if name not in per_brief)
    return Prepared(style_ids, number_abstract, bullet_num, text_width, document, document_xml,
                    tuple(rels), numbering, numbering_xml, num_ids,
                    (member(settings, parts[settings]), member(settings, asking)),
                    core, app, defaults, overrides, static, first_drawing)
