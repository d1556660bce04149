"""The Markdown writer: what a reader of the .md file, or of pandoc's rendering of it, sees."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.document import (Brief, Citation, Heading, Link, NumberedList, Paragraph, Reference,
                               References, Table, TableOfContents, Text)
from briefgen.style import DEFAULT_STYLE
from briefgen.writers import render
from briefgen.writers.markdown import escape
from sample_briefs import sample_brief

HOSTILE = '<b>x</b> & {{y}} | * _ \\ ` # \u200b 😀'


def md(brief: Brief) -> str:
    return render(brief, "md", DEFAULT_STYLE).decode("utf-8")


def front_matter(text: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "the file must open with a YAML metadata block"
    return yaml.safe_load(match.group(1))


def unescape(markdown: str) -> str:
    """Undo the writer's escapes the way a Markdown reader does."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("&#42;", "*")


def cells(row: str) -> list[str]:
    """Split one pipe-table row on its unescaped pipes."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def paragraph_text_via_markdown_it(markdown: str) -> list[str]:
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(markdown)
    out = []
    for token in tokens:
        if token.type == "inline":
            parts = []
            for child in token.children or ():
                assert child.type not in ("html_inline", "code_inline"), child
                if child.type == "text":
                    parts.append(child.content)
                elif child.type == "softbreak":
                    parts.append(" ")
            out.append("".join(parts))
    return out


# --------------------------------------------------------------------------- metadata

@pytest.mark.parametrize("lang, tag", [("en", "en"), ("zh", "zh-CN")])
def test_yaml_metadata_block(lang: str, tag: str) -> None:
    brief = sample_brief(lang)
    meta = front_matter(md(brief))
    assert meta["title"] == brief.meta.title
    assert meta["subtitle"] == brief.meta.subtitle
    assert meta["date"] == "2026-11-23"
    assert meta["lang"] == tag
    assert meta["author"] == brief.meta.author
    assert meta["keywords"] == list(brief.meta.keywords)


def test_hostile_metadata_is_valid_yaml_and_literal() -> None:
    brief = sample_brief("en")
    nasty = "- 1. Title: it's \"quoted\" # not a comment " + HOSTILE
    brief = dataclasses.replace(brief, meta=dataclasses.replace(
        brief.meta, title=nasty, author="a: b", keywords=(nasty, "", "it's")))
    meta = front_matter(md(brief))
    assert unescape(meta["title"]) == nasty
    assert meta["author"] == "a: b"
    assert [unescape(k) for k in meta["keywords"]] == [nasty, "", "it's"]


def test_edition_line_follows_metadata() -> None:
    text = md(sample_brief("en"))
    assert text.split("---\n")[2].lstrip().startswith("November 2026 · Brief BG-1\n")


# --------------------------------------------------------------------------- blocks

def test_headings_are_atx_with_stable_anchors() -> None:
    text = md(sample_brief("en"))
    assert "# The situation in numbers {#the-situation-in-numbers}\n" in text
    assert "\n## The gaps {#the-gaps}\n" in text
    assert "\n# Sources {#sources}\n" in text


def test_chinese_headings_keep_their_characters_in_anchors() -> None:
    text = md(sample_brief("zh"))
    assert "# 现状 {#现状}\n" in text
    assert "## 差距 {#差距}\n" in text


def test_toc_links_to_level_1_and_2_headings() -> None:
    text = md(sample_brief("en"))
    ids = set(re.findall(r"\{#([^}]+)\}", text))
    toc = text.split("**Contents**\n\n")[1].split("\n\n")[0].splitlines()
    assert toc == ["- [The situation in numbers](#the-situation-in-numbers)",
                   "  - [The gaps](#the-gaps)",
                   "- [Recommendations](#recommendations)",
                   "- [Sources](#sources)"]
    assert {re.search(r"\(#(.+)\)", line).group(1) for line in toc} <= ids


def test_repeated_and_empty_headings_get_distinct_anchors() -> None:
    brief = sample_brief("en")
    extra = (Heading(1, "Recommendations"), Heading(1, ""), Heading(2, "😀"), TableOfContents("T"))
    text = md(dataclasses.replace(brief, blocks=brief.blocks + extra))
    assert "# Recommendations {#recommendations-1}" in text
    assert "\n# {#section}\n" in text
    assert "## 😀 {#section-1}" in text


def test_key_messages_are_a_blockquote_with_bold_title() -> None:
    text = md(sample_brief("en"))
    assert ("> **Key messages**\n>\n> - Suqian's cross-border e-commerce trade keeps growing,"
            " but few firms own brands.[\\[1\\]](#ref-1)\n") in text
    assert "> - Hangzhou shows that **platforms and talent** are what matter." in text


def test_pipe_table_with_caption_and_note() -> None:
    text = md(sample_brief("en"))
    lines = text.splitlines()
    top = lines.index("| Indicator | Suqian | Hangzhou |")
    assert re.fullmatch(r"\|-{3,}\|-{3,}\|-{3,}\|", lines[top + 1])
    # Widths (2, 1, 1) show up as dashes, which pandoc reads as relative widths.
    dashes = [len(d) for d in lines[top + 1].strip("|").split("|")]
    assert dashes[0] == 2 * dashes[1] == 2 * dashes[2]
    assert cells(lines[top + 2]) == ["CBEC trade", "100\u00a0亿\u2060元[\\[1\\]](#ref-1)", "not published"]
    assert lines[top + 5] == "Table: Table 1. Suqian and Hangzhou"
    assert lines[top + 7] == "Sources: [\\[1\\]](#ref-1)[\\[2\\]](#ref-2)"


def test_pipes_and_newlines_in_cells_stay_inside_the_cell() -> None:
    table = Table("T", ("a|b", "c"), (((Text("x|y\nz"),), (Text("w"),)), ((Text("only"),),)))
    brief = sample_brief("en")
    text = md(dataclasses.replace(brief, blocks=(table,)))
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert [len(cells(r)) for r in rows] == [2, 2, 2, 2]
    assert unescape(cells(rows[0])[0]) == "a|b"
    assert unescape(cells(rows[2])[0]) == "x|y z"


def test_numbered_list_keeps_its_start() -> None:
    brief = sample_brief("en")
    items = ((Text("Third"),), (Text("Fourth"),))
    text = md(dataclasses.replace(brief, blocks=(NumberedList(items, start=3),)))
    assert "\n3. Third\n4. Fourth\n" in text


def test_citations_link_to_reference_anchors() -> None:
    text = md(sample_brief("en"))
    cited = set(re.findall(r"\]\(#(ref-\d+)\)", text))
    anchors = set(re.findall(r"\[\]\{#(ref-\d+)\}", text))
    assert cited == anchors == {"ref-1", "ref-2"}
    assert "1. []{#ref-1}张隋. 基于新质生产力的宿迁跨境电商产业升级路径研究\\[J\\]. 2026." in text


def test_citation_with_location_and_gapped_references() -> None:
    brief = sample_brief("en")
    blocks = (Paragraph((Text("Claim"), Citation(3, "§2 [b]"))),
              References("Sources", (Reference(3, "Three"), Reference(7, "Seven"))))
    text = md(dataclasses.replace(brief, blocks=blocks))
    assert "Claim[\\[3, §2 \\[b\\]\\]](#ref-3)" in text
    # A Markdown list would renumber 3, 7 as 3, 4: gaps get explicit labels instead.
    assert "[]{#ref-3}\\[3\\] Three\n\n[]{#ref-7}\\[7\\] Seven" in text


def test_links_and_unsafe_links() -> None:
    text = md(sample_brief("en"))
    assert "See [creativecommons.org](https://creativecommons.org/licenses/by/4.0/)" in text
    brief = sample_brief("en")
    blocks = (Paragraph((Link("click", "javascript:alert(1)"), Text(" "),
                         Link("spaced", "https://x.org/a b(c)|d"))),)
    text = md(dataclasses.replace(brief, blocks=blocks))
    assert "javascript" not in text
    assert "click [spaced](https://x.org/a%20b%28c%29%7Cd)" in text


def test_figure_is_its_data_as_a_table_under_the_caption() -> None:
    text = md(sample_brief("en"))
    assert "data:image" not in text
    start = text.index("Table: Figure 1. CBEC trade, Suqian and Hangzhou\n\n")
    lines = text[start:].splitlines()[2:6]
    assert lines[0].replace(" ", "") == "||Suqian|Hangzhou|"
    # The figures as the bars print them; the missing one says so.
    assert lines[2:] == ["| 2023 | 80 | 1000 |", "| 2024 | 100 | n/a |"]
    assert "\n\nSource: [\\[1\\]](#ref-1)\n" in text[start:]


# --------------------------------------------------------------------------- escaping

def test_hostile_text_is_escaped() -> None:
    text = md(sample_brief("en", hostile=HOSTILE))
    assert "<b>" not in text and "</b>" not in text
    assert ("\\<b\\>x\\</b\\> & \\{\\{y\\}\\} \\| &#42; \\_ \\\\ \\` \\# \u200b 😀"
            "[\\[1\\]](#ref-1)") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_text_round_trips_through_commonmark(lang: str) -> None:
    brief = sample_brief(lang, hostile=HOSTILE)
    texts = paragraph_text_via_markdown_it(md(brief))
    body = brief.blocks[3].inlines[0].text
    assert body + "[1]" in texts


@pytest.mark.parametrize("start", ["- a", "+ a", "1. a", "2) a", "a. b", "iv) c", "(1) d", ": e",
                                   "Table: f", "--- g", "# h", "> i", "    j", "```k", "~~~ l"])
def test_line_start_markup_is_escaped(start: str) -> None:
    brief = sample_brief("en")
    text = md(dataclasses.replace(brief, blocks=(Paragraph((Text(start),)),)))
    assert paragraph_text_via_markdown_it(text)[-1] == start.strip()


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_reads_back_literally(s: str) -> None:
    pytest.importorskip("markdown_it")
    brief = sample_brief("en")
    text = md(dataclasses.replace(brief, blocks=(Paragraph((Text("«"), Text(s), Text("»"))),)))
    got = paragraph_text_via_markdown_it(text)[-1]
    from briefgen.writers._markup import clean
    assert " ".join(got.split()) == " ".join(("«" + clean(s) + "»").split())


def test_escape_leaves_ordinary_text_readable() -> None:
    # Only the figure and its unit are tied (a no-break space, a word joiner inside 亿元).
    assert escape("Suqian's R&D (2024): 3586.8 亿元, +10% - ok.") == \
        "Suqian's R&D (2024): 3586.8\u00a0亿\u2060元, +10% - ok."
    assert escape("a--b &amp; c") == "a-\\-b \\&amp; c"


def test_control_and_edge_characters_never_crash() -> None:
    weird = "\x00\x07\x1b\x7f\x85\ud800\ufeff\u202e\r\n\t" + "w" * 500 + ""
    brief = sample_brief("en", hostile=weird)
    brief = dataclasses.replace(brief, meta=dataclasses.replace(brief.meta, title=weird, subtitle=""))
    text = md(brief)
    assert "\x00" not in text and "\x1b" not in text and "\ud800" not in text
    front_matter(text)


# --------------------------------------------------------------------------- behaviour

@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_the_file_as_intended() -> None:
    source = render(sample_brief("zh", hostile=HOSTILE), "md")
    ast = json.loads(subprocess.run(["pandoc", "-f", "markdown", "-t", "json"], input=source,
                                    capture_output=True, check=True).stdout)

    def plain(node) -> str:
        if isinstance(node, list):
            return "".join(plain(n) for n in node)
        if isinstance(node, dict):
            if node.get("t") == "Str":
                return node["c"]
            if node.get("t") in ("Space", "SoftBreak"):
                return " "
            assert node.get("t") not in ("RawInline", "RawBlock", "Code", "Math", "Cite")
            return plain(node.get("c", []))
        return ""

    assert plain(ast["meta"]["title"]) == "宿迁可向杭州借鉴什么：以品牌和人才补齐跨境电商短板"
    headers = [(b["c"][0], b["c"][1][0]) for b in ast["blocks"] if b["t"] == "Header"]
    assert headers == [(1, "现状"), (2, "差距"), (1, "建议"), (1, "参考文献")]
    tables = [b for b in ast["blocks"] if b["t"] == "Table"]
    # The data table, then the chart's data under its caption.
    assert len(tables) == 2 and plain(tables[1]["c"][1]).startswith("图1 宿迁与杭州跨境电商进出口额")
    assert "无数据" in plain(tables[1])
    assert any(HOSTILE in plain(b) for b in ast["blocks"] if b["t"] == "Para")
