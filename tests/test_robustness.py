"""Hard to break: malformed content, hostile templates, paths that try to leave their folder,
interrupted runs and two batches at once, each tried the way a user would meet it.

Every failure must be one clear message and a non-zero exit, never a traceback; no
run may leave half a file, a temporary file, or a manifest that disagrees with the disk.
"""
from __future__ import annotations

import importlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import PausedRun, manifest_matches_disk, run_cli
from briefgen.library.safe_yaml import MAX_DEPTH
from briefgen.paths import data_dir

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"
BRIEFGEN = [sys.executable, "-m", "briefgen"]
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}

A_CASE = """\
- id: extra-case
  region: hangzhou
  themes: {themes}
  title_en: A case
  title_zh: 一个案例
  actor_en: A bureau
  actor_zh: 某局
  what_en: Did something.
  what_zh: 做了某事。
  result_en: not reported
  result_zh: 未见报道
  transferable_en: Others can too.
  transferable_zh: 其他地方也可以。
  source: bt-2024
"""
BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi")
)


TOO_DEEP = (f"lists or mappings are nested more than {MAX_DEPTH} deep, too deeply to be content; "
            "a record is one mapping of fields: flatten it")


def run_process(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*BRIEFGEN, *map(str, args)], capture_output=True, text=True, env=ENV,
                          timeout=120, **kw)


def content_with(tmp_path: Path, name: str, data: bytes | str) -> Path:
    """A copy of the small test content with one extra file, extra/<name>."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "extra").mkdir()
    path = folder / "extra" / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


def assert_one_problem(code: int, err: str, where: str, what: str) -> None:
    """Status 1, and stderr is the one-problem message naming the file (and line) and the fault."""
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == "briefgen: 1 problem in the content:", err
    assert len(lines) == 2 and lines[1].startswith(f"  content/extra/{where}") and what in lines[1], err


# --------------------------------------------------------------------------- malformed files

MALFORMED = {
    "broken YAML": ("themes.yaml", "- id: t1\n  name_en: [unclosed\n  name_zh: 主题\n",
                    "themes.yaml:3:", "not valid YAML"),
    "CSV missing a column": (
        "indicators.csv",
        "id,region,indicator_en,indicator_zh,value,period,qualifier,theme,source,locator\n"
        "x-1,suqian,Trade,贸易,1,2023,exact,trade-scale,bt-2024,loc\n",
        "indicators.csv:1:", "missing column(s) unit"),
    "a list where text is expected": (
        "findings.yaml", "- id: extra\n  region: suqian\n  theme: brands\n  kind: problem\n"
                         "  text_en: [a, b]\n  text_zh: 某\n  source: bt-2024\n",
        "findings.yaml:1:", "field 'text_en': expected text, found list"),
    "a number where a list is expected": ("cases.yaml", A_CASE.format(themes="5"), "cases.yaml:1:",
                                          "field 'themes': expected a list of text items"),
    "a mapping at the top level": ("regions.yaml", "id: x\nname_en: X\n", "regions.yaml:",
                                   "expected a list of regions (each item starting with '- '), found a dict"),
    "not UTF-8": ("themes.yaml", "- id: t1\n  name_en: Talent\n".encode() + "  name_zh: 人才\n".encode("gbk"),
                  "themes.yaml:3:", "not UTF-8 text (byte 0xc8); save it as UTF-8"),
    "a NUL byte in a CSV": (
        "indicators.csv",
        b"id,region,indicator_en,indicator_zh,value,unit,period,qualifier,theme,source,locator\n"
        b"x-1,suqian,Tr\0ade,\xe8\xb4\xb8,1,\xe4\xba\xbf\xe5\x85\x83,2023,exact,trade-scale,bt-2024,loc\n",
        "indicators.csv:2:", "the file contains a NUL byte, which text never has; remove it"),
    "a NUL byte in YAML": ("themes.yaml", b"- id: t1\n  name_en: Tal\0ent\n  name_zh: x\n",
                           "themes.yaml:2:", "the file contains a NUL byte, which text never has; remove it"),
    "UTF-16": ("themes.yaml", "- id: t1\n".encode("utf-16-le"), "themes.yaml:1:",
               "(a file saved as UTF-16 is full of them: save it as UTF-8)"),
    "a raw control character in YAML": ("themes.yaml", "- id: t1\n  name_en: T\x01\n  name_zh: 题\n",
                                        "themes.yaml:2:", "contains control character U+0001, which "
                                        "content files may not contain; remove it"),
    "lists nested ten thousand deep": ("themes.yaml", "- id: " + "[" * 10000 + "]" * 10000 + "\n",
                                       "themes.yaml:1:", TOO_DEEP),
    "lists nested one level too deep": ("themes.yaml", "- id: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
                                        + "\n", "themes.yaml:1:", TOO_DEEP),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_file_is_one_clear_message(case, tmp_path, capsys):
    name, data, where, what = MALFORMED[case]
    folder = content_with(tmp_path, name, data)
    assert_one_problem(*run_cli(capsys, "check", "--content", folder)[::2], where, what)
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "make", "-r", "suqian", "-f", "md", "--content", folder, "-o", f"{out}/")
    assert_one_problem(code, err, where, what)
    assert stdout == "" and not out.exists()


@pytest.fixture(params=["libyaml", "pure-Python parser"])
def yaml_parser(request, monkeypatch):
    """Both parsers PyYAML may bring: briefgen's limits must not depend on which is installed."""
    import yaml

    from briefgen.library import safe_yaml

    if request.param == "libyaml":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.skip("this PyYAML was built without libyaml")
        yield request.param
        return
    monkeypatch.delattr(yaml, "CSafeLoader")
    importlib.reload(safe_yaml)
    assert safe_yaml._SafeBase is yaml.SafeLoader
    yield request.param
    monkeypatch.undo()
    importlib.reload(safe_yaml)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 10000])
