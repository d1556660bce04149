"""Shared fixtures: a reproducible clock, the built-in library, and a scratch content folder."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property-based tests draw the same examples every run, so a red run
# always means a change broke something (locally they keep exploring).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

from briefgen.paths import data_dir

# The tests never read or fill the user's own parsed-content cache: this session (and
# every process it starts) gets an empty cache folder of its own.
_CACHE_HOME = tempfile.mkdtemp(prefix="briefgen-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)

#: 2026-11-23 00:00 UTC: every test renders with a fixed edition date.
EPOCH = "1795392000"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="session")
def library():
    from briefgen.library import load_library

    return load_library()


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the built-in content, to break in tests."""
    dest = tmp_path / "content"
    shutil.copytree(data_dir("content"), dest)
    return dest
