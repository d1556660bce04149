"""Publication-grade PDF and Word, checked end to end on real briefs made through the CLI.

The writer tests (test_writer_pdf.py, test_writer_docx.py) check each writer on
hand-built briefs; these check what an analyst actually gets from
``briefgen make`` for Suqian: paper, embedded fonts and glyphs, extractable
Chinese, bookmarks, metadata, footers, links, chart resolution, Chinese line
breaking, Word styles and fields, LibreOffice's page count, the house style
from briefgen.toml / --config / --reference-docx (make and batch), and
byte-identical files from two processes.

Tests that need LibreOffice (soffice) or poppler (pdffonts) skip when those are
missing; .ci/run installs them.
"""
from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import docx
import pypdf
from helpers import pdf_outline
import pytest
import yaml
from fontTools.ttLib import TTFont
from PIL import Image

import briefgen
from briefgen import charts
from briefgen.cli import main
from briefgen.document import Figure, Heading, Link, Paragraph, References, Text, plain
from briefgen.fonts import FontFile, font_set, split_runs
from briefgen.paths import data_dir
from briefgen.spec import PAGE_BUDGET, BriefSpec

EPOCH = "1795392000"                     # 2026-11-23 00:00 UTC, as in conftest
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
# A TrueType CJK font of the system's, to configure as font_cjk.
ZENHEI = next((p for p in (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
                           Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")) if p.exists()),
              Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
ACCENT = "#8B1A1A"
#: A line of Chinese must not begin with these (closing punctuation) ...
NO_LINE_START = set("，。、；：！？）】》」』”’")
#: ... nor end with these (opening punctuation).
NO_LINE_END = set("（【《「『“‘")


# --------------------------------------------------------------------------- helpers

def cli(*args: object) -> tuple[int, str, str]:
    """Run ``briefgen`` in this process and return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code or 0
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def make(*args: object) -> list[Path]:
    """``briefgen make ...``: the paths it wrote (fails the test on a non-zero exit)."""
    code, out, err = cli("make", *args)
    assert code == 0, err
    return [Path(line) for line in out.splitlines()]


def reader(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(str(path))


def page_size(path: Path) -> tuple[float, float]:
    box = reader(path).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def resources(page, kind: str) -> dict:
    """A page's /Resources entry (``/Font``, ``/XObject``), resolved; {} if it has none.

    Subscripting resolves indirect objects in every pypdf release; ``.get`` does not in 4.0."""
    res = page["/Resources"]
    return res[kind] if kind in res else {}


def pdf_fonts(r: pypdf.PdfReader) -> dict[str, list[str]]:
    """BaseFont -> the FontFile keys of its descriptor, for every font on every page."""
    out: dict[str, list[str]] = {}
    for page in r.pages:
        for font in resources(page, "/Font").values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            out[str(font["/BaseFont"])] = [k for k in desc if str(k).startswith("/FontFile")]
    return out


def uris(r: pypdf.PdfReader) -> list[str]:
    found = []
    for page in r.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                found.append(str(action.get_object()["/URI"]))
    return found


outline_titles = pdf_outline


def fill_colours(content: bytes) -> set[tuple[float, float, float]]:
    """Every RGB colour set with rg/RG in a content stream, rounded to 2 places."""
    return {tuple(round(float(x), 2) for x in m.groups())
            for m in re.finditer(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content)}


def rgb(colour: str) -> tuple[float, float, float]:
    return tuple(round(int(colour[i:i + 2], 16) / 255, 2) for i in (1, 3, 5))


def docx_xml(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


def part_members(path: Path, prefix: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if n.startswith(prefix))


def logo_png(path: Path) -> Path:
    img = Image.new("RGB", (300, 100), ACCENT)
    img.paste((255, 255, 255), (20, 20, 280, 80))
    img.save(path)
    return path


@pytest.fixture(scope="module")
def fixed_date():
    """Module fixtures run before conftest's per-test clock, so they set it themselves."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


@pytest.fixture(scope="module")
def standard(tmp_path_factory, fixed_date) -> dict[str, dict]:
    """The Suqian standard brief in each language: CLI files, and the Brief the API composes."""
    folder = tmp_path_factory.mktemp("standard")
    out = {}
    for lang in ("en", "zh"):
        pdf, word = make("--region", "suqian", "--lang", lang, "-f", "pdf", "-f", "docx",
                         "-o", f"{folder}/")
        brief = briefgen.compose(BriefSpec(region="suqian", lang=lang))
        out[lang] = {"pdf": pdf, "docx": word, "brief": brief}
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory, fixed_date) -> dict[str, dict]:
    """The Suqian full brief in each language, made through the API's build."""
    from briefgen.build import build

    folder = tmp_path_factory.mktemp("full")
    lib = briefgen.load_library()
    out = {}
    for lang in ("en", "zh"):
        built = build(BriefSpec(region="suqian", length="full", lang=lang).resolve(lib),
                      ("pdf", "docx"), lib)
        paths = {}
        for fmt, data in built.files.items():
            paths[fmt] = folder / built.file_name(fmt)
            paths[fmt].write_bytes(data)
        out[lang] = {**paths, "brief": built.brief}
    return out


# --------------------------------------------------------------------------- PDF

def test_pdf_is_a4_by_default(standard):
    for lang in ("en", "zh"):
        assert page_size(standard[lang]["pdf"]) == A4


def test_letter_paper_from_the_option_or_the_config(tmp_path, monkeypatch):
    pdf, word = make("-r", "suqian", "-l", "short", "--paper", "Letter", "-f", "pdf", "-f", "docx",
                     "-o", f"{tmp_path}/opt/")
    assert page_size(pdf) == LETTER
    section = docx.Document(str(word)).sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)

    monkeypatch.chdir(tmp_path)
    Path("briefgen.toml").write_text('paper = "Letter"\n', encoding="utf-8")
    pdf, word = make("-r", "suqian", "-l", "short", "--lang", "zh", "-f", "pdf", "-f", "docx",
                     "-o", "cfg/")
    assert page_size(pdf) == LETTER
    assert docx.Document(str(word)).sections[0].page_width.inches == 8.5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_font_is_embedded(standard, lang):
    fonts = pdf_fonts(reader(standard[lang]["pdf"]))
    assert fonts
    assert {name: keys for name, keys in fonts.items() if keys != ["/FontFile2"]} == {}
    if lang == "zh":        # a true bold for headings, not a stroked regular
        assert any(name.endswith("+NotoSansSC-Bold") for name in fonts)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler's pdffonts not installed")
def test_pdffonts_reports_every_font_embedded(standard):
    for lang in ("en", "zh"):
        rows = subprocess.run(["pdffonts", str(standard[lang]["pdf"])], capture_output=True,
                              text=True, check=True).stdout.splitlines()[2:]
        assert rows
        for row in rows:
            # name type encoding emb sub uni object-id gen; "emb" is the 4th column from the right
            assert row.split()[-5] == "yes", row


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext not installed")
def test_chinese_paragraphs_are_justified_to_a_straight_right_edge(standard, tmp_path):
    # Chinese is set justified: every line of a paragraph but the last ends at the margin.
    bbox = tmp_path / "page1.html"
    subprocess.run(["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(standard["zh"]["pdf"]), str(bbox)],
                   check=True)
    page = bbox.read_text(encoding="utf-8")
    lines = [(float(x_max), "".join(re.findall(r">([^<]+)</word>", body)))
             for x_max, body in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>',
                                           page, re.S)]
    start = next(i for i, (_, text) in enumerate(lines) if text.startswith("宿迁是江苏省"))
    paragraph = lines[start:start + 5]          # the profile paragraph runs to seven lines
    edges = [x for x, _ in paragraph]
    assert max(edges) - min(edges) < 0.5, paragraph
    text = pypdf.PdfReader(standard["zh"]["pdf"]).pages[0].extract_text()
    assert "宿迁是江苏省地级市" in text                 # spacing the characters splits no words


_CMAPS: dict[FontFile, set[int]] = {}


def cmap(font: FontFile) -> set[int]:
    """The font's own cmap, read with fontTools (independently of briefgen's coverage cache)."""
    if font not in _CMAPS:
        with TTFont(str(font.path), fontNumber=font.index, lazy=True) as tt:
            _CMAPS[font] = set(tt.getBestCmap())
    return _CMAPS[font]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_fonts_have_every_glyph_the_full_brief_uses(full, lang):
    text = full[lang]["brief"].text()
    fonts = font_set()
    missing = sorted({ch for family, run in split_runs(text, fonts.order(lang), lambda f: cmap(f.regular))
                      for ch in run if not ch.isspace() and ord(ch) not in cmap(family.regular)})
    assert missing == []
    if lang == "zh":
        assert sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") > 2000   # really Chinese


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_extracts_chinese_included(standard, lang):
    brief = standard[lang]["brief"]
    text = squash("".join(page.extract_text() for page in reader(standard[lang]["pdf"]).pages))
    expected = [brief.meta.title, brief.meta.edition]
    expected += [h.text for h in brief.headings()]
    expected += [plain(item) for b in brief.blocks if type(b).__name__ == "Callout" for item in b.items]
    assert [e for e in expected if squash(e) not in text] == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bookmarks_follow_the_headings(standard, lang):
    brief = standard[lang]["brief"]
    entries = outline_titles(reader(standard[lang]["pdf"]))
    headings = [(b.level, b.text) for b in brief.blocks if isinstance(b, Heading)]
    headings += [(1, b.title) for b in brief.blocks if isinstance(b, References) and b.title]
    assert [title for _, title, _ in entries] == [text for _, text in headings]
    # Outline levels follow the heading levels, except that a PDF outline cannot skip one
    # (a level-3 heading straight under a level-1 one sits at level 2).
    expected, previous = [], 0
    for level, _ in headings:
        previous = min(level, previous + 1)
        expected.append(previous)
    assert [level + 1 for level, _, _ in entries] == expected
    pages = [page for _, _, page in entries]
    assert pages == sorted(pages)


@pytest.mark.parametrize("lang, pdf_lang", [("en", "en-GB"), ("zh", "zh-CN")])
def test_metadata(standard, lang, pdf_lang):
    r = reader(standard[lang]["pdf"])
    meta = standard[lang]["brief"].meta
    info = r.metadata
    assert info.title == meta.title
    assert info.author == briefgen.HouseStyle().organisation_for(lang)
    assert info.subject == meta.subject and info.subject != info.title
    assert ("宿迁" if lang == "zh" else "Suqian") in info["/Keywords"]
    assert r.trailer["/Root"]["/Lang"] == pdf_lang


@pytest.mark.parametrize("lang, label", [("en", "Page {n} of {m}"), ("zh", "第 {n} 页，共 {m} 页")])
def test_every_page_has_the_running_footer(standard, lang, label):
    pages = reader(standard[lang]["pdf"]).pages
    assert len(pages) > 1
    for n, page in enumerate(pages, 1):
        text = page.extract_text()
        assert label.format(n=n, m=len(pages)) in text
        # No house style, no publisher: the footer names the brief, never the tool that made it.
        assert "briefgen" not in text and standard[lang]["brief"].meta.title[:8] in text.replace("\n", "")


def test_source_urls_are_clickable_in_pdf_and_word(tmp_path):
    # The built-in sources carry no url; give Suqian's main source one, as an overlay would.
    url = "https://www.hanspub.org/journal/example-article"
    record = next(r for r in yaml.safe_load(
        (data_dir("seeds") / "003_f3f3d510a50aa496.yaml").read_text(encoding="utf-8"))
        if r["id"] == "s003")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "sources.yaml").write_text(yaml.safe_dump([{**record, "url": url}], allow_unicode=True),
                                          encoding="utf-8")
    pdf, word = make("-r", "suqian", "-l", "short", "--overlay", overlay, "-f", "pdf", "-f", "docx",
                     "-o", f"{tmp_path}/out/")
    assert url in uris(reader(pdf))
    targets = [rel.target_ref for rel in docx.Document(str(word)).part.rels.values()
               if rel.reltype.endswith("/hyperlink")]
    assert url in targets


