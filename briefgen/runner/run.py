"""Running a batch: deciding what to build, building it here or in worker processes, and keeping the manifest."""
from __future__ import annotations


import contextlib
import hashlib
import os
import time
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .. import __version__
from ..errors import BriefgenError, UsageError
from ..journal import Journal
from ..library import load_library
from ..locking import folder_lock
from ..output import TEMP_PREFIX, abandoned, inside, write_atomic
from ..spec import BriefSpec, edition_date
from ..style import DEFAULT_STYLE, HouseStyle
from .manifest import (MANIFEST, MANIFEST_VERSION, _all_entries, _entries, _now, _relevant_new, _sha256,
                       _stat, _write_manifest, changed_since, content_hashes, file_fingerprint,
                       inputs_digest, manifest_name, read_manifest, spec_record)
from .plan import Job, load_plan, parse_shard, shard_jobs, spec_key
from .report import BatchReport, Failure, _Progress, _Stop
from .workers import Builder, _init_worker, _work

#: A temporary file this old is a crashed run's, not one being written (a brief takes seconds).
STALE_TEMP_SECONDS = 600
#: Plans making more files than this say how many before they start.
LARGE_EDITION = 10_000


# ============================================================================ the run

@dataclass
class _Run:
    folder: Path
    manifest_path: Path
    header: dict[str, Any]
    inputs: str
    content_fingerprint: str
    report: BatchReport
    echo: Callable[[str], None] | None
    progress: _Progress
    force: bool
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)   # this run's, by key
    claimed: dict[str, str] = field(default_factory=dict)              # path -> key, this run
    #: The manifest as it stands: its file's entries with the journal's applied, and the
    #: manifest file's (inode, mtime, size) when this run last read or wrote it.
    view: dict[str, dict[str, Any]] = field(default_factory=dict)
    journal: Journal | None = None
    _manifest_stat: tuple[int, int, int] | None = None
    _synced: bool = False
    _lines: dict[str, tuple[dict, str]] = field(default_factory=dict)

    def file_key(self, job_key: str, fmt: str) -> str:
        return f"{job_key}|{fmt}"

    def entry(self, spec: BriefSpec, used: BriefSpec | None, fmt: str, rel: str, sha: str, size: int,
              written: str) -> dict[str, Any]:
        return {"key": self.file_key(spec_key(spec), fmt), "path": rel, "format": fmt, "sha256": sha,
                "size": size, "fingerprint": file_fingerprint(self.inputs, spec, fmt),
                "spec": spec_record(spec), "benchmark_used": used.benchmark if used else None,
                "briefgen_version": __version__, "written": written}

    def commit(self, job: Job, result: dict[str, Any]) -> None:
        """Write one brief's files and record them, under the folder lock."""
        if result.get("ok") and result.get("fingerprint") != self.content_fingerprint:
            result = {"ok": False, "reason": "the content changed while the batch ran; run it again"}
        if not result.get("ok"):
            self.report.failed.append(Failure(job.spec, job.formats, result["reason"]))
            self.progress.step(f"failed {job.key}")
            return
        used: BriefSpec = result["spec"]
        written_now: list[Path] = []
        recorded: list[dict[str, Any]] = []
        with folder_lock(self.folder):
            on_disk = self._sync()
            for fmt in job.formats:
                name, data = result["files"][fmt]
                key = self.file_key(job.key, fmt)
                other = self.claimed.get(name)
                if other is not None and other != key:
                    self.report.failed.append(Failure(job.spec, (fmt,), f"writes the same file {name} as "
                                                      f"{other}; remove one of them from the plan"))
                    continue
                self.claimed[name] = key
                try:
                    path = _brief_path(self.folder, name)
                except BriefgenError as e:
                    self.report.failed.append(Failure(job.spec, (fmt,), str(e)))
                    continue
                sha = hashlib.sha256(data).hexdigest()
                if not self.force and _sha256(path) == sha:
                    self.report.unchanged.append(path)
                    old = on_disk.get(key) or {}
                    stamp = old.get("written") if old.get("sha256") == sha else None
                    self.entries[key] = self.entry(job.spec, used, fmt, name, sha, len(data), stamp or _now())
                    recorded.append(self.entries[key])
                    continue
                try:
                    write_atomic(path, data)
                except BriefgenError as e:   # a full disk, say: this file fails, the batch goes on
                    self.report.failed.append(Failure(job.spec, (fmt,), str(e)))
                    continue
                written_now.append(path)
                self.entries[key] = self.entry(job.spec, used, fmt, name, sha, len(data), _now())
                recorded.append(self.entries[key])
                self._remove_stale(on_disk.get(key), name)
            self._record(recorded)
        for path in written_now:
            self.report.written.append(path)
            self.progress.clear()
            if self.echo:
                self.echo(str(path))
        self.progress.step(job.key)

    def _remove_stale(self, old: dict[str, Any] | None, new_name: str) -> None:
        """The benchmark the rules chose changed, so the file name did: remove the old file
        if it is still exactly what this manifest recorded."""
        if not old or old.get("path") == new_name or old.get("path") in self.claimed:
            return
        with contextlib.suppress(UsageError, OSError):
            stale = inside(self.folder, old["path"])
            if _sha256(stale) == old.get("sha256"):
                stale.unlink()

    def _sync(self) -> dict[str, dict[str, Any]]:
        """The manifest's entries now (under the lock): re-read in full only when another
        batch has rewritten the manifest since; otherwise only the journal's new lines."""
        if self.journal is None:
            self.journal = Journal(self.manifest_path)
        stat = _stat(self.manifest_path)
        news = self.journal.catch_up() if self._synced and stat == self._manifest_stat else None
        if news is None:
            self.view = _entries(read_manifest(self.manifest_path))
            self._manifest_stat = stat
            news = self.journal.reset()
            self._synced = True
        for entry in news:
            self.view[entry["key"]] = entry
        return self.view

    def _record(self, entries: list[dict[str, Any]]) -> None:
        """Append this brief's entries to the journal; fold it in when it is as long as the manifest."""
        assert self.journal is not None
        self.journal.append(entries)
        for entry in entries:
            self.view[entry["key"]] = entry
        if self.journal.due(len(self.view)):
            self._compact()

    def _compact(self, prune: bool = False) -> None:
        """Write the manifest from the view and empty the journal (under the lock, after _sync).

        Another batch may have added entries since we last looked: keep theirs, then ours,
        except where it has since rewritten one of our files with other bytes (other
        templates, say): then its entry is the one that describes the disk."""
        entries = dict(self.view)
        for key, ours in self.entries.items():
            theirs = entries.get(key)
            if theirs is ours:
                continue
            if theirs and theirs.get("sha256") != ours.get("sha256") \
                    and _sha256(self.folder / ours["path"]) != ours.get("sha256"):
                continue
            entries[key] = ours
        files = _write_manifest(self.manifest_path, {**self.header, "updated": _now()}, entries,
                                prune=prune, lines=self._lines)
        assert self.journal is not None
        self.journal.clear()
        self.view, self._manifest_stat = _entries({"files": files}), _stat(self.manifest_path)

    def finish(self) -> None:
        with folder_lock(self.folder):
            for tmp in self.folder.glob(TEMP_PREFIX + "*"):
                # Under the lock no batch is mid-write, but a `make` into the same folder may
                # be: only a temp file whose writer has ended, or one left long enough to be
                # a crashed run's, is removed.
                with contextlib.suppress(OSError):
                    if abandoned(tmp) or time.time() - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                        tmp.unlink()
            self._sync()
            self._compact(prune=True)
        self.progress.clear()


