"""Line breaking: Chinese lines by the rules of Chinese typesetting, and the paragraph classes that use them."""
from __future__ import annotations


import functools

from ...units import NBSP, WORD_JOINER
from .. import pdf_tags



# --------------------------------------------------------------------------- flowables

# Line-breaking rules for Chinese (W3C "Requirements for Chinese Text Layout", GB/T 15834):
# closing punctuation never starts a line, opening punctuation never ends one.  reportlab's
# own CJK wrapper knows only the Japanese set (it lets "，" "；" "：" "”" start a line), may
# start a line with a space, and splits a Latin word or a citation mark anywhere.
_CANNOT_START = frozenset("，。、；：！？）】》」』〕〉］｝〗〙”’·・‥%‰℃°,.;:!?)]}")
_CANNOT_END = frozenset("（【《「『〔〈［｛〖〘“‘([{")
_NO_SPLIT_PAIRS = frozenset("—…")        # "——" and "……" are one mark each


def _is_space(ch: str) -> bool:
    # U+00A0 is a space that must not break (citation marks use it).
    return ch in (" ", "\t", "\u3000") or (ch != "\u00a0" and ch.isspace())


def _is_cjk(ch: str) -> bool:
    """A character a line may break before or after without a space (ideographs, CJK punctuation)."""
    return bool(ch) and (ord(ch[0]) >= 0x2E80 or ch in "“”‘’—…·")


def _in_citation_mark(chars: list, comma: int) -> bool:
    """Whether ``chars[comma]`` is the comma of a citation mark such as "[12, §3.1]"."""
    if chars[comma] != ",":
        return False
    k = comma - 1
    while k >= 0 and chars[k].isdigit():
        k -= 1
    return k < comma - 1 and k >= 0 and chars[k] == "["


def _cjk_break(chars: list, start: int, overflow: int) -> int:
    """Where the line that began at ``start`` ends, given that ``chars[overflow]`` does not fit.

    Returns the index the next line starts at.  The break goes as late as possible
    where the rules allow: not before closing punctuation, not after opening
    punctuation, not inside "——" or "……" or a citation mark, and inside Latin text only
    at a space.  A line the rules cannot break is broken where it overflows."""
    n = len(chars)
    first = overflow
    while first < n and _is_space(chars[first]):
        first += 1                       # spaces at the break hang at the line's end, unseen
    if first >= n:
        return n
    for b in range(first, start, -1):
        nxt = chars[b]
        if _is_space(nxt):
            continue
        gap = _is_space(chars[b - 1])
        k = b - 1
        while k >= start and (_is_space(chars[k]) or chars[k] == ""):
            k -= 1
        if k < start:
            continue                     # nothing but spaces before: not a line
        prev = chars[k]
        if nxt in _CANNOT_START or prev in _CANNOT_END:
            continue
        if prev == nxt and prev in _NO_SPLIT_PAIRS:
            continue
        if nxt == NBSP or prev == NBSP or getattr(chars[b - 1], "joined", False):
            continue                     # a number and its unit (briefgen/units.py)
        if gap and _in_citation_mark(chars, k):
            continue
        if gap or _is_cjk(prev) or _is_cjk(nxt):
            return b
    return max(overflow, start + 1)      # e.g. a URL wider than the column


def _cjk_line(chars: list, max_width: float, line_width: float, line_break: bool, calc_bounds: bool,
              justify: bool):
    """One line for reportlab, set up so a justified paragraph fills the measure.

    Chinese has no spaces to stretch, so reportlab leaves justified CJK lines ragged.
    Here the line counts one "word" per character; reportlab then asks for word
    spacing of (slack / gaps), which _cjk_text_class turns into character spacing.
    A line whose slack would visibly letter-space it (a long Latin word pushed to
    the next line) stays ragged instead."""
    line = _cjk_para_line(chars, max_width, line_width, max_width - line_width, line_break, calc_bounds)
    if not justify or line_break:
        return line
    glyphs = sum(1 for u in chars if u != "")
    nbsp = sum(1 for u in chars if u == "\u00a0")
    font_size = max((u.frag.fontSize for u in chars), default=10)
    if glyphs > 1 and 0 < line.extraSpace / (glyphs - 1) <= 0.12 * font_size:
        line.wordCount = glyphs - nbsp   # reportlab adds the no-break spaces back
    else:
        line.extraSpace = 0              # set flush left: nothing to spread
    return line