def test_a_link_in_the_text_is_clickable_without_source_urls(standard):
    brief = standard["en"]["brief"]
    assert not any(ref.url for b in brief.blocks if isinstance(b, References) for ref in b.items)
    url = "https://creativecommons.org/licenses/by/4.0/"
    linked = dataclasses.replace(brief, blocks=brief.blocks + (
        Paragraph((Text("Licence: "), Link("CC BY 4.0", url))),))
    assert url in uris(pypdf.PdfReader(io.BytesIO(briefgen.render(linked, "pdf"))))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_is_vector_and_its_labels_are_text(standard, lang):
    """The chart is drawn, not pasted: no picture in the file, and every label on it extracts."""
    r = reader(standard[lang]["pdf"])
    assert not [x for page in r.pages for x in resources(page, "/XObject").values()
                if x.get_object().get("/Subtype") == "/Image"]
    figure = next(b for b in standard[lang]["brief"].blocks if isinstance(b, Figure))
    page = next(p for p in r.pages if squash(figure.caption) in squash(p.extract_text()))
    text = squash(page.extract_text())
    for i, bar in enumerate(figure.chart.bars):
        assert squash(bar.label) in text
        for s in range(len(bar.values)):
            assert squash(charts.value_label(figure.chart, i, s)) in text
    assert squash(figure.chart.unit_label) in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_value_labels_are_not_cut_off(standard, lang):
    """Measured with the faces the PDF embeds, every label ends inside the text column."""
    from briefgen.writers import pdf

    style = briefgen.HouseStyle()
    figure = next(b for b in standard[lang]["brief"].blocks if isinstance(b, Figure))
    faces = pdf._faces(style.font_latin, style.font_cjk)
    measure = pdf._measurer(faces, faces.fonts.order(lang))
    from reportlab.lib.pagesizes import A4

    width = A4[0] - 2 * pdf._MARGIN                  # the text column the chart fills
    geo = charts.layout(figure.chart, round(width, 3), style.body_size * 0.85, style.accent, measure)
    for label in geo.labels:
        size = measure(label.text, label.size)
        left = label.x - {"start": 0.0, "middle": size / 2, "end": size}[label.anchor]
        assert left >= -0.01 and left + size <= width + 0.01, label


