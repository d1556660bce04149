"""House style: what both writers read to decide how a brief looks.

Defaults give briefgen's own look; ``briefgen.toml`` or ``--config`` override
them (see :mod:`briefgen.config`).  Writers take sizes and colours from here and
nowhere else, so the PDF and the Word file of one brief look alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_DEFAULT_ACCENT = "#1F4E79"
_DEFAULT_LIGHT = "#E8EEF5"      # chosen by eye for the default accent


def _tint(colour: str, white: float = 0.88) -> str:
    """``colour`` ("#RRGGBB") mixed with ``white`` parts of white; unparsable input is kept."""
    value = colour.strip().lstrip("#")
    try:
        rgb = [int(value[i:i + 2], 16) for i in (0, 2, 4)] if len(value) == 6 else None
    except ValueError:
        rgb = None
    if rgb is None:
        return colour               # the writers report a bad colour with its name
    return "#" + "".join(f"{round(c + (255 - c) * white):02X}" for c in rgb)


@dataclass(frozen=True)
class HouseStyle:
    #: The publisher. Without one a brief carries no masthead, header or author: it
    #: never prints the name of the tool that made it.
    organisation: str = ""
    organisation_zh: str = ""           # shown on Chinese briefs; falls back to organisation
    contact: str = ""                   # e-mail or address under the organisation, on the last page
    contact_zh: str = ""
    series: str = ""                    # the series the briefs belong to ("Commerce Policy Briefs")
    series_zh: str = ""
    #: Prefix of brief numbers ("SCB"): briefs are numbered only when it is set.
    series_code: str = ""
    disclaimer: str = ""                # printed at the end when set
    disclaimer_zh: str = ""
    logo: Path | None = None            # PNG or JPEG, shown top right of page one
    accent: str = _DEFAULT_ACCENT       # headings, rules, the key-messages box
    accent_light: str | None = None     # fill of the key-messages box, table header (default: a tint of accent)
    paper: str = "A4"                   # "A4" | "Letter"
    font_latin: str | None = None       # a .ttf for Latin text in PDF (default: Bitstream Vera)
    font_cjk: str | None = None         # a .ttf/.ttc for Chinese text in PDF (default: WenQuanYi Micro Hei)
    word_font_latin: str = "Calibri"    # the font *name* Word is told to use
    word_font_east_asia: str = "Microsoft YaHei"
    body_size: float = 10.5             # points
    reference_docx: Path | None = None  # an organisation's Word template (styles, page setup, header/footer)

    def __post_init__(self) -> None:
        if self.accent_light is None:
            # An organisation that sets only its accent must not get a blue box under a
            # red rule: the fill defaults to a pale tint of whatever the accent is.
            light = _DEFAULT_LIGHT if self.accent.upper() == _DEFAULT_ACCENT else _tint(self.accent)
            object.__setattr__(self, "accent_light", light)

    def organisation_for(self, lang: str) -> str:
        return (self.organisation_zh or self.organisation) if lang == "zh" else self.organisation

    def in_lang(self, name: str, lang: str) -> str:
        """A house-style text in ``lang``: the ``_zh`` value for Chinese, falling back to the other."""
        en = getattr(self, name)
        return (getattr(self, f"{name}_zh", "") or en) if lang == "zh" else en

    # Sizes derived from the body size, so one setting scales the whole brief.
    @property
    def title_size(self) -> float:
        return round(self.body_size * 1.9, 1)

    @property
    def heading_sizes(self) -> tuple[float, float, float]:
        return (round(self.body_size * 1.35, 1), round(self.body_size * 1.15, 1), self.body_size)

    @property
    def small_size(self) -> float:
        return round(self.body_size * 0.82, 1)


DEFAULT_STYLE = HouseStyle()
