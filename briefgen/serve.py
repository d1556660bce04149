"""``briefgen serve``: a local page that shows a brief and rebuilds it as the content changes.

The analyst picks region, benchmark, audience, length and language; the page
shows the brief as HTML (in a frame, so its own styles and print layout stay
intact), links to its PDF and Word files, and reloads itself when a content
file changes.  A watcher thread polls the content folders' modification times;
the page polls ``/version``.  When the content does not pass ``briefgen check``
the page lists the problems, file and line, instead of a brief.

Only 127.0.0.1 is served: the page is for the person at this machine.
"""
from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import parse_qs, urlencode, urlparse

from .errors import BriefgenError, ContentError
from .spec import AUDIENCES, LANGS, LENGTHS

HOST = "127.0.0.1"
POLL_SECONDS = 0.5
FIELDS = ("region", "benchmark", "audience", "length", "lang")
DOWNLOADS = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
LANG_LABELS = {"en": "English", "zh": "中文"}


def _signature(folders: Sequence[Path], templates: str | None = None) -> tuple:
    """Every content and template file's path, size and modification time: changes when any file does."""
    from .write.narrative import templates_version

    sig = []
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.suffix in (".yaml", ".csv") and p.is_file():
                st = p.stat()
                sig.append((str(p), st.st_size, st.st_mtime_ns))
    return (tuple(sig), templates_version(templates))


