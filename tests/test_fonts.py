"""The type a brief is set in: shipped Noto faces, serif or sans body per language,
true bold and italic, upright Chinese, per-glyph fallback and the licence shipped."""
from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from briefgen.config import load_style
from briefgen.document import Paragraph, Text
from briefgen.errors import BriefgenWarning, UsageError
from briefgen.fonts import SHIPPED, word_font_names
from briefgen.style import HouseStyle
from briefgen.writers import pdf

from sample_briefs import sample_brief

ROOT = Path(__file__).resolve().parent.parent


def faces_of(data: bytes) -> dict[str, set[str]]:
    """Each piece of text drawn on page one -> the embedded fonts it was drawn in."""
    faces: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            faces.setdefault(text.strip(), set()).add(str(font["/BaseFont"]).split("+", 1)[-1])

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return faces


def embedded(data: bytes) -> set[str]:
    return {str(f.get_object()["/BaseFont"]).split("+", 1)[-1]
            for page in pypdf.PdfReader(io.BytesIO(data)).pages
            for f in page["/Resources"]["/Font"].values()}


def with_paragraph(brief, *runs: Text):
    return dataclasses.replace(brief, blocks=(Paragraph(tuple(runs)), *brief.blocks))


@pytest.mark.parametrize("lang, body_en, body_zh, body_face, absent", [
    ("en", "serif", "serif", "NotoSerif-Regular", ""),
    ("en", "sans", "serif", "NotoSans-Regular", "NotoSerif-Regular"),
    ("zh", "serif", "serif", "NotoSerifSC-Regular", ""),
    ("zh", "serif", "sans", "NotoSansSC-Regular", "NotoSerifSC-Regular"),
])
def test_body_font_is_chosen_per_language(lang, body_en, body_zh, body_face, absent):
    style = HouseStyle(body_font_en=body_en, body_font_zh=body_zh)
    brief = sample_brief(lang)
    data = pdf.render(brief, style)
    first_words = "宿迁跨境电商进出口额持续增长" if lang == "zh" else "Suqian"
    body = next(faces for text, faces in faces_of(data).items() if text.startswith(first_words)
                and "NotoSans-Bold" not in faces and "NotoSansSC-Bold" not in faces)
    assert body_face in body
    assert not absent or absent not in embedded(data)
    # Headings stay sans, whatever the body.
    heading = next(b.text for b in brief.blocks if type(b).__name__ == "Heading")
    assert faces_of(data).get(heading, {"NotoSans-Bold"}) & {"NotoSans-Bold", "NotoSansSC-Bold"}


def test_body_font_setting_is_checked_with_a_clear_message(tmp_path):
    with pytest.raises(UsageError, match='body_font_zh=.roman.: choose "serif" or "sans"'):
        HouseStyle(body_font_zh="roman")
    config = tmp_path / "briefgen.toml"
    config.write_text('body_font_en = "Serif"\n', encoding="utf-8")
    with pytest.raises(UsageError, match='body_font_en.*choose "serif" or "sans"'):
        load_style(config)
    config.write_text('body_font_en = "sans"\nbody_font_zh = "sans"\n', encoding="utf-8")
    assert load_style(config).body_font_en == "sans"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler's pdffonts not installed")
def test_chinese_headings_and_emphasis_are_in_a_true_bold(tmp_path):
    brief = with_paragraph(sample_brief("zh"), Text("加强品牌建设", bold=True), Text("。实施主体：政府"))
    path = tmp_path / "zh.pdf"
    path.write_bytes(pdf.render(brief, HouseStyle()))
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[-1] for line in listed.splitlines()[2:]}
    assert {"NotoSansSC-Bold", "NotoSerifSC-Bold", "NotoSerifSC-Regular"} <= names
    faces = faces_of(path.read_bytes())
    assert faces["加强品牌建设"] == {"NotoSerifSC-Bold"}
    assert any(t.startswith("。实施主体") and f == {"NotoSerifSC-Regular"} for t, f in faces.items())
    # No stroked ("faux") bold: text render mode 2 is never switched on.
    assert b" 2 Tr" not in pypdf.PdfReader(path).pages[0].get_contents().get_data()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_italic_is_a_real_italic_and_never_slants_chinese(lang):
    brief = with_paragraph(sample_brief(lang), Text("Made in Suqian", italic=True),
                           Text(" "), Text("宿迁制造", italic=True))
    faces = faces_of(pdf.render(brief, HouseStyle()))
    chinese = next(f for t, f in faces.items() if "宿迁制造" in t)
    assert chinese == {"NotoSerifSC-Regular"}           # upright: Chinese has no italic
    if lang == "en":
        assert faces["Made in Suqian"] == {"NotoSerif-Italic"}
    else:                                               # Chinese briefs set Latin in the CJK face
        assert next(f for t, f in faces.items() if "Made in Suqian" in t) == {"NotoSerifSC-Regular"}


