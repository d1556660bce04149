"""Compiled narrative templates kept between processes: faster, never stale, never trusted blindly.

Each "process" here empties the per-process caches of narrative.py, so only what is
in the (test's own) user cache folder carries over.
"""
from __future__ import annotations

import os

import pytest

from briefgen.write import narrative


@pytest.fixture
def folders(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    (templates / "en").mkdir(parents=True)
    compiles = []
    real = narrative._Sandbox.compile

    def counted(self, *args, **kwargs):
        compiles.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(narrative._Sandbox, "compile", counted)
    yield templates, compiles, tmp_path / "cache" / "briefgen" / "templates"
    _new_process()


def _new_process() -> None:
    narrative._environment.cache_clear()
    narrative.phrases.cache_clear()


def _greeting(templates) -> str:
    _new_process()
    env = narrative._environment(str(templates))
    return env.get_template("en/narrative.j2").module.greeting()


def test_a_template_compiled_once_is_loaded_the_next_time(folders):
    templates, compiles, cache = folders
    (templates / "en" / "narrative.j2").write_text("{% macro greeting() %}Hello{% endmacro %}")
    assert _greeting(templates) == "Hello"
    assert len(compiles) == 1 and list(cache.glob("*.cache"))
    assert _greeting(templates) == "Hello"
    assert len(compiles) == 1


def test_an_edited_template_is_compiled_again(folders):
    templates, compiles, _ = folders
    path = templates / "en" / "narrative.j2"
    path.write_text("{% macro greeting() %}Hello{% endmacro %}")
    assert _greeting(templates) == "Hello"
    path.write_text("{% macro greeting() %}Good morning{% endmacro %}")
    assert _greeting(templates) == "Good morning"
    assert len(compiles) == 2


@pytest.mark.parametrize("spoil", ["damaged", "writable by others"])
def test_a_spoilt_cache_file_is_compiled_again(folders, spoil):
    templates, compiles, cache = folders
    (templates / "en" / "narrative.j2").write_text("{% macro greeting() %}Hello{% endmacro %}")
    assert _greeting(templates) == "Hello"
    (compiled,) = cache.glob("*.cache")
    if spoil == "damaged":
        compiled.write_bytes(compiled.read_bytes()[:40])
    else:
        os.chmod(compiled, 0o666)
    assert _greeting(templates) == "Hello"
    assert len(compiles) == 2


def test_a_broken_template_still_fails_in_briefgens_words(folders):
    templates, _, cache = folders
    (templates / "en" / "narrative.j2").write_text("{% macro greeting() %}Hello{% endmacr %}")
    from briefgen.errors import BriefgenError

    _new_process()
    with pytest.raises(BriefgenError, match="narrative.j2"):
        narrative.phrases("en", str(templates))
    assert not list(cache.glob("*.cache"))