def _brief_path(folder: Path, name: str) -> Path:
    """Where a brief goes in the edition folder; a file there that is a link is not written through."""
    path = inside(folder, name)
    if path.is_symlink():
        raise BriefgenError(f"{path} is a symbolic link; briefgen does not write through it. "
                            "Remove the link and run again")
    return path


def max_jobs() -> int:
    """The most workers a batch may ask for: four per core (at least four)."""
    return max(4, 4 * (os.cpu_count() or 1))


def run_batch(plan: str | Path | Mapping[str, Any], output: str | Path = "out", *, jobs: int | None = None,
              force: bool = False, shard: str | tuple[int, int] | None = None, as_of: date | None = None,
              since: str | Path | None = None, content: str | Path | None = None,
              overlays: Sequence[str | Path] = (), templates: str | Path | None = None,
              style: HouseStyle | None = None, echo: Callable[[str], None] | None = None,
              progress: bool = False, cache: bool = True) -> BatchReport:
    """Build every brief ``plan`` asks for into ``output/<edition>/``; see the module docstring.

    ``echo`` is called with each path written; ``progress`` shows a bar on stderr.
    Raises UsageError (nothing written) for a bad plan, shard or manifest; a brief
    that fails is reported in the result and does not stop the others."""
    style = style or DEFAULT_STYLE
    content_s = str(content) if content else None
    overlays_s = [str(o) for o in overlays]
    templates_s = str(templates) if templates else None
    if templates_s and not Path(templates_s).is_dir():
        raise UsageError(f"templates folder not found: {templates}")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: give 1 or more")
    if jobs is not None and jobs > max_jobs():
        raise UsageError(f"--jobs {jobs}: give at most {max_jobs()} (four per processor core here); each "
                         "worker holds a library and fonts in memory, and more only compete for the cores")
    shard_kn = parse_shard(shard)
    lib = load_library(content_s, overlays_s, cache=cache)
    the_plan = load_plan(plan, lib, as_of=as_of)
    view = lib.as_of(as_of) if as_of else lib
    hashes = content_hashes(view)
    previous = None
    if since is not None:
        since_path = Path(since)
        if since_path.is_dir():
            since_path = since_path / MANIFEST
        previous = read_manifest(since_path, strict=True)
        if not isinstance(previous.get("content"), dict):
            raise UsageError(f"{since_path}: this manifest records no content hashes, so what is new "
                             "cannot be told; give a manifest written by briefgen batch")
    edition = the_plan.edition or (as_of or edition_date()).strftime("%Y-%m")
    folder = inside(Path(output), edition)
    selected = shard_jobs(the_plan.jobs, shard_kn)
    if previous is not None:
        changed = changed_since(previous["content"], hashes)
        selected = [replace(j, spec=replace(j.spec, new_since=_relevant_new(view, j.spec, changed)))
                    for j in selected]
    inputs = inputs_digest(lib, templates_s, style)
    manifest_path = folder / manifest_name(shard_kn)
    header = {"manifest_version": MANIFEST_VERSION, "briefgen_version": __version__, "edition": edition,
              "plan": the_plan.where, "content_fingerprint": lib.fingerprint,
              "as_of": as_of.isoformat() if as_of else None, "since": str(since) if since else None,
              "shard": f"{shard_kn[0]}/{shard_kn[1]}" if shard_kn else None, "content": hashes}
    report = BatchReport(folder, manifest_path, edition)
    run = _Run(folder, manifest_path, header, inputs, lib.fingerprint, report, echo,
               _Progress(0, False), force)

    # Decide what needs building: a file is up to date when its inputs' fingerprint is
    # the one recorded and the file still has the recorded bytes.
    todo: list[Job] = []
    with folder_lock(folder):
        known = _all_entries(folder)
    for job in selected:
        stale = []
        for fmt in job.formats:
            key = run.file_key(job.key, fmt)
            old = known.get(key)
            if (not force and old and old.get("fingerprint") == file_fingerprint(inputs, job.spec, fmt)
                    and _sha256(folder / old["path"]) == old.get("sha256")):
                report.unchanged.append(folder / old["path"])
                run.entries[key] = old
                run.claimed[old["path"]] = key
            else:
                stale.append(fmt)
        if stale:
            todo.append(replace(job, formats=tuple(stale)))
    run.progress = _Progress(len(todo), progress)
    planned = sum(len(j.formats) for j in selected)
    if planned > LARGE_EDITION:
        # A very large plan says what it is about to do before it starts, not after an hour.
        building = sum(len(j.formats) for j in todo)
        sys.stderr.write(f"briefgen: this plan makes {planned:,} files ({len(selected):,} briefs); "
                         f"{building:,} need building, {planned - building:,} are up to date\n")
        sys.stderr.flush()

    with _Stop() as stop:
        try:
            if todo:
                workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
                if workers == 1:
                    _run_here(todo, run, stop, content_s, overlays_s, templates_s, style, cache)
                else:
                    _run_pool(todo, run, stop, workers, content_s, overlays_s, templates_s, style, cache)
        finally:
            run.finish()
    return report