def test_nesting_limit_is_briefgens_whatever_the_parser(yaml_parser, depth, tmp_path, capsys):
    """One level past the limit and ten thousand past it read the same; so does either parser."""
    flows = depth - 2            # the list of records and the record's mapping are two levels
    folder = content_with(tmp_path, "themes.yaml", "- id: " + "[" * flows + "]" * flows + "\n")
    assert_one_problem(*run_cli(capsys, "check", "--content", folder)[::2], "themes.yaml:1:", TOO_DEEP)


def test_nesting_up_to_the_limit_is_only_checked_as_fields(yaml_parser, tmp_path, capsys):
    flows = MAX_DEPTH - 2
    folder = content_with(tmp_path, "themes.yaml", "- id: " + "[" * flows + "]" * flows + "\n")
    code, _, err = run_cli(capsys, "check", "--content", folder)
    assert code == 1 and "nested" not in err and "themes.yaml:1: theme '[[[" in err, err


def test_file_over_the_size_limit_is_not_read(tmp_path, capsys):
    folder = content_with(tmp_path, "findings.yaml", b"")
    with open(folder / "extra" / "findings.yaml", "wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: instant, and no disk used
    code, _, err = run_cli(capsys, "check", "--content", folder)
    assert_one_problem(code, err, "findings.yaml",
                       "file is 21 MiB; content files may be at most 20 MiB, so split it across folders")


def _limit_memory() -> None:
    # Should the alias bomb ever expand again, fail this process, not the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


@pytest.mark.parametrize("where", ["top", "field"])
def test_yaml_alias_bomb_is_refused_in_a_real_process(where, tmp_path):
    # At the top level, or as a field's value, where a message would print it.
    text = BILLION_LAUGHS if where == "top" else \
        "- id: t1\n  name_en: x\n  name_zh:\n" + textwrap.indent(BILLION_LAUGHS, "    ")
    folder = content_with(tmp_path, "themes.yaml", text)
    for command in (["check"], ["make", "-r", "suqian", "-f", "md", "-o", f"{tmp_path / 'out'}/"]):
        proc = run_process(*command, "--content", folder, preexec_fn=_limit_memory)
        assert_one_problem(proc.returncode, proc.stderr, "themes.yaml:",
                           "YAML anchor and alias (&name ... *name); content files may not use them")
    assert not (tmp_path / "out").exists()


def _without_root_override() -> list[str] | None:
    """A command prefix under which chmod 000 really blocks reading, or None if there is none.

    Root reads any file; dropping the capabilities that let it (as a container's root may)
    makes the test meaningful there too."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv:
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
        probe = subprocess.run([*prefix, "true"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


def test_unreadable_file_is_one_clear_message(tmp_path):
    prefix = _without_root_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: chmod 000 does not stop root reading")
    folder = content_with(tmp_path, "themes.yaml", "- id: t1\n  name_en: T\n  name_zh: 题\n")
    (folder / "extra" / "themes.yaml").chmod(0)
    try:
        proc = subprocess.run([*prefix, *BRIEFGEN, "check", "--content", str(folder)], capture_output=True,
                              text=True, env=ENV, timeout=120)
    finally:
        (folder / "extra" / "themes.yaml").chmod(0o644)
    assert_one_problem(proc.returncode, proc.stderr, "themes.yaml",
                       "cannot read the file (Permission denied); check its permissions")


# --------------------------------------------------------------------------- templates in the sandbox

def user_templates(tmp_path: Path, payload: str) -> Path:
    """A copy of the English narrative whose title macro also runs ``payload``."""
    folder = tmp_path / "templates"
    (folder / "en").mkdir(parents=True)
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    head = "{% macro title(shape, region, benchmark, strengths, gaps, has_lessons, has_own) -%}"
    assert head in text
    (folder / "en" / "narrative.j2").write_text(text.replace(head, head + payload), encoding="utf-8")
    return folder


UNSAFE = ("it reaches for '{}' of a {} value; templates may not use names starting with '_' "
          "or Python internals")


@pytest.mark.parametrize("payload, message", [
    ("{{ ''.__class__.__mro__ }}", UNSAFE.format("__class__", "str")),
    ("{{ cycler.__init__.__globals__.os.system('touch PWNED') }}", UNSAFE.format("__init__", "type")),
    ("{{ lipsum.__globals__['os'].system('touch PWNED') }}", UNSAFE.format("__globals__", "function")),
    ("{{ (lipsum|attr('__globals__')) }}", UNSAFE.format("__globals__", "function")),
    ("{% include '/etc/passwd' %}", "it includes '/etc/passwd', which is not a template"),
    ("{% for i in range(10**9) %}{% endfor %}",
     "range() would loop over 1000000000 items; templates may loop over at most 100000"),
    ("{{ 'x' * 10**10 }}", "'*' would build 10000000000 characters or items"),
    ("{{ 2 ** 100000 }}", "2 ** 100000 is too large a number for a template"),
    ("{{ 1/0 }}", "it divides by zero"),
    ("{{ regoin }}", "it uses 'regoin', which is not defined there; check the spelling"),
    ("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}", "a macro calls itself without end"),
])
def test_template_cannot_reach_python_or_exhaust_the_machine(payload, message, tmp_path, capsys,
                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    templates = user_templates(tmp_path, payload)
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "-f", "md", "--content", CONTENT,
                             "--templates", templates, "-o", f"{tmp_path / 'out'}/")
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith(f"briefgen: template {templates}/en/narrative.j2, macro 'title': ") and \
        message in err and err.count("\n") == 1, err
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "out").exists()


SIZE_LIMIT = "characters or items; templates may build at most 1000000"


@pytest.mark.parametrize("payload, operation", [
    ("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "'~'"),
    ("{{ '%*s' % (10**10, 'x') }}", "'%'"),
    ("{{ '%.999999999f' % 1.5 }}", "'%'"),
    ("{{ '%*d'|format(10**10, 1) }}", "the filter 'format'"),
    ("{{ 'x'|center(10**10) }}", "the filter 'center'"),
    ("{{ ('x\n' * 500000)|indent(10**6) }}", "the filter 'indent'"),
    ("{% for b in [1]|batch(10**10, 0) %}{% endfor %}", "the filter 'batch'"),
    ("{{ range(100000)|join('y' * 1000) }}", "the filter 'join'"),
    ("{{ (['x' * 1000000] * 1000000)|join }}", "the filter 'join'"),
    ("{{ ('x' * 1000)|replace('', 'y' * 10000) }}", "the filter 'replace'"),
    ("{{ ('x' * 1000000)|wordwrap(1, wrapstring='y' * 100) }}", "the filter 'wordwrap'"),
    ("{{ 'x'.ljust(10**10) }}", "the method 'ljust'"),
    ("{{ '{:>{w}}'.format(1, w=10**10) }}", "the method 'format'"),
    ("{% set l = ['x'] %}{% for i in range(30) %}{{ l.extend(l) or '' }}{% endfor %}", "the method 'extend'"),
    ("{% for i in range(100000) %}{{ 'x' * 1000000 }}{% endfor %}", "the output"),
    ("{{ ['x' * 1000000] * 1000000 }}", "'{{ }}'"),
])
def test_every_way_of_building_text_has_the_one_size_limit(payload, operation, tmp_path, capsys):
    """One policy for + * ~ %, the filters and methods that pad, join or replace, and a
    macro's output: refused before the text is built, naming the template and the limit."""
    templates = user_templates(tmp_path, payload)
    started = time.monotonic()
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "-f", "md", "--content", CONTENT,
                             "--templates", templates, "-o", f"{tmp_path / 'out'}/")
    assert code == 1 and out == "" and "Traceback" not in err, err
    assert err.startswith(f"briefgen: template {templates}/en/narrative.j2, macro 'title': {operation} "
                          "would build ") and err.rstrip().endswith(SIZE_LIMIT) and err.count("\n") == 1, err
    assert time.monotonic() - started < 30 and not (tmp_path / "out").exists()


