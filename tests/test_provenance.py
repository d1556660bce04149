"""Every figure in the built-in content is found, as printed, in the source it cites."""
from __future__ import annotations

import pytest

from pathlib import Path

from briefgen.library.provenance import check_provenance

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_every_figure_and_locator_is_in_its_source(library):
    problems = check_provenance(library, SEEDS)
    assert problems == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_a_wrong_figure_is_caught(library):
    from dataclasses import replace

    ind = next(iter(library.indicators.values()))
    wrong = replace(ind, value=ind.value + "1")
    broken = replace(library, indicators={**library.indicators, ind.id: wrong})
    problems = check_provenance(broken, SEEDS)
    assert len(problems) == 1 and ind.id in problems[0]