def _cjk_para_line(chars: list, max_width: float, width_used: float, extra_space: float, line_break: bool,
                   calc_bounds: bool):
    """reportlab's makeCJKParaLine, which joins a line's characters into runs of one frag,
    without comparing each character's frag with the last: a character of the same frag
    object as the one before joins its run as sameFrag would have said (a frag with a
    cbDefn or a lineBreak is never the same, so each of its characters stands alone)."""
    from reportlab.platypus.paragraph import FragLine, getAscentDescent, imgNormV, imgVRange, sameFrag

    words = []
    run: list = []
    f0 = FragLine()
    max_size = max_ascent = min_descent = 0
    for u in chars:
        f = u.frag
        if f is f0 and not ("cbDefn" in f.__dict__ or "lineBreak" in f.__dict__):
            run.append(u)          # same size and face: the bounds below cannot change
            continue
        font_size = f.fontSize
        cb = getattr(f, "cbDefn", None) if calc_bounds else None
        if getattr(cb, "width", 0):
            descent, ascent = imgVRange(imgNormV(cb.height, font_size), cb.valign, font_size)
        else:
            ascent, descent = getAscentDescent(f.fontName, font_size)
        max_size = max(max_size, font_size)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        if not sameFrag(f0, f):
            f0 = f0.clone()
            f0.text = "".join(run)
            words.append(f0)
            run = []
            f0 = f
        run.append(u)
    if run:
        f0 = f0.clone()
        f0.text = "".join(run)
        words.append(f0)
    return FragLine(kind=1, extraSpace=extra_space, wordCount=1, words=words[1:], fontSize=max_size,
                    ascent=max_ascent, descent=min_descent, maxWidth=max_width, currentWidth=width_used,
                    lineBreak=line_break)


def _cjk_lines(frags, max_widths, calc_bounds: bool, justify: bool = False):
    """reportlab's cjkFragSplit with Chinese line-breaking rules (see _cjk_break)."""
    from reportlab.platypus.paragraph import ParaLines, cjkU
    from reportlab.rl_config import _FUZZ

    chars = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        if text:
            for ch in text:
                if ch == WORD_JOINER:    # not drawn: it marks the character before as joined
                    if chars:
                        chars[-1].joined = True
                    continue
                chars.append(cjkU(ch, frag, "utf8"))
        else:                            # an anchor, an image or a <br/>: one empty slot
            chars.append(cjkU(text, frag, "utf8"))

    def width(u, max_width: float) -> float:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return w

    lines = []
    n = len(chars)
    start = i = 0
    used = 0.0
    max_width = max_widths[0]
    while i < n:
        u = chars[i]
        used += width(u, max_width)
        line_break = hasattr(u.frag, "lineBreak")
        if not line_break and not (used > max_width + _FUZZ and used > 0):
            i += 1
            continue
        nxt = i + 1 if line_break else _cjk_break(chars, start, i)
        end = nxt
        while end > start + 1 and _is_space(chars[end - 1]):
            end -= 1                     # trailing spaces take no room and are not drawn
        line_width = sum(width(c, max_width) for c in chars[start:end])
        lines.append(_cjk_line(chars[start:end], max_width, line_width, line_break, calc_bounds, justify))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = i = nxt
        while not line_break and start < n and _is_space(chars[start]):
            start = i = start + 1       # a line never begins with a space
        used = 0.0
    if start < n:
        line_width = sum(width(c, max_width) for c in chars[start:])
        lines.append(_cjk_line(chars[start:], max_width, line_width, False, calc_bounds, justify))
    return ParaLines(kind=1, lines=lines)


#: (markup, id of its style, its bullet, cleaner) -> (the style, what parsing it set):
#: see BriefParagraph._setup.  The style is held so that its id is not reused meanwhile.
_PARSED: dict[tuple, tuple] = {}
_PARSED_KEPT = 4096