def test_ordinary_formatting_joining_and_padding_still_work(tmp_path, capsys):
    payload = ("{{ '%s-%03d' % ('a', 5) }}|{{ '%s'|format('b') }}|{{ 'c'|center(5) }}|{{ ['d', 'e']|join(',') }}|"
               "{{ 'ff'|replace('f', 'g') }}|{{ '{:>3}'.format(7) }}|{{ 'h' ~ 1 }}|")
    templates = user_templates(tmp_path, payload)
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "-f", "html", "--content", CONTENT,
                             "--templates", templates, "-o", f"{tmp_path / 'out'}/")
    assert code == 0, err
    assert "<title>a-005|b| c |d,e|gg| 7|h1|Suqian is strong in" in Path(out.strip()).read_text(encoding="utf-8")


def test_template_that_only_uses_its_arguments_still_works(tmp_path, capsys):
    """The limits do not get in the way of ordinary template code."""
    templates = user_templates(tmp_path, "{{ ('=' * 3) ~ ' ' ~ (2 ** 10) ~ ' ' }}")
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "-f", "html", "--content", CONTENT,
                             "--templates", templates, "-o", f"{tmp_path / 'out'}/")
    assert code == 0, err
    assert "<title>=== 1024 Suqian is strong in" in Path(out.strip()).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- staying inside folders

