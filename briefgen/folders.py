"""The no-links-out rule for folders a user names: content folders and template folders.

A folder given to briefgen may hold symbolic links, but none that leads outside
it: a link would make briefgen read (and print into a brief) any file on the
machine, such as ``leak.j2 -> /etc/passwd``.  Content files are checked by
:func:`briefgen.library.loader.discover`, templates by :class:`TemplateFolder`;
both ask :func:`inside`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import BriefgenError

#: Largest template file read; the built-in ones are a few tens of kilobytes.
MAX_TEMPLATE_BYTES = 1024 * 1024


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, with every link followed, is ``root`` or lies within it."""
    real_root = Path(root).resolve()
    target = Path(path).resolve()
    return target == real_root or real_root in target.parents


def template_loader(folder: str) -> Any:
    """A jinja2 loader for a user's templates folder that keeps to the rule above."""
    from jinja2 import FileSystemLoader
    from jinja2.loaders import split_template_path

    class TemplateFolder(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            # Checked before jinja2 opens anything: a link to /dev/zero must not be read.
            for root in self.searchpath:
                candidate = Path(root, *split_template_path(template))
                if not (candidate.is_file() or candidate.is_symlink()):
                    continue
                if not inside(Path(root), candidate):
                    raise BriefgenError(f"template {candidate} is a link to a file outside the templates "
                                        "folder; briefgen does not follow it. Copy the file in instead")
                if not candidate.is_file() or candidate.stat().st_size > MAX_TEMPLATE_BYTES:
                    raise BriefgenError(f"template {candidate} is not a regular file of at most "
                                        f"{MAX_TEMPLATE_BYTES // 1024} KiB; replace it with a template")
            return super().get_source(environment, template)

    return TemplateFolder(os.fspath(folder))
