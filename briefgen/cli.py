"""The command line: a thin click layer over the Python API.

Errors are caught once, here: a BriefgenError becomes one line on stderr and
its exit status, never a traceback.  Heavy libraries are imported inside the
commands, so ``briefgen --help`` stays instant.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .errors import BriefgenError, BriefgenWarning, UsageError
from .spec import AUDIENCES, LANGS, LENGTHS, MISSING_TRANSLATION

FORMAT_CHOICES = ("pdf", "docx", "md", "html", "all")
LIST_KINDS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations", "facts",
              "terms")


def _date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2025-12-31") from None


class _Choice(click.Choice):
    """click.Choice that refuses a value in briefgen's words (and suggests the nearest), not click's."""

    def __init__(self, choices, what: str):
        super().__init__(choices)
        self.what = what

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        from .names import did_you_mean as suggest

        flag = f"{max(param.opts, key=len)}: " if isinstance(param, click.Option) else ""
        raise UsageError(f"{flag}unknown {self.what} '{value}'{suggest(str(value), self.choices)} "
                         f"(choose one of {', '.join(self.choices)})")


def content_options(f):
    f = click.option("--overlay", "overlays", multiple=True, type=click.Path(file_okay=False),
                     help="A folder of extra content added on top (repeatable).")(f)
    f = click.option("--content", type=click.Path(file_okay=False),
                     help="Use this content folder instead of the built-in one.")(f)
    f = click.option("--no-cache", "no_cache", is_flag=True,
                     help="Parse and check the content afresh instead of using the parsed copy in the "
                          "user cache folder (which is used only while the files are unchanged), fit "
                          "each brief to its pages afresh, and lay out pages to count them instead of "
                          "using the remembered counts.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="briefgen")
def cli() -> None:
    """Write policy briefs on cross-border e-commerce in Chinese regions, in English or Chinese.

    \b
    Examples:
      briefgen make --region suqian --format pdf
      briefgen make --region 宿迁 --lang zh --format all -o out/
      briefgen list regions
      briefgen batch plan.toml -o out/
      briefgen import figures.xlsx --region example-city --name-zh 示例市 --dry-run
      briefgen reference-docx -o house.docx
      briefgen serve --overlay my-city/
    """


@cli.command()
@click.option("--region", "-r", required=True, help="Region id or name: suqian, Suqian, 宿迁, 宿迁市 ...")
@click.option("--benchmark", "-b", help="Region to learn from (default: chosen from the content).")
@click.option("--audience", "-a", type=_Choice(AUDIENCES, "audience"), default="government", show_default=True)
@click.option("--length", "-l", type=_Choice(LENGTHS, "length"), default="standard", show_default=True,
              help="short = 2 pages, standard = 4, full = up to 12.")
@click.option("--lang", type=_Choice(LANGS, "language"), default="en", show_default=True)
@click.option("--format", "-f", "formats", type=_Choice(FORMAT_CHOICES, "format"), multiple=True,
              help="pdf, docx, md, html or all; repeatable.  [default: pdf]")
@click.option("-o", "--output", help="Output file (one format) or folder.  [default: ./out/]")
@content_options
@click.option("--templates", type=click.Path(file_okay=False), help="Folder of narrative templates that override the built-in ones.")
@click.option("--config", type=click.Path(dir_okay=False), help="House-style file (default: ./briefgen.toml if present).")
@click.option("--reference-docx", type=click.Path(dir_okay=False), help="Word template whose styles, page setup, header and footer the .docx uses.")
@click.option("--paper", type=_Choice(("A4", "Letter"), "paper size"), help="Paper size (default A4, or the config's).")
@click.option("--as-of", callback=_date, help="Build from the content as it stood on this date (YYYY-MM-DD).")
@click.option("--missing-translation", type=_Choice(MISSING_TRANSLATION, "missing-translation policy"), default="omit", show_default=True,
              help="Records with no text in --lang: leave them out, or fail naming them.")
def make(region, benchmark, audience, length, lang, formats, output, content, overlays, no_cache, templates,
         config, reference_docx, paper, as_of, missing_translation) -> None:
    """Make one brief, in one or more formats.

    Prints the path of each file written, one a line.

    \b
    Examples:
      briefgen make --region suqian --format pdf
      briefgen make -r ningbo -a industry -l short --lang zh -f pdf -f docx
      briefgen make -r suqian -b hangzhou -f docx -o suqian.docx
    """
    from .build import build
    from .config import load_style
    from .library import load_library
    from .output import plan_outputs, write_atomic
    from .spec import BriefSpec
    from .writers import extension

    fmts = list(dict.fromkeys(("pdf", "docx", "md", "html") if "all" in formats else (formats or ("pdf",))))
    style = load_style(config, reference_docx=reference_docx, paper=paper)
    lib = load_library(content, overlays, cache=not no_cache)
    spec = BriefSpec(region=region, benchmark=benchmark, audience=audience, length=length, lang=lang,
                     as_of=as_of, missing_translation=missing_translation)
    resolved = spec.resolve(lib)  # fail on a bad region before any work
    for note in lib.notes:
        click.echo(f"briefgen: note: {note}", err=True)
    if missing_translation == "omit":
        from .readiness import library_for, omit_untranslated

        omitted = omit_untranslated(lib, lang)[1]
        if omitted:
            click.echo(f"briefgen: note: {len(omitted)} record(s) without {lang} text left out of {lang} "
                       f"briefs: {', '.join(omitted[:8])}{' ...' if len(omitted) > 8 else ''}", err=True)
        lib = library_for(resolved, lib)
    # Decide every path before rendering, so a bad -o fails fast and writes nothing.
    stem_guess = resolved.file_stem(resolved.benchmark)
    plan_outputs(output, [(stem_guess, extension(f)) for f in fmts])
    built = build(resolved, fmts, lib, templates=templates, style=style, cache=not no_cache)
    paths = plan_outputs(output, [(Path(built.file_name(f)).stem, extension(f)) for f in fmts])
    for fmt, path in zip(fmts, paths):
        write_atomic(path, built.files[fmt])
        click.echo(str(path))


@cli.command("reference-docx")
@click.option("-o", "--output", default="-", show_default=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@click.option("--lang", type=_Choice(LANGS, "language"), default="en", show_default=True,
              help="Language of the sample text and of the styles (Chinese body text is justified).")
@click.option("--config", type=click.Path(dir_okay=False), help="House-style file (default: ./briefgen.toml if present).")
@click.option("--paper", type=_Choice(("A4", "Letter"), "paper size"), help="Paper size (default A4, or the config's).")
def reference_docx(output, force, lang, config, paper) -> None:
    """Write a starter Word template: every style a brief uses, each on a sample paragraph.

    Change the styles in Word (Modify Style: font, size, colour, spacing), save, and
    pass the file back with --reference-docx: the Word brief then takes its styles,
    page setup, header and footer from it.  The fonts of Normal and Heading 1 are the
    fonts of the whole brief.

    \b
    Examples:
      briefgen reference-docx -o house.docx
      briefgen reference-docx --lang zh -o house-zh.docx
      briefgen make -r suqian -f docx --reference-docx house.docx
    """
    from .config import load_style
    from .output import write_atomic
    from .writers.docx import reference_docx as starter

    if output != "-" and Path(output).exists() and not force:
        raise UsageError(f"{output} exists; pass --force to replace it, or choose another file with -o")
    if output == "-" and sys.stdout.isatty():
        raise UsageError("a .docx file is not for the terminal; write it with -o FILE.docx (or redirect: > FILE.docx)")
    # The starter shows briefgen's own styles: a reference_docx in the config is not read.
    style = load_style(config, paper=paper)
    data = starter(style, lang)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(Path(output), data)
        click.echo(output)


@cli.command()
@click.argument("plan", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="out", show_default=True,
              help="Folder of editions; files go in OUTPUT/<edition>/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Briefs built at once.  [default: CPU count]")
@click.option("--force", is_flag=True, help="Rebuild every file, even those that are up to date.")
@click.option("--shard", metavar="K/N", help="Build only this machine's share K of N (1-based).")
@click.option("--as-of", callback=_date, help="Build from the content as it stood on this date (YYYY-MM-DD).")
@click.option("--since", type=click.Path(), metavar="MANIFEST",
              help="A previous edition's manifest.json: add a \"What's new\" section measured against it.")
@content_options
@click.option("--templates", type=click.Path(file_okay=False), help="Folder of narrative templates that override the built-in ones.")
@click.option("--config", type=click.Path(dir_okay=False), help="House-style file (default: ./briefgen.toml if present).")
@click.option("--merge-manifests", "merge", type=click.Path(file_okay=False), metavar="DIR",
              help="Merge the shard manifests in edition folder DIR into DIR/manifest.json, then stop.")
def batch(plan, output, jobs, force, shard, as_of, since, content, overlays, no_cache, templates, config,
          merge) -> None:
    """Build every brief a plan lists, in parallel, into OUTPUT/<edition>/.

    Prints each file written, one a line; files whose inputs have not changed are
    left alone.  Ends with "N written, M unchanged, K failed" on stderr; exit
    status 1 if any brief failed.

    \b
    Examples:
      briefgen batch plan.toml
      briefgen batch plan.toml -o /srv/briefs/out --jobs 8
      briefgen batch plan.toml --shard 2/4          # this machine's quarter
      briefgen batch plan.toml --since out/2026-10/manifest.json
      briefgen batch --merge-manifests out/2026-11
    """
    from .runner import merge_manifests, run_batch
    from .config import load_style

    if merge:
        if plan:
            raise UsageError("--merge-manifests merges an edition folder; give it without a plan")
        click.echo(str(merge_manifests(merge)))
        return
    if not plan:
        raise UsageError("give a plan file: briefgen batch PLAN.toml (see briefgen batch --help)")
    report = run_batch(plan, output, jobs=jobs, force=force, shard=shard, as_of=as_of, since=since,
                       content=content, overlays=overlays, templates=templates, style=load_style(config),
                       echo=click.echo, progress=sys.stderr.isatty(), cache=not no_cache)
    for line in report.lines():
        click.echo(line, err=True)
    if report.exit_code:
        sys.exit(report.exit_code)


@cli.command("list")
@click.argument("kind", type=_Choice(LIST_KINDS, "kind of record"))
@click.option("--region", "-r", help="Only records about this region (id or name).")
@click.option("--theme", "-t", help="Only records on this theme id.")
@click.option("--format", "-f", "fmt", type=_Choice(("table", "csv", "json", "xlsx"), "listing format"), default="table",
              show_default=True)
@click.option("--bom", is_flag=True, help="Start CSV with a byte-order mark, so Excel shows the Chinese correctly.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@content_options
def list_(kind, region, theme, fmt, bom, output, content, overlays, no_cache) -> None:
    """List regions, themes, sources, indicators, findings, cases or recommendations.

    \b
    Examples:
      briefgen list regions
      briefgen list indicators --region suqian --format csv > suqian.csv
      briefgen list recommendations --theme talent-education
      briefgen list indicators --format csv --bom -o figures.csv    # opens in Excel
      briefgen list indicators --format xlsx -o figures.xlsx

    What --format csv writes, --overlay reads back as KIND.csv (findings.csv ...).
    """
    import io

    from .library import load_library
    from .listing import write_listing, write_listing_xlsx
    from .output import write_atomic

    lib = load_library(content, overlays, cache=not no_cache)
    rid = lib.region(region).id if region else None
    if theme and theme not in lib.themes:
        from .names import did_you_mean as suggest
        raise UsageError(f"unknown theme '{theme}'{suggest(theme, lib.themes)} (briefgen list themes shows all)")
    if fmt == "xlsx":
        if not output and sys.stdout.isatty():
            raise UsageError("an .xlsx workbook is not for the terminal; write it with -o FILE.xlsx")
        data = io.BytesIO()
        write_listing_xlsx(lib, kind, rid, theme, data)
    elif output:
        text = io.StringIO()
        write_listing(lib, kind, rid, theme, fmt, text, bom=bom)
        data = io.BytesIO(text.getvalue().encode("utf-8"))
    else:
        write_listing(lib, kind, rid, theme, fmt, sys.stdout, bom=bom)
        return
    if output:
        write_atomic(Path(output), data.getvalue())
        click.echo(output, err=True)
    else:
        sys.stdout.buffer.write(data.getvalue())


@cli.command()
@content_options
@click.option("--coverage", is_flag=True, help="Also print counts per source, region and theme.")
@click.option("--seeds", "seed_texts", type=click.Path(file_okay=False),
              help="Folder of source texts: check every figure and locator appears in its source.")
def check(content, overlays, no_cache, coverage, seed_texts) -> None:
    """Load and validate the content, reporting every problem at once.

    \b
    Examples:
      briefgen check
      briefgen check --content my-content/ --coverage
      briefgen check --seeds ../shared/seeds
    """
    from .library import derived, load_library
    from .listing import write_coverage
    from .readiness import check_lines

    # What check prints depends on the content alone: a later run on the same bytes reads
    # it from the parsed-content cache instead of unpickling every record.
    for line in derived("check", check_lines, content, overlays, cache=not no_cache):
        click.echo(line)
    if not (seed_texts or coverage):
        return
    lib = load_library(content, overlays, cache=not no_cache)
    if seed_texts:
        from .library.provenance import check_provenance

        problems = check_provenance(lib, Path(seed_texts))
        if problems:
            raise BriefgenError("\n".join([f"{len(problems)} provenance problem(s):", *problems]))
        click.echo(f"provenance OK: every figure and locator found in its source text ({seed_texts})")
    if coverage:
        write_coverage(lib, sys.stdout)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--region", "-r", "region_id", required=True, help="Id of the region the figures are about, e.g. example-city.")
@click.option("--name-zh", default="", help="Chinese name, for a region briefgen does not know yet (e.g. 示例市).")
@click.option("--name-en", default="", help="English name, for a new region.")
@click.option("--level", default="city", show_default=True, help="city, county, district, province ... (new region).")
@click.option("--parent", help="Id of the region it belongs to (new region), e.g. jiangsu.")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD,...",
              help="Map your columns to briefgen's fields, e.g. --map 指标=indicator_zh,数值=value.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="A YAML file of 'COLUMN: field' lines (--map adds to it).")
@click.option("--sheet", help="Sheet to read (default: the first).")
@click.option("--theme", help="Theme for rows without a 主题 column (id or Chinese name).")
@click.option("--source-title", help="Source document, for a sheet without a 来源 column.")
@click.option("--source-date", help="Date of the source document (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("-o", "--output", help="Overlay folder to write.  [default: ./REGION/]")
@click.option("--dry-run", is_flag=True, help="Show the mapping and the figures; write nothing.")
@click.option("--force", is_flag=True, help="Replace the files of an existing overlay folder.")
@content_options
def import_(file, region_id, name_zh, name_en, level, parent, maps, mapping_file, sheet, theme,
            source_title, source_date, output, dry_run, force, content, overlays, no_cache) -> None:
    """Turn a spreadsheet of figures (.xlsx or .csv) into a checked overlay folder.

    Shows how the columns are mapped first; every problem names its cell
    (Sheet1!D12), and nothing is written until the whole sheet is clean.

    \b
    Examples:
      briefgen import figures.xlsx -r example-city --name-zh 示例市 --parent jiangsu --dry-run
      briefgen import figures.csv -r suqian --map 指标=indicator_zh,数值=value -o my-overlay/
    """
    from .importer import RegionInfo, run_import

    run_import(file, region=RegionInfo(region_id, name_zh, name_en, level, parent), output=output,
               maps=list(maps), mapping_file=mapping_file, sheet_name=sheet, theme=theme,
               source_title=source_title, source_date=source_date, content=content, overlays=overlays,
               dry_run=dry_run, force=force, echo=click.echo, cache=not no_cache)


@cli.group()
def new() -> None:
    """Start new content from a commented skeleton.

    \b
    Examples:
      briefgen new region xuzhou --parent jiangsu
    """


@new.command("region")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Folder to write.  [default: ./NAME/]")
@click.option("--parent", help="Id of the region it belongs to, e.g. jiangsu.")
def new_region(name, output, parent) -> None:
    """Write an overlay skeleton for region NAME (an id such as xuzhou): region, source,
    a figure, a finding, a case and a recommendation, each value to fill in marked <<fill in: ...>>.

    \b
    Examples:
      briefgen new region xuzhou --parent jiangsu
      briefgen check --overlay xuzhou/      # refused until every <<fill in ...>> is replaced
    """
    from .scaffold import new_region as write_skeleton

    folder = write_skeleton(name, output, parent)
    click.echo(str(folder))
    click.echo(f"next: replace every <<fill in: ...>> in {folder}/, then briefgen check --overlay {folder}",
               err=True)


@cli.command()
@content_options
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--templates", type=click.Path(file_okay=False),
              help="Folder of narrative templates that override the built-in ones (re-read when edited).")
def serve(content, overlays, no_cache, port, templates) -> None:
    """Preview briefs in the browser while you edit the content (127.0.0.1 only).

    Prints the address to open.  Pick region, benchmark, audience, length and
    language; download the PDF or Word file; the page rebuilds whenever a content
    or template file changes, and lists briefgen check's problems when there are any.

    \b
    Examples:
      briefgen serve
      briefgen serve --overlay my-city/ --port 8000
    """
    from .serve import serve as run

    run(content, overlays, port, click.echo, cache=not no_cache, templates=templates)


def _on_sigterm(signum, frame) -> None:
    # Unwind as Ctrl-C does, so the temporary file being written is removed on the way
    # out; the default action would kill the process and leave it behind.
    raise KeyboardInterrupt


def _printable(message: str) -> str:
    """A message safe for a terminal: a content value's escape sequences are shown, not obeyed."""
    from .characters import FORBIDDEN

    return FORBIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