@pytest.mark.parametrize("option", ["--region", "--benchmark"])
def test_region_path_cannot_leave_the_output_folder(option, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["-r", "suqian", option, "../../tmp/x"] if option == "--benchmark" else [option, "../../tmp/x"]
    code, out, err = run_cli(capsys, "make", *args, "-f", "md", "--content", CONTENT)
    assert code == 2 and out == "" and err == "briefgen: unknown region '../../tmp/x' (briefgen list regions shows all)\n"
    assert list(tmp_path.iterdir()) == []


def test_content_region_id_with_a_path_is_invalid(tmp_path, capsys):
    region = "- id: ../x\n  name_en: X\n  name_zh: 某\n  level: city\n  profile_en: P.\n  profile_zh: 某。\n"
    folder = content_with(tmp_path, "regions.yaml", region)
    assert_one_problem(*run_cli(capsys, "check", "--content", folder)[::2], "regions.yaml:1:",
                       "field 'id': '../x' is not a valid id")


@pytest.mark.parametrize("edition", ["../../x", "..", "a/b", "/tmp/x"])
def test_batch_edition_cannot_leave_the_output_folder(edition, tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(f'edition = "{edition}"\n[[briefs]]\nregions = ["suqian"]\nformats = ["md"]\n',
                    encoding="utf-8")
    code, out, err = run_cli(capsys, "batch", plan, "-o", tmp_path / "deep" / "out", "--content", CONTENT)
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"edition = '{edition}': write it as text such as \"2026-11\"" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_links_out_of_the_content_folder_are_not_followed(tmp_path, capsys):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "themes.yaml").write_text("- id: secret-theme\n  name_en: Secret\n  name_zh: 秘密\n",
                                        encoding="utf-8")
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "linked").mkdir()
    (folder / "linked" / "themes.yaml").symlink_to(secret / "themes.yaml")
    (folder / "whole-folder").symlink_to(secret, target_is_directory=True)
    code, out, err = run_cli(capsys, "check", "--content", folder)
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [
        "briefgen: 2 problems in the content:",
        "  content/linked/themes.yaml: is a link to a file outside the content folder; briefgen does not "
        "follow it. Copy the file into the folder instead",
        "  content/whole-folder: is a link to a folder outside the content folder; briefgen does not "
        "follow it. Copy the folder in instead",
    ]
    # A link that stays inside the folder is fine.
    (folder / "linked" / "themes.yaml").unlink()
    (folder / "whole-folder").unlink()
    (folder / "regions.yaml").rename(folder / "regions.txt")
    (folder / "linked" / "regions.yaml").symlink_to(Path("..") / "regions.txt")
    code, out, err = run_cli(capsys, "check", "--content", folder)
    assert code == 0 and out.startswith("content OK: 6 regions"), err


