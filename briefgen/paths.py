"""Where briefgen's built-in content, templates and source registry live.

In a wheel they ship as ``briefgen/_data/{content,templates,seeds}`` (pyproject's
force-include); in a source checkout or an editable install they are the
top-level folders the design card fixes.  Everything asks here, nowhere else.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The built-in ``content``, ``templates`` or ``seeds`` folder."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def private(st: os.stat_result, *, folder: bool) -> bool:
    """Owned by this user, of the right type, and writable by nobody else: the test every
    cache folder and file passes before briefgen trusts what it reads from it (the parsed
    content, compiled templates and page counts are all read back as code or objects)."""
    if not (stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode)):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
