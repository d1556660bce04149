"""Small helpers several test modules share (import as ``from helpers import ...``)."""
from __future__ import annotations

from briefgen.cli import main


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """The CLI in this process, as the console script runs it: (status, stdout, stderr)."""
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def pdf_outline(reader) -> list[tuple[int, str, int]]:
    """(level, title, page index) for every outline entry of a pypdf reader, depth first."""
    out: list[tuple[int, str, int]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out
