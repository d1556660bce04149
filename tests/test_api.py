"""The Python API: one call for a brief, and the pieces behind it."""
from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

import briefgen
from briefgen.cli import cli


def test_make_returns_bytes():
    data = briefgen.make("suqian", format="md")
    assert isinstance(data, bytes) and "Suqian" in data.decode("utf-8")


def test_make_writes_a_path(tmp_path):
    path = briefgen.make("宿迁", lang="zh", format="docx", output=tmp_path / "s.docx")
    assert path == tmp_path / "s.docx" and path.read_bytes()[:2] == b"PK"


def test_cli_and_api_give_identical_files(tmp_path):
    result = CliRunner().invoke(cli, ["make", "-r", "suqian", "-f", "pdf", "-o", str(tmp_path / "cli.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli.pdf").read_bytes() == briefgen.make("suqian", format="pdf")


def test_pieces_compose_and_render(library):
    spec = briefgen.BriefSpec(region="Suqian", audience="industry", lang="zh", length="short")
    brief = briefgen.compose(spec, library)
    assert brief.meta.lang == "zh" and "宿迁" in brief.meta.title
    assert briefgen.render(brief, "html").startswith(b"<!DOCTYPE html>")


def test_spec_is_frozen_and_validated():
    spec = briefgen.BriefSpec(region="suqian")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.region = "ningbo"  # type: ignore[misc]
    with pytest.raises(briefgen.UsageError, match="unknown audience 'mayor'"):
        briefgen.BriefSpec(region="suqian", audience="mayor")


def test_library_dataframes(library):
    df = briefgen.load_library().frame("recommendations", region="suqian")
    assert len(df) >= 10 and "action_en" in df.columns


def test_package_is_typed():
    from importlib.resources import files

    assert files("briefgen").joinpath("py.typed").is_file()
