"""The PDF is tagged: a screen reader walks its structure tree in reading order.

Checked from the outside, with poppler's pdfinfo (the tree with its text, as assistive
technology sees it) and pypdf (the objects a validator reads): one real brief in each
language, plus the hand-built sample brief for runs in the other language.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

import briefgen
from briefgen.document import BulletList, Callout, Figure, References, Table
from briefgen.writers import pdf, pdf_tags
from sample_briefs import sample_brief

needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")


class Node:
    def __init__(self, role: str, depth: int) -> None:
        self.role, self.depth = role, depth
        self.kids: list[Node] = []
        self.texts: list[str] = []
        self.extra = ""

    @property
    def text(self) -> str:
        """The element's text and its descendants', squashed as a listener hears it."""
        parts = self.texts + [k.text for k in self.kids]
        return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()

    def find(self, role: str) -> list[Node]:
        found = [self] if self.role == role else []
        for kid in self.kids:
            found += kid.find(role)
        return found

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()


def struct_tree(data: bytes, tmp_path: Path) -> Node:
    """``pdfinfo -struct-text`` parsed into a tree: roles, attributes and text."""
    path = tmp_path / "brief.pdf"
    path.write_bytes(data)
    # poppler prints a section's /T title in its raw encoding (UTF-16 for Chinese).
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                         check=True).stdout.decode("utf-8", errors="replace")
    root = Node("", -1)
    stack = [root]
    for line in out.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        while stack[-1].depth >= depth:
            stack.pop()
        if body.startswith('"'):
            stack[-1].texts.append(body[1:-1])
        elif body.startswith("/"):
            stack[-1].extra += body + " "
        else:
            node = Node(re.split(r"[\s:]", body, maxsplit=1)[0], depth)
            stack[-1].kids.append(node)
            stack.append(node)
    (document,) = root.kids
    return document


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@pytest.fixture(scope="module")
def briefs():
    lib = briefgen.load_library()
    out = {}
    for lang in ("en", "zh"):
        brief = briefgen.compose(briefgen.BriefSpec(region="suqian", lang=lang), lib)
        out[lang] = (brief, pdf.render(brief))
    return out


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


# --------------------------------------------------------------------------- the tree

@needs_poppler
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_structure_tree_reads_like_the_page(briefs, lang, tmp_path):
    brief, data = briefs[lang]
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    assert b"Tagged:          yes" in info
    doc = struct_tree(data, tmp_path)
    assert doc.role == "Document"

    # Headings: the title, then every heading of the brief, in order, as H1-H3.
    headings = [n for n in doc.walk() if re.fullmatch(r"H[1-6]", n.role)]
    expected = [brief.meta.title] + [b.title for b in brief.blocks
                                     if isinstance(b, (Callout, References)) and b.title] \
        + [h.text for h in brief.headings()]
    assert squash(headings[0].text).replace(" ", "") == brief.meta.title.replace(" ", "")
    texts = [squash(h.text) for h in headings[1:]]
    assert sorted(texts) == sorted(squash(t) for t in expected[1:])
    assert [t for t in texts if t in {h.text for h in brief.headings()}] == \
        [h.text for h in brief.headings()]                       # reading order
    assert {h.role for h in headings} <= {"H1", "H2", "H3"}
    levels = {squash(h.text): h.role for h in headings}
    for heading in brief.headings():
        if heading.level == 1:
            assert levels[heading.text] == "H1"

    # The key messages: a titled section holding a list whose items have a label and a body.
    callout = next(b for b in brief.blocks if isinstance(b, Callout))
    (sect,) = [s for s in doc.find("Sect") if s.find("H2")
               and squash(s.find("H2")[0].text) == callout.title]
    items = sect.find("LI")
    assert len(items) == len(callout.items)
    for item, model in zip(items, callout.items):
        assert [k.role for k in item.kids] == ["Lbl", "LBody"]
        assert item.kids[0].text == "•"
        body = squash(item.kids[1].text)
        assert body.replace(" ", "") == squash(briefgen.document.plain(model)).replace(" ", "")

    # The table: header cells are TH with column scope, then a row of TD per row.
    table_block = next(b for b in brief.blocks if isinstance(b, Table))
    (table,) = doc.find("Table")
    rows = table.find("TR")
    assert [c.role for c in rows[0].kids] == ["TH"] * len(table_block.header)
    assert [squash(c.text) for c in rows[0].kids] == list(table_block.header)
    assert all("/Scope /Column" in c.extra for c in rows[0].kids)
    assert len(rows) == len(table_block.rows) + 1
    assert all(c.role == "TD" for r in rows[1:] for c in r.kids)
    assert table.kids[0].role == "Caption"

    # The running header and footer are artifacts: on the page, not in the tree.
    label = "Page 1 of" if lang == "en" else "第 1 页"
    assert label in reader(data).pages[0].extract_text()
    assert label not in "\n".join(n.text for n in doc.walk())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figure_has_the_charts_alternative_text(briefs, lang):
    brief, data = briefs[lang]
    figure = next(b for b in brief.blocks if isinstance(b, Figure))
    assert figure.alt_text
    elements = list(_elements(reader(data)))
    alts = [e["/Alt"] for e in elements if e["/S"] == "/Figure"]
    assert alts == [figure.alt_text]
    lists = [e for e in elements if e["/S"] == "/L"]
    assert len(lists) >= sum(isinstance(b, BulletList) for b in brief.blocks)


def _elements(r: pypdf.PdfReader):
    todo = [r.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()]
    while todo:
        element = todo.pop()
        yield element
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        for kid in kids:
            kid = kid.get_object() if kid is not None else None
            if isinstance(kid, dict) and "/S" in kid:
                todo.append(kid)


# --------------------------------------------------------------------------- the plumbing

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_marked_content_and_parent_tree_agree(briefs, lang):
    """Every MCID on a page belongs, through the ParentTree, to an element that claims it."""
    _, data = briefs[lang]
    r = reader(data)
    root = r.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == pdf_tags.PDF_LANG[lang]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    tree = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    for page in r.pages:
        stream = page.get_contents().get_data()
        mcids = [int(m) for m in re.findall(rb"/MCID (\d+)>> BDC", stream)]
        assert mcids == list(range(len(mcids))) and mcids
        owners = tree[page["/StructParents"]]
        assert len(owners) == len(mcids)
        for mcid, owner in enumerate(owners):
            owner = owner.get_object()
            kids = owner["/K"] if isinstance(owner["/K"], list) else [owner["/K"]]
            here = page.indirect_reference.idnum
            claimed = [k for k in kids if k == mcid and owner.raw_get("/Pg").idnum == here] + \
                [k for k in kids if isinstance(k, dict) and k.get("/MCID") == mcid
                 and k.raw_get("/Pg").idnum == here]
            assert claimed, (mcid, owner)
        # Marked content is balanced: every BDC and BMC is closed on its page.
        assert stream.count(b" BDC") + stream.count(b" BMC") == stream.count(b"EMC")
        assert page["/Tabs"] == "/S"
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            link = tree[annot["/StructParent"]].get_object()
            assert link["/S"] == "/Link" and annot["/Contents"] and annot["/F"] == 4


def test_runs_in_the_other_language_are_marked(tmp_path):
    """A Chinese name in an English brief is marked zh-CN; Latin words in a Chinese brief en-GB."""
    for lang, other, word in (("en", "zh-CN", "张隋"), ("zh", "en-GB", "Zhang Sui")):
        brief = sample_brief(lang)
        assert word in brief.text()
        data = pdf.render(brief)
        streams = b"".join(p.get_contents().get_data() for p in reader(data).pages)
        assert f"/Span <</Lang ({other}) /MCID".encode() in streams
        assert f"/Lang ({pdf_tags.PDF_LANG[lang]})".encode() not in streams
        if shutil.which("pdfinfo"):
            # The run is an element's marked content of its own, so it reads as one piece.
            doc = struct_tree(data, tmp_path)
            assert any(word in t for n in doc.walk() for t in n.texts)


def test_english_words_stay_apart_across_line_breaks(briefs, tmp_path):
    """A line ends with the space it broke at, so extracted words do not run together."""
    brief, data = briefs["en"]
    whole = squash(" ".join(p.extract_text() for p in reader(data).pages))
    for paragraph in (b for b in brief.blocks if type(b).__name__ == "Paragraph"):
        for word in squash(briefgen.document.plain(paragraph.inlines)).split(" ")[:40]:
            assert word in whole
    if shutil.which("pdfinfo"):
        doc = struct_tree(data, tmp_path)
        body = {squash(p.text) for p in doc.find("P")}
        first = next(b for b in brief.blocks if type(b).__name__ == "Paragraph")
        assert squash(briefgen.document.plain(first.inlines)) in body


# --------------------------------------------------------------------------- PDF/A, PDF/UA

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xmp_identifies_pdfa_and_pdfua_and_matches_the_info(briefs, lang):
    brief, data = briefs[lang]
    r = reader(data)
    root = r.trailer["/Root"]
    xmp = r.xmp_metadata
    assert xmp is not None
    raw = root["/Metadata"].get_object()
    raw = getattr(raw, "stream", raw)                    # pypdf 4.0 hands back its XMP wrapper
    assert "/Filter" not in raw                          # PDF/A: readable without decoding
    text = raw.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in text and "<pdfaid:conformance>U<" in text
    assert "<pdfuaid:part>1</pdfuaid:part>" in text
    info = r.metadata
    assert xmp.dc_title == {"x-default": info.title} and info.title == brief.meta.title
    assert xmp.dc_creator == [info.author]
    assert xmp.pdf_keywords == info["/Keywords"]
    assert xmp.xmp_creator_tool == info["/Creator"]
    assert xmp.pdf_producer == info["/Producer"]
    assert xmp.xmp_create_date.date() == info.creation_date.date() == brief.meta.date
    (intent,) = root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"   # an ICC profile
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_untagged_layout_draws_the_same_pages(briefs):
    """Tagging adds structure, not ink: the text of every page is unchanged."""
    brief, data = briefs["en"]
    plain_pdf = pdf.layout(brief, tagged=False).pdf
    tagged, untagged = reader(data), reader(plain_pdf)
    assert "/StructTreeRoot" not in untagged.trailer["/Root"]
    assert len(tagged.pages) == len(untagged.pages)
    for a, b in zip(tagged.pages, untagged.pages):
        assert squash(a.extract_text()) == squash(b.extract_text())


def test_a_table_header_repeated_on_a_new_page_is_read_once(briefs):
    """The header row drawn again at the top of each page is an artifact; the tree has it once."""
    import dataclasses

    brief, _ = briefs["en"]
    table = next(b for b in brief.blocks if isinstance(b, Table))
    long_table = dataclasses.replace(table, rows=table.rows * 12)
    brief = dataclasses.replace(brief, blocks=tuple(long_table if b is table else b
                                                    for b in brief.blocks))
    data = pdf.render(brief)
    r = reader(data)
    on_pages = [p.extract_text().count(table.header[0]) for p in r.pages]
    assert sum(1 for n in on_pages if n) >= 2                    # the header is on several pages
    heads = [e for e in _elements(r) if e["/S"] == "/TH"]
    assert len(heads) == len(table.header)


# --------------------------------------------------------------------------- file structure

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_font_maps_its_glyphs_back_to_unicode(briefs, lang):
    """Text extraction and PDF/UA need a ToUnicode map on every font, and every font embedded."""
    _, data = briefs[lang]
    fonts = {}
    for page in reader(data).pages:
        for name, font in page["/Resources"]["/Font"].items():
            fonts[name] = font.get_object()
    assert fonts
    for font in fonts.values():
        assert "/ToUnicode" in font, font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_structure_tree_is_packed_into_compressed_object_streams(briefs, lang):
    """What keeps tagging cheap (pdf_objstm): the tree's elements are in FlateDecode object
    streams, indexed by a cross-reference stream, and a reader still finds every one."""
    _, data = briefs[lang]
    r = reader(data)
    assert b"\nxref\n" not in data and b"/Type/XRef" in data   # a cross-reference stream
    tree = r.trailer["/Root"].raw_get("/StructTreeRoot")
    assert tree.idnum in r.xref_objStm                     # the root itself lives in a stream
    elements = list(_elements(r))
    assert len(elements) > 100
    packed = [e for e in elements if e.indirect_reference.idnum in r.xref_objStm]
    assert len(packed) == len(elements)


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed (Debian: qpdf)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_qpdf_finds_no_syntax_or_stream_errors(briefs, lang, tmp_path):
    _, data = briefs[lang]
    path = tmp_path / f"brief-{lang}.pdf"
    path.write_bytes(data)
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout
