"""The page: colours, margins and sizes every part of the PDF writer shares."""
from __future__ import annotations



from .. import pdf_tags




_INK = "#1A1A1A"
_GREY = "#5F6B77"
_RULE = "#C8CFD6"

_CM = 72 / 2.54
_MARGIN = 2.0 * _CM
_MASTHEAD = 1.1 * _CM          # height of the organisation line above page one's rule
#: Longest text the PDF lays out as one piece: five prose fields' worth.
MAX_TEXT_CHARS = 20_000
#: About the smallest frame a flowable meets: page one's, on Letter (the shorter paper).
_MIN_FRAME = 792 - 2 * _MARGIN - _MASTHEAD - 0.6 * _CM
_FOOTER_SIZE = 7.5

_PAGE_LABEL = {"en": "Page {n} of {m}", "zh": "第 {n} 页，共 {m} 页"}
_PDF_LANG = pdf_tags.PDF_LANG