@dataclass
class Preview:
    """The served content: its version (bumped on every change) and the briefs built from it."""

    content: str | None
    overlays: tuple[str, ...]
    cache: bool = True                  # use the parsed-content cache (--no-cache: read afresh)
    templates: str | None = None        # --templates: the narrative wording, re-read when edited
    version: int = 1
    _signature: tuple = ()
    _library: Any = None
    _problems: list[str] = field(default_factory=list)
    _built: dict[tuple, Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def folders(self) -> list[Path]:
        from .paths import data_dir

        return [Path(self.content) if self.content else data_dir("content"), *map(Path, self.overlays)]

    def refresh(self) -> bool:
        """Re-read the content if a file changed; True when it did."""
        sig = _signature(self.folders(), self.templates)
        with self._lock:
            if sig == self._signature and (self._library is not None or self._problems):
                return False
            changed = bool(self._signature)
            self._signature = sig
            self.version += changed
            self._built.clear()
            from .library import load_library

            try:
                self._library, self._problems = load_library(self.content, self.overlays, cache=self.cache), []
            except ContentError as e:
                self._library, self._problems = None, list(e.problems)
            except BriefgenError as e:
                self._library, self._problems = None, [str(e)]
            return True

    def state(self) -> tuple[Any, list[str]]:
        with self._lock:
            return self._library, list(self._problems)

    def brief(self, choice: dict[str, str]) -> tuple[Any, list[str]]:
        """(Brief, notes) for the choice, composed once per content version."""
        from . import compose
        from .readiness import omit_untranslated
        from .spec import BriefSpec

        with self._lock:
            key = (self.version, *(choice.get(f, "") for f in FIELDS))
            if key not in self._built:
                spec = BriefSpec(region=choice["region"], benchmark=choice.get("benchmark") or None,
                                 audience=choice["audience"], length=choice["length"], lang=choice["lang"])
                resolved = spec.resolve(self._library)
                omitted = omit_untranslated(self._library, spec.lang)[1]
                notes = [f"{len(omitted)} record(s) without {LANG_LABELS[spec.lang]} text left out: "
                         f"{', '.join(omitted[:8])}{' ...' if len(omitted) > 8 else ''}"] if omitted else []
                # compose() leaves the untranslated records out (readiness.library_for).
                self._built[key] = (compose(resolved, self._library, templates=self.templates), notes, resolved)
            return self._built[key]


def _options(values: Sequence[tuple[str, str]], selected: str) -> str:
    return "".join(f'<option value="{html.escape(v)}"{" selected" if v == selected else ""}>{html.escape(label)}'
                   "</option>" for v, label in values)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>briefgen preview</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 0; }}
 form {{ display: flex; flex-wrap: wrap; gap: .8em; align-items: end; padding: .7em 1em; background: #eef2f6; }}
 label {{ display: flex; flex-direction: column; font-size: .8em; }}
 #status {{ padding: .3em 1em; font-size: .85em; color: #444; }}
 #problems {{ margin: 1em; padding: .5em 1em; border: 2px solid #b00; background: #fff4f4; }}
 #problems li {{ font-family: monospace; white-space: pre-wrap; }}
 iframe {{ width: 100%; height: calc(100vh - 8em); border: 0; border-top: 1px solid #ccc; }}
</style></head>
<body data-version="{version}">
<form method="get" action="/">
 <label>Region / 地区<select name="region" id="region" onchange="this.form.submit()">{regions}</select></label>
 <label>Benchmark / 对标<select name="benchmark" id="benchmark" onchange="this.form.submit()">{benchmarks}</select></label>
 <label>Audience<select name="audience" id="audience" onchange="this.form.submit()">{audiences}</select></label>
 <label>Length<select name="length" id="length" onchange="this.form.submit()">{lengths}</select></label>
 <label>Language<select name="lang" id="lang" onchange="this.form.submit()">{langs}</select></label>
 <noscript><button>Show</button></noscript>
 {downloads}
</form>
<p id="status">{status}</p>
{body}
<script>
// Reload when the content changes (the server bumps the version on every file change).
const shown = document.body.dataset.version;
setInterval(async () => {{
  try {{
    const r = await fetch("/version", {{cache: "no-store"}});
    const v = (await r.json()).version;
    if (String(v) !== shown) location.reload();
  }} catch (e) {{ /* server stopped: keep the page as it is */ }}
}}, 700);
</script>
</body></html>
"""


def page(preview: Preview, choice: dict[str, str]) -> str:
    library, problems = preview.state()
    regions = [("", "— pick a region —")]
    if library is not None:
        regions += [(r.id, f"{r.name_zh or r.name_en} {r.name_en if r.name_zh else ''}".strip())
                    for r in library.regions.values()]
    fill = {
        "version": preview.version,
        "regions": _options(regions, choice.get("region", "")),
        "benchmarks": _options([("", "chosen by briefgen"), *regions[1:]], choice.get("benchmark", "")),
        "audiences": _options([(a, a) for a in AUDIENCES], choice["audience"]),
        "lengths": _options([(v, v) for v in LENGTHS], choice["length"]),
        "langs": _options([(v, LANG_LABELS[v]) for v in LANGS], choice["lang"]),
        "downloads": "", "status": "", "body": "",
    }
    if problems:
        fill["status"] = "The content does not pass briefgen check; fix these and the page reloads by itself."
        fill["body"] = _problems_html(problems)
        return PAGE.format(**fill)
    if not choice.get("region"):
        fill["status"] = "Pick a region to see its brief."
        return PAGE.format(**fill)
    try:
        brief, notes, resolved = preview.brief(choice)
    except BriefgenError as e:
        fill["status"] = "This brief cannot be made:"
        fill["body"] = _problems_html(str(e).splitlines())
        return PAGE.format(**fill)
    query = html.escape(urlencode({f: choice.get(f, "") for f in FIELDS}))
    fill["downloads"] = " ".join(f'<a id="download-{fmt}" href="/download?format={fmt}&amp;{query}">'
                                 f"Download {'Word' if fmt == 'docx' else 'PDF'}</a>" for fmt in DOWNLOADS)
    fill["status"] = html.escape(f"Content version {preview.version}, built {time.strftime('%H:%M:%S')}"
                                 + "".join(f"; note: {n}" for n in notes))
    fill["body"] = f'<iframe id="brief" title="brief" src="/brief?{query}"></iframe>'
    return PAGE.format(**fill)


def _problems_html(problems: list[str]) -> str:
    items = "".join(f"<li>{html.escape(p.strip())}</li>" for p in problems if p.strip())
    return f'<section id="problems"><h2>{len(problems)} problem(s)</h2><ul>{items}</ul></section>'


def _choice(query: str) -> dict[str, str]:
    q = {k: v[0] for k, v in parse_qs(query).items() if v}
    choice = {f: q.get(f, "") for f in FIELDS}
    choice["audience"] = choice["audience"] if choice["audience"] in AUDIENCES else "government"
    choice["length"] = choice["length"] if choice["length"] in LENGTHS else "standard"
    choice["lang"] = choice["lang"] if choice["lang"] in LANGS else "en"
    return choice


class Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass make_server builds
    server_version = "briefgen"

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet: the terminal shows the URL only
        pass

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        from . import render

        url = urlparse(self.path)
        choice = _choice(url.query)
        try:
            if url.path == "/":
                self._send(200, page(self.preview, choice).encode("utf-8"), "text/html; charset=utf-8")
            elif url.path == "/version":
                self._send(200, json.dumps({"version": self.preview.version}).encode(), "application/json")
            elif url.path == "/brief" or url.path == "/download":
                library, problems = self.preview.state()
                if problems or not choice["region"]:
                    self._send(409, b"the content has problems or no region was picked; see /", "text/plain")
                    return
                brief, _, resolved = self.preview.brief(choice)
                fmt = "html" if url.path == "/brief" else parse_qs(url.query).get("format", ["pdf"])[0]
                if fmt not in ("html", *DOWNLOADS):
                    self._send(404, b"format must be pdf or docx", "text/plain")
                    return
                data = render(brief, fmt)
                if fmt == "html":
                    self._send(200, data, "text/html; charset=utf-8")
                else:
                    name = f"{resolved.file_stem(resolved.benchmark)}.{fmt}"
                    self._send(200, data, DOWNLOADS[fmt], {"Content-Disposition": f'attachment; filename="{name}"'})
            else:
                self._send(404, b"not found", "text/plain")
        except BriefgenError as e:
            self._send(400, str(e).encode("utf-8"), "text/plain; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # briefgen's bug, not the user's: say so on the page, keep serving
            self._send(500, f"internal error: {type(e).__name__}: {e}; this is a bug in briefgen, please "
                            "report it".encode("utf-8"), "text/plain; charset=utf-8")


def make_server(content: str | None, overlays: Sequence[str], port: int = 0,
                cache: bool = True, templates: str | None = None) -> tuple[ThreadingHTTPServer, Preview]:
    """A server on 127.0.0.1 (``port`` 0: any free one) and the preview it shows, content loaded."""
    preview = Preview(content, tuple(overlays), cache, str(templates) if templates else None)
    missing = [str(f) for f in preview.folders() if not f.is_dir()]
    if templates and not Path(templates).is_dir():
        from .errors import UsageError

        raise UsageError(f"templates folder not found: {templates}")
    if missing:
        from .errors import UsageError

        raise UsageError(f"content folder not found: {missing[0]}; give a folder that holds regions.yaml, "
                         "indicators.csv ... (see content/SCHEMA.md)")
    preview.refresh()
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as e:
        raise BriefgenError(f"cannot listen on {HOST}:{port} ({e.strerror}); give another --port, or 0 for any")
    server.daemon_threads = True
    return server, preview


def watch(preview: Preview, stop: threading.Event, interval: float = POLL_SECONDS) -> None:
    """Poll the content until ``stop`` is set (run in a thread)."""
    while not stop.wait(interval):
        try:
            preview.refresh()
        except OSError:
            pass  # a file vanished mid-save; the next poll sees the new one


def serve(content: str | None, overlays: Sequence[str], port: int, echo: Callable[..., None],
          cache: bool = True, templates: str | None = None) -> None:
    """Run until Ctrl-C."""
    server, preview = make_server(content, overlays, port, cache, templates)
    stop = threading.Event()
    threading.Thread(target=watch, args=(preview, stop), daemon=True).start()
    echo(f"briefgen serve: http://{HOST}:{server.server_address[1]}/  (Ctrl-C stops)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        echo("briefgen serve: stopped", err=True)
    finally:
        stop.set()
        server.server_close()
