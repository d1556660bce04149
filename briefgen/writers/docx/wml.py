"""WordprocessingML as text: the escaping, the cleaning and the runs every part of a brief uses.

A brief's body is written as strings joined once, not as an element tree: building
some 700 lxml elements through python-docx was half of a brief's Word time, and
the body needs none of what a tree offers (it is only ever appended to).  This
module is the one place where text becomes XML, so every character a brief says
passes through the character policy (:func:`clean`) and :func:`esc` here.
"""
from __future__ import annotations

import functools

from ... import characters
from ...units import WORD_JOINER, keep_with_units

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LANG_TAG = {"en": "en-GB", "zh": "zh-CN"}
_NO_WIDTH_NON_BREAK = "\u200d"


def clean(text: str) -> str:
    """``text`` without the characters the character policy refuses (XML cannot hold most)."""
    return characters.strip(text)


def esc(text: str) -> str:
    """Cleaned ``text`` for an element's content."""
    return _escape(characters.strip(text))


def attr(text: str) -> str:
    """Cleaned ``text`` for a double-quoted attribute."""
    text = _escape(characters.strip(text))
    return text.replace('"', "&quot;") if '"' in text else text


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


@functools.lru_cache(maxsize=64)
def run_props(lang: str, style_id: str | None = None, bold: bool = False, italic: bool = False) -> str:
    """A run's properties: optional character style, bold/italic, East Asian hint and language.

    The East Asian font itself is declared once, on the styles and document defaults,
    so an analyst (or a reference docx) can change it in one place."""
    kids = [f'<w:rStyle w:val="{attr(style_id)}"/>' if style_id else ""]
    if lang == "zh":
        # Shared punctuation (“ ” · …) is set in the East Asian font in a Chinese brief.
        kids.append('<w:rFonts w:hint="eastAsia"/>')
    kids.append("<w:b/>" if bold else "")
    kids.append("<w:i/>" if italic else "")
    kids.append(f'<w:lang w:val="{LANG_TAG.get(lang, "en-GB")}" w:eastAsia="zh-CN"/>')
    return f"<w:rPr>{''.join(kids)}</w:rPr>"


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<w:t{space}>{text}</w:t>"


def run(text: str, rpr: str) -> str:
    """One run of text: tabs and line breaks as Word's own, numbers kept with their units."""
    # Word and LibreOffice do not honour the word joiner between Chinese characters; both
    # keep a zero-width joiner together (Word's own "No-Width Non Break" character).
    text = _escape(keep_with_units(clean(text)))
    if WORD_JOINER in text:
        text = text.replace(WORD_JOINER, _NO_WIDTH_NON_BREAK)
    if "\t" in text or "\n" in text or "\r" in text:
        out: list[str] = []
        piece: list[str] = []
        for ch in text:
            if ch in "\t\r\n":
                if piece:
                    out.append(_t("".join(piece)))
                    piece = []
                out.append("<w:tab/>" if ch == "\t" else "<w:br/>")
            else:
                piece.append(ch)
        if piece:
            out.append(_t("".join(piece)))
        return f"<w:r>{rpr}{''.join(out)}</w:r>"
    return f"<w:r>{rpr}{_t(text)}</w:r>" if text else f"<w:r>{rpr}</w:r>"


def field(instr: str, cached: str, rpr: str = "", dirty: bool = False) -> str:
    """The runs of one complex field: begin, instruction, separate, cached result (if any), end."""
    begin = '<w:fldChar w:fldCharType="begin" w:dirty="true"/>' if dirty else '<w:fldChar w:fldCharType="begin"/>'
    result = f'<w:r>{rpr}<w:t xml:space="preserve">{esc(cached)}</w:t></w:r>' if cached else ""
    return (f"<w:r>{rpr}{begin}</w:r>{field_instr(instr, rpr)}"
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>{result}'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def field_instr(instr: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:instrText xml:space="preserve"> {esc(instr)} </w:instrText></w:r>'
