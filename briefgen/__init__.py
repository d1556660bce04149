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
from typing import TYPE_CHECKING, Any, Literal, Sequence, overload

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
           "AUDIENCES", "LENGTHS", "LANGS", "Audience", "Length", "Lang", "Format", "__version__"]

FORMATS = ("pdf", "docx", "md", "html")

# The choices as types, so a type checker catches ``audience="goverment"`` before a run
# does (tests/test_api.py keeps them equal to the tuples the code checks at run time).
Audience = Literal["government", "industry", "education", "research"]
Length = Literal["short", "standard", "full"]
Lang = Literal["en", "zh"]
Format = Literal["pdf", "docx", "md", "html"]


def load_library(content: str | Path | None = None, overlays: Sequence[str | Path] = (), *,
                 cache: bool = True) -> "Library":
    """Load and validate the knowledge base (built-in, or ``content`` plus ``overlays``).

    With ``cache`` a new process starts from the parsed records kept in the user cache
    folder while the content files are unchanged; ``cache=False`` parses afresh."""
    from .library import load_library as _load

    return _load(content, overlays, cache=cache)


def compose(spec: BriefSpec, library: "Library | None" = None, *, templates: str | Path | None = None,
            style: "HouseStyle | None" = None) -> "Brief":
    """Compose the Brief that ``spec`` describes (built-in content if ``library`` is None).

    The argument is planned once for both languages and fitted to the page budget
    by the calibrated estimate; no PDF is drawn.  ``make`` also lays out the real
    pages near the budget, so its brief can hold a little more."""
    from .build import plan_for
    from .style import DEFAULT_STYLE

    from .readiness import library_for
    from .write import write

    library = library_for(spec, library or load_library())
    templates = str(templates) if templates else None
    fitted = plan_for(spec, library, templates=templates, style=style or DEFAULT_STYLE, measured=False)
    if spec.lang not in fitted.briefs:        # fitted without it: its templates failed; say why
        return write(fitted.plan, spec.lang, library, templates=templates, style=style or DEFAULT_STYLE)
    return fitted.briefs[spec.lang]


def render(brief: "Brief", fmt: str, style: "HouseStyle | None" = None) -> bytes:
    """Render a Brief as "pdf", "docx", "md" or "html" and return the file's bytes."""
    from .style import DEFAULT_STYLE
    from .writers import render as _render

    return _render(brief, fmt, style or DEFAULT_STYLE)


def load_style(config: str | Path | None = None, **overrides: Any) -> "HouseStyle":
    """House style from ``config`` (or ./briefgen.toml), with keyword overrides."""
    from .config import load_style as _load_style

    return _load_style(config, **overrides)


@overload
def make(region: str, *, benchmark: str | None = None, audience: Audience = "government",
         length: Length = "standard", lang: Lang = "en", format: Format = "pdf",
         output: None = None, content: str | Path | None = None,
         overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
         style: "HouseStyle | None" = None, as_of: date | None = None) -> bytes: ...


@overload
def make(region: str, *, benchmark: str | None = None, audience: Audience = "government",
         length: Length = "standard", lang: Lang = "en", format: Format = "pdf",
         output: str | Path, content: str | Path | None = None,
         overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
         style: "HouseStyle | None" = None, as_of: date | None = None) -> Path: ...


def make(region: str, *, benchmark: str | None = None, audience: Audience = "government",
         length: Length = "standard", lang: Lang = "en", format: Format = "pdf",
         output: str | Path | None = None, content: str | Path | None = None,
         overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
         style: "HouseStyle | None" = None, as_of: date | None = None, cache: bool = True) -> bytes | Path:
    """Make one brief.  Returns its bytes, or writes ``output`` (a file path) and returns the path.

    ``region`` and ``benchmark`` accept ids, English or Chinese names, in any case."""
    if output is not None and format in FORMATS:
        from .writers import extension

        if Path(output).suffix.lower() != extension(format):
            raise UsageError(f"output {str(output)!r} ends in {Path(output).suffix or 'no extension'}, but "
                             f"format '{format}' writes {extension(format)}; name the file "
                             f"{Path(output).stem}{extension(format)} or pass the matching format")
    files = make_all(region, benchmark=benchmark, audience=audience, length=length, lang=lang,
                     formats=(format,), content=content, overlays=overlays, templates=templates,
                     style=style, as_of=as_of, cache=cache)
    data = next(iter(files.values()))
    if output is None:
        return data
    from .output import write_atomic

    return write_atomic(Path(output), data)


def make_all(region: str, *, benchmark: str | None = None, audience: Audience = "government",
             length: Length = "standard", lang: Lang = "en", formats: Sequence[Format] | Format = ("pdf",),
             content: str | Path | None = None, overlays: Sequence[str | Path] = (),
             templates: str | Path | None = None, style: "HouseStyle | None" = None,
             as_of: date | None = None, edition: date | None = None,
             new_since: Sequence[str] | None = None,
             missing_translation: str = "omit", cache: bool = True) -> dict[str, bytes]:
    """Compose one brief once and render it in each of ``formats``: {format: bytes}.

    ``missing_translation``: "omit" leaves out records with no text in ``lang``, "fail" refuses.
    ``cache=False`` reads the content afresh instead of from the parsed-content cache, fits
    the plan afresh where an earlier process's decision is kept, and lays out the PDF to
    count pages even where the page-count cache knows them."""
    if isinstance(formats, str):
        formats = (formats,)     # "pdf" is one format, not three letters
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)} or all")
    from .build import build
    from .style import DEFAULT_STYLE

    lib = load_library(content, overlays, cache=cache)
    spec = BriefSpec(region=region, benchmark=benchmark, audience=audience, length=length, lang=lang,
                     as_of=as_of, date=edition, new_since=tuple(new_since) if new_since is not None else None,
                     missing_translation=missing_translation)
    from .readiness import library_for

    return build(spec, formats, library_for(spec, lib), templates=str(templates) if templates else None,
                 style=style or DEFAULT_STYLE, cache=cache).files


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
