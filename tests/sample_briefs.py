"""Hand-built briefs that exercise every block type, for writer tests.

They do not come from the content layer on purpose: writer tests check that a
writer renders the document model faithfully, whatever compose puts in it.
"""
from __future__ import annotations

from datetime import date

from briefgen.document import (Bar, Brief, BriefMeta, BulletList, Callout, Chart, Citation,
                               Figure, Heading, Link, NumberedList, Paragraph, Reference,
                               References, Table, TableOfContents, Text)


def sample_brief(lang: str = "en", *, hostile: str = "") -> Brief:
    zh = lang == "zh"
    meta = BriefMeta(
        title="宿迁可向杭州借鉴什么：以品牌和人才补齐跨境电商短板" if zh else
              "Lessons for Suqian from Hangzhou: close the brand and talent gaps",
        subtitle="政策简报 · 面向政府部门" if zh else "Policy brief for government",
        edition="2026年11月 · 简报编号 BG-1" if zh else "November 2026 · Brief BG-1",
        lang=lang,
        date=date(2026, 11, 23),
        author="briefgen",
        subject="跨境电商" if zh else "Cross-border e-commerce",
        keywords=("宿迁", "杭州") if zh else ("Suqian", "Hangzhou"),
        brief_id="BG-SAMPLE",
    )
    body = ("宿迁跨境电商进出口额持续增长，但自主品牌偏少。" if zh else
            "Suqian's cross-border e-commerce trade keeps growing, but few firms own brands.")
    blocks = (
        Callout("要点" if zh else "Key messages", (
            (Text(body), Citation(1)),
            (Text("杭州的经验表明，" if zh else "Hangzhou shows that "),
             Text("平台与人才" if zh else "platforms and talent", bold=True),
             Text("是关键。" if zh else " are what matter."), Citation(2)),
        )),
        TableOfContents("目录" if zh else "Contents"),
        Heading(1, "现状" if zh else "The situation in numbers"),
        Paragraph((Text(body + hostile), Citation(1))),
        Table(
            caption="表1 宿迁与杭州" if zh else "Table 1. Suqian and Hangzhou",
            header=("指标", "宿迁", "杭州") if zh else ("Indicator", "Suqian", "Hangzhou"),
            rows=(
                ((Text("跨境电商进出口额" if zh else "CBEC trade"),),
                 (Text("100 亿元"), Citation(1)), (Text("未公布" if zh else "not published"),)),
                ((Text("增速" if zh else "Growth"),), (Text("10.1%"),), (Text("20%"), Citation(2))),
            ),
            widths=(2, 1, 1),
            note=(Text("来源：" if zh else "Sources: "), Citation(1), Citation(2)),
        ),
        Figure(
            chart=Chart(
                title="进出口额" if zh else "CBEC trade",
                series=("宿迁", "杭州") if zh else ("Suqian", "Hangzhou"),
                bars=(Bar("2023", (80.0, 1000.0), ("80", "1000")),
                      Bar("2024", (100.0, None), ("100", ""))),
                unit_label="亿元" if zh else "RMB billion",
                lang=lang),
            caption="图1 宿迁与杭州跨境电商进出口额" if zh else "Figure 1. CBEC trade, Suqian and Hangzhou",
            alt_text="柱状图" if zh else "Bar chart comparing CBEC trade",
            source=(Text("来源：" if zh else "Source: "), Citation(1)),
        ),
        Heading(2, "差距" if zh else "The gaps"),
        BulletList(((Text("品牌少" if zh else "Few brands"),), (Text("人才缺" if zh else "Talent shortage"),))),
        Heading(1, "建议" if zh else "Recommendations"),
        NumberedList((
            (Text("建设海外仓。" if zh else "Build overseas warehouses."), Citation(2)),
            (Text("设立产业学院。" if zh else "Set up an industry college."),),
        )),
        Paragraph((Text("详见 " if zh else "See "), Link("creativecommons.org", "https://creativecommons.org/licenses/by/4.0/")), role="note"),
        References("参考文献" if zh else "Sources", (
            Reference(1, "张隋. 基于新质生产力的宿迁跨境电商产业升级路径研究[J]. 2026."),
            Reference(2, "Zhang Sui (2026). Upgrading Suqian's CBEC industry.", "https://creativecommons.org/licenses/by/4.0/"),
        )),
    )
    return Brief(meta, blocks)
