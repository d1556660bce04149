"""The starter reference document: every style a Word brief uses, each shown on a paragraph.

``briefgen reference-docx`` writes it (as ``pandoc --print-default-data-file
reference.docx`` does).  An analyst changes its styles in Word and passes it back
with ``--reference-docx``; the brief then takes its styles, page setup, header and
footer from it.  It has no header or footer of its own, so a brief made from it
keeps briefgen's ("Page N of M" in the brief's language) until one is added.

The sample paragraphs name their style and say what it is for; they hold no figure.
"""
from __future__ import annotations

from datetime import date

from ...document import (Brief, BriefMeta, BulletList, Callout, Citation, Heading, Link,
                         NumberedList, Paragraph, Reference, References, Table, TableOfContents,
                         Text)
from ...style import HouseStyle
from .body import BriefWriter
from .template import _template

#: What each sample paragraph says, by language: (style named, what it is for).
_SAY = {
    "en": {
        "title": "Title: the brief's title",
        "subtitle": "Subtitle: audience and length",
        "edition": "Edition: date, series and number",
        "box": "Key Messages Title",
        "box_items": ("Key Messages: the points of the box under the title.",
                      "Key Messages: the box's shading and rule are on this style."),
        "toc": "TOC Heading",
        "lead": "Lead: the standfirst that opens the brief, under the key messages.",
        "h1": "Heading 1: a main section",
        "normal": ("Normal: running text. Every style is based on Normal or on Heading 1, so "
                   "the fonts set here and on Heading 1 are the fonts of the whole brief. "),
        "bold": "Bold words",
        "cite": " are set in the same font; a citation mark follows a statement",
        "link": "Hyperlink: a link",
        "h2": "Heading 2: a sub-section",
        "bullets": ("List Bullet: one point of a list.", "List Bullet: another point."),
        "h3": "Heading 3: a sub-sub-section",
        "numbers": ("List Number: a recommendation.", "List Number: the next one."),
        "caption": "Caption: the caption of a table or figure",
        "header": ("Brief Table: header row", "column", "column"),
        "row": ("Brief Table: a row", "text", "text"),
        "note": "Source Note: the sources under a table or figure, and other small print.",
        "figure": "Figure: the paragraph that holds a chart (centred).",
        "sources": "Heading 1: the list of sources",
        "reference": "Bibliography: one reference, its number hanging in the margin.",
        "header_sample": "Header: the organisation's name at the top of each page.",
        "footer_sample": "Footer: the page number at the foot of each page.",
    },
    "zh": {
        "title": "标题（Title）：简报标题",
        "subtitle": "副标题（Subtitle）：读者与篇幅",
        "edition": "版次（Edition）：日期、系列与编号",
        "box": "要点标题（Key Messages Title）",
        "box_items": ("要点（Key Messages）：方框中的各条要点。",
                      "要点（Key Messages）：方框的底纹与左侧线条设在此样式上。"),
        "toc": "目录标题（TOC Heading）",
        "lead": "导语（Lead）：简报开头、要点之下的引言。",
        "h1": "标题 1（Heading 1）：一级章节",
        "normal": ("正文（Normal）：正文段落。其余样式均基于“正文”或“标题 1”，"
                   "因此在这两个样式上设置的字体即为全文字体。"),
        "bold": "加粗文字",
        "cite": "使用同一字体；引注标记位于句末句号之前",
        "link": "超链接（Hyperlink）：链接",
        "h2": "标题 2（Heading 2）：二级章节",
        "bullets": ("项目符号列表（List Bullet）：列表中的一点。", "项目符号列表（List Bullet）：另一点。"),
        "h3": "标题 3（Heading 3）：三级章节",
        "numbers": ("编号列表（List Number）：一条建议。", "编号列表（List Number）：下一条。"),
        "caption": "题注（Caption）：表格或图的题注",
        "header": ("简报表格（Brief Table）：表头行", "列", "列"),
        "row": ("简报表格（Brief Table）：一行", "文字", "文字"),
        "note": "来源注（Source Note）：表格或图下的来源及其他小字。",
        "figure": "图（Figure）：放置图表的段落（居中）。",
        "sources": "标题 1（Heading 1）：参考文献",
        "reference": "参考文献条目（Bibliography）：一条文献，编号悬挂于左侧。",
        "header_sample": "页眉（Header）：每页顶部的机构名称。",
        "footer_sample": "页脚（Footer）：每页底部的页码。",
    },
}

#: Where the sample link points: the page that says what a reference doc is.
_LINK = "https://pandoc.org/MANUAL.html#option--reference-doc"


def _sample(style: HouseStyle, lang: str) -> Brief:
    say = _SAY[lang]
    meta = BriefMeta(title=say["title"], subtitle=say["subtitle"], edition=say["edition"], lang=lang,
                     date=date(2026, 1, 1), author=style.organisation_for(lang),
                     subject=say["subtitle"], keywords=(), brief_id="")
    blocks = (
        Callout(say["box"], tuple((Text(item),) for item in say["box_items"])),
        TableOfContents(say["toc"]),
        Paragraph((Text(say["lead"]),), role="lead"),
        Heading(1, say["h1"]),
        Paragraph((Text(say["normal"]), Text(say["bold"], bold=True), Text(say["cite"]), Citation(1),
                   Text("。" if lang == "zh" else ". "), Link(say["link"], _LINK))),
        Heading(2, say["h2"]),
        BulletList(tuple((Text(item),) for item in say["bullets"])),
        Heading(3, say["h3"]),
        NumberedList(tuple((Text(item),) for item in say["numbers"])),
        Table(caption=say["caption"], header=say["header"],
              rows=(tuple((Text(cell),) for cell in say["row"]),), widths=(2, 1, 1),
              note=(Text(say["note"]),)),
        References(say["sources"], (Reference(1, say["reference"]),)),
    )
    return Brief(meta, blocks)


def starter(style: HouseStyle, lang: str = "en") -> bytes:
    """The starter reference document for ``style`` in ``lang`` ("en" or "zh"), as .docx bytes."""
    say = _SAY[lang]
    own = style if style.reference_docx is None else _without_reference(style)
    brief = _sample(own, lang)
    # No header or footer: one here would replace a brief's own, in every language.
    writer = BriefWriter(brief, own, _template(own, lang, header_footer=False))
    writer.title_block()
    for block in brief.blocks:
        writer.block(block)
    # The styles no block of the sample uses, each on a paragraph of its own.
    for name, text in (("Figure", say["figure"]), ("Header", say["header_sample"]),
                       ("Footer", say["footer_sample"])):
        writer.paragraph(name, writer.run(text))
    # Not BriefWriter.write: a template must not ask to update its fields whenever it is opened.
    return writer.package(ask_to_update=False)


def _without_reference(style: HouseStyle) -> HouseStyle:
    from dataclasses import replace

    return replace(style, reference_docx=None)
