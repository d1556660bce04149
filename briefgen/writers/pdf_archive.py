"""PDF/A-2u and PDF/UA-1 identification for the PDF writer: XMP metadata and an output intent.

PDF/A asks that the XMP metadata say what the document information dictionary says
(title, author, subject, keywords, creator tool, producer, dates), that the file
name the colour space its device colours mean (an sRGB output intent), and that it
identify itself (pdfaid).  PDF/UA-1 adds its own identification (pdfuaid), which
PDF/A-2 only accepts when the XMP describes that schema in a pdfaExtension block.

The values are read from reportlab's own information dictionary, so the two never
disagree, and the dates are the brief's, so the bytes are reproducible.
"""
from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

#: sRGB IEC61966-2.1, made by Little CMS through Pillow (588 bytes) and written with a fixed
#: date and the ICC version PDF 1.7 names (4.2), so the file never changes:
#:   b = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
#:   b[8:12] = bytes([4, 0x20, 0, 0]); b[24:36] = struct.pack(">6H", 2000, 1, 1, 0, 0, 0)
#: Making it at run time would cost 0.1 s of every cold PDF (importing ImageCms and lcms).
_ICC = Path(__file__).with_name("sRGB.icc")
_SRGB = "sRGB IEC61966-2.1"


def _xml(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def xmp(*, title: str, author: str, subject: str, keywords: str, creator: str, producer: str,
        lang: str, when: date) -> bytes:
    """The XMP packet for a brief: Dublin Core, PDF, XMP basic, PDF/A and PDF/UA identification."""
    stamp = f"{when:%Y-%m-%d}T00:00:00+00:00"
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{_xml(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_xml(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{_xml(lang)}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{_xml(keywords)}</pdf:Keywords>
   <pdf:Producer>{_xml(producer)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmp:CreatorTool>{_xml(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>U</pdfaid:conformance>
   <pdfuaid:part>1</pdfuaid:part>
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>part</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>internal</pdfaProperty:category>
     <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    # The indentation is for the reader of this file; PDF/A forbids compressing the packet.
    return "\n".join(line.strip() for line in packet.splitlines()).encode("utf-8")


@functools.lru_cache(maxsize=1)
def _icc_profile() -> bytes:
    return _ICC.read_bytes()


def add_archive_metadata(doc, *, lang: str, when: date) -> None:
    """Give reportlab's ``doc`` its XMP metadata stream and sRGB output intent (before it is saved)."""
    from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFStream,
                                          PDFString, PDFZCompress)

    info = doc.info
    packet = xmp(title=info.title, author=info.author, subject=info.subject,
                 keywords=info.keywords, creator=info.creator, producer=info.producer,
                 lang=lang, when=when)
    # PDF/A: the metadata stream is not compressed (no filters: reportlab's default), so
    # any tool can read it.
    metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                         packet)
    profile = PDFStream(PDFDictionary({"N": 3}), _icc_profile(), filters=[PDFZCompress])
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(_SRGB), "Info": PDFString(_SRGB),
        "RegistryName": PDFString("http://www.color.org"),
        "DestOutputProfile": doc.Reference(profile)})
    catalog = doc.Catalog
    catalog.Metadata = doc.Reference(metadata)
    catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = PDFArray([intent])
