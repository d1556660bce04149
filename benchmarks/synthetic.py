#!/usr/bin/env python3
"""Write a synthetic overlay of N regions, shaped like the built-in content, for scale benchmarks.

    python benchmarks/synthetic.py 1000 /tmp/overlay-1000
    briefgen check --overlay /tmp/overlay-1000
    briefgen make -r city-00003 --overlay /tmp/overlay-1000

Each region gets 30 figures (ten shared measures over three years, so tables and
charts compare regions), five findings, five cases and five recommendations, in
both languages, with text about as long as the curated content's.  Regions are
cities under the built-in provinces, in folders of 25 (one source per folder), so
the overlay's files look like the built-in ``content/sNNN/`` folders.  The output
is the same for the same N, so runs are comparable.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

PROVINCES = ("jiangsu", "zhejiang", "hebei", "guangdong", "henan")
THEMES = ("trade-scale", "talent-education", "technology-data", "platforms-zones", "brands",
          "logistics-supply-chain", "policy-institutions", "finance")
#: (measure, English label, Chinese label, unit, base value)
MEASURES = (
    ("cbec-trade-value", "Cross-border e-commerce trade value", "跨境电商进出口额", "亿元", 120),
    ("cbec-exports", "Cross-border e-commerce exports", "跨境电商出口额", "亿元", 80),
    ("cbec-firms", "Cross-border e-commerce firms", "跨境电商企业数量", "家", 900),
    ("cbec-parks", "Cross-border e-commerce industrial parks", "跨境电商产业园区", "个", 6),
    ("cbec-talent-trained", "People trained for cross-border e-commerce", "跨境电商培训人次", "人次", 5000),
    ("overseas-warehouses", "Overseas warehouses", "海外仓数量", "个", 20),
    ("cbec-growth", "Year-on-year growth of cross-border e-commerce", "跨境电商同比增长", "%", 12),
    ("online-retail-value", "Online retail sales", "网络零售额", "亿元", 300),
    ("digital-trade-value", "Digital trade value", "数字贸易额", "亿元", 60),
    ("brand-count", "Cross-border e-commerce brands", "跨境电商品牌数量", "个", 40),
)
YEARS = ("2022", "2023", "2024")
PER_FOLDER = 25
COLUMNS = ["id", "region", "indicator_en", "indicator_zh", "value", "unit", "period", "qualifier", "theme",
           "source", "locator", "section", "note_en", "note_zh", "measure"]


def region_id(n: int) -> str:
    return f"city-{n:05d}"


def _q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _region(n: int, source: str) -> str:
    rid, name = region_id(n), f"City {n:05d}"
    return (f"- id: {rid}\n  name_en: {name}\n  name_zh: 城市{n:05d}\n  aliases: [城市{n:05d}市]\n"
            f"  level: city\n  parent: {PROVINCES[n % len(PROVINCES)]}\n"
            f"  profile_en: {_q(f'{name} is a prefecture-level city whose firms have turned to cross-border e-commerce over the past decade. Its platforms, parks and training programmes have grown quickly, while logistics and talent remain constraints the city government is working on.')}\n"
            f"  profile_zh: {_q(f'城市{n:05d}是地级市，近十年来当地企业加快发展跨境电商，平台、园区和培训项目增长较快，物流和人才仍是市政府着力破解的短板。')}\n"
            f"  sources: [{source}]\n")


def _figures(n: int, source: str) -> list[list[str]]:
    rid = region_id(n)
    rows = []
    for m, (measure, en, zh, unit, base) in enumerate(MEASURES):
        for y, year in enumerate(YEARS):
            value = base + (n * 7 + m * 13 + y * 5) % (base + 1) + y
            rows.append([f"{rid}-{measure}-{year}", rid, f"{en} of City {n:05d}", f"城市{n:05d}{zh}",
                         str(value), unit, year, "exact", THEMES[m % len(THEMES)], source,
                         f"{zh}{value}", f"section {m + 1}", "", "", measure])
    return rows


def _findings(n: int, source: str) -> str:
    rid, out = region_id(n), []
    for k in range(5):
        kind = ("problem", "strength", "problem", "result", "context")[k]
        theme = THEMES[(n + k) % len(THEMES)]
        inds = f"[{rid}-{MEASURES[k][0]}-2024]" if k % 2 else "[]"
        out.append(f"- id: {rid}-finding-{k}\n  region: {rid}\n  theme: {theme}\n  kind: {kind}\n"
                   f"  text_en: {_q(f'City {n:05d} reports that its cross-border e-commerce firms face {theme} questions: finding {k} describes what the city measured, what it changed and what remains to be done over the next three years.')}\n"
                   f"  text_zh: {_q(f'城市{n:05d}跨境电商企业在{theme}方面面临问题：第{k}条发现说明该市的测算、已作调整及未来三年仍需推进的工作。')}\n"
                   f"  indicators: {inds}\n  source: {source}\n  locator: {_q(f'第{k}条发现')}\n"
                   f"  section: {_q(f'section {k + 1}')}\n  priority: {1 + k % 3}\n")
    return "".join(out)


def _cases(n: int, source: str) -> str:
    rid, out = region_id(n), []
    for k in range(5):
        themes = f"[{THEMES[(n + k) % len(THEMES)]}, {THEMES[(n + k + 3) % len(THEMES)]}]"
        out.append(f"- id: {rid}-case-{k}\n  region: {rid}\n  themes: {themes}\n"
                   f"  title_en: {_q(f'City {n:05d} programme {k}')}\n  title_zh: {_q(f'城市{n:05d}第{k}项举措')}\n"
                   f"  actor_en: {_q(f'City {n:05d} Bureau of Commerce')}\n  actor_zh: {_q(f'城市{n:05d}商务局')}\n"
                   f"  when: \"2023\"\n"
                   f"  what_en: {_q(f'In programme {k} the City {n:05d} bureau set up a shared service centre with customs, banks and logistics firms so that small exporters could file, pay and ship in one place.')}\n"
                   f"  what_zh: {_q(f'城市{n:05d}商务局在第{k}项举措中联合海关、银行和物流企业设立共享服务中心，使中小出口企业可以一站式完成申报、结算和发货。')}\n"
                   f"  result_en: {_q(f'{20 + (n + k) % 70} more small firms in City {n:05d} began to export online within a year, and filing times fell.')}\n"
                   f"  result_zh: {_q(f'一年内城市{n:05d}新增{20 + (n + k) % 70}家中小企业开展跨境电商出口，申报时间缩短。')}\n"
                   f"  transferable_en: {_q(f'A shared service centre run with customs and banks, as in programme {k} of City {n:05d}, lowers the cost of a first export for small firms.')}\n"
                   f"  transferable_zh: {_q(f'借鉴城市{n:05d}第{k}项举措，与海关、银行共建共享服务中心，可降低中小企业首次出口的成本。')}\n"
                   f"  indicators: [{rid}-{MEASURES[k][0]}-2023]\n  source: {source}\n"
                   f"  locator: {_q(f'第{k}项举措')}\n  section: {_q(f'section {k + 1}')}\n")
    return "".join(out)


def _recommendations(n: int, total: int, source: str) -> str:
    rid, out = region_id(n), []
    for k in range(5):
        # Each region learns from one other synthetic region, so the benchmark rule has work to do.
        bench = region_id((n + 1 + k) % total) if k == 0 and total > 1 else None
        evidence = f"[{rid}-finding-{k}, {rid}-case-{k}]" if not bench else f"[{rid}-finding-{k}, {bench}-case-0]"
        out.append(f"- id: {rid}-rec-{k}\n  region: {rid}\n"
                   f"  action_en: {_q(f'Extend the shared service centre to every county of City {n:05d} and publish its waiting times each quarter (step {k}).')}\n"
                   f"  action_zh: {_q(f'将共享服务中心推广至城市{n:05d}各县区，并按季度公布办理时长（第{k}步）。')}\n"
                   f"  rationale_en: {_q(f'Firms in City {n:05d} outside the centre still file through {2 + k} offices.')}\n"
                   f"  rationale_zh: {_q(f'城市{n:05d}中心覆盖范围以外的企业仍需往返{2 + k}个部门办理。')}\n"
                   f"  actors: [government, enterprises]\n  audiences: [government, industry, education, research]\n"
                   f"  themes: [{THEMES[(n + k) % len(THEMES)]}]\n  horizon: {('short', 'medium', 'long')[k % 3]}\n"
                   f"  priority: {1 + k % 3}\n  evidence: {evidence}\n  benchmark: {bench or 'null'}\n"
                   f"  source: {source}\n  locator: {_q(f'第{k}条建议')}\n  section: {_q(f'section {k + 1}')}\n")
    return "".join(out)


def _source(sid: str, first: int) -> str:
    return (f"- id: {sid}\n  title_zh: {_q(f'跨境电商城市发展报告（第{first // PER_FOLDER + 1}卷）')}\n"
            f"  title_en: {_q(f'Report on cross-border e-commerce in cities, volume {first // PER_FOLDER + 1}')}\n"
            f"  kind: report\n  date: \"2025\"\n  date_status: printed\n  language: zh\n")


def write_overlay(n_regions: int, folder: Path) -> Path:
    """Write the overlay of ``n_regions`` regions into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for first in range(0, n_regions, PER_FOLDER):
        block = range(first, min(first + PER_FOLDER, n_regions))
        sid = f"syn{first // PER_FOLDER:04d}"
        sub = folder / sid
        sub.mkdir(exist_ok=True)
        (sub / "sources.yaml").write_text(_source(sid, first), encoding="utf-8")
        (sub / "regions.yaml").write_text("".join(_region(n, sid) for n in block), encoding="utf-8")
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in block:
            writer.writerows(_figures(n, sid))
        (sub / "indicators.csv").write_text(buf.getvalue(), encoding="utf-8")
        (sub / "findings.yaml").write_text("".join(_findings(n, sid) for n in block), encoding="utf-8")
        (sub / "cases.yaml").write_text("".join(_cases(n, sid) for n in block), encoding="utf-8")
        (sub / "recommendations.yaml").write_text(
            "".join(_recommendations(n, n_regions, sid) for n in block), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write a synthetic overlay of N regions (see the module docstring).")
    p.add_argument("regions", type=int, help="how many regions, e.g. 1000")
    p.add_argument("folder", type=Path, help="where to write the overlay (created)")
    args = p.parse_args(argv)
    if args.regions < 1:
        p.error("regions must be 1 or more")
    write_overlay(args.regions, args.folder)
    print(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