def _run_here(todo: list[Job], run: _Run, stop: _Stop, content, overlays, templates, style,
              cache: bool = True) -> None:
    builder = Builder(content, overlays, templates, style, cache)
    for i, job in enumerate(todo):
        if stop.requested:
            run.report.interrupted, run.report.not_built = True, len(todo) - i
            return
        run.commit(job, builder.build(job.spec, job.formats))


def _run_pool(todo: list[Job], run: _Run, stop: _Stop, workers: int, content, overlays, templates,
              style, cache: bool = True) -> None:
    """Build ``todo`` in a pool of worker processes; a pool that loses a worker is replaced.

    When a worker dies (the OOM killer, a crash in a C library) every brief then in
    the pool fails with it, guilty or not.  Each of those is built again alone, in
    a pool of its own: one that kills its worker there too is reported as failed,
    the others are built, and the rest of the queue goes on in a fresh pool."""
    initargs = (content, overlays, templates, style, cache)
    queue = list(reversed(todo))
    idle_rounds = 0
    while queue and not stop.requested:
        queue, lost, built = _pool_round(queue, run, stop, workers, initargs)
        for job, reason in lost:
            if stop.requested:
                run.report.not_built += 1
                continue
            _, again, _ = _pool_round([job], run, stop, 1, initargs)
            if again:
                run.commit(job, {"ok": False, "reason": f"{reason}; it died again when this brief was "
                                                        "built alone"})
        # Pools that die without building anything (workers that cannot even start) are not
        # replaced for ever: after three, the rest is reported as not built.
        idle_rounds = idle_rounds + 1 if lost and not built else 0
        if idle_rounds >= 3:
            for job in reversed(queue):
                run.commit(job, {"ok": False, "reason": "not built: worker processes keep dying as they start"})
            queue = []


