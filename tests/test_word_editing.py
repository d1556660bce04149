"""Word that an analyst enjoys editing: restyling in one step, a starter template, true properties.

Fonts are checked as Word resolves them (paragraph style, what it is based on, the
document defaults) and, where LibreOffice is installed, in the fonts its PDF embeds.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import briefgen
from briefgen.document import Paragraph, TableOfContents, Text
from briefgen.style import DEFAULT_STYLE, HouseStyle
from briefgen.writers import render
from briefgen.writers.docx.styles import _STYLE_NAMES

from tests.sample_briefs import sample_brief
from tests.test_writer_docx import part_xml, resolved_font

BODY_FONT, HEADING_FONT = "DejaVu Serif", "Liberation Sans"     # both installed with LibreOffice
HEADING_STYLES = {"Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle", "TOC Heading",
                  "Key Messages Title"}
SOFFICE = shutil.which("soffice")


class Ran:
    def __init__(self, done: subprocess.CompletedProcess) -> None:
        self.returncode = done.returncode
        self.stdout_bytes = done.stdout
        self.stdout = done.stdout.decode("utf-8", "replace")
        self.stderr = done.stderr.decode("utf-8", "replace")


def briefgen_cli(*args: str) -> Ran:
    """briefgen as a user runs it: its own process, stdout not a terminal."""
    return Ran(subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True,
                              env=dict(os.environ), timeout=300))


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def set_font(style, font: str) -> None:
    """What Word's Modify Style > Font does: name the font, drop the theme font that would win."""
    style.font.name = font
    fonts = style.element.rPr.find(qn("w:rFonts"))
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    fonts.set(qn("w:eastAsia"), font)


def paragraph_fonts(doc: docx.document.Document) -> dict[str, set[str | None]]:
    """Resolved Latin font of every paragraph with text, by style name (table cells included)."""
    fonts: dict[str, set[str | None]] = {}
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for row in t.rows for c in row.cells
                                         for p in c.paragraphs]
    for p in paragraphs:
        if p.text.strip():
            fonts.setdefault(p.style.name, set()).add(resolved_font(doc, p.style.style_id))
    return fonts


def assert_no_run_names_a_font(doc: docx.document.Document) -> None:
    for run in doc.element.body.iter(qn("w:r")):
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None:      # only the East Asian hint, which a style cannot say
            assert set(fonts.attrib) <= {qn("w:hint")}, fonts.attrib


def assert_restyled(doc: docx.document.Document) -> None:
    fonts = paragraph_fonts(doc)
    assert {"Normal", "Heading 1", "Heading 2", "Title", "Key Messages", "Bibliography"} <= set(fonts)
    for name, found in fonts.items():
        want = HEADING_FONT if name in HEADING_STYLES else BODY_FONT
        assert found == {want}, (name, found)
    assert_no_run_names_a_font(doc)


def pdf_fonts(docx_path: Path, tmp_path: Path) -> str:
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    return subprocess.run(["pdffonts", str(docx_path.with_suffix(".pdf"))], capture_output=True,
                          text=True, check=True).stdout


# --------------------------------------------------------------------------- upright text

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lede_is_upright_and_no_chinese_is_italic(lang: str) -> None:
    brief = sample_brief(lang)
    lede = Paragraph((Text("宿迁的跨境电商在增长。" if lang == "zh" else "Suqian is growing."),), role="lead")
    mixed = Paragraph((Text("未公布 (not published) 宿迁", italic=True),))
    doc = open_docx(render(replace(brief, blocks=(lede, mixed) + brief.blocks), "docx"))
    assert [p.style.name for p in doc.paragraphs[3:5]] == ["Lead", "Normal"]
    for style in doc.styles:
        if style.type == 1:                      # paragraph styles
            assert not style.font.italic, style.name
    leaning = {r.text: bool(r.italic) for r in doc.paragraphs[4].runs}
    assert leaning == {"未公布": False, " (not published) ": True, "宿迁": False}


def test_a_templates_italic_caption_is_set_upright_in_a_chinese_brief(tmp_path: Path) -> None:
    ref = docx.Document()
    ref.styles["Caption"].font.italic = True
    ref.save(tmp_path / "house.docx")
    style = HouseStyle(reference_docx=tmp_path / "house.docx")
    assert open_docx(render(sample_brief("en"), "docx", style)).styles["Caption"].font.italic
    assert not open_docx(render(sample_brief("zh"), "docx", style)).styles["Caption"].font.italic


