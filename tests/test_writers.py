"""What every writer promises alike: the same brief gives the same bytes, from any thread."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from briefgen.writers import render

from tests.sample_briefs import sample_brief

# Where each writer is paused mid-brief, so that the threads below really are inside it
# at once (a PDF with a page drawn and more to come, a Word body with the chart's run
# being added) instead of one after the other as the GIL would often have it.
PAUSE_POINTS = {
    "pdf": ("reportlab.pdfgen.canvas", "Canvas", "showPage"),
    "docx": ("docx.text.paragraph", "Paragraph", "add_run"),
}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md", "html"])
def test_reproducible_and_thread_safe(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    briefs = [sample_brief("en"), sample_brief("zh")] * 4
    first = [render(b, fmt) for b in briefs[:2]]
    if fmt in PAUSE_POINTS:
        module, cls, name = PAUSE_POINTS[fmt]
        owner = getattr(__import__(module, fromlist=[cls]), cls)
        real = getattr(owner, name)

        def paused(*args, **kwargs):
            time.sleep(0.01)            # lets every other thread run here
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, paused)
    start = threading.Barrier(len(briefs))

    def work(brief):
        start.wait()
        return render(brief, fmt)

    with ThreadPoolExecutor(max_workers=len(briefs)) as pool:
        results = list(pool.map(work, briefs))
    assert results == first * 4
