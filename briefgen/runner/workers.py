"""Building briefs: one Builder per worker process, with the library loaded once."""
from __future__ import annotations


import os
import time
import signal
import threading
from typing import Any, Sequence

from ..errors import BriefgenError
from ..library import load_library
from ..spec import BriefSpec
from ..style import HouseStyle


# ============================================================================ building

class Builder:
    """Composes and renders briefs from one library; one per worker process (or per call)."""

    def __init__(self, content: str | None, overlays: Sequence[str], templates: str | None,
                 style: HouseStyle, cache: bool = True):
        self.library = load_library(content, overlays, cache=cache)
        self.templates = templates
        self.style = style
        self.cache = cache

    def build(self, spec: BriefSpec, formats: Sequence[str]) -> dict[str, Any]:
        """{"ok": bool, "spec": resolved spec, "files": {fmt: (name, bytes)}, "reason": str}."""
        from ..build import build
        from ..readiness import library_for

        try:
            built = build(spec, formats, library_for(spec, self.library), templates=self.templates,
                          style=self.style, cache=self.cache)
        except BriefgenError as e:
            return {"ok": False, "reason": str(e)}
        except Exception as e:  # a bug, not the user's doing: report it, keep the batch going
            return {"ok": False, "reason": f"internal error: {type(e).__name__}: {e}"}
        return {"ok": True, "spec": built.spec, "fingerprint": self.library.fingerprint,
                "files": {f: (built.file_name(f), built.files[f]) for f in formats}}


_worker: Builder | None = None   # set in each worker process by _init_worker, never in the parent


def _init_worker(content, overlays, templates, style, cache: bool = True) -> None:
    # Ctrl-C reaches the whole process group; the parent decides when to stop, so
    # workers finish the brief in hand instead of dying mid-render.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _exit_when_orphaned(os.getppid())
    global _worker
    _worker = Builder(content, overlays, templates, style, cache)


def _exit_when_orphaned(parent: int, every: float = 0.5) -> None:
    """End this worker soon after the batch process is gone (kill -9, the OOM killer).

    Its workers would otherwise run on, re-parented, holding stdout open, so
    ``briefgen batch ... | cat`` or a CI step never ends.  A re-parented process
    sees another parent id; a thread that checks costs nothing measurable."""

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="briefgen-orphan-watch", daemon=True).start()


def _work(spec: BriefSpec, formats: tuple[str, ...]) -> dict[str, Any]:
    assert _worker is not None
    return _worker.build(spec, formats)
