"""briefgen: bilingual policy briefs on cross-border e-commerce in Chinese regions.

One call::

    import briefgen
    pdf = briefgen.make("suqian", format="pdf")                 # bytes
    briefgen.make("宿迁", lang="zh", format="docx", output="out/suqian.docx")  # writes a file
    briefgen.batch("plan.toml", output="out")                   # many briefs, incrementally

The pieces, for scripts that need more control::

    lib = briefgen.load_library()                               # content, validated once
    spec = briefgen.BriefSpec(region="suqian", audience="industry", lang="zh")
    brief = briefgen.compose(spec, lib)                          # the document model
    data = briefgen.render(brief, "pdf")                         # bytes of one format

Everything a user can get wrong raises :class:`BriefgenError` with a message
that says what to do.  Heavy libraries load only when first needed.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .errors import BriefgenError, ContentError, UsageError
from .spec import AUDIENCES, LANGS, LENGTHS, BriefSpec

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .document import Brief
    from .library import Library
    from .runner import BatchReport
    from .style import HouseStyle

__all__ = ["make", "make_all", "batch", "BatchReport", "BriefSpec", "load_library", "Library", "compose", "render", "Brief",
           "HouseStyle", "load_style", "BriefgenError", "ContentError", "UsageError", "FORMATS",
           "AUDIENCES", "LENGTHS", "LANGS", "__version__"]

FORMATS = ("pdf", "docx", "md", "html")


def load_library(content: str | Path | None = None, overlays: Sequence[str | Path] = (), *,
                 cache: bool = True) -> "Library":
    """Load and validate the knowledge base (built-in, or ``content`` plus ``overlays``).

    With ``cache`` a new process starts from the parsed records kept in the user cache
    folder while the content files are unchanged; ``cache=False`` parses afresh."""
    from .library import load_library as _load

    return _load(content, overlays, cache=cache)


def compose(spec: BriefSpec, library: "Library | None" = None, *, templates: str | Path | None = None,
            style: "HouseStyle | None" = None) -> "Brief":
    """Compose the Brief that ``spec`` describes (built-in content if ``library`` is None)."""
    from .composer import compose as _compose
    from .style import DEFAULT_STYLE

    return _compose(spec, library or load_library(), templates=str(templates) if templates else None,
                    style=style or DEFAULT_STYLE)


def render(brief: "Brief", fmt: str, style: "HouseStyle | None" = None) -> bytes:
    """Render a Brief as "pdf", "docx", "md" or "html" and return the file's bytes."""
    from .style import DEFAULT_STYLE
    from .writers import render as _render

    return _render(brief, fmt, style or DEFAULT_STYLE)


def load_style(config: str | Path | None = None, **overrides: Any) -> "HouseStyle":
    """House style from ``config`` (or ./briefgen.toml), with keyword overrides."""
    from .config import load_style as _load_style

    return _load_style(config, **overrides)


def make(region: str, *, benchmark: str | None = None, audience: str = "government",
         length: str = "standard", lang: str = "en", format: str = "pdf",
         output: str | Path | None = None, content: str | Path | None = None,
         overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
         style: "HouseStyle | None" = None, as_of: date | None = None, cache: bool = True) -> bytes | Path:
    """Make one brief.  Returns its bytes, or writes ``output`` (a file path) and returns the path.

    ``region`` and ``benchmark`` accept ids, English or Chinese names, in any case."""
    files = make_all(region, benchmark=benchmark, audience=audience, length=length, lang=lang,
                     formats=(format,), content=content, overlays=overlays, templates=templates,
                     style=style, as_of=as_of, cache=cache)
    data = next(iter(files.values()))
    if output is None:
        return data
    from .output import write_atomic

    return write_atomic(Path(output), data)


def make_all(region: str, *, benchmark: str | None = None, audience: str = "government",
             length: str = "standard", lang: str = "en", formats: Sequence[str] = ("pdf",),
             content: str | Path | None = None, overlays: Sequence[str | Path] = (),
             templates: str | Path | None = None, style: "HouseStyle | None" = None,
             as_of: date | None = None, edition: date | None = None,
             new_since: Sequence[str] | None = None, cache: bool = True) -> dict[str, bytes]:
    """Compose one brief once and render it in each of ``formats``: {format: bytes}."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)} or all")
    from .build import build
    from .style import DEFAULT_STYLE

    lib = load_library(content, overlays, cache=cache)
    spec = BriefSpec(region=region, benchmark=benchmark, audience=audience, length=length, lang=lang,
                     as_of=as_of, date=edition, new_since=tuple(new_since) if new_since is not None else None)
    return build(spec, formats, lib, templates=str(templates) if templates else None,
                 style=style or DEFAULT_STYLE).files


def batch(plan: "str | Path | dict", output: str | Path = "out", *, jobs: int | None = None,
          force: bool = False, shard: "str | tuple[int, int] | None" = None, as_of: date | None = None,
          since: str | Path | None = None, content: str | Path | None = None,
          overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
          style: "HouseStyle | None" = None, progress: bool = False, cache: bool = True) -> "BatchReport":
    """Build every brief a plan lists into ``output/<edition>/`` and return a BatchReport.

    ``plan`` is a TOML file or the same tables as a dict (``{"briefs": [{"regions": "all"}]}``).
    Files whose inputs have not changed are left alone unless ``force``; ``shard="2/3"``
    builds one machine's share; ``as_of`` and ``since`` (a previous manifest.json) make
    dated editions.  A brief that fails is listed in ``report.failed``; it does not raise."""
    from .runner import run_batch

    return run_batch(plan, output, jobs=jobs, force=force, shard=shard, as_of=as_of, since=since,
                     content=content, overlays=overlays, templates=templates, style=style,
                     progress=progress, cache=cache)


def __getattr__(name: str) -> Any:
    # Types for annotations and isinstance checks, imported only when asked for.
    if name == "Library":
        from .library import Library
        return Library
    if name == "Brief":
        from .document import Brief
        return Brief
    if name == "BatchReport":
        from .runner import BatchReport
        return BatchReport
    if name == "HouseStyle":
        from .style import HouseStyle
        return HouseStyle
    raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
