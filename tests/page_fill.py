"""How full each page of a PDF brief is, read from the finished file as a reader sees it.

``pdftotext -bbox`` (poppler) gives every word's box; a page's fill is how far down
its frame the lowest word of the body reaches (running header and footer left out),
as a share of the frame's height.  Used by tests/test_page_fill.py, and runnable on
its own over the whole matrix:

    python tests/page_fill.py            # every region x audience x length x language
    python tests/page_fill.py suqian     # some regions
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

#: A page but the last may end at most this share of its frame short.
MIN_FILL = 0.85
#: A last page filled less than this holds next to nothing (a stub).
STUB_FILL = 0.15

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Page:
    fill: float        # share of the frame's height the body reaches down to
    words: int         # words in the body (header and footer left out)
    text: str          # the body's words, for messages


def _frame(height: float, first: bool) -> tuple[float, float]:
    """Top and bottom of the body frame, in points down from the page top (the writer's geometry)."""
    from briefgen.writers import pdf

    bottom = max(pdf._MARGIN, pdf._MARGIN * 0.55 + pdf._FOOTER_SIZE * 3 + 0.3 * pdf._CM)
    top = pdf._MARGIN + (pdf._MASTHEAD + 0.6 * pdf._CM if first else 0.0)
    return top, height - bottom


def pages(pdf_bytes: bytes) -> list[Page]:
    """The fill of every page of ``pdf_bytes``."""
    xml = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf_bytes, capture_output=True,
                         check=True).stdout.decode("utf8")
    out = []
    for index, (_w, height, body) in enumerate(_PAGE.findall(xml)):
        top, bottom = _frame(float(height), index == 0)
        words = [(float(y0), float(y1), t) for _x, y0, y1, t in _WORD.findall(body)]
        inside = [w for w in words if w[1] <= bottom + 2 and w[0] >= top - 2]
        low = max((w[1] for w in inside), default=top)
        out.append(Page(fill=min(1.0, (low - top) / (bottom - top)), words=len(inside),
                        text=" ".join(w[2] for w in inside)))
    return out


def short_pages(fills: list[Page]) -> list[int]:
    """Pages (numbered from 1) that end more than 15% short, the last page aside."""
    return [i + 1 for i, p in enumerate(fills[:-1]) if p.fill < MIN_FILL]


def is_stub(fills: list[Page]) -> bool:
    """Whether the last page holds next to nothing (two references, say)."""
    return len(fills) > 1 and fills[-1].fill < STUB_FILL


def sweep(regions=None):
    """(label, fills) for every brief of the matrix, as PDF."""
    import itertools

    from briefgen.build import build
    from briefgen.library import load_library
    from briefgen.spec import AUDIENCES, LANGS, LENGTHS, BriefSpec
    from briefgen.writers.pdf import layout

    library = load_library()
    for region, audience, length, lang in itertools.product(
            regions or sorted(library.regions), AUDIENCES, LENGTHS, LANGS):
        brief = build(BriefSpec(region, audience=audience, length=length, lang=lang), [], library).brief
        yield f"{region}/{audience}/{length}/{lang}", pages(layout(brief).pdf)


def main(argv: list[str]) -> int:
    import os

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795392000")
    total = short = stubs = briefs_short = 0
    for label, fills in sweep(argv or None):
        bad = short_pages(fills)
        total += len(fills) - 1
        short += len(bad)
        briefs_short += bool(bad)
        stubs += is_stub(fills)
        if bad or is_stub(fills):
            print(f"{label}: " + " ".join(f"{p.fill:.0%}" for p in fills)
                  + ("  (last page a stub)" if is_stub(fills) else ""))
    print(f"pages but the last under {MIN_FILL:.0%} full: {short} of {total}, in {briefs_short} briefs; "
          f"stub last pages: {stubs}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    sys.exit(main(sys.argv[1:]))