#: briefgen's own code: a deprecation warning from anywhere else is not the user's business.
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def _show_warning(message, category, filename, lineno, file=None, line=None, _default=None) -> None:
    """briefgen's own warnings as one plain line on stderr; others as Python shows them."""
    if issubclass(category, BriefgenWarning):
        click.echo(f"briefgen: warning: {_printable(str(message))}", err=True)
    elif issubclass(category, (DeprecationWarning, PendingDeprecationWarning)) \
            and not str(filename).startswith(_PACKAGE_DIR):
        return   # a library's note to its own developers (reportlab 4.0's importer, say), not the user's
    elif _default is not None:
        _default(message, category, filename, lineno, file, line)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning user errors into one line and an exit status."""
    import functools
    import os
    import signal
    import threading
    import warnings

    warnings.showwarning = functools.partial(_show_warning, _default=warnings.showwarning)

    old_term = None
    if threading.current_thread() is threading.main_thread():
        old_term = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        cli.main(args=argv, prog_name="briefgen", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except (click.Abort, KeyboardInterrupt):
        # click turns Ctrl-C (and our SIGTERM) into Abort; every write is atomic.
        click.echo("briefgen: interrupted; no partial files were left", err=True)
        sys.exit(130)
    except BriefgenError as e:
        click.echo(f"briefgen: {_printable(str(e))}", err=True)
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:
        # Not the user's doing: still one line, not a traceback, unless asked for.
        if os.environ.get("BRIEFGEN_TRACEBACK"):
            raise
        click.echo(f"briefgen: internal error: {type(e).__name__}: {e}; this is a bug in briefgen, "
                   "please report it (set BRIEFGEN_TRACEBACK=1 to see where it happened)", err=True)
        sys.exit(70)
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