# --------------------------------------------------------------------------- interrupted runs

INTERRUPTED_PLAN = """\
edition = "e"
[[briefs]]
regions = "all"
audiences = "all"
lengths = "short"
langs = "all"
formats = ["md", "html"]
[[briefs]]
regions = ["suqian", "ningbo"]
lengths = "short"
formats = ["pdf", "docx"]
"""
ALL_FILES = 3 * 4 * 2 * 2 + 2 * 2   # md and html for every brief, PDF and Word for two


@pytest.mark.parametrize("how", ["SIGTERM to the process", "SIGTERM to the process group"])
def test_terminated_batch_leaves_whole_files_and_the_rerun_finishes(how, tmp_path):
    """Service managers send SIGTERM (tests/test_batch.py covers Ctrl-C).  It lands, every time,
    inside the edition's third atomic write (tests/pausing.py holds that write open: a brief
    file, since the manifest is now journalled between compactions); the write finishes,
    nothing new starts, the manifest matches the disk, and a rerun does the rest."""
    plan = tmp_path / "plan.toml"
    plan.write_text(INTERRUPTED_PLAN, encoding="utf-8")
    args = [*BRIEFGEN, "batch", str(plan), "-o", str(tmp_path / "out"), "--content", str(CONTENT), "--jobs", "2"]
    folder = tmp_path / "out" / "e"
    proc = PausedRun(args[len(BRIEFGEN):], tmp_path / "hook", pause_write=3, env=ENV, start_new_session=True)
    temporary = proc.wait_paused()     # md and html of the first brief are written; now the next file
    assert temporary.parent == folder and temporary.is_file()
    if how.endswith("group"):
        os.killpg(proc.proc.pid, signal.SIGTERM)
    else:
        proc.proc.send_signal(signal.SIGTERM)
    said = proc.stderr_until("stopping after the briefs in progress")   # the handler has run
    proc.release()
    out, err = proc.communicate()
    err = said + err
    proc = proc.proc
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "interrupted:" in err and "run the same command again to finish" in err
    folder = tmp_path / "out" / "e"
    done = len(manifest_matches_disk(folder)["files"])
    assert 0 < done < ALL_FILES

    rerun = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{ALL_FILES - done} written, {done} unchanged, 0 failed" in rerun.stderr
    assert len(manifest_matches_disk(folder)["files"]) == ALL_FILES


@pytest.fixture(scope="module")
def whole_brief() -> dict[str, bytes]:
    """The suqian brief in every format, by extension, as an uninterrupted run makes it."""
    import briefgen

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    try:
        files = briefgen.make_all("suqian", formats=briefgen.FORMATS)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return {f".{fmt}": data for fmt, data in files.items()}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_make_leaves_no_partial_file(sig, tmp_path, whole_brief):
    """Signalled inside the second file's write, every time (tests/pausing.py holds the write
    open): the first file is whole, the second never appears, its temporary file is gone."""
    out = tmp_path / "out"
    run = PausedRun(["make", "-r", "suqian", "-f", "all", "-o", f"{out}/"], tmp_path / "hook",
                    pause_write=2, env=ENV)
    temporary = run.wait_paused()
    assert temporary.parent == out and temporary.is_file()   # the signal lands mid-write
    run.proc.send_signal(sig)
    stdout, err = run.communicate()
    assert run.proc.returncode == 130 and err.strip() == "briefgen: interrupted; no partial files were left", err
    files = sorted(out.iterdir())
    assert [p.name for p in files] == [Path(line).name for line in stdout.splitlines()], stdout
    assert len(files) == 1 and files[0].read_bytes() == whole_brief[files[0].suffix]


