"""What a batch knows of an edition: the inputs each file was built from, and the manifest that records them."""
from __future__ import annotations


import contextlib
import dataclasses
import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from .. import __version__, clock
from ..errors import BriefgenError, UsageError
from ..journal import Journal, read_journal
from ..library import Library, flat_record
from ..locking import folder_lock
from ..output import write_atomic
from ..paths import data_dir
from ..spec import BriefSpec
from ..style import HouseStyle

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


# ============================================================================ content and inputs

def content_hashes(lib: Library) -> dict[str, dict[str, str]]:
    """A short hash of each indicator and case, so a later edition can tell what is new or changed.

    Where a record sits (file and line) is left out: moving a record is not changing it."""
    def digest(record: Any) -> str:
        row = {k: v for k, v in flat_record(record).items() if k not in ("file", "line")}
        return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
                              .encode()).hexdigest()[:16]

    return {"indicators": {k: digest(v) for k, v in sorted(lib.indicators.items())},
            "cases": {k: digest(v) for k, v in sorted(lib.cases.items())}}


def changed_since(previous: Mapping[str, Any], current: dict[str, dict[str, str]]) -> set[str]:
    """Ids of indicators and cases added or changed since ``previous`` (a manifest's "content")."""
    out = set()
    for kind in ("indicators", "cases"):
        before = previous.get(kind, {}) or {}
        out |= {rid for rid, h in current[kind].items() if before.get(rid) != h}
    return out


def _relevant_new(lib: Library, spec: BriefSpec, changed: set[str]) -> tuple[str, ...]:
    """The changed records a brief on ``spec`` should mention: about its region, the region's
    parents, or its benchmark (the one given, else the one the rules will choose)."""
    from ..plan.rules import ancestors, choose_benchmark

    bench = spec.benchmark or choose_benchmark(lib, spec.region, spec.audience, None).region
    regions = {spec.region, *ancestors(lib, spec.region), *([bench] if bench else [])}
    return tuple(sorted(i for i in changed
                        if (i in lib.indicators and lib.indicators[i].region in regions)
                        or (i in lib.cases and lib.cases[i].region in regions)))


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _style_digest(style: HouseStyle) -> str:
    h = hashlib.sha256()
    for f in dataclasses.fields(style):
        value = getattr(style, f.name)
        h.update(f"{f.name}={value!r}\0".encode())
        if value is not None and f.name in ("logo", "reference_docx", "font_latin", "font_cjk"):
            with contextlib.suppress(OSError):  # a missing file fails the build itself, with a message
                h.update(Path(value).read_bytes())
    return h.hexdigest()


def inputs_digest(lib: Library, templates: str | Path | None, style: HouseStyle) -> str:
    """What every brief of a run shares: content, templates, house style and briefgen's version."""
    parts = {"content": lib.fingerprint, "templates_builtin": _tree_digest(data_dir("templates")),
             "templates": _tree_digest(Path(templates)) if templates else None,
             "style": _style_digest(style), "briefgen": __version__}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def spec_record(spec: BriefSpec) -> dict[str, Any]:
    """Every field of a spec as JSON values."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(spec):
        v = getattr(spec, f.name)
        out[f.name] = v.isoformat() if isinstance(v, date) else (list(v) if isinstance(v, tuple) else v)
    return out


def file_fingerprint(inputs: str, spec: BriefSpec, fmt: str) -> str:
    payload = json.dumps({"inputs": inputs, "spec": spec_record(spec), "format": fmt}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
                else hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def _now() -> str:
    when = clock.now()
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


# ============================================================================ the manifest

def manifest_name(shard: tuple[int, int] | None) -> str:
    return MANIFEST if shard is None else f"manifest.shard-{shard[0]}-of-{shard[1]}.json"


#: A manifest of 100 000 briefs is about 40 MB.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def read_manifest(path: Path, *, strict: bool = False) -> dict[str, Any] | None:
    """A manifest's contents; None (or UsageError when ``strict``) if missing or unreadable."""
    try:
        # A FIFO would hang and /dev/zero would fill memory: only an ordinary file of sane size is read.
        if path.exists() and (not path.is_file() or path.stat().st_size > MAX_MANIFEST_BYTES):
            raise ValueError(f"not an ordinary file of at most {MAX_MANIFEST_BYTES // (1024 * 1024)} MiB")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("files", []), list):
            raise ValueError("not a briefgen manifest")
        return data
    except FileNotFoundError:
        if strict:
            raise UsageError(f"manifest not found: {path}") from None
    except (ValueError, UnicodeDecodeError, OSError) as e:
        if strict:
            raise UsageError(f"{path}: not a briefgen manifest ({e})") from None
    return None


