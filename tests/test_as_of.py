"""`--as-of`: the library as it stood on a day, with nothing left citing a later source."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import run_cli


def cited_sources(lib) -> set[str]:
    cited = {r.source for kind in ("indicators", "findings", "cases", "recommendations")
             for r in getattr(lib, kind).values()}
    return cited | {s for r in lib.regions.values() for s in r.sources}


def test_nothing_left_cites_a_source_dated_after_the_day(library):
    days = set()
    for s in library.sources.values():
        d = date.fromisoformat((s.date + "-01-01")[:10]) if len(s.date) < 10 else date.fromisoformat(s.date)
        days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
    for day in sorted(days):
        old = library.as_of(day)
        assert cited_sources(old) <= set(old.sources), day
        for rec in old.recommendations.values():
            assert all(e in old.findings or e in old.cases for e in rec.evidence), (day, rec.id)
        for f in old.findings.values():
            assert all(i in old.indicators for i in f.indicators), (day, f.id)


def test_region_profile_citing_a_later_source_goes_but_the_region_stays(library):
    later = library.regions["suqian"].sources
    assert later and all(library.sources[s].date > "2025-06-30" for s in later)
    old = library.as_of(date(2025, 6, 30))
    assert old.region("suqian").id == "suqian"
    assert old.regions["suqian"].profile_en == "" and old.regions["suqian"].sources == ()


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_readme_as_of_example_makes_a_brief(fmt, tmp_path, capsys):
    out = tmp_path / f"suqian.{fmt}"
    code, stdout, err = run_cli(capsys, "make", "-r", "suqian", "--as-of", "2025-06-30", "-f", fmt, "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "Suqian" in text and "2026-05-13" not in text
