"""One brief, composed once and rendered in each requested format.

The CLI, the Python API and the batch runner all come through :func:`build`,
so the same spec gives the same files whichever way it was asked for.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .composer import compose_detailed
from .composer.select import BenchmarkChoice
from .document import Brief
from .library import Library
from .spec import BriefSpec
from .style import DEFAULT_STYLE, HouseStyle
from .writers import extension, render


@dataclass(frozen=True)
class Built:
    spec: BriefSpec                 # resolved: canonical region and the benchmark used
    benchmark: BenchmarkChoice
    brief: Brief
    files: dict[str, bytes]         # format -> bytes

    def file_name(self, fmt: str) -> str:
        return self.spec.file_stem(self.spec.benchmark) + extension(fmt)


def build(spec: BriefSpec, formats: Sequence[str], library: Library, *, templates: str | None = None,
          style: HouseStyle = DEFAULT_STYLE) -> Built:
    result = compose_detailed(spec, library, templates=templates, style=style, keep_pdf="pdf" in formats)
    # Fitting may already have rendered the PDF with this style; do not render it twice.
    files = {fmt: result.pdf if fmt == "pdf" and result.pdf is not None else render(result.brief, fmt, style)
             for fmt in formats}
    return Built(result.spec, result.benchmark, result.brief, files)