def pdf_lines(path: Path) -> list[str]:
    return [line for page in reader(path).pages for line in page.extract_text().splitlines()]


@pytest.mark.parametrize("which", ["standard", "full"])
def test_chinese_lines_obey_the_line_breaking_rules(standard, full, which):
    lines = pdf_lines((standard if which == "standard" else full)["zh"]["pdf"])
    assert len(lines) > 40
    bad_start = [line for line in lines if line.lstrip()[:1] in NO_LINE_START]
    bad_end = [line for line in lines if line.rstrip()[-1:] in NO_LINE_END]
    assert bad_start == [] and bad_end == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_citation_marks_are_never_split_across_lines(full, lang):
    split = [line for line in pdf_lines(full[lang]["pdf"]) if re.search(r"\[\d+,$", line.rstrip())]
    assert split == []


# --------------------------------------------------------------------------- Word

def test_word_is_built_on_word_styles(full):
    doc = docx.Document(str(full["en"]["docx"]))
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet", "List Number",
            "Caption", "Key Messages"} <= used
    assert [t.style.name for t in doc.tables] == ["Brief Table"] * len(doc.tables) and doc.tables
    # Built-in styles keep Word's internal names, so Word's navigation pane and TOC see them.
    styles = docx_xml(full["en"]["docx"], "word/styles.xml")
    for internal in ("heading 1", "heading 2", "heading 3", "caption", "Title", "List Bullet"):
        assert f'w:name w:val="{internal}"' in styles


