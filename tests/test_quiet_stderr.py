"""What a user sees on stderr is briefgen's own words: no library warning with its source path.

Each common command runs as a user would (a new process), with Python's warnings switched
on (-W default shows what a library would print for a user who enables them, and everything
it prints for anyone), on ordinary and on hostile input whose libraries warn: an Excel sheet
with data validation and conditional formatting (openpyxl), a logo of 90 million pixels
(Pillow's decompression-bomb warning)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-city.xlsx"
CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
ENV = {**os.environ, "PYTHONWARNINGS": "default", "SOURCE_DATE_EPOCH": "1795392000"}
LIBRARY_NOISE = re.compile(r"site-packages|dist-packages|\w+Warning:|Traceback")


def briefgen(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "default", "-m", "briefgen", *map(str, args)], cwd=cwd,
                          env=ENV, capture_output=True, text=True, timeout=300)


def quiet(run: subprocess.CompletedProcess) -> str:
    assert not LIBRARY_NOISE.search(run.stderr), run.stderr
    return run.stderr


def excel_with_extensions(folder: Path) -> Path:
    """The example sheet as Excel saves one with data validation and conditional formatting."""
    extensions = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
                  b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                  b'<x14:dataValidations count="0"/></ext>'
                  b'<ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"/></extLst>')
    target = folder / "validated.xlsx"
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</worksheet>", extensions + b"</worksheet>")
            out.writestr(info, data)
    return target


def test_make_check_list_and_batch_print_only_briefgen(tmp_path):
    quiet(run := briefgen("make", "-r", "suqian", "-f", "md", "-f", "docx", "-o", "out/", cwd=tmp_path))
    assert run.returncode == 0
    assert briefgen("make", "-r", "suqian", "--lang", "zh", "-f", "pdf", "-o", "out/", cwd=tmp_path).stderr == ""
    quiet(run := briefgen("check", "--content", CONTENT, cwd=tmp_path))
    assert run.returncode == 0
    quiet(run := briefgen("list", "findings", "--format", "xlsx", "-o", "f.xlsx", cwd=tmp_path))
    assert run.returncode == 0
    (tmp_path / "plan.toml").write_text('edition = "e"\n[[briefs]]\nregions = ["suqian", "ningbo"]\n'
                                        'formats = ["md"]\nlength = "short"\n', encoding="utf-8")
    quiet(run := briefgen("batch", "plan.toml", "-o", "b", "--jobs", "2", "--content", CONTENT, cwd=tmp_path))
    assert run.returncode == 0 and "2 written, 0 unchanged, 0 failed" in run.stderr


def test_an_excel_sheet_with_features_briefgen_does_not_read_is_a_note(tmp_path):
    sheet = excel_with_extensions(tmp_path)
    run = briefgen("import", sheet, "-r", "example-city", "--name-zh", "示例市", "--name-en", "Example City",
                   "--parent", "jiangsu", "-o", "city", cwd=tmp_path)
    assert run.returncode == 0 and (tmp_path / "city" / "indicators.csv").is_file()
    assert ("note: validated.xlsx uses Excel features briefgen does not read (conditional formatting, "
            "data validation); only the cells' values are imported") in quiet(run)


def test_a_huge_logo_is_refused_in_briefgens_words_only(tmp_path):
    from PIL import Image

    Image.new("1", (10000, 9000)).save(tmp_path / "logo.png")    # small file, 90 million pixels
    (tmp_path / "briefgen.toml").write_text('logo = "logo.png"\n', encoding="utf-8")
    run = briefgen("make", "-r", "suqian", "-f", "html", "-o", "out/", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert quiet(run) == ("briefgen: briefgen.toml: logo = 'logo.png': is 10000x9000 pixels; a logo needs "
                          "a few hundred, so scale it down\n")


def test_serve_prints_its_address_and_nothing_from_a_library(tmp_path):
    proc = subprocess.Popen([sys.executable, "-W", "default", "-m", "briefgen", "serve", "--port", "0"],
                            cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        for query in ("?region=suqian&lang=zh", "?region=nowhere"):
            with urllib.request.urlopen(url + "brief" + query if "suqian" in query else url + query,
                                        timeout=120) as r:
                assert r.status == 200
        time.sleep(0.3)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
        proc.stdout.close()
    assert not LIBRARY_NOISE.search(err), err