def _pool_round(queue: list[Job], run: _Run, stop: _Stop, workers: int,
                initargs: tuple) -> tuple[list[Job], list[tuple[Job, str]], int]:
    """One pool's life: (jobs still to build, jobs lost with a dying worker and why, jobs built)."""
    # Imported here: multiprocessing is a tenth of a second a one-job batch need not pay.
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: dict[Future, Job] = {}
    lost: list[tuple[Job, str]] = []
    built = 0
    broken = False
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=initargs) as pool:
        while queue or pending:
            # Keep only a little work queued, so stopping has little to cancel.
            while queue and not stop.requested and not broken and len(pending) < 2 * workers:
                job = queue.pop()
                try:
                    pending[pool.submit(_work, job.spec, job.formats)] = job
                except BrokenProcessPool:
                    queue.append(job)
                    broken = True
            if stop.requested and not run.report.interrupted:
                cancelled = [f for f in pending if f.cancel()]
                for fut in cancelled:
                    pending.pop(fut)
                run.report.interrupted = True
                run.report.not_built += len(queue) + len(cancelled)
                queue.clear()
            if not pending:
                break
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool as e:
                    if stop.requested:  # killed along with us (SIGTERM to the process group)
                        run.report.not_built += 1
                        continue
                    broken = True
                    lost.append((job, f"a worker process died ({e})"))
                    continue
                except Exception as e:
                    result = {"ok": False, "reason": f"internal error: {type(e).__name__}: {e}"}
                run.commit(job, result)
                built += 1
    return queue, lost, built