def test_interrupt_just_as_the_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch, capsys):
    """Ctrl-C lands after the temporary file exists but before the call that made it returns."""
    real_open = os.open

    def created_then_interrupted(path, flags, mode=0o777, **kwargs):
        fd = real_open(path, flags, mode, **kwargs)
        os.close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", created_then_interrupted)
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "-f", "md", "--content", CONTENT,
                             "-o", tmp_path / "brief.md")
    assert code == 130 and err.strip() == "briefgen: interrupted; no partial files were left"
    assert list(tmp_path.iterdir()) == []


def test_interrupt_inside_a_write_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    """Ctrl-C at the worst moment, mid-write: the previous file stays, the temporary file goes."""
    target = tmp_path / "brief.md"
    target.write_text("the previous edition", encoding="utf-8")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    code, out, err = run_cli(capsys, "make", "-r", "suqian", "-f", "md", "--content", CONTENT, "-o", target)
    assert code == 130 and err.strip() == "briefgen: interrupted; no partial files were left"
    assert target.read_text(encoding="utf-8") == "the previous edition"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


# --------------------------------------------------------------------------- two batches at once

def test_two_batches_with_different_templates_keep_the_manifest_true(tmp_path):
    """Two overlapping batches whose shared files differ (other wording): whichever wrote a file
    last, the manifest records that file's bytes (tests/test_batch.py covers identical inputs).

    Forced every time: the first batch is held (by tests/pausing.py) just before it commits
    its first Suqian brief, when it has written every shared file; the second then rewrites
    those files in its own wording and finishes; only then does the first go on, making its
    Suqian briefs and PDFs and saving the manifest after each."""
    templates = tmp_path / "templates"
    (templates / "en").mkdir(parents=True)
    text = (data_dir("templates") / "en" / "narrative.j2").read_text(encoding="utf-8")
    assert "Short policy brief" in text
    (templates / "en" / "narrative.j2").write_text(text.replace("Short policy brief", "Short brief"),
                                                   encoding="utf-8")
    shared = 'audiences = "all"\nlengths = "short"\nlangs = "en"\nformats = ["md", "html"]\n'
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text(f'edition = "shared"\n[[briefs]]\nregions = "all"\n{shared}[[briefs]]\n'
                     'regions = "suqian"\naudiences = "all"\nlengths = ["short", "standard"]\n'
                     'formats = "pdf"\n', encoding="utf-8")
    second.write_text(f'edition = "shared"\n[[briefs]]\nregions = ["hangzhou", "ningbo"]\n{shared}',
                      encoding="utf-8")
    folder = tmp_path / "out" / "shared"
    base = ["batch", "-o", tmp_path / "out", "--content", CONTENT, "--jobs", "1"]
    # Lock 1 plans the run; locks 2-9 commit the eight Hangzhou and Ningbo briefs.
    one = PausedRun([*base, first], tmp_path / "one", pause_lock=10, env=ENV)
    one.wait_paused()
    shared_names = {p.name for p in folder.iterdir() if p.name.startswith(("hangzhou", "ningbo"))}
    assert len(shared_names) == 2 * 4 * 2, sorted(shared_names)
    before = {name: (folder / name).read_bytes() for name in shared_names}
    two = subprocess.run([*BRIEFGEN, *map(str, base), str(second), "--templates", str(templates)],
                         capture_output=True, text=True, env=ENV, timeout=120)
    assert two.returncode == 0, two.stderr
    assert all((folder / name).read_bytes() != before[name] for name in shared_names if name.endswith(".md"))
    one.release()
    out, err = one.communicate()
    assert one.proc.returncode == 0, err
    data = manifest_matches_disk(folder)
    assert len(data["files"]) == 3 * 4 * 2 + 4 * 2