@functools.lru_cache(maxsize=1)
def _paragraph_class():
    from reportlab.platypus import Paragraph as RLParagraph

    class BriefParagraph(RLParagraph):
        """A Paragraph that can join the PDF outline, fake a bold face and balance its lines."""

        outline_key = ""
        outline_text = ""
        outline_level = 0
        #: Stroke width (points) that thickens a face with no bold of its own (a configured CJK font).
        faux_bold = 0.0
        #: Wrap to the narrowest width that keeps the line count, so a title never ends
        #: on one orphaned character.
        balanced = False

        def _setup(self, text, style, bulletText, frags, cleaner):  # noqa: N803 (reportlab's names)
            # reportlab parses the markup with an HTML parser, a tenth of a layout.  The same
            # markup in the same style parses the same, and it recurs: when fitting lays a
            # brief out again, when copyfitting sets it tighter, and in the headings, cells
            # and references every brief shares.  So the parse is kept, its fragments copied.
            if frags is not None or not isinstance(bulletText, (str, type(None))):
                return super()._setup(text, style, bulletText, frags, cleaner)
            key = (text, id(style), bulletText, cleaner)
            hit = _PARSED.get(key)
            if hit is None or hit[0] is not style:
                super()._setup(text, style, bulletText, frags, cleaner)
                _PARSED[key] = (style, self.text, self.style, self.frags, self.bulletText)
                while len(_PARSED) > _PARSED_KEPT:
                    del _PARSED[next(iter(_PARSED))]
                return
            _, self.text, self.style, parsed, self.bulletText = hit
            self.frags = [frag.clone() for frag in parsed]
            self.debug = 0

        def wrap(self, avail_width, avail_height):
            # The lines depend on the width alone, and platypus asks again and again
            # (keep-with-next groups, then the frame): break them once per width.
            memo = self.__dict__.get("_memo")
            if memo is not None and memo[0] == avail_width:
                _, result, self.width, self.height, self.blPara, self._wrapWidths = memo
                return result
            result = self._wrap(avail_width, avail_height)
            self._memo = (avail_width, result, self.width, self.height, self.blPara, self._wrapWidths)
            return result

        def _wrap(self, avail_width, avail_height):
            width, height = super().wrap(avail_width, avail_height)
            if not self.balanced or len(getattr(self.blPara, "lines", ())) < 2:
                return width, height
            lines = len(self.blPara.lines)
            lo, hi = avail_width * 0.55, avail_width
            for _ in range(8):
                mid = (lo + hi) / 2
                super().wrap(mid, avail_height)
                if len(self.blPara.lines) > lines:
                    lo = mid
                else:
                    hi = mid
            _, height = super().wrap(hi, avail_height)
            return avail_width, height

        def breakLinesCJK(self, maxWidths):  # noqa: N802 (reportlab's name)
            from reportlab.platypus.paragraph import _handleBulletWidth

            if not isinstance(maxWidths, (list, tuple)):
                maxWidths = [maxWidths]
            if not self.frags or getattr(self.style, "endDots", None):
                return super().breakLinesCJK(maxWidths)
            if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
                return self.blPara       # the rest of a paragraph split across pages
            self.height = 0
            _handleBulletWidth(self.bulletText, self.style, maxWidths)
            auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
            return _cjk_lines(self.frags, maxWidths, auto not in ("", "off"), self._justified())

        def drawOn(self, canv, x, y, _sW=0):  # noqa: N802 (reportlab's name)
            with pdf_tags.marked(canv, self):
                super().drawOn(canv, x, y, _sW)

        def split(self, avail_width, avail_height):
            parts = super().split(avail_width, avail_height)
            for part in parts:          # both halves of a split paragraph are one element
                if "tag" in self.__dict__ and part is not self:
                    part.tag = self.tag
            return parts

        def _justified(self) -> bool:
            from reportlab.lib.enums import TA_JUSTIFY

            return self.style.alignment == TA_JUSTIFY

        def beginText(self, x, y):  # noqa: N802 (reportlab's name)
            text = super().beginText(x, y)
            if self.style.wordWrap == "CJK" and self._justified():
                text.__class__ = _cjk_text_class()
            text.__class__ = pdf_tags.text_class(text.__class__)   # /Lang on the other language
            return text

        def draw(self):
            if _measuring(self.canv):
                return            # the text was set when it wrapped; drawing it moves nothing
            if not self.faux_bold:
                return super().draw()
            canv = self.canv
            canv.saveState()
            canv.setStrokeColor(self.style.textColor)
            canv.setLineWidth(self.faux_bold)
            canv.setLineJoin(1)
            canv._code.append("2 Tr")     # fill and stroke: text render mode persists across BT
            try:
                super().draw()
            finally:
                canv.restoreState()

    return BriefParagraph


@functools.lru_cache(maxsize=1)
def _cjk_text_class():
    from reportlab.pdfgen.textobject import PDFTextObject

    class CJKJustifiedText(PDFTextObject):
        """Spreads a justified line's slack between characters, not spaces (see _cjk_line)."""

        def setWordSpace(self, wordSpace):  # noqa: N802 (reportlab's name)
            # Zero word spacing keeps reportlab's own link and underline arithmetic,
            # which adds word spacing per space, from counting the slack twice.
            self._wordSpace = 0
            self.setCharSpace(wordSpace)

    return CJKJustifiedText

def _measuring(canv) -> bool:
    """Whether ``canv`` only lays pages out (layout(draw=False)), so flowables need not draw."""
    ctx = getattr(canv, "_brief_ctx", None)
    return bool(ctx is not None and ctx.measure)
