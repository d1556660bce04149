#!/usr/bin/env python3
"""The libraries' own floor: what any tool built on briefgen's stack pays for one cold PDF.

A fresh process that imports the design card's libraries (click, jinja2, pandas,
python-docx, reportlab, PyYAML) and lays out a plain four-page reportlab document
(paragraphs in a built-in font, nothing embedded).  ``run.py`` times it beside a
cold ``briefgen make --format pdf``; the issue's target is at most twice this.

    python benchmarks/floor.py OUT.pdf
"""
from __future__ import annotations

import sys

import click  # noqa: F401  (the import is what is measured)
import docx  # noqa: F401
import jinja2  # noqa: F401
import pandas  # noqa: F401
import yaml  # noqa: F401
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

#: Numbered body paragraphs of about 75 words: 24 of them, under one heading, fill four A4 pages.
PARAGRAPHS = 24
TEXT = ("Cross-border e-commerce in the region grew again last year, carried by a few large "
        "sellers and a growing number of small firms that ship through the comprehensive pilot "
        "zone's bonded warehouses; the figures the sources publish are set out below. ") * 3


def main(out: str) -> int:
    styles = getSampleStyleSheet()
    story = [Paragraph("The situation in numbers", styles["Heading1"])]
    story += [Paragraph(f"{i + 1}. {TEXT}", styles["BodyText"]) for i in range(PARAGRAPHS)]
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1)
    doc.build(story)
    print(doc.page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "floor.pdf"))
