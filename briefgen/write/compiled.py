"""Compiled narrative templates kept between processes (jinja2's bytecode cache).

Compiling the two built-in narrative templates is about a tenth of a cold brief's
time, and the result depends only on each template's source, jinja2's and Python's
versions (jinja2 checks those itself when loading) and how briefgen's sandbox is
configured (narrative.py and sandbox.py, part of the file names here).  So the compiled code is
kept in the user cache folder (``~/.cache/briefgen/templates/`` on Linux), one file
per template.

The code is loaded with ``marshal``, so a file is read only when the folder and the
file belong to this user and nobody else may write them; anything else, or any
failure, is a miss and the template is compiled as before.  A broken template never
reaches the cache: it fails to compile first.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import sys
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from .. import __version__
from ..usercache import in_use, prune, read_trusted, root, trusted_folder, write_replacing

#: Compiled templates kept; a user with many template folders keeps the newest.
KEEP = 64
#: The code that configures the environment and generates the sandbox's size checks.
_CONFIG_CODE = tuple(Path(__file__).with_name(n) for n in ("narrative.py", "sandbox.py"))




@functools.lru_cache(maxsize=1)
def _config_digest() -> str:
    import jinja2

    h = hashlib.sha256(f"{__version__} {jinja2.__version__} {sys.version}".encode())
    for path in _CONFIG_CODE:
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    return h.hexdigest()[:24]


class CompiledTemplates(BytecodeCache):
    """jinja2's bytecode cache in a private folder of the user's cache."""

    def _folder(self, create: bool) -> Path | None:
        if not in_use():                 # --no-cache: compile, keep nothing
            return None
        try:
            return trusted_folder(root() / "templates", create)
        except (ImportError, OSError):
            return None

    def _name(self, bucket: Bucket) -> str:
        return f"{_config_digest()}-{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        folder = self._folder(create=False)
        data = read_trusted(folder / self._name(bucket)) if folder is not None else None
        if data is None:
            return
        try:
            bucket.load_bytecode(io.BytesIO(data))   # checks jinja2's magic and the source checksum
        except Exception:  # a damaged file is a miss: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        folder = self._folder(create=True)
        # A read-only home or a full disk: compiled again next time.
        if folder is not None and write_replacing(folder, self._name(bucket), bucket.write_bytecode):
            prune(folder, KEEP, "*.cache")
