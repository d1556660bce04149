"""Hostile text in a user's own content, end to end: rendered literally in every format, or refused.

Hypothesis writes text into an overlay (a finding's text, a case title, a
recommendation's action and a region profile, as YAML via yaml.safe_dump), makes
a brief through the public API in every format, and reads each file back the way
a reader's tool would.  What is guaranteed (README, "What briefgen guarantees"):

* text with a control character (C0/C1 other than tab, newline and carriage
  return), an explicit text-direction control (U+202A-U+202E, U+2066-U+2069) or a
  non-character, and text that is empty once leading and trailing whitespace is
  removed, is refused by validation with file, line, field and reason;
* anything else appears literally in Markdown (read back by a CommonMark reader),
  HTML (parsed), Word (document text) and PDF (extracted text): markup, template
  syntax, backslashes, zero-width and right-to-left characters, emoji, long words.
  Runs of whitespace may be collapsed, and in Chinese briefs spaces next to
  Chinese characters may go (Chinese typography);
* in the PDF, where line breaks lose whitespace, every printable ASCII character
  and every character of GB2312 appears as written; any other character appears
  as itself if an embedded font has it, otherwise as U+FFFD, and invisible format
  characters (category Cf) that no font has are left out.
"""
from __future__ import annotations

import io
import re
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import briefgen
from briefgen.characters import NAME_CHARS

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"

#: The record and fields the hostile text goes into; a short Suqian-from-Hangzhou brief shows them.
TARGETS = {
    "findings.yaml": ("suqian-cbec-scale", ("text_en", "text_zh")),
    "cases.yaml": ("hangzhou-brand-programme", ("title_en", "title_zh")),
    "recommendations.yaml": ("suqian-brand-subsidy", ("action_en", "action_zh")),
    "regions.yaml": ("suqian", ("profile_en", "profile_zh")),
}

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

FRAGMENTS = st.sampled_from([
    "<", ">", "&", '"', "'", "&amp;", "&lt;b&gt;", "<b>", "</b>", "<font color='red'>", "</font>",
    "<br/>", "<para>", "<script>alert(1)</script>", "<!--", "-->", "{{ region }}", "{% if x %}",
    "{% endif %}", "{#", "#}", "\\", "\\n", "*", "**", "_", "`", "#", "[x](javascript:alert(1))",
    "![i](x.png)", "|", "---", "===", "1.", "- ", "+ ", "> ", "~~~", "$x$", "%s", "\u200b", "\u200c",
    "\u200d", "\ufeff", "\u200e", "\u200f", "\u00a0", "\u3000", "שלום", "مرحبا", "\u202e", "\u2067",
    "😀", "👩\u200d👩\u200d👧", "e\u0301", "宿迁", "，。“”", "\x07", "\x1b[31m", "\x85", "\t", "\n",
    "\r\n", " ", "w" * 250,
])
# Within the shortest length limit of the target fields (a case title's; see the length test below).
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=6)), max_size=6).map(lambda t: "".join(t)[:NAME_CHARS])


def refusal(text: str) -> str | None:
    """Why validation must refuse ``text`` (a fragment of the message), or None if it must not."""
    kept = text.strip()
    if not kept:
        return "missing; write it in English"  # or Chinese: one language is enough
    # The message names the first character of the first kind found, kinds in this order.
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in kept):
        return "contains control character"
    if any(ch in BIDI_CONTROLS for ch in kept):
        return "contains invisible text-direction control"
    if any(ch in "\ufffe\uffff" for ch in kept):
        return "contains non-character"
    return None


def write_overlay(folder: Path, text: str) -> str:
    """Put ``text`` into every target field; return it as YAML reads it back from the files.

    (PyYAML writes U+0085 raw inside quotes, where YAML reads it as a line break.)"""
    for name, (rid, fields) in TARGETS.items():
        record = next(r for r in yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))
                      if r["id"] == rid)
        for field in fields:
            record[field] = text
        dumped = yaml.safe_dump([record], allow_unicode=True)
        (folder / name).write_text(dumped, encoding="utf-8")
    return yaml.safe_load(dumped)[0][fields[0]]


# --------------------------------------------------------------------------- reading the files back

class _TextOf(HTMLParser):
    """The character data of an HTML document, outside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "br"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def markdown_html(markdown: str) -> str:
    """The Markdown as a CommonMark reader renders it (raw HTML allowed, as most do)."""
    from markdown_it import MarkdownIt

    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)  # the YAML metadata block
    return MarkdownIt("commonmark").enable("table").render(body)


def markdown_text(markdown: str) -> str:
    """What a reader of the Markdown sees: its rendering's text."""
    return html_text(markdown_html(markdown))


