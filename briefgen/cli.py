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
from .errors import BriefgenError, UsageError
from .spec import AUDIENCES, LANGS, LENGTHS

FORMAT_CHOICES = ("pdf", "docx", "md", "html", "all")
LIST_KINDS = ("regions", "themes", "sources", "indicators", "findings", "cases", "recommendations")


def _date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2025-12-31") from None


def content_options(f):
    f = click.option("--overlay", "overlays", multiple=True, type=click.Path(file_okay=False),
                     help="A folder of extra content added on top (repeatable).")(f)
    f = click.option("--content", type=click.Path(file_okay=False),
                     help="Use this content folder instead of the built-in one.")(f)
    f = click.option("--no-cache", "no_cache", is_flag=True,
                     help="Parse and check the content afresh instead of using the parsed copy in the "
                          "user cache folder (which is used only while the files are unchanged).")(f)
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
    """


@cli.command()
@click.option("--region", "-r", required=True, help="Region id or name: suqian, Suqian, 宿迁, 宿迁市 ...")
@click.option("--benchmark", "-b", help="Region to learn from (default: chosen from the content).")
@click.option("--audience", "-a", type=click.Choice(AUDIENCES), default="government", show_default=True)
@click.option("--length", "-l", type=click.Choice(LENGTHS), default="standard", show_default=True,
              help="short = 2 pages, standard = 4, full = up to 12.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True)
@click.option("--format", "-f", "formats", type=click.Choice(FORMAT_CHOICES), multiple=True,
              help="pdf, docx, md, html or all; repeatable.  [default: pdf]")
@click.option("-o", "--output", help="Output file (one format) or folder.  [default: ./out/]")
@content_options
@click.option("--templates", type=click.Path(file_okay=False), help="Folder of narrative templates that override the built-in ones.")
@click.option("--config", type=click.Path(dir_okay=False), help="House-style file (default: ./briefgen.toml if present).")
@click.option("--reference-docx", type=click.Path(dir_okay=False), help="Word template whose styles, page setup, header and footer the .docx uses.")
@click.option("--paper", type=click.Choice(("A4", "Letter")), help="Paper size (default A4, or the config's).")
@click.option("--as-of", callback=_date, help="Build from the content as it stood on this date (YYYY-MM-DD).")
def make(region, benchmark, audience, length, lang, formats, output, content, overlays, no_cache, templates,
         config, reference_docx, paper, as_of) -> None:
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
                     as_of=as_of)
    resolved = spec.resolve(lib)  # fail on a bad region before any work
    # Decide every path before rendering, so a bad -o fails fast and writes nothing.
    stem_guess = resolved.file_stem(resolved.benchmark)
    plan_outputs(output, [(stem_guess, extension(f)) for f in fmts])
    built = build(resolved, fmts, lib, templates=templates, style=style)
    paths = plan_outputs(output, [(Path(built.file_name(f)).stem, extension(f)) for f in fmts])
    for fmt, path in zip(fmts, paths):
        write_atomic(path, built.files[fmt])
        click.echo(str(path))


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
@click.argument("kind", type=click.Choice(LIST_KINDS))
@click.option("--region", "-r", help="Only records about this region (id or name).")
@click.option("--theme", "-t", help="Only records on this theme id.")
@click.option("--format", "-f", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
@content_options
def list_(kind, region, theme, fmt, content, overlays, no_cache) -> None:
    """List regions, themes, sources, indicators, findings, cases or recommendations.

    \b
    Examples:
      briefgen list regions
      briefgen list indicators --region suqian --format csv > suqian.csv
      briefgen list recommendations --theme talent-education
    """
    from .library import load_library
    from .listing import write_listing

    lib = load_library(content, overlays, cache=not no_cache)
    rid = lib.region(region).id if region else None
    if theme and theme not in lib.themes:
        from .library.loader import suggest
        raise UsageError(f"unknown theme '{theme}'{suggest(theme, lib.themes)} (briefgen list themes shows all)")
    write_listing(lib, kind, rid, theme, fmt, sys.stdout)


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
    from .library import load_library
    from .listing import write_coverage

    lib = load_library(content, overlays, cache=not no_cache)
    counts = lib.counts()
    click.echo("content OK: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if seed_texts:
        from .library.provenance import check_provenance

        problems = check_provenance(lib, Path(seed_texts))
        if problems:
            raise BriefgenError("\n".join([f"{len(problems)} provenance problem(s):", *problems]))
        click.echo(f"provenance OK: every figure and locator found in its source text ({seed_texts})")
    if coverage:
        write_coverage(lib, sys.stdout)


def _on_sigterm(signum, frame) -> None:
    # Unwind as Ctrl-C does, so the temporary file being written is removed on the way
    # out; the default action would kill the process and leave it behind.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning user errors into one line and an exit status."""
    import os
    import signal
    import threading

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
        click.echo(f"briefgen: {e}", err=True)
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
