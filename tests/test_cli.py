"""The command line as a user types it: in-process with CliRunner and as a real subprocess."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli, main

BRIEFGEN = shutil.which("briefgen") or str(Path(sys.executable).parent / "briefgen")


def run_main(args, monkeypatch, capsys):
    """Run the real entry point (errors handled as for a user) and return (code, out, err)."""
    with pytest.raises(SystemExit) as e:
        main(args)
    out, err = capsys.readouterr()
    return e.value.code, out, err


def test_make_pdf_writes_into_out_and_prints_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["make", "--region", "suqian", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == Path("out/suqian_from-hangzhou_government_standard_en.pdf")
    assert (tmp_path / path).read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_region_names_give_the_same_brief(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outputs = []
    for name in ("suqian", "Suqian", "宿迁", "宿迁市"):
        result = CliRunner().invoke(cli, ["make", "-r", name, "-f", "md", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outputs.append(Path(result.stdout.strip()).read_bytes())
    assert len(set(outputs)) == 1


def test_all_formats_into_a_folder(tmp_path):
    result = CliRunner().invoke(cli, ["make", "-r", "suqian", "-f", "all", "-o", str(tmp_path / "briefs")])
    assert result.exit_code == 0, result.output
    paths = [Path(p) for p in result.stdout.split()]
    assert sorted(p.suffix for p in paths) == [".docx", ".html", ".md", ".pdf"]
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)


def test_output_file_name(tmp_path):
    target = tmp_path / "brief.docx"
    result = CliRunner().invoke(cli, ["make", "-r", "suqian", "-f", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target) and target.exists()


def test_unknown_region(monkeypatch, capsys):
    code, out, err = run_main(["make", "--region", "suqain"], monkeypatch, capsys)
    assert code == 2
    assert "unknown region 'suqain'; did you mean 'suqian'? (briefgen list regions shows all)" in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("args, fragment", [
    (["make", "-r", "suqian", "--audience", "mayor"],
     "briefgen: --audience: unknown audience 'mayor' (choose one of government, industry, education, research)"),
    (["make", "-r", "suqian", "--length", "huge"],
     "briefgen: --length: unknown length 'huge' (choose one of short, standard, full)"),
    (["make", "-r", "suqian", "--format", "pfd"],
     "briefgen: --format: unknown format 'pfd'; did you mean 'pdf'? (choose one of pdf, docx, md, html, all)"),
    (["make", "-r", "suqian", "--lang", "fr"], "briefgen: --lang: unknown language 'fr' (choose one of en, zh)"),
    (["make", "-r", "suqian", "--paper", "A3"], "briefgen: --paper: unknown paper size 'A3' (choose one of A4, Letter)"),
    (["list", "region"], "briefgen: unknown kind of record 'region'; did you mean 'regions'?"),
    (["make", "-r", "suqian", "-b", "suqian"], "the benchmark is the region itself"),
    (["make", "-r", "suqian", "-b", "hangzou"], "did you mean 'hangzhou'"),
    (["make", "-r", "suqian", "-f", "pdf", "-f", "docx", "-o", "one.pdf"], "give a folder instead"),
    (["make", "-r", "suqian", "-f", "docx", "-o", "brief.pdf"], "ends in .pdf"),
    (["make", "-r", "../../tmp/x"], "unknown region"),
])
def test_bad_option_values_exit_2_with_one_clear_line(args, fragment, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(args, monkeypatch, capsys)
    assert code == 2, err
    assert fragment in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_unwritable_output_is_one_line(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run_main(["make", "-r", "suqian", "-f", "md", "-o", str(blocker / "sub" / "b.md")],
                              monkeypatch, capsys)
    assert code == 1
    assert err.startswith("briefgen: cannot create folder") and err.count("\n") == 1


def test_existing_file_survives_a_failed_render(tmp_path, monkeypatch, capsys):
    """A failure part-way leaves the old file untouched and no temporary file behind."""
    import briefgen.writers as writers

    target = tmp_path / "brief.md"
    target.write_text("the previous edition")

    def explode(*a, **k):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(writers, "render", explode)
    monkeypatch.setattr("briefgen.build.render", explode)
    with pytest.raises(SystemExit) as exit_:
        main(["make", "-r", "suqian", "-f", "md", "-o", str(target)])
    # A bug is still one line on stderr, not a traceback, with its own status.
    assert exit_.value.code == 70
    err = capsys.readouterr().err
    assert err.startswith("briefgen: internal error: RuntimeError: renderer crashed") and err.count("\n") == 1
    assert target.read_text() == "the previous edition"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


def test_list_regions_names_every_region(library):
    result = CliRunner().invoke(cli, ["list", "regions"])
    assert result.exit_code == 0
    for region in library.regions.values():
        assert region.id in result.stdout and region.name_zh in result.stdout


def test_list_indicators_csv(library):
    import csv
    import io

    result = CliRunner().invoke(cli, ["list", "indicators", "--region", "宿迁", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"id", "value", "unit", "source"} <= set(rows[0])
    assert {r["region"] for r in rows} == {"suqian"}


def test_check_passes_on_builtin_content():
    result = CliRunner().invoke(cli, ["check", "--coverage"])
    assert result.exit_code == 0, result.output
    assert "content OK" in result.stdout and "by source:" in result.stdout


def test_check_reports_problems_and_exits_nonzero(content_copy, monkeypatch, capsys):
    (content_copy / "themes.yaml").write_text("- id: Bad\n  name_en: x\n", encoding="utf-8")
    code, out, err = run_main(["check", "--content", str(content_copy)], monkeypatch, capsys)
    assert code == 1
    assert "themes.yaml:1" in err and "'Bad' is not a valid id" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [[], ["make"], ["list"], ["check"], ["import"], ["new"], ["new", "region"],
                                     ["serve"]])
def test_help_has_an_example(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_version():
    import briefgen

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and briefgen.__version__ in result.stdout


@pytest.mark.slow
def test_installed_script_in_a_real_process(tmp_path):
    """The console script, run from an unrelated folder, as a new user would."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}
    proc = subprocess.run([BRIEFGEN, "make", "--region", "suqian", "--format", "pdf"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / proc.stdout.strip()
    assert written.parent == tmp_path / "out" and written.read_bytes()[:4] == b"%PDF"
    bad = subprocess.run([BRIEFGEN, "make", "--region", "suqain"], cwd=tmp_path, capture_output=True,
                         text=True, env=env, timeout=60)
    assert bad.returncode == 2 and "did you mean 'suqian'" in bad.stderr and "Traceback" not in bad.stderr
    module = subprocess.run([sys.executable, "-m", "briefgen", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert module.returncode == 0 and "briefgen" in module.stdout


def test_interrupted_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    from briefgen.errors import BriefgenError
    from briefgen.output import write_atomic

    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(BriefgenError) as error:
        write_atomic(target, b"new and longer")
    # The system's reason is quoted; the sentence around it, and what to do, are briefgen's.
    assert str(error.value) == (f"cannot write {target}: No space left on device; "
                                "check the folder exists and is writable")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]