def test_word_chinese_declares_east_asian_font_and_language(standard):
    path = standard["zh"]["docx"]
    styles = docx_xml(path, "word/styles.xml")
    east_asia = briefgen.HouseStyle().word_font_east_asia
    defaults = styles.split("<w:docDefaults>")[1].split("</w:docDefaults>")[0]
    assert f'w:eastAsia="{east_asia}"' in defaults and 'w:eastAsia="zh-CN"' in defaults
    doc = docx.Document(str(path))
    for name in ("Normal", "Heading 1", "Title"):
        rpr = doc.styles[name].element.find(f"{W}rPr")
        assert rpr.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN", name
        # The font is named on Normal only; the others inherit it (one place to restyle).
        style = doc.styles[name]
        while style.element.find(f"{W}rPr/{W}rFonts") is None:
            style = style.base_style
        assert style.name == "Normal", name
        assert style.element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == east_asia, name
    assert "eastAsiaTheme" not in styles
    theme = docx_xml(path, part_members(path, "word/theme/")[0])
    assert f'<a:ea typeface="{east_asia}"' in theme
    for japanese in ("MS Mincho", "ＭＳ 明朝", "MS Gothic", "ＭＳ ゴシック", "Yu Mincho", "游明朝"):
        assert japanese not in theme
    settings = docx_xml(path, "word/settings.xml")
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_core_properties_header_and_page_field(standard, lang):
    path = standard[lang]["docx"]
    doc = docx.Document(str(path))
    meta = standard[lang]["brief"].meta
    cp = doc.core_properties
    assert cp.title == meta.title and cp.subject == meta.subject
    assert cp.author == briefgen.HouseStyle().organisation_for(lang)
    assert cp.language == {"en": "en-GB", "zh": "zh-CN"}[lang]
    assert meta.keywords[0] in cp.keywords
    section = doc.sections[0]
    assert "briefgen" not in "".join(p.text for p in section.header.paragraphs)
    footer = "".join(docx_xml(path, m) for m in part_members(path, "word/footer"))
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)