# --------------------------------------------------------------------------- restyling in one step

@pytest.fixture()
def house_docx(tmp_path: Path) -> Path:
    """An organisation's template: Normal in one font, Heading 1 in another, no Heading 2 or 3."""
    ref = docx.Document()
    set_font(ref.styles["Normal"], BODY_FONT)
    set_font(ref.styles["Heading 1"], HEADING_FONT)
    styles = ref.styles.element
    for el in styles.findall(qn("w:style")):
        if el.get(qn("w:styleId")) in ("Heading2", "Heading3", "Title", "Subtitle", "TOCHeading"):
            styles.remove(el)
    path = tmp_path / "house.docx"
    ref.save(path)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_reference_docx_sets_the_fonts_of_the_whole_brief(house_docx: Path, lang: str) -> None:
    doc = open_docx(render(sample_brief(lang), "docx", HouseStyle(reference_docx=house_docx)))
    assert_restyled(doc)
    by_id = {s.style_id: s for s in doc.styles}
    # Added styles are based on the template's own Normal and Heading 1.
    for name in ("Lead", "Edition", "Key Messages", "Source Note", "Figure"):
        assert doc.styles[name].base_style.name == "Normal", name
    for name in ("Heading 2", "Heading 3", "Title", "TOC Heading", "Key Messages Title"):
        base = doc.styles[name].base_style
        while base.name not in ("Heading 1", "Normal"):
            base = by_id[base.base_style.style_id]
        assert base.name == "Heading 1", name


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None or shutil.which("pdffonts") is None,
                    reason="LibreOffice or poppler not installed")
def test_libreoffice_sets_the_brief_in_the_reference_fonts(house_docx: Path, tmp_path: Path) -> None:
    path = tmp_path / "brief.docx"
    path.write_bytes(render(sample_brief("en"), "docx", HouseStyle(reference_docx=house_docx)))
    fonts = pdf_fonts(path, tmp_path)
    assert "DejaVuSerif" in fonts and "LiberationSans" in fonts
    assert "Carlito" not in fonts and "Calibri" not in fonts      # the default font is gone


def test_briefgens_own_styles_name_fonts_on_normal_only() -> None:
    doc = open_docx(render(sample_brief("zh"), "docx"))
    for el in doc.styles.element.findall(qn("w:style")):
        if el.get(qn("w:styleId")) != "Normal":
            assert el.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") is None, el.get(qn("w:styleId"))
    assert resolved_font(doc, "Heading1", "eastAsia") == DEFAULT_STYLE.word_font_east_asia
    assert_no_run_names_a_font(doc)


# --------------------------------------------------------------------------- the starter template

def test_reference_docx_command_writes_a_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "house.docx"
    first = briefgen_cli("reference-docx", "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == str(out)
    again = briefgen_cli("reference-docx", "-o", str(out))
    assert again.returncode == 2
    assert "exists; pass --force" in again.stderr and "Traceback" not in again.stderr
    assert briefgen_cli("reference-docx", "-o", str(out), "--force").returncode == 0
    piped = briefgen_cli("reference-docx", "-o", "-")
    assert piped.returncode == 0 and piped.stdout_bytes == out.read_bytes()   # reproducible too

    doc = open_docx(out.read_bytes())
    shown = {p.style.style_id for p in doc.paragraphs if p.text}
    table_styles = {t.style.style_id for t in doc.tables}
    run_styles = {r.get(qn("w:val")) for r in doc.element.body.iter(qn("w:rStyle"))}
    for ui, (_, style_id) in _STYLE_NAMES.items():
        assert style_id in shown | table_styles | run_styles, ui
    for p in doc.paragraphs:
        if p.style.name not in ("toc 1", "toc 2", "toc 3") and not p.text.startswith("[1]"):
            # Each sample paragraph says which style it shows.
            assert p.text.split(":")[0].split("：")[0] in {*_STYLE_NAMES, "Normal"}, p.text
    # No header or footer: a brief made from it keeps its own, in its own language.
    sect_pr = doc.element.body.find(qn("w:sectPr"))
    assert sect_pr.find(qn("w:headerReference")) is None
    assert "updateFields" not in part_xml(out.read_bytes(), "word/settings.xml")


def test_chinese_starter(tmp_path: Path) -> None:
    out = tmp_path / "house-zh.docx"
    assert briefgen_cli("reference-docx", "--lang", "zh", "-o", str(out)).returncode == 0
    doc = open_docx(out.read_bytes())
    assert doc.paragraphs[0].text.startswith("标题（Title）")
    assert doc.styles["Normal"].paragraph_format.alignment == 3        # justified, as Chinese is set


def test_round_trip_starter_edited_then_passed_back(tmp_path: Path) -> None:
    starter = tmp_path / "house.docx"
    assert briefgen_cli("reference-docx", "-o", str(starter)).returncode == 0
    edited = docx.Document(str(starter))
    edited.styles["Normal"].font.name = BODY_FONT          # what an analyst changes in Word
    edited.styles["Heading 1"].font.name = HEADING_FONT
    edited.save(str(starter))
    out = tmp_path / "brief.docx"
    made = briefgen_cli("make", "-r", "suqian", "-f", "docx", "--reference-docx", str(starter), "-o", str(out))
    assert made.returncode == 0, made.stderr
    doc = open_docx(out.read_bytes())
    assert_restyled(doc)
    footer = doc.sections[0].footer.paragraphs[0].text
    assert footer.startswith("Page ")                     # briefgen's own footer, filled in


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None or shutil.which("pdffonts") is None,
                    reason="LibreOffice or poppler not installed")
