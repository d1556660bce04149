"""House style: what both writers read to decide how a brief looks.

Defaults give briefgen's own look; ``briefgen.toml`` or ``--config`` override
them (see :mod:`briefgen.config`).  Writers take sizes and colours from here and
nowhere else, so the PDF and the Word file of one brief look alike.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from . import characters
from .fonts import BODY_FONTS
from .errors import UsageError
from .names import did_you_mean

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
    font_latin: str | None = None       # a .ttf for Latin text in PDF (default: the shipped Noto)
    font_cjk: str | None = None         # a .ttf/.ttc for Chinese text in PDF (default: the shipped Noto SC)
    #: Body text of English / Chinese briefs: "serif" (Noto Serif, Noto Serif SC, as books and
    #: reports are set) or "sans" (Noto Sans, Noto Sans SC).  Headings are always sans.
    body_font_en: str = "serif"
    body_font_zh: str = "serif"
    #: The font *names* Word is told to use.  Left at these defaults, Word names the PDF's
    #: body faces for the brief's language (fonts.word_font_names).
    word_font_latin: str = "Noto Serif"
    word_font_east_asia: str = "Noto Serif SC"
    body_size: float = 10.5             # points
    reference_docx: Path | None = None  # an organisation's Word template (styles, page setup, header/footer)

    def __post_init__(self) -> None:
        if self.accent_light is None:
            # An organisation that sets only its accent must not get a blue box under a
            # red rule: the fill defaults to a pale tint of whatever the accent is.
            light = _DEFAULT_LIGHT if self.accent.upper() == _DEFAULT_ACCENT else _tint(self.accent)
            object.__setattr__(self, "accent_light", light)
        check_style(self)    # the one set of rules, shared with briefgen.toml

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


_PATH_KEYS = {"logo", "font_latin", "font_cjk", "reference_docx"}
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")    # fullmatch: "$" passes a final "\n"
_FIELDS = {f.name for f in dataclasses.fields(HouseStyle)}
#: Word is told a font by name; a name longer than this is not a font.
_MAX_FONT_NAME = 100


def _problem(key: str, value: object) -> str | None:
    """What is wrong with one house-style value, or None: the one rule for file and overrides."""
    if key not in _FIELDS:
        return f"unknown key{did_you_mean(key, _FIELDS) or '; known keys: ' + ', '.join(sorted(_FIELDS))}"
    if key == "body_size":
        if isinstance(value, bool) or not (isinstance(value, (int, float)) and 7 <= value <= 16):
            return "give a size in points between 7 and 16"
        return None
    if key in _PATH_KEYS and isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str):
        return "must be text in quotes"
    try:
        characters.check(value, characters.NAME_CHARS if key not in _PATH_KEYS else 4096)
    except ValueError as e:
        return str(e)
    if key in ("accent", "accent_light") and not _COLOUR.fullmatch(value):
        return 'not a colour; write it as "#1F4E79"'
    if key == "paper" and value not in ("A4", "Letter"):
        return 'choose "A4" or "Letter"'
    if key in ("body_font_en", "body_font_zh") and value not in BODY_FONTS:
        return 'choose "serif" or "sans"'
    if key in ("word_font_latin", "word_font_east_asia") and not (
            value.strip() and len(value) <= _MAX_FONT_NAME and '"' not in value):
        return f"give a font name (at most {_MAX_FONT_NAME} characters, no quotation marks)"
    if key in _PATH_KEYS and '"' in value:
        return "a file name may not contain quotation marks; rename the file"
    if key == "logo" and Path(value).is_file():
        return _logo_problem(Path(value))
    return None


#: Largest logo image, in pixels: a logo is drawn about 1 cm high.
_MAX_LOGO_PIXELS = 4096 * 4096


def _logo_problem(path: Path) -> str | None:
    """The one logo check for every writer: a whole PNG or JPEG that PDF, Word and browsers all show."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            if im.format not in ("PNG", "JPEG"):
                return f"is a {im.format} image; save it as PNG or JPEG"
            if im.width * im.height > _MAX_LOGO_PIXELS:
                return f"is {im.width}x{im.height} pixels; a logo needs a few hundred, so scale it down"
            if im.mode == "CMYK":
                return "is a CMYK JPEG, which Word and some browsers cannot show; save it as RGB"
            im.load()               # reads every byte: a truncated file fails here, not mid-render
    except Exception:  # PIL's errors vary by format and damage: the user needs only the gist
        return "is not a whole, readable PNG or JPEG image; save it again as PNG or JPEG"
    return None


def check_style(style: HouseStyle) -> None:
    """Raise UsageError listing every value of ``style`` the rules above refuse.

    HouseStyle calls this itself, so a style built in Python (``HouseStyle(accent="red")``)
    is refused with the same words as briefgen.toml, before any writer sees it."""
    problems = [f"{f.name}={getattr(style, f.name)!r}: {message}" for f in dataclasses.fields(style)
                if getattr(style, f.name) is not None
                and (message := _problem(f.name, getattr(style, f.name)))]
    if len(problems) > 1 and problems[1].startswith("accent_light=") and problems[0].startswith("accent="):
        del problems[1]     # the tint of a bad accent: one problem, said once
    if problems:
        raise UsageError("house style: " + "; ".join(problems))



DEFAULT_STYLE = HouseStyle()