def test_full_word_brief_has_a_toc_field(full, standard):
    for lang in ("en", "zh"):
        assert "TOC \\o" in docx_xml(full[lang]["docx"], "word/document.xml")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_charts_have_alt_text(standard, lang):
    doc = docx.Document(str(standard[lang]["docx"]))
    pictures = list(doc.element.body.iter(WP_DOCPR))
    assert pictures
    assert all(p.get("descr", "").strip() for p in pictures)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_every_length_within_its_page_budget(tmp_path, fixed_date):
    files = {}
    for length in ("short", "standard", "full"):
        for lang in ("en", "zh"):
            (word,) = make("-r", "suqian", "-l", length, "--lang", lang, "-f", "docx",
                           "-o", f"{tmp_path}/docx/")
            files[word] = length
    # One soffice call converts all six: its start-up is most of the cost.
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    complaints = [line for line in done.stderr.splitlines()
                  if line.strip() and "javaldx" not in line]    # a JVM probe, not about the file
    assert complaints == []
    pages = {}
    for word, length in files.items():
        pdf = tmp_path / "pdf" / (word.stem + ".pdf")
        assert pdf.exists(), word.name
        pages[word.name] = (len(reader(pdf).pages), PAGE_BUDGET[length] + 1)
    assert {name: n for name, n in pages.items() if n[0] > n[1]} == {}


# --------------------------------------------------------------------------- house style

