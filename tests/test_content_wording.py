"""The built-in content says in English what it says in Chinese, in English, and tags roles as its sources do.

These guard corrections an editor made to the content (issue 15, point 4, and the
content audit): English records that dropped the figures of their Chinese text,
Chinese left in English sentences, and benchmark tags the source does not support.
"""
from __future__ import annotations

import re
from decimal import Decimal

import yaml

from briefgen.paths import data_dir

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)?")
#: Dates are worded differently in English (August 2019, January–May): months and days are skipped.
_DATES = re.compile(r"\d+\s*(?:[~～—–-]\s*\d+\s*)?个?[月日]")
_WORDS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
          "8": "eight", "9": "nine", "10": "ten"}
_SCALE = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "": Decimal(1)}
_WORD_SCALE = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def _plain(d: Decimal) -> str:
    s = f"{d.normalize():f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def english_forms(number: str, scale: str) -> set[str]:
    """Ways an English text may write a Chinese figure: as printed, in full, or in millions/billions."""
    amount = Decimal(number) * _SCALE[scale]
    forms = {number, _plain(amount)}
    for size, word in _WORD_SCALE:
        if amount >= size:
            forms.add(f"{_plain(amount / size)} {word}")
    if number in _WORDS and not scale:
        forms.add(_WORDS[number])
    return forms


def missing_figures(zh: str, en: str) -> list[str]:
    """Figures the Chinese text gives that the English text does not."""
    en_plain = en.replace(",", "").lower()
    missing = []
    for m in _NUMBER.finditer(_DATES.sub(" ", zh)):
        number, scale = m.group(1), m.group(2) or ""
        if not any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", en_plain) for form in english_forms(number, scale)):
            missing.append(number + scale)
    return missing


def _records():
    for path in sorted(data_dir("content").rglob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(record, dict) and "id" in record:
                yield path.relative_to(data_dir("content")), record


def _pairs():
    for path, record in _records():
        for key, zh in record.items():
            en = record.get(key[:-3] + "_en")
            if key.endswith("_zh") and isinstance(zh, str) and isinstance(en, str):
                yield path, record["id"], key[:-3], zh, en


def test_the_figure_check_catches_a_dropped_figure():
    zh = "2024年宁波对东盟进出口额达1876.9亿元，同比增长20.7%"
    assert missing_figures(zh, "Ningbo's trade with ASEAN reached a large scale in 2024, up 20.7%") == ["1876.9亿"]
    assert missing_figures(zh, "In 2024 Ningbo's trade with ASEAN was RMB 187.69 billion, up 20.7%") == []
    assert missing_figures("订单1336.3万单", "13.363 million orders") == []
    assert missing_figures("2025年1~8月", "January–August 2025") == []
    assert missing_figures("2025年前5个月", "January–May 2025") == []


def test_every_english_text_keeps_the_figures_of_its_chinese_text():
    problems = [f"{path} {rid} {field}_en lacks {', '.join(missing)}"
                for path, rid, field, zh, en in _pairs() if (missing := missing_figures(zh, en))]
    assert problems == []


_CJK = re.compile(r"[\u3400-\u9fff]")
_BRACKETED = re.compile(r"\([^()]*\)|（[^（）]*）")


def test_english_texts_keep_chinese_only_in_parentheses():
    problems = [f"{path} {rid} {field}_en: {en[:80]}" for path, rid, field, _, en in _pairs()
                if _CJK.search(_BRACKETED.sub("", en))]
    assert problems == []


def test_suqian_learns_from_hangzhou_only_where_the_paper_says_so():
    """§5 of the Suqian paper says 借鉴杭州 only for the single window (§5.1(1)) and in §5.4(1)."""
    tagged = {(r["id"], r["section"]) for path, r in _records()
              if path.name == "recommendations.yaml" and r.get("source") == "s003" and r.get("benchmark")}
    assert {section for _, section in tagged} == {"§5.1(1)", "§5.4(1)"}
    assert [rid for rid, section in tagged if section == "§5.1(1)"] == ["suqian-single-window-integrated-processing"]


# ---------------------------------------------------------------------------- own words

import pytest  # noqa: E402

import verbatim  # noqa: E402  (tests/verbatim.py)


@pytest.mark.skipif(not verbatim.SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
@pytest.mark.parametrize("folder", sorted(p.name for p in data_dir("content").glob("s[0-9][0-9][0-9]")))
def test_chinese_texts_are_written_afresh_not_copied_from_the_seed(folder):
    # Figures, names and dates carry over from a source; its sentences do not.  A run of
    # MIN_RUN characters shared with the seed, outside titles and quoted names, is a copied clause.
    copied = [f"{path.name} {rid} {key}: 「{run}」"
              for path, rid, key, run in verbatim.copied(data_dir("content") / folder)]
    assert not copied, f"{len(copied)} Chinese texts copy their source:\n" + "\n".join(copied)


def test_the_copy_check_finds_a_copied_clause_and_passes_names():
    source = "宿迁市跨境电商进出口额达40亿元，同比增长显著，《宿迁市跨境电子商务高质量发展三年行动计划》明确提出目标"
    assert verbatim.longest_shared("据统计，宿迁市跨境电商进出口额达40亿元，同比增长显著。", source) == \
        "宿迁市跨境电商进出口额达40亿元，同比增长显著"
    assert len(verbatim.longest_shared("《宿迁市跨境电子商务高质量发展三年行动计划》提出的目标", source)) < 10
