"""The PDF writer, checked the way a reader meets the file: text, fonts, bookmarks, links, pages."""
from __future__ import annotations

import dataclasses
import io
import re

import pypdf
from helpers import pdf_outline
import pytest
from fontTools.ttLib import TTFont

from briefgen.document import (Brief, Heading, Paragraph, References, Table, text)
from briefgen.errors import BriefgenError
from briefgen.fonts import font_set
from briefgen.style import HouseStyle
from briefgen.writers import pdf, render
from sample_briefs import sample_brief

STYLE = HouseStyle()
HOSTILE = '<b>x</b> & {{y}} \\ \u200b \u202e 😀 ' + "w" * 500
BASE14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {lang: pdf.render(sample_brief(lang), STYLE) for lang in ("en", "zh")}


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


outline = pdf_outline


# --------------------------------------------------------------------------- text

@pytest.mark.parametrize("lang, phrase", [
    ("en", "few firms own brands"),
    ("zh", "宿迁跨境电商进出口额持续增长，但自主品牌偏少。"),
])
def test_text_extracts(pdfs, lang, phrase):
    brief = sample_brief(lang)
    whole = squash(" ".join(page_texts(pdfs[lang])))
    assert squash(brief.meta.title).replace(" ", "") in whole.replace(" ", "")
    assert phrase in whole
    for heading in brief.headings():
        assert heading.text in whole
    assert "张隋" in whole                  # a Chinese source inside the English brief


def test_table_cells_and_captions_extract(pdfs):
    whole = squash(" ".join(page_texts(pdfs["en"])))
    for s in ("Table 1. Suqian and Hangzhou", "Indicator", "not published", "100 亿元[1]",
              "Figure 1. CBEC trade, Suqian and Hangzhou", "Source: [1]", "Sources: [1][2]"):
        assert s in whole


def test_contents_lists_the_main_sections(pdfs):
    first = squash(page_texts(pdfs["en"])[0])
    assert "Contents 1 The situation in numbers 2 Recommendations" in first


# --------------------------------------------------------------------------- fonts

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_font_is_embedded_truetype(pdfs, lang):
    seen = set()
    for page in reader(pdfs[lang]).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            seen.add(name.split("+", 1)[-1])
            assert name.lstrip("/") not in BASE14 and "Helvetica" not in name
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{name} is not embedded"
    # Body text and the chart serif (its "n/a" for a missing figure in a true italic), headings
    # sans; bullets are the Latin sans bullet in both languages; Chinese headings in a true bold.
    expected = ({"NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic", "NotoSans-Regular",
                 "NotoSans-Bold", "NotoSerifSC-Regular"} if lang == "en" else
                {"NotoSerifSC-Regular", "NotoSerifSC-Bold", "NotoSansSC-Bold", "NotoSans-Regular"})
    assert seen == expected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_font_set_covers_every_character(lang):
    """Every visible character has a glyph in some font of the set.

    Emoji are the documented exception: no embeddable TrueType font in the chain
    has them, so the writer prints U+FFFD in their place."""
    fonts = font_set()
    cmaps = []
    for f in (fonts.latin.regular, fonts.latin.bold, fonts.cjk.regular):
        tt = TTFont(str(f.path), fontNumber=f.index, lazy=True)
        cmaps.append(set(tt.getBestCmap()))
        tt.close()
    brief_text = sample_brief(lang).text()
    missing = {ch for ch in brief_text if not ch.isspace()
               and not any(ord(ch) in cmap for cmap in cmaps)}
    assert not missing
    # The page furniture the writer adds itself: bullets, footer, ellipsis.
    for ch in "•·…第页共，":
        assert any(ord(ch) in cmap for cmap in cmaps)


