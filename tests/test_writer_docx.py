"""The Word writer, checked by reading the .docx back the way Word and python-docx see it."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from briefgen.document import (Brief, Heading, NumberedList, Paragraph, References, Reference,
                               TableOfContents, Text, plain)
from briefgen.style import DEFAULT_STYLE, HouseStyle
from briefgen.units import unbound
from briefgen.writers import render

from tests.sample_briefs import sample_brief

HOSTILE = ("<b>bold</b> & \"quoted\" 'single' <font color=red>f</font> {{ var }} {% x %} "
           "C:\\path\\n \x00\x01\x07\x1b\x7f ctrl \u200b\u200d\u202eRTL\u202c 😀🇨🇳 "
           + "W" * 500)
# What the character policy refuses (controls, direction overrides) is dropped; the rest is literal.
HOSTILE_CLEAN = HOSTILE.translate({0: None, 1: None, 7: None, 0x1b: None, 0x7f: None,
                                   0x202e: None, 0x202c: None})

W14_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def docx_bytes(brief: Brief, style: HouseStyle = DEFAULT_STYLE) -> bytes:
    return render(brief, "docx", style)


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def styles_of(doc: docx.document.Document) -> dict[str, list[str]]:
    """Paragraph text grouped by the name of the style it uses."""
    out: dict[str, list[str]] = {}
    for p in doc.paragraphs:
        out.setdefault(p.style.name, []).append(p.text)
    return out


def resolved_font(doc: docx.document.Document, style_id: str, slot: str = "ascii") -> str | None:
    """The font a paragraph of style ``style_id`` gets in ``slot``, as Word resolves it:
    the style, then what it is based on, then the document defaults."""
    by_id = {el.get(qn("w:styleId")): el for el in doc.styles.element.findall(qn("w:style"))}
    el = by_id.get(style_id)
    while el is not None:
        fonts = el.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn(f"w:{slot}")):
            return fonts.get(qn(f"w:{slot}"))
        parent = el.find(qn("w:basedOn"))
        el = by_id.get(parent.get(qn("w:val"))) if parent is not None else None
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:rFonts')}")
    return defaults.get(qn(f"w:{slot}")) if defaults is not None else None


@pytest.fixture(scope="module")
def en() -> bytes:
    return docx_bytes(sample_brief("en"))


@pytest.fixture(scope="module")
def zh() -> bytes:
    return docx_bytes(sample_brief("zh"))


# --------------------------------------------------------------------------- styles

def test_paragraphs_use_word_styles(en: bytes) -> None:
    by_style = styles_of(open_docx(en))
    assert by_style["Title"] == ["Lessons for Suqian from Hangzhou: close the brand and talent gaps"]
    assert by_style["Subtitle"] == ["Policy brief for government"]
    assert by_style["Edition"] == ["November 2026 · Brief BG-1"]
    assert by_style["Heading 1"] == ["The situation in numbers", "Recommendations", "Sources"]
    assert by_style["Heading 2"] == ["The gaps"]
    assert by_style["List Bullet"] == ["Few brands", "Talent shortage"]
    assert by_style["List Number"] == ["Build overseas warehouses.[2]",
                                       "Set up an industry college."]
    assert by_style["Key Messages Title"] == ["Key messages"]
    assert by_style["Key Messages"][1] == "Hangzhou shows that platforms and talent are what matter.[2]"
    assert "Table 1. Suqian and Hangzhou" in by_style["Caption"]
    assert "Figure 1. CBEC trade, Suqian and Hangzhou" in by_style["Caption"]
    assert "Sources: [1][2]" in by_style["Source Note"]
    assert by_style["TOC Heading"] == ["Contents"]
    assert by_style["Bibliography"][0].startswith("[1]\t张隋")


def test_styles_carry_the_house_look_and_runs_only_emphasis(en: bytes) -> None:
    doc = open_docx(en)
    h1 = doc.styles["Heading 1"]
    # Word stores sizes in half points
    assert h1.font.size.pt == pytest.approx(DEFAULT_STYLE.heading_sizes[0], abs=0.25)
    assert str(h1.font.color.rgb) == DEFAULT_STYLE.accent.lstrip("#").upper()
    assert doc.styles["Normal"].font.name == DEFAULT_STYLE.word_font_latin
    assert doc.styles["Title"].font.size.pt == pytest.approx(DEFAULT_STYLE.title_size, abs=0.25)
    km = doc.styles["Key Messages"].element
    assert km.find(f"{qn('w:pPr')}/{qn('w:shd')}").get(qn("w:fill")) == "E8EEF5"
    assert km.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:left')}") is not None
    for p in doc.paragraphs:
        for run in p.runs:
            assert run.font.size is None and run.font.color.rgb is None
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert bold == ["platforms and talent"]


def test_table_has_named_style_header_row_and_widths(en: bytes) -> None:
    doc = open_docx(en)
    (table,) = doc.tables
    assert table.style.name == "Brief Table"
    assert table.style.base_style is not None and "Grid" in table.style.base_style.name
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == ["Indicator", "Suqian", "Hangzhou"]
    # the figure and its unit cannot part at a line end (briefgen/units.py)
    assert unbound(table.cell(1, 1).text) == "100 亿元[1]"   # the ties are invisible
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths[0] == pytest.approx(2 * widths[1], abs=2) and widths[1] == widths[2]
    first_row = table.style.element.find(qn("w:tblStylePr"))
    assert first_row.get(qn("w:type")) == "firstRow"
    assert first_row.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == "E8EEF5"
    # caption above, source note below, both in the body next to the table
    body = list(doc.element.body)
    i = body.index(table._tbl)
    assert body[i - 1].xpath("string(.)") == "Table 1. Suqian and Hangzhou"
    assert body[i + 1].xpath("string(.)") == "Sources: [1][2]"


# --------------------------------------------------------------------------- Chinese

def test_chinese_runs_and_styles_declare_east_asian_font_and_language(zh: bytes) -> None:
    document = part_xml(zh, "word/document.xml")
    styles = part_xml(zh, "word/styles.xml")
    ea = DEFAULT_STYLE.word_font_east_asia
    assert 'w:lang w:val="zh-CN" w:eastAsia="zh-CN"' in document
    doc = open_docx(zh)
    for p in doc.paragraphs:
        for r in p.runs:
            if r.text:
                # runs inherit the font from their style (restyle in one place) ...
                fonts = r._r.rPr.find(qn("w:rFonts"))
                assert fonts.get(qn("w:eastAsia")) is None and fonts.get(qn("w:hint")) == "eastAsia"
                assert r._r.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # ... and every style resolves to it, declared once, on Normal
    for name in ("Normal", "Title", "Heading 1", "Caption", "Key Messages", "List Number"):
        assert resolved_font(doc, doc.styles[name].style_id, "eastAsia") == ea, name
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:rFonts')}").get(qn("w:eastAsia")) == ea
    assert "eastAsiaTheme" not in styles and "asciiTheme" not in styles
    assert doc.core_properties.language == "zh-CN"


def test_theme_no_longer_sends_east_asian_text_to_a_japanese_font(zh: bytes) -> None:
    settings = part_xml(zh, "word/settings.xml")
    assert 'w:eastAsia="ja-JP"' not in settings
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)
    theme = part_xml(zh, "word/theme/theme1.xml")
    ea_faces = re.findall(r'<a:ea typeface="([^"]*)"', theme)
    assert ea_faces == [DEFAULT_STYLE.word_font_east_asia] * 2
    assert "ＭＳ" not in theme


def test_chinese_footer_and_text(zh: bytes) -> None:
    doc = open_docx(zh)
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("第 ") and "页，共" in footer.text
    assert styles_of(doc)["Heading 1"] == ["现状", "建议", "参考文献"]


# --------------------------------------------------------------------------- lists, links, fields

def test_each_numbered_list_restarts() -> None:
    brief = sample_brief("en")
    extra = (Heading(1, "More"),
             NumberedList(((Text("fifth"),), (Text("sixth"),)), start=5),
             NumberedList(((Text("again one"),),)))
    doc = open_docx(docx_bytes(replace(brief, blocks=brief.blocks + extra)))
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.find(f".//{qn('w:numId')}").get(qn("w:val"))
    style_abstract = numbering.num_having_numId(int(style_num)).abstractNumId.val

    lists: dict[int, list[str]] = {}
    for p in doc.paragraphs:
        if p.style.name == "List Number":
            num_id = p._p.pPr.numPr.numId.val
            lists.setdefault(num_id, []).append(p.text)
    assert list(lists.values()) == [["Build overseas warehouses.[2]", "Set up an industry college."],
                                    ["fifth", "sixth"], ["again one"]]
    starts = []
    for num_id in lists:
        num = numbering.num_having_numId(num_id)
        assert num.abstractNumId.val == style_abstract
        starts.append(int(num.find(f".//{qn('w:startOverride')}").get(qn("w:val"))))
    assert starts == [1, 5, 1]


def test_links_are_real_hyperlinks_and_citations_point_at_references(en: bytes) -> None:
    doc = open_docx(en)
    rels = {rid: rel for rid, rel in doc.part.rels.items() if rel.reltype.endswith("/hyperlink")}
    assert {rel.target_ref for rel in rels.values()} == {
        "https://creativecommons.org/licenses/by/4.0/"}
    assert all(rel.is_external for rel in rels.values())
    body = doc.element.body
    links = body.findall(f".//{qn('w:hyperlink')}")
    external = [h for h in links if h.get(qn("r:id"))]
    assert len(external) == 2                      # the note's link and reference [2]'s URL
    for h in external:
        assert h.get(qn("r:id")) in rels
        assert h.find(f".//{qn('w:rStyle')}").get(qn("w:val")) == doc.styles["Hyperlink"].style_id
    anchors = {h.get(qn("w:anchor")) for h in links if h.get(qn("w:anchor"))}
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert {"ref_1", "ref_2"} <= anchors <= marks


def test_header_and_footer(en: bytes) -> None:
    doc = open_docx(en)
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == DEFAULT_STYLE.organisation
    footer = section.footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Page ") and " of " in footer.text


def test_toc_field_when_the_block_is_there(en: bytes) -> None:
    xml = part_xml(en, "word/document.xml")
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    assert 'w:fldCharType="begin" w:dirty="true"' in xml
    assert re.search(r'<w:updateFields w:val="true"/>', part_xml(en, "word/settings.xml"))
    doc = open_docx(en)
    entries = [p.text for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert entries == ["The situation in numbers", "The gaps", "Recommendations", "Sources"]

    brief = sample_brief("en")
    no_toc = replace(brief, blocks=tuple(b for b in brief.blocks
                                         if not isinstance(b, TableOfContents)))
    assert "TOC \\o" not in part_xml(docx_bytes(no_toc), "word/document.xml")


def test_core_properties(en: bytes) -> None:
    cp = open_docx(en).core_properties
    meta = sample_brief("en").meta
    assert cp.title == meta.title
    assert cp.subject == meta.subject
    assert cp.author == meta.author
    assert cp.keywords == "Suqian, Hangzhou"
    assert cp.language == "en-GB"
    assert cp.last_modified_by == "briefgen"
    assert cp.revision == 1
    assert cp.created.date() == meta.date and cp.modified.date() == meta.date
    assert cp.identifier == meta.brief_id


def test_page_setup(en: bytes) -> None:
    section = open_docx(en).sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 2.0
    letter = open_docx(docx_bytes(sample_brief("en"), HouseStyle(paper="Letter"))).sections[0]
    assert round(letter.page_width.inches, 2) == 8.5


def test_figure_has_alt_text_and_fills_text_width(en: bytes) -> None:
    doc = open_docx(en)
    (shape,) = doc.inline_shapes
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(shape.width - text_width) < 1000     # EMU: rounding only
    doc_pr = shape._inline.find(W14_DRAWING)
    assert doc_pr.get("descr") == "Bar chart comparing CBEC trade"
    assert doc_pr.get("title") == "Figure 1. CBEC trade, Suqian and Hangzhou"
    assert doc_pr.get("id") == "1"
    figure_p = [p for p in doc.paragraphs if p.style.name == "Figure"]
    assert len(figure_p) == 1


# --------------------------------------------------------------------------- reproducible

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reproducible_bytes(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    first = docx_bytes(sample_brief(lang))
    second = docx_bytes(sample_brief(lang))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2026, 9, 21, 14, 13, 20)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert docx_bytes(sample_brief(lang)) != first      # the epoch, not the clock, dates the zip


# --------------------------------------------------------------------------- reference docx

def test_reference_docx_is_honoured(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = "ACME Institute — Confidential"
    ref.styles.add_style("Org Body", WD_STYLE_TYPE.PARAGRAPH)
    ref.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    ref.add_paragraph("Template body text that must not survive.")
    path = tmp_path / "reference.docx"
    ref.save(str(path))

    data = docx_bytes(sample_brief("en"), HouseStyle(reference_docx=path))
    doc = open_docx(data)
    assert doc.sections[0].header.paragraphs[0].text == "ACME Institute — Confidential"
    assert round(doc.sections[0].page_width.inches, 2) == 8.5      # the template's Letter page
    assert str(doc.styles["Heading 1"].font.color.rgb) == "C00000"  # template style untouched
    names = {s.name for s in doc.styles}
    assert {"Org Body", "Key Messages", "Brief Table", "Source Note", "Edition"} <= names
    texts = [p.text for p in doc.paragraphs]
    assert "Template body text that must not survive." not in texts
    assert texts[0] == sample_brief("en").meta.title
    assert doc.sections[0].footer.paragraphs[0].text.startswith("Page ")
    assert styles_of(doc)["List Number"] == ["Build overseas warehouses.[2]",
                                             "Set up an industry college."]


def test_reference_docx_missing_is_a_clear_error(tmp_path: Path) -> None:
    from briefgen.errors import BriefgenError

    with pytest.raises(BriefgenError, match="reference_docx"):
        docx_bytes(sample_brief("en"), HouseStyle(reference_docx=tmp_path / "nope.docx"))


# --------------------------------------------------------------------------- hostile text

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_text_is_literal(lang: str) -> None:
    brief = sample_brief(lang, hostile=HOSTILE)
    data = docx_bytes(brief)
    doc = open_docx(data)
    body_text = "\n".join(p.text for p in doc.paragraphs)
    assert HOSTILE_CLEAN in body_text
    assert "<b>bold</b> & \"quoted\"" in body_text
    assert "\x00" not in body_text and "\x1b" not in body_text


def test_hostile_everywhere_and_empty_strings() -> None:
    brief = sample_brief("en")
    meta = replace(brief.meta, title=HOSTILE, subtitle="", edition=HOSTILE, keywords=(HOSTILE,))
    blocks = (
        Heading(1, ""), Heading(7, HOSTILE), Paragraph(()), Paragraph((Text(""),), role="lead"),
        NumberedList(()),
        References(HOSTILE, (Reference(9, HOSTILE, "https://example.org/?a=1&b=<2>\x01"),)),
        TableOfContents(""),
    )
    doc = open_docx(docx_bytes(Brief(meta, blocks)))
    assert doc.paragraphs[0].text == HOSTILE_CLEAN
    assert doc.core_properties.title == HOSTILE_CLEAN[:255]   # Word's property limit
    assert any(p.text == HOSTILE_CLEAN and p.style.name == "Heading 3" for p in doc.paragraphs)
    targets = [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert targets == ["https://example.org/?a=1&b=<2>"]
    assert plain((Text(HOSTILE),)) == HOSTILE      # the model itself is untouched


# --------------------------------------------------------------------------- another word processor

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_it_and_numbers_lists(tmp_path: Path) -> None:
    brief = sample_brief("en")
    extra = (NumberedList(((Text("fifth item"),),), start=5),)
    path = tmp_path / "brief.docx"
    path.write_bytes(docx_bytes(replace(brief, blocks=brief.blocks + extra)))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    text = (tmp_path / "brief.txt").read_text(encoding="utf-8-sig")
    assert "1. Build overseas warehouses.[2]" in text
    assert "2. Set up an industry college." in text
    assert "5. fifth item" in text


def test_logo_goes_in_the_header_and_picture_ids_stay_unique(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    brief = sample_brief("en")
    Image.new("RGB", (120, 40), "#1F4E79").save(logo)
    data = docx_bytes(brief, HouseStyle(logo=logo))
    doc = open_docx(data)
    header = doc.sections[0].header
    assert header.paragraphs[0].text.startswith(DEFAULT_STYLE.organisation)
    header_pics = list(header._element.iter(W14_DRAWING))
    body_pics = list(doc.element.body.iter(W14_DRAWING))
    ids = [p.get("id") for p in body_pics + header_pics]
    assert len(header_pics) == 1 and len(ids) == len(set(ids))


def test_chinese_body_is_justified_and_english_is_not(en: bytes, zh: bytes) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    assert docx.Document(io.BytesIO(zh)).styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert docx.Document(io.BytesIO(en)).styles["Normal"].paragraph_format.alignment is None


# --------------------------------------------------------------------------- the chart

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def chart_series(xml: bytes) -> list[tuple[str, list[str], dict[int, float], str]]:
    """Each series of a chart part: name, categories, values by point index, fill colour."""
    from lxml import etree

    root = etree.fromstring(xml)
    out = []
    for ser in root.iter(f"{C}ser"):
        name = ser.find(f"{C}tx//{C}v").text
        cats = [v.text for v in ser.find(f"{C}cat").iter(f"{C}v")]
        values = {int(pt.get("idx")): float(pt.find(f"{C}v").text) for pt in ser.find(f"{C}val").iter(f"{C}pt")}
        colour = ser.find(f"{C}spPr/{A}solidFill/{A}srgbClr").get("val")
        out.append((name, cats, values, colour))
    return out


def test_figure_is_a_native_word_chart_with_its_data(en: bytes) -> None:
    data = docx_bytes(sample_brief("en"), HouseStyle(accent="#8B0000"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert {"word/charts/chart1.xml", "word/embeddings/chart1.xlsx"} <= names
        assert not [n for n in names if n.startswith("word/media/")]     # no picture of the chart
        types = z.read("[Content_Types].xml").decode()
        assert ('PartName="/word/charts/chart1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.drawingml.chart+xml"') in types
        chart = z.read("word/charts/chart1.xml")
        book = z.read("word/embeddings/chart1.xlsx")
    doc = open_docx(data)
    (rel,) = [r for r in doc.part.rels.values() if r.reltype.endswith("/chart")]
    assert rel.target_part.partname == "/word/charts/chart1.xml"
    placed = doc.element.body.find(".//" + C + "chart")
    assert placed.get(qn("r:id")) == rel.rId
    assert b'<c:barDir val="bar"/>' in chart and b'<c:grouping val="clustered"/>' in chart
    assert chart_series(chart) == [
        ("Suqian", ["2023", "2024"], {0: 80.0, 1: 100.0}, "8B0000"),
        ("Hangzhou", ["2023", "2024"], {0: 1000.0}, "A7B1BB"),       # 2024 has no figure: a gap
    ]
    assert b"<c:legend>" in chart                                    # two series: a legend
    assert b"<c:title>" in chart and b"RMB billion" in chart      # the unit on the value axis
    # The data an analyst edits: the same table, in a workbook a spreadsheet program opens.
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        [None, "Suqian", "Hangzhou"], ["2023", 80, 1000], ["2024", 100, None]]


def test_a_chart_of_one_series_has_no_legend_and_is_named_by_its_unit() -> None:
    brief = sample_brief("zh")
    figure = next(b for b in brief.blocks if hasattr(b, "chart"))
    one = replace(figure.chart, series=("",), bars=tuple(
        replace(b, values=b.values[:1], value_labels=b.value_labels[:1]) for b in figure.chart.bars))
    blocks = tuple(replace(b, chart=one) if b is figure else b for b in brief.blocks)
    data = docx_bytes(replace(brief, blocks=blocks))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        chart = z.read("word/charts/chart1.xml")
    assert b"<c:legend>" not in chart
    assert [s[0] for s in chart_series(chart)] == ["亿元"]
    assert '<c:lang val="zh-CN"/>' in chart.decode()


def test_word_chart_bytes_are_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert docx_bytes(sample_brief("zh")) == docx_bytes(sample_brief("zh"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice or poppler not installed")
def test_libreoffice_draws_the_word_chart_as_a_chart(tmp_path: Path) -> None:
    """LibreOffice opens the chart part as a chart: its labels print, its bars are in the accent."""
    from PIL import Image

    path = tmp_path / "brief.docx"
    path.write_bytes(docx_bytes(sample_brief("en"), HouseStyle(accent="#8B0000")))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "brief.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    caption = text.index("Figure 1. CBEC trade, Suqian and Hangzhou")
    chart = text[text.index("Sources: [1][2]"):caption].split()
    # Legend, categories, the figures at the bar ends, and the unit: drawn by LibreOffice's chart.
    for label in ("Suqian", "Hangzhou", "2023", "2024", "80", "100", "1,000", "RMB"):
        assert label in chart, label
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "brief.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    accent = sum(n for n, (r, g, b) in page.getcolors(1 << 20) if r > 120 and g < 30 and b < 30)
    assert accent > 100       # Suqian's two bars, filled in the accent (pixels at 50 dpi)
