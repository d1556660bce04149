"""Write a reportlab document with chosen objects packed into compressed object streams.

A tagged brief has one indirect object per structure element (the ParentTree must
point at each): hundreds of small dictionaries, each with its ``N 0 obj`` wrapper
and a 20-byte entry in the cross-reference table.  PDF 1.5 lets such objects live in
an object stream (``/Type/ObjStm``), compressed with FlateDecode, indexed by a
cross-reference stream (``/Type/XRef``) instead of the table; PDF/A-2 and PDF/UA-1
allow both.  Every reader of this century (poppler, pypdf, qpdf, Acrobat) reads them.

reportlab writes only the classic table, so :func:`install` replaces the
``format`` of one document: every object is formatted as reportlab would, those
named in ``packed`` go into object streams, the rest stay where they were, and a
cross-reference stream ends the file.  The output is as reproducible as reportlab's.
"""
from __future__ import annotations

import re
import struct
import zlib
from typing import Collection

#: Objects per object stream: a reader decompresses a whole stream to reach one of them.
_PER_STREAM = 200


def install(doc, packed: Collection[str]) -> None:
    """Make ``doc`` (a reportlab PDFDocument) write the objects named ``packed`` into object streams."""
    packed = frozenset(packed)
    doc.format = lambda: _format(doc, packed)


def _format(doc, packed: frozenset[str]) -> bytes:
    from reportlab.pdfbase.pdfdoc import PDFFile, pdfdocEnc
    from reportlab.pdfbase.pdfdoc import format as pdf_format

    doc.encrypt.prepare(doc)
    if doc.encrypt.info():          # never set by briefgen; reportlab's own writer handles it
        raise ValueError("object streams are not written for encrypted documents")
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    out = PDFFile(doc._pdfVersion)
    numbers = doc.idToObjectNumberAndVersion
    offsets: dict[int, int] = {}            # object number -> offset in the file
    in_stream: list[tuple[int, bytes]] = []  # (object number, its bytes) to pack
    counter = 0
    doc.__accum__ = out
    while True:                      # objects may be added while others are formatted
        counter += 1
        if counter not in doc.numberToId:
            break
        name = doc.numberToId[counter]
        number, version = numbers[name]
        doc.encrypt.register(number, version)
        body = pdf_format(doc.idToObject[name], doc, toplevel=1)
        if name in packed and version == 0 and not body.rstrip().endswith(b"endstream"):
            in_stream.append((number, body))
        else:
            offsets[number] = out.add(pdfdocEnc(f"{number} {version} obj\n") + body
                                      + (b"" if body.endswith(b"\n") else b"\n") + b"endobj\n")
    del doc.__accum__

    placed: dict[int, tuple[int, int]] = {}   # object number -> (its object stream, index)
    next_number = counter
    for start in range(0, len(in_stream), _PER_STREAM):
        chunk = in_stream[start:start + _PER_STREAM]
        header, bodies, position = [], [], 0
        for index, (number, body) in enumerate(chunk):
            header.append(f"{number} {position}")
            bodies.append(body)
            position += len(body) + 1
            placed[number] = (next_number, index)
        head = " ".join(header).encode("ascii") + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 9)
        offsets[next_number] = out.add(
            f"{next_number} 0 obj\n<</Type/ObjStm/N {len(chunk)}/First {len(head)}"
            f"/Filter/FlateDecode/Length {len(data)}>>stream\n".encode("ascii")
            + data + b"\nendstream\nendobj\n")
        next_number += 1

    # The cross-reference stream: one row per object, itself included.
    xref_number = next_number
    size = xref_number + 1
    xref_offset = out.offset
    offsets[xref_number] = xref_offset
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in range(1, size):
        if number in placed:
            stream, index = placed[number]
            rows.append(struct.pack(">BIH", 2, stream, index))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    data = zlib.compress(b"".join(rows), 9)
    root, info = (doc.Reference(x).format(doc).decode("latin-1") for x in (doc.Catalog, doc.info))
    ids = re.search(rb"\[.*?\]", doc.ID(), re.S).group(0).decode("latin-1")
    out.add(f"{xref_number} 0 obj\n<</Type/XRef/Size {size}/W[1 4 2]/Root {root}/Info {info}"
            f"/ID{ids}/Filter/FlateDecode/Length {len(data)}>>stream\n".encode("latin-1")
            + data + f"\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n".encode("ascii"))
    return out.format(doc)
