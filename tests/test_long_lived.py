"""A long-lived process (a script calling the API again, `briefgen serve`) sees edited
templates, and the library it caches cannot be changed behind other briefs' backs."""
from __future__ import annotations

import os
import threading
import urllib.request
from pathlib import Path

import pytest

import briefgen
from briefgen.paths import data_dir
from briefgen.serve import make_server, watch

TITLE = "{% macro title(shape, region, benchmark, strengths, gaps, has_lessons, has_own) -%}"


def templates_saying(folder: Path, words: str) -> Path:
    """A copy of the English narrative whose title starts with ``words``; written as an editor
    saves (a new modification time even within the file system's time resolution)."""
    target = folder / "en" / "narrative.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    target.write_text(text.replace(TITLE, TITLE + words + " "), encoding="utf-8")
    stamp = (target.stat().st_mtime_ns // 10**9 + (2 if "second" in words.lower() else 1)) * 10**9
    os.utime(target, ns=(stamp, stamp))
    return folder


def title_of(html: bytes) -> str:
    text = html.decode("utf-8")
    return text[text.index("<title>") + 7:text.index("</title>")]


def test_the_api_called_twice_reads_an_edited_template(tmp_path):
    folder = templates_saying(tmp_path / "templates", "First wording:")
    first = briefgen.make("suqian", format="html", templates=folder)
    templates_saying(folder, "Second wording:")
    second = briefgen.make("suqian", format="html", templates=folder)
    assert title_of(first).startswith("First wording:Suqian")
    assert title_of(second).startswith("Second wording:Suqian")
    spec = briefgen.BriefSpec(region="suqian")
    assert briefgen.compose(spec, templates=folder).meta.title.startswith("Second wording:")


def test_an_edited_include_is_read_again_too(tmp_path):
    folder = tmp_path / "templates"
    (folder / "en").mkdir(parents=True)
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    (folder / "en" / "narrative.j2").write_text(
        text.replace(TITLE, TITLE + "{% include 'en/words.j2' %} "), encoding="utf-8")
    (folder / "en" / "words.j2").write_text("Included one:", encoding="utf-8")
    assert title_of(briefgen.make("suqian", format="html", templates=folder)).startswith("Included one:")
    (folder / "en" / "words.j2").write_text("Included two, longer:", encoding="utf-8")
    assert title_of(briefgen.make("suqian", format="html", templates=folder)).startswith("Included two, longer:")


def test_serve_rebuilds_when_a_template_changes(tmp_path):
    folder = templates_saying(tmp_path / "templates", "First wording:")
    httpd, preview = make_server(None, [], templates=str(folder))
    stop = threading.Event()
    threads = [threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True),
               threading.Thread(target=watch, args=(preview, stop, 0.1), daemon=True)]
    for t in threads:
        t.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/brief?region=suqian&lang=en"
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            assert title_of(r.read()).startswith("First wording:Suqian")
        version = preview.version
        templates_saying(folder, "Second wording:")
        assert preview.refresh() or preview.version > version     # the watcher may have seen it first
        assert preview.version > version
        with urllib.request.urlopen(url, timeout=60) as r:
            assert title_of(r.read()).startswith("Second wording:Suqian")
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


def test_serve_refuses_a_missing_templates_folder(tmp_path, capsys):
    from helpers import run_cli

    code, out, err = run_cli(capsys, "serve", "--templates", tmp_path / "nowhere")
    assert code == 2 and err == f"briefgen: templates folder not found: {tmp_path / 'nowhere'}\n"


@pytest.mark.parametrize("change", [
    lambda lib: lib.regions.__setitem__("suqian", lib.regions["ningbo"]),
    lambda lib: lib.findings.pop(next(iter(lib.findings))),
    lambda lib: lib.recommendations.clear(),
    lambda lib: lib.units.update({}),
    lambda lib: lib.indicators.setdefault("x", None),
])
def test_the_cached_library_cannot_be_changed(change):
    lib = briefgen.load_library()
    before = briefgen.make("suqian", format="md")
    with pytest.raises(TypeError, match=r"^the library's \w+ are read-only: one loaded library is shared "
                                        r"by every brief in this process\. To change content, edit its files "
                                        r"or add an overlay folder"):
        change(lib)
    assert briefgen.load_library() is lib and briefgen.make("suqian", format="md") == before
    assert dict(lib.regions)["suqian"].id == "suqian"     # a copy is the caller's to change
