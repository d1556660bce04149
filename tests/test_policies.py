"""One definition per risk, driven through every format and the CLI.

* links (briefgen/links.py): only http(s) addresses with a host, and mailto:, are live;
* characters (briefgen/characters.py): every text a reader sees, authors, units and
  the house style included, is refused with a control or direction character;
* ids and editions (briefgen/names.py): full matches, so "suqian\\n" is no id;
* units.yaml: every value checked, and the built-in units always there.
"""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

import briefgen
from briefgen.document import Link, Paragraph, Reference, References, Text
from briefgen.writers import render
from helpers import run_cli, with_title_payload
from sample_briefs import sample_brief
from briefgen.units import unbound

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
UNSAFE_URLS = ["javascript:alert(1)", "java\tscript:alert(1)", "file:///etc/passwd", "\\\\evil.example\\share\\x",
               "//evil.example/x", "data:text/html,<b>x</b>", "report.pdf", "http:evil"]


def sources_overlay(folder: Path, **fields) -> Path:
    record = yaml.safe_load((CONTENT / "sources.yaml").read_text(encoding="utf-8"))[0]
    record.update(fields)
    (folder / "sources.yaml").write_text(yaml.safe_dump([record], allow_unicode=True), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- links

@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_source_url_is_refused_when_content_loads(url, tmp_path, capsys):
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", sources_overlay(tmp_path, url=url))
    assert code == 1
    assert re.search(rf"{tmp_path.name}/sources.yaml:1: source 'bt-2024': field 'url': .*"
                     r"give an address starting http://, https:// or mailto:", err), err


def link_brief(*urls: str):
    """The sample brief with its own links taken out and one link and one reference per url."""
    brief = sample_brief("en")
    refs = tuple(Reference(i + 1, f"Source {i + 1}.", url) for i, url in enumerate(urls))
    blocks = tuple(References(b.title, refs) if isinstance(b, References) else b
                   for b in brief.blocks
                   if not (isinstance(b, Paragraph) and any(isinstance(i, Link) for i in b.inlines)))
    links = tuple(Link(f"link{i}", url) for i, url in enumerate(urls))
    return dataclasses.replace(brief, blocks=(*blocks, Paragraph((Text("See "), *links))))


def docx_targets(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    return re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', rels)


def test_no_writer_makes_an_unsafe_link_live():
    """A link reaching a writer some other way (a user's template) meets the same rule."""
    brief = link_brief(*UNSAFE_URLS)
    assert docx_targets(render(brief, "docx")) == []             # Word: no external relationship
    md = render(brief, "md").decode("utf-8")
    html = render(brief, "html").decode("utf-8")
    for url in UNSAFE_URLS:
        assert "](" + url not in md and "](<" + url not in md, url
        assert 'href="' + url not in html and "href='" + url not in html, url
    assert "href=" not in html.split("<main", 1)[1].replace('href="#', "")
    assert b"/URI" not in render(brief, "pdf")
    # The text of each link is kept, wherever the link goes.
    assert all(f"link{i}" in md and f"link{i}" in html for i in range(len(UNSAFE_URLS)))


def test_safe_links_stay_live_in_every_format():
    url = "https://example.org/report?id=1"
    brief = link_brief(url)
    assert set(docx_targets(render(brief, "docx"))) == {url}
    assert f"]({url})" in render(brief, "md").decode("utf-8")
    assert f'href="{url}"' in render(brief, "html").decode("utf-8")
    assert b"/URI" in render(brief, "pdf")


# --------------------------------------------------------------------------- characters

@pytest.mark.parametrize("author_field", ["name_en", "name_zh", "affiliation_en", "affiliation_zh"])
@pytest.mark.parametrize("bad, what", [("\u202e", "invisible text-direction control U+202E"),
                                       ("\x07", "control character U+0007")])
def test_source_authors_go_through_the_character_policy(author_field, bad, what, tmp_path, capsys):
    author = {"name_zh": "张隋", "name_en": "Zhang Sui", "affiliation_zh": "宿迁学院", "affiliation_en": "Suqian U"}
    author[author_field] = f"Zh{bad}ang"
    overlay = sources_overlay(tmp_path, authors=[author])
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", overlay)
    assert code == 1 and f"field 'authors': author 1, {author_field}: contains {what}" in err


@pytest.mark.parametrize("key", ["unit", "en"])
def test_units_go_through_the_character_policy(key, tmp_path, capsys):
    entry = {"unit": "标箱", "en": "TEU", "base": "teu", "factor": 1}
    entry[key] = "T\u202eEU"
    (tmp_path / "units.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", tmp_path)
    assert code == 1 and f"field '{key}': contains invisible text-direction control U+202E" in err


@pytest.mark.parametrize("value", ['"Bureau\\u202eof"', '"Bureau\\u0007"'])
def test_organisation_in_the_config_goes_through_the_character_policy(value, tmp_path, capsys):
    config = tmp_path / "briefgen.toml"
    config.write_text(f"organisation = {value}\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--config", config,
                           "-f", "md", "-o", tmp_path / "x.md")
    assert code == 2 and "organisation" in err and "contains" in err and "remove it" in err
    assert not (tmp_path / "x.md").exists()


def test_every_config_problem_is_reported_at_once_and_a_bom_is_fine(tmp_path, capsys):
    config = tmp_path / "briefgen.toml"
    config.write_bytes('\ufefforganisation = "Bureau"\naccent = "red"\npaper = "A5"\n'.encode("utf-8"))
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--config", config, "-f", "md")
    assert code == 2 and "accent = 'red'" in err and "paper = 'A5'" in err


@pytest.mark.parametrize("override, words", [({"accent": "red"}, "not a colour"),
                                             ({"body_size": 100}, "between 7 and 16"),
                                             ({"paper": "A5"}, '"A4" or "Letter"')])
def test_python_style_overrides_are_checked_like_the_config_file(override, words):
    with pytest.raises(briefgen.BriefgenError) as error:
        briefgen.load_style(**override)
    assert words in str(error.value)


# --------------------------------------------------------------------------- ids and editions

def test_an_id_with_a_trailing_newline_is_not_an_id(tmp_path, capsys):
    record = next(r for r in yaml.safe_load((CONTENT / "regions.yaml").read_text(encoding="utf-8"))
                  if r["id"] == "suqian")
    record["id"] = "suqian\n"
    (tmp_path / "regions.yaml").write_text(yaml.safe_dump([record], allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", tmp_path)
    assert code == 1 and "'suqian\\n' is not a valid id" in err


def test_an_edition_with_a_trailing_newline_is_refused(tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text('edition = "e\\n"\n[[briefs]]\nregions = ["suqian"]\nformats = ["md"]\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "batch", plan, "--content", CONTENT, "-o", tmp_path / "out")
    assert code == 2 and "edition = 'e\\n'" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- units

@pytest.mark.parametrize("entry, words", [
    ({"unit": "标箱", "en": "TEU", "base": "teu", "factor": "NaN"}, "field 'factor'"),
    ({"unit": "标箱", "en": "TEU", "base": "teu", "factor": float("inf")}, "field 'factor'"),
    ({"unit": "标箱", "en": "TEU", "base": "teu", "factor": "1E+999999999"}, "no larger than 10^15"),
    ({"unit": "标箱", "en": "TEU", "base": ["CNY"], "factor": 1}, "field 'base'"),
    ({"unit": ["x"], "en": "TEU", "base": "teu", "factor": 1}, "field 'unit'"),
    ({"unit": "标箱", "en": "TEU", "base": "teu", "factor": 1, "scale": 2}, "unknown field 'scale'"),
])
def test_bad_units_are_refused_by_check(entry, words, tmp_path, capsys):
    (tmp_path / "units.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", tmp_path)
    assert code == 1 and f"{tmp_path.name}/units.yaml:1: unit" in err and words in err, err


def test_a_content_folder_with_its_own_units_keeps_the_built_in_money_units(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "units.yaml").write_text("- {unit: 亿元, en: \"RMB 100 million\", base: CNY, factor: 100000000}\n"
                                        "- {unit: 家, en: firms, base: count, factor: 1}\n"
                                        "- {unit: \"%\", en: \"%\", base: null, factor: 1}\n", encoding="utf-8")
    findings = yaml.safe_load((content / "findings.yaml").read_text(encoding="utf-8"))
    findings[0]["text_en"] = "Exports reached 3.5 亿美元 in 2023."
    (content / "findings.yaml").write_text(yaml.safe_dump(findings, allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", content, "-f", "md",
                           "-o", tmp_path / "x.md")
    assert code == 0, err
    assert "USD 350 million" in unbound((tmp_path / "x.md").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- fonts

def test_a_font_cjk_without_chinese_glyphs_is_refused_not_printed_as_question_marks(tmp_path, capsys):
    import reportlab

    latin_only = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    config = tmp_path / "briefgen.toml"
    config.write_text(f'font_cjk = "{latin_only.as_posix()}"\n', encoding="utf-8")
    out = tmp_path / "x.pdf"
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--config", config,
                           "--lang", "zh", "-o", out)
    assert code == 1 and "font_cjk" in err and "lacks 3,755 of 3,755" in err
    assert not out.exists()


# --------------------------------------------------------------------------- no links out of folders

def english_templates(tmp_path: Path) -> Path:
    from briefgen.paths import data_dir

    folder = tmp_path / "templates"
    (folder / "en").mkdir(parents=True)
    shutil.copy(data_dir("templates") / "en" / "narrative.j2", folder / "en" / "narrative.j2")
    return folder


@pytest.mark.parametrize("how", ["include", "the template itself"])
def test_a_template_link_out_of_the_templates_folder_is_not_followed(how, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE\n", encoding="utf-8")
    folder = english_templates(tmp_path)
    narrative = folder / "en" / "narrative.j2"
    if how == "include":
        (folder / "en" / "leak.j2").symlink_to(secret)
        narrative.write_text(with_title_payload(narrative.read_text(encoding="utf-8"), '{% include "en/leak.j2" %}'),
                             encoding="utf-8")
    else:
        outside = tmp_path / "elsewhere.j2"
        narrative.rename(outside)
        narrative.symlink_to(outside)
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--templates", folder,
                             "-f", "md", "-o", tmp_path / "x.md")
    assert code == 1 and "is a link to a file outside the templates folder" in err and "Traceback" not in err
    assert not (tmp_path / "x.md").exists() and "TOP-SECRET" not in out + err


def test_a_content_file_name_on_a_folder_or_pipe_is_reported(tmp_path, capsys):
    import os

    (tmp_path / "findings.yaml").mkdir()
    os.mkfifo(tmp_path / "cases.yaml")
    code, _, err = run_cli(capsys, "check", "--content", CONTENT, "--overlay", tmp_path)
    assert code == 1
    for name in ("findings.yaml", "cases.yaml"):
        assert f"{tmp_path.name}/{name}: has a content file's name but is not an ordinary file" in err


# --------------------------------------------------------------------------- SOURCE_DATE_EPOCH

@pytest.mark.parametrize("value", ["abc", "-5", "1e9", "99999999999999999999"])
@pytest.mark.parametrize("command", ["make-docx", "batch"])
def test_one_reading_of_source_date_epoch_for_briefs_files_and_manifests(value, command, tmp_path, capsys,
                                                                        monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    if command == "batch":
        plan = tmp_path / "plan.toml"
        plan.write_text('edition = "e"\n[[briefs]]\nregions = ["suqian"]\nformats = ["md"]\n', encoding="utf-8")
        args = ["batch", plan, "--content", CONTENT, "-o", tmp_path / "out"]
    else:
        args = ["make", "-r", "suqian", "--content", CONTENT, "-f", "docx", "-o", tmp_path / "x.docx"]
    code, _, err = run_cli(capsys, *args)
    assert code == 2 and f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds" in err
    assert "internal error" not in err


def test_source_date_epoch_dates_the_word_file_and_its_zip_members(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795435200")     # 2026-11-23 12:00 UTC
    data = briefgen.make("suqian", format="docx", content=CONTENT)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 23, 12, 0, 0)}


# --------------------------------------------------------------------------- the Python API

def test_the_literal_types_are_the_choices_the_code_checks():
    from typing import get_args

    assert get_args(briefgen.Audience) == briefgen.AUDIENCES
    assert get_args(briefgen.Length) == briefgen.LENGTHS
    assert get_args(briefgen.Lang) == briefgen.LANGS
    assert get_args(briefgen.Format) == briefgen.FORMATS


def test_make_refuses_an_output_named_for_another_format(tmp_path):
    with pytest.raises(briefgen.UsageError, match="format 'md' writes .md"):
        briefgen.make("suqian", format="md", output=tmp_path / "x.pdf", content=CONTENT)
    assert not (tmp_path / "x.pdf").exists()


def test_one_overlay_given_as_a_string_is_one_folder(tmp_path):
    overlay = sources_overlay(tmp_path, title_en="An overlay's own title")
    lib = briefgen.load_library(CONTENT, str(overlay))
    assert lib.sources["bt-2024"].title_en == "An overlay's own title"


def test_the_cached_library_cannot_be_changed_by_a_caller():
    lib = briefgen.load_library(CONTENT)
    with pytest.raises(TypeError):
        lib.regions["suqian"] = None   # type: ignore[index]
    assert briefgen.load_library(CONTENT).regions["suqian"].id == "suqian"


def test_an_exact_id_beats_another_regions_alias_and_a_shared_name_is_reported(tmp_path, capsys):
    records = yaml.safe_load((CONTENT / "regions.yaml").read_text(encoding="utf-8"))
    ids = [r["id"] for r in records[:3]]
    records[0]["aliases"] = [ids[1]]            # region 0 claims region 1's id as an alias
    records[1]["aliases"] = ["Shared"]
    records[2]["aliases"] = ["Shared"]
    (tmp_path / "regions.yaml").write_text(yaml.safe_dump(records[:3], allow_unicode=True), encoding="utf-8")
    lib = briefgen.load_library(CONTENT, [tmp_path])
    assert lib.region(ids[1]).id == ids[1]
    with pytest.raises(briefgen.UsageError, match=f"'Shared' is ambiguous: it names {ids[1]}, {ids[2]}|"
                                                  f"'Shared' is ambiguous: it names {ids[2]}, {ids[1]}"):
        lib.region("Shared")


def test_a_suggestion_is_not_cut_at_an_apostrophe():
    from briefgen.names import did_you_mean

    assert did_you_mean("People's Republc", ["People's Republic", "Suqian"]) == "; did you mean 'People's Republic'?"