def house_config(folder: Path, **extra: str) -> Path:
    logo_png(folder / "logo.png")
    lines = ['organisation = "Suqian Bureau of Commerce"', 'organisation_zh = "宿迁市商务局"',
             'logo = "logo.png"', f'accent = "{ACCENT}"', 'paper = "Letter"',
             *(f'{k} = "{v}"' for k, v in extra.items())]
    path = folder / "briefgen.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang, how", [("en", "working folder"), ("zh", "--config")])
def test_house_style_reaches_both_writers(tmp_path, monkeypatch, lang, how):
    house = tmp_path / "house"
    house.mkdir()
    config = house_config(house)
    org = "宿迁市商务局" if lang == "zh" else "Suqian Bureau of Commerce"
    args = ["-r", "suqian", "-l", "short", "--lang", lang, "-f", "pdf", "-f", "docx"]
    if how == "--config":
        pdf, word = make(*args, "--config", config, "-o", f"{tmp_path}/out/")
    else:
        monkeypatch.chdir(house)
        pdf, word = make(*args, "-o", "out/")

    r = reader(pdf)
    assert page_size(pdf) == LETTER
    assert r.metadata.author == org
    assert all(org in page.extract_text() for page in r.pages)             # footer on each page
    first = r.pages[0]
    images = [x.get_object() for x in resources(first, "/XObject").values()]
    assert any((x["/Width"], x["/Height"]) == (300, 100) for x in images)    # the logo
    assert rgb(ACCENT) in fill_colours(first.get_contents().get_data())     # headings, rules

    doc = docx.Document(str(word))
    section = doc.sections[0]
    assert org in section.header.paragraphs[0].text
    assert list(section.header._element.iter(WP_DOCPR))                     # the logo
    assert doc.core_properties.author == org
    assert str(doc.styles["Heading 1"].font.color.rgb) == ACCENT[1:]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    # The key-messages box is a tint of the accent, not the default blue.
    fill = doc.styles["Key Messages"].element.find(f"{W}pPr/{W}shd").get(f"{W}fill")
    assert fill != briefgen.HouseStyle().accent_light.lstrip("#")
    red, green, blue = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
    assert red > green and red > blue


@pytest.mark.skipif(not ZENHEI.exists(), reason="Debian's fonts-wqy-zenhei/microhei not installed")
def test_font_cjk_from_the_config_is_embedded(tmp_path):
    config = tmp_path / "house.toml"
    config.write_text(f'font_cjk = "{ZENHEI}"\n', encoding="utf-8")
    (pdf,) = make("-r", "suqian", "-l", "short", "--lang", "zh", "--config", config,
                  "-o", f"{tmp_path}/")
    fonts = pdf_fonts(reader(pdf))
    assert any("ZenHei" in name or "MicroHei" in name for name in fonts)
    assert not any("NotoSerifSC" in name or "NotoSansSC" in name for name in fonts)
    assert all(keys == ["/FontFile2"] for keys in fonts.values())


@pytest.mark.parametrize("text, words", [
    ('organisaton = "Suqian Bureau of Commerce"\n', ["'organisaton'", "'organisation'"]),
    ('logo = "missing-logo.png"\n', ["logo", "missing-logo.png", "not found"]),
])
def test_config_mistakes_are_one_clear_line(tmp_path, text, words):
    config = tmp_path / "house.toml"
    config.write_text(text, encoding="utf-8")
    code, out, err = cli("make", "-r", "suqian", "--config", config, "-o", f"{tmp_path}/")
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert all(w in err for w in words), err
    assert not list(tmp_path.glob("*.pdf"))


def reference_docx(path: Path) -> Path:
    """An organisation's Word template: its own margins, header, footer and Heading 1."""
    from docx.shared import Cm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(3.3)
    section.header.paragraphs[0].text = "ACME Institute · draft for comment"
    section.footer.paragraphs[0].text = "ACME Institute, 1 Example Road"
    heading = doc.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.size = Pt(19)
    heading.font.color.rgb = RGBColor(0x2E, 0x7D, 0x32)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("how", ["--reference-docx", "config"])