def docx_text(data: bytes) -> str:
    from docx import Document
    from docx.oxml.ns import qn

    # Word keeps a newline or tab in the text as a break or tab element: whitespace, as elsewhere.
    shown = {qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:tab"): "\t"}
    body = Document(io.BytesIO(data)).element.body
    return "\n".join("".join(el.text or "" if el.tag == qn("w:t") else shown.get(el.tag, "")
                              for el in p.iter()) for p in body.iter(qn("w:p")))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    return "".join(page.extract_text() for page in reader.pages)


def squeeze(text: str, lang: str) -> str:
    """Whitespace as the guarantee allows: runs collapsed, and none at all in Chinese."""
    return "".join(text.split()) if lang == "zh" else " ".join(text.split())


def in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def pdf_pattern(text: str) -> re.Pattern:
    """The guaranteed PDF text of ``text``: ASCII and GB2312 exact, others themselves or U+FFFD."""
    parts = []
    for ch in text:
        if ch.isspace():
            continue
        if 0x20 < ord(ch) < 0x7F or in_gb2312(ch):
            parts.append(re.escape(ch))
        elif unicodedata.category(ch) == "Cf":
            parts.append(f"(?:{re.escape(ch)})?")
        else:
            parts.append(f"(?:{re.escape(ch)}|\ufffd)")
    return re.compile("".join(parts))


# --------------------------------------------------------------------------- the property

@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_hostile_text_is_rendered_literally_or_refused(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        overlay = Path(tmp)
        text = write_overlay(overlay, text)
        why = refusal(text)
        event("refused" if why else "rendered")
        for lang in ("en", "zh"):
            make = lambda: briefgen.make_all("suqian", benchmark="hangzhou", length="short", lang=lang,
                                             formats=briefgen.FORMATS, content=CONTENT, overlays=[overlay])
            if why is not None:
                with pytest.raises(briefgen.ContentError) as error:
                    make()
                message = str(error.value)
                # One problem per record, each naming its file, line and field.
                for name, (_, fields) in TARGETS.items():
                    assert re.search(rf"{re.escape(overlay.name)}/{name}:\d+: .*field '{fields[0]}': "
                                     rf"{why.replace('English', '(English|Chinese)')}", message), message
                continue
            files = make()
            expected = squeeze(text.strip(), lang)
            assert expected in squeeze(markdown_text(files["md"].decode("utf-8")), lang)
            assert expected in squeeze(html_text(files["html"].decode("utf-8")), lang)
            assert expected in squeeze(docx_text(files["docx"]), lang)
            assert pdf_pattern(text).search("".join(pdf_text(files["pdf"]).split()))


# --------------------------------------------------------------------------- worked examples

@pytest.mark.parametrize("text", [
    "<b>bold</b> & <font color='red'>red</font> {{ region }} {% if x %} a\\b",
    "Zero\u200bwidth, joined\u200d, right-to-left שלום مرحبا, emoji 😀, " + "w" * 220,
])
def test_known_hostile_strings_in_every_format(tmp_path, text):
    """Two strings a reviewer can read, for when the property above is hard to follow."""
    write_overlay(tmp_path, text)
    files = briefgen.make_all("suqian", benchmark="hangzhou", length="short", formats=briefgen.FORMATS,
                              content=CONTENT, overlays=[tmp_path])
    markdown = files["md"].decode("utf-8")
    assert text in markdown_text(markdown)
    assert text in html_text(files["html"].decode("utf-8"))
    assert text in docx_text(files["docx"])
    assert pdf_pattern(text).search("".join(pdf_text(files["pdf"]).split()))
    # Nothing of the text became markup: the writers never emit <font>, so one would be the text's.
    assert "<font" not in files["html"].decode("utf-8")
    assert "<font" not in markdown_html(markdown)


@pytest.mark.parametrize("text, reason", [
    ("a bell \x07 rings", "contains control character U+0007 at position 8"),
    ("escape \x1b[31m red", "contains control character U+001B at position 8"),
    ("abc\u202eevil", "contains invisible text-direction control U+202E at position 4"),
    ("   ", "missing; write it in English"),
    ("", "missing; write it in English"),
])
def test_refused_text_names_file_line_and_field(tmp_path, text, reason):
    write_overlay(tmp_path, text)
    with pytest.raises(briefgen.ContentError) as error:
        briefgen.make_all("suqian", formats=("md",), content=CONTENT, overlays=[tmp_path])
    assert f"{tmp_path.name}/findings.yaml:1: finding 'suqian-cbec-scale': field 'text_en': {reason}" \
        in str(error.value)