def test_custom_font_is_embedded_instead(tmp_path):
    cjk = str(font_set().cjk.regular.path)
    data = pdf.render(sample_brief("en"), HouseStyle(font_latin=cjk, font_cjk=cjk))
    names = {str(f.get_object()["/BaseFont"]).split("+", 1)[-1]
             for page in reader(data).pages for f in page["/Resources"]["/Font"].values()}
    assert names == {"NotoSerifSC-Regular"}


# --------------------------------------------------------------------------- navigation

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_outline_follows_the_headings(pdfs, lang):
    brief = sample_brief(lang)
    r = reader(pdfs[lang])
    entries = outline(r)
    refs = next(b for b in brief.blocks if isinstance(b, References))
    # Every heading, in order and at its level, then the sources.
    assert [(lvl, t) for lvl, t, _ in entries] == \
        [(h.level - 1, h.text) for h in brief.headings()] + [(0, refs.title)]
    texts = page_texts(pdfs[lang])
    for _, title, page in entries:
        assert title in texts[page], f"bookmark {title!r} points at the wrong page"


def test_outline_never_skips_a_level():
    brief = Brief(sample_brief("en").meta, (Heading(3, "Deep"), Heading(1, "Top"), Heading(3, "Sub")))
    levels = [lvl for lvl, _, _ in outline(reader(pdf.render(brief, STYLE)))]
    assert levels == [0, 0, 1]


def links(data: bytes) -> list[tuple[int, dict]]:
    out = []
    for i, page in enumerate(reader(data).pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                out.append((i, annot))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reference_urls_are_clickable(pdfs, lang):
    uris = [a["/A"]["/URI"] for _, a in links(pdfs[lang]) if "/A" in a]
    assert "https://creativecommons.org/licenses/by/4.0/" in uris


def test_citations_jump_to_the_sources(pdfs):
    r = reader(pdfs["en"])
    refs_page = next(p for lvl, t, p in outline(r) if t == "Sources")
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(r.pages)}
    internal = [a["/Dest"] for _, a in links(pdfs["en"]) if "/Dest" in a]
    assert internal
    assert any(pages[d[0].idnum] == refs_page for d in internal)


def test_unsafe_link_schemes_are_not_clickable():
    meta = sample_brief("en").meta
    from briefgen.document import Link
    brief = Brief(meta, (Paragraph((Link("click", "javascript:alert(1)"),
                                    Link("ok", 'https://x.org/?a="b"&c=<d>'))),))
    data = pdf.render(brief, STYLE)
    uris = [a["/A"]["/URI"] for _, a in links(data) if "/A" in a]
    assert uris == ['https://x.org/?a="b"&c=<d>']
    assert "clickok" in squash(page_texts(data)[0])


# --------------------------------------------------------------------------- pages

@pytest.mark.parametrize("lang, label", [("en", "Page {n} of {m}"), ("zh", "第 {n} 页，共 {m} 页")])
def test_every_page_says_which_of_how_many(lang, label):
    from dataclasses import replace

    # The sample brief fits one page in some fonts: set its body twice, so it runs to several.
    sample = sample_brief(lang)
    texts = page_texts(pdf.render(replace(sample, blocks=sample.blocks + sample.blocks[1:]), STYLE))
    assert len(texts) >= 2
    for n, t in enumerate(texts, 1):
        assert label.format(n=n, m=len(texts)) in t
        assert "briefgen" not in t            # no house style: no product name in the footer