def test_round_trip_fonts_reach_libreoffices_pdf(tmp_path: Path) -> None:
    starter = tmp_path / "house.docx"
    assert briefgen_cli("reference-docx", "--lang", "zh", "-o", str(starter)).returncode == 0
    edited = docx.Document(str(starter))
    set_font(edited.styles["Normal"], BODY_FONT)
    set_font(edited.styles["Heading 1"], HEADING_FONT)
    edited.save(str(starter))
    out = tmp_path / "brief.docx"
    made = briefgen_cli("make", "-r", "suqian", "--lang", "zh", "-f", "docx", "--reference-docx",
                        str(starter), "-o", str(out))
    assert made.returncode == 0, made.stderr
    fonts = pdf_fonts(out, tmp_path)
    assert "DejaVuSerif" in fonts and "LiberationSans" in fonts


# --------------------------------------------------------------------------- fields and properties

def test_fields_are_updated_only_with_a_table_of_contents(tmp_path: Path) -> None:
    brief = sample_brief("en")
    no_toc = replace(brief, blocks=tuple(b for b in brief.blocks if not isinstance(b, TableOfContents)))
    assert '<w:updateFields w:val="true"/>' in part_xml(render(brief, "docx"), "word/settings.xml")
    assert "updateFields" not in part_xml(render(no_toc, "docx"), "word/settings.xml")
    # A template that asks for updates does not make a brief without contents ask.
    ref = docx.Document()
    settings = ref.settings.element
    settings.append(settings.makeelement(qn("w:updateFields"), {qn("w:val"): "true"}))
    ref.save(tmp_path / "house.docx")
    data = render(no_toc, "docx", HouseStyle(reference_docx=tmp_path / "house.docx"))
    assert "updateFields" not in part_xml(data, "word/settings.xml")


@pytest.mark.parametrize("organisation", ["Suqian Bureau of Commerce", ""])
def test_document_properties_are_true(organisation: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")            # 2026-09-21 14:13:20 UTC
    data = briefgen.make("suqian", format="docx", style=HouseStyle(organisation=organisation))
    doc = open_docx(data)
    cp = doc.core_properties
    assert cp.title == doc.paragraphs[0].text and "Suqian" in cp.title
    assert cp.author == organisation and cp.last_modified_by == organisation
    assert "Suqian" in cp.keywords and cp.subject and cp.language == "en-GB"
    # python-docx reads the stamp as naive (1.1) or as UTC (later): compare the moment, and
    # the file's own words, which say UTC.
    for stamp in (cp.created, cp.modified):
        assert stamp.replace(tzinfo=None).isoformat() == "2026-09-21T14:13:20"
    core = part_xml(data, "docProps/core.xml")
    assert core.count("2026-09-21T14:13:20Z") == 2
    app = part_xml(data, "docProps/app.xml")
    for untrue in ("briefgen", "python-docx", "Microsoft", "Normal.dotm"):
        assert untrue not in core and untrue not in app, untrue
    assert (f"<Company>{organisation}</Company>" in app) == bool(organisation)
    assert "proofState" not in part_xml(data, "word/settings.xml")     # nobody has proofed it
    assert not any(n.startswith("customXml/") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
