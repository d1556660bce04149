"""Writers: each turns a :class:`~briefgen.document.Brief` into the bytes of one format.

One module per format, each with ``render(brief, style) -> bytes``.  They are
imported only when used, so ``briefgen --help`` never pays for reportlab or
python-docx.
"""
from __future__ import annotations

import importlib

from ..document import Brief
from ..errors import UsageError
from ..style import DEFAULT_STYLE, HouseStyle

#: format name -> (module, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", ".pdf"),
    "docx": ("docx", ".docx"),
    "md": ("markdown", ".md"),
    "html": ("html", ".html"),
}


def render(brief: Brief, fmt: str, style: HouseStyle = DEFAULT_STYLE) -> bytes:
    """Render ``brief`` as ``fmt`` ("pdf", "docx", "md" or "html") and return the file's bytes."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f".{FORMATS[fmt][0]}", __name__)
    return module.render(brief, style)


def extension(fmt: str) -> str:
    return FORMATS[fmt][1]