def test_paper_size_follows_the_house_style():
    a4 = reader(pdf.render(sample_brief("en"), STYLE)).pages[0].mediabox
    letter = reader(pdf.render(sample_brief("en"), HouseStyle(paper="Letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_long_table_repeats_its_header():
    meta = sample_brief("en").meta
    rows = tuple((text(f"Row {i}"), text(f"{i}.0")) for i in range(90))
    data = pdf.render(Brief(meta, (Table("Table 9. Long", ("Indicator", "Value"), rows),)), STYLE)
    texts = page_texts(data)
    assert len(texts) >= 2
    assert all("Indicator" in t and "Value" in t for t in texts)
    assert "Row 89" in texts[-1]


def chart_lines(page_text: str) -> list[str]:
    """The sample brief's chart as extracted text: the lines between the table's note and the caption."""
    lines = [squash(line) for line in page_text.splitlines()]
    return lines[lines.index("Sources: [1][2]") + 1:lines.index("Figure 1. CBEC trade, Suqian and Hangzhou")]


def test_chart_is_drawn_in_vector_with_its_labels_as_text():
    data = pdf.render(sample_brief("en"), HouseStyle(accent="#8B0000"))
    page = reader(data).pages[0]
    # No picture anywhere: the bars are filled paths, the labels text.
    assert "/XObject" not in page["/Resources"]
    content = page.get_contents().get_data()
    assert re.search(rb"0?\.545098 0 0 rg", content)       # the accent, #8B0000, fills the bars
    chart = chart_lines(page.extract_text())
    for label in ("Suqian", "Hangzhou", "2023", "2024", "80", "1000", "100", "n/a", "RMB billion"):
        assert label in chart
    assert "CBEC trade" not in chart                    # no title inside the picture: the caption is it


def test_chinese_chart_labels_extract_in_the_cjk_face(pdfs):
    page = reader(pdfs["zh"]).pages[0]
    text = squash(page.extract_text())
    for label in ("宿迁 杭州", "无数据", "亿元"):
        assert label in text
    faces = {str(f.get_object()["/BaseFont"]).split("+", 1)[-1] for f in page["/Resources"]["/Font"].values()}
    assert faces == {"NotoSerifSC-Regular", "NotoSerifSC-Bold", "NotoSansSC-Bold", "NotoSans-Regular"}


def test_a_chinese_name_in_an_english_chart_is_set_in_the_cjk_face():
    brief = sample_brief("en")
    figure = next(b for b in brief.blocks if hasattr(b, "chart"))
    chart = dataclasses.replace(figure.chart, series=("Suqian 宿迁", "Hangzhou"))
    blocks = tuple(dataclasses.replace(b, chart=chart) if b is figure else b for b in brief.blocks)
    page = reader(pdf.render(dataclasses.replace(brief, blocks=blocks), STYLE)).pages[0]
    faces: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            faces.setdefault(text.strip(), set()).add(str(font["/BaseFont"]).split("+", 1)[-1])

    page.extract_text(visitor_text=visit)
    assert faces["宿迁"] == {"NotoSerifSC-Regular"}
    assert "NotoSerif-Regular" in faces["Hangzhou"]          # the legend; the table header is bold


def test_a_chart_of_one_series_has_no_legend():
    brief = sample_brief("en")
    figure = next(b for b in brief.blocks if hasattr(b, "chart"))
    one = dataclasses.replace(figure.chart, series=("Suqian",),
                              bars=tuple(dataclasses.replace(b, values=b.values[:1], value_labels=b.value_labels[:1])
                                         for b in figure.chart.bars))
    blocks = tuple(dataclasses.replace(b, chart=one) if b is figure else b for b in brief.blocks)
    chart = chart_lines(page_texts(pdf.render(dataclasses.replace(brief, blocks=blocks), STYLE))[0])
    assert "Suqian" not in chart and "Hangzhou" not in chart
    assert {"2023", "2024", "80", "100"} <= set(chart)


def test_logo_goes_on_page_one(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "#1F4E79").save(logo)
    brief = Brief(sample_brief("en").meta, (Paragraph(text("Body.")),))
    r = reader(pdf.render(brief, HouseStyle(logo=logo)))
    assert len(r.pages[0]["/Resources"]["/XObject"]) == 1
    with pytest.raises(BriefgenError, match="logo not found"):
        pdf.render(brief, HouseStyle(logo=tmp_path / "nope.png"))


# --------------------------------------------------------------------------- metadata

@pytest.mark.parametrize("lang, pdf_lang", [("en", "en-GB"), ("zh", "zh-CN")])
def test_metadata(pdfs, lang, pdf_lang):
    brief = sample_brief(lang)
    r = reader(pdfs[lang])
    info = r.metadata
    assert info.title == brief.meta.title
    assert info.author == brief.meta.author
    assert info.subject == brief.meta.subject
    assert info["/Keywords"] == ", ".join(brief.meta.keywords)
    assert info.creator == "briefgen"
    assert info["/CreationDate"].startswith("D:20261123")
    assert r.trailer["/Root"]["/Lang"] == pdf_lang


# --------------------------------------------------------------------------- reproducible, safe, fast

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_same_brief_same_bytes(monkeypatch, lang):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    brief = sample_brief(lang, hostile=HOSTILE)
    assert pdf.render(brief, STYLE) == pdf.render(brief, STYLE)
    assert render(brief, "pdf", STYLE) == pdf.render(brief, STYLE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_text_renders_literally(lang, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_NO_SYSTEM_FONTS", "1")     # as on a machine with no emoji font
    data = pdf.render(sample_brief(lang, hostile=HOSTILE), STYLE)
    whole = " ".join(page_texts(data))
    assert "<b>x</b> & {{y}} \\" in squash(whole)      # (a line may break inside it)
    assert "\ufffd" in whole                          # the emoji, which no font has
    assert "\u202e" not in whole                      # an invisible override no font has
    # The 500-letter word wraps (no line could hold it) and none of it is lost.
    assert max(len(m) for m in re.findall("w+", whole)) < 100
    assert "w" * 500 in re.sub(r"\s+", "", whole)


def test_control_characters_and_empty_blocks_do_not_crash():
    meta = dataclasses.replace(sample_brief("en").meta, title="", subtitle="\x00", edition="\x1b[31m")
    blocks = (Heading(1, ""), Paragraph(()), Paragraph(text("a\tb\nc\x07d\u2028e")),
              Table("", (), ()), References("", ()))
    data = pdf.render(Brief(meta, blocks), STYLE)
    assert "ab cd e" in squash(page_texts(data)[0]).replace("a b", "ab")


def test_chinese_lines_wrap_inside_the_page():
    meta = sample_brief("zh").meta
    long = "宿迁跨境电商进出口额持续增长，但自主品牌偏少。" * 12
    data = pdf.render(Brief(meta, (Paragraph(text(long)),)), STYLE)
    lines = [line for line in page_texts(data)[0].splitlines() if "宿迁跨境" in line or "品牌偏少" in line]
    assert len(lines) >= 5
    # 17 cm of 10.5 pt characters is about 46 of them.
    assert max(len(line) for line in lines) <= 47
    assert "".join(lines).replace(" ", "") == long


def test_english_lines_break_between_words():
    meta = sample_brief("en").meta
    words = ("Hangzhou built platforms, trained people and helped firms register brands abroad; "
             * 8).split()
    data = pdf.render(Brief(meta, (Paragraph(text(" ".join(words))),)), STYLE)
    body = [line for line in page_texts(data)[0].splitlines() if "Hangzhou built" in line
            or "brands abroad" in line or "trained" in line]
    assert len(body) >= 4
    for line in body:
        for word in line.split():
            assert word in words, f"{word!r} is a broken word"




@pytest.mark.parametrize("region,audience,first_line", [
    ("ningbo", "government", "宁波在供应链和创新方面的做法可供借鉴，"),      # balanced, it split 做|法
    ("suqian", "industry", "宿迁贸易增长和制度有基础，"),                    # its colon half is a line too long
])
def test_a_chinese_title_that_wraps_breaks_at_its_punctuation_not_inside_a_word(region, audience, first_line):
    import briefgen

    pdf = briefgen.make_all(region, audience=audience, lang="zh", formats=("pdf",), cache=False)["pdf"]
    lines = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert lines[0].strip() == first_line
