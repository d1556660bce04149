"""The HTML writer: what a browser finds in the page, read back with the standard library's parser."""
from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from briefgen.document import (Brief, Callout, Citation, Figure, Heading, Link, NumberedList,
                               Paragraph, Reference, References, Table, TableOfContents, Text)
from briefgen.errors import UsageError
from briefgen.style import DEFAULT_STYLE, HouseStyle
from briefgen.writers import render
from briefgen.writers.html import templates_dir
from sample_briefs import sample_brief

HOSTILE = '<b>x</b> & {{y}} | * _ \\ ` # \u200b 😀'
VOID = {"meta", "img", "col", "br", "hr", "link", "input", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag: str, **attrs: str) -> "Node":
        for node in self.iter(tag):
            if all(node.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                return node
        raise AssertionError(f"no <{tag} {attrs}>")


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"stray </{tag}>"
        self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def page(brief: Brief, style: HouseStyle = DEFAULT_STYLE) -> Node:
    builder = TreeBuilder()
    builder.feed(render(brief, "html", style).decode("utf-8"))
    builder.close()
    return builder.root


def meta(root: Node, name: str) -> str | None:
    return root.find("meta", name=name).attrs["content"]


# --------------------------------------------------------------------------- head

@pytest.mark.parametrize("lang, tag", [("en", "en"), ("zh", "zh-CN")])
def test_lang_title_and_meta_tags(lang: str, tag: str) -> None:
    brief = sample_brief(lang)
    root = page(brief)
    assert next(root.iter("html")).attrs["lang"] == tag
    assert next(root.iter("title")).text == brief.meta.title
    assert root.find("meta", charset="utf-8")
    assert meta(root, "description") == brief.meta.subtitle
    assert meta(root, "keywords") == ", ".join(brief.meta.keywords)
    assert meta(root, "author") == "briefgen"
    assert meta(root, "dcterms.date") == "2026-11-23"


def test_lead_paragraph_is_the_description() -> None:
    brief = sample_brief("en")
    brief = dataclasses.replace(brief, blocks=(Paragraph((Text("The point."),), role="lead"),)
                                + brief.blocks)
    root = page(brief)
    assert meta(root, "description") == "The point."
    assert root.find("p", class_="lead").text == "The point."


def test_print_css_uses_house_style() -> None:
    style = HouseStyle(accent="#AA3300", paper="Letter")
    css = next(page(sample_brief("zh"), style).iter("style")).text
    assert "--accent: #AA3300" in css
    assert "@page { size: letter;" in css
    assert "break-inside: avoid" in css
    # Chinese pages name the CJK fonts first: the PDF's body family, then what systems have.
    stack = css.split("font-family:")[1].split(";")[0]
    assert stack.index('"Noto Serif SC"') < stack.index('"Songti SC"') < stack.index('"Noto Serif"')
    assert stack.strip().endswith(" serif")
    headings = css.split("figcaption, th { font-family:")[1].split(";")[0]
    assert headings.index('"Noto Sans SC"') < headings.index('"Noto Sans"') and "Serif" not in headings
    en_css = next(page(sample_brief("en")).iter("style")).text
    assert "@page { size: A4;" in en_css
    en_stack = en_css.split("font-family:")[1]
    assert en_stack.index('"Noto Serif"') < en_stack.index('"Noto Serif SC"')


def test_body_font_choice_reaches_the_css() -> None:
    style = HouseStyle(body_font_en="sans", body_font_zh="serif")
    en = next(page(sample_brief("en"), style).iter("style")).text.split("font-family:")[1].split(";")[0]
    zh = next(page(sample_brief("zh"), style).iter("style")).text.split("font-family:")[1].split(";")[0]
    assert en.strip().startswith('"Noto Sans", ') and en.strip().endswith("sans-serif")
    assert zh.strip().startswith('"Noto Serif SC", ')


def test_hostile_style_values_cannot_escape_the_style_block() -> None:
    accent, font = "red;}</style><script>alert(1)</script>", 'x"; } body { display:none'
    # The house style refuses them when it is made, with the same words as briefgen.toml ...
    with pytest.raises(UsageError) as refused:
        HouseStyle(accent=accent, word_font_latin=font)
    assert "accent=" in str(refused.value) and "word_font_latin=" in str(refused.value)
    # ... and the writer still guards its <style> block against a style forced past that.
    style = HouseStyle()
    object.__setattr__(style, "accent", accent)
    object.__setattr__(style, "word_font_latin", font)
    brief = sample_brief("en")
    html = render(brief, "html", style).decode()
    assert "<script" not in html and "display:none" not in html
    assert 'fill="#1F4E79"' in html         # the chart's bars fall back to the default accent too
    assert "--accent: #1F4E79" in html


# --------------------------------------------------------------------------- body

def test_masthead_and_key_messages_aside() -> None:
    root = page(sample_brief("en"))
    assert next(root.iter("h1")).text == "Lessons for Suqian from Hangzhou: close the brand and talent gaps"
    assert root.find("time", datetime="2026-11-23").text == "November 2026 · Brief BG-1"
    aside = next(root.iter("aside"))
    assert next(aside.iter("h2")).text == "Key messages"
    items = [li.text for li in aside.iter("li")]
    assert items[1] == "Hangzhou shows that platforms and talent are what matter.[2]"
    assert next(aside.iter("strong")).text == "platforms and talent"


@pytest.mark.parametrize("lang, ids", [
    ("en", ["the-situation-in-numbers", "the-gaps", "recommendations", "sources"]),
    ("zh", ["现状", "差距", "建议", "参考文献"]),
])
def test_headings_and_toc_nav(lang: str, ids: list[str]) -> None:
    root = page(sample_brief(lang))
    headings = [(h.tag, h.attrs.get("id")) for h in root.iter() if h.tag in ("h2", "h3") and "id" in h.attrs]
    assert headings == [("h2", ids[0]), ("h3", ids[1]), ("h2", ids[2]), ("h2", ids[3])]
    nav = next(root.iter("nav"))
    assert [a.attrs["href"] for a in nav.iter("a")] == ["#" + i for i in ids]
    # The level-2 heading nests under its level-1 heading.
    first = next(next(nav.iter("ul")).iter("li"))
    assert [a.attrs["href"] for a in first.iter("a")] == ["#" + ids[0], "#" + ids[1]]


def test_table_has_caption_thead_and_widths() -> None:
    root = page(sample_brief("en"))
    table = next(root.iter("table"))
    assert next(table.iter("caption")).text == "Table 1. Suqian and Hangzhou"
    assert [th.text for th in next(table.iter("thead")).iter("th")] == ["Indicator", "Suqian", "Hangzhou"]
    rows = [[td.text for td in tr.iter("td")] for tr in next(table.iter("tbody")).iter("tr")]
    assert rows == [["CBEC trade", "100\u00a0亿\u2060元[1]", "not published"], ["Growth", "10.1%", "20%[2]"]]
    assert [c.attrs["style"] for c in table.iter("col")] == ["width: 50.0%", "width: 25.0%", "width: 25.0%"]


def test_ragged_table_rows_are_padded() -> None:
    brief = sample_brief("en")
    table = Table("T", ("a",), (((Text("1"),), (Text("2"),)),))
    root = page(dataclasses.replace(brief, blocks=(table,)))
    assert len(list(root.iter("th"))) == 2


def test_lists_keep_their_start() -> None:
    brief = sample_brief("en")
    blocks = brief.blocks + (NumberedList(((Text("c"),), (Text("d"),)), start=3),)
    ols = [ol for ol in page(dataclasses.replace(brief, blocks=blocks)).iter("ol")
           if "references" not in ol.attrs.get("class", "")]
    assert "start" not in ols[0].attrs
    assert ols[1].attrs["start"] == "3"


def test_citations_link_to_reference_ids() -> None:
    root = page(sample_brief("en"))
    cites = {(a.attrs["href"], a.text) for a in root.iter("a") if a.attrs.get("class") == "cite"}
    assert cites == {("#ref-1", "[1]"), ("#ref-2", "[2]")}
    refs = root.find("ol", class_="references")
    assert [(li.attrs["id"], li.attrs["value"]) for li in refs.iter("li")] == [("ref-1", "1"), ("ref-2", "2")]
    assert root.find("li", id="ref-2").find("a", href="https://creativecommons.org/licenses/by/4.0/")


def test_citation_with_location() -> None:
    brief = sample_brief("en")
    blocks = (Paragraph((Text("Claim"), Citation(3, "§2"))), References("S", (Reference(3, "Three"),)))
    root = page(dataclasses.replace(brief, blocks=blocks))
    assert root.find("a", href="#ref-3").text == "[3, §2]"
    assert root.find("li", id="ref-3").attrs["value"] == "3"


def test_figure_is_inline_svg_with_its_text_as_text() -> None:
    root = page(sample_brief("en"), HouseStyle(accent="#8B0000"))
    figure = next(root.iter("figure"))
    assert not list(figure.iter("img"))
    svg = next(figure.iter("svg"))
    assert svg.attrs["role"] == "img" and svg.attrs["aria-label"] == "Bar chart comparing CBEC trade"
    assert next(svg.iter("title")).text == "Bar chart comparing CBEC trade"
    texts = [t.text for t in svg.iter("text")]
    # Selectable text: categories, series, the figures at the bar ends, the unit; no title inside.
    for expected in ("2023", "2024", "Suqian", "Hangzhou", "80", "1000", "100", "n/a", "RMB billion"):
        assert expected in texts
    assert "CBEC trade" not in texts
    fills = [r.attrs["fill"] for r in svg.iter("rect")]
    assert fills.count("#8B0000") == 2 + 1          # Suqian's two bars and its legend swatch
    assert next(figure.iter("figcaption")).text == "Figure 1. CBEC trade, Suqian and Hangzhou"
    assert figure.find("p", class_="note").text == "Source: [1]"


def test_links() -> None:
    brief = sample_brief("en")
    blocks = (Paragraph((Link("ok", "https://x.org/a b"), Link("bad", "java\tscript:alert(1)"),
                         Link("data", "data:text/html,<script>"))),)
    html = render(dataclasses.replace(brief, blocks=blocks), "html").decode()
    assert "script:" not in html and "data:text" not in html
    paragraph = page(dataclasses.replace(brief, blocks=blocks)).find("main").find("p", class_=None)
    # Unsafe targets lose their link and keep their text.
    assert paragraph.text == "okbaddata"
    assert [(a.attrs["href"], a.text) for a in paragraph.iter("a")] == [("https://x.org/a%20b", "ok")]


# --------------------------------------------------------------------------- escaping

def test_hostile_text_is_escaped_everywhere() -> None:
    brief = sample_brief("en", hostile=HOSTILE)
    m = dataclasses.replace(brief.meta, title=HOSTILE, subtitle=HOSTILE, edition=HOSTILE,
                            author=HOSTILE, keywords=(HOSTILE,))
    blocks = brief.blocks + (
        Heading(1, HOSTILE), Heading(3, HOSTILE),
        Table(HOSTILE, (HOSTILE,), (((Text(HOSTILE, bold=True),),),), note=(Text(HOSTILE),)),
        Figure(brief.blocks[5].chart, HOSTILE, HOSTILE, (Text(HOSTILE),)),
        Callout(HOSTILE, ((Text(HOSTILE),),), kind=HOSTILE),
        References(HOSTILE, (Reference(9, HOSTILE, "https://x.org/?q=<b>&r=\"'"),)),
        TableOfContents(HOSTILE),
        Paragraph((Link(HOSTILE, "https://x.org"),), role=HOSTILE),
    )
    html = render(Brief(m, blocks), "html").decode()
    assert "<b>" not in html and "</b>" not in html
    root = page(Brief(m, blocks))
    assert not list(root.iter("b"))
    assert next(root.iter("title")).text == HOSTILE
    assert meta(root, "author") == HOSTILE
    main = root.find("main")
    texts = [n.text for n in main.iter() if n.tag in ("h1", "h2", "h4", "p", "caption", "th", "td",
                                                      "figcaption", "li", "a")]
    assert texts.count(HOSTILE) >= 12
    assert any(svg.attrs["aria-label"] == HOSTILE for svg in root.iter("svg"))


def test_control_characters_are_dropped() -> None:
    weird = "a\x00b\x07c\x1b\x7f\x85\ud800\ufeff\u202e" + "w" * 500
    brief = sample_brief("en", hostile=weird)
    brief = dataclasses.replace(brief, meta=dataclasses.replace(brief.meta, title=weird))
    html = render(brief, "html").decode("utf-8")
    assert "abc" in html and "\x00" not in html and "\x07" not in html
    # The writer drops what validation refuses, direction overrides too (the PDF drops
    # them, so they would make the same brief read differently by format).
    assert "\u202e" not in html and "\x7f" not in html and "w" * 500 in html


def test_empty_strings_render() -> None:
    brief = sample_brief("en")
    m = dataclasses.replace(brief.meta, title="", subtitle="", keywords=())
    blocks = (Heading(1, ""), Paragraph(()), Table("", (), ()), Callout("", ()), TableOfContents(""),
              References("", ()))
    root = page(Brief(m, blocks))
    assert root.find("h2", id="section").text == ""


# --------------------------------------------------------------------------- behaviour

def test_template_is_found() -> None:
    assert (templates_dir() / "html" / "brief.html.j2").is_file()
