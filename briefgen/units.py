"""Numbers stay with their units: the one rule every writer applies to the text it sets.

"28.3 %", "RMB 4 billion", "nearly 200,000 m²" and "40亿元" must never be broken
across lines between the number and its unit (nor inside "RMB 4 billion").  Where
the unit is a separate word the space becomes a no-break space (U+00A0); where a
Chinese unit follows the number directly, as Chinese writes it, a word joiner
(U+2060, invisible) goes between the number and each character of the unit,
because Chinese text may otherwise break before any ideograph.

Browsers honour both characters.  The PDF's own Chinese line breaker reads them as
glue and draws no word joiner (so extracted text reads as written).  Word and
LibreOffice ignore a word joiner between Chinese characters, so the Word writer
sets U+200D instead, which both keep together (Word's "No-Width Non Break").  The rule is idempotent: text it has already bound is left as it is.
"""
from __future__ import annotations

import functools
import re

NBSP = "\u00a0"
WORD_JOINER = "\u2060"

_NUMBER = r"\d(?:[\d,.]*\d)?"
#: Units and magnitudes written as a separate word after an English number.
_AFTER = (r"%|‰|per cent|percent|trillion|billion|million|thousand|bn|mn|"
          r"m²|km²|m2|km2|sq\.? ?m|square (?:metres|meters|kilometres|kilometers)|hectares|ha|km|"
          r"tonnes|tons|TEU|kg|yuan|RMB|CNY|US dollars|dollars|USD|GWh|MWh|kWh|GW|MW|kW|"
          r"pp|percentage points")
#: Currencies written before the number.
_BEFORE = r"RMB|CNY|USD|US\$|HK\$|EUR|€|¥|\$"
#: Chinese magnitudes and units that follow a number directly.
_ZH_MAGNITUDE = "万亿千百"
_ZH_UNITS = ("美元|港元|欧元|元|万吨|吨|公斤|千克|平方公里|平方米|公里|千米|米|亩|标箱|箱|"
             "人次|人|名|家|个|件|单|票|辆|台|架|次|项|条|所|倍|批|场|小时|天")

_EN_AFTER = re.compile(rf"(?<![\w.,])({_NUMBER}) ((?:{_AFTER})(?: (?:{_AFTER}))*)(?![\w²])")
_EN_BEFORE = re.compile(rf"(?<!\w)({_BEFORE}) (?={_NUMBER})")
_ZH = re.compile(rf"({_NUMBER})([ {NBSP}]?)([{_ZH_MAGNITUDE}]+(?:{_ZH_UNITS})?|(?:{_ZH_UNITS}))")


def _bind_after(m: re.Match) -> str:
    return f"{m.group(1)}{NBSP}{m.group(2).replace(' ', NBSP)}"


def _bind_zh(m: re.Match) -> str:
    number, gap, unit = m.groups()
    return number + (NBSP if gap else WORD_JOINER) + WORD_JOINER.join(unit)


@functools.lru_cache(maxsize=8192)
def keep_with_units(text: str) -> str:
    """``text`` with no line break allowed between a number and its unit."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _EN_BEFORE.sub(lambda m: m.group(1) + NBSP, text)
    text = _EN_AFTER.sub(_bind_after, text)
    return _ZH.sub(_bind_zh, text)


def unbound(text: str) -> str:
    """``text`` as typed: word joiners dropped, no-break spaces plain spaces (for search and metadata)."""
    return text.replace(WORD_JOINER, "").replace("\u200d", "").replace(NBSP, " ")
