"""Where briefgen's built-in content, templates and source registry live.

In a wheel they ship as ``briefgen/_data/{content,templates,seeds}`` (pyproject's
force-include); in a source checkout or an editable install they are the
top-level folders the design card fixes.  Everything asks here, nowhere else.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The built-in ``content``, ``templates`` or ``seeds`` folder."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
