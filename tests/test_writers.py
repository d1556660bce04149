"""What every writer promises alike: the same brief gives the same bytes, from any thread."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from briefgen.writers import render

from tests.sample_briefs import sample_brief


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md", "html"])
def test_reproducible_and_thread_safe(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    briefs = [sample_brief("en"), sample_brief("zh")] * 4
    first = [render(b, fmt) for b in briefs[:2]]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda b: render(b, fmt), briefs))
    assert results == first * 4