def test_reference_docx_gives_styles_page_setup_header_and_footer(tmp_path, how):
    ref = reference_docx(tmp_path / "house.docx")
    if how == "config":
        config = tmp_path / "house.toml"
        config.write_text('reference_docx = "house.docx"\n', encoding="utf-8")
        opts = ["--config", config]
    else:
        opts = ["--reference-docx", ref]
    (word,) = make("-r", "suqian", "-l", "short", "-f", "docx", *opts, "-o", f"{tmp_path}/out/")
    doc = docx.Document(str(word))
    section = doc.sections[0]
    assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 3.3
    assert section.header.paragraphs[0].text == "ACME Institute · draft for comment"
    assert section.footer.paragraphs[0].text == "ACME Institute, 1 Example Road"
    heading = doc.styles["Heading 1"]
    assert (heading.font.name, heading.font.size.pt, str(heading.font.color.rgb)) == \
        ("Georgia", 19, "2E7D32")
    assert any(p.style.name == "Heading 1" for p in doc.paragraphs)
    assert "Brief Table" in [s.name for s in doc.styles]       # what the template lacks is added


def test_batch_passes_the_house_style_through(tmp_path):
    house = tmp_path / "house"
    house.mkdir()
    config = house_config(house)
    plan = tmp_path / "plan.toml"
    plan.write_text(textwrap.dedent("""\
        edition = "2026-11"
        [[briefs]]
        regions = ["suqian"]
        lengths = ["short"]
        langs = ["en", "zh"]
        formats = ["pdf", "docx"]
        """), encoding="utf-8")
    code, out, err = cli("batch", plan, "--config", config, "-o", tmp_path / "out", "--jobs", "2")
    assert code == 0, err
    written = [Path(p) for p in out.splitlines()]
    assert len(written) == 4
    for path in written:
        lang = "zh" if path.stem.endswith("_zh") else "en"
        org = "宿迁市商务局" if lang == "zh" else "Suqian Bureau of Commerce"
        if path.suffix == ".pdf":
            assert reader(path).metadata.author == org and page_size(path) == LETTER
            assert org in reader(path).pages[0].extract_text()
        else:
            assert org in docx.Document(str(path)).sections[0].header.paragraphs[0].text


# --------------------------------------------------------------------------- reproducible files

@pytest.mark.slow
@pytest.mark.parametrize("lang, length", [("zh", "standard"), ("en", "short")])
def test_two_processes_write_identical_files(tmp_path, lang, length):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    runs = []
    for n in (1, 2):
        done = subprocess.run([sys.executable, "-m", "briefgen", "make", "-r", "suqian", "--lang", lang,
                               "-l", length, "-f", "pdf", "-f", "docx", "-o", f"{tmp_path}/run{n}/"],
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        runs.append({Path(p).name: Path(p).read_bytes() for p in done.stdout.splitlines()})
    assert sorted(runs[0]) == sorted(runs[1]) and len(runs[0]) == 2
    for name in runs[0]:
        assert runs[0][name] == runs[1][name], name
    # The date comes from SOURCE_DATE_EPOCH (14 November 2023), not the clock.
    pdf = next(data for name, data in runs[0].items() if name.endswith(".pdf"))
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert ("2023年11月14日" if lang == "zh" else "14 November 2023") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_source_date_epoch_the_edition_is_today(monkeypatch, lang):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = date.today()
    brief = briefgen.compose(BriefSpec(region="suqian", length="short", lang=lang))
    pdf = briefgen.render(brief, "pdf")
    after = date.today()
    shown = {d: (f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%B %Y}")
             for d in {before, after}}
    assert any(s in brief.meta.edition for s in shown.values()), brief.meta.edition
    first_page = squash(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert any(squash(s) in first_page for s in shown.values())