def test_a_character_outside_the_shipped_fonts_comes_from_a_system_font():
    rare = "\u4e02"          # 丂: a CJK character outside GB2312 and the built-in content
    system = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if not system.exists():
        pytest.skip("Debian's fonts-wqy-microhei not installed")
    brief = with_paragraph(sample_brief("zh"), Text(f"南汉刘{rare}"))
    data = pdf.render(brief, HouseStyle())
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert f"刘{rare}" in text
    assert any("MicroHei" in name for name in embedded(data))


def test_a_character_no_font_has_is_named_in_a_warning(monkeypatch):
    monkeypatch.setenv("BRIEFGEN_NO_SYSTEM_FONTS", "1")
    rare = "\u4dae"
    brief = with_paragraph(sample_brief("zh"), Text(f"南汉刘{rare}"))
    with pytest.warns(BriefgenWarning) as caught:
        data = pdf.render(brief, HouseStyle())
    message = str(caught[0].message)
    assert rare in message and "U+4DAE" in message and "font_cjk" in message
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "刘\ufffd" in text                        # a visible replacement, not a silent .notdef


def test_the_cli_prints_the_warning_as_one_line(monkeypatch, capsys):
    import warnings

    from briefgen import cli

    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    cli._show_warning(BriefgenWarning("no font has a glyph for 䶮"), BriefgenWarning, "x.py", 1)
    assert capsys.readouterr().err == "briefgen: warning: no font has a glyph for 䶮\n"


def test_word_is_told_the_pdfs_families():
    assert word_font_names(HouseStyle(), "en") == ("Noto Serif", "Noto Serif SC")
    assert word_font_names(HouseStyle(), "zh") == ("Noto Serif SC", "Noto Serif SC")
    sans = HouseStyle(body_font_en="sans", body_font_zh="sans")
    assert word_font_names(sans, "en") == ("Noto Sans", "Noto Sans SC")
    assert word_font_names(sans, "zh") == ("Noto Sans SC", "Noto Sans SC")
    own = HouseStyle(word_font_latin="Calibri", word_font_east_asia="Microsoft YaHei")
    assert word_font_names(own, "zh") == ("Calibri", "Microsoft YaHei")


def test_the_shipped_fonts_come_with_their_licence():
    names = {p.name for p in SHIPPED.iterdir()}
    assert {"OFL.txt", "README.md", "NotoSansSC-Bold.ttf", "NotoSerif-Italic.ttf"} <= names
    assert "SIL OPEN FONT LICENSE" in (SHIPPED / "OFL.txt").read_text(encoding="utf-8")
    total = sum(p.stat().st_size for p in SHIPPED.glob("*.ttf"))
    assert total < 25_000_000


@pytest.mark.slow
def test_a_built_wheel_ships_the_fonts_and_licence(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("briefgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "briefgen/fonts/OFL.txt" in names
    assert {f"briefgen/fonts/{p.name}" for p in SHIPPED.glob("*.ttf")} <= names


#: The fontTools version that built briefgen/fonts/ (also in its README).
BUILT_WITH_FONTTOOLS = "4.68.0"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists()
                    or not Path("/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf").exists(),
                    reason="Debian's fonts-noto-cjk and fonts-noto-core not installed")
def test_the_build_script_rebuilds_the_shipped_bytes(tmp_path, monkeypatch):
    import hashlib

    import fontTools

    # Byte for byte only with the fontTools that built them (the fonts' README names it):
    # the oldest versions pyproject allows write equivalent fonts with other bytes.
    if fontTools.version != BUILT_WITH_FONTTOOLS:
        pytest.skip(f"the shipped fonts were built with fontTools {BUILT_WITH_FONTTOOLS}")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_fonts
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(build_fonts, "OUT", tmp_path)
    build_fonts.main(["--only", "SansSC-Bold"])
    build_fonts.main(["--only", "NotoSerif-Italic"])
    for name in ("NotoSansSC-Bold.ttf", "NotoSerif-Italic.ttf"):
        # Digests, not bytes: pytest's diff of two fonts would run for many minutes.
        built, shipped = ((p / name).read_bytes() for p in (tmp_path, SHIPPED))
        assert hashlib.sha256(built).hexdigest() == hashlib.sha256(shipped).hexdigest(), name
