"""Opening an organisation's reference .docx: size checks first, then only what a brief needs.

A reference document gives a brief its styles, numbering, theme, page setup and
header and footer.  Anything else it carries would travel into every brief, so
it is dropped: media and objects its (deleted) body used, a macro project, a
thumbnail, custom XML.  A relationship to an outside address (a remote
``attachedTemplate`` Word fetches on open, a header picture linked from the web)
is refused with a message rather than silently kept.

Before python-docx reads a part, the zip's declared sizes are checked and each
part is inflated with a cap, so a small file that inflates to gigabytes (a zip
bomb) costs at most the cap.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ...errors import BriefgenError

MAX_FILE_BYTES = 20 * 1024 * 1024      # the .docx itself
MAX_PART_BYTES = 32 * 1024 * 1024      # any one part, inflated (styles.xml is usually under 100 KB)
MAX_TOTAL_BYTES = 64 * 1024 * 1024     # every part, inflated
MAX_PARTS = 2000

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#: What the document part may keep relating to; everything else (images, OLE objects,
#: vbaProject, customXml, glossary, comments ...) belonged to the deleted body or is baggage.
_DOCUMENT_KEEPS = {_R + t for t in ("styles", "numbering", "theme", "settings", "fontTable", "webSettings",
                                    "header", "footer", "footnotes", "endnotes")}
_PACKAGE_KEEPS = {_R + "officeDocument", _R + "extended-properties",
                  "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"}


def _refuse(path: Path, what: str) -> BriefgenError:
    return BriefgenError(f"reference_docx {str(path)!r}: {what}")


def read_checked(path: Path) -> bytes:
    """The file's bytes, once its zip is known to inflate to a sane size; else BriefgenError."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(path, f"is {size // (1024 * 1024)} MiB; a reference document may be at most "
                                f"{MAX_FILE_BYTES // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(path, f"cannot be read: {exc.strerror}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_PARTS:
                raise _refuse(path, f"has {len(infos):,} parts; a Word document has a few dozen")
            declared = sum(i.file_size for i in infos)
            big = max(infos, key=lambda i: i.file_size, default=None)
            if big is not None and big.file_size > MAX_PART_BYTES or declared > MAX_TOTAL_BYTES:
                raise _refuse(path, f"inflates to {declared // (1024 * 1024):,} MiB ({big.filename} alone "
                                    f"{big.file_size // (1024 * 1024):,} MiB); the limit is "
                                    f"{MAX_TOTAL_BYTES // (1024 * 1024)} MiB, {MAX_PART_BYTES // (1024 * 1024)} "
                                    "MiB per part. Save a smaller template")
            # Declared sizes can lie: inflate each part with a cap, and count what comes out.
            total = 0
            for info in infos:
                with z.open(info) as part:
                    got = len(part.read(MAX_PART_BYTES + 1))
                total += got
                if got > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                    raise _refuse(path, f"part {info.filename} inflates past the limit of "
                                        f"{MAX_PART_BYTES // (1024 * 1024)} MiB; save a smaller template")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise _refuse(path, f"is not a Word document ({exc}); save it from Word as .docx") from None
    return data


def load(path: Path) -> Any:
    """The reference document as a python-docx Document, checked and stripped of baggage."""
    import docx

    data = read_checked(path)
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a file that is not a docx
        raise _refuse(path, f"is not a Word document: {exc}") from None
    _refuse_external(path, doc)
    _drop_baggage(doc)
    return doc


def _refuse_external(path: Path, doc: Any) -> None:
    for part in doc.part.package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external and not rel.reltype.endswith("/hyperlink"):
                kind = rel.reltype.rsplit("/", 1)[-1]
                raise _refuse(path, f"{part.partname} links to an outside resource ({kind} -> "
                                    f"{rel.target_ref}), which Word would fetch whenever a brief is opened; "
                                    "remove it in Word (for a template, Developer > Document Template; for "
                                    "a picture, insert it instead of linking) and save again")
            if rel.is_external:
                # A hyperlink in the header or footer: held to the brief's own link rule.
                from ... import links

                reason = links.unsafe(rel.target_ref)
                if reason:
                    raise _refuse(path, f"{part.partname} has a hyperlink that {reason}; {links.ADVICE}")


def _drop_baggage(doc: Any) -> None:
    from docx.oxml.ns import qn

    for rels, keep in ((doc.part.package.rels, _PACKAGE_KEEPS), (doc.part.rels, _DOCUMENT_KEEPS)):
        for rid, rel in list(rels.items()):
            if rel.reltype not in keep:
                del rels[rid]
    # The settings part may name a template to attach (the local path of the organisation's
    # .dotm): a brief has none, and its r:id would dangle once the relationship goes.
    part = doc.part._settings_part
    for el in part.element.findall(qn("w:attachedTemplate")):
        part.element.remove(el)
    for rid in list(part.rels):
        del part.rels[rid]