def _entries(data: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {e["key"]: e for e in (data or {}).get("files", []) if isinstance(e, dict) and "key" in e}


def entries_with_journal(path: Path, data: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The file entries of manifest ``path`` (or its contents ``data``), with the entries its
    journal holds since it was last written (a run killed outright leaves them there)."""
    out = _entries(read_manifest(path) if data is None else data)
    for entry in read_journal(path):
        out[entry["key"]] = entry
    return out


def _all_entries(folder: Path) -> dict[str, dict[str, Any]]:
    """Every file entry any manifest in ``folder`` holds (shards' and the merged one)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("manifest*.json")):
        out.update(entries_with_journal(path))
    return out


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _write_manifest(path: Path, header: dict[str, Any], entries: dict[str, dict[str, Any]],
                    prune: bool = False, lines: dict[str, tuple[dict, str]] | None = None) -> list[dict[str, Any]]:
    """Write the manifest and return the file entries it holds (``lines``: see _manifest_text)."""
    files = [e for _, e in sorted(entries.items())]
    if prune:  # drop entries whose file is gone, so the manifest matches the disk
        files = [e for e in files if (path.parent / e["path"]).is_file()]
    write_atomic(path, _manifest_text({**header, "files": files}, lines).encode("utf-8"))
    return files


def _manifest_text(data: dict[str, Any], lines: dict[str, tuple[dict, str]] | None = None) -> str:
    """JSON with one top-level key, and one file entry, per line.

    The manifest is rewritten after every brief; json.dumps(indent=2) runs the
    pure-Python encoder and cost a quarter of a 552-brief batch.  Values on one
    line use the C encoder, and the file still diffs line by line.  ``lines``
    remembers each entry's line between rewrites (entries are never changed in place)."""
    def entry_line(entry: dict[str, Any]) -> str:
        known = lines.get(entry.get("key", "")) if lines is not None else None
        if known is not None and known[0] is entry:
            return known[1]
        line = "    " + json.dumps(entry, ensure_ascii=False)
        if lines is not None and "key" in entry:
            lines[entry["key"]] = (entry, line)
        return line

    out = []
    for key, value in data.items():
        if key == "files" and value:
            text = "[\n" + ",\n".join(entry_line(e) for e in value) + "\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False)
        out.append(f"  {json.dumps(key, ensure_ascii=False)}: {text}")
    return "{\n" + ",\n".join(out) + "\n}\n"


def merge_manifests(folder: str | Path) -> Path:
    """Merge the shard manifests in ``folder`` (and any manifest.json) into manifest.json."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"--merge-manifests {folder}: no such folder; give the edition folder, "
                         "e.g. out/2026-11")
    with folder_lock(folder):
        paths = sorted(folder.glob("manifest.shard-*-of-*.json"))
        if not paths:
            raise UsageError(f"{folder}: no shard manifests (manifest.shard-K-of-N.json) to merge")
        merged = read_manifest(folder / MANIFEST) or {}
        entries = entries_with_journal(folder / MANIFEST, merged)
        header = {k: v for k, v in merged.items() if k != "files"}
        fingerprints = set()
        for path in paths:
            data = read_manifest(path, strict=True)
            fingerprints.add(data.get("content_fingerprint"))
            for key, entry in entries_with_journal(path, data).items():
                old = entries.get(key)
                # Keep whichever entry still describes the file on disk, else the newer one.
                if old is None or _sha256(folder / entry["path"]) == entry["sha256"] or \
                        entry.get("written", "") >= old.get("written", ""):
                    entries[key] = entry
            header = {**{k: v for k, v in data.items() if k not in ("files", "shard")}, "shard": None}
        if len(fingerprints) > 1:
            raise BriefgenError(f"{folder}: the shards were built from different content "
                                f"({len(fingerprints)} content fingerprints); rerun the shards with the "
                                "same content, then merge")
        header["merged_from"] = [p.name for p in paths]
        _write_manifest(folder / MANIFEST, header, entries, prune=True)
        Journal(folder / MANIFEST).clear()
    return folder / MANIFEST
